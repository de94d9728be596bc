import { describe, expect, it } from "vitest";
import { buildIr } from "../src/ir/build.js";
import { CHANGE_KINDS, diffSpecs, isAnnounced, requiredBump, type ChangeKind } from "../src/ir/diff.js";

type Doc = { "x-vmp-version": string; $defs: Record<string, any> };

/** A small spec: a server envelope, one event with a record payload, a string enum and a union. */
function base(): Doc {
  return {
    "x-vmp-version": "1.0.0",
    $defs: {
      ServerEvent: {
        type: "object",
        "x-vmp-event": { direction: "server-to-client", envelope: "ServerEvent" },
        properties: { ts: { type: "integer", "x-vmp-wire": "uint64" }, etype: { type: "string", pattern: "^.+$" }, data: { "x-vmp-kind": "any" } },
        required: ["ts", "etype", "data"],
        additionalProperties: false,
      },
      PingData: {
        type: "object",
        description: "What a ping carries.",
        properties: {
          count: { type: "integer", "x-vmp-wire": "uint16" },
          ratio: { type: "number", "x-vmp-wire": "float64" },
          label: { type: "string" },
          mode: { type: "string", enum: ["a", "b"] },
          shape: { $ref: "#/$defs/Shape" },
          note: { type: ["string", "null"] },
          tags: { type: "array", items: { type: "string" }, maxItems: 4 },
          points: { $ref: "#/$defs/ZData", "x-vmp-ndarray": { dtype: ["float32", "float64"], shape: [null, 3] } },
        },
        required: ["count"],
        additionalProperties: false,
      },
      ZData: { "x-vmp-kind": "zdata", type: "object", properties: { ztype: { type: "string" } }, required: ["ztype"], "x-vmp-open": true },
      Circle: { type: "object", properties: { kind: { const: "circle", type: "string" } }, required: ["kind"], additionalProperties: false },
      Square: { type: "object", properties: { kind: { const: "square", type: "string" } }, required: ["kind"], additionalProperties: false },
      Triangle: { type: "object", properties: { kind: { const: "triangle", type: "string" } }, required: ["kind"], additionalProperties: false },
      Shape: { oneOf: [{ $ref: "#/$defs/Circle" }, { $ref: "#/$defs/Square" }, { $ref: "#/$defs/Triangle" }], discriminator: { propertyName: "kind" } },
      PingEvent: {
        type: "object",
        description: "A ping.",
        "x-vmp-event": { direction: "server-to-client", envelope: "ServerEvent" },
        properties: { ts: { type: "integer", "x-vmp-wire": "uint64" }, etype: { const: "PING", type: "string" }, data: { $ref: "#/$defs/PingData" } },
        required: ["ts", "etype", "data"],
        additionalProperties: false,
      },
    },
  };
}

function ir(doc: Doc) {
  const full = { $schema: "https://json-schema.org/draft/2020-12/schema", $id: "urn:test", title: "Test", ...doc };
  const text = JSON.stringify(full);
  return buildIr({ file: "t.json", text, doc: JSON.parse(text), sha256: "0".repeat(64) });
}

/** The kinds of change an edit of the base spec produces. */
function kinds(edit: (d: Doc) => void): ChangeKind[] {
  const next = base();
  edit(next);
  return diffSpecs(ir(base()), ir(next)).map((c) => c.kind);
}

const data = (d: Doc) => d.$defs.PingData as { properties: Record<string, any>; required: string[]; [k: string]: unknown };

describe("vmp breaking: the change kinds", () => {
  const table: [string, (d: Doc) => void, ChangeKind[]][] = [
    ["no change", () => {}, []],
    ["a message type removed", (d) => delete d.$defs.PingEvent, ["message-removed"]],
    ["a type renamed", (d) => {
      d.$defs.Round = d.$defs.Circle;
      delete d.$defs.Circle;
      d.$defs.Shape.oneOf[0].$ref = "#/$defs/Round";
    }, ["type-renamed"]],
    ["a type removed", (d) => {
      delete d.$defs.Shape;
      delete data(d).properties.shape;
    }, ["type-removed", "field-removed"]],
    ["a field removed", (d) => delete data(d).properties.label, ["field-removed"]],
    ["a field renamed", (d) => {
      const p = data(d).properties;
      data(d).properties = Object.fromEntries(Object.entries(p).map(([k, v]) => [k === "label" ? "title" : k, v]));
    }, ["field-renamed"]],
    ["a required field added", (d) => {
      data(d).properties.extra = { type: "boolean" };
      data(d).required.push("extra");
    }, ["field-added-required"]],
    ["an optional field added", (d) => (data(d).properties.extra = { type: "boolean" }), ["field-added-optional"]],
    ["a field newly required", (d) => data(d).required.push("label"), ["field-now-required"]],
    ["a field made optional", (d) => (data(d).required = []), ["field-now-optional"]],
    ["a field retyped", (d) => (data(d).properties.label = { type: "boolean" }), ["field-retyped"]],
    ["an integer narrowed", (d) => (data(d).properties.count["x-vmp-wire"] = "uint8"), ["wire-narrowed"]],
    ["an integer widened", (d) => (data(d).properties.count["x-vmp-wire"] = "uint32"), ["wire-widened"]],
    ["a float width changed", (d) => (data(d).properties.ratio["x-vmp-wire"] = "float32"), ["float-width-changed"]],
    ["a record closed", (d) => {
      d.$defs.PingData["x-vmp-open"] = true;
      delete d.$defs.PingData.additionalProperties;
    }, ["record-opened"]],
    ["an etype changed", (d) => (d.$defs.PingEvent.properties.etype.const = "PONG"), ["etype-changed"]],
    ["an enum value removed", (d) => (data(d).properties.mode.enum = ["a"]), ["enum-value-removed"]],
    ["an enum value added", (d) => (data(d).properties.mode.enum = ["a", "b", "c"]), ["enum-value-added"]],
    ["a union variant removed", (d) => {
      d.$defs.Shape.oneOf.pop();
      delete d.$defs.Triangle;
    }, ["type-removed", "enum-value-removed"]],
    ["nil no longer accepted", (d) => (data(d).properties.note = { type: "string" }), ["nullable-removed"]],
    ["nil now accepted", (d) => (data(d).properties.label = { type: ["string", "null"] }), ["nullable-added"]],
    ["a bound tightened", (d) => (data(d).properties.tags.maxItems = 2), ["constraint-tightened"]],
    ["a bound loosened", (d) => delete data(d).properties.tags.maxItems, ["constraint-loosened"]],
    ["a pattern added", (d) => (data(d).properties.label.pattern = "^x"), ["constraint-tightened"]],
    ["a typed array loses a dtype", (d) => (data(d).properties.points["x-vmp-ndarray"].dtype = ["float32"]), ["array-dtype-removed"]],
    ["a typed array takes any dtype", (d) => delete data(d).properties.points["x-vmp-ndarray"].dtype, ["array-dtype-added"]],
    ["a typed array swaps a dtype", (d) => (data(d).properties.points["x-vmp-ndarray"].dtype = ["float32", "float16"]), ["array-dtype-removed", "array-dtype-added"]],
    ["a typed array fixes a free dimension", (d) => (data(d).properties.points["x-vmp-ndarray"].shape = [4, 3]), ["array-shape-narrowed"]],
    ["a typed array changes its dimensions", (d) => (data(d).properties.points["x-vmp-ndarray"].shape = [null, 3, 1]), ["array-shape-narrowed"]],
    ["a typed array frees a fixed dimension", (d) => (data(d).properties.points["x-vmp-ndarray"].shape = [null, null]), ["array-shape-widened"]],
    ["a typed array takes any shape", (d) => delete data(d).properties.points["x-vmp-ndarray"].shape, ["array-shape-widened"]],
    ["a typed array becomes any ZData", (d) => (data(d).properties.points = { $ref: "#/$defs/ZData" }), ["field-retyped"]],
    ["a message type added", (d) => {
      d.$defs.PongEvent = { ...d.$defs.PingEvent, properties: { ...d.$defs.PingEvent.properties, etype: { const: "PONG", type: "string" } } };
    }, ["message-added"]],
    ["a type added", (d) => (d.$defs.Extra = { type: "string" }), ["type-added"]],
    ["a description changed", (d) => (d.$defs.PingEvent.description = "A ping, again."), ["description-changed"]],
  ];
  it.each(table)("%s", (_, edit, expected) => {
    expect(kinds(edit)).toEqual(expected);
  });

  it("covers every change kind but record-closed, which the reverse edit shows", () => {
    const seen = new Set(table.flatMap(([, , k]) => k));
    const closed = diffSpecs(
      ir((() => {
        const d = base();
        d.$defs.PingData["x-vmp-open"] = true;
        delete d.$defs.PingData.additionalProperties;
        return d;
      })()),
      ir(base()),
    ).map((c) => c.kind);
    expect(closed).toEqual(["record-closed"]);
    seen.add("record-closed");
    expect([...seen].sort()).toEqual(Object.keys(CHANGE_KINDS).sort());
  });
});

describe("vmp breaking: versions (SPEC §11.3)", () => {
  const change = (kind: ChangeKind) => ({ kind, class: CHANGE_KINDS[kind], pointer: "", message: "" });
  it("asks for major on wire or source breaks, minor on additions, patch on docs", () => {
    expect(requiredBump([change("field-removed")])).toBe("major");
    expect(requiredBump([change("type-renamed")])).toBe("major");
    expect(requiredBump([change("field-added-optional"), change("description-changed")])).toBe("minor");
    expect(requiredBump([change("description-changed")])).toBe("patch");
    expect(requiredBump([])).toBe("none");
  });

  it("finds unannounced breaks", () => {
    expect(isAnnounced([change("field-removed")], "1.0.0", "1.1.0")).toBe(false);
    expect(isAnnounced([change("field-removed")], "1.0.0", "2.0.0")).toBe(true);
    expect(isAnnounced([change("message-added")], "1.0.0", "1.0.1")).toBe(false);
    expect(isAnnounced([change("message-added")], "1.0.0", "1.1.0")).toBe(true);
    expect(isAnnounced([change("field-removed")], "0.3.0", "0.4.0")).toBe(true);
    expect(isAnnounced([], "1.0.0", "1.0.0")).toBe(true);
    expect(isAnnounced([change("description-changed")], "1.2.0", "1.1.0")).toBe(false);
  });
});
