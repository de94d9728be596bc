/**
 * Reading what the user points the CLI at: a `.msgpack` frame, a `.json` message in the JSON form, hex text,
 * standard input (`-`), or one vector of a manifest (`conformance/vectors/events.json#event.set.scene`, or
 * `…#wild.v04/0` for its first alternative encoding). Streams of frames are cli/src/frames.ts.
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

/** The name standard input goes by in reports. */
export const STDIN_NAME = "<stdin>";

/** True for the argument that means standard input or output. */
export const isDash = (arg: string): boolean => arg === "-" || arg === DASH;

/** One frame from a file, a vector or standard input (hex, JSON or raw MessagePack, told apart by their bytes). */
export function readInput(arg: string, stdin: () => Buffer = () => readFileSync(0)): Input {
  if (isDash(arg)) return fromStdin(readStdin(stdin));
  const hash = arg.lastIndexOf("#");
  if (hash > 0 && arg.slice(0, hash).endsWith(".json")) return fromVector(arg.slice(0, hash), arg.slice(hash + 1));
  const data = readFile(arg);
  if (arg.endsWith(".json")) return { name: arg, form: "json", text: data.toString("utf8") };
  if (arg.endsWith(".hex") || arg.endsWith(".txt")) return { name: arg, form: "msgpack", bytes: parseHex(data.toString("utf8"), arg) };
  return { name: arg, form: "msgpack", bytes: bytesOf(data) };
}

/** Standard input, which must not be empty. */
export function readStdin(stdin: () => Buffer): Buffer {
  const data = stdin();
  if (data.length === 0) throw new UsageError(`${STDIN_NAME} is empty: pipe a frame into it (vmp --help names the forms)`);
  return data;
}

/** A file's bytes; an unreadable file is a UsageError that says why in words. */
export function readFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${ioErrorText(e)}`);
  }
}

/** Why a file operation failed, in words (`it is a directory`), not as a Node error code (`EISDIR`). */
export function ioErrorText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file or directory";
    case "EISDIR":
      return "it is a directory, not a file";
    case "ENOTDIR":
      return "a part of the path is not a directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOSPC":
      return "no space left on the device";
    case "EROFS":
      return "the file system is read-only";
    case "ERR_FS_FILE_TOO_LARGE":
      return "the file is too large to read at once (2 GiB at most)";
    default:
      return code === undefined ? String((e as Error)?.message ?? e) : `${(e as Error).message}`;
  }
}

export const bytesOf = (data: Buffer): Uint8Array => new Uint8Array(data.buffer, data.byteOffset, data.length);

/**
 * How standard input reads when no stream format is named: `json` at a `{`, `hex` when it is ASCII text starting
 * with a hex digit (a MessagePack frame never does: a message is a map, whose first byte is not ASCII), else `raw`.
 */
export function sniff(data: Buffer): "json" | "hex" | "raw" {
  let i = 0;
  while (i < data.length && isSpace(data[i]!)) i++;
  if (data[i] === 0x7b) return "json";
  return i < data.length && isHexDigit(data[i]!) && isAsciiText(data) ? "hex" : "raw";
}

const isSpace = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
const isHexDigit = (b: number): boolean => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);

function isAsciiText(data: Buffer): boolean {
  for (const b of data) if (!(isSpace(b) || (b >= 0x20 && b < 0x7f))) return false;
  return true;
}

/** Text or bytes on stdin: a message in the JSON form, hex digits, or a raw MessagePack frame. */
function fromStdin(data: Buffer): Input {
  switch (sniff(data)) {
    case "json":
      return { name: STDIN_NAME, form: "json", text: data.toString("utf8") };
    case "hex":
      return { name: STDIN_NAME, form: "msgpack", bytes: parseHex(data.toString("latin1"), STDIN_NAME) };
    case "raw":
      return { name: STDIN_NAME, form: "msgpack", bytes: bytesOf(data) };
  }
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
  if (!Array.isArray(manifest?.vectors)) throw new UsageError(`${file} is not a vector manifest (no "vectors" array)`);
  const vector = manifest.vectors.find((v) => v.id === id);
  if (vector === undefined) throw new UsageError(`${file} has no vector "${id}"`);
  const hex = alt === undefined ? vector.canonical ?? vector.input : vector.alternatives?.[Number(alt)]?.hex;
  if (hex === undefined) throw new UsageError(`vector "${id}" has no alternative ${alt}`);
  // A vector says what type it is read as; commands use that unless the user passes --type.
  return { name: `${file}#${ref}`, form: "msgpack", bytes: parseHex(hex, ref), type: vector.type };
}
