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
