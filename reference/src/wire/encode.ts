/**
 * The canonical MessagePack encoder (SPEC §3): Value → the one byte string every VMP encoder must produce.
 *
 * Every header is the smallest form that holds the value or length; non-negative integers use the uint family and
 * negative ones the int family; floats keep their width and raw bits; map entries keep their order; strings are
 * UTF-8 and lone surrogates are refused. The form tables are exported so that `inspect` can name the canonical
 * form of what it sees.
 */
import { VmpError, type Path } from "../../../core/src/errors.js";
import { INT64_MIN, UINT64_MAX, type Value } from "../value/model.js";
import { MAX_DEPTH } from "./decode.js";

/** A form of a length-prefixed family: its format byte and the largest length it can declare. */
export interface LengthForm {
  readonly name: string;
  readonly byte: number;
  readonly max: number;
  /** Size of the big-endian length field; 0 for fix forms, whose length is OR-ed into the format byte. */
  readonly lengthBytes: 0 | 1 | 2 | 4;
}

/** The forms of each length-prefixed family, smallest first (bin has no fix form, array and map no 8-bit form). */
export const LENGTH_FORMS: Readonly<Record<"str" | "bin" | "array" | "map", readonly LengthForm[]>> = {
  str: [
    { name: "fixstr", byte: 0xa0, max: 31, lengthBytes: 0 },
    { name: "str8", byte: 0xd9, max: 0xff, lengthBytes: 1 },
    { name: "str16", byte: 0xda, max: 0xffff, lengthBytes: 2 },
    { name: "str32", byte: 0xdb, max: 0xffffffff, lengthBytes: 4 },
  ],
  bin: [
    { name: "bin8", byte: 0xc4, max: 0xff, lengthBytes: 1 },
    { name: "bin16", byte: 0xc5, max: 0xffff, lengthBytes: 2 },
    { name: "bin32", byte: 0xc6, max: 0xffffffff, lengthBytes: 4 },
  ],
  array: [
    { name: "fixarray", byte: 0x90, max: 15, lengthBytes: 0 },
    { name: "array16", byte: 0xdc, max: 0xffff, lengthBytes: 2 },
    { name: "array32", byte: 0xdd, max: 0xffffffff, lengthBytes: 4 },
  ],
  map: [
    { name: "fixmap", byte: 0x80, max: 15, lengthBytes: 0 },
    { name: "map16", byte: 0xde, max: 0xffff, lengthBytes: 2 },
    { name: "map32", byte: 0xdf, max: 0xffffffff, lengthBytes: 4 },
  ],
};

/** An integer form: its format byte and range. Fixints (`valueBytes` 0) are the value's own low byte. */
export interface IntForm {
  readonly name: string;
  readonly byte: number;
  readonly min: bigint;
  readonly max: bigint;
  readonly valueBytes: 0 | 1 | 2 | 4 | 8;
}

/** Forms for non-negative integers, smallest first: only the uint family is canonical for them. */
const UINT_FORMS: readonly IntForm[] = [
  { name: "positive fixint", byte: 0x00, min: 0n, max: 0x7fn, valueBytes: 0 },
  { name: "uint8", byte: 0xcc, min: 0n, max: 0xffn, valueBytes: 1 },
  { name: "uint16", byte: 0xcd, min: 0n, max: 0xffffn, valueBytes: 2 },
  { name: "uint32", byte: 0xce, min: 0n, max: 0xffffffffn, valueBytes: 4 },
  { name: "uint64", byte: 0xcf, min: 0n, max: UINT64_MAX, valueBytes: 8 },
];

/** Forms for negative integers, smallest first. */
const NEGATIVE_FORMS: readonly IntForm[] = [
  { name: "negative fixint", byte: 0xe0, min: -32n, max: -1n, valueBytes: 0 },
  { name: "int8", byte: 0xd0, min: -(2n ** 7n), max: -1n, valueBytes: 1 },
  { name: "int16", byte: 0xd1, min: -(2n ** 15n), max: -1n, valueBytes: 2 },
  { name: "int32", byte: 0xd2, min: -(2n ** 31n), max: -1n, valueBytes: 4 },
  { name: "int64", byte: 0xd3, min: INT64_MIN, max: -1n, valueBytes: 8 },
];

/** The canonical form of an integer, or undefined outside -2^63..2^64-1. */
export function canonicalIntForm(v: bigint): IntForm | undefined {
  return (v >= 0n ? UINT_FORMS : NEGATIVE_FORMS).find((f) => f.min <= v && v <= f.max);
}

/** The canonical form for a length, or undefined beyond 2^32-1. */
export function canonicalLengthForm(family: keyof typeof LENGTH_FORMS, length: number): LengthForm | undefined {
  return LENGTH_FORMS[family].find((f) => length <= f.max);
}

/** Initial buffer size: small messages (most VMP events) never grow it. */
const INITIAL_SIZE = 256;

/** A growing big-endian byte buffer; appends are amortized O(1) by doubling. */
export class ByteWriter {
  private buf = new Uint8Array(INITIAL_SIZE);
  private view = new DataView(this.buf.buffer);
  private pos = 0;

  u8(b: number): void {
    this.reserve(1);
    this.view.setUint8(this.pos++, b);
  }

  /** An unsigned big-endian field of 1, 2, 4 or 8 bytes (callers pass two's complement for signed values). */
  uint(v: bigint | number, bytes: 1 | 2 | 4 | 8): void {
    this.reserve(bytes);
    if (bytes === 8) this.view.setBigUint64(this.pos, BigInt(v));
    else if (bytes === 4) this.view.setUint32(this.pos, Number(v));
    else if (bytes === 2) this.view.setUint16(this.pos, Number(v));
    else this.view.setUint8(this.pos, Number(v));
    this.pos += bytes;
  }

  append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** A copy of the bytes written so far. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }
}

const utf8Encoder = new TextEncoder();

/** With the `u` flag a valid surrogate pair is one code point, so only lone surrogates match. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** True when `s` holds a lone UTF-16 surrogate, which has no UTF-8 (or JSON-form) encoding. */
export function hasLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

/** Encodes a value canonically. Throws `VmpError` (with the path) for values that have no valid encoding. */
export function encode(value: Value): Uint8Array {
  const out = new ByteWriter();
  writeValue(out, value, [], 0);
  return out.toBytes();
}

/** Writes `v`, which sits inside `depth` containers at `path` (mutated while descending, copied into errors). */
function writeValue(out: ByteWriter, v: Value, path: (string | number)[], depth: number): void {
  switch (v.kind) {
    case "nil":
      return out.u8(0xc0);
    case "bool":
      return out.u8(v.value ? 0xc3 : 0xc2);
    case "int":
      return writeInt(out, v.value, path);
    case "float":
      if (v.bits < 0n || v.bits >> BigInt(v.width) !== 0n) {
        throw new VmpError("InvalidValue", `float${v.width} bits ${v.bits} do not fit ${v.width} bits`, [...path]);
      }
      out.u8(v.width === 64 ? 0xcb : 0xca);
      return out.uint(v.bits, v.width === 64 ? 8 : 4);
    case "str":
      return writeStr(out, v.value, path);
    case "bin":
      writeLength(out, "bin", v.value.length, path);
      return out.append(v.value);
    case "array":
      checkDepth(depth, path);
      writeLength(out, "array", v.items.length, path);
      v.items.forEach((item, i) => {
        path.push(i);
        writeValue(out, item, path, depth + 1);
        path.pop();
      });
      return;
    case "map": {
      checkDepth(depth, path);
      writeLength(out, "map", v.entries.length, path);
      const seen = new Set<string>();
      for (const [key, item] of v.entries) {
        if (seen.has(key)) throw new VmpError("DuplicateKey", `duplicate map key ${JSON.stringify(key)}`, [...path]);
        seen.add(key);
        writeStr(out, key, path);
        path.push(key);
        writeValue(out, item, path, depth + 1);
        path.pop();
      }
      return;
    }
  }
}

function writeInt(out: ByteWriter, v: bigint, path: Path): void {
  const form = canonicalIntForm(v);
  if (form === undefined) throw new VmpError("IntegerOutOfRange", `${v} is outside -2^63..2^64-1`, [...path]);
  // Fixints are the value's two's-complement low byte: 0x00..0x7f, and 0xe0..0xff for -32..-1.
  if (form.valueBytes === 0) return out.u8(Number(BigInt.asUintN(8, v)));
  out.u8(form.byte);
  out.uint(BigInt.asUintN(form.valueBytes * 8, v), form.valueBytes);
}

function writeStr(out: ByteWriter, s: string, path: Path): void {
  if (hasLoneSurrogate(s)) {
    throw new VmpError("InvalidUtf8", "string has a lone surrogate, which UTF-8 cannot encode", [...path]);
  }
  const bytes = utf8Encoder.encode(s);
  writeLength(out, "str", bytes.length, path);
  out.append(bytes);
}

/** The smallest header for a str/bin/array/map of `length`. */
function writeLength(out: ByteWriter, family: keyof typeof LENGTH_FORMS, length: number, path: Path): void {
  const form = canonicalLengthForm(family, length);
  if (form === undefined) {
    throw new VmpError("InvalidValue", `${family} of length ${length} exceeds MessagePack's 2^32-1`, [...path]);
  }
  if (form.lengthBytes === 0) return out.u8(form.byte | length);
  out.u8(form.byte);
  out.uint(length, form.lengthBytes);
}

/** A container at `depth` would be container number depth + 1 on its path. */
function checkDepth(depth: number, path: Path): void {
  if (depth >= MAX_DEPTH) throw new VmpError("DepthExceeded", `more than ${MAX_DEPTH} nested containers`, [...path]);
}
