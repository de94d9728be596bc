/**
 * The runtime against every shared vector (conformance/vectors/*.json, format in conformance/VECTORS.md):
 *
 * - valid: decoding the canonical bytes and every alternative in lossless mode and encoding again gives the
 *   canonical bytes (the relay guarantee, spec §10), and `check` finds nothing wrong with the decoded value;
 *   encoding the vector's value (typed JSON read into the values a user builds: numbers, bigints, VmpFloat, Map,
 *   Uint8Array) gives the canonical bytes; default mode decodes too;
 * - invalid: decoding fails with the listed kind at the listed path.
 *
 * Then, beyond the vectors, the runtime against the reference implementation (reference/src) on frames made by mutating
 * every vector's bytes: the same verdict, the same error kind and path, the same canonical bytes.
 *
 * Message types are decoded with descriptors built from the spec's IR, the way the emitter declares them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VmpError as ReferenceError, formatPath as referencePath } from "../../../../core/src/errors.js";
import { canonicalize } from "../../../../reference/src/schema/canonical.js";
import { defaultSpec } from "../../../../reference/src/schema/spec.js";
import { validate } from "../../../../reference/src/schema/validate.js";
import { decode as referenceDecode } from "../../../../reference/src/wire/decode.js";
import { encode as referenceEncode } from "../../../../reference/src/wire/encode.js";
import { MANIFESTS } from "../../../../conformance/recipes/index.js";
import { buildIr, loadSpec } from "../../../../core/src/ir/build.js";
import type { TypeDef, TypeRef } from "../../../../core/src/ir/types.js";
import { check } from "../../runtime/check.js";
import { decode, decodeValue, encode, encodeValue } from "../../runtime/codec.js";
import { VmpError, formatPath } from "../../runtime/errors.js";
import type { NamedDesc, RecordDesc, TypeDesc } from "../../runtime/schema.js";
import { VmpFloat } from "../../runtime/value.js";
import { thrown } from "./helpers.js";

interface Vector {
  id: string;
  type: string;
  valid: boolean;
  value?: unknown;
  canonical?: string;
  alternatives?: { hex: string; note: string }[];
  input?: string;
  error?: string;
  path?: string;
  options?: { strictZType?: boolean };
}

const ROOT = join(import.meta.dirname, "../../../..");
const DIR = join(ROOT, "conformance/vectors");
const manifests = readdirSync(DIR)
  .filter((f) => f.endsWith(".json") && f !== "manifest.schema.json")
  .map((f) => ({
    file: f,
    vectors: (JSON.parse(readFileSync(join(DIR, f), "utf8")) as { vectors: Vector[] }).vectors,
  }));

/** The spec's types as descriptors (what the emitter generates into schema.ts). */
function specDescriptors(): ReadonlyMap<string, NamedDesc> {
  const ir = buildIr(loadSpec(join(ROOT, "protocol/vmp.schema.json"), ROOT));
  const named = new Map<string, NamedDesc>();
  const MAX_SAFE = 2n ** 53n - 1n;
  const ref = (t: TypeRef): TypeDesc => {
    switch (t.kind) {
      case "int":
        return { kind: "int", min: t.min, max: t.max, wide: t.min < -MAX_SAFE || t.max > MAX_SAFE };
      case "float":
        return { kind: "float", width: t.wire === "float32" ? 32 : 64 };
      case "string":
        return { ...t, pattern: t.pattern === undefined ? undefined : new RegExp(t.pattern, "u") };
      case "array":
        return { ...t, items: ref(t.items) };
      case "map":
        return { kind: "map", values: ref(t.values) };
      case "nullable":
        return { kind: "nullable", inner: ref(t.inner) };
      case "ref":
        return { kind: "ref", name: t.name, get: () => named.get(t.name)! };
      default:
        return t;
    }
  };
  const def = (d: TypeDef): NamedDesc => {
    switch (d.kind) {
      case "record":
        return {
          kind: "record",
          name: d.name,
          fields: d.fields.map((f) => ({ name: f.name, type: ref(f.type), required: f.required })),
          open: d.open,
          ...(d.ztype === undefined ? {} : { ztype: d.ztype }),
          ...(d.event === undefined
            ? {}
            : {
                event: {
                  envelope: d.event.envelope,
                  ...(d.event.etype === undefined ? {} : { etype: d.event.etype }),
                  ...(d.event.etypePattern === undefined
                    ? {}
                    : { etypePattern: new RegExp(d.event.etypePattern, "u") }),
                },
              }),
        };
      case "union":
        return {
          kind: "union",
          name: d.name,
          tag: d.tag,
          variants: Object.fromEntries(
            d.variants.map((v) => [v.tagValue, () => named.get(v.type) as RecordDesc]),
          ),
        };
      case "alias":
        return { kind: "alias", name: d.name, type: ref(d.type) };
    }
  };
  for (const [name, d] of ir.types) named.set(name, def(d));
  return named;
}

const descriptors = specDescriptors();
const SPECIAL: Readonly<Record<string, number>> = {
  NaN: NaN,
  Infinity: Infinity,
  "-Infinity": -Infinity,
  "-0": -0,
};

/** Typed JSON as the values a user builds: numbers and bigints, VmpFloat, Uint8Array, Map for every map. */
function fromTypedJson(json: unknown): unknown {
  if (json === null || typeof json !== "object") return json;
  if (Array.isArray(json)) return json.map(fromTypedJson);
  const entries = Object.entries(json);
  const [tag, body] = entries[0] ?? [];
  if (entries.length === 1 && tag!.startsWith("$")) {
    switch (tag) {
      case "$int":
        return BigInt(body as string) <= BigInt(Number.MAX_SAFE_INTEGER) &&
          BigInt(body as string) >= -BigInt(Number.MAX_SAFE_INTEGER)
          ? Number(body)
          : BigInt(body as string);
      case "$f64":
        return VmpFloat.f64(typeof body === "string" ? SPECIAL[body]! : (body as number));
      case "$f32":
        return VmpFloat.f32(typeof body === "string" ? SPECIAL[body]! : (body as number));
      case "$f64bits":
        return VmpFloat.fromBits(64, BigInt(`0x${body as string}`));
      case "$f32bits":
        return VmpFloat.fromBits(32, BigInt(`0x${body as string}`));
      case "$bin":
        return hexBytes(body as string);
      case "$map":
        return new Map((body as [string, unknown][]).map(([k, v]) => [k, fromTypedJson(v)]));
    }
  }
  return new Map(entries.map(([k, v]) => [k, fromTypedJson(v)]));
}

function hexBytes(hex: string): Uint8Array {
  return new Uint8Array(hex.match(/../g)?.map((h) => parseInt(h, 16)) ?? []);
}

function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** Decodes as the vector's type (`any`: a bare value). */
function decodeAs(v: Vector, bytes: Uint8Array, lossless: boolean): unknown {
  const options = { lossless, ...v.options };
  if (v.type === "any") return decodeValue(bytes, options);
  const desc = descriptors.get(v.type);
  if (desc === undefined) throw new Error(`no descriptor for ${v.type}`);
  return decode(desc, bytes, options);
}

function encodeAs(v: Vector, value: unknown): string {
  return toHex(v.type === "any" ? encodeValue(value) : encode(descriptors.get(v.type)!, value));
}


describe.each(manifests)("$file", ({ vectors }) => {
  const valid = vectors.filter((v) => v.valid);
  const invalid = vectors.filter((v) => !v.valid);

  it.each(valid.map((v) => [v.id, v] as const))(
    "%s relays losslessly and encodes its value canonically",
    (_id, v) => {
      for (const hex of [v.canonical!, ...(v.alternatives ?? []).map((a) => a.hex)]) {
        const bytes = hexBytes(hex);
        const lossless = decodeAs(v, bytes, true);
        expect(encodeAs(v, lossless), `re-encoding ${hex.slice(0, 40)}`).toBe(v.canonical);
        expect(() => decodeAs(v, bytes, false)).not.toThrow();
        // What decode accepts, the collect-all checker (validate) accepts too.
        if (v.type !== "any") expect(check(descriptors.get(v.type)!, lossless)).toEqual([]);
      }
      expect(encodeAs(v, fromTypedJson(v.value)), "encoding the value").toBe(v.canonical);
    },
  );

  it.each(invalid.map((v) => [v.id, v] as const))("%s is rejected with its kind and path", (_id, v) => {
    const e = thrown(() => decodeAs(v, hexBytes(v.input!), false));
    expect(e.kind, e.message).toBe(v.error);
    if (v.path !== undefined) expect(formatPath(e.path), e.message).toBe(v.path);
    // Lossless mode reads the same frames and rejects them the same way.
    expect(thrown(() => decodeAs(v, hexBytes(v.input!), true)).kind).toBe(v.error);
  });
});

describe("the corpus", () => {
  it("is read whole: every vector of every manifest", () => {
    // Exactly the manifests the recipes make (conformance/recipes/index.ts), each with its vectors.
    expect(manifests.map((m) => m.file).sort()).toEqual(MANIFESTS.map((m) => `${m.manifest}.json`).sort());
    expect(manifests.map((m) => m.vectors.length)).toEqual(manifests.map((m) => MANIFESTS.find((r) => `${r.manifest}.json` === m.file)!.vectors.length));
    expect(manifests.every((m) => m.vectors.length > 0)).toBe(true);
  });
});

/** A deterministic mutation of a frame: bytes changed, inserted, removed, or the frame cut short. */
function mutator(seed: number): (b: Uint8Array) => Uint8Array {
  let state = seed;
  const random = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state % n;
  };
  // Format bytes that change what follows: headers of every family, c1, ext, the byte-order characters of dtypes.
  const bytes = [
    0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xc4, 0xc5, 0xc7, 0xca, 0xcb, 0xcc,
    0xcf, 0xd0, 0xd3, 0xd4, 0xd9, 0xdc, 0xde, 0xdf, 0xe0, 0xff, 0x3c, 0x3e,
  ];
  return (b) => {
    const a = [...b];
    for (let k = 1 + random(2); k > 0; k--) {
      const at = a.length === 0 ? 0 : random(a.length);
      const op = random(5);
      if (op === 0) a[at] = random(256);
      else if (op === 1) a[at] = bytes[random(bytes.length)]!;
      else if (op === 2) a.splice(at, 1);
      else if (op === 3) a.splice(at, 0, bytes[random(bytes.length)]!);
      else a.length = at;
    }
    return new Uint8Array(a);
  };
}

describe("the runtime and the reference implementation", () => {
  const spec = defaultSpec();
  const mutate = mutator(20261122);
  /** The reference's verdict: its errors (kind and path), or the canonical bytes. */
  const reference = (v: Vector, bytes: Uint8Array, strictZType: boolean) => {
    try {
      const value = referenceDecode(bytes);
      const errors = validate(value, spec, { type: v.type, strictZType }).errors.map(
        (e) => `${e.kind} at ${referencePath(e.path)}`,
      );
      if (errors.length > 0) return { errors };
      return {
        hex: toHex(
          referenceEncode(
            canonicalize(value, v.type === "any" ? "any" : { kind: "ref", name: v.type }, spec, {
              strictZType,
            }),
          ),
        ),
      };
    } catch (e) {
      if (!(e instanceof ReferenceError)) throw e;
      return { errors: [`${e.kind} at ${referencePath(e.path)}`] };
    }
  };
  const ours = (v: Vector, bytes: Uint8Array, strictZType: boolean) => {
    try {
      return { hex: encodeAs(v, decodeAs({ ...v, options: { strictZType } }, bytes, true)) };
    } catch (e) {
      if (!(e instanceof VmpError)) throw e;
      return { error: `${e.kind} at ${formatPath(e.path)}`, path: e.path };
    }
  };

  it.each(manifests.map((m) => [m.file, m.vectors] as const))(
    "agree on frames mutated from %s",
    (_file, vectors) => {
      let frames = 0;
      for (const v of vectors.filter((x) => (x.canonical ?? x.input)!.length < 4000)) {
        for (const base of v.valid
          ? [v.canonical!, ...(v.alternatives ?? []).map((a) => a.hex)]
          : [v.input!]) {
          for (let i = 0; i < 8; i++) {
            const bytes = mutate(hexBytes(base));
            for (const strictZType of [false, true]) {
              frames++;
              const expected = reference(v, bytes, strictZType);
              const actual = ours(v, bytes, strictZType);
              const where = `${v.id} ${toHex(bytes)}`;
              if ("hex" in expected) expect(actual, where).toEqual({ hex: expected.hex });
              else {
                expect(actual.error, where).toBeDefined();
                // With several defects the reference may list more than one error: ours must be among them. (The
                // reference drops an unknown field's error when the field's value is unreadable ZData, reporting
                // what is wrong inside it instead; ours reports the unknown field.)
                const at = actual.error!.replace(/^\w+ at /, "");
                const inside =
                  actual.error!.startsWith("InvalidValue") &&
                  expected.errors.some((e) => /^\w+ at (.*)$/.exec(e)![1]!.startsWith(`${at}.`));
                if (!inside) expect(expected.errors, where).toContain(actual.error);
              }
            }
          }
        }
      }
      expect(frames).toBeGreaterThan(0);
    },
  );
});
