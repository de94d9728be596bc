/**
 * Typed array fields (SPEC §7.11): an `NDArray` whose dtype is one the field allows and whose shape matches the
 * field's pattern, read from any array form and written as `numpy.ndarray`. A defect is `InvalidValue`: at the
 * array for its dtype or shape, at its `ztype` for ZData that is not an array.
 */
import { dtypeOfArray } from "./dtype.js";
import { NDArray } from "./ndarray.js";
import { entryOf, isMapLike } from "./objects.js";
import { knownZData, writeZData } from "./value.js";
import type { Writer } from "./wire.js";
import { isKnownZType, Safetensors, ZImage } from "./zdata.js";

/** What a typed array field allows (SPEC §7.11): its dtypes and its shape pattern (`null`: any size). */
export interface ArrayConstraint {
  readonly dtypes?: readonly string[];
  readonly shape?: readonly (number | null)[];
}

/** Why `a` does not fit a typed array field (`InvalidValue` at the array, SPEC §7.11), or undefined. */
function arrayProblem(t: ArrayConstraint, a: NDArray): string | undefined {
  if (t.dtypes !== undefined && !t.dtypes.includes(a.dtype))
    return `dtype ${a.dtype} is not allowed here (${t.dtypes.join(", ")})`;
  const pattern = t.shape;
  if (pattern === undefined) return undefined;
  const dims = a.wireShape();
  const shown = `[${pattern.map((d) => d ?? "n").join(", ")}]`;
  if (dims.length !== pattern.length)
    return `shape [${dims.join(", ")}] has ${dims.length} dimensions; the field's shape ${shown} has ${pattern.length}`;
  const i = pattern.findIndex((d, j) => d !== null && BigInt(d) !== BigInt(dims[j]!));
  return i < 0
    ? undefined
    : `shape [${dims.join(", ")}] does not match the field's shape ${shown} at dimension ${i}`;
}

/**
 * What is wrong with `v` in a typed array field, or undefined: not an array (at its `ztype`), or an array whose
 * dtype or shape the field does not allow (at the array). Both are `InvalidValue` (SPEC §7.11).
 */
export function arrayFieldProblem(
  t: ArrayConstraint,
  v: unknown,
): { readonly reason: string; readonly at?: "ztype" } | undefined {
  if (!(v instanceof NDArray))
    return { reason: "expected an array (numpy.ndarray, torch.Tensor or a typed array)", at: "ztype" };
  const reason = arrayProblem(t, v);
  return reason === undefined ? undefined : { reason };
}

/** `a` as a typed array field writes it: `numpy.ndarray`, whatever its ztype (SPEC §7.11). */
function asNumpy(a: NDArray): NDArray {
  return a.ztype === "numpy.ndarray" ? a : new NDArray(a.dtype, a.wireShape(), a.data);
}

/**
 * `v` as the array it stands for, where a free-form position would read it as one (SPEC §7.1): a typed array
 * (`Float32Array`, ...), or a map whose `ztype` is known (`{ztype: "numpy.ndarray", ...}`). Anything else as is.
 */
export function asZData(v: unknown, path: () => (string | number)[]): unknown {
  if (v instanceof NDArray || v instanceof ZImage || v instanceof Safetensors) return v;
  if (ArrayBuffer.isView(v) && dtypeOfArray(v) !== undefined) return NDArray.from(v as Float32Array);
  if (!isMapLike(v)) return v;
  const ztype = entryOf(v, "ztype");
  if (typeof ztype !== "string" || !isKnownZType(ztype)) return v;
  const entries = v instanceof Map ? [...v.entries()] : Object.entries(v).filter(([, x]) => x !== undefined);
  return knownZData(ztype, new Map(entries as [string, unknown][]), path);
}

/**
 * The writer of a typed array field: refuses what the field does not allow, with the kinds above. It takes an
 * `NDArray`, and what a free-form position would write as one (a typed array, a ZData map).
 */
export function arrayFieldWriter(t: ArrayConstraint): (w: Writer, v0: unknown) => void {
  return (w, v0) => {
    const v = asZData(v0, () => w.path());
    const problem = arrayFieldProblem(t, v);
    if (problem === undefined) return writeZData(w, asNumpy(v as NDArray));
    if (problem.at === undefined) return w.fail("InvalidValue", problem.reason);
    if (!(v instanceof ZImage || v instanceof Safetensors)) {
      const got =
        v === null ? "null" : typeof v === "object" ? (v.constructor?.name ?? "an object") : typeof v;
      return w.fail("WrongType", `expected an array (NDArray), got ${got}`);
    }
    w.segments[w.depth++] = problem.at;
    return w.fail("InvalidValue", problem.reason);
  };
}
