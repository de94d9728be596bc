/**
 * `NDArray`, the in-memory form of `numpy.ndarray` and `torch.Tensor` ZData (spec §7.3): a dtype, a shape and the
 * elements in a typed array, in C order. The shape arithmetic is exact (64 bits) and checked before anything is
 * allocated from it.
 */
import { VmpError, type Path } from "./errors.js";
import { DTYPE_INFO, HOST_LITTLE_ENDIAN, byteSwap, dtypeOfArray, isDtype } from "./dtype.js";
import type { Dtype, DtypeArrays, TypedArray } from "./dtype.js";

export type ArrayZType = "numpy.ndarray" | "torch.Tensor";

/** More dimensions than any producer uses (numpy's own limit is 64): InvalidShape beyond. */
const MAX_DIMS = 64;
const UINT64_MAX = 2n ** 64n - 1n;

/** An n-dimensional array or tensor: `data` holds the elements in C order (see `DtypeArrays`). */
export class NDArray<D extends Dtype = Dtype> {
  readonly ztype: ArrayZType;
  readonly dtype: D;
  /** Dimensions, outermost first; `[]` for a 0-d array. */
  readonly shape: readonly number[];
  readonly data: DtypeArrays[D];
  /** The exact dims when one exceeds 2^53-1 (possible only when another is 0); `shape` then holds approximations. */
  readonly #wideShape: readonly bigint[] | undefined;

  /** Checks that `data` is the dtype's typed array and holds prod(shape) elements (ShapeMismatch otherwise). */
  constructor(
    dtype: D,
    shape: readonly (number | bigint)[],
    data: DtypeArrays[D],
    ztype: ArrayZType = "numpy.ndarray",
  ) {
    if (!isDtype(dtype))
      throw new VmpError("UnsupportedDtype", `"${String(dtype)}" is not in the dtype vocabulary`, ["dtype"]);
    const info = DTYPE_INFO[dtype];
    if (!(data instanceof info.array))
      throw new VmpError("WrongType", `${dtype} data must be a ${info.array.name}`, ["data"]);
    const count = shapeProduct(shape, ["shape"]);
    if (data.length !== Number(count) * info.lanes) {
      throw new VmpError(
        "ShapeMismatch",
        `${data.length} entries; ${dtype} × [${shape.join(", ")}] needs ${Number(count) * info.lanes}`,
        ["data"],
      );
    }
    this.ztype = ztype;
    this.dtype = dtype;
    this.shape = shape.map(Number);
    this.#wideShape =
      typeof count === "bigint" && shape.some((d) => d > Number.MAX_SAFE_INTEGER)
        ? shape.map(BigInt)
        : undefined;
    this.data = data;
  }

  /** A 1-D (or `shape`d) array over a typed array; the dtype follows the class (`Uint16Array` is uint16). */
  static from(
    data: TypedArray | Uint8ClampedArray,
    shape?: readonly (number | bigint)[],
    ztype?: ArrayZType,
  ): NDArray {
    const dtype = dtypeOfArray(data)!;
    const elements =
      data instanceof Uint8ClampedArray ? new Uint8Array(data.buffer, data.byteOffset, data.length) : data;
    return new NDArray(dtype, shape ?? [data.length], elements as DtypeArrays[typeof dtype], ztype);
  }

  /** The number of elements (prod(shape)). */
  get size(): number {
    return this.data.length / DTYPE_INFO[this.dtype].lanes;
  }

  /** The shape as written on the wire: exact, also for a dim beyond 2^53-1. */
  wireShape(): readonly (number | bigint)[] {
    return this.#wideShape ?? this.shape;
  }

  /** The elements as little-endian bytes in C order (`b` on the wire): a view of `data` on little-endian hosts. */
  bytes(): Uint8Array {
    const d = this.data;
    const view = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    return HOST_LITTLE_ENDIAN ? view : byteSwap(view, d.BYTES_PER_ELEMENT);
  }
}

/** An integer item >= 0: a number without fraction or a bigint (an integral float decodes as a VmpFloat). */
export function isIndex(d: unknown): d is number | bigint {
  return (typeof d === "number" && Number.isInteger(d) && d >= 0) || (typeof d === "bigint" && d >= 0n);
}

/**
 * The element count of a shape, exact: at most 64 non-negative integer dims whose product fits in 64 bits. A
 * number while that is exact (shapes are small), a bigint otherwise.
 */
export function shapeProduct(shape: readonly unknown[], path: Path): number | bigint {
  if (shape.length > MAX_DIMS)
    throw new VmpError("InvalidShape", `${shape.length} dimensions; at most ${MAX_DIMS} are allowed`, path);
  let product = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (!isIndex(d))
      throw new VmpError("InvalidShape", `dimension ${i} must be a non-negative integer`, [...path, i]);
    if (typeof d === "bigint") return bigProduct(shape, path);
    product *= d;
  }
  return product <= Number.MAX_SAFE_INTEGER ? product : bigProduct(shape, path);
}

function bigProduct(shape: readonly unknown[], path: Path): bigint {
  let product = 1n;
  shape.forEach((d, i) => {
    if (!isIndex(d))
      throw new VmpError("InvalidShape", `dimension ${i} must be a non-negative integer`, [...path, i]);
    product *= BigInt(d);
  });
  if (product > UINT64_MAX)
    throw new VmpError("InvalidShape", "the product of the dimensions overflows 64 bits", path);
  return product;
}
