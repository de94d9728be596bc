/**
 * Recipes to manifests. Every valid vector is validated, canonicalised and encoded by the reference codec, and
 * every alternative must decode to the same canonical value; every invalid vector must be rejected by the
 * reference decoder/validator with exactly the error the recipe names. A recipe that disagrees with the
 * reference is a build error, so a manifest never records behaviour nobody checked.
 */
import { formatPath, VmpError, type Path } from "../../core/src/errors.js";
import { toHex } from "../../reference/src/wire/hex.js";
import { canonicalize } from "../../reference/src/schema/canonical.js";
import type { Spec } from "../../reference/src/schema/spec.js";
import { validate } from "../../reference/src/schema/validate.js";
import { toTypedJson } from "../../reference/src/value/typed-json.js";
import { equals, type Value } from "../../reference/src/value/model.js";
import { decode } from "../../reference/src/wire/decode.js";
import { encode } from "../../reference/src/wire/encode.js";
import type { InvalidRecipe, ManifestRecipe, ValidRecipe } from "./recipe.js";

export class RecipeError extends Error {
  override name = "RecipeError";
  constructor(
    readonly id: string,
    reason: string,
  ) {
    super(`vector ${id}: ${reason}`);
  }
}

export interface ManifestJson {
  manifest: string;
  description: string;
  spec: { file: string; version: string };
  vectors: Record<string, unknown>[];
}

/** Builds one manifest; recipes that disagree with the reference are collected in `errors`, not written. */
export function buildManifest(recipe: ManifestRecipe, spec: Spec, errors: RecipeError[] = []): ManifestJson {
  const vectors: Record<string, unknown>[] = [];
  for (const v of recipe.vectors) {
    try {
      vectors.push(v.valid ? buildValid(v, spec) : buildInvalid(v, spec));
    } catch (e) {
      if (e instanceof RecipeError) errors.push(e);
      else if (e instanceof VmpError) errors.push(new RecipeError(v.id, e.message));
      else throw e;
    }
  }
  return { manifest: recipe.manifest, description: recipe.description, spec: { file: spec.ir.source.file, version: spec.ir.source.version }, vectors };
}

function canonicalOf(value: Value, r: ValidRecipe | InvalidRecipe, spec: Spec): Value {
  return canonicalize(value, r.type === "any" ? "any" : { kind: "ref", name: r.type }, spec, r.options ?? {});
}

function buildValid(r: ValidRecipe, spec: Spec): Record<string, unknown> {
  const { errors } = validate(r.value, spec, { type: r.type, ...r.options });
  if (errors.length > 0) throw new RecipeError(r.id, `the value is not a valid ${r.type}: ${errors.map((e) => e.message).join("; ")}`);
  const value = canonicalOf(r.value, r, spec);
  const canonical = encode(value);
  if (!equals(decode(canonical), value)) throw new RecipeError(r.id, "the canonical bytes do not decode to the value");
  for (const alt of r.alternatives) {
    let decoded: Value;
    try {
      decoded = canonicalOf(decode(alt.bytes), r, spec);
    } catch (e) {
      throw new RecipeError(r.id, `alternative "${alt.note}" does not decode: ${(e as Error).message}`);
    }
    if (!equals(decoded, value)) throw new RecipeError(r.id, `alternative "${alt.note}" decodes to a different value`);
    if (toHex(alt.bytes) === toHex(canonical)) throw new RecipeError(r.id, `alternative "${alt.note}" is the canonical encoding`);
  }
  return {
    id: r.id,
    description: r.description,
    type: r.type,
    valid: true,
    value: toTypedJson(value),
    canonical: toHex(canonical),
    ...(r.alternatives.length ? { alternatives: r.alternatives.map((a) => ({ hex: toHex(a.bytes), note: a.note })) } : {}),
    ...(r.options ? { options: r.options } : {}),
  };
}

/** The first error the reference reports for an input, or undefined when it accepts it. */
export function referenceError(input: Uint8Array, type: string, spec: Spec, options: { strictZType?: boolean } = {}): VmpError | undefined {
  try {
    const { errors } = validate(decode(input), spec, { type, ...options });
    return errors[0];
  } catch (e) {
    if (e instanceof VmpError) return e;
    throw e;
  }
}

function buildInvalid(r: InvalidRecipe, spec: Spec): Record<string, unknown> {
  const err = referenceError(r.input, r.type, spec, r.options);
  if (err === undefined) throw new RecipeError(r.id, `the reference accepts this input, expected ${r.error}`);
  if (err.kind !== r.error) throw new RecipeError(r.id, `the reference reports ${err.message}, expected ${r.error}`);
  if (r.path && formatPath(r.path) !== formatPath(err.path)) throw new RecipeError(r.id, `the reference reports the error at ${formatPath(err.path)}, expected ${formatPath(r.path)}`);
  return {
    id: r.id,
    description: r.description,
    type: r.type,
    valid: false,
    input: toHex(r.input),
    error: r.error,
    ...(r.path ? { path: formatPath(r.path as Path) } : {}),
    ...(r.options ? { options: r.options } : {}),
  };
}

/** Manifest text: the header pretty-printed, one vector per line (so a diff names the vectors that changed). */
export function serializeManifest(m: ManifestJson): string {
  const head = JSON.stringify({ manifest: m.manifest, description: m.description, spec: m.spec }, null, 2).slice(0, -2);
  const vectors = m.vectors.map((v) => `    ${JSON.stringify(v)}`).join(",\n");
  return `${head},\n  "vectors": [\n${vectors}\n  ]\n}\n`;
}
