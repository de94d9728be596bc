/**
 * Schema-directed encoding: writes a value as a type descriptor, canonically (spec §3), and validates it on the
 * way with the kinds decoding reports: `MissingField` for an absent required field, `InvalidValue` for an
 * undeclared property of a closed record or a failed constraint, `WrongType` for a JS value of the wrong type,
 * `IntegerOutOfRange` outside a field's range.
 *
 * Records go out with their declared fields in declaration order (absent optional fields omitted, never `nil`),
 * then, for open records, the extra properties in property order. Float fields are always written at their
 * width, integral values included; integer fields take integral numbers and bigints. Records and maps may be
 * plain objects (`undefined` properties are absent) or `Map`s.
 *
 * As for decoding, each descriptor is compiled once into a writer function (`writerOf`).
 */
import type { Desc } from "./decode.js";
import { countProblem, stringProblem } from "./constraints.js";
import { dtypeOfArray } from "./dtype.js";
import type { RecordDesc, TypeDesc, UnionDesc } from "./schema.js";
import { VmpFloat, narrowNaNBits, widenBits } from "./float.js";
import {
  EXTRA_KEY_ORDER,
  entryOf,
  isMapLike,
  knownZData,
  ownKey,
  writeAny,
  writeZData,
  type MapLike,
} from "./value.js";
import { arrayFieldWriter } from "./typed-array.js";
import { Writer } from "./wire.js";
import { NDArray, OpaqueZData, Safetensors, ZImage, isKnownZType, registrationFor } from "./zdata.js";

/** A compiled writer: writes `v` as its descriptor says. */
export type Write = (w: Writer, v: unknown) => void;

const writers = new WeakMap<Desc, Write>();

/** The writer of `t`, compiled on first use. */
export function writerOf(t: Desc): Write {
  if (t === lastDesc) return lastWrite!;
  let write = writers.get(t);
  if (write === undefined) writers.set(t, (write = compile(t)));
  lastDesc = t;
  lastWrite = write;
  return write;
}

/** The last descriptor looked up (frame after frame it is the same message type) and its writer. */
let lastDesc: Desc | undefined;
let lastWrite: Write | undefined;

function compile(t: Desc): Write {
  switch (t.kind) {
    case "int":
      return intWriter(t);
    case "float": {
      const width = t.width;
      return (w, v) => writeFloat(w, width, v);
    }
    case "string":
      return (w, v) => {
        if (typeof v !== "string") return wrongType(w, "a string", v);
        const problem = stringProblem(t, v);
        return problem === undefined ? w.str(v) : w.fail("InvalidValue", problem);
      };
    case "bool":
      return (w, v) => (typeof v === "boolean" ? w.bool(v) : wrongType(w, "a boolean", v));
    case "null":
      return (w, v) => (v === null ? w.nil() : wrongType(w, "null", v));
    case "bytes":
      return (w, v) => (v instanceof Uint8Array ? w.bin(v) : wrongType(w, "bytes (a Uint8Array)", v));
    case "any":
      return (w, v) => (v === undefined ? wrongType(w, "a value", v) : writeAny(w, v));
    case "zdata":
      return writeZDataField;
    case "ndarray": // a typed array field (SPEC §7.11)
      return arrayFieldWriter(t);
    case "array":
      return arrayWriter(t);
    case "map":
      return mapWriter(writerOf(t.values));
    case "nullable": {
      const inner = writerOf(t.inner);
      return (w, v) => (v === null ? w.nil() : inner(w, v));
    }
    case "ref": {
      let target: Write | undefined; // resolved on first use: named types may refer to each other in any order
      return (w, v) => (target ??= writerOf(t.get()))(w, v);
    }
    case "alias":
      return writerOf(t.type);
    case "record":
      return t.ztype !== undefined && isKnownZType(t.ztype) ? zdataRecordWriter(t) : recordWriter(t);
    case "union":
      return unionWriter(t);
  }
}

/** Fails at the field `field` of the value being written. */
function failAt(
  w: Writer,
  field: string,
  kind: "MissingField" | "InvalidValue" | "WrongType",
  reason: string,
): never {
  w.segments[w.depth++] = field;
  return w.fail(kind, reason);
}

function wrongType(w: Writer, expected: string, v: unknown): never {
  const got =
    v === null
      ? "null"
      : Array.isArray(v)
        ? "an array"
        : typeof v === "object"
          ? (v.constructor?.name ?? "an object")
          : `${typeof v} ${String(v)}`;
  return w.fail("WrongType", `expected ${expected}, got ${got}`);
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function intWriter(t: Extract<TypeDesc, { kind: "int" }>): Write {
  // Numbers are compared with number bounds: beyond the safe range a bound can only be exceeded by a bigint or
  // by a number that is not a safe integer, which then compares with the exact bound.
  const min = t.min < -MAX_SAFE ? -Infinity : Number(t.min);
  const max = t.max > MAX_SAFE ? Infinity : Number(t.max);
  return (w, v) => {
    if (typeof v === "number") {
      if (!Number.isInteger(v)) return wrongType(w, "an integer", v);
      if (Number.isSafeInteger(v) ? v < min || v > max : v < t.min || v > t.max)
        return w.fail("IntegerOutOfRange", `${v} is outside ${t.min}..${t.max}`);
    } else if (typeof v !== "bigint") return wrongType(w, "an integer", v);
    else if (v < t.min || v > t.max) return w.fail("IntegerOutOfRange", `${v} is outside ${t.min}..${t.max}`);
    w.int(v);
  };
}

/** A float field is written at its width whatever the value (spec §3.3); conversions must be exact. */
function writeFloat(w: Writer, width: 32 | 64, v: unknown): void {
  if (v instanceof VmpFloat) {
    if (v.width === width) return w.floatBits(width, v.bits);
    if (width === 64) return w.floatBits(64, widenBits(v.bits));
    if (v.value !== v.value) return w.floatBits(32, narrowNaNBits(v.bits));
    v = v.value;
  }
  let x: number;
  if (typeof v === "number") x = v;
  else if (typeof v === "bigint") {
    x = Number(v);
    if (BigInt(x) !== v) return w.fail("InvalidValue", `${v} has no exact float${width} form`);
  } else return wrongType(w, "a number", v);
  if (width === 64) return w.float64(x);
  if (x === x && Math.fround(x) !== x) return w.fail("InvalidValue", `${x} has no exact float32 form`);
  w.float32(x);
}

function arrayWriter(t: Extract<TypeDesc, { kind: "array" }>): Write {
  const item = writerOf(t.items);
  return (w, v) => {
    // Typed arrays are welcome where the schema wants a list of numbers (a three.js Matrix4's Float32Array).
    const items = Array.isArray(v)
      ? (v as readonly unknown[])
      : ArrayBuffer.isView(v) && !(v instanceof DataView)
        ? (v as unknown as ArrayLike<unknown>)
        : undefined;
    if (items === undefined) return wrongType(w, "an array", v);
    const problem = countProblem(t, items.length);
    if (problem !== undefined) w.fail("InvalidValue", problem);
    w.arrayHeader(items.length);
    const at = w.depth++;
    for (let i = 0; i < items.length; i++) {
      w.segments[at] = i;
      item(w, items[i]);
    }
    w.depth = at;
  };
}

/** The present entries of a map-like value, in order: `undefined` properties of plain objects are absent. */
function presentEntries(v: MapLike): [unknown, unknown][] {
  if (v instanceof Map) return [...v.entries()];
  return Object.entries(v).filter(([, x]) => x !== undefined);
}

/** Writes `[key, value]` entries after a map header, the values with `value`. */
function writeEntries(w: Writer, entries: readonly (readonly [unknown, unknown])[], value: Write): void {
  w.mapHeader(entries.length);
  const at = w.depth;
  for (const [key, x] of entries) {
    if (typeof key !== "string") w.fail("NonStringKey", `map keys must be strings, found ${typeof key}`);
    w.str(key);
    w.segments[at] = key;
    w.depth = at + 1;
    value(w, x);
    w.depth = at;
  }
}

function mapWriter(value: Write): Write {
  return (w, v) =>
    isMapLike(v)
      ? writeEntries(w, presentEntries(v), value)
      : wrongType(w, "a map (a Map or a plain object)", v);
}

/** The MessagePack str of a key, ready to append. */
function encodedKey(name: string): Uint8Array {
  const w = new Writer(name.length * 3 + 5);
  w.str(name);
  return w.bytes();
}

const writeFree: Write = (w, v) => writeAny(w, v);

/**
 * A record from a plain object (the fast path: keys pre-encoded, one pass over the properties to count them and
 * find undeclared ones) or from a `Map`.
 */
function recordWriter(t: RecordDesc): Write {
  const fields = t.fields;
  const names = fields.map((f) => f.name);
  const keys = names.map(encodedKey);
  const writes = fields.map((f) => writerOf(f.type));
  const index = new Map(names.map((name, i) => [name, i]));
  // The present properties of the last object written and their fields (-1: extra). Objects of one record type
  // mostly have the same properties: comparing keys with these (identical strings) skips the index lookups.
  let layoutKeys: string[] = [];
  let layoutSlots: number[] = [];
  return (w, v) => {
    if (v instanceof Map) return writeRecordEntries(w, t, v, writes, index);
    if (!isMapLike(v)) return wrongType(w, `a record (${t.name})`, v);
    const o = v as Record<string, unknown>;
    // One for...in pass sorts the properties into declared fields and extras (see writePlainObject for why
    // for...in, and for `ownKey`).
    const values = new Array<unknown>(fields.length);
    let present = 0;
    let extras: string[] | undefined;
    let next = 0; // objects usually list the declared fields in order: the next one is tried before the index
    let i = 0;
    let same = true; // the properties so far are those of the last object written (`layout`)
    for (const k in o) {
      const x = o[k];
      if (x === undefined || !ownKey(o, k)) continue;
      let j: number | undefined;
      if (same && i < layoutKeys.length && layoutKeys[i] === k) j = layoutSlots[i];
      else {
        same = false;
        j = next < names.length && names[next] === k ? next : index.get(k);
      }
      i++;
      if (j !== undefined && j >= 0) {
        values[j] = x;
        present++;
        next = j + 1;
      } else if (t.open) (extras ??= []).push(k);
      else failAt(w, k, "InvalidValue", `unknown field "${k}" in a closed record (${t.name})`);
    }
    for (let j = 0; j < fields.length; j++) {
      if (values[j] === undefined && fields[j]!.required)
        failAt(w, names[j]!, "MissingField", "required field is missing");
    }
    if (!same || i !== layoutKeys.length) [layoutKeys, layoutSlots] = layoutOf(o, index);
    if (extras !== undefined) {
      const order = (o as { [EXTRA_KEY_ORDER]?: unknown })[EXTRA_KEY_ORDER];
      if (Array.isArray(order)) extras = inOrder(extras, order);
    }
    w.mapHeader(present + (extras?.length ?? 0));
    const at = w.depth;
    for (let j = 0; j < fields.length; j++) {
      const x = values[j];
      if (x === undefined) continue;
      w.raw(keys[j]!);
      w.segments[at] = names[j]!;
      w.depth = at + 1;
      writes[j]!(w, x);
      w.depth = at;
    }
    if (extras === undefined) return;
    for (const k of extras) {
      w.str(k);
      w.segments[at] = k;
      w.depth = at + 1;
      writeAny(w, o[k]);
      w.depth = at;
    }
  };
}

/** The present properties of `o` and the index of each among the declared fields (-1 for an extra). */
function layoutOf(o: Record<string, unknown>, index: ReadonlyMap<string, number>): [string[], number[]] {
  const keys: string[] = [];
  const slots: number[] = [];
  for (const k in o) {
    if (o[k] === undefined || !ownKey(o, k)) continue;
    keys.push(k);
    slots.push(index.get(k) ?? -1);
  }
  return [keys, slots];
}

/** A record given as a Map: declared fields in order, then the other entries in the Map's order. */
function writeRecordEntries(
  w: Writer,
  t: RecordDesc,
  v: Map<unknown, unknown>,
  writes: readonly Write[],
  index: ReadonlyMap<string, number>,
): void {
  const entries: [unknown, unknown][] = [];
  for (const f of t.fields) {
    const x = v.get(f.name);
    if (x !== undefined) entries.push([f.name, x]);
    else if (f.required) failAt(w, f.name, "MissingField", "required field is missing");
  }
  const extras = presentEntries(v).filter(([k]) => typeof k !== "string" || !index.has(k));
  if (extras.length > 0 && !t.open)
    failAt(
      w,
      String(extras[0]![0]),
      "InvalidValue",
      `unknown field "${String(extras[0]![0])}" in a closed record (${t.name})`,
    );
  const declared = entries.length;
  entries.push(...extras);
  // Declared fields with their writers, extras as free-form values.
  const writeAt = (i: number): Write =>
    i < declared ? writes[index.get(entries[i]![0] as string)!]! : writeFree;
  w.mapHeader(entries.length);
  const at = w.depth;
  entries.forEach(([key, x], i) => {
    if (typeof key !== "string") w.fail("NonStringKey", `map keys must be strings, found ${typeof key}`);
    w.str(key);
    w.segments[at] = key;
    w.depth = at + 1;
    writeAt(i)(w, x);
    w.depth = at;
  });
}

/** `keys` sorted by their rank in `order` (a lossless decode's wire order); unranked keys keep theirs, at the end. */
function inOrder(keys: string[], order: readonly unknown[]): string[] {
  const rank = new Map(order.map((k, i) => [k, i]));
  const ranked = (k: string) => rank.get(k) ?? order.length;
  return keys.sort((a, b) => ranked(a) - ranked(b));
}

/** The ztype of a ZData class value, or undefined. */
function classZType(v: unknown): string | undefined {
  if (v instanceof NDArray) return v.ztype;
  if (v instanceof ZImage) return "image";
  if (v instanceof Safetensors) return "safetensor.dict";
  return undefined;
}

/** A known ZData record (NdArray, Tensor, Image, SafetensorsDict): its class, a typed array or its map form. */
function zdataRecordWriter(t: RecordDesc): Write {
  const arrays = t.ztype === "numpy.ndarray" || t.ztype === "torch.Tensor";
  return (w, v) => {
    let z: unknown = v;
    if (arrays && ArrayBuffer.isView(v) && !(v instanceof Uint8Array) && dtypeOfArray(v) !== undefined) {
      z = NDArray.from(v as Float32Array, undefined, t.ztype as "numpy.ndarray" | "torch.Tensor");
    } else if (isMapLike(v)) {
      const ztype = entryOf(v, "ztype");
      if (ztype === undefined) failAt(w, "ztype", "MissingField", "ZData needs a ztype");
      if (typeof ztype !== "string" || !isKnownZType(ztype))
        failAt(w, "ztype", "InvalidValue", `expected ${JSON.stringify(t.ztype)}`);
      z = knownZData(ztype, new Map(presentEntries(v) as [string, unknown][]), () => w.path());
    }
    const ztype = classZType(z);
    if (ztype === undefined) return wrongType(w, `ZData (${t.name})`, v);
    if (ztype !== t.ztype)
      failAt(w, "ztype", "InvalidValue", `expected ${JSON.stringify(t.ztype)}, got ${JSON.stringify(ztype)}`);
    writeZData(w, z as NDArray | ZImage | Safetensors);
  };
}

/** A field typed ZData: any ZData value (spec §7.1), including a map with a string ztype. */
function writeZDataField(w: Writer, v: unknown): void {
  if (isMapLike(v)) {
    const ztype = entryOf(v, "ztype");
    if (ztype === undefined) failAt(w, "ztype", "MissingField", "ZData needs a ztype");
    if (typeof ztype !== "string") failAt(w, "ztype", "WrongType", "ztype must be a string");
    return writeAny(w, v);
  }
  const isZData =
    classZType(v) !== undefined ||
    v instanceof OpaqueZData ||
    (ArrayBuffer.isView(v) && !(v instanceof Uint8Array) && dtypeOfArray(v) !== undefined) ||
    (typeof v === "object" && v !== null && registrationFor(v) !== undefined);
  return isZData ? writeAny(w, v) : wrongType(w, "ZData", v);
}

function unionWriter(t: UnionDesc): Write {
  return (w, v) => {
    if (!isMapLike(v)) return wrongType(w, `a record (${t.name})`, v);
    const tag = entryOf(v, t.tag);
    const variant =
      typeof tag === "string" && Object.hasOwn(t.variants, tag) ? t.variants[tag]!() : undefined;
    if (variant === undefined)
      return w.fail(
        "InvalidValue",
        `${t.tag} ${tag === undefined ? "is missing" : JSON.stringify(tag)}: no variant of ${t.name} matches`,
      );
    writerOf(variant)(w, v);
  };
}
