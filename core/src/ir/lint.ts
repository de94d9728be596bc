/**
 * `vmp lint`: checks a spec document against the VMP schema profile (protocol/PROFILE.md) and reports every
 * violation with its JSON Pointer and a one-line reason. Generators run only on a spec with no findings.
 */
import { SpecError } from "../errors.js";
import { resolveImports } from "./imports.js";
import { baseTables, lintTables } from "./tables.js";
import { FLOAT_WIRES, INT_WIRES, intWireRange, type IntWire } from "./types.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

/** The profile's own keywords, which JSON Schema validators (ajv in strict mode) must accept as annotations. */
export const PROFILE_KEYWORDS = ["x-vmp-wire", "x-vmp-open", "x-vmp-kind", "x-vmp-ztype", "x-vmp-event", "x-vmp-ndarray", "x-vmp-catalogue", "x-vmp-version", "x-vmp-errors", "x-vmp-dtypes"];

const ROOT_KEYS = new Set(["$schema", "$id", "title", "description", "x-vmp-version", "x-vmp-errors", "x-vmp-dtypes", "$defs", "$comment"]);
const SCHEMA_KEYWORDS = new Set([
  "type", "properties", "required", "additionalProperties", "items", "minItems", "maxItems", "$ref", "oneOf",
  "discriminator", "const", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum",
  "title", "description", "examples", "default", "deprecated", "contentEncoding", "$comment",
  "x-vmp-wire", "x-vmp-open", "x-vmp-kind", "x-vmp-ztype", "x-vmp-event", "x-vmp-ndarray", "x-vmp-catalogue",
]);
/** Keywords that may stand beside `$ref` (they annotate, they do not constrain). */
const ANNOTATIONS = new Set(["title", "description", "examples", "default", "deprecated", "$comment"]);
const KINDS = new Set(["bytes", "any", "zdata", "map"]);
const TYPES = new Set(["integer", "number", "string", "boolean", "null", "array", "object"]);
const DIRECTIONS = new Set(["server-to-client", "client-to-server", "both"]);
const DEF_NAME = /^[A-Z][A-Za-z0-9]*$/;
const DRAFT_2020 = "https://json-schema.org/draft/2020-12/schema";
/** At most this many dimensions in a shape (SPEC §7.3). */
const MAX_DIMS = 64;

const isObj = (j: Json | undefined): j is Obj => typeof j === "object" && j !== null && !Array.isArray(j);
const esc = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

/** Lints a parsed spec document; returns the findings in document order (empty when the spec is clean). */
export function lintSpec(doc: unknown): SpecError[] {
  const out: SpecError[] = [];
  const report = (pointer: string, reason: string) => out.push(new SpecError(pointer, reason));
  if (!isObj(doc as Json)) {
    report("", "the spec must be a JSON object");
    return out;
  }
  // References to a base spec's definitions (PROFILE §1) are resolved first; the rules below see the result.
  const imports = resolveImports(doc);
  out.push(...imports.findings);
  const root = imports.doc as Obj;
  for (const key of Object.keys(root)) if (!ROOT_KEYS.has(key)) report(`/${esc(key)}`, `"${key}" is not allowed at the root (the message set is the event catalogue, not a root schema)`);
  if (root.$schema !== DRAFT_2020) report("/$schema", `must be "${DRAFT_2020}"`);
  for (const key of ["$id", "title", "x-vmp-version"]) if (typeof root[key] !== "string") report(`/${key}`, `"${key}" is required and must be a string`);
  if (typeof root["x-vmp-version"] === "string" && !/^\d+\.\d+\.\d+$/.test(root["x-vmp-version"])) report("/x-vmp-version", "must be a semver version such as 1.0.0");
  lintTables(root, report);
  const defs = root.$defs;
  if (!isObj(defs)) {
    report("/$defs", "the spec must define its types in $defs");
    return out;
  }
  const dtypes = isObj(root["x-vmp-dtypes"]) ? Object.keys(root["x-vmp-dtypes"]) : baseTables().dtypes.map((d) => d.name);
  new Linter(defs, report, new Set(dtypes)).run();
  return out;
}

class Linter {
  /** Record names (defs and titled inline records), lower-cased, for collision checks. */
  private readonly names = new Map<string, string>();

  constructor(
    private readonly defs: Obj,
    private readonly report: (pointer: string, reason: string) => void,
    /** The dtype vocabulary (the spec's `x-vmp-dtypes`, or the base protocol's). */
    private readonly dtypes: ReadonlySet<string>,
  ) {}

  run(): void {
    for (const [name, schema] of Object.entries(this.defs)) {
      const ptr = `/$defs/${esc(name)}`;
      if (!DEF_NAME.test(name)) this.report(ptr, `type name "${name}" must be PascalCase (^[A-Z][A-Za-z0-9]*$)`);
      this.claimName(name, ptr);
      this.schema(schema, ptr, true);
      if (isObj(schema)) {
        if (schema["x-vmp-event"] !== undefined) this.event(name, schema, ptr);
        if (schema["x-vmp-ztype"] !== undefined) this.ztype(schema, ptr);
        if (schema["x-vmp-catalogue"] !== undefined) lintCatalogueRow(schema, ptr, this.report);
      }
    }
    this.uniqueEtypes();
  }

  private claimName(name: string, ptr: string): void {
    const prior = this.names.get(name.toLowerCase());
    if (prior !== undefined) this.report(ptr, `type name "${name}" collides with the type at ${prior}`);
    else this.names.set(name.toLowerCase(), ptr);
  }

  private def(name: string): Obj | undefined {
    const d = this.defs[name];
    return isObj(d) ? d : undefined;
  }

  /** Resolves a `#/$defs/Name` reference to its name, or undefined. */
  private refName(ref: Json | undefined): string | undefined {
    return typeof ref === "string" && ref.startsWith("#/$defs/") ? ref.slice("#/$defs/".length) : undefined;
  }

  private schema(s: Json | undefined, ptr: string, named: boolean): void {
    if (!isObj(s)) {
      this.report(ptr, "a schema must be a JSON object (boolean schemas hide the type)");
      return;
    }
    for (const key of Object.keys(s)) if (!SCHEMA_KEYWORDS.has(key)) this.report(`${ptr}/${esc(key)}`, `"${key}" is not allowed in the VMP profile`);
    if (s.$ref !== undefined) return this.ref(s, ptr);
    if (s["x-vmp-ndarray"] !== undefined) this.report(`${ptr}/x-vmp-ndarray`, 'x-vmp-ndarray types an array only beside "$ref" to the ZData definition ("x-vmp-kind": "zdata")');
    if (s.oneOf !== undefined) return this.oneOf(s, ptr);
    const kind = s["x-vmp-kind"];
    if (kind !== undefined && (typeof kind !== "string" || !KINDS.has(kind))) this.report(`${ptr}/x-vmp-kind`, `must be one of ${[...KINDS].join(", ")}`);
    if (s.type === undefined) {
      if (kind === "any") return;
      this.report(ptr, 'every schema needs a "type", a "$ref", a "oneOf" or "x-vmp-kind": "any"');
      return;
    }
    const type = this.type(s.type, ptr);
    if (type === undefined) return;
    this.numeric(s, type, ptr);
    if (type !== "string" && (s.pattern !== undefined || s.minLength !== undefined || s.maxLength !== undefined)) this.report(ptr, `pattern/minLength/maxLength apply to strings, not ${type}`);
    if (typeof s.pattern === "string") this.pattern(s.pattern, `${ptr}/pattern`);
    if (type === "array") {
      if (s.items === undefined) this.report(ptr, 'an array must say what it holds with "items"');
      else this.schema(s.items, `${ptr}/items`, false);
    } else if (s.items !== undefined || s.minItems !== undefined || s.maxItems !== undefined) {
      this.report(ptr, `items/minItems/maxItems apply to arrays, not ${type}`);
    }
    if (type === "object") this.object(s, ptr, named);
    else if (s.properties !== undefined || s.additionalProperties !== undefined || s.required !== undefined) this.report(ptr, `properties/required/additionalProperties apply to objects, not ${type}`);
  }

  private ref(s: Obj, ptr: string): void {
    const name = this.refName(s.$ref);
    if (typeof s.$ref === "string" && /^[^#]+#/.test(s.$ref)) {
      // A reference to a base spec that resolveImports could not resolve: reported there.
    } else if (name === undefined) this.report(`${ptr}/$ref`, `only local references "#/$defs/Name" and references to a base spec's definitions ("urn:vmp:spec:1#/$defs/Name") are allowed, got ${JSON.stringify(s.$ref)}`);
    else if (this.defs[name] === undefined) this.report(`${ptr}/$ref`, `reference to an undefined type "${name}"`);
    const target = name === undefined ? undefined : this.def(name);
    // A variant's map is ZData on the wire, but no binding types a value as one variant (PROFILE §3).
    if (target?.["x-vmp-ztype"] !== undefined) this.report(`${ptr}/$ref`, `a ZData variant (${name}) cannot type a value: use "#/$defs/ZData" for any ZData, with "x-vmp-ndarray" for an array`);
    for (const key of Object.keys(s)) {
      if (key === "x-vmp-ndarray") this.ndarray(s[key], `${ptr}/x-vmp-ndarray`, target?.["x-vmp-kind"] === "zdata");
      else if (key !== "$ref" && !ANNOTATIONS.has(key)) this.report(`${ptr}/${esc(key)}`, `"${key}" beside "$ref" would change the referenced type; define a new type instead`);
    }
  }

  /** `x-vmp-ndarray` (PROFILE §3): `{"dtype"?: [names], "shape"?: [size | null, …]}` beside a `$ref` to ZData. */
  private ndarray(k: Json | undefined, ptr: string, onZData: boolean): void {
    if (!onZData) this.report(ptr, 'x-vmp-ndarray types an array only beside "$ref" to the ZData definition ("x-vmp-kind": "zdata")');
    if (!isObj(k)) {
      this.report(ptr, 'must be an object {"dtype"?: [dtype names], "shape"?: [sizes or null]}');
      return;
    }
    for (const key of Object.keys(k)) if (key !== "dtype" && key !== "shape") this.report(`${ptr}/${esc(key)}`, `"${key}" is not an x-vmp-ndarray property (dtype, shape)`);
    const dtype = k.dtype;
    if (dtype !== undefined) {
      if (!Array.isArray(dtype) || dtype.length === 0) this.report(`${ptr}/dtype`, "must be a non-empty array of dtype names");
      else
        dtype.forEach((d, i) => {
          if (typeof d !== "string" || !this.dtypes.has(d)) this.report(`${ptr}/dtype/${i}`, `${JSON.stringify(d)} is not a dtype of x-vmp-dtypes (${[...this.dtypes].join(", ")})`);
          else if (dtype.indexOf(d) !== i) this.report(`${ptr}/dtype/${i}`, `dtype "${d}" is listed twice`);
        });
    }
    const shape = k.shape;
    if (shape === undefined) return;
    if (!Array.isArray(shape)) {
      this.report(`${ptr}/shape`, "must be an array with one entry per dimension: a size, or null for any size");
      return;
    }
    if (shape.length > MAX_DIMS) this.report(`${ptr}/shape`, `${shape.length} dimensions; an array has at most ${MAX_DIMS}`);
    shape.forEach((d, i) => {
      if (d !== null && !(typeof d === "number" && Number.isSafeInteger(d) && d >= 0)) this.report(`${ptr}/shape/${i}`, `must be a non-negative integer size or null (any size), got ${JSON.stringify(d)}`);
    });
  }

  /** Returns the non-null JSON type, accepting `[T, "null"]` as the nullable form. */
  private type(t: Json, ptr: string): string | undefined {
    if (typeof t === "string") {
      if (TYPES.has(t)) return t;
    } else if (Array.isArray(t) && t.length === 2 && t.includes("null")) {
      const other = t.find((x) => x !== "null");
      if (typeof other === "string" && TYPES.has(other) && other !== "null") return other;
    }
    this.report(`${ptr}/type`, `must be one JSON type, or [type, "null"] for a nullable value; got ${JSON.stringify(t)}`);
    return undefined;
  }

  private numeric(s: Obj, type: string, ptr: string): void {
    const wire = s["x-vmp-wire"];
    if (type === "integer" || type === "number") {
      const allowed: readonly string[] = type === "integer" ? INT_WIRES : FLOAT_WIRES;
      if (typeof wire !== "string" || !allowed.includes(wire)) {
        this.report(ptr, `a${type === "integer" ? "n integer" : " number"} must declare its wire type: "x-vmp-wire" one of ${allowed.join(", ")}`);
        return;
      }
      if (type === "integer") {
        const { min, max } = intWireRange(wire as IntWire);
        for (const key of ["minimum", "maximum"] as const) {
          const b = s[key];
          if (b === undefined) continue;
          if (typeof b !== "number" || !Number.isInteger(b)) this.report(`${ptr}/${key}`, `${key} of an integer must be an integer`);
          else if (BigInt(b) < min || BigInt(b) > max) this.report(`${ptr}/${key}`, `${key} ${b} lies outside the range of ${wire}`);
        }
      }
    } else if (wire !== undefined) {
      this.report(`${ptr}/x-vmp-wire`, `x-vmp-wire applies to integers and numbers, not ${type}`);
    } else if (s.minimum !== undefined || s.maximum !== undefined) {
      this.report(ptr, `minimum/maximum apply to integers and numbers, not ${type}`);
    }
  }

  private pattern(p: string, ptr: string): void {
    try {
      new RegExp(p, "u");
    } catch (e) {
      this.report(ptr, `invalid regular expression: ${(e as Error).message}`);
    }
    if (/\(\?<?[=!]|\\[1-9]/.test(p)) this.report(ptr, "lookaround and back-references are not portable to every binding's regex engine");
  }

  private object(s: Obj, ptr: string, named: boolean): void {
    const kind = s["x-vmp-kind"];
    const props = s.properties;
    const open = s["x-vmp-open"];
    if (open !== undefined && open !== true) this.report(`${ptr}/x-vmp-open`, "x-vmp-open must be true when present");
    if (kind === "map") {
      if (props !== undefined) this.report(ptr, "a map (x-vmp-kind: map) has no declared properties");
      if (!isObj(s.additionalProperties)) this.report(ptr, "a map must give the type of its values in additionalProperties");
      else this.schema(s.additionalProperties, `${ptr}/additionalProperties`, false);
      return;
    }
    if (!isObj(props)) {
      this.report(ptr, 'an object must be a record (with "properties") or a map (with "x-vmp-kind": "map")');
      return;
    }
    if (!named) {
      if (typeof s.title !== "string" || !DEF_NAME.test(s.title)) this.report(ptr, "a record must be a $defs entry or carry a PascalCase title: its name comes from the spec");
      else this.claimName(s.title, ptr);
    }
    for (const [key, sub] of Object.entries(props)) this.schema(sub, `${ptr}/properties/${esc(key)}`, false);
    const required = s.required ?? [];
    if (!Array.isArray(required) || required.some((r) => typeof r !== "string")) this.report(`${ptr}/required`, "required must be an array of property names");
    else for (const r of required) if (!(String(r) in props)) this.report(`${ptr}/required`, `required property "${String(r)}" is not declared in properties`);
    const extra = s.additionalProperties;
    if (open === true) {
      if (extra !== undefined && extra !== true) this.report(`${ptr}/additionalProperties`, "an open record (x-vmp-open) keeps any extra field: additionalProperties must be absent or true");
    } else if (extra !== false) {
      this.report(ptr, 'a record must be closed ("additionalProperties": false) unless marked "x-vmp-open": true');
    }
  }

  private oneOf(s: Obj, ptr: string): void {
    const branches = s.oneOf;
    if (!Array.isArray(branches) || branches.length < 2) {
      this.report(`${ptr}/oneOf`, "oneOf needs at least two branches");
      return;
    }
    const isNull = (b: Json) => isObj(b) && b.type === "null" && Object.keys(b).every((k) => k === "type" || ANNOTATIONS.has(k));
    const nulls = branches.filter(isNull).length;
    if (nulls === 1 && branches.length === 2) {
      branches.forEach((b, i) => isNull(b) || this.schema(b, `${ptr}/oneOf/${i}`, false));
      return;
    }
    const disc = s.discriminator;
    const tag = isObj(disc) && typeof disc.propertyName === "string" ? disc.propertyName : undefined;
    if (tag === undefined) {
      this.report(ptr, 'a union must be tagged ("discriminator": {"propertyName": …}) or be the nullable form [S, {"type": "null"}]');
      return;
    }
    const seen = new Map<string, number>();
    branches.forEach((b, i) => {
      const bp = `${ptr}/oneOf/${i}`;
      const name = isObj(b) ? this.refName(b.$ref) : undefined;
      const target = name === undefined ? undefined : this.def(name);
      const tagSchema = target && isObj(target.properties) ? target.properties[tag] : undefined;
      const value = isObj(tagSchema) ? tagSchema.const : undefined;
      if (typeof value !== "string") {
        this.report(bp, `every branch of a tagged union must be a $ref to a record whose "${tag}" is a string const`);
        return;
      }
      if (seen.has(value)) this.report(bp, `tag value "${value}" is already used by branch ${seen.get(value)}`);
      seen.set(value, i);
    });
  }

  private event(name: string, s: Obj, ptr: string): void {
    const ev = s["x-vmp-event"];
    const ep = `${ptr}/x-vmp-event`;
    if (!isObj(ev) || typeof ev.direction !== "string" || !DIRECTIONS.has(ev.direction) || typeof ev.envelope !== "string") {
      this.report(ep, `must be {"direction": ${[...DIRECTIONS].map((d) => `"${d}"`).join(" | ")}, "envelope": "<envelope type name>"}`);
      return;
    }
    const props = isObj(s.properties) ? s.properties : undefined;
    const etype = props?.etype;
    if (!isObj(etype) || (typeof etype.const !== "string" && typeof etype.pattern !== "string")) this.report(`${ptr}/properties/etype`, "a message type needs an etype with a const (the event type) or a pattern");
    if (ev.envelope.includes("#")) return; // a base spec's envelope that resolveImports could not resolve: reported there
    const envelope = this.def(ev.envelope);
    const envEvent = envelope?.["x-vmp-event"];
    if (!envelope || !isObj(envEvent) || envEvent.envelope !== ev.envelope) {
      this.report(`${ep}/envelope`, `"${ev.envelope}" is not an envelope (a message type whose x-vmp-event names itself)`);
      return;
    }
    if (ev.envelope === name || !props || !isObj(envelope.properties)) return;
    const want = Object.keys(envelope.properties);
    const got = Object.keys(props).slice(0, want.length);
    if (want.join() !== got.join()) this.report(`${ptr}/properties`, `a ${ev.envelope} must start with the envelope fields in order (${want.join(", ")}); got ${got.join(", ")}`);
  }

  private ztype(s: Obj, ptr: string): void {
    const z = s["x-vmp-ztype"];
    const props = isObj(s.properties) ? s.properties : {};
    const first = Object.keys(props)[0];
    const zt = props.ztype;
    if (typeof z !== "string" || first !== "ztype" || !isObj(zt) || zt.const !== z) this.report(`${ptr}/x-vmp-ztype`, `a ZData variant must declare "ztype" first, as {"const": ${JSON.stringify(z)}}`);
  }

  private uniqueEtypes(): void {
    const seen = new Map<string, string>();
    for (const [name, s] of Object.entries(this.defs)) {
      if (!isObj(s) || s["x-vmp-event"] === undefined || !isObj(s.properties)) continue;
      const etype = s.properties.etype;
      if (!isObj(etype) || typeof etype.const !== "string") continue;
      const prior = seen.get(etype.const);
      if (prior !== undefined) this.report(`/$defs/${esc(name)}/properties/etype/const`, `etype "${etype.const}" is already the etype of ${prior}`);
      else seen.set(etype.const, name);
    }
  }
}

/** `x-vmp-catalogue` (PROFILE §5): on a message type, the prose cells of its row in SPEC §5's tables. */
function lintCatalogueRow(s: Obj, ptr: string, report: (pointer: string, reason: string) => void): void {
  const row = s["x-vmp-catalogue"];
  const cells = ["key", "payload", "evidence"];
  const at = `${ptr}/x-vmp-catalogue`;
  if (s["x-vmp-event"] === undefined) report(at, "x-vmp-catalogue belongs to a message type (one with x-vmp-event)");
  if (!isObj(row)) report(at, `must be an object of one-line strings: ${cells.join(", ")}`);
  else {
    for (const [k, v] of Object.entries(row)) {
      if (!cells.includes(k)) report(`${at}/${esc(k)}`, `"${k}" is not a cell of the catalogue (${cells.join(", ")})`);
      else if (typeof v !== "string" || v.trim() === "" || /[\n\r]/.test(v)) report(`${at}/${esc(k)}`, "must be a non-empty one-line string");
    }
  }
}

/**
 * What the profile recommends without requiring it (PROFILE §5): every message type other than an envelope
 * SHOULD carry `examples`, since its examples are where its derived vectors come from (each one valid, and the
 * frames it implies must be rejected: conformance/recipes/spec.ts). A message type without them is checked by
 * no vector unless a hand recipe covers it. `vmp lint` prints these as warnings; nothing refuses a spec for them.
 */
export function lintWarnings(doc: unknown): SpecError[] {
  const defs = isObj(doc as Json) ? (doc as Obj).$defs : undefined;
  if (!isObj(defs)) return [];
  const out: SpecError[] = [];
  for (const [name, s] of Object.entries(defs)) {
    if (!isObj(s) || !isObj(s["x-vmp-event"]) || s["x-vmp-event"].envelope === name) continue;
    if (!Array.isArray(s.examples) || s.examples.length === 0) {
      out.push(new SpecError(`/$defs/${esc(name)}`, "a message type should have examples: without them no vector is derived for it (PROFILE §5)"));
    }
  }
  return out;
}
