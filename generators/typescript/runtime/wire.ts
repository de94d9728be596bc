/**
 * MessagePack at the byte level, as the VMP canonical profile needs it (spec §2, §3): the `Writer`, which always
 * emits the smallest form (its counterpart, the strict `Reader`, is in reader.ts).
 *
 * Both keep the path of the item being written or read (map keys and array indices); the value codecs maintain
 * it and the errors copy it. Its length is also the number of open containers, which is what the depth limit of
 * 512 counts (spec §2.5).
 */
import { VmpError, type ErrorKind } from "./errors.js";

/** At most this many nested containers (spec §2.5); opening the next one is `DepthExceeded`. */
export const MAX_DEPTH = 512;

/** The first size of a fresh Writer: most VMP events fit without growing. */
const INITIAL_SIZE = 256;
/** Strings up to this many UTF-16 units are encoded by hand: for short strings a JS loop beats `encodeInto`. */
const SHORT_STRING = 64;
/** 2^32: splits a 64-bit integer held in a number into two 32-bit halves. */
const TWO_32 = 4294967296;

const textEncoder = new TextEncoder();
/** With the `u` flag a surrogate pair is one code point, so only lone surrogates match. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** `String.prototype.isWellFormed` (ES2024) where the engine has it, the regular expression otherwise. */
const isWellFormed: (s: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === "function"
    ? (s) => (s as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (s) => !LONE_SURROGATE.test(s);

/** A growable output buffer that writes canonical MessagePack. Reuse one across frames with `reset()`. */
export class Writer {
  /**
   * The path of the value being written is the first `depth` entries of `segments`; encoders keep it current
   * (two stores per item) so that errors can name where they happened.
   */
  readonly segments: (string | number)[] = [];
  depth = 0;
  private buf: Uint8Array;
  private dv: DataView;
  private pos = 0;

  constructor(initialSize = INITIAL_SIZE) {
    this.buf = new Uint8Array(Math.max(16, initialSize));
    this.dv = new DataView(this.buf.buffer);
  }

  /** Forgets what was written (the buffer is kept). */
  reset(): void {
    this.pos = 0;
    this.depth = 0;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** The size of the buffer: 0 once a view of it was transferred (`postMessage`), which detaches it. */
  get capacity(): number {
    return this.buf.byteLength;
  }

  /** A copy of the bytes written: safe to keep after `reset()`. */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /** The bytes written (from offset `from`), without copying: valid until the next write or `reset()`. */
  view(from = 0): Uint8Array {
    return this.buf.subarray(from, this.pos);
  }

  /** The path of the value being written (a copy). */
  path(): (string | number)[] {
    return this.segments.slice(0, this.depth);
  }

  /** Appends bytes that already are MessagePack (a pre-encoded key, a frame to embed). */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    const buf = this.buf;
    let p = this.pos;
    // Keys are a few bytes: a loop beats the call overhead of `set` there.
    if (bytes.length < 16) for (let i = 0; i < bytes.length; i++) buf[p++] = bytes[i]!;
    else buf.set(bytes, p);
    this.pos += bytes.length;
  }

  nil(): void {
    this.ensure(1);
    this.buf[this.pos++] = 0xc0;
  }

  bool(b: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = b ? 0xc3 : 0xc2;
  }

  /** An integer in its smallest form: uint family when non-negative, int family when negative (spec §3.2). */
  int(v: number | bigint): void {
    if (typeof v === "bigint") {
      if (v >= -9007199254740991n && v <= 9007199254740991n) return this.int(Number(v));
      this.ensure(9);
      if (v >= 0n && v <= 0xffffffffffffffffn) {
        this.buf[this.pos] = 0xcf;
        this.dv.setBigUint64(this.pos + 1, v);
      } else if (v < 0n && v >= -0x8000000000000000n) {
        this.buf[this.pos] = 0xd3;
        this.dv.setBigInt64(this.pos + 1, v);
      } else return this.fail("IntegerOutOfRange", `${v} is outside -2^63..2^64-1`);
      this.pos += 9;
      return;
    }
    if (!Number.isInteger(v)) return this.fail("WrongType", `${v} is not an integer`);
    if (v >= 0) {
      if (v < 0x80) {
        this.ensure(1);
        this.buf[this.pos++] = v;
      } else if (v < 0x100) {
        this.head(0xcc, 2).setUint8(this.pos - 1, v);
      } else if (v < 0x10000) {
        this.head(0xcd, 3).setUint16(this.pos - 2, v);
      } else if (v < TWO_32) {
        this.head(0xce, 5).setUint32(this.pos - 4, v);
      } else if (v < TWO_32 * TWO_32) {
        // Exact for every integral double: the division by a power of two and the remainder lose nothing.
        const hi = Math.floor(v / TWO_32);
        const dv = this.head(0xcf, 9);
        dv.setUint32(this.pos - 8, hi);
        dv.setUint32(this.pos - 4, v - hi * TWO_32);
      } else this.fail("IntegerOutOfRange", `${v} is outside -2^63..2^64-1`);
    } else if (v >= -32) {
      this.ensure(1);
      this.buf[this.pos++] = v & 0xff; // negative fixint: the two's-complement low byte, 0xe0..0xff
    } else if (v >= -0x80) {
      this.head(0xd0, 2).setInt8(this.pos - 1, v);
    } else if (v >= -0x8000) {
      this.head(0xd1, 3).setInt16(this.pos - 2, v);
    } else if (v >= -0x80000000) {
      this.head(0xd2, 5).setInt32(this.pos - 4, v);
    } else if (v >= -0x8000000000000000) {
      const hi = Math.floor(v / TWO_32);
      const dv = this.head(0xd3, 9);
      dv.setInt32(this.pos - 8, hi);
      dv.setUint32(this.pos - 4, v - hi * TWO_32);
    } else this.fail("IntegerOutOfRange", `${v} is outside -2^63..2^64-1`);
  }

  /**
   * A float64. NaN is written as the canonical quiet NaN `7ff8000000000000` (Python's `float("nan")`): engines
   * do not agree on the bits of a NaN held in a number. `VmpFloat` carries exact bits (see `floatBits`).
   */
  float64(n: number): void {
    const dv = this.head(0xcb, 9);
    if (n !== n) {
      dv.setUint32(this.pos - 8, 0x7ff80000);
      dv.setUint32(this.pos - 4, 0);
    } else dv.setFloat64(this.pos - 8, n);
  }

  /** A float32, rounded to nearest; NaN is written as `7fc00000`. Callers check exactness where it matters. */
  float32(n: number): void {
    const dv = this.head(0xca, 5);
    if (n !== n) dv.setUint32(this.pos - 4, 0x7fc00000);
    else dv.setFloat32(this.pos - 4, n);
  }

  /** A float given by its raw bits (32 or 64 of them), so that NaN payloads survive. */
  floatBits(width: 32 | 64, bits: bigint): void {
    if (width === 64) this.head(0xcb, 9).setBigUint64(this.pos - 8, bits);
    else this.head(0xca, 5).setUint32(this.pos - 4, Number(bits));
  }

  /** A str with the smallest header. A lone surrogate has no UTF-8 form: `InvalidUtf8` (spec §3.4). */
  str(s: string): void {
    const n = s.length;
    if (n < SHORT_STRING) return this.shortStr(s, n);
    if (!isWellFormed(s))
      return this.fail("InvalidUtf8", "string has a lone surrogate, which UTF-8 cannot encode");
    // Reserve the header for the worst case (3 bytes per UTF-16 unit), encode, then move the bytes back when the
    // actual length needs a smaller header: one memmove instead of a second pass over the string.
    const reserved = strHeaderSize(n * 3);
    this.ensure(reserved + n * 3);
    const { written } = textEncoder.encodeInto(s, this.buf.subarray(this.pos + reserved));
    const size = strHeaderSize(written);
    if (size !== reserved)
      this.buf.copyWithin(this.pos + size, this.pos + reserved, this.pos + reserved + written);
    this.lengthHeader(written, 0xa0, 31, 0xd9, 0xda, 0xdb);
    this.pos += written;
  }

  /** Raw bytes as bin with the smallest header (spec §3.5). */
  bin(bytes: Uint8Array): void {
    this.lengthHeader(bytes.length, -1, -1, 0xc4, 0xc5, 0xc6);
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** The header of an array of `n` items; `DepthExceeded` when the path is already 512 containers deep. */
  arrayHeader(n: number): void {
    this.checkDepth();
    this.lengthHeader(n, 0x90, 15, -1, 0xdc, 0xdd);
  }

  /** The header of a map of `n` entries; `DepthExceeded` when the path is already 512 containers deep. */
  mapHeader(n: number): void {
    this.checkDepth();
    this.lengthHeader(n, 0x80, 15, -1, 0xde, 0xdf);
  }

  /**
   * Starts a map whose entry count is not known yet: reserves the one-byte fixmap header and returns where it is;
   * `endMap` writes the header once the entries are written (moving them when the count needs a longer header).
   */
  startMap(): number {
    this.checkDepth();
    this.ensure(1);
    return this.pos++;
  }

  /** Completes the map `startMap` started at `at` with its smallest header for `n` entries (spec §3.6). */
  endMap(at: number, n: number): void {
    if (n <= 15) {
      this.buf[at] = 0x80 | n;
      return;
    }
    const extra = n <= 0xffff ? 2 : 4;
    this.ensure(extra);
    const buf = this.buf;
    buf.copyWithin(at + 1 + extra, at + 1, this.pos);
    this.pos += extra;
    if (extra === 2) {
      buf[at] = 0xde;
      buf[at + 1] = n >>> 8;
      buf[at + 2] = n & 0xff;
    } else {
      buf[at] = 0xdf;
      this.dv.setUint32(at + 1, n);
    }
  }

  /** Throws a VmpError located at the current path. */
  fail(kind: ErrorKind, reason: string): never {
    throw new VmpError(kind, reason, this.path());
  }

  /**
   * Strings below SHORT_STRING units. Most are ASCII: one optimistic pass writes them (one byte per unit, so the
   * header is known in advance); the first other character falls back to `utf8Str`.
   */
  private shortStr(s: string, n: number): void {
    const header = n <= 31 ? 1 : 2;
    this.ensure(header + n);
    const buf = this.buf;
    const at = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return this.utf8Str(s, n);
      buf[at + header + i] = c;
    }
    if (header === 1) buf[at] = 0xa0 | n;
    else {
      buf[at] = 0xd9;
      buf[at + 1] = n;
    }
    this.pos = at + header + n;
  }

  /** A short string with non-ASCII text: its exact UTF-8 length first, then header and bytes. */
  private utf8Str(s: string, n: number): void {
    let size = n;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) continue;
      if (c < 0x800) size += 1;
      else if (c < 0xd800 || c > 0xdfff) size += 2;
      else if (c <= 0xdbff && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        size += 2; // a surrogate pair: 2 units, 4 bytes
        i++;
      } else return this.fail("InvalidUtf8", "string has a lone surrogate, which UTF-8 cannot encode");
    }
    this.lengthHeader(size, 0xa0, 31, 0xd9, 0xda, 0xdb);
    this.ensure(size);
    const buf = this.buf;
    let p = this.pos;
    if (size === n)
      for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i); // ASCII
    else {
      for (let i = 0; i < n; i++) {
        let c = s.charCodeAt(i);
        if (c < 0x80) buf[p++] = c;
        else if (c < 0x800) {
          buf[p++] = 0xc0 | (c >> 6);
          buf[p++] = 0x80 | (c & 0x3f);
        } else if (c >= 0xd800 && c <= 0xdbff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
          buf[p++] = 0xf0 | (c >> 18);
          buf[p++] = 0x80 | ((c >> 12) & 0x3f);
          buf[p++] = 0x80 | ((c >> 6) & 0x3f);
          buf[p++] = 0x80 | (c & 0x3f);
        } else {
          buf[p++] = 0xe0 | (c >> 12);
          buf[p++] = 0x80 | ((c >> 6) & 0x3f);
          buf[p++] = 0x80 | (c & 0x3f);
        }
      }
    }
    this.pos = p;
  }

  /** The smallest length header of a family: fix form (`fix` | n, when n <= fixMax), then 8/16/32-bit forms. */
  private lengthHeader(n: number, fix: number, fixMax: number, b8: number, b16: number, b32: number): void {
    if (n <= fixMax) {
      this.ensure(1);
      this.buf[this.pos++] = fix | n;
    } else if (n <= 0xff && b8 >= 0) {
      this.ensure(2);
      this.buf[this.pos++] = b8;
      this.buf[this.pos++] = n;
    } else if (n <= 0xffff) this.head(b16, 3).setUint16(this.pos - 2, n);
    else if (n <= 0xffffffff) this.head(b32, 5).setUint32(this.pos - 4, n);
    else this.fail("InvalidValue", `a length of ${n} exceeds MessagePack's 2^32-1`);
  }

  /** Writes the format byte of a `size`-byte item, moves past the item and returns the view to fill it in. */
  private head(byte: number, size: number): DataView {
    this.ensure(size);
    this.buf[this.pos] = byte;
    this.pos += size;
    return this.dv;
  }

  private checkDepth(): void {
    if (this.depth >= MAX_DEPTH) this.fail("DepthExceeded", `more than ${MAX_DEPTH} nested containers`);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
    this.dv = new DataView(grown.buffer);
  }
}

/** The header size of a str whose UTF-8 length is `n`. */
function strHeaderSize(n: number): number {
  return n <= 31 ? 1 : n <= 0xff ? 2 : n <= 0xffff ? 3 : 5;
}
