/**
 * Validation of in-memory messages against the spec, with validators compiled ahead of time by ajv (validate.ts,
 * generated; no schema is compiled at run time).
 *
 * ajv checks the JSON form the spec describes, so a value is first viewed as JSON: bytes become
 * `{"__bytes__": ""}` (the schema constrains their presence, never their content, so encoding megabytes as base64
 * would be wasted work), bigints and float wrappers become numbers, Maps become objects, ZData instances become
 * their `{ztype}` map (the codec checks the rest of a ZData value). ajv's errors then become VmpErrors with a path
 * into the value, the way `vmp validate` reports them.
 *
 * Hand-written: generators/typescript/support/validation.ts is copied into the generated package as
 * src/validation.ts, its `../runtime/` imports rewritten to `./runtime/`.
 */
import { VmpError, type ErrorKind } from "../runtime/errors.js";
import { NDArray, OpaqueZData, registrationFor, Safetensors, ZImage } from "../runtime/zdata.js";

/** A validation failure: a VmpError of kind MissingField, WrongType, IntegerOutOfRange or InvalidValue. */
export type ValidationError = VmpError;

/** An ajv error object, reduced to what is read here. */
export interface AjvError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

/** A validator compiled by ajv: true when the JSON view is valid, and then `errors` says why not. */
export interface JsonValidator {
  (data: unknown): boolean;
  errors?: readonly AjvError[] | null;
}

/** `validate(typeName, value)` over a set of compiled validators, keyed by message type name. */
export function createValidate<T extends string>(validators: { readonly [K in T]: JsonValidator }) {
  return function validate(typeName: T, value: unknown): ValidationError[] {
    if (!Object.hasOwn(validators, typeName)) throw new TypeError(`validate: unknown message type ${JSON.stringify(typeName)}`);
    const validator = validators[typeName];
    if (validator(toJsonView(value))) return [];
    const errors: VmpError[] = [];
    for (const err of validator.errors ?? []) {
      const mapped = fromAjv(err, value);
      if (mapped !== undefined) errors.push(mapped);
    }
    return dedupe(errors);
  };
}

/** The ztype of a ZData instance (the runtime's classes, or a registered custom type), else undefined. */
function ztypeOf(v: object): string | undefined {
  if (v instanceof NDArray || v instanceof OpaqueZData) return v.ztype;
  if (v instanceof ZImage) return "image";
  if (v instanceof Safetensors) return "safetensor.dict";
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null ? undefined : registrationFor(v)?.name;
}

/** The JSON form of a value as ajv reads it (see the file comment); objects are prototype-less. */
export function toJsonView(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (typeof value !== "object" || value === null) return value;
  if (value instanceof Uint8Array) return { __bytes__: "" };
  if (Array.isArray(value)) return value.map(toJsonView);
  const out: Record<string, unknown> = Object.create(null);
  if (value instanceof Map) {
    for (const [k, v] of value) if (v !== undefined) out[String(k)] = toJsonView(v);
    return out;
  }
  const ztype = ztypeOf(value);
  if (ztype !== undefined) {
    out.ztype = ztype;
    return out;
  }
  // A float wrapper (the runtime's VmpFloat) is its number.
  const primitive = value.valueOf();
  if (typeof primitive === "number") return primitive;
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJsonView(v);
  return out;
}

/** The member of an in-memory value at one path segment. */
function child(node: unknown, seg: string): unknown {
  if (node instanceof Map) return node.get(seg);
  if (typeof node === "object" && node !== null && Object.hasOwn(node, seg)) return (node as Record<string, unknown>)[seg];
  return undefined;
}

/** Converts an ajv error to a VmpError with a path into the value (array indices as numbers), as `vmp validate` does. */
function fromAjv(err: AjvError, root: unknown): VmpError | undefined {
  const segments = err.instancePath === "" ? [] : err.instancePath.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  const path: (string | number)[] = [];
  let node: unknown = root;
  for (const seg of segments) {
    if (Array.isArray(node)) {
      path.push(Number(seg));
      node = node[Number(seg)];
    } else {
      path.push(seg);
      node = child(node, seg);
    }
  }
  const p = err.params;
  const at = (kind: ErrorKind, reason: string, extra?: string) => new VmpError(kind, reason, extra === undefined ? path : [...path, extra]);
  switch (err.keyword) {
    case "required":
      return at("MissingField", "required field is missing", String(p.missingProperty));
    case "additionalProperties":
      return at("InvalidValue", `unknown field "${String(p.additionalProperty)}" in a closed record`, String(p.additionalProperty));
    case "type":
      // In a nullable field ({"oneOf": [S, {"type": "null"}]}) the null branch always fails; S reports.
      if (p.type === "null" && err.schemaPath.includes("/oneOf/")) return undefined;
      return at("WrongType", `expected ${describeJsonType(String(p.type))}, got ${describeValue(node)}`);
    case "const":
      return at("InvalidValue", `expected ${JSON.stringify(p.allowedValue)}, got ${describeValue(node)}`);
    case "enum":
      return at("InvalidValue", `expected one of ${(p.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(", ")}, got ${describeValue(node)}`);
    case "minimum":
    case "maximum":
      return at(isInteger(node) ? "IntegerOutOfRange" : "InvalidValue", `${describeValue(node)} ${err.message ?? ""}`.trimEnd());
    case "oneOf":
    case "discriminator":
      return p.passingSchemas === undefined && err.keyword === "oneOf" ? undefined : at("InvalidValue", err.message ?? "no variant matches");
    default:
      return at("InvalidValue", `${describeValue(node)} ${err.message ?? `fails ${err.keyword}`}`);
  }
}

function isInteger(v: unknown): boolean {
  return typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v));
}

function describeJsonType(t: string): string {
  const names: Record<string, string> = { integer: "an integer", number: "a number", string: "a string", boolean: "a boolean", array: "an array", object: "a map" };
  return t.split(",").map((x) => names[x] ?? x).join(" or ");
}

function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "nil";
  switch (typeof v) {
    case "boolean":
      return String(v);
    case "bigint":
      return `integer ${v}`;
    case "number":
      return Number.isInteger(v) ? `integer ${v}` : `float ${v}`;
    case "string":
      return v.length > 40 ? `a string of ${v.length} characters` : JSON.stringify(v);
    case "object":
      if (v instanceof Uint8Array) return `bin (${v.length} bytes)`;
      if (Array.isArray(v)) return `an array of ${v.length}`;
      if (v instanceof Map) return `a map of ${v.size}`;
      if (ztypeOf(v) !== undefined) return `ZData ${JSON.stringify(ztypeOf(v))}`;
      if (typeof v.valueOf() === "number") return `float ${String(v.valueOf())}`;
      return `a map of ${Object.keys(v).length}`;
    default:
      return typeof v;
  }
}

function dedupe(errors: VmpError[]): VmpError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.kind} ${JSON.stringify(e.path)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

