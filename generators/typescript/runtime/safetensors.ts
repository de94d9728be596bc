/**
 * `Safetensors`, the in-memory form of `safetensor.dict` ZData (spec §7.5): a safetensors file, kept as received,
 * and its tensors as `NDArray`s. The header is checked before anything is sliced.
 */
import { VmpError } from "./errors.js";
import { DTYPE_INFO, typedView, type Dtype } from "./dtype.js";
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
    // The header is plain JSON with small integers; JSON.parse is enough here (unlike the VMP JSON form).
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(b.subarray(8, dataStart)));
  } catch {
    return invalid("the safetensors header is not UTF-8 JSON");
  }
  if (typeof header !== "object" || header === null || Array.isArray(header))
    return invalid("the safetensors header must be a JSON object");
  const { __metadata__: metadata, ...entries } = header as Record<string, unknown>;
  if (
    metadata !== undefined &&
    (typeof metadata !== "object" ||
      metadata === null ||
      Object.values(metadata).some((x) => typeof x !== "string"))
  ) {
    return invalid("safetensors __metadata__ must map strings to strings");
  }
  const dataLength = b.length - dataStart;
  const spans = Object.entries(entries)
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
  return { tensors, metadata: metadata as Record<string, string> | undefined };
}

interface TensorSpan {
  readonly name: string;
  readonly dtype: Dtype;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

/** Checks one header entry: dtype, shape, offsets inside the data area and consistent with the shape. */
function tensorSpan(name: string, entry: unknown, dataLength: number): TensorSpan {
  const t = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  const where = `tensor ${JSON.stringify(name)}`;
  if (typeof t !== "object" || t === null) throw new VmpError("InvalidValue", `${where} must be an object`);
  const dtype = typeof t.dtype === "string" ? SAFETENSORS_DTYPES.get(t.dtype) : undefined;
  if (dtype === undefined)
    throw new VmpError(
      "UnsupportedDtype",
      `${where} has dtype ${JSON.stringify(t.dtype)}, not a safetensors dtype`,
    );
  const shape = t.shape;
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0))
    throw new VmpError("InvalidShape", `${where} shape must be non-negative integers`);
  const offsets = t.data_offsets;
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[0] > offsets[1] ||
    offsets[1] > dataLength
  ) {
    throw new VmpError(
      "InvalidValue",
      `${where} data_offsets must be [begin, end] inside the ${dataLength} data bytes`,
    );
  }
  const [begin, end] = offsets as [number, number];
  const count = (shape as number[]).reduce((p, d) => p * BigInt(d), 1n);
  const size = count * BigInt(DTYPE_INFO[dtype].itemsize);
  if (BigInt(end - begin) !== size)
    throw new VmpError("ShapeMismatch", `${where} spans ${end - begin} bytes; its shape needs ${size}`);
  return { name, dtype, shape: shape as number[], begin, end };
}
