/**
 * Schema-directed decoding: reads a frame as a type descriptor and validates it on the way, with the error kinds
 * and paths of the reference validator (reference/src/schema/validate.ts, spec §8.3):
 *
 * - a value of the wrong MessagePack kind is `WrongType` (also `nil` where the type is not nullable);
 * - a required field that is absent is `MissingField` at the field; an undeclared field of a closed record is
 *   `InvalidValue` at that field; `const`, `enum`, `pattern`, lengths and item counts are `InvalidValue`;
 * - an integer outside its field's range is `IntegerOutOfRange`.
 *
 * Every valid encoding is accepted (spec §3.11): integers in any width, integers in float fields and integral
 * floats in integer fields (exact conversions only), float32 in float64 fields and exact float64 in float32
 * fields, record entries in any order. Schema errors carry no byte offset (as the reference's), wire errors do.
 *
 * Each descriptor is compiled once into a reader function (`readerOf`): walking descriptor objects of many shapes
 * on every frame would keep V8's property caches megamorphic, while each compiled function sees one shape.
 */
import { VmpError, type ErrorKind } from "./errors.js";
import { peekString, type Kind, type Reader } from "./reader.js";
import type { NamedDesc, RecordDesc, TypeDesc, UnionDesc } from "./schema.js";
import { CANONICAL_NAN_BITS, VmpFloat, narrowNaNBits, widenBits } from "./float.js";
import { EXTRA_KEY_ORDER, entryOf, isMapLike, newItems, readAny, setProperty } from "./value.js";
import { countProblem, stringProblem } from "./constraints.js";
import { arrayFieldProblem } from "./typed-array.js";
import { NDArray, Safetensors, ZImage, isKnownZType } from "./zdata.js";
import { isCataloguedResponse, isSuccessStatus, readWrappedBytes } from "./upstream.js";

/** A descriptor the codecs accept: a field type or a named type. */
export type Desc = TypeDesc | NamedDesc;

/** A compiled reader: reads the value whose header `r.next()` returned `kind`. */
export type Read = (r: Reader, kind: Kind) => unknown;

type IntDesc = Extract<TypeDesc, { kind: "int" }>;

const readers = new WeakMap<Desc, Read>();

/** The reader of `t`, compiled on first use. */
export function readerOf(t: Desc): Read {
  if (t === lastDesc) return lastRead!;
  let read = readers.get(t);
  if (read === undefined) readers.set(t, (read = compile(t)));
  lastDesc = t;
  lastRead = read;
  return read;
}

/** The last descriptor looked up (frame after frame it is the same message type) and its reader. */
let lastDesc: Desc | undefined;
let lastRead: Read | undefined;

function compile(t: Desc): Read {
  switch (t.kind) {
    case "int":
      return intReader(t);
    case "float": {
      const width = t.width;
      return (r, kind) => readFloat(r, width, kind);
    }
    case "string":
      return (r, kind) => {
        if (kind !== "str") return wrongType(r, "a string", kind);
        const s = r.str();
        const problem = stringProblem(t, s);
        return problem === undefined ? s : schemaError(r, "InvalidValue", problem);
      };
    case "bool":
      return (r, kind) => (kind === "bool" ? r.bool : wrongType(r, "a boolean", kind));
    case "null":
      return (r, kind) => (kind === "nil" ? null : wrongType(r, "nil", kind));
    case "bytes":
      return (r, kind) =>
        kind === "bin"
          ? r.bin(r.copy)
          : ((kind === "map" ? readWrappedBytes(r) : undefined) ?? wrongType(r, "bytes (bin)", kind));
    case "any":
      return (r, kind) => readAny(r, kind);
    case "zdata":
      return readZDataField;
    case "ndarray": // a typed array field (SPEC §7.11)
      return (r, kind) => {
        const v = readZDataField(r, kind);
        const problem = arrayFieldProblem(t, v);
        return problem === undefined ? v : schemaError(r, "InvalidValue", problem.reason, problem.at);
      };
    case "array":
      return arrayReader(t);
    case "map":
      return mapReader(readerOf(t.values));
    case "nullable": {
      const inner = readerOf(t.inner);
      return (r, kind) => (kind === "nil" ? null : inner(r, kind));
    }
    case "ref": {
      let target: Read | undefined; // resolved on first use: named types may refer to each other in any order
      return (r, kind) => (target ??= readerOf(t.get()))(r, kind);
    }
    case "alias":
      return readerOf(t.type);
    case "record":
      return t.ztype !== undefined && isKnownZType(t.ztype) ? zdataRecordReader(t) : recordReader(t);
    case "union":
      return unionReader(t);
  }
}

/** A schema error at the current path, without an offset (as the reference validator reports them). */
function schemaError(r: Reader, kind: ErrorKind, reason: string, field?: string): never {
  const path = r.path();
  if (field !== undefined) path.push(field);
  throw new VmpError(kind, reason, path);
}

function wrongType(r: Reader, expected: string, kind: Kind): never {
  return schemaError(r, "WrongType", `expected ${expected}, got ${describe(r, kind)}`);
}

/** What the item just read is, for messages. */
function describe(r: Reader, kind: Kind): string {
  switch (kind) {
    case "int":
      return `integer ${r.int}`;
    case "float32":
    case "float64":
      return `${kind} ${r.float}`;
    case "bool":
      return String(r.bool);
    case "str":
      return "a string";
    case "bin":
      return `bin (${r.length} bytes)`;
    case "array":
      return `an array of ${r.length}`;
    case "map":
      return `a map of ${r.length}`;
    case "nil":
      return "nil";
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Integers in any width; integral floats as the integer they denote (spec §3.11, row 5). */
function intReader(t: IntDesc): Read {
  // Integers come as numbers only while safe, so numbers are compared with bounds clamped to the safe range
  // (exactly, and without mixing number and bigint); bigints with the exact bounds.
  const min = t.min < -MAX_SAFE ? -Infinity : Number(t.min);
  const max = t.max > MAX_SAFE ? Infinity : Number(t.max);
  return (r, kind) => {
    let v: number | bigint;
    if (kind === "int") v = r.int;
    else if (kind === "float32" || kind === "float64") {
      const f = r.float;
      if (!Number.isInteger(f)) return schemaError(r, "WrongType", `expected an integer, got ${kind} ${f}`);
      v = f === 0 ? 0 : Number.isSafeInteger(f) ? f : BigInt(f); // -0.0 reads as 0
    } else return wrongType(r, "an integer", kind);
    if (typeof v === "number" ? v < min || v > max : v < t.min || v > t.max) {
      return schemaError(r, "IntegerOutOfRange", `${v} is outside ${t.min}..${t.max}`);
    }
    return v;
  };
}

/**
 * Floats at the field's width, converted exactly or not at all (spec §3.11, rows 3, 4, 9). The result is a
 * number; in lossless mode a NaN whose bits a plain NaN would not reproduce is a VmpFloat.
 */
function readFloat(r: Reader, width: 32 | 64, kind: Kind): number | VmpFloat {
  const v = r.float;
  if (kind === "float64" || kind === "float32") {
    if (v !== v) return r.lossless ? nan(width, kind === "float64" ? 64 : 32, r.floatBits()) : v;
    if (width === 32 && kind === "float64" && Math.fround(v) !== v) {
      return schemaError(r, "InvalidValue", `${v} has no exact float32 form`);
    }
    return v;
  }
  if (kind !== "int") return wrongType(r, "a number", kind);
  const i = r.int;
  const x = Number(i);
  const exact = (typeof i === "number" || BigInt(x) === i) && (width === 64 || Math.fround(x) === x);
  return exact ? x : schemaError(r, "InvalidValue", `${i} has no exact float${width} form`);
}

/** A NaN of `from` bits read into a field of `width`: a plain NaN when its bits are canonical, else a VmpFloat. */
function nan(width: 32 | 64, from: 32 | 64, bits: bigint): number | VmpFloat {
  const converted = width === from ? bits : width === 64 ? widenBits(bits) : narrowNaNBits(bits);
  return converted === CANONICAL_NAN_BITS[width] ? NaN : VmpFloat.fromBits(width, converted);
}

function arrayReader(t: Extract<TypeDesc, { kind: "array" }>): Read {
  const item = readerOf(t.items);
  return (r, kind) => {
    if (kind !== "array") return wrongType(r, "an array", kind);
    const n = r.length;
    r.enter();
    const items = newItems(r, n);
    const at = r.depth++;
    for (let i = 0; i < n; i++) {
      r.segments[at] = i;
      items[i] = item(r, r.next());
    }
    r.depth = at;
    const problem = countProblem(t, n);
    return problem === undefined ? items : schemaError(r, "InvalidValue", problem);
  };
}

/** A free-form map of typed values: a `Map` in lossless mode (producer order), else a plain object. */
function mapReader(value: Read): Read {
  return (r, kind) => {
    if (kind !== "map") return wrongType(r, "a map", kind);
    const n = r.length;
    r.enter();
    const map = r.lossless ? new Map<string, unknown>() : undefined;
    const object: Record<string, unknown> = {};
    const at = r.depth;
    for (let i = 0; i < n; i++) {
      r.depth = at;
      const key = r.key();
      if (map !== undefined ? map.has(key) : Object.hasOwn(object, key)) r.duplicate(key);
      r.segments[at] = key;
      r.depth = at + 1;
      const v = value(r, r.next());
      if (map !== undefined) map.set(key, v);
      else setProperty(object, key, v);
    }
    r.depth = at;
    return map ?? object;
  };
}

/** An integer-like key, which a JS object would move before every other key. */
const INDEX_KEY = /^(?:0|[1-9][0-9]*)$/;
const utf8 = new TextEncoder();

/**
 * A record: its entries in any order, returned as a plain object with the declared fields in declaration order,
 * then (open records) the extra fields in wire order. Canonical frames list the fields in order, so the reader
 * first compares the next key's bytes with the field it expects, and builds a key string only when they differ.
 */
function recordReader(t: RecordDesc): Read {
  const fields = t.fields;
  const names = fields.map((f) => f.name);
  const keys = names.map((name) => utf8.encode(name));
  const reads = fields.map((f) => readerOf(f.type));
  const index = new Map(names.map((name, i) => [name, i]));
  const required = fields.flatMap((f, j) => (f.required ? [j] : []));
  const isRequired = fields.map((f) => f.required);
  const proto = names.includes("__proto__"); // a declared "__proto__" needs setProperty: assigning sets the prototype
  const response = isCataloguedResponse(t);
  return (r, kind) => {
    if (kind !== "map") return wrongType(r, `a map (${t.name})`, kind);
    const n = r.length;
    r.enter();
    // The entries go straight into the result. While the declared fields come in declaration order and before
    // every extra (as canonical frames have them), the object's order is already the right one and a declared
    // field cannot repeat (each one seen is before `expected`); otherwise the object is rebuilt in order at the end.
    let out: Record<string, unknown> = {};
    let extras: string[] | undefined; // extra keys in wire order
    let dropped: string[] | undefined; // a response's success status, read as absent
    let ordered = true;
    let present = 0; // required fields read
    const at = r.depth;
    let expected = 0;
    for (let i = 0; i < n; i++) {
      r.depth = at;
      let j: number;
      let key: string;
      if (expected < keys.length && r.matchKey(keys[expected]!)) key = names[(j = expected)]!;
      else j = index.get((key = r.key())) ?? -1;
      r.segments[at] = key;
      if (j >= 0) {
        if (!ordered || j < expected || extras !== undefined) {
          ordered = false;
          if (Object.hasOwn(out, key)) r.duplicate(key);
        }
        r.depth = at + 1;
        const v = reads[j]!(r, r.next());
        if (proto) setProperty(out, key, v);
        else out[key] = v;
        if (isRequired[j]) present++; // each declared field is stored once (a second one is a duplicate)
        expected = j + 1;
      } else {
        if ((extras !== undefined && Object.hasOwn(out, key)) || dropped?.includes(key)) r.duplicate(key);
        r.depth = at + 1;
        if (response && isSuccessStatus(r, key)) {
          (dropped ??= []).push(key);
          continue;
        }
        if (!t.open) schemaError(r, "InvalidValue", `unknown field "${key}" in a closed record (${t.name})`);
        const v = readAny(r, r.next());
        (extras ??= []).push(key);
        setProperty(out, key, v);
      }
    }
    r.depth = at;
    if (!ordered) out = inDeclaredOrder(out, names, extras);
    for (let k = 0; present < required.length && k < required.length; k++) {
      const name = names[required[k]!]!;
      if (!Object.hasOwn(out, name)) schemaError(r, "MissingField", "required field is missing", name);
    }
    // Lossless mode notes the extras' order when a JS object would not keep it (integer-like keys go first).
    if (extras !== undefined && r.lossless && extras.some((k) => INDEX_KEY.test(k)))
      Object.defineProperty(out, EXTRA_KEY_ORDER, { value: extras });
    return out;
  };
}

/** `o` rebuilt with the declared fields in declaration order, then the extras in wire order. */
function inDeclaredOrder(
  o: Record<string, unknown>,
  names: readonly string[],
  extras: readonly string[] | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of names) if (Object.hasOwn(o, name)) setProperty(out, name, o[name]);
  if (extras !== undefined) for (const k of extras) setProperty(out, k, o[k]);
  return out;
}

/**
 * A record that is a known ZData variant (NdArray, Tensor, Image, SafetensorsDict): its class value, with the
 * ztype the record requires. A map that is not such ZData is read as the record, which reports what is wrong.
 */
function zdataRecordReader(t: RecordDesc): Read {
  const asRecord = recordReader(t);
  return (r, kind) => {
    if (kind !== "map") return wrongType(r, `a map (${t.name})`, kind);
    const n = r.length;
    const body = r.pos;
    const at = r.depth;
    const v = readAny(r, kind);
    const ztype =
      v instanceof NDArray
        ? v.ztype
        : v instanceof ZImage
          ? "image"
          : v instanceof Safetensors
            ? "safetensor.dict"
            : undefined;
    if (ztype === undefined) {
      r.pos = body;
      r.depth = at;
      r.length = n;
      return asRecord(r, kind);
    }
    if (ztype !== t.ztype)
      schemaError(
        r,
        "InvalidValue",
        `expected ${JSON.stringify(t.ztype)}, got ${JSON.stringify(ztype)}`,
        "ztype",
      );
    return v;
  };
}

/** A field typed ZData: a map with a string ztype, read as a free-form value (spec §7.1). */
function readZDataField(r: Reader, kind: Kind): unknown {
  if (kind !== "map") return wrongType(r, "ZData (a map with a string ztype)", kind);
  const v = readAny(r, kind);
  if (!isMapLike(v)) return v; // a ZData class, or a registered type's value
  const ztype = entryOf(v, "ztype");
  if (typeof ztype === "string") return v; // a registered type's decoder may return a map
  if (ztype === undefined) return schemaError(r, "MissingField", "ZData needs a ztype", "ztype");
  return schemaError(r, "WrongType", "ztype must be a string", "ztype");
}

/** A tagged union: the tag entry (looked up ahead, wherever it is) picks the variant's record. */
function unionReader(t: UnionDesc): Read {
  return (r, kind) => {
    if (kind !== "map") return wrongType(r, `a map (${t.name})`, kind);
    const tag = peekString(r, t.tag);
    const variant = tag !== undefined && Object.hasOwn(t.variants, tag) ? t.variants[tag]!() : undefined;
    if (variant === undefined) {
      return schemaError(
        r,
        "InvalidValue",
        `${t.tag} ${tag === undefined ? "is missing" : JSON.stringify(tag)}: no variant of ${t.name} matches`,
      );
    }
    return readerOf(variant)(r, kind);
  };
}
