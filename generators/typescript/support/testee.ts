/**
 * The conformance testee of the TypeScript binding: the testee protocol (conformance/README.md) on stdin/stdout,
 * answered with the generated package's own API. `vmp conformance --lang ts` runs it as
 * `node generated/ts/dist/testee.js`.
 *
 * Hand-written: the generator copies this file into the package as src/testee.ts. It imports the package at run
 * time (`./index.js` for the codec, `./schema.js` for the descriptors) and declares below exactly what it relies
 * on, so it also type-checks where it is written, outside the package. It needs no Node typings either (the
 * package compiles with `"types": []`): the few Node globals it touches are declared below.
 *
 * The binding's part of the job is here too: mapping its native values to typed JSON and back. Decoded values are
 * reported in canonical form, driven by the type's descriptor: an integer field gives an integer, a float field
 * a float of the field's width, a free-form value keeps what lossless decoding kept (`VmpFloat` width and bits,
 * `Map` order). Values to encode are built the way a user builds them: numbers, bigints, plain objects for
 * records, `Map`s for free-form maps, `VmpFloat` where a number cannot say the float, the ZData classes.
 */
// ---------------------------------------------------------------------------------------------------------------
// What the testee relies on: the descriptors (runtime/schema.ts) and the package API (index.ts).

type TypeDesc =
  | { readonly kind: "int"; readonly min: bigint; readonly max: bigint; readonly wide: boolean }
  | { readonly kind: "float"; readonly width: 32 | 64 }
  | { readonly kind: "string" | "bool" | "null" | "bytes" | "any" | "zdata" }
  | { readonly kind: "array"; readonly items: TypeDesc }
  | { readonly kind: "map"; readonly values: TypeDesc }
  | { readonly kind: "nullable"; readonly inner: TypeDesc }
  | { readonly kind: "ref"; readonly name: string; readonly get: () => NamedDesc };

interface RecordDesc {
  readonly kind: "record";
  readonly name: string;
  readonly fields: readonly { readonly name: string; readonly type: TypeDesc; readonly required: boolean }[];
  readonly open: boolean;
  readonly ztype?: string;
}
interface UnionDesc {
  readonly kind: "union";
  readonly name: string;
  readonly tag: string;
  readonly variants: Readonly<Record<string, () => RecordDesc>>;
}
interface AliasDesc {
  readonly kind: "alias";
  readonly name: string;
  readonly type: TypeDesc;
}
type NamedDesc = RecordDesc | UnionDesc | AliasDesc;

interface DecodeOptions {
  readonly lossless?: boolean;
  readonly strictZType?: boolean;
}

interface VmpFloatLike {
  readonly value: number;
  readonly width: 32 | 64;
  readonly bits: bigint;
}

type Dtype = keyof typeof TYPED_ARRAYS;
interface NDArrayLike {
  readonly ztype: string;
  readonly dtype: Dtype;
  wireShape(): readonly (number | bigint)[];
  bytes(): Uint8Array;
}
interface ZImageLike {
  readonly bytes: Uint8Array;
  readonly formatEntry: string | undefined;
}
interface SafetensorsLike {
  readonly bytes: Uint8Array;
}
interface OpaqueZDataLike {
  readonly entries: ReadonlyMap<string, unknown>;
}

/** The names this testee uses from the package's index. */
interface Binding {
  decode(desc: NamedDesc, bytes: Uint8Array, options?: DecodeOptions): unknown;
  encode(desc: NamedDesc, value: unknown): Uint8Array;
  decodeValue(bytes: Uint8Array, options?: DecodeOptions): unknown;
  encodeValue(value: unknown): Uint8Array;
  /** Optional: message validation beyond what `decode` checks, as `createValidate` builds it. */
  validate?: (typeName: string, value: unknown) => readonly unknown[];
  VmpError: abstract new (...args: never[]) => { readonly kind: string; readonly reason: string; readonly path: readonly (string | number)[] };
  formatPath(path: readonly (string | number)[]): string;
  VmpFloat: { fromBits(width: 32 | 64, bits: bigint): VmpFloatLike; f64(n: number): VmpFloatLike; f32(n: number): VmpFloatLike };
  NDArray: new (dtype: Dtype, shape: readonly (number | bigint)[], data: ArrayBufferView, ztype?: string) => NDArrayLike;
  ZImage: new (bytes: Uint8Array, formatEntry?: string) => ZImageLike;
  Safetensors: new (bytes: Uint8Array) => SafetensorsLike;
  OpaqueZData: new (entries: ReadonlyMap<string, unknown>) => OpaqueZDataLike;
}

/** The Node globals the testee uses (stdio), declared here so that the package needs no @types/node. */
interface Stream {
  on(event: "data", listener: (chunk: Uint8Array) => void): void;
  on(event: "end", listener: () => void): void;
  write(data: Uint8Array | string): boolean;
  destroy(): void;
}
declare const process: { readonly stdin: Stream; readonly stdout: Stream; readonly stderr: Stream; exitCode: number | undefined };

const vmp = (await import(new URL("./index.js", import.meta.url).href)) as Binding;
const schema = (await import(new URL("./schema.js", import.meta.url).href)) as Record<string, unknown>;

/** Every descriptor the package declares, by its spec name (the export name may differ: `Message$`). */
const DESCRIPTORS = new Map<string, NamedDesc>();
for (const d of Object.values(schema)) {
  const desc = d as Partial<NamedDesc> | null;
  if (typeof desc === "object" && desc !== null && typeof desc.name === "string" && (desc.kind === "record" || desc.kind === "union" || desc.kind === "alias")) {
    DESCRIPTORS.set(desc.name, desc as NamedDesc);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Typed JSON (conformance/VECTORS.md).

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A request the testee cannot make sense of (answered as `BadRequest`). */
class BadRequest extends Error {}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const QUIET_NAN = { 64: 0x7ff8000000000000n, 32: 0x7fc00000n } as const;
/** Keys a plain typed-JSON object cannot carry: tags, and integer-like keys that JS objects reorder. */
const NEEDS_MAP_FORM = /^(?:\$|(?:0|[1-9][0-9]*)$)/;
const SPECIAL: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity, "-0": -0 };
const scratch = new DataView(new ArrayBuffer(8));

const TYPED_ARRAYS = {
  bool: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  float16: Uint16Array,
  bfloat16: Uint16Array,
  float32: Float32Array,
  float64: Float64Array,
  complex64: Float32Array,
  complex128: Float64Array,
} as const;

const HEX_DIGITS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function hex(b: Uint8Array): string {
  let out = "";
  for (let i = 0; i < b.length; i++) out += HEX_DIGITS[b[i]!]!;
  return out;
}

function fromHex(h: unknown, what: string): Uint8Array {
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
    return width === 64 ? { $f64bits: bits.toString(16).padStart(16, "0") } : { $f32bits: bits.toString(16).padStart(8, "0") };
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
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string") throw new BadRequest("$map takes [key, value] pairs");
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
  return keys.length === 1 && keys[0]!.startsWith("$") && keys[0] !== "$map" ? [keys[0]!, (json as Record<string, unknown>)[keys[0]!]] : undefined;
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
  return v instanceof vmp.NDArray || v instanceof vmp.ZImage || v instanceof vmp.Safetensors || v instanceof vmp.OpaqueZData;
}

function isFloat(v: unknown): v is VmpFloatLike {
  return typeof v === "object" && v !== null && typeof (v as VmpFloatLike).bits === "bigint" && ((v as VmpFloatLike).width === 32 || (v as VmpFloatLike).width === 64);
}

/** The typed JSON of a value the binding decoded as `t`, in canonical form. */
function toJson(v: unknown, t: TypeDesc | NamedDesc): Json {
  const d = resolve(t);
  switch (d.kind) {
    case "int":
      return typeof v === "number" && Number.isInteger(v) ? intJson(v) : typeof v === "bigint" ? intJson(v) : free(v);
    case "float":
      if (typeof v === "number") return floatJson(d.width, numberBits(d.width === 32 ? Math.fround(v) : v, d.width));
      if (isFloat(v)) {
        if (v.width === d.width) return floatJson(v.width, v.bits);
        return d.width === 64 ? floatJson(64, widenBits(v.bits)) : floatJson(32, numberBits(Math.fround(v.value), 32));
      }
      return free(v);
    case "array":
      return Array.isArray(v) ? v.map((x) => toJson(x, d.items)) : free(v);
    case "map":
      if (v instanceof Map) return mapJson([...v].map(([k, x]) => [String(k), toJson(x, d.values)] as const));
      if (typeof v === "object" && v !== null) return mapJson(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, toJson(x, d.values)] as const));
      return free(v);
    case "nullable":
      return v === null ? null : toJson(v, d.inner);
    case "record":
      return isZData(v) ? zdataJson(v) : recordJson(v, d);
    case "union": {
      const tag = v instanceof Map ? v.get(d.tag) : typeof v === "object" && v !== null ? (v as Record<string, unknown>)[d.tag] : undefined;
      const variant = typeof tag === "string" && Object.hasOwn(d.variants, tag) ? d.variants[tag]!() : undefined;
      return variant === undefined ? free(v) : toJson(v, variant);
    }
    default: // string, bool, null, bytes, any, zdata
      return free(v);
  }
}

/** Declared fields in declaration order, then the rest (an open record's extra fields) in producer order. */
function recordJson(v: unknown, d: RecordDesc): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return free(v);
  const get = (k: string): unknown => (v instanceof Map ? v.get(k) : Object.hasOwn(v, k) ? (v as Record<string, unknown>)[k] : undefined);
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
  if (isFloat(v)) return floatJson(v.width, v.bits);
  if (v instanceof Uint8Array) return { $bin: hex(v) };
  if (Array.isArray(v)) return v.map(free);
  if (isZData(v)) return zdataJson(v);
  if (v instanceof Map) return mapJson([...v].map(([k, x]) => [String(k), free(x)] as const));
  return mapJson(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).map(([k, x]) => [k, free(x)] as const));
}

/** A ZData instance as its canonical map (spec §7). */
function zdataJson(z: unknown): Json {
  if (z instanceof vmp.NDArray) {
    const a = z as NDArrayLike;
    return mapJson([["ztype", a.ztype], ["b", { $bin: hex(a.bytes()) }], ["dtype", a.dtype], ["shape", a.wireShape().map(intJson)]]);
  }
  if (z instanceof vmp.ZImage) {
    const img = z as ZImageLike;
    return mapJson([["ztype", "image"], ["b", { $bin: hex(img.bytes) }], ...(img.formatEntry === undefined ? [] : [["format", img.formatEntry] as const])]);
  }
  if (z instanceof vmp.Safetensors) return mapJson([["ztype", "safetensor.dict"], ["b", { $bin: hex((z as SafetensorsLike).bytes) }]]);
  return free(new Map((z as OpaqueZDataLike).entries));
}

// ---------------------------------------------------------------------------------------------------------------
// Typed JSON to native values (encode).

/** A typed-JSON value as the binding's native value of type `t`. */
function fromJson(json: unknown, t: TypeDesc | NamedDesc): unknown {
  const d = resolve(t);
  switch (d.kind) {
    case "int": // a number while safe, else a bigint: what nativeFree gives for `n` and `{"$int": …}`
      return nativeFree(json);
    case "float": {
      const f = nativeFree(json);
      // A typed float field says its width: a plain number is enough unless NaN bits must survive.
      return isFloat(f) && !(f.value !== f.value && f.bits !== QUIET_NAN[f.width]) ? f.value : f;
    }
    case "array":
      return Array.isArray(json) ? json.map((x) => fromJson(x, d.items)) : nativeFree(json);
    case "map": {
      const entries = mapEntries(json)?.map(([k, x]) => [k, fromJson(x, d.values)] as const);
      if (entries === undefined) return nativeFree(json);
      // A plain object, unless it would move integer-like keys to the front: then a Map keeps the order.
      return entries.some(([k]) => /^(?:0|[1-9][0-9]*)$/.test(k)) ? new Map(entries) : Object.fromEntries(entries);
    }
    case "nullable":
      return json === null ? null : fromJson(json, d.inner);
    case "record": {
      const entries = mapEntries(json);
      if (entries === undefined) return nativeFree(json);
      if (d.ztype !== undefined) return nativeZData(entries);
      const types = new Map(d.fields.map((f) => [f.name, f.type]));
      return Object.fromEntries(entries.map(([k, x]) => [k, types.has(k) ? fromJson(x, types.get(k)!) : nativeFree(x)]));
    }
    case "union": {
      const tag = mapEntries(json)?.find(([k]) => k === d.tag)?.[1];
      const variant = typeof tag === "string" && Object.hasOwn(d.variants, tag) ? d.variants[tag]!() : undefined;
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
    if (!Number.isSafeInteger(json)) throw new BadRequest(`${json} is not a typed-JSON integer (floats are {"$f64": …})`);
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
    if (typeof body !== "string" || !new RegExp(`^[0-9a-f]{${digits}}$`).test(body)) throw new BadRequest(`${tag} takes ${digits} hex digits`);
    return BigInt(`0x${body}`);
  };
  switch (tag) {
    case "$int": {
      if (typeof body !== "string" || !/^-?(?:0|[1-9][0-9]*)$/.test(body)) throw new BadRequest("$int takes a decimal string");
      const n = BigInt(body);
      return -MAX_SAFE <= n && n <= MAX_SAFE ? Number(n) : n;
    }
    case "$f64": {
      const n = number();
      // What a user writes: a plain number says float64 when it is not integral; else the wrapper keeps the width.
      return Number.isFinite(n) && !Number.isInteger(n) ? n : vmp.VmpFloat.f64(n);
    }
    case "$f32":
      return vmp.VmpFloat.f32(number());
    case "$f64bits":
      return vmp.VmpFloat.fromBits(64, bits(16));
    case "$f32bits":
      return vmp.VmpFloat.fromBits(32, bits(8));
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
  if ((ztype === "numpy.ndarray" || ztype === "torch.Tensor") && b instanceof Uint8Array && only("ztype", "b", "dtype", "shape")) {
    const dtype = fields.get("dtype");
    const shape = fields.get("shape");
    if (typeof dtype === "string" && Object.hasOwn(TYPED_ARRAYS, dtype) && Array.isArray(shape)) {
      const Array_ = TYPED_ARRAYS[dtype as Dtype];
      const copy = new Uint8Array(b); // an aligned copy, little-endian like the wire (the testee runs on x86/ARM)
      if (copy.byteLength % Array_.BYTES_PER_ELEMENT === 0) {
        const data = new Array_(copy.buffer, 0, copy.byteLength / Array_.BYTES_PER_ELEMENT);
        return new vmp.NDArray(dtype as Dtype, shape as (number | bigint)[], data, ztype);
      }
    }
  }
  if (ztype === "image" && b instanceof Uint8Array && only("ztype", "b", "format")) {
    const format = fields.get("format");
    return typeof format === "string" ? new vmp.ZImage(b, format) : new vmp.ZImage(b);
  }
  if (ztype === "safetensor.dict" && b instanceof Uint8Array && only("ztype", "b")) return new vmp.Safetensors(b);
  return new vmp.OpaqueZData(fields);
}

// ---------------------------------------------------------------------------------------------------------------
// The ops.

type Response = Record<string, unknown>;
const OPS = ["decode", "encode", "reencode", "validate"];
const OPTIONS = new Set(["strictZType"]);

function descriptor(type: unknown): NamedDesc | "any" {
  if (type === "any") return "any";
  const d = typeof type === "string" ? DESCRIPTORS.get(type) : undefined;
  if (d === undefined) throw new BadRequest(`unknown type ${JSON.stringify(type)}`);
  return d;
}

/** Decodes losslessly as `type`, validating where the package has a validator for the type. */
function read(desc: NamedDesc | "any", request: Response, options: DecodeOptions): unknown {
  const bytes = fromHex(request.hex, "hex");
  const opts = { ...options, lossless: true };
  if (desc === "any") return vmp.decodeValue(bytes, opts);
  const value = vmp.decode(desc, bytes, opts);
  if (typeof vmp.validate === "function") {
    let errors: readonly unknown[] = [];
    try {
      errors = vmp.validate(desc.name, value);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e; // TypeError: not a message type the validators know
    }
    if (errors.length > 0) throw errors[0];
  }
  return value;
}

function write(desc: NamedDesc | "any", value: unknown): Uint8Array {
  return desc === "any" ? vmp.encodeValue(value) : vmp.encode(desc, value);
}

function answer(request: Response): Response {
  const op = request.op;
  if (op === "hello") return { ok: true, name: "vmp-protocol", version: packageVersion(), ops: OPS };
  if (typeof op !== "string" || !OPS.includes(op)) return { ok: false, skipped: `unknown op ${JSON.stringify(op)}` };
  const options = (request.options ?? {}) as Record<string, unknown>;
  const unsupported = Object.keys(options).find((k) => !OPTIONS.has(k));
  if (unsupported !== undefined) return { ok: false, skipped: `option ${unsupported} is not supported` };
  const decodeOptions: DecodeOptions = { strictZType: options.strictZType === true };
  const desc = descriptor(request.type);
  const type = desc === "any" ? ({ kind: "any" } as const) : desc;
  switch (op) {
    case "decode":
      return { ok: true, value: toJson(read(desc, request, decodeOptions), type) };
    case "validate":
      read(desc, request, decodeOptions);
      return { ok: true };
    case "reencode":
      return { ok: true, hex: hex(write(desc, read(desc, request, decodeOptions))) };
    default: // encode
      return { ok: true, hex: hex(write(desc, fromJson(request.value, type))) };
  }
}

function handle(request: Response): Response {
  try {
    return answer(request);
  } catch (e) {
    if (e instanceof vmp.VmpError) return { ok: false, error: { kind: e.kind, path: vmp.formatPath(e.path), message: e.reason } };
    if (e instanceof BadRequest) return { ok: false, error: { kind: "BadRequest", message: e.message } };
    return { ok: false, error: { kind: "Internal", message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) } };
  }
}

/** The package's version, from package.json next to dist/ (read once, at start). */
const VERSION = await (async () => {
  try {
    const fs = (await import("node:fs" as string)) as { readFileSync(path: URL, encoding: "utf8"): string };
    return (JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: string }).version ?? "unknown";
  } catch {
    return "unknown";
  }
})();

function packageVersion(): string {
  return VERSION;
}

// ---------------------------------------------------------------------------------------------------------------
// Framing: a 4-byte little-endian length, then that many bytes of UTF-8 JSON, both ways.

const MAX_FRAME = 64 * 1024 * 1024;
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });
const utf8Encoder = new TextEncoder();
let pending: Uint8Array = new Uint8Array(0);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

const u32le = (b: Uint8Array): number => new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);

function send(response: Response): void {
  const body = utf8Encoder.encode(JSON.stringify(response));
  const frame = new Uint8Array(4 + body.length);
  new DataView(frame.buffer).setUint32(0, body.length, true);
  frame.set(body, 4);
  process.stdout.write(frame);
}

function stop(reason: string): void {
  process.stderr.write(`vmp-protocol testee: ${reason}\n`);
  process.exitCode = 2;
  process.stdin.destroy();
}

process.stdin.on("data", (chunk: Uint8Array) => {
  pending = concat(pending, chunk);
  while (pending.length >= 4) {
    const length = u32le(pending);
    if (length > MAX_FRAME) return stop(`request frame of ${length} bytes is over the limit of ${MAX_FRAME}`);
    if (pending.length < 4 + length) return;
    let request: Response;
    try {
      request = JSON.parse(utf8Decoder.decode(pending.subarray(4, 4 + length))) as Response;
    } catch (e) {
      return stop(`request frame is not UTF-8 JSON: ${(e as Error).message}`);
    }
    pending = pending.subarray(4 + length);
    if (request.op === "quit") {
      process.stdin.destroy();
      return;
    }
    send(handle(request));
  }
});
process.stdin.on("end", () => {
  if (pending.length > 0) stop(`input ended inside a frame (${pending.length} bytes)`);
});
