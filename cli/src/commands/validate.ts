/**
 * `vmp validate FILE... | -`: decodes each input, selects its message type, validates it and prints every
 * error with its kind, path and what was expected.
 */
import type { Argv } from "yargs";
import { formatPath, VmpError } from "../../../core/src/errors.js";
import { readInput } from "../io.js";
import type { Command } from "../command.js";
import { defaultSpec } from "../../../reference/src/schema/spec.js";
import { validate } from "../../../reference/src/schema/validate.js";
import { loadValue } from "./load.js";

interface Args {
  files: string[];
  type?: string;
  json: boolean;
  strictZtype: boolean;
  spec?: string;
}

interface Report {
  input: string;
  valid: boolean;
  type: string;
  errors: { kind: string; path: (string | number)[]; at: string; message: string; offset?: number }[];
}

export const validateCommand: Command<Args> = {
  command: "validate <files..>",
  describe: "Validate MessagePack frames or JSON messages against the spec",
  builder: (y: Argv) =>
    y
      .positional("files", { type: "string", array: true, demandOption: true, describe: "a .msgpack frame, a .json message, hex in a .hex file, MANIFEST.json#VECTOR_ID, or - for hex or JSON on stdin" })
      .option("type", { type: "string", describe: "validate as this type (a $defs name, or 'any') instead of choosing by etype" })
      .option("json", { type: "boolean", default: false, describe: "print a JSON report for machines" })
      .option("strict-ztype", { type: "boolean", default: false, describe: "reject unknown ZData types (UnknownZType)" })
      .option("spec", { type: "string", describe: "the spec file (default: protocol/vmp.schema.json)" })
      .example("$0 validate frame.msgpack", "validate one captured frame")
      .example("echo 83a27473… | $0 validate -", "validate hex from stdin") as unknown as Argv<Args>,
  run(args, io) {
    const spec = defaultSpec(args.spec);
    const reports: Report[] = args.files.map((file) => {
      const input = readInput(file, io.stdin);
      // A frame that does not decode is reported as "invalid MessagePack" (or JSON) with its wire error.
      let type = input.form === "msgpack" ? "MessagePack" : "JSON";
      let errors: readonly VmpError[];
      try {
        const value = loadValue(input);
        const explicit = args.type ?? input.type;
        ({ type, errors } = validate(value, spec, { ...(explicit ? { type: explicit } : {}), strictZType: args.strictZtype }));
      } catch (e) {
        if (!(e instanceof VmpError)) throw e;
        errors = [e];
      }
      return {
        input: input.name,
        valid: errors.length === 0,
        type,
        errors: errors.map((e) => ({ kind: e.kind, path: [...e.path], at: formatPath(e.path), message: e.reason, ...(e.offset === undefined ? {} : { offset: e.offset }) })),
      };
    });
    if (args.json) io.out(JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2));
    else for (const r of reports) io.out(formatReport(r));
    return reports.every((r) => r.valid) ? 0 : 1;
  },
};

function formatReport(r: Report): string {
  const what = r.type === "any" ? "value" : r.type;
  if (r.valid) return `${r.input}: valid ${what}`;
  const lines = [`${r.input}: invalid ${what} (${r.errors.length} error${r.errors.length === 1 ? "" : "s"})`];
  for (const e of r.errors) lines.push(`  ${e.kind} at ${e.at}${e.offset === undefined ? "" : ` (byte ${e.offset})`}: ${e.message}`);
  return lines.join("\n");
}
