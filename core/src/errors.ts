/**
 * The one error taxonomy shared by every binding (SPEC §8). Its kinds are the spec's `x-vmp-errors` table, so no
 * list of them is kept here. Bindings compare errors by kind, never by message; the message names the path and
 * what was expected.
 */
import { baseTables } from "./ir/tables.js";
/** The error kinds of the spec's `x-vmp-errors` table, in table order. */
export const ERROR_KINDS: readonly string[] = baseTables().errorKinds.map((k) => k.name);

/** One of ERROR_KINDS (checked when a VmpError is made). */
export type ErrorKind = string;

export function isErrorKind(s: string): s is ErrorKind {
  return ERROR_KINDS.includes(s);
}

/** A path into a value: map keys and array indices, printed as `data.nodes[3].b`. */
export type Path = readonly (string | number)[];

/** Paths longer than this print their first and last segments around a count (100 000 nested arrays happen). */
const MAX_PRINTED_SEGMENTS = 24;

export function formatPath(path: Path): string {
  if (path.length > MAX_PRINTED_SEGMENTS) {
    const half = MAX_PRINTED_SEGMENTS / 2;
    return `${formatPath(path.slice(0, half))}…(${path.length - MAX_PRINTED_SEGMENTS} more)…${formatPath(path.slice(-half)).replace(/^\(root\)$/, "")}`;
  }
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === "" ? "(root)" : out;
}

/** A typed VMP error: what went wrong (`kind`), where in the value (`path`) and, for wire errors, the byte offset. */
export class VmpError extends Error {
  override name = "VmpError";
  constructor(
    readonly kind: ErrorKind,
    readonly reason: string,
    readonly path: Path = [],
    readonly offset?: number,
  ) {
    super(`${kind} at ${formatPath(path)}${offset === undefined ? "" : ` (byte ${offset})`}: ${reason}`);
    if (!isErrorKind(kind)) throw new Error(`internal: ${JSON.stringify(kind)} is not an error kind of the spec (x-vmp-errors)`);
  }
}

export function isVmpError(e: unknown): e is VmpError {
  return e instanceof VmpError;
}

/** A problem with the spec itself (lint), located by a JSON Pointer into the schema file. */
export class SpecError extends Error {
  override name = "SpecError";
  constructor(
    readonly pointer: string,
    readonly reason: string,
  ) {
    super(`${pointer || "/"}: ${reason}`);
  }
}

/** Bad command-line use or unreadable input: exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
