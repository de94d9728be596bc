/**
 * The one error taxonomy of VMP (spec §8): every decode, encode and validation failure is a `VmpError` with one of
 * the kinds of the spec's `x-vmp-errors` table (`ErrorKind`, from ../tables.js). Compare errors by `kind`, never
 * by message; the message names the path and what was expected, and wire errors also give the byte offset of the
 * item that failed.
 */
import { ERROR_KINDS, type ErrorKind } from "../tables.js";

export { ERROR_KINDS, type ErrorKind };

const KINDS: ReadonlySet<string> = new Set(ERROR_KINDS);

export function isErrorKind(s: string): s is ErrorKind {
  return KINDS.has(s);
}

/** Where a value sits: map keys and array indices from the root, printed as `data.nodes[3].b`. */
export type Path = readonly (string | number)[];

/** Paths longer than this print their first and last segments around a count (hostile frames nest deeply). */
const MAX_PRINTED_SEGMENTS = 24;

/** A key that prints after a dot; any other key prints as a JSON string in brackets (spec §8.1). */
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Prints a path as spec §8.1 says: `data.nodes[3].b`, `data["odd key"]`, `(root)` for the empty path. */
export function formatPath(path: Path): string {
  if (path.length > MAX_PRINTED_SEGMENTS) {
    const half = MAX_PRINTED_SEGMENTS / 2;
    const tail = formatPath(path.slice(-half));
    return `${formatPath(path.slice(0, half))}…(${path.length - MAX_PRINTED_SEGMENTS} more)…${tail === "(root)" ? "" : tail}`;
  }
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (IDENTIFIER.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === "" ? "(root)" : out;
}

/** A typed VMP error: what went wrong (`kind`), where in the value (`path`) and, for wire errors, the byte offset. */
export class VmpError extends Error {
  override readonly name = "VmpError";
  readonly kind: ErrorKind;
  /** What was expected, without the location (the message adds it). */
  readonly reason: string;
  readonly path: Path;
  /** The offset of the first byte of the item in which a wire error was found; undefined for other errors. */
  readonly offset: number | undefined;

  constructor(kind: ErrorKind, reason: string, path: Path = [], offset?: number) {
    super(`${kind} at ${formatPath(path)}${offset === undefined ? "" : ` (byte ${offset})`}: ${reason}`);
    this.kind = kind;
    this.reason = reason;
    this.path = path;
    this.offset = offset;
  }

  /** The same error, for a value found at `prefix` (its path was relative to that value). */
  under(prefix: Path): VmpError {
    return new VmpError(this.kind, this.reason, [...prefix, ...this.path], this.offset);
  }
}

export function isVmpError(e: unknown): e is VmpError {
  return e instanceof VmpError;
}
