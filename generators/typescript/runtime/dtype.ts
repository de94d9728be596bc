/**
 * Array element types (spec §7.3): the typed array that holds each dtype of the spec's vocabulary (`Dtype` and
 * its item sizes and numpy codes come from ../tables.js), numpy's explicit forms (`<f4`, `>i2`, `|u1`), byte
 * swapping, and conversions for the two 16-bit float types, which JavaScript has no array type for (their
 * elements are kept as raw `Uint16Array` bit patterns).
 */

import { DTYPES, DTYPE_TABLE, type Dtype } from "../tables.js";

export { DTYPES, type Dtype };

/** The typed array holding each dtype: bool as 0/1 bytes, 16-bit floats as bit patterns, complex as re, im pairs. */
export interface DtypeArrays {
  bool: Uint8Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  float16: Uint16Array;
  bfloat16: Uint16Array;
  float32: Float32Array;
  float64: Float64Array;
  complex64: Float32Array;
  complex128: Float64Array;
}

export type TypedArray = DtypeArrays[Dtype];

/** What the runtime needs of a typed-array class. */
export interface TypedArrayClass<T extends TypedArray = TypedArray> {
  new (length: number): T;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

export interface DtypeInfo<D extends Dtype = Dtype> {
  readonly name: D;
  /** Bytes per element on the wire. */
  readonly itemsize: number;
  /** The class of `NDArray.data`. */
  readonly array: TypedArrayClass<DtypeArrays[D]>;
  /** Typed-array entries per element: 2 for complex (re, im), else 1. */
  readonly lanes: 1 | 2;
}

/** The typed array of each dtype, and how many of its entries make one element: JavaScript's part of the table. */
const ARRAYS: { readonly [D in Dtype]: { array: TypedArrayClass<DtypeArrays[D]>; lanes: 1 | 2 } } = {
  bool: { array: Uint8Array, lanes: 1 },
  int8: { array: Int8Array, lanes: 1 },
  int16: { array: Int16Array, lanes: 1 },
  int32: { array: Int32Array, lanes: 1 },
  int64: { array: BigInt64Array, lanes: 1 },
  uint8: { array: Uint8Array, lanes: 1 },
  uint16: { array: Uint16Array, lanes: 1 },
  uint32: { array: Uint32Array, lanes: 1 },
  uint64: { array: BigUint64Array, lanes: 1 },
  float16: { array: Uint16Array, lanes: 1 },
  bfloat16: { array: Uint16Array, lanes: 1 },
  float32: { array: Float32Array, lanes: 1 },
  float64: { array: Float64Array, lanes: 1 },
  complex64: { array: Float32Array, lanes: 2 },
  complex128: { array: Float64Array, lanes: 2 },
};

/** Each dtype's item size (the spec's) with its typed array and lanes (the runtime's). */
export const DTYPE_INFO = Object.fromEntries(
  DTYPES.map((name) => [name, { name, itemsize: DTYPE_TABLE[name].itemsize, ...ARRAYS[name] }]),
) as { readonly [D in Dtype]: DtypeInfo<D> };

const NAMES: ReadonlySet<string> = new Set(DTYPES);

export function isDtype(s: string): s is Dtype {
  return NAMES.has(s);
}

/** numpy's type codes (after the byte-order character) and the dtypes they name, from the spec's table. */
const NUMPY_CODES: ReadonlyMap<string, Dtype> = new Map(
  DTYPES.flatMap((d) => {
    const code = DTYPE_TABLE[d].numpy;
    return code === undefined ? [] : [[code, d] as const];
  }),
);

/**
 * A dtype as sent: a canonical name, or numpy's explicit form (`<`/`=`/none little-endian, `>` big-endian, `|`
 * only for 1-byte types). Undefined for anything else (`<U2`, `object`, `torch.float32`: UnsupportedDtype).
 */
export function parseDtype(s: string): { readonly dtype: Dtype; readonly bigEndian: boolean } | undefined {
  if (isDtype(s)) return { dtype: s, bigEndian: false };
  const m = /^([<>|=]?)([a-z]\d{1,2})$/.exec(s); // no byte-order character: little-endian (SPEC §7.3)
  const dtype = m === null ? undefined : NUMPY_CODES.get(m[2]!);
  if (m === null || dtype === undefined) return undefined;
  const size = DTYPE_INFO[dtype].itemsize;
  if (m[1] === "|" && size > 1) return undefined;
  return { dtype, bigEndian: m[1] === ">" && size > 1 };
}

/**
 * The dtype a typed array stands for when it is encoded as a value: each class maps to the numpy type of the same
 * name (so `Uint16Array` is uint16, not float16). Undefined for DataView and unknown views.
 */
export function dtypeOfArray(a: ArrayBufferView): Dtype | undefined {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array) return "int32";
  if (a instanceof Uint32Array) return "uint32";
  if (a instanceof Int16Array) return "int16";
  if (a instanceof Uint16Array) return "uint16";
  if (a instanceof Int8Array) return "int8";
  if (a instanceof Uint8Array || a instanceof Uint8ClampedArray) return "uint8";
  if (a instanceof BigInt64Array) return "int64";
  if (a instanceof BigUint64Array) return "uint64";
  return undefined;
}

/** True on little-endian hosts (all current browsers and Node platforms); typed arrays use the host's order. */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A copy of `bytes` with every `unit`-byte group reversed (one element, or half of a complex element). */
export function byteSwap(
  bytes: Uint8Array,
  unit: number,
  out: Uint8Array = new Uint8Array(bytes.length),
): Uint8Array {
  for (let i = 0; i < bytes.length; i += unit)
    for (let j = 0; j < unit; j++) out[i + j] = bytes[i + unit - 1 - j]!;
  return out;
}

/**
 * Copies of at most SLAB_COPY bytes are carved from a shared 64 KiB slab: allocating an ArrayBuffer costs V8
 * about a microsecond, far more than copying a small array (a frame of a thousand 3-element arrays would spend
 * most of its time there). Like msgpackr's buffers, a small array keeps its slab alive.
 */
const SLAB_SIZE = 64 * 1024;
const SLAB_COPY = 4096;
let slab = new ArrayBuffer(SLAB_SIZE);
let slabUsed = 0;

/** `n` bytes of fresh memory at a 16-byte aligned offset. */
function freshBytes(n: number): Uint8Array {
  if (n > SLAB_COPY) return new Uint8Array(n);
  let at = (slabUsed + 15) & ~15;
  if (at + n > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    at = 0;
  }
  slabUsed = at + n;
  return new Uint8Array(slab, at, n);
}

/**
 * The elements in `b` as the dtype's typed array: a view of `b`'s memory when its offset suits the array class
 * (zero-copy, spec §7.9), a copy otherwise, and a swapped copy when the wire order (`bigEndian`) differs from the
 * host's. `b.length` must be a multiple of the item size.
 */
export function typedView<D extends Dtype>(b: Uint8Array, dtype: D, bigEndian: boolean): DtypeArrays[D] {
  const array = DTYPE_INFO[dtype].array;
  const unit = array.BYTES_PER_ELEMENT;
  const swap = bigEndian === HOST_LITTLE_ENDIAN && unit > 1;
  if (!swap && b.byteOffset % unit === 0) return new array(b.buffer, b.byteOffset, b.length / unit);
  const copy = freshBytes(b.length);
  if (swap) byteSwap(b, unit, copy);
  else copy.set(b);
  return new array(copy.buffer, copy.byteOffset, b.length / unit);
}

const scratch = new DataView(new ArrayBuffer(8));

/** The IEEE 754 binary16 value of a bit pattern (0x3c00 is 1.0). */
export function float16ToNumber(bits: number): number {
  return smallToNumber(bits, 5, 10);
}

/** The binary16 bit pattern nearest to `n` (ties to even; NaN is 0x7e00; overflow is ±Infinity). */
export function numberToFloat16(n: number): number {
  return numberToSmall(n, 5, 10);
}

/** The value of a bfloat16 bit pattern (the top half of a float32: 0x3f80 is 1.0). */
export function bfloat16ToNumber(bits: number): number {
  return smallToNumber(bits, 8, 7);
}

/** The bfloat16 bit pattern nearest to `n` (ties to even, from the double itself: no double rounding). */
export function numberToBfloat16(n: number): number {
  return numberToSmall(n, 8, 7);
}

/** Decodes an IEEE-style float of 1 sign bit, `expBits` exponent bits and `fracBits` fraction bits. */
function smallToNumber(bits: number, expBits: number, fracBits: number): number {
  const expMax = (1 << expBits) - 1;
  const bias = expMax >> 1;
  const sign = (bits >> (expBits + fracBits)) & 1 ? -1 : 1;
  const e = (bits >> fracBits) & expMax;
  const f = bits & ((1 << fracBits) - 1);
  if (e === expMax) return f === 0 ? sign * Infinity : NaN;
  if (e === 0) return sign * f * 2 ** (1 - bias - fracBits); // subnormal (and ±0)
  return sign * (f + (1 << fracBits)) * 2 ** (e - bias - fracBits);
}

/** Encodes `n` into the format of `smallToNumber`, rounding to nearest, ties to even. */
function numberToSmall(n: number, expBits: number, fracBits: number): number {
  const expMax = (1 << expBits) - 1;
  const bias = expMax >> 1;
  if (n !== n) return (expMax << fracBits) | (1 << (fracBits - 1)); // the quiet NaN
  const sign = n < 0 || (n === 0 && 1 / n < 0) ? 1 << (expBits + fracBits) : 0;
  const a = Math.abs(n);
  if (a === 0) return sign;
  if (a === Infinity) return sign | (expMax << fracBits);
  scratch.setFloat64(0, a);
  let e = ((scratch.getUint32(0) >>> 20) & 0x7ff) - 1023; // floor(log2(a)), exact for normal doubles
  if (e < 1 - bias) return sign | roundHalfEven(a * 2 ** (fracBits + bias - 1)); // subnormal; 2^fracBits carries into the exponent
  let m = roundHalfEven(a * 2 ** (fracBits - e)); // in [2^fracBits, 2^(fracBits+1)]
  if (m === 2 ** (fracBits + 1)) {
    m /= 2;
    e++;
  }
  if (e + bias >= expMax) return sign | (expMax << fracBits);
  return sign | ((e + bias) << fracBits) | (m - (1 << fracBits));
}

function roundHalfEven(x: number): number {
  const r = Math.round(x); // halves round up
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
