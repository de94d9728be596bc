/**
 * Message validation (spec §4, §7, §8): picks the message type, checks ZData semantics, validates the
 * structure with ajv, and reports every problem as a typed VmpError with its path.
 *
 * ajv sees the value in its JSON form (bytes as `{"__bytes__": …}`, numbers as JS numbers), which is what the
 * schema describes. What JSON Schema cannot check (ZData arithmetic, exact 64-bit ranges) is checked here.
 */
import type { ErrorObject } from "ajv";
import { VmpError, type ErrorKind, type Path } from "../../../core/src/errors.js";
import { floatNumber, get, type Value } from "../value/model.js";
import { canonicalize, refTo, type Problem } from "./canonical.js";
import type { Spec } from "./spec.js";
import type { ZDataOptions } from "./zdata.js";

export interface ValidateOptions extends ZDataOptions {
  /** Validate as this type instead of selecting one from `etype`. */
  readonly type?: string;
}

export interface ValidationResult {
  /** The type the value was validated as (`any` for a bare value). */
  readonly type: string;
  readonly errors: readonly VmpError[];
  /** The canonical form of the value as `type` (spec §3), when there are no errors. */
  readonly canonical?: Value;
}

const RESPONSE = /^(.+)_RESPONSE@(.+)$/;

/** Selects the message type of a decoded frame (spec §4.6). Throws MissingField/WrongType when it cannot. */
export function selectType(value: Value, spec: Spec): string {
  if (value.kind !== "map") throw new VmpError("WrongType", `a message is a map, got ${value.kind}`);
  const etype = get(value, "etype");
  if (etype === undefined) throw new VmpError("MissingField", "a message needs an etype (or pass --type)", ["etype"]);
  if (etype.kind !== "str") throw new VmpError("WrongType", `etype must be a string, got ${etype.kind}`, ["etype"]);
  const messages = spec.ir.messages.filter((m) => m.event!.envelope !== m.name);
  const exact = messages.find((m) => m.event!.etype === etype.value);
  if (exact) return exact.name;
  const patterned = messages.find((m) => m.event!.etypePattern !== undefined && new RegExp(m.event!.etypePattern, "u").test(etype.value));
  if (patterned) return patterned.name;
  // vrpc-py responses carry the request's rtype (any string) as etype, and always an `ok`.
  return RESPONSE.test(etype.value) || get(value, "ok") !== undefined ? "RpcResponse" : "Message";
}

export function validate(value: Value, spec: Spec, options: ValidateOptions = {}): ValidationResult {
  let type: string;
  try {
    type = options.type ?? selectType(value, spec);
  } catch (e) {
    if (e instanceof VmpError) return { type: "Message", errors: [e] };
    throw e;
  }
  if (type !== "any") spec.validator(type); // an unknown type is a usage error before anything else
  // One schema-directed walk finds what JSON Schema cannot see (ZData arithmetic, exact 64-bit ranges, float
  // conversions) and yields the canonical value; ajv then checks the structure of that value.
  const problems: Problem[] = [];
  const canonical = canonicalize(value, type === "any" ? "any" : refTo(type), spec, options, problems);
  const errors = problems.map((p) => p.error);
  if (type !== "any") {
    const validator = spec.validator(type);
    if (!validator(toView(canonical))) {
      const unreadable = problems.map((p) => p.at);
      for (const err of validator.errors ?? []) {
        const mapped = fromAjv(err, canonical);
        if (mapped && !unreadable.some((at) => isPrefix(at, mapped.path))) errors.push(mapped);
      }
    }
  }
  return errors.length === 0 ? { type, errors, canonical } : { type, errors: inByteOrder(dedupe(errors), value) };
}

/**
 * Errors in the order of the defects' bytes (SPEC §8.1 rule 4): by the position of each path segment in its
 * container, a missing field counting as after the last entry of its map (where a reader notices it). The sort
 * is stable, so errors at one place keep their order.
 */
function inByteOrder(errors: VmpError[], root: Value): VmpError[] {
  if (errors.length < 2) return errors;
  const index = new Map<Value, Map<string, number>>();
  const positions = new Map(errors.map((e) => [e, positionOf(e.path, root, index)]));
  return [...errors].sort((a, b) => {
    const pa = positions.get(a)!;
    const pb = positions.get(b)!;
    for (let i = 0; i < Math.min(pa.length, pb.length); i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
    return 0; // one path inside the other: the order the checks found them in
  });
}

/** The position of each segment of `path` in its container; `index` caches each map's key positions. */
function positionOf(path: Path, root: Value, index: Map<Value, Map<string, number>>): number[] {
  const out: number[] = [];
  let node: Value | undefined = root;
  for (const seg of path) {
    if (node?.kind === "array" && typeof seg === "number") {
      out.push(seg);
      node = node.items[seg];
    } else if (node?.kind === "map") {
      let keys = index.get(node);
      if (keys === undefined) {
        keys = new Map();
        for (let i = node.entries.length - 1; i >= 0; i--) keys.set(node.entries[i]![0], i);
        index.set(node, keys);
      }
      const i = keys.get(String(seg));
      out.push(i ?? node.entries.length);
      node = i === undefined ? undefined : node.entries[i]![1];
    } else break;
  }
  return out;
}

/**
 * The JSON-form view ajv validates. Byte strings become `{"__bytes__": ""}`: the schema constrains their
 * presence, never their content, so encoding megabytes as base64 here would be wasted work.
 */
function toView(v: Value): unknown {
  switch (v.kind) {
    case "nil":
      return null;
    case "bool":
    case "str":
      return v.value;
    case "int":
      return Number(v.value);
    case "float":
      return floatNumber(v);
    case "bin":
      return { __bytes__: "" };
    case "array":
      return v.items.map(toView);
    case "map": {
      // A prototype-less object: a key named "__proto__" stays an ordinary key.
      const out: Record<string, unknown> = Object.create(null);
      for (const [k, x] of v.entries) out[k] = toView(x);
      return out;
    }
  }
}

/** Converts an ajv error to a VmpError, with a path into the value (array indices as numbers). */
function fromAjv(err: ErrorObject, root: Value): VmpError | undefined {
  const segments = err.instancePath === "" ? [] : err.instancePath.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  const path: (string | number)[] = [];
  let node: Value | undefined = root;
  for (const seg of segments) {
    if (node?.kind === "array") {
      path.push(Number(seg));
      node = node.items[Number(seg)];
    } else {
      path.push(seg);
      node = node?.kind === "map" ? get(node, seg) : undefined;
    }
  }
  const p = err.params as Record<string, unknown>;
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
      return at(node?.kind === "int" ? "IntegerOutOfRange" : "InvalidValue", `${describeValue(node)} ${err.message ?? ""}`);
    case "oneOf":
    case "discriminator":
      return p.passingSchemas === undefined && err.keyword === "oneOf" ? undefined : at("InvalidValue", err.message ?? "no variant matches");
    default:
      return at("InvalidValue", `${describeValue(node)} ${err.message ?? `fails ${err.keyword}`}`);
  }
}

function describeJsonType(t: string): string {
  const names: Record<string, string> = { integer: "an integer", number: "a number", string: "a string", boolean: "a boolean", array: "an array", object: "a map" };
  return t.split(",").map((x) => names[x] ?? x).join(" or ");
}

function describeValue(v: Value | undefined): string {
  if (v === undefined) return "nothing";
  switch (v.kind) {
    case "nil":
      return "nil";
    case "bool":
      return String(v.value);
    case "int":
      return `integer ${v.value}`;
    case "float":
      return `float${v.width} ${floatNumber(v)}`;
    case "str":
      return v.value.length > 40 ? `a string of ${v.value.length} characters` : JSON.stringify(v.value);
    case "bin":
      return `bin (${v.value.length} bytes)`;
    case "array":
      return `an array of ${v.items.length}`;
    case "map":
      return `a map of ${v.entries.length}`;
  }
}

function isPrefix(prefix: Path, path: Path): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => s === path[i]);
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
