/**
 * Vectors to cases. Every (vector, check) pair is one case with a stable name, `MANIFEST/ID:CHECK` or
 * `MANIFEST/ID:altN:CHECK`, which is what failure lists and `--filter` refer to:
 *
 * | vector  | case              | request                      | passes when                                  |
 * |---------|-------------------|------------------------------|----------------------------------------------|
 * | valid   | `:decode`         | decode the canonical bytes   | the value equals the vector's (typed JSON)   |
 * | valid   | `:validate`       | validate the canonical bytes | ok                                           |
 * | valid   | `:encode`         | encode the vector's value    | the hex is the canonical hex                 |
 * | valid   | `:reencode`       | reencode the canonical bytes | the hex is the canonical hex (lossless relay) |
 * | valid   | `:altN:decode`    | decode alternative N         | the value equals the vector's                |
 * | valid   | `:altN:reencode`  | reencode alternative N       | the hex is the canonical hex                 |
 * | invalid | `:decode`         | decode the input             | an error of the listed kind (and path)       |
 * | invalid | `:validate`       | validate the input           | an error of the listed kind (and path)       |
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Request, VectorOptions } from "./protocol.js";

/** A vector as manifests hold it (conformance/VECTORS.md). */
export interface Vector {
  readonly id: string;
  readonly description: string;
  readonly type: string;
  readonly valid: boolean;
  readonly value?: unknown;
  readonly canonical?: string;
  readonly alternatives?: readonly { readonly hex: string; readonly note: string }[];
  readonly input?: string;
  readonly error?: string;
  readonly path?: string;
  readonly options?: VectorOptions;
}

export interface Manifest {
  readonly manifest: string;
  readonly file: string;
  readonly vectors: readonly Vector[];
}

/** What a case passes with. */
export type Expectation =
  | { readonly kind: "value"; readonly value: unknown }
  | { readonly kind: "hex"; readonly hex: string }
  | { readonly kind: "ok" }
  | { readonly kind: "error"; readonly error: string; readonly path?: string };

export interface Case {
  readonly name: string;
  readonly vector: Vector;
  readonly request: Exclude<Request, { op: "hello" | "quit" }>;
  readonly expect: Expectation;
}

/** Reads every manifest of a directory (`manifest.schema.json` aside), in file-name order. */
export function loadManifests(dir: string): Manifest[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json") && f !== "manifest.schema.json")
    .sort()
    .map((f) => {
      const json = JSON.parse(readFileSync(join(dir, f), "utf8")) as { manifest?: string; vectors?: Vector[] };
      if (!Array.isArray(json.vectors)) throw new Error(`${join(dir, f)} is not a vector manifest (no "vectors" array)`);
      return { manifest: json.manifest ?? f.replace(/\.json$/, ""), file: join(dir, f), vectors: json.vectors };
    });
}

/** The cases of every vector, vector by vector, in manifest order. */
export function casesOf(manifests: readonly Manifest[]): Case[] {
  return manifests.flatMap((m) => m.vectors.flatMap((v) => vectorCases(m.manifest, v)));
}

function vectorCases(manifest: string, v: Vector): Case[] {
  const base = `${manifest}/${v.id}`;
  const opts = v.options === undefined ? {} : { options: v.options };
  const cases: Case[] = [];
  const add = (name: string, request: Case["request"], expect: Expectation) => cases.push({ name, vector: v, request, expect });
  if (!v.valid) {
    const expect: Expectation = { kind: "error", error: v.error ?? "", ...(v.path === undefined ? {} : { path: v.path }) };
    add(`${base}:decode`, { op: "decode", type: v.type, hex: v.input ?? "", ...opts }, expect);
    add(`${base}:validate`, { op: "validate", type: v.type, hex: v.input ?? "", ...opts }, expect);
    return cases;
  }
  const canonical = v.canonical ?? "";
  add(`${base}:decode`, { op: "decode", type: v.type, hex: canonical, ...opts }, { kind: "value", value: v.value });
  add(`${base}:validate`, { op: "validate", type: v.type, hex: canonical, ...opts }, { kind: "ok" });
  add(`${base}:encode`, { op: "encode", type: v.type, value: v.value, ...opts }, { kind: "hex", hex: canonical });
  add(`${base}:reencode`, { op: "reencode", type: v.type, hex: canonical, ...opts }, { kind: "hex", hex: canonical });
  (v.alternatives ?? []).forEach((alt, i) => {
    add(`${base}:alt${i}:decode`, { op: "decode", type: v.type, hex: alt.hex, ...opts }, { kind: "value", value: v.value });
    add(`${base}:alt${i}:reencode`, { op: "reencode", type: v.type, hex: alt.hex, ...opts }, { kind: "hex", hex: canonical });
  });
  return cases;
}

/**
 * A `--filter` pattern as a predicate on case names: with `*` or `?` it is a glob over the whole name (`*`
 * matches anything, `/` and `:` included), otherwise a substring.
 */
export function nameFilter(patterns: readonly string[]): (name: string) => boolean {
  if (patterns.length === 0) return () => true;
  const tests = patterns.map((p) => {
    if (!/[*?]/.test(p)) return (name: string) => name.includes(p);
    const re = new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "s");
    return (name: string) => re.test(name);
  });
  return (name) => tests.some((t) => t(name));
}
