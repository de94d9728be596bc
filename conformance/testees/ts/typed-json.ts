/**
 * Typed JSON (conformance/VECTORS.md) and the binding's native values, both ways: the binding's part of the
 * testee's job. Decoded values are reported in canonical form, driven by the type's descriptor: an integer field
 * gives an integer, a float field a float of the field's width, a free-form value keeps what lossless decoding
 * kept (`VmpFloat` width and bits, `Map` order). Values to encode are built the way a user builds them: numbers,
 * bigints, plain objects for records, `Map`s for free-form maps, `VmpFloat` where a number cannot say the float,
 * the ZData classes.
 */
import {
  DTYPE_INFO,
  NDArray,
  OpaqueZData,
  Safetensors,
  VmpFloat,
  ZImage,
  type Dtype,
  type NamedDesc,
  type RecordDesc,
  type TypeDesc,
  type UnionDesc,
} from "vmp-protocol";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A request the testee cannot make sense of (answered as `BadRequest`). */
export class BadRequest extends Error {}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const QUIET_NAN = { 64: 0x7ff8000000000000n, 32: 0x7fc00000n } as const;
/** Keys a plain typed-JSON object cannot carry: tags, and integer-like keys that JS objects reorder. */
const NEEDS_MAP_FORM = /^(?:\$|(?:0|[1-9][0-9]*)$)/;
const SPECIAL: Readonly<Record<string, number>> = {
  NaN: NaN,
  Infinity: Infinity,
  "-Infinity": -Infinity,
  "-0": -0,
};
const scratch = new DataView(new ArrayBuffer(8));

const HEX_DIGITS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export function hex(b: Uint8Array): string {
  let out = "";
  for (let i = 0; i < b.length; i++) out += HEX_DIGITS[b[i]!]!;
  return out;
}

export function fromHex(h: unknown, what: string): Uint8Array {
  if (typeof h !== "string" || !/^(?:[0-9a-fA-F]{2})*$/.test(h)) throw new BadRequest(`${what} must be hex`);
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function intJson(v: number | bigint): Json {
  const b = BigInt(v);
  return -MAX_SAFE <= b && b <= MAX_SAFE ? Number(b) : { $int: b.toString() };
}

/** A float of `width` with exactly these bits, in the shortest typed JSON. */
function floatJson(width: 32 | 64, bits: bigint): Json {
  let n: number;
  if (width === 64) {
    scratch.setBigUint64(0, bits);
    n = scratch.getFloat64(0);
  } else {
    scratch.setUint32(0, Number(bits));
    n = scratch.getFloat32(0);
  }
  if (n !== n && bits !== QUIET_NAN[width]) {
    return width === 64
      ? { $f64bits: bits.toString(16).padStart(16, "0") }
      : { $f32bits: bits.toString(16).padStart(8, "0") };
  }
  const body: Json = Object.is(n, -0) ? "-0" : Number.isFinite(n) ? n : String(n);
  return width === 64 ? { $f64: body } : { $f32: body };
}

function numberBits(n: number, width: 32 | 64): bigint {
  if (n !== n) return QUIET_NAN[width];
  if (width === 64) {
    scratch.setFloat64(0, n);
    return scratch.getBigUint64(0);
  }
  scratch.setFloat32(0, n);
  return BigInt(scratch.getUint32(0));
}

/** float32 bits to float64 bits by the IEEE rule, NaN payloads included. */
function widenBits(bits: bigint): bigint {
  const sign = (bits >> 31n) & 1n;
  const exp = (bits >> 23n) & 0xffn;
  const frac = bits & 0x7fffffn;
  if (exp === 0xffn) return (sign << 63n) | (0x7ffn << 52n) | (frac << 29n);
  scratch.setUint32(0, Number(bits));
  return numberBits(scratch.getFloat32(0), 64);
}

function mapJson(entries: Iterable<readonly [string, Json]>): Json {
  const list = [...entries];
  if (list.some(([k]) => NEEDS_MAP_FORM.test(k))) return { $map: list.map(([k, v]) => [k, v]) };
  // Object.fromEntries defines own properties, so a "__proto__" key stays an ordinary key.
  return Object.fromEntries(list) as Json;
}

/** The entries of a typed-JSON map (a plain object or `$map`), or undefined when `json` is not one. */
function mapEntries(json: unknown): [string, unknown][] | undefined {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return undefined;
  const keys = Object.keys(json);
  const record = json as Record<string, unknown>;
  if (keys.length === 1 && keys[0] === "$map") {
    const body = record.$map;
    if (!Array.isArray(body)) throw new BadRequest("$map takes [key, value] pairs");
    return body.map((pair: unknown) => {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string")
        throw new BadRequest("$map takes [key, value] pairs");
      return [pair[0], pair[1]];
    });
  }
  if (keys.length === 1 && keys[0]!.startsWith("$")) return undefined;
  return keys.map((k) => [k, record[k]]);
}

/** The tag of a one-key `{"$tag": body}` object, or undefined. */
function tagOf(json: unknown): [string, unknown] | undefined {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return undefined;
  const keys = Object.keys(json);
  return keys.length === 1 && keys[0]!.startsWith("$") && keys[0] !== "$map"
    ? [keys[0]!, (json as Record<string, unknown>)[keys[0]!]]
    : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Native values to typed JSON (decode).

function resolve(t: TypeDesc | NamedDesc): Exclude<TypeDesc, { kind: "ref" }> | RecordDesc | UnionDesc {
  let cur: TypeDesc | NamedDesc = t;
  for (;;) {
    if (cur.kind === "ref") cur = cur.get();
    else if (cur.kind === "alias") cur = cur.type;
    else return cur;
  }
}

function isZData(v: unknown): boolean {
  return v instanceof NDArray || v instanceof ZImage || v instanceof Safetensors || v instanceof OpaqueZData;
}

/** The typed JSON of a value the binding decoded as `t`, in canonical form. */
export function toJson(v: unknown, t: TypeDesc | NamedDesc): Json {
  const d = resolve(t);
  switch (d.kind) {
    case "int":
      return typeof v === "number" && Number.isInteger(v)
        ? intJson(v)
        : typeof v === "bigint"
          ? intJson(v)
          : free(v);
    case "float":
      if (typeof v === "number")
        return floatJson(d.width, numberBits(d.width === 32 ? Math.fround(v) : v, d.width));
      if (v instanceof VmpFloat) {
        if (v.width === d.width) return floatJson(v.width, v.bits);
        return d.width === 64
          ? floatJson(64, widenBits(v.bits))
          : floatJson(32, numberBits(Math.fround(v.value), 32));
      }
      return free(v);
    case "array":
      return Array.isArray(v) ? v.map((x) => toJson(x, d.items)) : free(v);
    case "map":
      if (v instanceof Map) return mapJson([...v].map(([k, x]) => [String(k), toJson(x, d.values)] as const));
      if (typeof v === "object" && v !== null)
        return mapJson(
          Object.entries(v)
            .filter(([, x]) => x !== undefined)
            .map(([k, x]) => [k, toJson(x, d.values)] as const),
        );
      return free(v);
    case "nullable":
      return v === null ? null : toJson(v, d.inner);
    case "record":
      return isZData(v) ? zdataJson(v) : recordJson(v, d);
    case "union": {
      const tag =
        v instanceof Map
          ? v.get(d.tag)
          : typeof v === "object" && v !== null
            ? (v as Record<string, unknown>)[d.tag]
            : undefined;
      const variant =
        typeof tag === "string" && Object.hasOwn(d.variants, tag) ? d.variants[tag]!() : undefined;
      return variant === undefined ? free(v) : toJson(v, variant);
    }
    default: // string, bool, null, bytes, any, zdata
      return free(v);
  }
}

/** Declared fields in declaration order, then the rest (an open record's extra fields) in producer order. */
function recordJson(v: unknown, d: RecordDesc): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return free(v);
  const get = (k: string): unknown =>
    v instanceof Map ? v.get(k) : Object.hasOwn(v, k) ? (v as Record<string, unknown>)[k] : undefined;
  const keys = v instanceof Map ? [...v.keys()].map(String) : Object.keys(v);
  const declared = new Set(d.fields.map((f) => f.name));
  const out: [string, Json][] = [];
  for (const f of d.fields) {
    const x = get(f.name);
    if (x !== undefined) out.push([f.name, toJson(x, f.type)]);
  }
  for (const k of keys) {
    const x = get(k);
    if (!declared.has(k) && x !== undefined) out.push([k, free(x)]);
  }
  return mapJson(out);
}

/** A free-form value as lossless decoding keeps it. */
function free(v: unknown): Json {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case "boolean":
    case "string":
      return v;
    case "bigint":
      return intJson(v);
    case "number":
      return Number.isInteger(v) && !Object.is(v, -0) ? intJson(v) : floatJson(64, numberBits(v, 64));
    case "object":
      break;
    default:
      throw new Error(`a decoded ${typeof v} has no typed JSON`);
  }
  if (v instanceof VmpFloat) return floatJson(v.width, v.bits);
  if (v instanceof Uint8Array) return { $bin: hex(v) };
  if (Array.isArray(v)) return v.map(free);
  if (isZData(v)) return zdataJson(v);
  if (v instanceof Map) return mapJson([...v].map(([k, x]) => [String(k), free(x)] as const));
  return mapJson(
    Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => [k, free(x)] as const),
  );
}

/** A ZData instance as its canonical map (spec §7). */
function zdataJson(z: unknown): Json {
  if (z instanceof NDArray)
    return mapJson([
      ["ztype", z.ztype],
      ["b", { $bin: hex(z.bytes()) }],
      ["dtype", z.dtype],
      ["shape", z.wireShape().map(intJson)],
    ]);
  if (z instanceof ZImage)
    return mapJson([
      ["ztype", "image"],
      ["b", { $bin: hex(z.bytes) }],
      ...(z.formatEntry === undefined ? [] : [["format", z.formatEntry] as const]),
    ]);
  if (z instanceof Safetensors)
    return mapJson([
      ["ztype", "safetensor.dict"],
      ["b", { $bin: hex(z.bytes) }],
    ]);
  return free(new Map((z as OpaqueZData).entries));
}

// ---------------------------------------------------------------------------------------------------------------
// Typed JSON to native values (encode).

/** A typed-JSON value as the binding's native value of type `t`. */
export function fromJson(json: unknown, t: TypeDesc | NamedDesc): unknown {
  const d = resolve(t);
  switch (d.kind) {
    case "int": // a number while safe, else a bigint: what nativeFree gives for `n` and `{"$int": …}`
      return nativeFree(json);
    case "float": {
      const f = nativeFree(json);
      // A typed float field says its width: a plain number is enough unless NaN bits must survive.
      return f instanceof VmpFloat && !(f.value !== f.value && f.bits !== QUIET_NAN[f.width]) ? f.value : f;
    }
    case "array":
      return Array.isArray(json) ? json.map((x) => fromJson(x, d.items)) : nativeFree(json);
    case "map": {
      const entries = mapEntries(json)?.map(([k, x]) => [k, fromJson(x, d.values)] as const);
      if (entries === undefined) return nativeFree(json);
      // A plain object, unless it would move integer-like keys to the front: then a Map keeps the order.
      return entries.some(([k]) => /^(?:0|[1-9][0-9]*)$/.test(k))
        ? new Map(entries)
        : Object.fromEntries(entries);
    }
    case "nullable":
      return json === null ? null : fromJson(json, d.inner);
    case "record": {
      const entries = mapEntries(json);
      if (entries === undefined) return nativeFree(json);
      if (d.ztype !== undefined) return nativeZData(entries);
      const types = new Map(d.fields.map((f) => [f.name, f.type]));
      return Object.fromEntries(
        entries.map(([k, x]) => [k, types.has(k) ? fromJson(x, types.get(k)!) : nativeFree(x)]),
      );
    }
    case "union": {
      const tag = mapEntries(json)?.find(([k]) => k === d.tag)?.[1];
      const variant =
        typeof tag === "string" && Object.hasOwn(d.variants, tag) ? d.variants[tag]!() : undefined;
      return variant === undefined ? nativeFree(json) : fromJson(json, variant);
    }
    default:
      return nativeFree(json);
  }
}

/** A free-form typed-JSON value as lossless decoding would hold it: `Map`s, `VmpFloat`s, ZData instances. */
function nativeFree(json: unknown): unknown {
  if (json === null || typeof json === "boolean" || typeof json === "string") return json;
  if (typeof json === "number") {
    if (!Number.isSafeInteger(json))
      throw new BadRequest(`${json} is not a typed-JSON integer (floats are {"$f64": …})`);
    return json;
  }
  if (Array.isArray(json)) return json.map(nativeFree);
  const tag = tagOf(json);
  if (tag !== undefined) return nativeTag(tag[0], tag[1]);
  const entries = mapEntries(json);
  if (entries === undefined) throw new BadRequest(`not typed JSON: ${JSON.stringify(json)?.slice(0, 60)}`);
  if (entries.some(([k, x]) => k === "ztype" && typeof x === "string")) return nativeZData(entries);
  return new Map(entries.map(([k, x]) => [k, nativeFree(x)]));
}

function nativeTag(tag: string, body: unknown): unknown {
  const number = (): number => {
    if (typeof body === "number") return body;
    if (typeof body === "string" && Object.hasOwn(SPECIAL, body)) return SPECIAL[body]!;
    throw new BadRequest(`${tag} takes a number or "NaN", "Infinity", "-Infinity", "-0"`);
  };
  const bits = (digits: number): bigint => {
    if (typeof body !== "string" || !new RegExp(`^[0-9a-f]{${digits}}$`).test(body))
      throw new BadRequest(`${tag} takes ${digits} hex digits`);
    return BigInt(`0x${body}`);
  };
  switch (tag) {
    case "$int": {
      if (typeof body !== "string" || !/^-?(?:0|[1-9][0-9]*)$/.test(body))
        throw new BadRequest("$int takes a decimal string");
      const n = BigInt(body);
      return -MAX_SAFE <= n && n <= MAX_SAFE ? Number(n) : n;
    }
    case "$f64": {
      const n = number();
      // What a user writes: a plain number says float64 when it is not integral; else the wrapper keeps the width.
      return Number.isFinite(n) && !Number.isInteger(n) ? n : VmpFloat.f64(n);
    }
    case "$f32":
      return VmpFloat.f32(number());
    case "$f64bits":
      return VmpFloat.fromBits(64, bits(16));
    case "$f32bits":
      return VmpFloat.fromBits(32, bits(8));
    case "$bin":
      return fromHex(body, "$bin");
    default:
      throw new BadRequest(`unknown typed-JSON tag ${JSON.stringify(tag)}`);
  }
}

/** A ZData map (its typed-JSON entries) as the ZData class a user would build. */
function nativeZData(entries: [string, unknown][]): unknown {
  const fields = new Map(entries.map(([k, x]) => [k, nativeFree(x)]));
  const ztype = fields.get("ztype");
  const b = fields.get("b");
  const only = (...names: string[]) => [...fields.keys()].every((k) => names.includes(k));
  if (
    (ztype === "numpy.ndarray" || ztype === "torch.Tensor") &&
    b instanceof Uint8Array &&
    only("ztype", "b", "dtype", "shape")
  ) {
    const dtype = fields.get("dtype");
    const shape = fields.get("shape");
    if (typeof dtype === "string" && Object.hasOwn(DTYPE_INFO, dtype) && Array.isArray(shape)) {
      const array = DTYPE_INFO[dtype as Dtype].array;
      const copy = new Uint8Array(b); // an aligned copy, little-endian like the wire (the testee runs on x86/ARM)
      if (copy.byteLength % array.BYTES_PER_ELEMENT === 0) {
        const data = new array(copy.buffer, 0, copy.byteLength / array.BYTES_PER_ELEMENT);
        return new NDArray(dtype as Dtype, shape as (number | bigint)[], data, ztype);
      }
    }
  }
  if (ztype === "image" && b instanceof Uint8Array && only("ztype", "b", "format")) {
    const format = fields.get("format");
    return typeof format === "string" ? new ZImage(b, format) : new ZImage(b);
  }
  if (ztype === "safetensor.dict" && b instanceof Uint8Array && only("ztype", "b")) return new Safetensors(b);
  return new OpaqueZData(fields);
}
