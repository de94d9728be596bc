/** Small helpers the runtime tests share. */
import { VmpError, formatPath } from "../../runtime/errors.js";

/** Bytes from hex (whitespace allowed). */
export const hex = (h: string): Uint8Array =>
  new Uint8Array(
    h
      .replace(/\s+/g, "")
      .match(/../g)
      ?.map((x) => parseInt(x, 16)) ?? [],
  );

/** Space-separated lower-case hex, as the tests write expected bytes. */
export const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");

/** The VmpError `f` throws (anything else, or nothing, fails the test). */
export function thrown(f: () => unknown): VmpError {
  try {
    f();
  } catch (e) {
    if (e instanceof VmpError) return e;
    throw e;
  }
  throw new Error("no error");
}

/** "Kind at path" of the error `f` throws, with " (byte N)" when `withOffset` and the error has one. */
export function failure(f: () => unknown, withOffset = false): string {
  const e = thrown(f);
  const at = withOffset && e.offset !== undefined ? ` (byte ${e.offset})` : "";
  return `${e.kind} at ${formatPath(e.path)}${at}`;
}
