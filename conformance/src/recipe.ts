/**
 * The recipe vocabulary: how a vector is written down by a person. `vmp vectors` turns recipes into manifests
 * (conformance/VECTORS.md); the canonical bytes come from the reference encoder, every other byte string
 * (alternatives, invalid inputs) is written here by hand, with a RawWriter where a non-canonical form is meant.
 */
import type { ErrorKind, Path } from "../../core/src/errors.js";
import { array, bin, bool, f64, int, map, nil, str, type Value } from "../../reference/src/value/model.js";
import type { RawWriter } from "../../reference/src/wire/raw.js";

export interface Options {
  readonly strictZType?: boolean;
}

export interface ValidRecipe {
  readonly valid: true;
  readonly id: string;
  readonly description: string;
  readonly type: string;
  readonly value: Value;
  readonly alternatives: readonly { readonly bytes: Uint8Array; readonly note: string }[];
  readonly options?: Options;
}

export interface InvalidRecipe {
  readonly valid: false;
  readonly id: string;
  readonly description: string;
  readonly type: string;
  readonly input: Uint8Array;
  readonly error: ErrorKind;
  readonly path?: Path;
  readonly options?: Options;
}

export type VectorRecipe = ValidRecipe | InvalidRecipe;

export interface ManifestRecipe {
  readonly manifest: string;
  readonly description: string;
  readonly vectors: readonly VectorRecipe[];
}

type Bytes = Uint8Array | RawWriter;
const toBytes = (b: Bytes): Uint8Array => (b instanceof Uint8Array ? b : b.bytes());

/** A valid vector: `value` as `type` (default: a bare value, `any`). */
export function valid(
  id: string,
  description: string,
  value: Value,
  more: { type?: string; alternatives?: readonly (readonly [Bytes, string])[]; options?: Options } = {},
): ValidRecipe {
  return {
    valid: true,
    id,
    description,
    type: more.type ?? "any",
    value,
    alternatives: (more.alternatives ?? []).map(([bytes, note]) => ({ bytes: toBytes(bytes), note })),
    ...(more.options ? { options: more.options } : {}),
  };
}

/** An invalid vector: `input` must be rejected with `error` (at `path`, when given). */
export function invalid(
  id: string,
  description: string,
  input: Bytes,
  error: ErrorKind,
  more: { type?: string; path?: Path; options?: Options } = {},
): InvalidRecipe {
  return {
    valid: false,
    id,
    description,
    type: more.type ?? "any",
    input: toBytes(input),
    error,
    ...(more.path ? { path: more.path } : {}),
    ...(more.options ? { options: more.options } : {}),
  };
}

const VALUE_KINDS = new Set(["nil", "bool", "int", "float", "str", "bin", "array", "map"]);

/**
 * Plain JS to a Value, for readable recipes: integers become ints, other numbers float64 (write `f64(1)` for an
 * integral float), strings str, Uint8Array bin, objects maps in insertion order (use `map([...])` for
 * integer-like keys, which JS objects reorder). Value nodes pass through unchanged.
 */
export function js(x: unknown): Value {
  if (x === null) return nil;
  if (typeof x === "boolean") return bool(x);
  if (typeof x === "bigint") return int(x);
  if (typeof x === "number") return Number.isInteger(x) && !Object.is(x, -0) ? int(x) : f64(x);
  if (typeof x === "string") return str(x);
  if (x instanceof Uint8Array) return bin(x);
  if (Array.isArray(x)) return array(x.map(js));
  if (typeof x === "object") {
    const o = x as Record<string, unknown>;
    if (typeof o.kind === "string" && VALUE_KINDS.has(o.kind)) return o as unknown as Value;
    return map(Object.entries(o).map(([k, v]) => [k, js(v)] as const));
  }
  throw new TypeError(`cannot turn ${typeof x} into a VMP value`);
}

/** Bytes from hex (whitespace allowed), for hand-written inputs. */
export { fromHex as hex } from "../../reference/src/wire/hex.js";
