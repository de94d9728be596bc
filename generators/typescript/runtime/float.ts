/**
 * Floats with their width and bits (spec §2.2, §3.3): `VmpFloat`, the lossless form of a free-form float, and the
 * exact conversions between float32 and float64 bit patterns that the codecs need (NaN payloads included).
 */

/** The bits of the NaN a plain `number` stands for on the wire (Python's `float("nan")`). */
const CANONICAL_NAN = 0x7ff8000000000000n;
const scratch = new DataView(new ArrayBuffer(8));

/** A float with its width and raw bits: the lossless form of a free-form float (spec §10.4). */
export class VmpFloat {
  readonly value: number;
  readonly width: 32 | 64;
  /** The IEEE 754 bits: 64 of them for a float64, 32 for a float32. */
  readonly bits: bigint;

  private constructor(value: number, width: 32 | 64, bits: bigint) {
    this.value = value;
    this.width = width;
    this.bits = bits;
  }

  /** A float64 (a NaN gets the canonical quiet bits). */
  static f64(n: number): VmpFloat {
    if (n !== n) return new VmpFloat(n, 64, CANONICAL_NAN);
    scratch.setFloat64(0, n);
    return new VmpFloat(n, 64, scratch.getBigUint64(0));
  }

  /** A float32; `n` must be exactly representable (a RangeError otherwise, so nothing is rounded silently). */
  static f32(n: number): VmpFloat {
    if (n !== n) return new VmpFloat(n, 32, 0x7fc00000n);
    if (Math.fround(n) !== n) throw new RangeError(`${n} is not exactly representable as float32`);
    scratch.setFloat32(0, n);
    return new VmpFloat(n, 32, BigInt(scratch.getUint32(0)));
  }

  static fromBits(width: 32 | 64, bits: bigint): VmpFloat {
    if (width === 64) scratch.setBigUint64(0, BigInt.asUintN(64, bits));
    else scratch.setUint32(0, Number(BigInt.asUintN(32, bits)));
    return new VmpFloat(
      width === 64 ? scratch.getFloat64(0) : scratch.getFloat32(0),
      width,
      BigInt.asUintN(width, bits),
    );
  }

  valueOf(): number {
    return this.value;
  }

  toString(): string {
    return String(this.value);
  }
}

/** float32 bits to the float64 bits of the same value, NaN payloads included (spec §3.11, row 3). */
export function widenBits(bits32: bigint): bigint {
  const sign = (bits32 >> 31n) & 1n;
  if (((bits32 >> 23n) & 0xffn) === 0xffn)
    return (sign << 63n) | (0x7ffn << 52n) | ((bits32 & 0x7fffffn) << 29n);
  scratch.setUint32(0, Number(bits32));
  scratch.setFloat64(0, scratch.getFloat32(0)); // finite float32 values, subnormals included, are exact float64s
  return scratch.getBigUint64(0);
}

/** float64 NaN bits to float32 NaN bits: the sign and the top 23 fraction bits (quiet if they are all 0). */
export function narrowNaNBits(bits64: bigint): bigint {
  const frac = (bits64 >> 29n) & 0x7fffffn;
  return (((bits64 >> 63n) & 1n) << 31n) | (0xffn << 23n) | (frac === 0n ? 1n << 22n : frac);
}

/** The canonical NaN bits of each width: what a plain NaN `number` is written as. */
export const CANONICAL_NAN_BITS = { 32: 0x7fc00000n, 64: CANONICAL_NAN } as const;
