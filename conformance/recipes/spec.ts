/**
 * Vectors derived from the spec itself, so that a new message type needs no hand recipe (CONTRIBUTING.md): each
 * message type's schema `examples` are valid vectors, and the frames the first example implies must be rejected
 * (a required field left out, a field of the wrong kind, a contradicting etype) are invalid ones. The cases are
 * core's (core/src/ir/examples.ts), shared with the tests generated into every package; this file only encodes
 * them with the reference. The hand recipes stay for wire-level and real-producer cases.
 */
import { specExampleCases, type ExampleCases } from "../../core/src/ir/examples.js";
import { defaultSpec } from "../../reference/src/schema/spec.js";
import { parseJsonForm } from "../../reference/src/value/json-form.js";
import { RawWriter } from "../../reference/src/wire/raw.js";
import { invalid, valid, type ManifestRecipe, type VectorRecipe } from "../src/recipe.js";

const spec = defaultSpec();

/** `SetEvent` → `set-event`: vector ids are lower-case. */
const idOf = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2").toLowerCase();
const jsonForm = (x: unknown) => parseJsonForm(JSON.stringify(x));

function vectors({ message: m, valid: examples, reject }: ExampleCases): VectorRecipe[] {
  const id = `spec.${idOf(m.name)}`;
  return [
    ...examples.map((x, i) => valid(`${id}.example-${i}`, `${m.name}: example ${i} of the spec`, jsonForm(x), { type: m.name })),
    ...reject.map((c) => invalid(`${id}.${c.id}`, c.description, new RawWriter().value(jsonForm(c.frame)), c.kind, { type: m.name, path: [...c.path] })),
  ];
}

export const fromSpec: ManifestRecipe = {
  manifest: "spec",
  description: "Derived from protocol/vmp.schema.json: every message type's examples, and for each the frames it must reject (a required field left out, a field of the wrong kind, a contradicting etype).",
  vectors: specExampleCases(spec.ir).flatMap(vectors),
};
