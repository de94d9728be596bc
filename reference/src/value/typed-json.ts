/**
 * Typed JSON (conformance/VECTORS.md): the notation vector manifests use to say exactly which MessagePack value is
 * meant, in JSON that any language can read. Writing uses the shortest form; reading is strict, so a manifest
 * that means something other than it says fails loudly (a plain `Error` naming the path).
 *
 * Reading starts from JS values that JSON.parse produced: JSON objects lose integer-like key order there, which is
 * why such keys may only appear inside `$map`.
 */
import { formatPath, type Path } from "../../../core/src/errors.js";
import { INT64_MIN, UINT64_MAX, array, bin, bool, f32, f32Bits, f64, f64Bits, floatNumber } from "./model.js";
import { int, map, nil, str, type FloatValue, type Value } from "./model.js";

/** The largest integer a JSON number carries exactly in every JS reader (2^53-1). */
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** The NaN that `"NaN"` means; any other NaN is written with its bits. */
const QUIET_NAN = { 64: 0x7ff8000000000000n, 32: 0x7fc00000n } as const;
/** Keys a plain JSON object cannot carry: tags, and integer-like keys that JS objects reorder. */
const NEEDS_MAP_FORM = /^(?:\$|(?:0|[1-9][0-9]*)$)/;
/** The strings `$f64`/`$f32` use for what a JSON number cannot say. */
const SPECIAL_FLOATS: ReadonlyMap<string, number> = new Map([
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["-Infinity", -Infinity],
  ["-0", -0],
]);

/** A value in typed JSON, in the shortest form the notation allows. */
export function toTypedJson(v: Value): unknown {
  switch (v.kind) {
    case "nil":
      return null;
    case "bool":
      return v.value;
    case "int":
      return -MAX_SAFE <= v.value && v.value <= MAX_SAFE ? Number(v.value) : { $int: v.value.toString() };
    case "float":
      return floatToTypedJson(v);
    case "str":
      return v.value;
    case "bin":
      return { $bin: Buffer.from(v.value.buffer, v.value.byteOffset, v.value.byteLength).toString("hex") };
    case "array":
      return v.items.map(toTypedJson);
    case "map": {
      const entries = v.entries.map(([k, item]) => [k, toTypedJson(item)] as const);
      // Object.fromEntries defines own properties, so even a "__proto__" key stays an ordinary key.
      if (v.entries.every(([k]) => !NEEDS_MAP_FORM.test(k))) return Object.fromEntries(entries);
      return { $map: entries };
    }
  }
}

function floatToTypedJson(v: FloatValue): unknown {
  const n = floatNumber(v);
  if (Number.isNaN(n) && v.bits !== QUIET_NAN[v.width]) {
    return v.width === 64 ? { $f64bits: hexBits(v.bits, 16) } : { $f32bits: hexBits(v.bits, 8) };
  }
  // JSON numbers cannot say -0, NaN or the infinities: those are strings.
  const json = Object.is(n, -0) ? "-0" : Number.isFinite(n) ? n : String(n);
  return v.width === 64 ? { $f64: json } : { $f32: json };
}

const hexBits = (bits: bigint, digits: number): string => bits.toString(16).padStart(digits, "0");

/** Reads typed JSON (a JSON.parse result) into a Value; anything the notation does not define throws. */
export function fromTypedJson(json: unknown, path: Path = []): Value {
  const fail = (reason: string): never => {
    throw new Error(`typed JSON at ${formatPath(path)}: ${reason}`);
  };
  if (json === null) return nil;
  if (typeof json === "boolean") return bool(json);
  if (typeof json === "string") return str(json);
  if (typeof json === "number") {
    if (!Number.isInteger(json)) return fail(`${json} is not an integer; a float64 is written {"$f64": ${json}}`);
    if (!Number.isSafeInteger(json)) return fail(`${json} is not a safe JSON integer; write {"$int": "…"}`);
    return int(json);
  }
  if (Array.isArray(json)) return array(json.map((item, i) => fromTypedJson(item, [...path, i])));
  if (typeof json !== "object") return fail(`${typeof json} is not JSON`);
  const keys = Object.keys(json);
  const record = json as Record<string, unknown>;
  const tag = keys.find((k) => k.startsWith("$"));
  if (tag === undefined) {
    const numeric = keys.find((k) => NEEDS_MAP_FORM.test(k));
    if (numeric !== undefined) return fail(`integer-like key ${JSON.stringify(numeric)} must be written with $map`);
    return map(keys.map((k) => [k, fromTypedJson(record[k], [...path, k])] as const));
  }
  if (keys.length !== 1) return fail(`${JSON.stringify(tag)} must be the object's only key`);
  return fromTag(tag, record[tag], path, fail);
}

/** A `{"$tag": body}` object. */
function fromTag(tag: string, body: unknown, path: Path, fail: (reason: string) => never): Value {
  switch (tag) {
    case "$int": {
      if (typeof body !== "string" || !/^-?(?:0|[1-9][0-9]*)$/.test(body)) return fail(`$int takes a decimal string`);
      const v = BigInt(body);
      if (v < INT64_MIN || v > UINT64_MAX) return fail(`$int ${body} is outside -2^63..2^64-1`);
      return int(v);
    }
    case "$f64": {
      const n = floatBody(body, tag, fail);
      return Number.isNaN(n) ? f64Bits(QUIET_NAN[64]) : f64(n);
    }
    case "$f32": {
      const n = floatBody(body, tag, fail);
      if (Number.isNaN(n)) return f32Bits(QUIET_NAN[32]);
      if (Math.fround(n) !== n) return fail(`$f32 ${n} is not exactly representable as float32`);
      return f32(n);
    }
    case "$f64bits":
      return f64Bits(BigInt(`0x${hexBody(body, 16, tag, fail)}`));
    case "$f32bits":
      return f32Bits(BigInt(`0x${hexBody(body, 8, tag, fail)}`));
    case "$bin": {
      const hex = hexBody(body, undefined, tag, fail);
      return bin(new Uint8Array(Buffer.from(hex, "hex")));
    }
    case "$map": {
      if (!Array.isArray(body)) return fail(`$map takes an array of [key, value] pairs`);
      const seen = new Set<string>();
      return map(
        body.map((pair: unknown, i) => {
          if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string") {
            return fail(`$map entry ${i} is not a [string, value] pair`);
          }
          const key: string = pair[0];
          if (seen.has(key)) return fail(`$map has the key ${JSON.stringify(key)} twice`);
          seen.add(key);
          return [key, fromTypedJson(pair[1], [...path, key])] as const;
        }),
      );
    }
    default:
      return fail(`unknown tag ${JSON.stringify(tag)}`);
  }
}

/** The number of a `$f64`/`$f32`: a JSON number, or one of the strings for values JSON numbers cannot say. */
function floatBody(body: unknown, tag: string, fail: (reason: string) => never): number {
  if (typeof body === "number") return body;
  const special = typeof body === "string" ? SPECIAL_FLOATS.get(body) : undefined;
  if (special !== undefined) return special;
  return fail(`${tag} takes a number or "NaN", "Infinity", "-Infinity", "-0"`);
}

/** Lower-case hex of `digits` digits (any even number when undefined). */
function hexBody(body: unknown, digits: number | undefined, tag: string, fail: (reason: string) => never): string {
  const hex = typeof body === "string" && /^(?:[0-9a-f]{2})*$/.test(body) ? body : undefined;
  if (hex !== undefined && (digits === undefined || hex.length === digits)) return hex;
  return fail(`${tag} takes ${digits === undefined ? "an even number of" : digits} lower-case hex digits`);
}
