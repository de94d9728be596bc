/**
 * ZData (spec §7): arrays and tensors (`NDArray`, ndarray.ts), encoded images (`ZImage`), safetensors files
 * (`Safetensors`, safetensors.ts), ztypes nobody here knows (`OpaqueZData`, re-encoded entry for entry) and the
 * registry of custom types (registry.ts). This module gathers them.
 *
 * `readKnownZData` turns the entries of a ZData map into these classes with the checks and error locations of
 * the reference (reference/src/schema/zdata.ts): closed field sets, dtype vocabulary, shapes computed exactly before
 * anything is allocated, `len(b) == prod(shape) * itemsize`, bool bytes, safetensors headers checked before
 * slicing. Array payloads become typed-array views of the frame when their offset is aligned (zero-copy), copies
 * otherwise; big-endian payloads are swapped into a new buffer.
 */
import { VmpError } from "./errors.js";
import { DTYPE_INFO, parseDtype, typedView, type Dtype, type DtypeArrays } from "./dtype.js";
import { NDArray, isIndex, shapeProduct, type ArrayZType } from "./ndarray.js";
import { Safetensors } from "./safetensors.js";
import type { Reader } from "./reader.js";
import { ascii, u16, u32 } from "./bytes.js";
import { MAX_DEPTH } from "./wire.js";

export { bfloat16ToNumber, float16ToNumber, numberToBfloat16, numberToFloat16 } from "./dtype.js";
export type { Dtype, DtypeArrays, TypedArray } from "./dtype.js";
export { NDArray, type ArrayZType } from "./ndarray.js";
export { Safetensors } from "./safetensors.js";
export {
  registerType,
  registeredType,
  registrationFor,
  type Registration,
  type ZTypeCodec,
} from "./registry.js";

export type ImageFormat = "png" | "jpeg" | "webp" | "unknown";

/** The typed-array forms vrpc-ts writes (decode only, spec §7.6) and the dtype each one means. */
// prettier-ignore
const COMPAT_ARRAYS: Readonly<Record<string, Dtype>> = {
  Int8Array: "int8", Uint8Array: "uint8", Int16Array: "int16", Uint16Array: "uint16", Int32Array: "int32",
  Uint32Array: "uint32", Float32Array: "float32", Float64Array: "float64",
};

/** The fields of each known ztype, in canonical order: known ZData is closed (spec §7.2). */
const FIELDS: Readonly<Record<string, readonly string[]>> = {
  "numpy.ndarray": ["ztype", "b", "dtype", "shape"],
  "torch.Tensor": ["ztype", "b", "dtype", "shape"],
  image: ["ztype", "b", "format"],
  "safetensor.dict": ["ztype", "b"],
  ...Object.fromEntries(Object.keys(COMPAT_ARRAYS).map((z) => [z, ["ztype", "b", "length"]])),
};

const KNOWN = new Set(Object.keys(FIELDS));

/** True for the ztypes this module decodes itself (the four of spec §7.2 and the vrpc-ts typed arrays). */
export function isKnownZType(ztype: string): boolean {
  return KNOWN.has(ztype);
}

/** An encoded image file (spec §7.4). `bytes` is kept as received, so relaying never re-encodes pixels. */
export class ZImage {
  readonly bytes: Uint8Array;
  /** Sniffed from the magic bytes; when they say nothing, the `format` entry if it names a format. */
  readonly format: ImageFormat;
  /** The `format` entry as received (vrpc-rs writes one), kept so that a relay re-encodes it; new images have none. */
  readonly formatEntry: string | undefined;

  constructor(bytes: Uint8Array, formatEntry?: string) {
    const sniffed = sniffImage(bytes);
    this.bytes = bytes;
    this.formatEntry = formatEntry;
    this.format =
      sniffed === "unknown" && (formatEntry === "png" || formatEntry === "jpeg" || formatEntry === "webp")
        ? formatEntry
        : sniffed;
  }
}

/** The format named by an image file's first bytes: PNG, JPEG, WebP, else `unknown` (not an error). */
export function sniffImage(b: Uint8Array): ImageFormat {
  const at = (i: number, ...xs: number[]) => xs.every((x, j) => b[i + j] === x);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "png";
  if (at(0, 0xff, 0xd8, 0xff)) return "jpeg";
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return "webp";
  return "unknown";
}

/** A ZData of a ztype that is neither known nor registered (spec §7.7): its entries, as received and in order. */
export class OpaqueZData {
  /** Every entry, `ztype` included, as lossless free-form values. */
  readonly entries: ReadonlyMap<string, unknown>;

  constructor(entries: ReadonlyMap<string, unknown>) {
    if (typeof entries.get("ztype") !== "string")
      throw new VmpError("MissingField", "ZData needs a string ztype", ["ztype"]);
    this.entries = entries;
  }

  get ztype(): string {
    return this.entries.get("ztype") as string;
  }
}

/**
 * The class value of a known ZData map (`entries` in wire order, values as decoded losslessly, so that an
 * integral float in `shape` is still a float), or undefined when the ztype is not a known one. Error paths are
 * relative to the map (callers add its path with `VmpError.under`).
 */
export function readKnownZData(
  ztype: string,
  entries: ReadonlyMap<string, unknown>,
): NDArray | ZImage | Safetensors | undefined {
  if (!isKnownZType(ztype)) return undefined;
  const fields = FIELDS[ztype]!;
  for (const key of entries.keys()) {
    if (!fields.includes(key))
      throw new VmpError("InvalidValue", `${ztype} has no field "${key}" (fields: ${fields.join(", ")})`, [
        key,
      ]);
  }
  if (ztype === "image") {
    const b = bytesField(entries, "the encoded image file");
    const format = entries.get("format");
    if (format !== undefined && typeof format !== "string")
      throw new VmpError("WrongType", "format must be a string", ["format"]);
    return new ZImage(b, format);
  }
  if (ztype === "safetensor.dict") {
    const b = bytesField(entries, "a safetensors file");
    try {
      return new Safetensors(b);
    } catch (e) {
      throw e instanceof VmpError ? e.under(["b"]) : e;
    }
  }
  const b = bytesField(entries, "the element bytes as bin");
  const compat = COMPAT_ARRAYS[ztype];
  if (compat !== undefined) {
    const length = entries.get("length");
    if (length === undefined)
      throw new VmpError("MissingField", `${ztype} needs "length" (the element count)`, ["length"]);
    if (!isIndex(length))
      throw new VmpError("InvalidShape", "length must be a non-negative integer", ["length"]);
    return new NDArray(compat, [length], elements(b, compat, false, length));
  }
  const dtypeText = entries.get("dtype");
  if (dtypeText === undefined)
    throw new VmpError("MissingField", 'ZData needs "dtype" (a dtype name)', ["dtype"]);
  if (typeof dtypeText !== "string")
    throw new VmpError("WrongType", '"dtype" must be a dtype name', ["dtype"]);
  const parsed = parseDtype(dtypeText);
  if (parsed === undefined) {
    throw new VmpError(
      "UnsupportedDtype",
      `"${dtypeText}" is not in the dtype vocabulary (bool, int8…uint64, float16, bfloat16, float32, float64, complex64, complex128)`,
      ["dtype"],
    );
  }
  const shape = entries.get("shape");
  if (shape === undefined)
    throw new VmpError("MissingField", 'ZData needs "shape" (an array of dims, [] for 0-d)', ["shape"]);
  if (!Array.isArray(shape))
    throw new VmpError("WrongType", "shape must be an array of non-negative integers", ["shape"]);
  const count = shapeProduct(shape, ["shape"]);
  const data = elements(b, parsed.dtype, parsed.bigEndian, count);
  return new NDArray(parsed.dtype, shape as (number | bigint)[], data, ztype as ArrayZType);
}

function bytesField(entries: ReadonlyMap<string, unknown>, what: string): Uint8Array {
  const b = entries.get("b");
  if (b === undefined) throw new VmpError("MissingField", `ZData needs "b" (${what})`, ["b"]);
  if (!(b instanceof Uint8Array)) throw new VmpError("WrongType", `"b" must be ${what} (bin)`, ["b"]);
  return b;
}

/** Checks that `b` holds `count` elements of `dtype` (and only 0/1 bytes for bool), then views them. */
function elements<D extends Dtype>(
  b: Uint8Array,
  dtype: D,
  bigEndian: boolean,
  count: number | bigint,
): DtypeArrays[D] {
  // Item sizes are powers of two: the product is exact in a number too (a huge count then differs from any length).
  const expected = Number(count) * DTYPE_INFO[dtype].itemsize;
  if (b.length !== expected)
    throw new VmpError(
      "ShapeMismatch",
      `b holds ${b.length} bytes; shape × itemsize of ${dtype} needs ${expected}`,
      ["b"],
    );
  if (dtype === "bool") {
    const i = b.findIndex((x) => x > 1);
    if (i >= 0)
      throw new VmpError(
        "InvalidValue",
        `bool element ${i} is 0x${b[i]!.toString(16)}; only 00 and 01 are booleans`,
        ["b"],
      );
  }
  return typedView(b, dtype, bigEndian);
}

/** The UTF-8 of the strings of a canonical array map (its keys, the array ztypes): compared, never decoded. */
const utf8 = new TextEncoder();
const ZTYPE = utf8.encode("ztype");
const NUMPY = utf8.encode("numpy.ndarray");
const TORCH = utf8.encode("torch.Tensor");
const B = utf8.encode("b");
const DTYPE = utf8.encode("dtype");
const SHAPE = utf8.encode("shape");

/** Whether the map entries at `r.pos` start with a `ztype` entry holding a str, as canonical ZData does. */
export function startsWithZType(r: Reader): boolean {
  const b = r.bytes;
  const p = r.pos + 1 + ZTYPE.length;
  if (p >= b.length || b[r.pos] !== (0xa0 | ZTYPE.length)) return false;
  for (let i = 0; i < ZTYPE.length; i++) if (b[r.pos + 1 + i] !== ZTYPE[i]) return false;
  const h = b[p]!;
  return (h >= 0xa0 && h <= 0xbf) || (h >= 0xd9 && h <= 0xdb);
}

/**
 * An array whose `n` entries start at `r.pos` in their canonical form (spec §7.2: ztype, b, dtype, shape, with a
 * dtype of the vocabulary and dims that are positive fixints) and are valid: read straight into an NDArray,
 * without the map of entries `readKnownZData` checks. Undefined, with `r.pos` moved, for anything else (which the
 * general path then reads and reports); nothing here throws.
 */
export function readCanonicalArray(r: Reader, n: number): NDArray | undefined {
  if (n !== 4 || r.depth + 1 >= MAX_DEPTH || !r.matchKey(ZTYPE)) return undefined;
  const ztype = r.matchKey(NUMPY) ? "numpy.ndarray" : r.matchKey(TORCH) ? "torch.Tensor" : undefined;
  if (ztype === undefined || !r.matchKey(B)) return undefined;
  const bytes = r.bytes;
  const end = bytes.length;
  let p = r.pos;
  const h = bytes[p];
  const header = h === 0xc4 ? 2 : h === 0xc5 ? 3 : h === 0xc6 ? 5 : 0;
  if (header === 0 || p + header > end) return undefined;
  const length = header === 2 ? bytes[p + 1]! : header === 3 ? u16(bytes, p + 1) : u32(bytes, p + 1);
  p += header;
  if (length > end - p) return undefined;
  const b = r.copy ? bytes.slice(p, p + length) : bytes.subarray(p, p + length);
  r.pos = p + length;
  if (!r.matchKey(DTYPE)) return undefined;
  p = r.pos;
  const size = (bytes[p] ?? 0) ^ 0xa0; // a fixstr of fewer than 16 bytes: every dtype name
  if (size >= 0x10 || p + 1 + size > end) return undefined;
  const dtype = dtypeAt(bytes, p + 1, size);
  if (dtype === undefined || dtype.name === "bool") return undefined; // bool bytes are checked one by one there
  r.pos = p + 1 + size;
  if (!r.matchKey(SHAPE)) return undefined;
  p = r.pos;
  const dims = (bytes[p] ?? 0) ^ 0x90; // a fixarray of positive fixints
  if (dims >= 0x10 || p + 1 + dims > end) return undefined;
  const shape: number[] = [];
  let count = 1;
  for (let i = 1; i <= dims; i++) {
    const d = bytes[p + i]!;
    if (d >= 0x80) return undefined;
    shape.push(d);
    count *= d;
  }
  if (b.length !== count * dtype.itemsize) return undefined;
  r.pos = p + 1 + dims;
  return new NDArray(dtype.name, shape, typedView(b, dtype.name, dtype.bigEndian), ztype);
}

/** The dtype named by the last dtype text read (frames of arrays name a few dtypes again and again), its bytes. */
let lastDtype: { readonly name: Dtype; readonly bigEndian: boolean; readonly itemsize: number } | undefined;
const lastDtypeText = new Uint8Array(16);
let lastDtypeSize = -1;

/** The dtype named by the `size` ASCII bytes at `at`, or undefined. */
function dtypeAt(bytes: Uint8Array, at: number, size: number): typeof lastDtype {
  let same = size === lastDtypeSize;
  for (let i = 0; same && i < size; i++) same = bytes[at + i] === lastDtypeText[i];
  if (same) return lastDtype;
  const text = ascii(bytes, at, at + size);
  const parsed = text === undefined ? undefined : parseDtype(text);
  if (parsed === undefined) return undefined;
  const { name, itemsize } = DTYPE_INFO[parsed.dtype]; // `name`, a literal, is a faster key than a decoded string
  lastDtype = { name, bigEndian: parsed.bigEndian, itemsize };
  lastDtypeText.set(bytes.subarray(at, at + size));
  lastDtypeSize = size;
  return lastDtype;
}
