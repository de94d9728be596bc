/**
 * `vmp diff A B`: compares two frames semantically and byte-wise, and says which differences are only
 * non-canonical encoding (same value, different bytes) and which change the value. The tool for "Python and
 * the browser disagree". Exit 0 when the values are equal, 1 when they differ, 2 on usage or I/O errors.
 */
import { existsSync } from "node:fs";
import type { Argv } from "yargs";
import { UsageError, VmpError } from "../../../core/src/errors.js";
import { isDash, parseHex, readInput, type Input } from "../io.js";
import type { Command } from "../command.js";
import { canonicalize } from "../../../reference/src/schema/canonical.js";
import { explainDifferences, valueDifferences } from "../../../reference/src/schema/explain.js";
import { defaultSpec, type Spec } from "../../../reference/src/schema/spec.js";
import { selectType, validate } from "../../../reference/src/schema/validate.js";
import { parseJsonForm } from "../../../reference/src/value/json-form.js";
import { bytesEqual, type Value } from "../../../reference/src/value/model.js";
import { decode } from "../../../reference/src/wire/decode.js";
import { encode } from "../../../reference/src/wire/encode.js";
import { toHex } from "../../../reference/src/wire/hex.js";
import { inspect } from "../../../reference/src/wire/inspect.js";

interface Args {
  a: string;
  b: string;
  type?: string;
  spec?: string;
}

export const diffCommand: Command<Args> = {
  command: "diff <a> <b>",
  describe: "Compare two frames: which differences are only encoding, which change the value",
  builder: (y: Argv) =>
    y
      .positional("a", { type: "string", demandOption: true, describe: "a frame: a .msgpack/.hex/.json file, MANIFEST.json#ID[/N], hex digits, or - for stdin" })
      .positional("b", { type: "string", demandOption: true, describe: "the other frame, in any of the same forms" })
      .option("type", { type: "string", describe: "read both as this type instead of choosing by etype ('any' for no schema)" })
      .option("spec", { type: "string", describe: "the spec file (default: protocol/vmp.schema.json)" }) as unknown as Argv<Args>,
  examples: [["$0 diff conformance/vectors/wild.json#wild.e01 conformance/vectors/wild.json#wild.e01/0", "Python's SET vs the browser's"]],
  run(args, io) {
    if (isDash(args.a) && isDash(args.b)) throw new UsageError("only one of the two frames can come from stdin");
    const spec = defaultSpec(args.spec);
    const a = load(args.a, io.stdin);
    const b = load(args.b, io.stdin);
    let type = args.type ?? a.input.type ?? b.input.type ?? typeOf(a.value, spec);
    io.out(`A: ${a.input.name} (${a.bytes.length} bytes)`);
    io.out(`B: ${b.input.name} (${b.bytes.length} bytes)`);
    // A frame that is not a valid `type` has no canonical form as that type: compare both as bare values.
    const invalid = [problem(a, type, spec, "A"), problem(b, type, spec, "B")].filter((p) => p !== undefined);
    for (const p of invalid) io.out(p);
    if (invalid.length > 0) type = "any";
    io.out(`type: ${type}${invalid.length > 0 ? " (compared as bare values)" : ""}`);
    const ca = canonicalize(a.value, type === "any" ? "any" : { kind: "ref", name: type }, spec);
    const cb = canonicalize(b.value, type === "any" ? "any" : { kind: "ref", name: type }, spec);
    if (bytesEqual(a.bytes, b.bytes)) {
      io.out("identical bytes");
      return 0;
    }
    io.out(firstByteDifference(a.bytes, b.bytes));
    const changes = valueDifferences(ca, cb);
    if (changes.length === 0) {
      io.out("same value: the bytes differ only in encoding");
      for (const [name, side, canonical] of [["A", a, ca], ["B", b, cb]] as const) {
        const notes = encodingNotes(side, canonical);
        io.out(notes.length === 0 ? `  ${name} is canonical` : `  ${name} is not canonical:`);
        for (const n of notes) io.out(`    ${n}`);
      }
      return 0;
    }
    io.out(`different values (${changes.length} difference${changes.length === 1 ? "" : "s"}, compared in canonical form):`);
    for (const c of changes) io.out(`  ${c}`);
    return 1;
  },
};

interface Side {
  readonly input: Input;
  readonly bytes: Uint8Array;
  readonly value: Value;
}

/** A frame from a file, a vector, stdin, or hex digits given on the command line. */
function load(arg: string, stdin: () => Buffer): Side {
  const input: Input = !isDash(arg) && !arg.includes("#") && !existsSync(arg) && /^[0-9a-fA-F\s]+$/.test(arg) ? { name: "(hex)", form: "msgpack", bytes: parseHex(arg) } : readInput(arg, stdin);
  const bytes = input.form === "msgpack" ? input.bytes : encode(parseJsonForm(input.text));
  try {
    return { input, bytes, value: decode(bytes) };
  } catch (e) {
    if (e instanceof VmpError) throw new VmpError(e.kind, `${input.name} does not decode: ${e.reason}`, e.path, e.offset);
    throw e;
  }
}

function typeOf(v: Value, spec: Spec): string {
  try {
    return v.kind === "map" && v.entries.some(([k]) => k === "etype") ? selectType(v, spec) : "any";
  } catch {
    return "any";
  }
}

/** Why one side is not a valid `type`, or undefined when it is. */
function problem(side: Side, type: string, spec: Spec, name: string): string | undefined {
  const first = validate(side.value, spec, { type }).errors[0];
  return first && `${name} is not a valid ${type}: ${first.message}`;
}

function firstByteDifference(a: Uint8Array, b: Uint8Array): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const at = (x: Uint8Array) => (i < x.length ? toHex(x.subarray(i, i + 8)) : "end");
  return `bytes differ from offset ${i}: A has ${at(a)}…, B has ${at(b)}…`;
}

/** Why one side's bytes are not canonical: header notes from the tokenizer, then schema notes. */
function encodingNotes(side: Side, canonical: Value): string[] {
  const headers = inspect(side.bytes).flatMap((l) => l.notes.map((n) => `byte ${l.offset}: ${n}`));
  const schema = explainDifferences(side.value, canonical);
  const notes = [...headers, ...schema];
  if (notes.length === 0 && !bytesEqual(encode(canonical), side.bytes)) notes.push("not the canonical encoding");
  return notes;
}
