/**
 * The toolchain's value model: one node per MessagePack value, keeping everything that decides the bytes.
 *
 * This is deliberately not "plain JS values": JS cannot tell `1.0` from `1`, loses integers beyond 2^53, cannot
 * keep a NaN payload through a DataView round trip, and reorders integer-like object keys. The reference codec,
 * the vector builder and the CLI all work on these nodes, so what they print and compare is exactly the wire value.
 *
 * Integer width and header sizes are not part of the value (they are encoding choices); the float width is (a
 * float32 and a float64 are different values on the wire and the spec says where each belongs).
 */
export type Value = NilValue | BoolValue | IntValue | FloatValue | StrValue | BinValue | ArrayValue | MapValue;

export interface NilValue {
  readonly kind: "nil";
}
export interface BoolValue {
  readonly kind: "bool";
  readonly value: boolean;
}
/** Any integer from -2^63 to 2^64-1, exact. */
export interface IntValue {
  readonly kind: "int";
  readonly value: bigint;
}
/**
 * An IEEE 754 float, held as its raw bits so that -0.0 and NaN payloads survive (compared bit-exactly).
 * `bits` is the 64-bit pattern for width 64 and the 32-bit pattern for width 32.
 */
export interface FloatValue {
  readonly kind: "float";
  readonly width: 32 | 64;
  readonly bits: bigint;
}
export interface StrValue {
  readonly kind: "str";
  readonly value: string;
}
export interface BinValue {
  readonly kind: "bin";
  readonly value: Uint8Array;
}
export interface ArrayValue {
  readonly kind: "array";
  readonly items: readonly Value[];
}
/** A map with string keys, in wire order. Duplicate keys are not representable (they are a decode error). */
export interface MapValue {
  readonly kind: "map";
  readonly entries: readonly (readonly [string, Value])[];
}

export const INT64_MIN = -(2n ** 63n);
export const UINT64_MAX = 2n ** 64n - 1n;

const scratch = new DataView(new ArrayBuffer(8));

export const nil: NilValue = { kind: "nil" };
export const bool = (value: boolean): BoolValue => ({ kind: "bool", value });
/**
 * The nodes of the integers from -32 to 255 (the fixints and uint8), shared: values are immutable, and a large
 * frame is mostly small integers, each of which would otherwise cost a node and a bigint.
 */
const SMALL_INTS: readonly IntValue[] = Array.from({ length: 288 }, (_, i) => ({ kind: "int", value: BigInt(i - 32) }));

export function int(value: bigint | number): IntValue {
  if (typeof value === "number" && Number.isInteger(value) && value >= -32 && value <= 255) return SMALL_INTS[value + 32]!;
  const v = typeof value === "bigint" ? value : BigInt(value);
  if (v >= -32n && v <= 255n) return SMALL_INTS[Number(v) + 32]!;
  if (v < INT64_MIN || v > UINT64_MAX) throw new RangeError(`integer ${v} is outside -2^63..2^64-1`);
  return { kind: "int", value: v };
}
export function f64(value: number): FloatValue {
  scratch.setFloat64(0, value);
  return { kind: "float", width: 64, bits: scratch.getBigUint64(0) };
}
export function f32(value: number): FloatValue {
  scratch.setFloat32(0, value);
  if (!Number.isNaN(value) && scratch.getFloat32(0) !== value) {
    throw new RangeError(`${value} is not exactly representable as float32`);
  }
  return { kind: "float", width: 32, bits: BigInt(scratch.getUint32(0)) };
}
export const f64Bits = (bits: bigint): FloatValue => ({ kind: "float", width: 64, bits: BigInt.asUintN(64, bits) });
export const f32Bits = (bits: bigint): FloatValue => ({ kind: "float", width: 32, bits: BigInt.asUintN(32, bits) });
export const str = (value: string): StrValue => ({ kind: "str", value });
export const bin = (value: Uint8Array): BinValue => ({ kind: "bin", value });
export const array = (items: readonly Value[]): ArrayValue => ({ kind: "array", items });
export const map = (entries: readonly (readonly [string, Value])[]): MapValue => ({ kind: "map", entries });

/** The float's numeric value (NaN payloads collapse to NaN here; use `bits` when they matter). */
export function floatNumber(v: FloatValue): number {
  if (v.width === 64) {
    scratch.setBigUint64(0, v.bits);
    return scratch.getFloat64(0);
  }
  scratch.setUint32(0, Number(v.bits));
  return scratch.getFloat32(0);
}

/** Looks up a map entry by key (maps are small; a linear scan keeps wire order without an index). */
export function get(m: MapValue, key: string): Value | undefined {
  for (const [k, v] of m.entries) if (k === key) return v;
  return undefined;
}

/** Structural equality on the wire value: bit-exact floats, float width significant, entry order significant. */
export function equals(a: Value, b: Value): boolean {
  switch (a.kind) {
    case "nil":
      return b.kind === "nil";
    case "bool":
      return b.kind === "bool" && a.value === b.value;
    case "int":
      return b.kind === "int" && a.value === b.value;
    case "float":
      return b.kind === "float" && a.width === b.width && a.bits === b.bits;
    case "str":
      return b.kind === "str" && a.value === b.value;
    case "bin":
      return b.kind === "bin" && bytesEqual(a.value, b.value);
    case "array":
      return b.kind === "array" && a.items.length === b.items.length && a.items.every((x, i) => equals(x, b.items[i]!));
    case "map":
      return (
        b.kind === "map" &&
        a.entries.length === b.entries.length &&
        a.entries.every(([k, v], i) => k === b.entries[i]![0] && equals(v, b.entries[i]![1]))
      );
  }
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
