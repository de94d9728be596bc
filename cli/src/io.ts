/**
 * Reading what the user points the CLI at: a `.msgpack` frame, a `.json` message in the JSON form, hex text,
 * standard input (`-`), or one vector of a manifest (`conformance/vectors/events.json#event.set.scene`, or
 * `…#wild.v04/0` for its first alternative encoding).
 */
import { readFileSync } from "node:fs";
import { UsageError } from "../../core/src/errors.js";
import { fromHex } from "../../reference/src/wire/hex.js";

export type Input =
  | { readonly name: string; readonly form: "msgpack"; readonly bytes: Uint8Array; readonly type?: string }
  | { readonly name: string; readonly form: "json"; readonly text: string; readonly type?: string };

/**
 * What `-` becomes while yargs parses the command line: yargs drops a lone `-` positional (yargs issue #1312),
 * so `main` swaps it for this token, which no file path can contain (NUL).
 */
export const DASH = "\u0000-";

/** True for the argument that means standard input or output. */
export const isDash = (arg: string): boolean => arg === "-" || arg === DASH;

export function readInput(arg: string, stdin: () => Buffer = () => readFileSync(0)): Input {
  if (isDash(arg)) return fromText("<stdin>", stdin().toString("utf8"));
  const hash = arg.lastIndexOf("#");
  if (hash > 0 && arg.slice(0, hash).endsWith(".json")) return fromVector(arg.slice(0, hash), arg.slice(hash + 1));
  const data = readFile(arg);
  if (arg.endsWith(".json")) return { name: arg, form: "json", text: data.toString("utf8") };
  if (arg.endsWith(".hex") || arg.endsWith(".txt")) return { name: arg, form: "msgpack", bytes: parseHex(data.toString("utf8"), arg) };
  return { name: arg, form: "msgpack", bytes: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

function readFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Text on stdin: a message in the JSON form when it starts with `{`, otherwise hex. */
function fromText(name: string, text: string): Input {
  return text.trimStart().startsWith("{") ? { name, form: "json", text } : { name, form: "msgpack", bytes: parseHex(text, name) };
}

/** Hex digits, with any whitespace, `0x` prefixes or `:`/`,` separators ignored. */
export function parseHex(text: string, name = "input"): Uint8Array {
  const clean = text.replace(/0x/gi, "").replace(/[\s:,]/g, "");
  if (!/^[0-9a-fA-F]*$/.test(clean) || clean.length % 2 !== 0) throw new UsageError(`${name} is not hex (expected pairs of hex digits)`);
  return fromHex(clean);
}

/** `FILE#ID` is a vector's canonical bytes (an invalid vector's input); `FILE#ID/N` its N-th alternative. */
function fromVector(file: string, ref: string): Input {
  const [, id = ref, alt] = /^(.*?)(?:\/(\d+))?$/.exec(ref) ?? [];
  let manifest: { vectors?: { id: string; type: string; canonical?: string; input?: string; alternatives?: { hex: string }[] }[] };
  try {
    manifest = JSON.parse(readFile(file).toString("utf8"));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${file} is not a vector manifest: ${(e as Error).message}`);
  }
  const vector = manifest.vectors?.find((v) => v.id === id);
  if (vector === undefined) throw new UsageError(`${file} has no vector "${id}"`);
  const hex = alt === undefined ? vector.canonical ?? vector.input : vector.alternatives?.[Number(alt)]?.hex;
  if (hex === undefined) throw new UsageError(`vector "${id}" has no alternative ${alt}`);
  // A vector says what type it is read as; commands use that unless the user passes --type.
  return { name: `${file}#${ref}`, form: "msgpack", bytes: parseHex(hex, ref), type: vector.type };
}
