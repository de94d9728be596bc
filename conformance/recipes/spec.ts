/**
 * Vectors derived from the spec itself, so that a new message type needs no hand recipe (CONTRIBUTING.md): each
 * message type's schema `examples` are valid vectors, and from its first example come the frames it must reject:
 * each required field left out (`MissingField` there), each top-level field of a checkable type holding a value of
 * another MessagePack kind (`WrongType` there), and an `etype` that contradicts the type's const or pattern
 * (`InvalidValue` at `etype`, SPEC §4.6 rule 1). The hand recipes stay for wire-level and real-producer cases.
 */
import { protocolOf } from "../../core/src/ir/protocol.js";
import type { Field, Ir, RecordDef, TypeRef } from "../../core/src/ir/types.js";
import { defaultSpec } from "../../reference/src/schema/spec.js";
import { parseJsonForm } from "../../reference/src/value/json-form.js";
import { int, map, str, type MapValue, type Value } from "../../reference/src/value/model.js";
import { RawWriter } from "../../reference/src/wire/raw.js";
import { invalid, valid, type ManifestRecipe, type VectorRecipe } from "../src/recipe.js";

const spec = defaultSpec();
const defs = (spec.loaded.doc as { $defs: Record<string, { examples?: unknown[] }> }).$defs;

/** `SetEvent` → `set-event`: vector ids are lower-case. */
const idOf = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2").toLowerCase();
const enc = (v: Value) => new RawWriter().value(v);

/** A value of another MessagePack kind than `t` accepts, when the type is simple enough to be sure; else undefined. */
function wrongKind(ir: Ir, t: TypeRef): Value | undefined {
  switch (t.kind) {
    case "string":
      return int(1);
    case "int":
    case "float":
    case "bool":
    case "array":
      return str("x");
    case "ref": {
      const def = ir.types.get(t.name);
      if (def?.kind === "alias") return wrongKind(ir, def.type);
      if (def?.kind === "record" && def.ztype === undefined) return str("x");
      return def?.kind === "union" ? str("x") : undefined;
    }
    default:
      return undefined; // any, bytes, zdata, maps and nullables: left to the hand recipes
  }
}

/** The example with `field` replaced (`value`) or left out (undefined), keeping the other entries' order. */
function edited(example: MapValue, field: string, value: Value | undefined): MapValue {
  return map(example.entries.flatMap(([k, v]) => (k !== field ? [[k, v] as const] : value === undefined ? [] : [[k, value] as const])));
}

function derive(m: RecordDef): VectorRecipe[] {
  const examples = (defs[m.name]?.examples ?? []).map((x) => parseJsonForm(JSON.stringify(x)));
  const id = `spec.${idOf(m.name)}`;
  const out: VectorRecipe[] = examples.map((value, i) => valid(`${id}.example-${i}`, `${m.name}: example ${i} of the spec`, value, { type: m.name }));
  const first = examples[0];
  if (first?.kind !== "map") return out;
  const present = (f: Field) => first.entries.some(([k]) => k === f.name);
  for (const f of m.fields.filter((x) => x.required && present(x))) {
    out.push(invalid(`${id}.missing-${f.name.toLowerCase()}`, `${m.name} without its required field ${f.name}`, enc(edited(first, f.name, undefined)), "MissingField", { type: m.name, path: [f.name] }));
  }
  for (const f of m.fields.filter(present)) {
    const wrong = wrongKind(spec.ir, f.type);
    if (wrong === undefined) continue;
    out.push(invalid(`${id}.wrong-type-${f.name.toLowerCase()}`, `${m.name} whose ${f.name} is of the wrong kind`, enc(edited(first, f.name, wrong)), "WrongType", { type: m.name, path: [f.name] }));
  }
  // Envelopes accept any etype; catalogued events and responses have theirs.
  const role = protocolOf(spec.ir).role(m);
  if (role === "event" || role === "response") {
    const other = m.event!.etype !== undefined ? `NOT_${m.event!.etype}` : "NOT-A-RESPONSE";
    out.push(invalid(`${id}.etype-contradicts`, `${m.name} read as such, with the etype ${JSON.stringify(other)}`, enc(edited(first, "etype", str(other))), "InvalidValue", { type: m.name, path: ["etype"] }));
  }
  return out;
}

export const fromSpec: ManifestRecipe = {
  manifest: "spec",
  description: "Derived from protocol/vmp.schema.json: every message type's examples, and for each the frames it must reject (a required field left out, a field of the wrong kind, a contradicting etype).",
  vectors: spec.ir.messages.flatMap(derive),
};
