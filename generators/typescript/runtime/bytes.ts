/**
 * Byte-level helpers of the reader: big-endian numbers read without a DataView (a reader serves many frames, and
 * a DataView per frame costs more than decoding a small one), ASCII text, and the cache of short strings.
 */
/** Strings up to this many bytes are tried as ASCII by hand: below it, that beats a TextDecoder call. */
export const SHORT_ASCII = 16;
const fromCharCode = String.fromCharCode;

/**
 * The ASCII text of `bytes[at, end)` (at most SHORT_ASCII bytes), or undefined when a byte is not ASCII. One
 * `fromCharCode` call for up to 8 bytes, two beyond: no intermediate strings for the common short ones.
 */
export function ascii(bytes: Uint8Array, at: number, end: number): string | undefined {
  const n = end - at;
  if (n > 8) {
    const head = ascii(bytes, at, at + 8);
    const tail = head === undefined ? undefined : ascii(bytes, at + 8, end);
    return tail === undefined ? undefined : head + tail;
  }
  let high = 0;
  for (let i = at; i < end; i++) high |= bytes[i]!;
  if (high >= 0x80) return undefined;
  // prettier-ignore
  switch (n) {
    case 1: return fromCharCode(bytes[at]!);
    case 2: return fromCharCode(bytes[at]!, bytes[at + 1]!);
    case 3: return fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!);
    case 4: return fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
    case 5: return fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!, bytes[at + 4]!);
    case 6: return fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!, bytes[at + 4]!, bytes[at + 5]!);
    case 7: return fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!, bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!);
    case 8: return fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!, bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    default: return ""; // n = 0
  }
}

/**
 * Map keys repeat from frame to frame ("tag", "position", …): a small cache of recent ones by their bytes saves
 * building the same string again and hands V8 the same flat string, which it hashes once as a property name.
 * Values are not cached: many are unique (component keys, ids), and a cache they keep evicting costs more than
 * it saves (bench W2).
 */
const CACHE_SIZE = 1024;
export const MAX_CACHED = 24;

export class StringCache {
  /** The bytes of each slot's string, at `slot * MAX_CACHED` (one array: a miss allocates nothing). */
  private readonly pool = new Uint8Array(CACHE_SIZE * MAX_CACHED);
  /** Each slot's byte length; 0 marks an empty slot (the empty string is never cached). */
  private readonly lengths = new Uint8Array(CACHE_SIZE);
  private readonly strings: string[] = new Array<string>(CACHE_SIZE).fill("");

  /** The slot of `bytes[at, at + n)`: a hash of the length and three bytes (the slot is then compared in full). */
  slot(bytes: Uint8Array, at: number, n: number): number {
    return (
      ((n << 5) ^ (bytes[at]! << 2) ^ (bytes[at + (n >> 1)]! << 4) ^ bytes[at + n - 1]!) & (CACHE_SIZE - 1)
    );
  }

  get(slot: number, bytes: Uint8Array, at: number, n: number): string | undefined {
    if (this.lengths[slot] !== n) return undefined;
    const pool = this.pool;
    const base = slot * MAX_CACHED;
    for (let i = 0; i < n; i++) if (pool[base + i] !== bytes[at + i]) return undefined;
    return this.strings[slot];
  }

  set(slot: number, bytes: Uint8Array, at: number, n: number, s: string): void {
    const pool = this.pool;
    const base = slot * MAX_CACHED;
    for (let i = 0; i < n; i++) pool[base + i] = bytes[at + i]!;
    this.lengths[slot] = n;
    this.strings[slot] = s;
  }
}

export const KEYS = new StringCache();


/** Scratch space for floats: the bytes go in in machine order, the float comes out (no DataView per frame). */
const scratch = new ArrayBuffer(8);
const scratchBytes = new Uint8Array(scratch);
const scratch64 = new Float64Array(scratch);
const scratch32 = new Float32Array(scratch);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function u16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

export function u32(b: Uint8Array, at: number): number {
  return b[at]! * 0x1000000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
}

export function i32(b: Uint8Array, at: number): number {
  return (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
}

export function f64(b: Uint8Array, at: number): number {
  const s = scratchBytes;
  if (LITTLE_ENDIAN) {
    s[7] = b[at]!;
    s[6] = b[at + 1]!;
    s[5] = b[at + 2]!;
    s[4] = b[at + 3]!;
    s[3] = b[at + 4]!;
    s[2] = b[at + 5]!;
    s[1] = b[at + 6]!;
    s[0] = b[at + 7]!;
  } else for (let i = 0; i < 8; i++) s[i] = b[at + i]!;
  return scratch64[0]!;
}

export function f32(b: Uint8Array, at: number): number {
  const s = scratchBytes;
  if (LITTLE_ENDIAN) {
    s[3] = b[at]!;
    s[2] = b[at + 1]!;
    s[1] = b[at + 2]!;
    s[0] = b[at + 3]!;
  } else for (let i = 0; i < 4; i++) s[i] = b[at + i]!;
  return scratch32[0]!;
}

/** The 64 bits at `at`, unsigned. */
export function u64(b: Uint8Array, at: number): bigint {
  return (BigInt(u32(b, at)) << 32n) | BigInt(u32(b, at + 4));
}

/** The frame a released Reader holds (so that it keeps no frame alive). */
export const NO_BYTES = new Uint8Array(0);

