/**
 * `vmp convert IN OUT`: between the JSON form and canonical MessagePack, either direction. JSON goes through
 * the schema (a float field holding `1` still becomes float64), so authoring a message as JSON gives exactly the
 * bytes every binding produces.
 */
import { writeFileSync } from "node:fs";
import type { Argv } from "yargs";
import { UsageError } from "../../../core/src/errors.js";
import { ioErrorText, isDash, readInput, readStdin } from "../io.js";
import { toHex } from "../../../reference/src/wire/hex.js";
import type { Command } from "../command.js";
import { canonicalize } from "../../../reference/src/schema/canonical.js";
import { defaultSpec } from "../../../reference/src/schema/spec.js";
import { validate } from "../../../reference/src/schema/validate.js";
import { printJsonForm } from "../../../reference/src/value/json-form.js";
import { encode } from "../../../reference/src/wire/encode.js";
import { loadValue } from "./load.js";

interface Args {
  in: string;
  out: string;
  to?: "json" | "msgpack" | "hex";
  type?: string;
  indent: number;
  spec?: string;
}

/** The widest indent --indent takes (JSON.stringify's limit too). */
const MAX_INDENT = 10;

export const convertCommand: Command<Args> = {
  command: "convert <in> <out>",
  describe: "Convert between the JSON form and canonical MessagePack",
  builder: (y: Argv) =>
    y
      .positional("in", { type: "string", demandOption: true, describe: "a .json message, a .msgpack frame, MANIFEST.json#VECTOR_ID, or - for stdin" })
      .positional("out", { type: "string", demandOption: true, describe: "the output file (.json, .msgpack or .hex), or - for stdout" })
      .option("to", { choices: ["json", "msgpack", "hex"] as const, describe: "output format (default: from OUT's extension; json for stdout from MessagePack, hex from JSON)" })
      .option("type", { type: "string", describe: "convert as this type instead of choosing by etype ('any' for no schema)" })
      .option("indent", { type: "number", default: 0, describe: `indent JSON output by this many spaces, 0 to ${MAX_INDENT} (0: compact)` })
      .option("spec", { type: "string", describe: "the spec file (default: protocol/vmp.schema.json)" }) as unknown as Argv<Args>,
  examples: [
    ["$0 convert set.json set.msgpack", "author a message as JSON, get canonical bytes"],
    ["$0 convert frame.msgpack -", "read a captured frame as JSON"],
    ["$0 convert --indent 2 conformance/vectors/events.json#event.set.e01 -", "a vector's message as indented JSON"],
  ],
  run(args, io) {
    if (!Number.isSafeInteger(args.indent) || args.indent < 0 || args.indent > MAX_INDENT) {
      throw new UsageError(`--indent takes a whole number of spaces from 0 to ${MAX_INDENT}, not ${args.indent}`);
    }
    const input = readInput(args.in, () => readStdin(io.stdin));
    const value = loadValue(input);
    const spec = defaultSpec(args.spec);
    const explicit = args.type ?? input.type;
    const { type, errors } = validate(value, spec, explicit ? { type: explicit } : {});
    if (errors.length > 0) {
      for (const e of errors) io.err(`${input.name}: ${e.message}`);
      return 1;
    }
    const canonical = canonicalize(value, type === "any" ? "any" : { kind: "ref", name: type }, spec);
    const to = args.to ?? formatFor(args.out, input.form);
    const output = to === "json" ? printJsonForm(canonical, { indent: args.indent }) + "\n" : to === "hex" ? toHex(encode(canonical)) + "\n" : encode(canonical);
    if (isDash(args.out)) io.out(typeof output === "string" ? output : toHex(output));
    else writeOutput(args.out, output);
    return 0;
  },
};

function formatFor(out: string, from: "json" | "msgpack"): "json" | "msgpack" | "hex" {
  if (out.endsWith(".json")) return "json";
  if (out.endsWith(".hex") || out.endsWith(".txt")) return "hex";
  if (isDash(out)) return from === "json" ? "hex" : "json";
  return "msgpack";
}

function writeOutput(path: string, data: string | Uint8Array): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    throw new UsageError(`cannot write ${path}: ${ioErrorText(e)}`);
  }
}
