/**
 * `vmp inspect FILE | -`: an annotated dump of one frame (offset, header, type, value, nesting) that says where
 * the bytes are not canonical and which rule they break. The tool for "two languages disagree".
 */
import type { Argv } from "yargs";
import { formatPath, VmpError } from "../../../core/src/errors.js";
import { readInput } from "../io.js";
import { toHex } from "../../../reference/src/wire/hex.js";
import type { Command } from "../command.js";
import { canonicalize } from "../../../reference/src/schema/canonical.js";
import { explainDifferences } from "../../../reference/src/schema/explain.js";
import { defaultSpec } from "../../../reference/src/schema/spec.js";
import { selectType, validate } from "../../../reference/src/schema/validate.js";
import { bytesEqual } from "../../../reference/src/value/model.js";
import { encode } from "../../../reference/src/wire/encode.js";
import { decode } from "../../../reference/src/wire/decode.js";
import { formatInspect, inspect } from "../../../reference/src/wire/inspect.js";
import { parseJsonForm } from "../../../reference/src/value/json-form.js";

interface Args {
  file: string;
  type?: string;
  spec?: string;
}

export const inspectCommand: Command<Args> = {
  command: "inspect <file>",
  describe: "Annotated dump of a frame, with every way it is not canonical",
  builder: (y: Argv) =>
    y
      .positional("file", { type: "string", demandOption: true, describe: "a .msgpack frame, hex in a .hex file, MANIFEST.json#VECTOR_ID, or - for hex on stdin" })
      .option("type", { type: "string", describe: "read as this type instead of choosing by etype ('any' for no schema)" })
      .option("spec", { type: "string", describe: "the spec file (default: protocol/vmp.schema.json)" })
      .example("$0 inspect conformance/vectors/wild.json#wild.msgpackr.set", "why is this frame not canonical?") as unknown as Argv<Args>,
  run(args, io) {
    const input = readInput(args.file, io.stdin);
    const bytes = input.form === "msgpack" ? input.bytes : encode(parseJsonForm(input.text));
    const lines = inspect(bytes);
    io.out(`${input.name}: ${bytes.length} bytes`);
    io.out(formatInspect(lines));
    const headerNotes = lines.reduce((n, l) => n + l.notes.length, 0);
    let value;
    try {
      value = decode(bytes);
    } catch (e) {
      if (!(e instanceof VmpError)) throw e;
      io.out(`\ninvalid: ${e.message}`);
      return 1;
    }
    const spec = defaultSpec(args.spec);
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
      io.out(`canonical bytes (${canonical.length}): ${toHex(canonical)}`);
    }
    return errors.length ? 1 : 0;
  },
};
