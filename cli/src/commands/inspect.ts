/**
 * `vmp inspect FILE | -`: an annotated dump of one frame (offset, header, type, value, nesting) that says where
 * the bytes are not canonical and which rule they break. The tool for "two languages disagree". Output is
 * bounded (`--max-lines`, `--max-bytes`) and says what it left out; `--stream` dumps every frame of a log.
 */
import type { Argv } from "yargs";
import { formatPath, UsageError, VmpError } from "../../../core/src/errors.js";
import { detectStream, framesOf, STREAM_FORMATS, StreamProgress, type StreamFormat } from "../frames.js";
import { isDash, readFile, readInput, readStdin, STDIN_NAME, type Input } from "../io.js";
import { toHex } from "../../../reference/src/wire/hex.js";
import type { Command, Io } from "../command.js";
import { canonicalize } from "../../../reference/src/schema/canonical.js";
import { explainDifferences } from "../../../reference/src/schema/explain.js";
import { defaultSpec, type Spec } from "../../../reference/src/schema/spec.js";
import { selectType, validate } from "../../../reference/src/schema/validate.js";
import { bytesEqual } from "../../../reference/src/value/model.js";
import { encode } from "../../../reference/src/wire/encode.js";
import { decode } from "../../../reference/src/wire/decode.js";
import { formatInspect, inspect, type InspectLine } from "../../../reference/src/wire/inspect.js";
import { parseJsonForm } from "../../../reference/src/value/json-form.js";

interface Args {
  file: string;
  type?: string;
  spec?: string;
  stream?: StreamFormat;
  maxLines: number;
  maxBytes: number;
}

export const inspectCommand: Command<Args> = {
  command: "inspect <file>",
  describe: "Annotated dump of a frame, with every way it is not canonical",
  builder: (y: Argv) =>
    y
      .positional("file", {
        type: "string",
        demandOption: true,
        describe: "a .msgpack frame, a .json message, hex in a .hex file, MANIFEST.json#VECTOR_ID, a .jsonl log, or - for stdin (hex, JSON, raw MessagePack, or a stream of them)",
      })
      .option("stream", { choices: STREAM_FORMATS, describe: "dump every frame of a stream: hex-lines, jsonl, length-prefixed or raw (as vmp validate --stream)" })
      .option("type", { type: "string", describe: "read as this type instead of choosing by etype ('any' for no schema)" })
      .option("max-lines", { type: "number", default: 200, describe: "dump at most this many items per frame, then say how many were left out (0: no limit)" })
      .option("max-bytes", { type: "number", default: 256, describe: "print at most this many canonical bytes in hex, then say how many were left out (0: no limit)" })
      .option("spec", { type: "string", describe: "the spec file (default: protocol/vmp.schema.json)" }) as unknown as Argv<Args>,
  examples: [
    ["$0 inspect conformance/vectors/wild.json#wild.e01/0", "why is the browser's SET frame not canonical?"],
    ["$0 inspect --max-lines 20 frame.msgpack", "the first 20 items of a large frame"],
    ["$0 inspect --stream length-prefixed capture.bin", "dump every frame of a length-prefixed capture"],
  ],
  run(args, io) {
    for (const [flag, n] of [["--max-lines", args.maxLines], ["--max-bytes", args.maxBytes]] as const) {
      if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`${flag} takes a whole number (0 for no limit), not ${n}`);
    }
    const spec = defaultSpec(args.spec);
    let stdinData: Buffer | undefined;
    const stdin = () => (stdinData ??= readStdin(io.stdin));
    const format = args.stream ?? detectStream(args.file, isDash(args.file) ? stdin() : undefined);
    if (format === undefined) return inspectFrame(readInput(args.file, stdin), spec, args, io);
    const name = isDash(args.file) ? STDIN_NAME : args.file;
    const data = isDash(args.file) ? stdin() : readFile(args.file);
    const progress = new StreamProgress(io.progress, name, data.length);
    let code = 0;
    let frames = 0;
    for (const frame of framesOf(name, data, format)) {
      if (frames++ > 0) io.out("");
      if ("unreadable" in frame.input) {
        io.out(`${frame.input.name}: unreadable: ${frame.input.unreadable}`);
        code = 1;
      } else {
        code = Math.max(code, inspectFrame(frame.input, spec, args, io));
      }
      progress.tick(frames, frame.end);
    }
    progress.finish();
    if (frames > 0) io.out("");
    io.out(`${name}: ${frames} frame${frames === 1 ? "" : "s"}`);
    return code;
  },
};

/** Dumps one frame; 1 when it does not decode or is not a valid instance of its type. */
function inspectFrame(input: Input, spec: Spec, args: Args, io: Io): number {
  let bytes: Uint8Array;
  try {
    bytes = input.form === "msgpack" ? input.bytes : encode(parseJsonForm(input.text));
  } catch (e) {
    if (!(e instanceof VmpError)) throw e;
    io.out(`${input.name}: invalid JSON form: ${e.message}`);
    return 1;
  }
  const lines = inspect(bytes);
  io.out(`${input.name}: ${bytes.length} bytes`);
  const shown = bounded(lines, args.maxLines);
  io.out(formatInspect(shown));
  if (shown.length < lines.length) {
    const left = lines.length - shown.length;
    io.out(`… ${left} more item${left === 1 ? "" : "s"} not shown (${lines.length} in all; --max-lines 0 shows every one)`);
  }
  const headerNotes = lines.reduce((n, l) => n + l.notes.length, 0);
  let value;
  try {
    value = decode(bytes);
  } catch (e) {
    if (!(e instanceof VmpError)) throw e;
    io.out(`\ninvalid: ${e.message}`);
    return 1;
  }
  let type = args.type ?? input.type;
  if (type === undefined) {
    try {
      type = selectType(value, spec);
    } catch {
      type = "any";
    }
  }
  const { errors } = validate(value, spec, { type });
  const canonicalValue = errors.length === 0 ? canonicalize(value, type === "any" ? "any" : { kind: "ref", name: type }, spec) : value;
  const schemaNotes = explainDifferences(value, canonicalValue);
  const canonical = encode(canonicalValue);
  io.out("");
  io.out(`type: ${type}${errors.length ? ` (invalid: ${errors.map((e) => `${e.kind} at ${formatPath(e.path)}`).join("; ")})` : ""}`);
  for (const note of schemaNotes) io.out(`schema: ${note}`);
  if (bytesEqual(canonical, bytes)) {
    io.out("canonical: yes");
  } else {
    io.out(`canonical: no (${headerNotes} header note${headerNotes === 1 ? "" : "s"}, ${schemaNotes.length} schema note${schemaNotes.length === 1 ? "" : "s"})`);
    if (args.maxBytes > 0 && canonical.length > args.maxBytes) {
      const left = canonical.length - args.maxBytes;
      io.out(`canonical bytes (${canonical.length}): ${toHex(canonical.subarray(0, args.maxBytes))}… (${left} more bytes not shown; --max-bytes 0 shows all)`);
    } else {
      io.out(`canonical bytes (${canonical.length}): ${toHex(canonical)}`);
    }
  }
  return errors.length ? 1 : 0;
}

/** The first `max` lines (all when `max` is 0), keeping a final error line, which says why the listing stops. */
function bounded(lines: readonly InspectLine[], max: number): readonly InspectLine[] {
  if (max === 0 || lines.length <= max) return lines;
  const last = lines[lines.length - 1]!;
  return last.error === undefined ? lines.slice(0, max) : [...lines.slice(0, max), last];
}
