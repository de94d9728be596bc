/**
 * Forms the upstream helpers write where the schema says otherwise, which decoders accept (spec §4.7): the success
 * status vrpc-py and vrpc-ts add to catalogued responses (§4.4), and vrpc-ts's wrapped `Uint8Array` where bytes are
 * declared (§7.6).
 */
import { peekString, type Reader } from "./reader.js";
import type { RecordDesc } from "./schema.js";
import { readAny } from "./value.js";
import type { NDArray } from "./zdata.js";

/** A catalogued message type selected by an `etype` pattern: a response of spec §5.3 (§4.6 rule 4). */
export function isCataloguedResponse(t: RecordDesc): boolean {
  const ev = t.event;
  return (
    ev !== undefined && ev.envelope !== t.name && ev.etype === undefined && ev.etypePattern !== undefined
  );
}

/**
 * Whether the entry at `key`, not declared by a catalogued response, is the success status the upstream helpers
 * add (spec §4.4): `ok: true`, or nil in `error`, `data` or `value`. Reads the value when it is one of those keys
 * and it is; otherwise leaves the reader before the value.
 */
export function isSuccessStatus(r: Reader, key: string): boolean {
  if (key !== "ok" && key !== "error" && key !== "data" && key !== "value") return false;
  const start = r.pos;
  const kind = r.next();
  if (key === "ok" ? kind === "bool" && r.bool : kind === "nil") return true;
  r.pos = start;
  return false;
}

/**
 * vrpc-ts's `{ztype: "Uint8Array", b, length}` where bytes are declared (spec §7.6), the map whose header was just
 * read: read as that ZData, with its checks, and returned as its bytes. The `ztype` entry is looked up ahead; for
 * any other map the reader is left before its entries and the result is undefined.
 */
export function readWrappedBytes(r: Reader): Uint8Array | undefined {
  const ztype = peekString(r, "ztype");
  return ztype === "Uint8Array" ? (readAny(r, "map") as NDArray<"uint8">).data : undefined;
}
