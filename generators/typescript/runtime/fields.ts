/**
 * The pieces the generated per-record codecs (the package's codecs.ts) are made of: readers and writers of field
 * values with the kinds, paths and messages of the descriptor codecs (decode.ts, encode.ts), and the steps every
 * record shares (extra fields, missing fields, the key order a lossless decode keeps).
 *
 * They are plain functions called from one place each in the generated code, so each call site sees one
 * function and V8 can inline it; nothing here builds a path or a message unless it throws.
 */
import { countProblem, readFloat, schemaError, stringProblem, wrongType } from "./decode.js";
import { failAt, inOrder, wrongType as notWritable, writeFloat } from "./encode.js";
import type { Kind, Reader } from "./reader.js";
import type { TypeDesc } from "./schema.js";
import { EXTRA_KEY_ORDER, ownKey, readAny, setProperty, writeAny } from "./value.js";
import { Writer } from "./wire.js";

/** A string type with its constraints. */
export type StringDesc = Extract<TypeDesc, { kind: "string" }>;

/** The MessagePack str of each field name: what writers append and readers compare keys with. */
export function encodeKeys(names: readonly string[]): Uint8Array[] {
  return names.map((name) => {
    const w = new Writer(name.length * 3 + 5);
    w.str(name);
    return w.bytes();
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------------------

/** A record's map header: its entry count, or `WrongType` for any other item. */
export function recordSize(r: Reader, kind: Kind, name: string): number {
  if (kind !== "map") return wrongType(r, `a map (${name})`, kind);
  r.enter();
  return r.length;
}

/** An integer in [min, max], a range within ±(2^53 - 1); integral floats count (spec §3.11, row 5). */
export function readInt(r: Reader, kind: Kind, min: number, max: number): number {
  const v = kind === "int" ? r.int : integralFloat(r, kind);
  // A bigint is beyond ±(2^53 - 1), so outside the range.
  if (typeof v !== "number" || v < min || v > max)
    return schemaError(r, "IntegerOutOfRange", `${v} is outside ${min}..${max}`);
  return v;
}

/**
 * An integer in [min, max], a range beyond ±(2^53 - 1): a number while safe, else a bigint. Numbers compare with
 * `minSafe`/`maxSafe`, the bounds clamped to the safe range (±Infinity where a bound is beyond it).
 */
export function readWideInt(
  r: Reader,
  kind: Kind,
  minSafe: number,
  maxSafe: number,
  min: bigint,
  max: bigint,
): number | bigint {
  const v = kind === "int" ? r.int : integralFloat(r, kind);
  if (typeof v === "number" ? v < minSafe || v > maxSafe : v < min || v > max)
    return schemaError(r, "IntegerOutOfRange", `${v} is outside ${min}..${max}`);
  return v;
}

/** The integer an integral float item denotes (-0.0 reads as 0), or `WrongType`. */
function integralFloat(r: Reader, kind: Kind): number | bigint {
  if (kind !== "float32" && kind !== "float64") return wrongType(r, "an integer", kind);
  const f = r.float;
  if (!Number.isInteger(f)) return schemaError(r, "WrongType", `expected an integer, got ${kind} ${f}`);
  return f === 0 ? 0 : Number.isSafeInteger(f) ? f : BigInt(f);
}

/** A float64 field (readFloat does the conversions and lossless NaNs). */
export function readFloat64(r: Reader, kind: Kind): unknown {
  return kind === "float64" && !r.lossless ? r.float : readFloat(r, 64, kind);
}

export function readStr(r: Reader, kind: Kind): string {
  return kind === "str" ? r.str() : wrongType(r, "a string", kind);
}

/** A string field with constraints (`const`, `enum`, `pattern`, lengths). */
export function readString(r: Reader, kind: Kind, t: StringDesc): string {
  const s = readStr(r, kind);
  const problem = stringProblem(t, s);
  return problem === undefined ? s : schemaError(r, "InvalidValue", problem);
}

export function readBool(r: Reader, kind: Kind): boolean {
  return kind === "bool" ? r.bool : wrongType(r, "a boolean", kind);
}

export function readBytes(r: Reader, kind: Kind): Uint8Array {
  return kind === "bin" ? r.bin(r.copy) : wrongType(r, "bytes (bin)", kind);
}

export function readNull(r: Reader, kind: Kind): null {
  return kind === "nil" ? null : wrongType(r, "nil", kind);
}

/** An array field's header: its item count, or `WrongType` for any other item. */
export function arraySize(r: Reader, kind: Kind): number {
  if (kind !== "array") return wrongType(r, "an array", kind);
  r.enter();
  return r.length;
}

/** The items array of an array field: after its items are read, `minItems`/`maxItems` are checked. */
export function checkCount<T>(r: Reader, items: T[], minItems: number, maxItems: number): T[] {
  const n = items.length;
  if (n >= minItems && n <= maxItems) return items;
  return schemaError(r, "InvalidValue", countProblem({ minItems, maxItems }, n)!);
}

/**
 * Starts reading the value of a declared field, bit `bit` of `seen` (the key just read is the path's segment at
 * `at`): `DuplicateKey` when the field was read before. Returns `seen` with the bit set.
 */
export function fieldValue(r: Reader, seen: number, bit: number, at: number): number {
  if (seen & bit) r.duplicate(r.segments[at] as string);
  r.depth = at + 1;
  return seen | bit;
}

/** `InvalidValue` for an entry `key` of a closed record (the key is the last segment of the path). */
export function unknownField(r: Reader, key: string, name: string): never {
  r.depth++;
  return schemaError(r, "InvalidValue", `unknown field "${key}" in a closed record (${name})`);
}

/**
 * Reads the value of an open record's extra entry `key` (a free-form value) into `out`, after its declared
 * fields. `order` collects the extra keys in lossless mode (see `keepExtraOrder`).
 */
export function readExtra(
  r: Reader,
  out: Record<string, unknown>,
  key: string,
  order: string[] | undefined,
): string[] | undefined {
  // Declared fields never come here, so an own property of that name is an extra read before.
  if (Object.hasOwn(out, key)) r.duplicate(key);
  r.depth++;
  setProperty(out, key, readAny(r, r.next()));
  if (r.lossless) (order ??= []).push(key);
  return order;
}

/** An integer-like key, which a JS object would move before every other key. */
const INDEX_KEY = /^(?:0|[1-9][0-9]*)$/;

/** Lossless mode notes the extras' wire order when a JS object would not keep it (integer-like keys go first). */
export function keepExtraOrder(out: Record<string, unknown>, order: string[]): void {
  if (order.some((k) => INDEX_KEY.test(k))) Object.defineProperty(out, EXTRA_KEY_ORDER, { value: order });
}

/** `MissingField` for the first of `names` (required fields, in declaration order) whose bit is not in `seen`. */
export function missingField(r: Reader, seen: number, names: readonly string[], bits: readonly number[]): never {
  const i = bits.findIndex((b) => (seen & b) === 0);
  return schemaError(r, "MissingField", "required field is missing", names[i]);
}

// ---------------------------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------------------------

/** A plain object (its prototype is Object.prototype or null): what a record's generated writer reads. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Writes a field's encoded key (`key`, the MessagePack str of `name`) in a record whose path ends at `at`. */
export function writeKey(w: Writer, key: Uint8Array, name: string, at: number): void {
  w.raw(key);
  w.segments[at] = name;
  w.depth = at + 1;
}

/** Whether the property `k` that for...in listed is present: own, and not `undefined` (spec §3.9). */
export function present(o: Record<string, unknown>, k: string): boolean {
  return o[k] !== undefined && ownKey(o, k);
}

/** `InvalidValue` for a property of a closed record's object that it does not declare. */
export function unknownProperty(w: Writer, key: string, name: string): never {
  return failAt(w, key, "InvalidValue", `unknown field "${key}" in a closed record (${name})`);
}

/** `MissingField` for the first of `names` (required fields, in declaration order) whose bit is not in `seen`. */
export function missingProperty(w: Writer, seen: number, names: readonly string[], bits: readonly number[]): never {
  const i = bits.findIndex((b) => (seen & b) === 0);
  return failAt(w, names[i]!, "MissingField", "required field is missing");
}

/**
 * Writes the extra properties of an open record's object (those not in `declared`) after its declared fields:
 * in property order, or in the wire order a lossless decode noted (`EXTRA_KEY_ORDER`).
 */
export function writeExtras(w: Writer, o: Record<string, unknown>, declared: readonly string[]): void {
  let extras: string[] = [];
  for (const k in o) if (present(o, k) && !declared.includes(k)) extras.push(k);
  const order = (o as { [EXTRA_KEY_ORDER]?: unknown })[EXTRA_KEY_ORDER];
  if (Array.isArray(order)) extras = inOrder(extras, order);
  const at = w.depth;
  for (const k of extras) {
    w.str(k);
    w.segments[at] = k;
    w.depth = at + 1;
    writeAny(w, o[k]);
    w.depth = at;
  }
}

/** An integer in [min, max], a range within ±(2^53 - 1). */
export function writeInt(w: Writer, v: unknown, min: number, max: number): void {
  if (typeof v === "number" && Number.isInteger(v)) {
    if (v < min || v > max) return w.fail("IntegerOutOfRange", `${v} is outside ${min}..${max}`);
    return w.int(v);
  }
  if (typeof v !== "bigint") return notWritable(w, "an integer", v);
  if (v < BigInt(min) || v > BigInt(max)) return w.fail("IntegerOutOfRange", `${v} is outside ${min}..${max}`);
  w.int(v);
}

/** An integer in [min, max], a range beyond ±(2^53 - 1): numbers and bigints (bounds as for `readWideInt`). */
export function writeWideInt(
  w: Writer,
  v: unknown,
  minSafe: number,
  maxSafe: number,
  min: bigint,
  max: bigint,
): void {
  if (typeof v === "number") {
    if (!Number.isInteger(v)) return notWritable(w, "an integer", v);
    // Beyond the safe range a number can only exceed a bound that is itself beyond it: compare exactly then.
    if (Number.isSafeInteger(v) ? v < minSafe || v > maxSafe : BigInt(v) < min || BigInt(v) > max)
      return w.fail("IntegerOutOfRange", `${v} is outside ${min}..${max}`);
  } else if (typeof v !== "bigint") return notWritable(w, "an integer", v);
  else if (v < min || v > max) return w.fail("IntegerOutOfRange", `${v} is outside ${min}..${max}`);
  w.int(v);
}

/** A float64 field: numbers as they are, the rest through `writeFloat` (VmpFloat, bigint, errors). */
export function writeFloat64(w: Writer, v: unknown): void {
  if (typeof v === "number") w.float64(v);
  else writeFloat(w, 64, v);
}

export function writeStr(w: Writer, v: unknown): void {
  if (typeof v === "string") w.str(v);
  else notWritable(w, "a string", v);
}

/** A string field with constraints (`const`, `enum`, `pattern`, lengths). */
export function writeString(w: Writer, v: unknown, t: StringDesc): void {
  if (typeof v !== "string") return notWritable(w, "a string", v);
  const problem = stringProblem(t, v);
  if (problem !== undefined) return w.fail("InvalidValue", problem);
  w.str(v);
}

export function writeBool(w: Writer, v: unknown): void {
  if (typeof v === "boolean") w.bool(v);
  else notWritable(w, "a boolean", v);
}

export function writeBytes(w: Writer, v: unknown): void {
  if (v instanceof Uint8Array) w.bin(v);
  else notWritable(w, "bytes (a Uint8Array)", v);
}

export function writeNull(w: Writer, v: unknown): void {
  if (v === null) w.nil();
  else notWritable(w, "null", v);
}

/** A free-form field value (`undefined` has no VMP form). */
export function writeAnyValue(w: Writer, v: unknown): void {
  if (v === undefined) notWritable(w, "a value", v);
  else writeAny(w, v);
}

/**
 * The items of an array field, after its header: an Array, or a typed array where the schema wants numbers (a
 * three.js Matrix4's Float32Array). `WrongType` for anything else, `InvalidValue` for a wrong count.
 */
export function arrayItems(w: Writer, v: unknown, minItems: number, maxItems: number): ArrayLike<unknown> {
  const items = Array.isArray(v)
    ? (v as readonly unknown[])
    : ArrayBuffer.isView(v) && !(v instanceof DataView)
      ? (v as unknown as ArrayLike<unknown>)
      : undefined;
  if (items === undefined) return notWritable(w, "an array", v);
  const n = items.length;
  if (n < minItems || n > maxItems) w.fail("InvalidValue", countProblem({ minItems, maxItems }, n)!);
  w.arrayHeader(n);
  return items;
}
