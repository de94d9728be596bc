/**
 * ZData semantics (spec §7): what a JSON Schema cannot say about a typed binary payload. Dtype normalisation,
 * shape arithmetic in 64 bits, `len(b) == prod(shape) * itemsize`, image magic numbers, safetensors headers
 * checked before any slicing, and the vrpc-ts typed-array forms read as 1-D arrays.
 */
import { VmpError, type Path } from "../../../core/src/errors.js";
import { baseTables } from "../../../core/src/ir/tables.js";
import { parseJsonForm } from "../value/json-form.js";
import { array, bin, get, int, map, str, UINT64_MAX, type MapValue, type Value } from "../value/model.js";

const DTYPES = baseTables().dtypes;

/** Item size in bytes of every canonical dtype (the spec's `x-vmp-dtypes`). */
// Maps, not object literals: a dtype or ztype named like a prototype property ("toString") must not match.
export const DTYPE_SIZES: ReadonlyMap<string, number> = new Map(DTYPES.map((d) => [d.name, d.itemSize]));

/** numpy's explicit type codes (the part after the byte-order character) and their canonical names. */
const NUMPY_CODES: ReadonlyMap<string, string> = new Map(DTYPES.filter((d) => d.numpy).map((d) => [d.numpy!, d.name]));

/** The typed-array ztypes vrpc-ts writes (decode-only) and the dtype each one means. */
export const COMPAT_TYPED_ARRAYS: ReadonlyMap<string, string> = new Map([
  ["Int8Array", "int8"], ["Uint8Array", "uint8"], ["Int16Array", "int16"], ["Uint16Array", "uint16"], ["Int32Array", "int32"],
  ["Uint32Array", "uint32"], ["Float32Array", "float32"], ["Float64Array", "float64"],
]);

/** safetensors dtypes with a counterpart in the VMP vocabulary, and their item sizes (others: UnsupportedDtype). */
const SAFETENSORS_DTYPES: ReadonlyMap<string, number> = new Map(DTYPES.filter((d) => d.safetensors).map((d) => [d.safetensors!, d.itemSize]));

/** More dimensions than any producer uses (numpy's own limit is 64); beyond it the shape is InvalidShape. */
export const MAX_DIMS = 64;

export const ARRAY_ZTYPES = ["numpy.ndarray", "torch.Tensor"] as const;
export const KNOWN_ZTYPES = [...ARRAY_ZTYPES, "image", "safetensor.dict"] as const;

/** The fields of each known ztype: known ZData is closed (spec §7.2). */
const FIELDS: ReadonlyMap<string, readonly string[]> = new Map([
  ["numpy.ndarray", ["ztype", "b", "dtype", "shape"]],
  ["torch.Tensor", ["ztype", "b", "dtype", "shape"]],
  ["image", ["ztype", "b", "format"]],
  ["safetensor.dict", ["ztype", "b"]],
  ...[...COMPAT_TYPED_ARRAYS.keys()].map((z): [string, string[]] => [z, ["ztype", "b", "length"]]),
]);

export interface ZDataOptions {
  /** Reject ztypes that no registry knows (`UnknownZType`) instead of keeping them as opaque values. */
  readonly strictZType?: boolean;
}

/** A dtype as sent, resolved to its canonical name and byte order; undefined when not in the vocabulary. */
export function parseDtype(s: string): { name: string; bigEndian: boolean } | undefined {
  if (DTYPE_SIZES.has(s)) return { name: s, bigEndian: false };
  const m = /^([<>|=]?)([a-z]\d{1,2})$/.exec(s); // no byte-order character: little-endian (SPEC §7.3)
  const name = m ? NUMPY_CODES.get(m[2]!) : undefined;
  if (!m || name === undefined) return undefined;
  const size = DTYPE_SIZES.get(name)!;
  if (m[1] === "|" && size > 1) return undefined; // "not applicable" byte order only fits 1-byte types
  return { name, bigEndian: m[1] === ">" && size > 1 };
}

/** True when the map is ZData: it has a `ztype` key holding a string (spec §7.1). */
export function isZData(m: MapValue): boolean {
  return get(m, "ztype")?.kind === "str";
}

/**
 * Checks one ZData map and returns it in canonical form (compat typed arrays as `numpy.ndarray`, explicit dtypes
 * as canonical names, big-endian payloads byte-swapped). Throws the first VmpError found.
 */
export function checkZData(m: MapValue, path: Path, options: ZDataOptions = {}): MapValue {
  const ztype = (get(m, "ztype") as { value: string }).value;
  const allowed = FIELDS.get(ztype);
  const extra = allowed && m.entries.find(([k]) => !allowed.includes(k));
  if (extra) throw new VmpError("InvalidValue", `${ztype} has no field "${extra[0]}" (fields: ${allowed.join(", ")})`, [...path, extra[0]]);
  if ((ARRAY_ZTYPES as readonly string[]).includes(ztype)) return checkArray(m, ztype, path);
  if (COMPAT_TYPED_ARRAYS.has(ztype)) return checkCompat(m, ztype, path);
  if (ztype === "image") return checkImage(m, path);
  if (ztype === "safetensor.dict") return checkSafetensors(m, path);
  if (options.strictZType) throw new VmpError("UnknownZType", `no registered type is named "${ztype}" (strict mode)`, [...path, "ztype"]);
  return m;
}

function field(m: MapValue, key: string, path: Path, kind: Value["kind"], what: string): Value {
  const v = get(m, key);
  if (v === undefined) throw new VmpError("MissingField", `ZData needs "${key}" (${what})`, [...path, key]);
  if (v.kind !== kind) throw new VmpError("WrongType", `"${key}" must be ${what}, got ${v.kind}`, [...path, key]);
  return v;
}

/** The product of a shape's dims, checked: non-negative integers whose product fits in 64 bits. */
export function shapeProduct(shape: Value, path: Path): bigint {
  if (shape.kind !== "array") throw new VmpError("WrongType", `shape must be an array of non-negative integers, got ${shape.kind}`, path);
  if (shape.items.length > MAX_DIMS) throw new VmpError("InvalidShape", `${shape.items.length} dimensions; at most ${MAX_DIMS} are allowed`, path);
  let product = 1n;
  shape.items.forEach((d, i) => {
    if (d.kind !== "int" || d.value < 0n) throw new VmpError("InvalidShape", `dimension ${i} must be a non-negative integer`, [...path, i]);
    product *= d.value;
  });
  if (product > UINT64_MAX) throw new VmpError("InvalidShape", "the product of the dimensions overflows 64 bits", path);
  return product;
}

function checkArray(m: MapValue, ztype: string, path: Path): MapValue {
  const b = field(m, "b", path, "bin", "the element bytes as bin") as { value: Uint8Array };
  const dtypeText = (field(m, "dtype", path, "str", "a dtype name") as { value: string }).value;
  const dtype = parseDtype(dtypeText);
  if (dtype === undefined) throw new VmpError("UnsupportedDtype", `"${dtypeText}" is not in the dtype vocabulary (bool, int8…uint64, float16, bfloat16, float32, float64, complex64, complex128)`, [...path, "dtype"]);
  const shape = get(m, "shape");
  if (shape === undefined) throw new VmpError("MissingField", 'ZData needs "shape" (an array of dims, [] for 0-d)', [...path, "shape"]);
  const count = shapeProduct(shape, [...path, "shape"]);
  checkLength(b.value.length, count, dtype.name, path);
  if (dtype.name === "bool") checkBools(b.value, path);
  const data = dtype.bigEndian ? byteSwap(b.value, DTYPE_SIZES.get(dtype.name)!, dtype.name.startsWith("complex")) : b.value;
  return map(m.entries.map(([k, v]) => [k, k === "dtype" ? str(dtype.name) : k === "b" ? bin(data) : v] as const));
}

function checkLength(actual: number, count: bigint, dtype: string, path: Path): void {
  const expected = count * BigInt(DTYPE_SIZES.get(dtype)!);
  if (BigInt(actual) !== expected) throw new VmpError("ShapeMismatch", `b holds ${actual} bytes; shape × itemsize of ${dtype} needs ${expected}`, [...path, "b"]);
}

function checkBools(b: Uint8Array, path: Path): void {
  const i = b.findIndex((x) => x > 1);
  if (i >= 0) throw new VmpError("InvalidValue", `bool element ${i} is 0x${b[i]!.toString(16)}; only 00 and 01 are booleans`, [...path, "b"]);
}

/** Swaps each element (each half of a complex element) from big- to little-endian. */
function byteSwap(bytes: Uint8Array, itemsize: number, complex: boolean): Uint8Array {
  const unit = complex ? itemsize / 2 : itemsize;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += unit) for (let j = 0; j < unit; j++) out[i + j] = bytes[i + unit - 1 - j]!;
  return out;
}

function checkCompat(m: MapValue, ztype: string, path: Path): MapValue {
  const dtype = COMPAT_TYPED_ARRAYS.get(ztype)!;
  const b = field(m, "b", path, "bin", "the element bytes as bin") as { value: Uint8Array };
  const length = get(m, "length");
  if (length === undefined) throw new VmpError("MissingField", `${ztype} needs "length" (the element count)`, [...path, "length"]);
  if (length.kind !== "int" || length.value < 0n) throw new VmpError("InvalidShape", "length must be a non-negative integer", [...path, "length"]);
  checkLength(b.value.length, length.value, dtype, path);
  return map([["ztype", str("numpy.ndarray")], ["b", bin(b.value)], ["dtype", str(dtype)], ["shape", array([int(length.value)])]]);
}

/** Magic numbers of the image formats the spec names; `unknown` is not an error (spec §7.4). */
export function sniffImage(b: Uint8Array): "png" | "jpeg" | "webp" | "unknown" {
  const at = (i: number, ...xs: number[]) => xs.every((x, j) => b[i + j] === x);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "png";
  if (at(0, 0xff, 0xd8, 0xff)) return "jpeg";
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return "webp";
  return "unknown";
}

/** An image is its encoded file: `b` must be bytes; the content is the image codec's business, not VMP's. */
function checkImage(m: MapValue, path: Path): MapValue {
  field(m, "b", path, "bin", "the encoded image file");
  const format = get(m, "format");
  if (format !== undefined && format.kind !== "str") throw new VmpError("WrongType", `format must be a string, got ${format.kind}`, [...path, "format"]);
  return m;
}

function checkSafetensors(m: MapValue, path: Path): MapValue {
  const b = (field(m, "b", path, "bin", "a safetensors file") as { value: Uint8Array }).value;
  const bp = [...path, "b"];
  if (b.length < 8) throw new VmpError("InvalidValue", `a safetensors file starts with an 8-byte header length; only ${b.length} bytes present`, bp);
  const headerLength = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(b.length - 8)) throw new VmpError("InvalidValue", `safetensors header length ${headerLength} exceeds the ${b.length - 8} bytes present`, bp);
  // Parsed with exact integers: shapes and offsets beyond 2^53 must not round (SPEC §7.5 rule 4 follows §7.3).
  let header: Value;
  try {
    header = parseJsonForm(new TextDecoder("utf-8", { fatal: true }).decode(b.subarray(8, 8 + Number(headerLength))));
  } catch {
    throw new VmpError("InvalidValue", "the safetensors header is not UTF-8 JSON", bp);
  }
  if (header.kind !== "map") throw new VmpError("InvalidValue", "the safetensors header must be a JSON object", bp);
  const metadata = get(header, "__metadata__");
  if (metadata !== undefined && (metadata.kind !== "map" || metadata.entries.some(([, x]) => x.kind !== "str"))) {
    throw new VmpError("InvalidValue", "safetensors __metadata__ must map strings to strings", bp);
  }
  const dataLength = BigInt(b.length - 8) - headerLength;
  const spans = header.entries
    .filter(([name]) => name !== "__metadata__")
    .map(([name, info]) => checkTensorEntry(name, info, dataLength, bp))
    .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  // The tensors must tile the data region exactly: no gaps, no overlaps (what the safetensors library enforces).
  let end = 0n;
  for (const [begin, stop] of spans) {
    if (begin !== end) throw new VmpError("InvalidValue", `safetensors data has a ${begin > end ? "gap" : "overlap"} at byte ${end}`, bp);
    end = stop;
  }
  if (end !== dataLength) throw new VmpError("InvalidValue", `safetensors tensors cover ${end} of the ${dataLength} data bytes`, bp);
  return m;
}

/** Checks one tensor's header entry and returns its [begin, end) data span. */
function checkTensorEntry(name: string, info: Value, dataLength: bigint, path: Path): [bigint, bigint] {
  const where = `tensor "${name}"`;
  if (info.kind !== "map") throw new VmpError("InvalidValue", `${where} must be an object`, path);
  const dtype = get(info, "dtype");
  const size = dtype?.kind === "str" ? SAFETENSORS_DTYPES.get(dtype.value) : undefined;
  if (size === undefined) throw new VmpError("UnsupportedDtype", `${where} has dtype ${dtype?.kind === "str" ? JSON.stringify(dtype.value) : "missing"}, not a safetensors dtype`, path);
  const shape = get(info, "shape");
  if (shape?.kind !== "array" || shape.items.some((d) => d.kind !== "int" || d.value < 0n)) throw new VmpError("InvalidShape", `${where} shape must be non-negative integers`, path);
  const dims = shape.items.map((d) => (d as { value: bigint }).value);
  if (dims.length > MAX_DIMS) throw new VmpError("InvalidShape", `${where} has ${dims.length} dimensions; at most ${MAX_DIMS}`, path);
  const offsets = get(info, "data_offsets");
  const [begin, stop] = offsets?.kind === "array" && offsets.items.length === 2 && offsets.items.every((o) => o.kind === "int") ? offsets.items.map((o) => (o as { value: bigint }).value) : [];
  if (begin === undefined || stop === undefined || begin < 0n || begin > stop || stop > dataLength) {
    throw new VmpError("InvalidValue", `${where} data_offsets must be [begin, end] inside the ${dataLength} data bytes`, path);
  }
  const count = dims.reduce((p, d) => p * d, 1n);
  if (count > UINT64_MAX) throw new VmpError("InvalidShape", `${where} shape has ${count} elements, beyond 2^64-1`, path);
  if (stop - begin !== count * BigInt(size)) throw new VmpError("ShapeMismatch", `${where} spans ${stop - begin} bytes; its shape needs ${count * BigInt(size)}`, path);
  return [begin, stop];
}
