/**
 * The reference MessagePack decoder: bytes → Value, strict per the VMP canonical profile (SPEC §2, §3.11, §8).
 *
 * It accepts every valid encoding of a value (any integer width, map16 for one entry, float32, any key order)
 * and rejects everything else with a typed `VmpError` that carries the path and the byte offset of the item that
 * failed. Errors are reported in stream order: the first item that cannot be read is the one named.
 *
 * Two rules keep hostile input harmless:
 * - the decoder is iterative (an explicit stack of open containers), so nesting is bounded by `maxDepth`, never
 *   by the JS call stack;
 * - a declared length is checked against the bytes actually present before anything is sliced, and containers
 *   grow item by item, so a header claiming 4 GB allocates nothing.
 *
 * The format table and `readHeader` are exported for `inspect`, which tokenizes the same way but tolerantly.
 */
import { VmpError, type ErrorKind, type Path } from "../../../core/src/errors.js";
import { array, bin, bool, f32Bits, f64Bits, int, map, nil, str, type Value } from "../value/model.js";

/** At most this many nested containers (SPEC §2.5); the next one is `DepthExceeded`. */
export const MAX_DEPTH = 512;

/** The MessagePack value families; `reserved` is 0xc1, the one byte the spec never uses. */
export type Family = "nil" | "bool" | "int" | "float" | "str" | "bin" | "array" | "map" | "ext" | "reserved";

/** One row of the spec's format table. */
export interface Format {
  /** The spec's name: `positive fixint`, `fixmap`, `uint16`, `str8`, … */
  readonly name: string;
  readonly family: Family;
  /** Header bytes including the format byte: for nil/bool/int/float that is the whole item. */
  readonly size: number;
  /** For fix forms: the value (fixint), length (fixstr/fixarray/fixmap) or payload size (fixext) in the byte. */
  readonly fixed?: number;
}

/** The formats with a single byte each: [byte, name, family, bytes after the format byte, fixed length]. */
const SINGLE_BYTE_FORMATS: readonly (readonly [number, string, Family, number, number?])[] = [
  [0xc0, "nil", "nil", 0],
  [0xc1, "never used", "reserved", 0],
  [0xc2, "false", "bool", 0],
  [0xc3, "true", "bool", 0],
  [0xc4, "bin8", "bin", 1],
  [0xc5, "bin16", "bin", 2],
  [0xc6, "bin32", "bin", 4],
  // ext headers end with the one-byte ext type, after the length field (if any).
  [0xc7, "ext8", "ext", 1 + 1],
  [0xc8, "ext16", "ext", 2 + 1],
  [0xc9, "ext32", "ext", 4 + 1],
  [0xca, "float32", "float", 4],
  [0xcb, "float64", "float", 8],
  [0xcc, "uint8", "int", 1],
  [0xcd, "uint16", "int", 2],
  [0xce, "uint32", "int", 4],
  [0xcf, "uint64", "int", 8],
  [0xd0, "int8", "int", 1],
  [0xd1, "int16", "int", 2],
  [0xd2, "int32", "int", 4],
  [0xd3, "int64", "int", 8],
  [0xd4, "fixext1", "ext", 1, 1],
  [0xd5, "fixext2", "ext", 1, 2],
  [0xd6, "fixext4", "ext", 1, 4],
  [0xd7, "fixext8", "ext", 1, 8],
  [0xd8, "fixext16", "ext", 1, 16],
  [0xd9, "str8", "str", 1],
  [0xda, "str16", "str", 2],
  [0xdb, "str32", "str", 4],
  [0xdc, "array16", "array", 2],
  [0xdd, "array32", "array", 4],
  [0xde, "map16", "map", 2],
  [0xdf, "map32", "map", 4],
];

/** The full table, indexed by format byte. */
const FORMATS: readonly Format[] = (() => {
  const table: Format[] = [];
  const fix = (from: number, to: number, name: string, family: Family, fixed: (b: number) => number) => {
    for (let b = from; b <= to; b++) table[b] = { name, family, size: 1, fixed: fixed(b) };
  };
  fix(0x00, 0x7f, "positive fixint", "int", (b) => b);
  fix(0x80, 0x8f, "fixmap", "map", (b) => b & 0x0f);
  fix(0x90, 0x9f, "fixarray", "array", (b) => b & 0x0f);
  fix(0xa0, 0xbf, "fixstr", "str", (b) => b & 0x1f);
  fix(0xe0, 0xff, "negative fixint", "int", (b) => b - 0x100);
  for (const [b, name, family, after, fixed] of SINGLE_BYTE_FORMATS) {
    table[b] = fixed === undefined ? { name, family, size: 1 + after } : { name, family, size: 1 + after, fixed };
  }
  return table;
})();

/** The spec's format for a first byte. */
export function formatOf(byte: number): Format {
  return FORMATS[byte & 0xff]!;
}

/** A parsed header: the format plus the value (scalars) or the length that follows (str/bin/ext/array/map). */
export type Header = { readonly format: Format } & (
  | { readonly family: "nil" | "reserved" }
  | { readonly family: "bool"; readonly value: boolean }
  | { readonly family: "int"; readonly value: bigint }
  | { readonly family: "float"; readonly width: 32 | 64; readonly bits: bigint }
  | { readonly family: "str" | "bin" | "array" | "map"; readonly length: number }
  | { readonly family: "ext"; readonly length: number; readonly extType: number }
);

/**
 * Parses the header at `offset`. Precondition: all `formatOf(byte).size` header bytes are present (callers check
 * first so that they can report `Truncated` with their own path).
 */
export function readHeader(view: DataView, offset: number): Header {
  const format = formatOf(view.getUint8(offset));
  const at = offset + 1;
  const after = format.size - 1;
  switch (format.family) {
    case "nil":
    case "reserved":
      return { format, family: format.family };
    case "bool":
      return { format, family: "bool", value: format.name === "true" };
    case "int":
      // int8..int64 are the only signed sized forms; fixints carry their value in the byte.
      if (format.fixed !== undefined) return { format, family: "int", value: BigInt(format.fixed) };
      return { format, family: "int", value: readInteger(view, at, after, format.name.startsWith("int")) };
    case "float":
      // The raw bits, never through a JS number, so that NaN payloads survive.
      return after === 4
        ? { format, family: "float", width: 32, bits: BigInt(view.getUint32(at)) }
        : { format, family: "float", width: 64, bits: view.getBigUint64(at) };
    case "str":
    case "bin":
    case "array":
    case "map":
      return { format, family: format.family, length: format.fixed ?? readLength(view, at, after) };
    case "ext":
      return {
        format,
        family: "ext",
        length: format.fixed ?? readLength(view, at, after - 1),
        extType: view.getInt8(at + after - 1),
      };
  }
}

/** A big-endian unsigned length field of 1, 2 or 4 bytes. */
function readLength(view: DataView, at: number, bytes: number): number {
  return bytes === 1 ? view.getUint8(at) : bytes === 2 ? view.getUint16(at) : view.getUint32(at);
}

/** A big-endian integer of 1, 2, 4 or 8 bytes. */
function readInteger(view: DataView, at: number, bytes: number, signed: boolean): bigint {
  switch (bytes) {
    case 1:
      return BigInt(signed ? view.getInt8(at) : view.getUint8(at));
    case 2:
      return BigInt(signed ? view.getInt16(at) : view.getUint16(at));
    case 4:
      return BigInt(signed ? view.getInt32(at) : view.getUint32(at));
    default:
      return signed ? view.getBigInt64(at) : view.getBigUint64(at);
  }
}

/** Strict UTF-8: `fatal` rejects invalid sequences; `ignoreBOM` keeps a leading U+FEFF (the default strips it). */
export const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export interface DecodeOptions {
  /** Nested containers allowed (default 512, SPEC §2.5). */
  readonly maxDepth?: number;
}

/** Decodes exactly one MessagePack object; anything else is a `VmpError` (see the module comment). */
export function decode(bytes: Uint8Array, options: DecodeOptions = {}): Value {
  const maxDepth = options.maxDepth ?? MAX_DEPTH;
  if (!Number.isInteger(maxDepth) || maxDepth < 0) throw new RangeError(`maxDepth must be a non-negative integer`);
  return new Decoder(bytes, maxDepth).run();
}

/** An open array: the items so far, out of `length`. */
interface ArrayFrame {
  readonly kind: "array";
  readonly length: number;
  readonly items: Value[];
}
/** An open map: the entries so far, the keys seen (a Set, so hostile maps stay linear) and the pending key. */
interface MapFrame {
  readonly kind: "map";
  readonly length: number;
  readonly entries: [string, Value][];
  readonly keys: Set<string>;
  key: string | undefined;
}
type Frame = ArrayFrame | MapFrame;

class Decoder {
  private readonly view: DataView;
  private readonly stack: Frame[] = [];
  private pos = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly maxDepth: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  run(): Value {
    for (;;) {
      const top = this.stack.at(-1);
      if (top?.kind === "map" && top.key === undefined) {
        top.key = this.readKey(top);
        continue;
      }
      let value = this.readItem();
      if (value === undefined) continue; // a non-empty container was opened
      // Hand the value to its container, closing every container it completes.
      for (;;) {
        const frame = this.stack.at(-1);
        if (frame === undefined) return this.finish(value);
        if (frame.kind === "array") frame.items.push(value);
        else {
          frame.entries.push([frame.key!, value]);
          frame.key = undefined;
        }
        if ((frame.kind === "array" ? frame.items : frame.entries).length < frame.length) break;
        this.stack.pop();
        value = frame.kind === "array" ? array(frame.items) : map(frame.entries);
      }
    }
  }

  /** Reads one item; returns undefined when it opened a non-empty container (its items come next). */
  private readItem(): Value | undefined {
    const start = this.pos;
    const h = this.header(start);
    switch (h.family) {
      case "nil":
        return nil;
      case "bool":
        return bool(h.value);
      case "int":
        return h.format.fixed !== undefined ? int(h.format.fixed) : int(h.value);
      case "float":
        return h.width === 64 ? f64Bits(h.bits) : f32Bits(h.bits);
      case "str":
        return str(this.text(h.length, start, h.format));
      case "bin":
        return bin(this.payload(h.length, start, h.format).slice());
      case "array":
      case "map":
        return this.open(h.family, h.length, start);
      case "ext":
        return this.fail("UnsupportedExt", `${h.format.name} (ext type ${h.extType}): VMP has no ext types`, start);
      case "reserved":
        return this.fail("InvalidValue", "0xc1 is never used", start);
    }
  }

  /** Reads a map key: a str that the map has not seen yet. */
  private readKey(frame: MapFrame): string {
    const start = this.pos;
    const h = this.header(start);
    if (h.family !== "str") return this.fail("NonStringKey", `map keys must be str, found ${h.format.name}`, start);
    const key = this.text(h.length, start, h.format);
    if (frame.keys.has(key)) return this.fail("DuplicateKey", `duplicate map key ${JSON.stringify(key)}`, start);
    frame.keys.add(key);
    return key;
  }

  /** Checks that the whole header at `start` is present, parses it and moves past it. */
  private header(start: number): Header {
    if (start >= this.bytes.length) return this.fail("Truncated", "the input ends where a value should start", start);
    const format = formatOf(this.bytes[start]!);
    if (start + format.size > this.bytes.length) {
      const left = this.bytes.length - start;
      return this.fail("Truncated", `${format.name} header needs ${format.size} bytes, ${left} remain`, start);
    }
    this.pos = start + format.size;
    return readHeader(this.view, start);
  }

  /** The `length` payload bytes after a header, as a view; checked against the input before slicing. */
  private payload(length: number, start: number, format: Format): Uint8Array {
    const left = this.bytes.length - this.pos;
    if (length > left) return this.fail("Truncated", `${format.name} declares ${length} bytes, ${left} remain`, start);
    this.pos += length;
    return this.bytes.subarray(this.pos - length, this.pos);
  }

  /** A str payload decoded as strict UTF-8. */
  private text(length: number, start: number, format: Format): string {
    const bytes = this.payload(length, start, format);
    try {
      return utf8Decoder.decode(bytes);
    } catch {
      return this.fail("InvalidUtf8", `${format.name} of ${length} bytes is not valid UTF-8`, start);
    }
  }

  /** Opens a container (after the depth check); empty ones are complete at once. */
  private open(kind: "array" | "map", length: number, start: number): Value | undefined {
    if (this.stack.length >= this.maxDepth) {
      return this.fail("DepthExceeded", `more than ${this.maxDepth} nested containers`, start);
    }
    if (length === 0) return kind === "array" ? array([]) : map([]);
    // Items are pushed as they arrive: the declared length is never used to allocate.
    this.stack.push(
      kind === "array" ? { kind, length, items: [] } : { kind, length, entries: [], keys: new Set(), key: undefined },
    );
    return undefined;
  }

  /** The root value is complete: nothing may follow it. */
  private finish(value: Value): Value {
    const left = this.bytes.length - this.pos;
    if (left > 0) this.fail("TrailingBytes", `${left} byte${left === 1 ? "" : "s"} after the value`, this.pos);
    return value;
  }

  /** Where the decoder is: array indices and map keys of the open containers (a key being read names its map). */
  private path(): Path {
    const path: (string | number)[] = [];
    for (const frame of this.stack) {
      if (frame.kind === "array") path.push(frame.items.length);
      else if (frame.key !== undefined) path.push(frame.key);
    }
    return path;
  }

  private fail(kind: ErrorKind, reason: string, offset: number): never {
    throw new VmpError(kind, reason, this.path(), offset);
  }
}
