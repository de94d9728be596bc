/**
 * Extension by reference (PROFILE §1, core/src/ir/imports.ts) and the cases derived from examples
 * (core/src/ir/examples.ts): a user's spec names VMP's definitions as `urn:vmp:spec:1#/$defs/Name`, gets exactly
 * those (transitively), and lint names every reference it cannot resolve with its JSON Pointer.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildIr, type LoadedSpec } from "../src/ir/build.js";
import { exampleCases } from "../src/ir/examples.js";
import { resolveImports } from "../src/ir/imports.js";
import { lintSpec } from "../src/ir/lint.js";
import { Spec } from "../../reference/src/schema/spec.js";

const VMP = "urn:vmp:spec:1";
const baseDefs = (JSON.parse(readFileSync("protocol/vmp.schema.json", "utf8")) as { $defs: Record<string, unknown> }).$defs;

const spec = (defs: Record<string, unknown>) => ({
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "urn:example:robot:1",
  title: "Robot",
  "x-vmp-version": "0.1.0",
  $defs: defs,
});
const loaded = (doc: unknown): LoadedSpec => ({ file: "robot.schema.json", text: JSON.stringify(doc), doc, sha256: "0".repeat(64) });
const lint = (doc: unknown) => lintSpec(doc).map((e) => `${e.pointer}: ${e.reason}`);

/** A client event of the user's, on VMP's ClientEvent envelope, with one example. */
const hello = {
  description: "HELLO: the robot says hello.",
  "x-vmp-event": { direction: "client-to-server", envelope: `${VMP}#/$defs/ClientEvent` },
  type: "object",
  properties: {
    ts: { $ref: `${VMP}#/$defs/Timestamp` },
    etype: { type: "string", const: "HELLO" },
    value: { type: "string" },
    key: { $ref: `${VMP}#/$defs/ComponentKey` },
    rtype: { type: "string" },
  },
  required: ["ts", "etype", "value"],
  additionalProperties: false,
  examples: [{ ts: 1, etype: "HELLO", value: "hi" }],
};

describe("extension by reference", () => {
  it("pulls in exactly the referenced definitions, transitively, and the selection fallbacks with an envelope", () => {
    const r = resolveImports(spec({ HelloEvent: hello }));
    expect(r.findings).toEqual([]);
    const imported = [...r.imported.keys()].sort();
    // ClientEvent refers to Timestamp, Any and ComponentKey; an envelope brings RpcResponse and Message (SPEC §4.6).
    expect(imported).toEqual(["Any", "ClientEvent", "ComponentKey", "Message", "RpcResponse", "Timestamp"]);
    expect(imported.every((n) => baseDefs[n] !== undefined)).toBe(true);
    expect(new Set(r.imported.values())).toEqual(new Set([VMP]));
    // Every reference is local after resolution; the imported definitions come first, in the base's order.
    const text = JSON.stringify(r.doc);
    expect(text).not.toContain(`${VMP}#`);
    const order = Object.keys((r.doc as { $defs: object }).$defs);
    expect(order.at(-1)).toBe("HelloEvent");
    const inBase = Object.keys(baseDefs);
    expect(order.slice(0, -1)).toEqual(inBase.filter((n) => r.imported.has(n)));
  });

  it("builds an IR whose imported types name their origin, and whose catalogue is the user's", () => {
    const ir = buildIr(loaded(spec({ HelloEvent: hello })));
    expect(ir.types.get("HelloEvent")!.origin).toBeUndefined();
    expect(ir.types.get("ClientEvent")!.origin).toBe(VMP);
    const hi = ir.messages.find((m) => m.name === "HelloEvent")!;
    expect(hi.event).toEqual({ direction: "client-to-server", envelope: "ClientEvent", etype: "HELLO" });
    expect(ir.types.has("SetEvent")).toBe(false); // VMP's own events do not come along
    expect(ir.errorKinds.length).toBeGreaterThan(0); // the tables are inherited
  });

  it("reports an unknown base, a malformed reference, a missing definition and a name collision with their pointers", () => {
    const doc = spec({
      HelloEvent: hello,
      P: {
        type: "object",
        properties: { a: { $ref: "urn:nope:1#/$defs/X" }, b: { $ref: `${VMP}#/properties/x` }, c: { $ref: `${VMP}#/$defs/Nope` } },
        additionalProperties: false,
      },
      Timestamp: { type: "integer", "x-vmp-wire": "uint64" },
    });
    expect(lint(doc)).toEqual([
      `/$defs/P/properties/a/$ref: unknown base spec "urn:nope:1": the toolchain ships "${VMP}"`,
      `/$defs/P/properties/b/$ref: a reference to a base spec names one of its definitions, as "${VMP}#/$defs/Name"; got "${VMP}#/properties/x"`,
      `/$defs/P/properties/c/$ref: ${VMP} has no definition "Nope" (no ${VMP}#/$defs/Nope)`,
      `/$defs/Timestamp: type name "Timestamp" collides with the definition imported from ${VMP}#/$defs/Timestamp`,
    ]);
  });

  it("reports an envelope named by an unresolvable reference once, at the envelope", () => {
    const doc = spec({ HelloEvent: { ...hello, "x-vmp-event": { direction: "both", envelope: `${VMP}#/$defs/Nope` } } });
    expect(lint(doc)).toEqual([`/$defs/HelloEvent/x-vmp-event/envelope: ${VMP} has no definition "Nope" (no ${VMP}#/$defs/Nope)`]);
  });

  it("ajv (the reference) validates such a spec's types, imported ones through the base schema", () => {
    const s = new Spec(loaded(spec({ HelloEvent: hello })));
    const own = s.validator("HelloEvent");
    expect(own({ ts: 1, etype: "HELLO", value: "hi" })).toBe(true);
    expect(own({ ts: 1, etype: "BYE", value: "hi" })).toBe(false);
    expect(own({ ts: "x", etype: "HELLO", value: "hi" })).toBe(false); // Timestamp, from the base: an integer
    expect(s.validator("ClientEvent")({ etype: "ANY", value: [1] })).toBe(true);
    expect(s.validator("ClientEvent")({ value: 1 })).toBe(false);
  });

  it("leaves a spec without references to a base as it is", () => {
    const doc = spec({ A: { type: "string" } });
    expect(resolveImports(doc).doc).toBe(doc);
  });
});

describe("the cases derived from a message type's examples", () => {
  it("valid: each example; rejected: each required field left out, each checkable field of the wrong kind, a contradicting etype", () => {
    const ir = buildIr(loaded(spec({ HelloEvent: hello })));
    const c = exampleCases(ir, ir.messages.find((m) => m.name === "HelloEvent")!);
    expect(c.valid).toEqual(hello.examples);
    expect(c.reject.map((r) => [r.id, r.kind, r.path.join("."), JSON.stringify(r.frame)])).toEqual([
      ["missing-ts", "MissingField", "ts", '{"etype":"HELLO","value":"hi"}'],
      ["missing-etype", "MissingField", "etype", '{"ts":1,"value":"hi"}'],
      ["missing-value", "MissingField", "value", '{"ts":1,"etype":"HELLO"}'],
      ["wrong-type-ts", "WrongType", "ts", '{"ts":"x","etype":"HELLO","value":"hi"}'],
      ["wrong-type-etype", "WrongType", "etype", '{"ts":1,"etype":1,"value":"hi"}'],
      ["wrong-type-value", "WrongType", "value", '{"ts":1,"etype":"HELLO","value":1}'],
      ["etype-contradicts", "InvalidValue", "etype", '{"ts":1,"etype":"NOT_HELLO","value":"hi"}'],
    ]);
  });

  it("an envelope accepts any etype, so none contradicts it", () => {
    const ir = buildIr(loaded(spec({ HelloEvent: hello })));
    const envelope = ir.messages.find((m) => m.name === "RpcResponse")!;
    expect(exampleCases(ir, envelope).reject.some((r) => r.id === "etype-contradicts")).toBe(false);
  });
});
