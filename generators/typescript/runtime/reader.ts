/**
 * The strict MessagePack reader (spec §2, §3.11): accepts every valid form of every item and reports every defect
 * as a `VmpError` with the path and byte offset the reference decoder (reference/src/wire/decode.ts) gives.
 */
import { VmpError, type ErrorKind } from "./errors.js";
import { MAX_DEPTH } from "./wire.js";
import {
  KEYS,
  MAX_CACHED,
  NO_BYTES,
  SHORT_ASCII,
  ascii,
  f32,
  f64,
  i32,
  u16,
  u32,
  u64,
  type StringCache,
} from "./bytes.js";

/** 2^32: joins the two 32-bit halves of a 64-bit integer. */
const TWO_32 = 4294967296;
/** Strict UTF-8: `fatal` rejects invalid input; `ignoreBOM` keeps a leading U+FEFF, which is text like any other. */
const textDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** What `Reader.next` found: the MessagePack family of the item (the two float widths apart). */
export type Kind = "nil" | "bool" | "int" | "float32" | "float64" | "str" | "bin" | "array" | "map";

/** Names and header sizes (format byte included) of the formats 0xc0..0xdf, as the spec's table names them. */
// prettier-ignore
const FORMATS: readonly (readonly [string, number])[] = [
  ["nil", 1], ["never used", 1], ["false", 1], ["true", 1], ["bin8", 2], ["bin16", 3], ["bin32", 5],
  ["ext8", 3], ["ext16", 4], ["ext32", 6], ["float32", 5], ["float64", 9], ["uint8", 2], ["uint16", 3],
  ["uint32", 5], ["uint64", 9], ["int8", 2], ["int16", 3], ["int32", 5], ["int64", 9], ["fixext1", 2],
  ["fixext2", 2], ["fixext4", 2], ["fixext8", 2], ["fixext16", 2], ["str8", 2], ["str16", 3], ["str32", 5],
  ["array16", 3], ["array32", 5], ["map16", 3], ["map32", 5],
];

/** The spec's name of the format that starts with `b`. */
function formatName(b: number): string {
  if (b < 0x80) return "positive fixint";
  if (b < 0x90) return "fixmap";
  if (b < 0xa0) return "fixarray";
  if (b < 0xc0) return "fixstr";
  if (b >= 0xe0) return "negative fixint";
  return FORMATS[b - 0xc0]![0];
}

/** Header bytes of the format that starts with `b`. */
function headerSize(b: number): number {
  return b < 0xc0 || b >= 0xe0 ? 1 : FORMATS[b - 0xc0]![1];
}

/** How decoded values are built (the Reader carries them for the value readers). */
export interface DecodeOptions {
  /** Keep float widths and bits, and map order, exactly (spec §10.4). Default false. */
  readonly lossless?: boolean;
  /** An unknown ztype is `UnknownZType` instead of an `OpaqueZData` (spec §7.7). Default false. */
  readonly strictZType?: boolean;
  /** Copy bytes and arrays out of the frame instead of viewing it (spec §7.9). Default false. */
  readonly copy?: boolean;
  /**
   * Leave ZData maps as plain objects (`{ ztype, b, dtype, shape }`) instead of reading them as `NDArray`,
   * `ZImage`, `Safetensors`, a registered type or `OpaqueZData` (vrpc-ts's `preserveZData`). Default false.
   */
  readonly keepZData?: boolean;
}

/**
 * Reads MessagePack items from one frame. `next()` reads an item's header and says what it is; scalars are then
 * complete (their value is in `int`, `float` or `bool`), str/bin payloads are read with `str()`/`bin()`, and
 * containers are opened with `enter()` and read item by item by the caller. No declared length is trusted: a
 * payload is checked against the bytes present before it is sliced, and nothing is allocated from a count.
 */
export class Reader {
  bytes: Uint8Array;
  /**
   * The path of the item being read is the first `depth` entries of `segments`: keys and indices of the open
   * containers (a key being read names its map, as in the reference). A counter, not a stack, because the value
   * readers move it for every item: two stores, where push/pop or setting `length` would cost far more.
   */
  readonly segments: (string | number)[] = [];
  depth = 0;
  lossless: boolean;
  strictZType: boolean;
  copy: boolean;
  keepZData: boolean;
  /** The next byte to read. */
  pos = 0;
  /** The offset of the item whose header `next` read last. */
  start = 0;
  /** After `next`: the payload length of a str/bin, the item count of an array, the entry count of a map. */
  length = 0;
  /** After `next` returned "int": the value, a number while it is safe (|v| <= 2^53-1), else a bigint. */
  int: number | bigint = 0;
  /** After `next` returned "float32"/"float64": the value (a float32 widened exactly). */
  float = 0;
  /** After `next` returned "bool". */
  bool = false;

  constructor(bytes: Uint8Array, options?: DecodeOptions) {
    this.bytes = bytes;
    this.lossless = options?.lossless === true;
    this.strictZType = options?.strictZType === true;
    this.copy = options?.copy === true;
    this.keepZData = options?.keepZData === true;
  }

  /** Starts reading another frame with this reader (one reader serves frame after frame). */
  reset(bytes: Uint8Array, options?: DecodeOptions): void {
    this.bytes = bytes;
    this.lossless = options?.lossless === true;
    this.strictZType = options?.strictZType === true;
    this.copy = options?.copy === true;
    this.keepZData = options?.keepZData === true;
    this.pos = 0;
    this.start = 0;
    this.depth = 0;
    this.length = 0;
  }

  /** Lets go of the frame (a reader kept for reuse must not keep the last frame alive). */
  release(): void {
    this.bytes = NO_BYTES;
  }

  /** Reads the header of the next item. Ext items are `UnsupportedExt`, 0xc1 is `InvalidValue` (spec §2.4). */
  next(): Kind {
    const at = (this.start = this.pos);
    const bytes = this.bytes;
    if (at >= bytes.length) return this.fail("Truncated", "the input ends where a value should start");
    const b = bytes[at]!;
    // The one-byte forms first: they are most of a typical frame.
    if (b < 0x80 || b >= 0xe0) {
      this.int = b < 0x80 ? b : b - 0x100;
      this.pos = at + 1;
      return "int";
    }
    if (b < 0xc0) {
      this.pos = at + 1;
      if (b >= 0xa0) return this.sized("str", b & 0x1f);
      return this.sized(b < 0x90 ? "map" : "array", b & 0x0f);
    }
    if (b === 0xcb && at + 9 <= bytes.length) {
      // float64, the form of every non-integral number a JS producer writes
      this.pos = at + 9;
      this.float = f64(bytes, at + 1);
      return "float64";
    }
    const size = headerSize(b);
    if (at + size > bytes.length) {
      return this.fail(
        "Truncated",
        `${formatName(b)} header needs ${size} bytes, ${bytes.length - at} remain`,
      );
    }
    this.pos = at + size;
    // One line per format, in the order of the spec's table (§2.3).
    // prettier-ignore
    switch (b) {
      case 0xc0: return "nil";
      case 0xc1: return this.fail("InvalidValue", "0xc1 is never used");
      case 0xc2: return this.boolean(false);
      case 0xc3: return this.boolean(true);
      case 0xc4: return this.sized("bin", bytes[at + 1]!);
      case 0xc5: return this.sized("bin", u16(bytes, at + 1));
      case 0xc6: return this.sized("bin", u32(bytes, at + 1));
      case 0xca: return this.floating("float32", f32(bytes, at + 1));
      case 0xcb: return this.floating("float64", f64(bytes, at + 1));
      case 0xcc: return this.integer(bytes[at + 1]!);
      case 0xcd: return this.integer(u16(bytes, at + 1));
      case 0xce: return this.integer(u32(bytes, at + 1));
      case 0xcf: return this.integer(this.int64(at + 1, false));
      case 0xd0: return this.integer(((bytes[at + 1]! << 24) >> 24));
      case 0xd1: return this.integer(((u16(bytes, at + 1) << 16) >> 16));
      case 0xd2: return this.integer(i32(bytes, at + 1));
      case 0xd3: return this.integer(this.int64(at + 1, true));
      case 0xd9: return this.sized("str", bytes[at + 1]!);
      case 0xda: return this.sized("str", u16(bytes, at + 1));
      case 0xdb: return this.sized("str", u32(bytes, at + 1));
      case 0xdc: return this.sized("array", u16(bytes, at + 1));
      case 0xdd: return this.sized("array", u32(bytes, at + 1));
      case 0xde: return this.sized("map", u16(bytes, at + 1));
      case 0xdf: return this.sized("map", u32(bytes, at + 1));
      default: // c7..c9, d4..d8: the ext type is the header's last byte; the payload is never read
        return this.fail("UnsupportedExt", `${formatName(b)} (ext type ${((bytes[at + size - 1]! << 24) >> 24)}): VMP has no ext types`);
    }
  }

  /** The payload of the str whose header `next` just read, decoded as strict UTF-8. */
  str(): string {
    const at = this.payload();
    return this.utf8(at, this.pos - at);
  }

  /** The payload of the bin whose header `next` just read: a view of the frame, or a copy when `copy`. */
  bin(copy: boolean): Uint8Array {
    const at = this.payload();
    return copy ? this.bytes.slice(at, this.pos) : this.bytes.subarray(at, this.pos);
  }

  /** Reads a map key: a str item (`NonStringKey` otherwise, spec §2.4). */
  key(): string {
    const at = (this.start = this.pos);
    const b = this.bytes[at];
    if (b !== undefined && b >= 0xa0 && b <= 0xbf) {
      // fixstr, the form of nearly every key: no trip through `next`.
      const n = (this.length = b & 0x1f);
      this.pos = at + 1;
      const p = this.payload();
      return this.cached(KEYS, p, n);
    }
    if (b !== undefined && ((b >= 0xa0 && b <= 0xbf) || (b >= 0xd9 && b <= 0xdb))) {
      this.next();
      return this.text(KEYS);
    }
    if (b === undefined) return this.fail("Truncated", "the input ends where a value should start");
    const size = headerSize(b);
    if (at + size > this.bytes.length) {
      return this.fail(
        "Truncated",
        `${formatName(b)} header needs ${size} bytes, ${this.bytes.length - at} remain`,
      );
    }
    return this.fail("NonStringKey", `map keys must be str, found ${formatName(b)}`);
  }

  /**
   * When the next item is the fixstr `key` (given as its UTF-8 bytes), moves past it and returns true; record
   * readers match the field they expect next this way, without building a string.
   */
  matchKey(key: Uint8Array): boolean {
    const bytes = this.bytes;
    const at = this.pos;
    const n = key.length;
    if (bytes[at] !== (0xa0 | n) || n > 31 || at + 1 + n > bytes.length) return false;
    for (let i = 0; i < n; i++) if (bytes[at + 1 + i] !== key[i]) return false;
    this.start = at;
    this.pos = at + 1 + n;
    return true;
  }

  /** Opens the array or map whose header `next` just read: `DepthExceeded` beyond 512 containers. */
  enter(): void {
    if (this.depth >= MAX_DEPTH) this.fail("DepthExceeded", `more than ${MAX_DEPTH} nested containers`);
  }

  /** The path of the item being read (a copy). */
  path(): (string | number)[] {
    return this.segments.slice(0, this.depth);
  }

  /** The raw bits of the float whose header `next` just read (32 or 64 of them). */
  floatBits(): bigint {
    return this.bytes[this.start] === 0xcb
      ? u64(this.bytes, this.start + 1)
      : BigInt(u32(this.bytes, this.start + 1));
  }

  /**
   * Skips the item whose header `next` just read (of kind `kind`), checking it exactly as reading it would: UTF-8,
   * map keys, duplicates, depth. Used to look ahead (a union's tag, a message's etype) without building values.
   */
  skip(kind: Kind): void {
    if (kind === "str") this.str();
    else if (kind === "bin") this.payload();
    else if (kind === "array") {
      const n = this.length;
      this.enter();
      const at = this.depth++;
      for (let i = 0; i < n; i++) {
        this.segments[at] = i;
        this.skip(this.next());
      }
      this.depth = at;
    } else if (kind === "map") {
      const n = this.length;
      this.enter();
      const at = this.depth;
      const keys = new Set<string>();
      for (let i = 0; i < n; i++) {
        this.depth = at;
        const key = this.key();
        if (keys.has(key)) this.duplicate(key);
        keys.add(key);
        this.segments[at] = key;
        this.depth = at + 1;
        this.skip(this.next());
      }
      this.depth = at;
    }
  }

  /** `DuplicateKey` for the key just read: at that key's offset, with the map's path (spec §8.2). */
  duplicate(key: string): never {
    return this.fail("DuplicateKey", `duplicate map key ${JSON.stringify(key)}`);
  }

  /** The frame must end after its one object (spec §2.1). */
  finish(): void {
    const left = this.bytes.length - this.pos;
    if (left > 0)
      this.fail("TrailingBytes", `${left} byte${left === 1 ? "" : "s"} after the value`, this.pos);
  }

  /** Throws a VmpError at `path`, located at the current item (or at `offset`). */
  fail(kind: ErrorKind, reason: string, offset = this.start): never {
    throw new VmpError(kind, reason, this.path(), offset);
  }

  /** The payload of the str just read: from `cache` when short and seen before, else decoded strictly. */
  private text(cache: StringCache): string {
    const at = this.payload();
    return this.cached(cache, at, this.pos - at);
  }

  /** The text of the `n` bytes at `at` (a payload already checked present): from `cache` when short. */
  private cached(cache: StringCache, at: number, n: number): string {
    const bytes = this.bytes;
    if (n === 0 || n > MAX_CACHED) return this.utf8(at, n);
    const slot = cache.slot(bytes, at, n);
    const known = cache.get(slot, bytes, at, n); // bytes in the cache were checked when they were decoded
    if (known !== undefined) return known;
    const s = this.utf8(at, n);
    cache.set(slot, bytes, at, n, s);
    return s;
  }

  /** Strict UTF-8 of `n` bytes at `at`. */
  private utf8(at: number, n: number): string {
    // Most short strings are ASCII: built by hand they need neither a decoder call nor UTF-8 checks.
    if (n <= SHORT_ASCII) {
      const s = ascii(this.bytes, at, at + n);
      if (s !== undefined) return s;
    }
    try {
      return textDecoder.decode(this.bytes.subarray(at, at + n));
    } catch {
      return this.fail(
        "InvalidUtf8",
        `${formatName(this.bytes[this.start]!)} of ${n} bytes is not valid UTF-8`,
      );
    }
  }

  private sized<K extends Kind>(kind: K, length: number): K {
    this.length = length;
    return kind;
  }

  private integer(v: number | bigint): "int" {
    this.int = v;
    return "int";
  }

  private floating<K extends "float32" | "float64">(kind: K, v: number): K {
    this.float = v;
    return kind;
  }

  private boolean(v: boolean): "bool" {
    this.bool = v;
    return "bool";
  }

  /** Moves past the str/bin payload whose header `next` just read and returns where it starts. */
  private payload(): number {
    const at = this.pos;
    const left = this.bytes.length - at;
    if (this.length > left) {
      this.fail(
        "Truncated",
        `${formatName(this.bytes[this.start]!)} declares ${this.length} bytes, ${left} remain`,
      );
    }
    this.pos = at + this.length;
    return at;
  }

  /** A 64-bit big-endian integer: a number when safe, a bigint beyond. */
  private int64(at: number, signed: boolean): number | bigint {
    const bytes = this.bytes;
    const hi = signed ? i32(bytes, at) : u32(bytes, at);
    const n = hi * TWO_32 + u32(bytes, at + 4);
    // Exact whenever the true value is safe; a rounded result is never safe (rounding is monotonic around 2^53).
    if (Number.isSafeInteger(n)) return n;
    const bits = u64(bytes, at);
    return signed ? BigInt.asIntN(64, bits) : bits;
  }
}

/**
 * The string value of `key` in the map whose header was just read (looked up ahead, wherever it is), or undefined;
 * the reader is left before the map's entries, as it was.
 */
export function peekString(r: Reader, key: string): string | undefined {
  const n = r.length;
  const body = r.pos;
  const at = r.depth;
  r.enter();
  let found: string | undefined;
  for (let i = 0; i < n; i++) {
    r.depth = at;
    const k = r.key();
    r.segments[at] = k;
    r.depth = at + 1;
    const kind = r.next();
    if (k === key && kind === "str") found = r.str();
    else r.skip(kind);
  }
  r.depth = at;
  r.pos = body;
  r.length = n;
  return found;
}
