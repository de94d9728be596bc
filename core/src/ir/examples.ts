/**
 * What a message type's schema `examples` imply, language-neutrally (CONTRIBUTING.md, "Add a message type"): each
 * example (the JSON form, SPEC §9) is a frame its type must accept, and from the first example come the frames it
 * must reject: each required field left out (`MissingField` there), each top-level field of a checkable type
 * holding a value of another MessagePack kind (`WrongType` there), and an `etype` that contradicts the type's const
 * or pattern (`InvalidValue` at `etype`, SPEC §4.6 rule 1), and for each typed array field the example holds an
 * array of a dtype the field does not allow, of another number of dimensions, and of another size where the
 * field fixes one (`InvalidValue` at the field, SPEC §7.11). The vectors (conformance/recipes/spec.ts) and the tests
 * generated into every package read these cases; each side encodes the frames with its own codec.
 */
import { protocolOf } from "./protocol.js";
import type { Field, Ir, RecordDef, TypeRef } from "./types.js";

/** A JSON value of the JSON form, as `JSON.parse` gives it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** The error kinds a derived frame is rejected with. */
export type RejectKind = "MissingField" | "WrongType" | "InvalidValue";

export interface RejectCase {
  /** Unique within the message type, lower-case: `missing-ts`, `wrong-type-value`, `etype-contradicts`. */
  readonly id: string;
  readonly description: string;
  /** The first example with one top-level field left out or replaced, entries in the example's order. */
  readonly frame: JsonObject;
  /** The error decoding `frame` as the message type must report, and where. */
  readonly kind: RejectKind;
  readonly path: readonly string[];
}

export interface ExampleCases {
  readonly message: RecordDef;
  /** The schema's `examples`, in order: each must decode as the message type. */
  readonly valid: readonly JsonValue[];
  readonly reject: readonly RejectCase[];
}

const isObject = (j: JsonValue | undefined): j is JsonObject => typeof j === "object" && j !== null && !Array.isArray(j);

/**
 * A JSON value of another MessagePack kind than `t` accepts, when the type is simple enough to be sure (an integer
 * for a string, a string for numbers, booleans, arrays, records and unions); else undefined.
 */
export function wrongKind(ir: Ir, t: TypeRef): JsonValue | undefined {
  switch (t.kind) {
    case "string":
      return 1;
    case "int":
    case "float":
    case "bool":
    case "array":
    case "ndarray":
      return "x";
    case "ref": {
      const def = ir.types.get(t.name);
      if (def?.kind === "alias") return wrongKind(ir, def.type);
      if (def?.kind === "record" && def.ztype === undefined) return "x";
      return def?.kind === "union" ? "x" : undefined;
    }
    default:
      return undefined; // any, bytes, zdata, maps and nullables: left to the hand recipes
  }
}

/** `example` with `field` replaced (`value`) or left out (undefined), keeping the other entries' order. */
function edited(example: JsonObject, field: string, value: JsonValue | undefined): JsonObject {
  return Object.fromEntries(Object.entries(example).flatMap(([k, v]) => (k !== field ? [[k, v]] : value === undefined ? [] : [[k, value]])));
}

/** The cases of one message type (none when it has no examples). */
export function exampleCases(ir: Ir, m: RecordDef): ExampleCases {
  const valid = (m.examples ?? []) as readonly JsonValue[];
  const reject: RejectCase[] = [];
  const first = valid[0];
  if (isObject(first)) {
    const present = (f: Field) => Object.hasOwn(first, f.name);
    for (const f of m.fields.filter((x) => x.required && present(x))) {
      reject.push({ id: `missing-${f.name.toLowerCase()}`, description: `${m.name} without its required field ${f.name}`, frame: edited(first, f.name, undefined), kind: "MissingField", path: [f.name] });
    }
    for (const f of m.fields.filter(present)) {
      const wrong = wrongKind(ir, f.type);
      if (wrong === undefined) continue;
      reject.push({ id: `wrong-type-${f.name.toLowerCase()}`, description: `${m.name} whose ${f.name} is of the wrong kind`, frame: edited(first, f.name, wrong), kind: "WrongType", path: [f.name] });
    }
    reject.push(...typedArrayCases(ir, m.name, m.fields, first, first, []));
    // Envelopes accept any etype; catalogued events and responses have theirs.
    const role = protocolOf(ir).role(m);
    if (role === "event" || role === "response") {
      const other = m.event!.etype !== undefined ? `NOT_${m.event!.etype}` : "NOT-A-RESPONSE";
      reject.push({ id: "etype-contradicts", description: `${m.name} read as such, with the etype ${JSON.stringify(other)}`, frame: edited(first, "etype", other), kind: "InvalidValue", path: ["etype"] });
    }
  }
  return { message: m, valid, reject };
}

/**
 * The frames a typed array field (SPEC §7.11) present in the example must reject, each `InvalidValue` at the field:
 * an array of a dtype outside the field's list, one with another number of dimensions, and one whose first fixed
 * dimension has another size. Fields of nested records are reached through the example; array items are not.
 */
function typedArrayCases(ir: Ir, owner: string, fields: readonly Field[], example: JsonObject, node: JsonObject, at: readonly string[]): RejectCase[] {
  const out: RejectCase[] = [];
  for (const f of fields) {
    const value = node[f.name];
    if (value === undefined || value === null) continue;
    const path = [...at, f.name];
    const t = resolved(ir, f.type);
    if (t?.kind === "record" && isObject(value)) {
      out.push(...typedArrayCases(ir, owner, t.fields, example, value, path));
      continue;
    }
    if (t?.kind !== "ndarray") continue;
    const name = path.join(".");
    const replace = (id: string, description: string, array: JsonObject): RejectCase => ({
      id: `${id}-${path.join("-").toLowerCase()}`,
      description: `${owner} whose ${name} ${description}`,
      frame: replacedAt(example, path, array) as JsonObject,
      kind: "InvalidValue",
      path,
    });
    const dtype = t.dtypes?.[0] ?? ir.dtypes[0]!.name;
    const fits = (t.shape ?? [1]).map((d) => d ?? 1);
    const other = ir.dtypes.find((d) => t.dtypes !== undefined && !t.dtypes.includes(d.name));
    if (other !== undefined) out.push(replace("array-dtype", `is an array of ${other.name} (${t.dtypes!.join(", ")} allowed)`, zeros(ir, other.name, fits)));
    if (t.shape !== undefined) {
      out.push(replace("array-ndim", `has ${fits.length + 1} dimensions (${t.shape.length} allowed)`, zeros(ir, dtype, [...fits, 1])));
      const i = t.shape.findIndex((d) => d !== null);
      if (i >= 0) out.push(replace("array-dim", `has size ${t.shape[i]! + 1} on axis ${i} (${t.shape[i]} required)`, zeros(ir, dtype, fits.map((d, j) => (j === i ? d + 1 : d)))));
    }
  }
  return out;
}

/** What a type reference stands for: a typed array, a record (through aliases and nullables), or undefined. */
function resolved(ir: Ir, t: TypeRef): Extract<TypeRef, { kind: "ndarray" }> | RecordDef | undefined {
  if (t.kind === "ndarray") return t;
  if (t.kind === "nullable") return resolved(ir, t.inner);
  if (t.kind !== "ref") return undefined;
  const def = ir.types.get(t.name);
  if (def?.kind === "alias") return resolved(ir, def.type);
  return def?.kind === "record" && def.ztype === undefined ? def : undefined;
}

/** A `numpy.ndarray` of `dtype` and `shape` whose elements are all zero bytes (valid for every dtype). */
function zeros(ir: Ir, dtype: string, shape: readonly number[]): JsonObject {
  const size = shape.reduce((p, d) => p * d, 1) * ir.dtypes.find((d) => d.name === dtype)!.itemSize;
  return { ztype: "numpy.ndarray", b: { __bytes__: Buffer.alloc(size).toString("base64") }, dtype, shape: [...shape] };
}

/** `value` with the entry at `path` (map keys) replaced, other entries in their order. */
function replacedAt(value: JsonObject, path: readonly string[], by: JsonValue): JsonValue {
  const [key, ...rest] = path;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k !== key ? v : rest.length === 0 ? by : replacedAt(v as JsonObject, rest, by)]));
}

/** The cases of every message type that has examples, in declaration order. */
export function specExampleCases(ir: Ir): ExampleCases[] {
  return ir.messages.map((m) => exampleCases(ir, m)).filter((c) => c.valid.length > 0);
}
