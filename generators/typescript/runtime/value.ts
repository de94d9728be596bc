/**
 * Free-form values (spec §2.2, §3.3, §7): what a position typed `Any` holds in memory, how it is read from a frame
 * and written back.
 *
 * Default mode gives plain JavaScript values: nil → `null`, bool, int → `number` while safe (else `bigint`),
 * float32/float64 → `number`, str → `string`, bin → `Uint8Array`, array → `Array`, map → plain object, ZData →
 * the classes of zdata.ts. Lossless mode (`{ lossless: true }`, spec §10.4) keeps what a relay needs to write the
 * same bytes again: floats as `VmpFloat` wherever a number would not say their width or bits, maps as
 * `Map<string, unknown>` (JS objects move integer-like keys to the front).
 *
 * Writing goes the other way (spec §3.3, §3.9): an integral `number` is an integer and any other a float64, a
 * `bigint` an integer, a `VmpFloat` its own width and bits, a `Uint8Array` bin, other typed arrays `numpy.ndarray`
 * ZData, a `Map` or a plain object a map (`undefined` properties are absent), registered custom types their ZData.
 */
import { VmpError } from "./errors.js";
import { dtypeOfArray } from "./dtype.js";
import { CANONICAL_NAN_BITS, VmpFloat } from "./float.js";
import type { Kind, Reader } from "./reader.js";
export type { DecodeOptions } from "./reader.js";
import type { Writer } from "./wire.js";
import {
  NDArray,
  OpaqueZData,
  Safetensors,
  ZImage,
  isKnownZType,
  readCanonicalArray,
  readKnownZData,
  registeredType,
  registrationFor,
  startsWithZType,
} from "./zdata.js";

export { VmpFloat } from "./float.js";
import { checkPrototype, entryOf, isMapLike, newItems, ownKey, setProperty, type MapLike } from "./objects.js";
export { checkPrototype, entryOf, isMapLike, newItems, ownKey, setProperty, type MapLike };

/**
 * Where a lossless decode keeps the wire order of an open record's extra fields when one of them is integer-like
 * (`"0"`, `"12"`: JS objects move such keys to the front). A non-enumerable array of keys; encoders follow it.
 */
export const EXTRA_KEY_ORDER: unique symbol = Symbol("vmp.extraKeyOrder");

/** The lossless form of a float64 read from a frame: a number unless that would lose its kind or bits. */
export function losslessFloat64(r: Reader): number | VmpFloat {
  const v = r.float;
  if (Number.isInteger(v)) return VmpFloat.fromBits(64, r.floatBits()); // 1.0 and -0.0 would read as ints
  if (v !== v) {
    const bits = r.floatBits();
    if (bits !== CANONICAL_NAN_BITS[64]) return VmpFloat.fromBits(64, bits);
  }
  return v;
}

/**
 * Reads the free-form value whose header `r.next()` returned `kind`. `raw` reads without interpreting ZData and
 * in lossless mode: how the entries of ZData maps are read, so that their checks see exact kinds.
 */
export function readAny(r: Reader, kind: Kind, raw = false): unknown {
  switch (kind) {
    case "nil":
      return null;
    case "bool":
      return r.bool;
    case "int":
      return r.int;
    case "float64":
      return raw || r.lossless ? losslessFloat64(r) : r.float;
    case "float32":
      return raw || r.lossless ? VmpFloat.fromBits(32, r.floatBits()) : r.float;
    case "str":
      return r.str();
    case "bin":
      return r.bin(r.copy);
    case "array": {
      const n = r.length;
      r.enter();
      const items: unknown[] = []; // grown item by item: a hostile count allocates nothing
      const at = r.depth++;
      for (let i = 0; i < n; i++) {
        r.segments[at] = i;
        items.push(readAny(r, r.next(), raw));
      }
      r.depth = at;
      return items;
    }
    case "map":
      return readMap(r, raw);
  }
}

/**
 * A free-form map. A map with a string `ztype` entry is ZData wherever that entry sits (spec §7.1): when it comes
 * first (always, in canonical frames) the map is read as ZData at once; when it turns up later, the map is read
 * again from its first entry.
 */
function readMap(r: Reader, raw: boolean): unknown {
  const n = r.length;
  const body = r.pos;
  r.enter();
  if (raw) return readEntries(r, n, true, true, false)!;
  if (n > 0 && startsWithZType(r)) return readZData(r, n, body);
  const at = r.depth;
  try {
    return readEntries(r, n, false, r.lossless, true) ?? readZData(r, n, body);
  } catch (e) {
    // A schema-level error (no offset) inside an entry does not count when this map turns out to be ZData whose
    // entries are not interpreted (an opaque value keeps nested ZData as sent): look for a ztype, then decide.
    if (!(e instanceof VmpError) || e.offset !== undefined) throw e;
    r.depth = at;
    r.pos = body;
    if (!hasZType(r, n)) throw e;
    return readZData(r, n, body);
  }
}

/**
 * Reads `n` map entries into a Map or a plain object (an own `__proto__` key stays an ordinary key). With
 * `detect`, returns undefined as soon as an entry `ztype` holds a string: the map is ZData.
 */
function readEntries(
  r: Reader,
  n: number,
  raw: boolean,
  asMap: boolean,
  detect: boolean,
): Map<string, unknown> | Record<string, unknown> | undefined {
  if (!asMap) return readObjectEntries(r, n, raw, detect);
  const at = r.depth;
  const map = new Map<string, unknown>();
  for (let i = 0; i < n; i++) {
    r.depth = at; // a key being read names its map
    const key = r.key();
    if (map.has(key)) r.duplicate(key);
    r.segments[at] = key;
    r.depth = at + 1;
    const value = readAny(r, r.next(), raw);
    if (detect && key === "ztype" && typeof value === "string") {
      r.depth = at;
      return undefined;
    }
    map.set(key, value);
  }
  r.depth = at;
  return map;
}

/** `readEntries` into a plain object (kept apart: this is the loop of every free-form map in default mode). */
function readObjectEntries(
  r: Reader,
  n: number,
  raw: boolean,
  detect: boolean,
): Record<string, unknown> | undefined {
  const at = r.depth;
  const object: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    r.depth = at; // a key being read names its map
    const key = r.key();
    if (Object.hasOwn(object, key)) r.duplicate(key);
    r.segments[at] = key;
    r.depth = at + 1;
    const value = readAny(r, r.next(), raw);
    if (detect && key === "ztype" && typeof value === "string") {
      r.depth = at;
      return undefined;
    }
    if (key !== "__proto__") object[key] = value;
    else setProperty(object, key, value);
  }
  r.depth = at;
  return object;
}

/** Scans the `n` entries at `r.pos` for a `ztype` entry holding a string. */
function hasZType(r: Reader, n: number): boolean {
  const at = r.depth;
  let found = false;
  const keys = new Set<string>();
  for (let i = 0; i < n; i++) {
    r.depth = at;
    const key = r.key();
    if (keys.has(key)) r.duplicate(key);
    keys.add(key);
    r.segments[at] = key;
    r.depth = at + 1;
    const kind = r.next();
    if (key === "ztype" && kind === "str") found = true;
    r.skip(kind);
  }
  r.depth = at;
  return found;
}

/**
 * Reads the ZData map whose `n` entries start at `body`: a known class, a registered type or an opaque value (a
 * plain object with `keepZData`).
 */
function readZData(r: Reader, n: number, body: number): unknown {
  r.pos = body;
  if (r.keepZData) return readEntries(r, n, false, false, false);
  const array = readCanonicalArray(r, n);
  if (array !== undefined) return array;
  r.pos = body;
  const entries = readEntries(r, n, true, true, false) as Map<string, unknown>;
  const ztype = entries.get("ztype") as string;
  const known = knownZData(ztype, entries, () => r.path());
  if (known !== undefined) return known;
  const registration = registeredType(ztype);
  if (registration !== undefined) {
    r.pos = body; // read again, in the caller's mode and with nested ZData interpreted
    const fields = readEntries(r, n, false, false, false) as Record<string, unknown>;
    try {
      return registration.codec.decode(fields);
    } catch (e) {
      if (e instanceof VmpError) throw e;
      throw new VmpError("InvalidValue", `${ztype}: ${e instanceof Error ? e.message : String(e)}`, r.path());
    }
  }
  if (r.strictZType)
    throw new VmpError("UnknownZType", `no registered type is named "${ztype}" (strict mode)`, [
      ...r.path(),
      "ztype",
    ]);
  return new OpaqueZData(entries);
}

/** `readKnownZData`, its errors located under the map's path (computed only when there is an error). */
export function knownZData(
  ztype: string,
  entries: ReadonlyMap<string, unknown>,
  path: () => (string | number)[],
): NDArray | ZImage | Safetensors | undefined {
  try {
    return readKnownZData(ztype, entries);
  } catch (e) {
    throw e instanceof VmpError ? e.under(path()) : e;
  }
}

/**
 * Writes a free-form value; the writer's path locates errors. A Map or plain object whose `ztype` names a known ZData type
 * is checked and written canonically, unless `raw` (the entries of an opaque ZData are written as they are).
 */
export function writeAny(w: Writer, v: unknown, raw = false): void {
  switch (typeof v) {
    case "number":
      // -0 is no integer on the wire: it stays a float64 so that its sign survives.
      return Number.isInteger(v) && !(v === 0 && 1 / v < 0) ? w.int(v) : w.float64(v);
    case "string":
      return w.str(v);
    case "boolean":
      return w.bool(v);
    case "bigint":
      return w.int(v);
    case "object":
      return v === null ? w.nil() : writeObject(w, v, raw);
    default:
      return w.fail("WrongType", `${typeof v} has no VMP form`);
  }
}

function writeObject(w: Writer, v: object, raw: boolean): void {
  if (Array.isArray(v)) return writeArray(w, v, raw);
  const proto: unknown = Object.getPrototypeOf(v);
  // Plain objects first: they are most of a message. A registered `match` may still claim one.
  if (proto === Object.prototype || proto === null) {
    const registration = registrationFor(v);
    if (registration !== undefined) return writeCustom(w, registration.name, registration.codec.encode(v));
    return writePlainObject(w, v as Record<string, unknown>, raw);
  }
  if (v instanceof Uint8Array) return w.bin(v);
  if (v instanceof VmpFloat) return w.floatBits(v.width, v.bits);
  if (v instanceof Map) {
    const ztype: unknown = v.get("ztype");
    if (!raw && typeof ztype === "string" && isKnownZType(ztype))
      return writeZData(
        w,
        knownZData(ztype, v as Map<string, unknown>, () => w.path())!,
      );
    return writeMap(w, v.size, v, raw);
  }
  if (v instanceof NDArray || v instanceof ZImage || v instanceof Safetensors || v instanceof OpaqueZData)
    return writeZData(w, v);
  if (ArrayBuffer.isView(v) && dtypeOfArray(v) !== undefined)
    return writeZData(w, NDArray.from(v as Float32Array));
  const registration = registrationFor(v);
  if (registration !== undefined) return writeCustom(w, registration.name, registration.codec.encode(v));
  return w.fail(
    "WrongType",
    `${(v.constructor as { name?: string } | undefined)?.name ?? "this object"} has no VMP form (register a custom type for it)`,
  );
}

/** A plain object: its own properties in property order, `undefined` ones absent (spec §3.9). */
function writePlainObject(w: Writer, o: Record<string, unknown>, raw: boolean): void {
  const ztype = o.ztype;
  if (!raw && typeof ztype === "string" && isKnownZType(ztype)) {
    const present = Object.entries(o).filter(([, x]) => x !== undefined);
    return writeZData(
      w,
      knownZData(ztype, new Map(present), () => w.path())!,
    );
  }
  // for...in is several times faster than Object.keys here (V8 reads the values through its enum cache); it would
  // also list enumerable properties inherited from a polluted Object.prototype, which `inherited` filters out.
  // One pass: the header is reserved as a fixmap and completed once the entries are counted.
  const header = w.startMap();
  let n = 0;
  const at = w.depth;
  for (const k in o) {
    const x = o[k];
    if (x === undefined || !ownKey(o, k)) continue;
    n++;
    w.str(k);
    w.segments[at] = k;
    w.depth = at + 1;
    writeAny(w, x, raw);
    w.depth = at;
  }
  w.endMap(header, n);
}

function writeArray(w: Writer, items: readonly unknown[], raw: boolean): void {
  w.arrayHeader(items.length);
  const at = w.depth++;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    // A non-integral number is a float64, which cannot fail: no path to keep (positions, colors, matrices).
    if (typeof item === "number" && !Number.isInteger(item)) {
      w.float64(item);
      continue;
    }
    w.segments[at] = i;
    if (item === undefined) w.fail("WrongType", "undefined has no VMP form (use null)");
    writeAny(w, item, raw);
  }
  w.depth = at;
}

/** The properties of a plain object that are present: `undefined` means absent (spec §3.9). */
function countDefined(record: Record<string, unknown>): number {
  let n = 0;
  for (const key in record) if (Object.hasOwn(record, key) && record[key] !== undefined) n++;
  return n;
}

/** Writes `n` entries; entries of plain objects with an `undefined` value are skipped (they were not counted). */
function writeMap(
  w: Writer,
  n: number,
  entries: Iterable<[unknown, unknown]>,
  raw: boolean,
  fromObject = !(entries instanceof Map),
): void {
  w.mapHeader(n);
  const at = w.depth;
  for (const [key, value] of entries) {
    if (typeof key !== "string") w.fail("NonStringKey", `map keys must be strings, found ${typeof key}`);
    w.segments[at] = key;
    if (value === undefined) {
      if (fromObject) continue;
      w.depth = at + 1;
      w.fail("WrongType", `undefined has no VMP form (use null)`);
    }
    w.str(key);
    w.depth = at + 1;
    writeAny(w, value, raw);
    w.depth = at;
  }
}

/** Writes a ZData class value in its canonical form (spec §7.2). */
export function writeZData(w: Writer, z: NDArray | ZImage | Safetensors | OpaqueZData): void {
  if (z instanceof OpaqueZData) return writeMap(w, z.entries.size, z.entries, true);
  const at = w.depth;
  if (z instanceof NDArray) {
    const shape = z.wireShape();
    w.mapHeader(4);
    w.str("ztype");
    w.str(z.ztype);
    w.str("b");
    w.bin(z.bytes());
    w.str("dtype");
    w.str(z.dtype);
    w.str("shape");
    w.segments[at] = "shape";
    w.depth = at + 1;
    w.arrayHeader(shape.length);
    for (const d of shape) w.int(d);
  } else {
    const format = z instanceof ZImage ? z.formatEntry : undefined;
    w.mapHeader(format === undefined ? 2 : 3);
    w.str("ztype");
    w.str(z instanceof ZImage ? "image" : "safetensor.dict");
    w.str("b");
    w.bin(z.bytes);
    if (format !== undefined) (w.str("format"), w.str(format));
  }
  w.depth = at;
}

/** A registered type: `ztype` first, then the fields its codec returned, in that order (spec §7.10). */
function writeCustom(w: Writer, ztype: string, fields: Record<string, unknown>): void {
  if (Object.hasOwn(fields, "ztype"))
    w.fail("InvalidValue", `the encoder of ${ztype} returned a "ztype" field`);
  const entries: [string, unknown][] = [["ztype", ztype], ...Object.entries(fields)];
  writeMap(w, 1 + countDefined(fields), entries, false, true);
}
