/**
 * `RawWriter`: builds MessagePack bytes form by form, for vectors the canonical encoder would never write.
 *
 * Each width method writes exactly that form even when a smaller one exists (`uint64(5)` is `cf 00…05`), and
 * nothing checks that a container's items or a string's declared length are actually there: hostile vectors
 * declare lengths that are not. Only the arguments themselves are checked (a uint8 must fit in 8 bits), so that a
 * typo in a recipe fails loudly instead of writing something nobody meant.
 *
 *     new RawWriter().map16(1).fixstr("a").uint64(5).hex()   // "de0001a161cf0000000000000005"
 *     new RawWriter().str32("abc", 0xffffffff).hex()     // "dbffffffff616263": claims 4 GB, holds 3 bytes
 *     new RawWriter().header(0xc1).raw("cd 01")          // any byte, any bytes
 */
import { INT64_MIN, UINT64_MAX, type Value } from "../value/model.js";
import { ByteWriter, encode, hasLoneSurrogate } from "./encode.js";
import { fromHex, toHex } from "./hex.js";

/** The ext forms: fixext1..16 carry exactly that many bytes; ext8/16/32 have a length field. */
export type ExtForm = "fixext1" | "fixext2" | "fixext4" | "fixext8" | "fixext16" | "ext8" | "ext16" | "ext32";

/** Each ext form's format byte and either its fixed payload size or the size of its length field. */
const EXT_FORMS: Readonly<Record<ExtForm, { byte: number; payload?: number; lengthBytes?: 1 | 2 | 4 }>> = {
  fixext1: { byte: 0xd4, payload: 1 },
  fixext2: { byte: 0xd5, payload: 2 },
  fixext4: { byte: 0xd6, payload: 4 },
  fixext8: { byte: 0xd7, payload: 8 },
  fixext16: { byte: 0xd8, payload: 16 },
  ext8: { byte: 0xc7, lengthBytes: 1 },
  ext16: { byte: 0xc8, lengthBytes: 2 },
  ext32: { byte: 0xc9, lengthBytes: 4 },
};

/** The smallest ext form for a payload size. */
function smallestExtForm(size: number): ExtForm {
  const fix = (Object.keys(EXT_FORMS) as ExtForm[]).find((f) => EXT_FORMS[f].payload === size);
  return fix ?? (size <= 0xff ? "ext8" : size <= 0xffff ? "ext16" : "ext32");
}

const utf8 = new TextEncoder();
/** For turning a JS number into float bits. */
const scratch = new DataView(new ArrayBuffer(8));

/** A chainable writer of exact wire forms; `bytes()`/`hex()` give what was written so far. */
export class RawWriter {
  private readonly out = new ByteWriter();

  nil(): this {
    return this.header(0xc0);
  }
  true(): this {
    return this.header(0xc3);
  }
  false(): this {
    return this.header(0xc2);
  }

  /** A positive (0..127) or negative (-32..-1) fixint. */
  fixint(n: number): this {
    return this.header(checkInt(n, -32, 127, "fixint") & 0xff);
  }
  uint8(n: number): this {
    return this.fixed(0xcc, checkInt(n, 0, 0xff, "uint8"), 1);
  }
  uint16(n: number): this {
    return this.fixed(0xcd, checkInt(n, 0, 0xffff, "uint16"), 2);
  }
  uint32(n: number): this {
    return this.fixed(0xce, checkInt(n, 0, 0xffffffff, "uint32"), 4);
  }
  uint64(n: bigint | number): this {
    return this.fixed(0xcf, checkBig(n, 0n, UINT64_MAX, "uint64"), 8);
  }
  int8(n: number): this {
    return this.fixed(0xd0, checkInt(n, -0x80, 0x7f, "int8") & 0xff, 1);
  }
  int16(n: number): this {
    return this.fixed(0xd1, checkInt(n, -0x8000, 0x7fff, "int16") & 0xffff, 2);
  }
  int32(n: number): this {
    return this.fixed(0xd2, checkInt(n, -0x80000000, 0x7fffffff, "int32") >>> 0, 4);
  }
  int64(n: bigint | number): this {
    return this.fixed(0xd3, BigInt.asUintN(64, checkBig(n, INT64_MIN, -INT64_MIN - 1n, "int64")), 8);
  }

  /** A float32 of `n`, which must be exactly representable (use `float32Bits` for a specific NaN). */
  float32(n: number): this {
    scratch.setFloat32(0, n);
    if (!Number.isNaN(n) && scratch.getFloat32(0) !== n) throw new RangeError(`${n} is not exactly a float32`);
    return this.fixed(0xca, scratch.getUint32(0), 4);
  }
  float64(n: number): this {
    scratch.setFloat64(0, n);
    return this.fixed(0xcb, scratch.getBigUint64(0), 8);
  }
  float32Bits(bits: bigint): this {
    return this.fixed(0xca, checkBig(bits, 0n, 2n ** 32n - 1n, "float32 bits"), 4);
  }
  float64Bits(bits: bigint): this {
    return this.fixed(0xcb, checkBig(bits, 0n, UINT64_MAX, "float64 bits"), 8);
  }

  /**
   * String forms. `s` is text (written as UTF-8) or raw bytes (for invalid-UTF-8 vectors). `declared` overrides
   * the length written in the header, for vectors that claim more or fewer bytes than follow.
   */
  fixstr(s: string | Uint8Array, declared?: number): this {
    const bytes = textBytes(s);
    return this.header(0xa0 | checkInt(declared ?? bytes.length, 0, 31, "fixstr length")).raw(bytes);
  }
  str8(s: string | Uint8Array, declared?: number): this {
    return this.sized(0xd9, textBytes(s), declared, 1);
  }
  str16(s: string | Uint8Array, declared?: number): this {
    return this.sized(0xda, textBytes(s), declared, 2);
  }
  str32(s: string | Uint8Array, declared?: number): this {
    return this.sized(0xdb, textBytes(s), declared, 4);
  }

  /** Bin forms; `declared` as for strings. */
  bin8(bytes: Uint8Array, declared?: number): this {
    return this.sized(0xc4, bytes, declared, 1);
  }
  bin16(bytes: Uint8Array, declared?: number): this {
    return this.sized(0xc5, bytes, declared, 2);
  }
  bin32(bytes: Uint8Array, declared?: number): this {
    return this.sized(0xc6, bytes, declared, 4);
  }

  /** Container headers only: the caller writes the `n` items (or entries: key, value, key, value…) next. */
  fixarray(n: number): this {
    return this.header(0x90 | checkInt(n, 0, 15, "fixarray length"));
  }
  array16(n: number): this {
    return this.fixed(0xdc, checkInt(n, 0, 0xffff, "array16 length"), 2);
  }
  array32(n: number): this {
    return this.fixed(0xdd, checkInt(n, 0, 0xffffffff, "array32 length"), 4);
  }
  fixmap(n: number): this {
    return this.header(0x80 | checkInt(n, 0, 15, "fixmap length"));
  }
  map16(n: number): this {
    return this.fixed(0xde, checkInt(n, 0, 0xffff, "map16 length"), 2);
  }
  map32(n: number): this {
    return this.fixed(0xdf, checkInt(n, 0, 0xffffffff, "map32 length"), 4);
  }

  /** An ext of `type` (-128..127) in `form`, by default the smallest (a fixext when the size allows). */
  ext(type: number, data: Uint8Array, form: ExtForm = smallestExtForm(data.length)): this {
    checkInt(type, -128, 127, "ext type");
    const { byte, payload, lengthBytes } = EXT_FORMS[form];
    if (lengthBytes === undefined) {
      if (data.length !== payload) throw new RangeError(`${form} carries ${payload} bytes, not ${data.length}`);
      this.header(byte);
    } else {
      this.fixed(byte, checkInt(data.length, 0, 2 ** (8 * lengthBytes) - 1, `${form} length`), lengthBytes);
    }
    return this.header(type & 0xff).raw(data);
  }

  /** Appends bytes as given: a Uint8Array or hex (whitespace allowed: `"cd 01 00"`). */
  raw(hexOrBytes: string | Uint8Array): this {
    this.out.append(typeof hexOrBytes === "string" ? fromHex(hexOrBytes) : hexOrBytes);
    return this;
  }

  /** Appends one byte: any format byte, including 0xc1 or an ext byte. */
  header(byte: number): this {
    this.out.u8(checkInt(byte, 0, 0xff, "byte"));
    return this;
  }

  /** Appends the canonical encoding of `v`. */
  value(v: Value): this {
    return this.raw(encode(v));
  }

  bytes(): Uint8Array {
    return this.out.toBytes();
  }
  hex(): string {
    return toHex(this.out.toBytes());
  }

  /** A format byte followed by a big-endian field of `bytes` bytes. */
  private fixed(byte: number, v: bigint | number, bytes: 1 | 2 | 4 | 8): this {
    this.header(byte);
    this.out.uint(v, bytes);
    return this;
  }

  /** A str8/16/32 or bin8/16/32: format byte, length field (`declared` or the real length), payload. */
  private sized(byte: number, payload: Uint8Array, declared: number | undefined, bytes: 1 | 2 | 4): this {
    const length = checkInt(declared ?? payload.length, 0, 2 ** (8 * bytes) - 1, "declared length");
    return this.fixed(byte, length, bytes).raw(payload);
  }
}

function textBytes(s: string | Uint8Array): Uint8Array {
  if (typeof s !== "string") return s;
  if (hasLoneSurrogate(s)) throw new RangeError("string has a lone surrogate; pass bytes for invalid UTF-8");
  return utf8.encode(s);
}

function checkInt(n: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new RangeError(`${what} must be an integer in ${min}..${max}, got ${n}`);
  }
  return n;
}

function checkBig(n: bigint | number, min: bigint, max: bigint, what: string): bigint {
  if (typeof n === "number" && !Number.isSafeInteger(n)) {
    throw new RangeError(`${what}: ${n} is not a safe integer; pass a bigint`);
  }
  const v = BigInt(n);
  if (v < min || v > max) throw new RangeError(`${what} must be in ${min}..${max}, got ${v}`);
  return v;
}
