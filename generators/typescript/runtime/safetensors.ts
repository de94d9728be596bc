/**
 * `Safetensors`, the in-memory form of `safetensor.dict` ZData (spec §7.5): a safetensors file, kept as received,
 * and its tensors as `NDArray`s. The header is checked before anything is sliced.
 */
import { VmpError } from "./errors.js";
import { DTYPE_INFO, typedView, type Dtype } from "./dtype.js";
import { parseJson } from "./json-parse.js";
import { NDArray } from "./ndarray.js";
import { DTYPES, DTYPE_TABLE } from "../tables.js";

/** The safetensors name of each dtype that has one, from the spec's table (complex types have none). */
const SAFETENSORS_CODES: ReadonlyMap<Dtype, string> = new Map(
  DTYPES.flatMap((d) => {
    const code = DTYPE_TABLE[d].safetensors;
    return code === undefined ? [] : [[d, code] as const];
  }),
);

/** safetensors dtype codes with a VMP counterpart (the float8 types have none: UnsupportedDtype). */
const SAFETENSORS_DTYPES: ReadonlyMap<string, Dtype> = new Map(
  [...SAFETENSORS_CODES].map(([d, code]) => [code, d]),
);

/** A safetensors file (spec §7.5): `bytes` as received and its tensors, in data-offset order. */
export class Safetensors {
  readonly bytes: Uint8Array;
  readonly tensors: ReadonlyMap<string, NDArray>;
  readonly metadata: Readonly<Record<string, string>> | undefined;

  /** Reads a file, checking its header before slicing (InvalidValue, UnsupportedDtype, InvalidShape, ShapeMismatch). */
  constructor(bytes: Uint8Array) {
    const { tensors, metadata } = parseSafetensors(bytes);
    this.bytes = bytes;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  /** Builds a file: compact header, tensors in map order with contiguous offsets, padded to 8 bytes (spec §7.5). */
  static fromTensors(
    tensors: ReadonlyMap<string, NDArray>,
    metadata?: Readonly<Record<string, string>>,
  ): Safetensors {
    const entries = metadata === undefined ? [] : [`"__metadata__":${JSON.stringify(metadata)}`];
    const payloads: Uint8Array[] = [];
    let offset = 0;
    for (const [name, array] of tensors) {
      const code = SAFETENSORS_CODES.get(array.dtype);
      if (code === undefined)
        throw new VmpError("UnsupportedDtype", `safetensors has no ${array.dtype}`, [name]);
      const b = array.bytes();
      entries.push(
        `${JSON.stringify(name)}:{"dtype":"${code}","shape":[${array.wireShape().join(",")}],"data_offsets":[${offset},${offset + b.length}]}`,
      );
      payloads.push(b);
      offset += b.length;
    }
    const header = new TextEncoder().encode(`{${entries.join(",")}}`);
    const padded = Math.ceil(header.length / 8) * 8;
    const file = new Uint8Array(8 + padded + offset);
    new DataView(file.buffer).setBigUint64(0, BigInt(padded), true);
    file.set(header, 8);
    file.fill(0x20, 8 + header.length, 8 + padded);
    let at = 8 + padded;
    for (const b of payloads) (file.set(b, at), (at += b.length));
    return new Safetensors(file);
  }
}

/** More dimensions than any producer uses (numpy's own limit is 64): InvalidShape beyond. */
const MAX_DIMS = 64;
const UINT64_MAX = 2n ** 64n - 1n;

/** Reads and checks a safetensors file (spec §7.5); errors are located at the file itself. */
function parseSafetensors(b: Uint8Array): {
  tensors: Map<string, NDArray>;
  metadata: Record<string, string> | undefined;
} {
  const invalid = (reason: string): never => {
    throw new VmpError("InvalidValue", reason);
  };
  if (b.length < 8)
    return invalid(`a safetensors file starts with an 8-byte header length; only ${b.length} bytes present`);
  const headerLength = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(b.length - 8))
    return invalid(`safetensors header length ${headerLength} exceeds the ${b.length - 8} bytes present`);
  const dataStart = 8 + Number(headerLength);
  let header: unknown;
  try {
    // Parsed with exact integers: shapes and offsets beyond 2^53 must not round (spec §7.5 rule 4 follows §7.3).
    header = parseJson(new TextDecoder("utf-8", { fatal: true }).decode(b.subarray(8, dataStart)));
  } catch {
    return invalid("the safetensors header is not UTF-8 JSON");
  }
  if (!(header instanceof Map)) return invalid("the safetensors header must be a JSON object");
  const metadata: unknown = header.get("__metadata__");
  if (
    metadata !== undefined &&
    (!(metadata instanceof Map) || [...metadata.values()].some((x) => typeof x !== "string"))
  ) {
    return invalid("safetensors __metadata__ must map strings to strings");
  }
  const dataLength = b.length - dataStart;
  const spans = [...(header as Map<string, unknown>)]
    .filter(([name]) => name !== "__metadata__")
    .map(([name, entry]) => tensorSpan(name, entry, dataLength))
    .sort((x, y) => x.begin - y.begin);
  // The tensors must tile the data area exactly, without gaps or overlaps, as the safetensors format requires.
  let end = 0;
  for (const s of spans) {
    if (s.begin !== end)
      return invalid(`safetensors data has a ${s.begin > end ? "gap" : "overlap"} at byte ${end}`);
    end = s.end;
  }
  if (end !== dataLength) return invalid(`safetensors tensors cover ${end} of the ${dataLength} data bytes`);
  const tensors = new Map<string, NDArray>();
  for (const s of spans) {
    // Like the reference, bool tensors are not scanned for bytes other than 0 and 1.
    const data = typedView(b.subarray(dataStart + s.begin, dataStart + s.end), s.dtype, false);
    tensors.set(s.name, new NDArray(s.dtype, s.shape, data));
  }
  return {
    tensors,
    metadata: metadata === undefined ? undefined : Object.fromEntries(metadata as Map<string, string>),
  };
}

interface TensorSpan {
  readonly name: string;
  readonly dtype: Dtype;
  /** Exact dims: one beyond 2^53 is a bigint (possible only when another dim is 0). */
  readonly shape: readonly (number | bigint)[];
  readonly begin: number;
  readonly end: number;
}

/** A JSON integer as the parser gives it (a number while safe, else a bigint); floats are not integers. */
const isInteger = (x: unknown): x is number | bigint =>
  typeof x === "bigint" || (typeof x === "number" && Number.isInteger(x));

/**
 * Checks one header entry, in the reference's order: dtype, shape, offsets inside the data area, the element
 * count within 64 bits (InvalidShape), then the span against the shape (ShapeMismatch).
 */
function tensorSpan(name: string, entry: unknown, dataLength: number): TensorSpan {
  const where = `tensor ${JSON.stringify(name)}`;
  if (!(entry instanceof Map)) throw new VmpError("InvalidValue", `${where} must be an object`);
  const t = entry as Map<string, unknown>;
  const code = t.get("dtype");
  const dtype = typeof code === "string" ? SAFETENSORS_DTYPES.get(code) : undefined;
  if (dtype === undefined)
    throw new VmpError(
      "UnsupportedDtype",
      `${where} has dtype ${typeof code === "string" ? JSON.stringify(code) : "missing"}, not a safetensors dtype`,
    );
  const shape = t.get("shape");
  if (!Array.isArray(shape) || !shape.every((d) => isInteger(d) && d >= 0))
    throw new VmpError("InvalidShape", `${where} shape must be non-negative integers`);
  if (shape.length > MAX_DIMS)
    throw new VmpError("InvalidShape", `${where} has ${shape.length} dimensions; at most ${MAX_DIMS}`);
  const offsets = t.get("data_offsets");
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => isInteger(o) && o >= 0) ||
    offsets[0] > offsets[1] ||
    offsets[1] > dataLength
  ) {
    throw new VmpError(
      "InvalidValue",
      `${where} data_offsets must be [begin, end] inside the ${dataLength} data bytes`,
    );
  }
  // Both offsets are at most dataLength here, so they are safe numbers.
  const [begin, end] = (offsets as (number | bigint)[]).map(Number) as [number, number];
  const count = (shape as (number | bigint)[]).reduce<bigint>((p, d) => p * BigInt(d), 1n);
  if (count > UINT64_MAX)
    throw new VmpError("InvalidShape", `${where} shape has ${count} elements, beyond 2^64-1`);
  const size = count * BigInt(DTYPE_INFO[dtype].itemsize);
  if (BigInt(end - begin) !== size)
    throw new VmpError("ShapeMismatch", `${where} spans ${end - begin} bytes; its shape needs ${size}`);
  return { name, dtype, shape: shape as (number | bigint)[], begin, end };
}
