/**
 * `vmp validate FILE... | -`: decodes each input, selects its message type, validates it and prints every
 * error with its kind, path and what was expected. With `--stream` (or a stream recognised on stdin, or a
 * `.jsonl` file) each input is a log of frames (cli/src/frames.ts): invalid frames are listed as they come,
 * then one summary line per input counts each outcome; `--json` prints JSON Lines.
 */
import type { Argv } from "yargs";
import { formatPath, VmpError } from "../../../core/src/errors.js";
import { detectStream, framesOf, STREAM_FORMATS, StreamProgress, type StreamFormat } from "../frames.js";
import { isDash, readFile, readInput, readStdin, STDIN_NAME, type Input } from "../io.js";
import type { Command, Io } from "../command.js";
import { defaultSpec, type Spec } from "../../../reference/src/schema/spec.js";
import { validate } from "../../../reference/src/schema/validate.js";
import { loadValue } from "./load.js";

interface Args {
  files: string[];
  type?: string;
  json: boolean;
  strictZtype: boolean;
  spec?: string;
  stream?: StreamFormat;
  all: boolean;
}

/** What became of a frame: valid, invalid for its type, not decodable at all, or not even framed. */
type Outcome = "valid" | "invalid" | "undecodable" | "unreadable";
const OUTCOMES: readonly Outcome[] = ["valid", "invalid", "undecodable", "unreadable"];

interface Report {
  input: string;
  valid: boolean;
  outcome: Outcome;
  type: string;
  errors: { kind: string; path: (string | number)[]; at: string; message: string; offset?: number }[];
  /** Why an unreadable frame could not be framed. */
  reason?: string;
}

export const validateCommand: Command<Args> = {
  command: "validate <files..>",
  describe: "Validate MessagePack frames or JSON messages against the spec, one by one or as streams",
  builder: (y: Argv) =>
    y
      .positional("files", {
        type: "string",
        array: true,
        demandOption: true,
        describe: "a .msgpack frame, a .json message, hex in a .hex file, MANIFEST.json#VECTOR_ID, a .jsonl log, or - for stdin (hex, JSON, raw MessagePack, or a stream of them)",
      })
      .option("stream", {
        choices: STREAM_FORMATS,
        describe:
          "read each input as a stream of frames: hex-lines (one hex frame per line), jsonl (one JSON message per line), length-prefixed (4-byte little-endian length, then the frame) or raw (MessagePack frames back to back). Without it, .jsonl files are jsonl, and stdin is a stream when it holds several hex lines, several JSON lines or several raw frames. A stream of 4 MB or more shows its progress on stderr when stderr is a terminal",
      })
      .option("all", { type: "boolean", default: false, describe: "in a stream, list valid frames too (default: only the others, then the summary)" })
      .option("type", { type: "string", describe: "validate as this type (a $defs name, or 'any') instead of choosing by etype" })
      .option("json", { type: "boolean", default: false, describe: "print a JSON report for machines (for streams: JSON Lines, one per frame, then one summary per input)" })
      .option("strict-ztype", { type: "boolean", default: false, describe: "reject unknown ZData types (UnknownZType)" })
      .option("spec", { type: "string", describe: "the spec file (default: protocol/vmp.schema.json)" }) as unknown as Argv<Args>,
  examples: [
    ["$0 validate frame.msgpack", "validate one captured frame"],
    ["echo 81a56574797065a4494e4954 | $0 validate -", "validate hex from stdin"],
    ["cat frame.msgpack | $0 validate -", "validate a raw MessagePack frame from stdin"],
    ["$0 validate --stream hex-lines frames.hex", "validate a log with one hex frame per line; prints the invalid ones and a summary"],
    ["$0 validate --json capture.jsonl", "a JSON Lines log of JSON messages, reported as JSON Lines"],
  ],
  run(args, io) {
    const spec = defaultSpec(args.spec);
    let stdinData: Buffer | undefined;
    const stdin = () => (stdinData ??= readStdin(io.stdin));
    const check = (input: Input): Report => checkFrame(input, spec, args);
    // One frame per argument unless some argument is a stream; then every argument is reported as a stream.
    const formats = args.files.map((f) => args.stream ?? detectStream(f, isDash(f) ? stdin() : undefined));
    if (formats.every((f) => f === undefined)) {
      const reports = args.files.map((f) => check(readInput(f, stdin)));
      if (args.json) io.out(JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2));
      else for (const r of reports) io.out(formatReport(r));
      return reports.every((r) => r.valid) ? 0 : 1;
    }
    let allValid = true;
    args.files.forEach((file, i) => {
      const counts = validateStream(file, formats[i], stdin, check, args, io);
      if (counts.valid !== counts.frames) allValid = false;
    });
    return allValid ? 0 : 1;
  },
};

interface Counts {
  frames: number;
  valid: number;
  invalid: number;
  undecodable: number;
  unreadable: number;
  /** Frames per message type, among the decodable ones. */
  types: Record<string, number>;
}

/** Validates one input as a stream (a single frame when `format` is undefined), printing as it goes. */
function validateStream(file: string, format: StreamFormat | undefined, stdin: () => Buffer, check: (i: Input) => Report, args: Args, io: Io): Counts {
  const counts: Counts = { frames: 0, valid: 0, invalid: 0, undecodable: 0, unreadable: 0, types: {} };
  const name = isDash(file) ? STDIN_NAME : file;
  const record = (r: Report, where: object) => {
    counts.frames++;
    counts[r.outcome]++;
    if (r.outcome !== "undecodable" && r.outcome !== "unreadable") counts.types[r.type] = (counts.types[r.type] ?? 0) + 1;
    if (args.json) io.out(JSON.stringify({ ...r, frame: counts.frames, ...where }));
    else if (!r.valid || args.all) io.out(formatReport(r));
  };
  if (format === undefined) {
    record(check(readInput(file, stdin)), {});
  } else {
    const data = isDash(file) ? stdin() : readFile(file);
    const progress = new StreamProgress(io.progress, name, data.length);
    for (const frame of framesOf(name, data, format)) {
      const input = frame.input;
      const report: Report =
        "unreadable" in input ? { input: input.name, valid: false, outcome: "unreadable", type: "frame", errors: [], reason: input.unreadable } : check(input);
      record(report, frame.where);
      progress.tick(counts.frames, frame.end);
    }
    progress.finish();
  }
  if (args.json) io.out(JSON.stringify({ input: name, summary: counts }));
  else io.out(summaryLine(name, counts));
  return counts;
}

/** `NAME: 1200 frames: 1187 valid, 10 invalid, 3 undecodable` (outcomes that did not occur are left out). */
function summaryLine(name: string, c: Counts): string {
  const parts = OUTCOMES.filter((o) => o === "valid" || c[o] > 0).map((o) => `${c[o]} ${o}`);
  return `${name}: ${c.frames} frame${c.frames === 1 ? "" : "s"}: ${parts.join(", ")}`;
}

function checkFrame(input: Input, spec: Spec, args: Args): Report {
  // A frame that does not decode is reported as "invalid MessagePack" (or JSON) with its wire error.
  let type = input.form === "msgpack" ? "MessagePack" : "JSON";
  let errors: readonly VmpError[];
  let decoded = false;
  try {
    const value = loadValue(input);
    decoded = true;
    const explicit = args.type ?? input.type;
    ({ type, errors } = validate(value, spec, { ...(explicit ? { type: explicit } : {}), strictZType: args.strictZtype }));
  } catch (e) {
    if (!(e instanceof VmpError)) throw e;
    errors = [e];
  }
  return {
    input: input.name,
    valid: errors.length === 0,
    outcome: errors.length === 0 ? "valid" : decoded ? "invalid" : "undecodable",
    type,
    errors: errors.map((e) => ({ kind: e.kind, path: [...e.path], at: formatPath(e.path), message: e.reason, ...(e.offset === undefined ? {} : { offset: e.offset }) })),
  };
}

function formatReport(r: Report): string {
  if (r.reason !== undefined) return `${r.input}: unreadable: ${r.reason}`;
  const what = r.type === "any" ? "value" : r.type;
  if (r.valid) return `${r.input}: valid ${what}`;
  const lines = [`${r.input}: invalid ${what} (${r.errors.length} error${r.errors.length === 1 ? "" : "s"})`];
  for (const e of r.errors) lines.push(`  ${e.kind} at ${e.at}${e.offset === undefined ? "" : ` (byte ${e.offset})`}: ${e.message}`);
  return lines.join("\n");
}
