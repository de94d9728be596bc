import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lintSpec } from "../src/ir/lint.js";

const base = () => ({
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "urn:test",
  title: "Test",
  "x-vmp-version": "1.0.0",
  $defs: {} as Record<string, unknown>,
});

/** Lints a spec made of these $defs and returns "pointer: reason" lines. */
function lint(defs: Record<string, unknown>, root: Record<string, unknown> = {}): string[] {
  return lintSpec({ ...base(), ...root, $defs: defs }).map((e) => `${e.pointer}: ${e.reason}`);
}

const record = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: "object",
  properties,
  additionalProperties: false,
  ...extra,
});

describe("vmp lint: the VMP profile", () => {
  it("accepts the repository's spec", () => {
    expect(lintSpec(JSON.parse(readFileSync("protocol/vmp.schema.json", "utf8")))).toEqual([]);
  });

  it("accepts a minimal clean spec", () => {
    expect(lint({ Point: record({ x: { type: "number", "x-vmp-wire": "float64" } }, { required: ["x"] }) })).toEqual([]);
  });

  it("requires the root metadata", () => {
    const out = lintSpec({ $defs: {} }).map((e) => e.pointer);
    expect(out).toEqual(["/$schema", "/$id", "/title", "/x-vmp-version"]);
  });

  it("rejects a root type", () => {
    expect(lint({}, { type: "object" })).toEqual(['/type: "type" is not allowed at the root (the message set is the event catalogue, not a root schema)']);
  });

  it("requires a wire type on numbers and integers", () => {
    expect(lint({ P: record({ x: { type: "number" }, n: { type: "integer", "x-vmp-wire": "float64" } }) })).toEqual([
      '/$defs/P/properties/x: a number must declare its wire type: "x-vmp-wire" one of float32, float64',
      '/$defs/P/properties/n: an integer must declare its wire type: "x-vmp-wire" one of int8, int16, int32, int64, uint8, uint16, uint32, uint64',
    ]);
  });

  it("rejects bounds outside the wire range", () => {
    expect(lint({ P: record({ n: { type: "integer", "x-vmp-wire": "uint8", maximum: 300 } }) })).toEqual([
      "/$defs/P/properties/n/maximum: maximum 300 lies outside the range of uint8",
    ]);
  });

  it("requires records to be closed unless marked open", () => {
    expect(lint({ P: { type: "object", properties: {} } })).toEqual([
      '/$defs/P: a record must be closed ("additionalProperties": false) unless marked "x-vmp-open": true',
    ]);
    expect(lint({ P: { type: "object", properties: {}, "x-vmp-open": true } })).toEqual([]);
  });

  it("rejects untagged unions and anyOf", () => {
    expect(lint({ U: { oneOf: [{ type: "string" }, { type: "boolean" }] }, V: { anyOf: [{ type: "string" }] } })).toEqual([
      '/$defs/U: a union must be tagged ("discriminator": {"propertyName": …}) or be the nullable form [S, {"type": "null"}]',
      '/$defs/V/anyOf: "anyOf" is not allowed in the VMP profile',
      '/$defs/V: every schema needs a "type", a "$ref", a "oneOf" or "x-vmp-kind": "any"',
    ]);
  });

  it("accepts a tagged union and the nullable form, and checks tag values", () => {
    const a = record({ t: { type: "string", const: "a" } });
    const b = record({ t: { type: "string", const: "a" } });
    expect(lint({ A: a, B: b, U: { oneOf: [{ $ref: "#/$defs/A" }, { $ref: "#/$defs/B" }], discriminator: { propertyName: "t" } } })).toEqual([
      '/$defs/U/oneOf/1: tag value "a" is already used by branch 0',
    ]);
    expect(lint({ N: { oneOf: [{ type: "string" }, { type: "null" }] } })).toEqual([]);
  });

  it("rejects dangling and remote references", () => {
    expect(lint({ P: record({ a: { $ref: "#/$defs/Nope" }, b: { $ref: "other.json#/x" } }) })).toEqual([
      '/$defs/P/properties/a/$ref: reference to an undefined type "Nope"',
      '/$defs/P/properties/b/$ref: only local references of the form "#/$defs/Name" are allowed, got "other.json#/x"',
    ]);
  });

  it("rejects anonymous records and name collisions", () => {
    expect(lint({ P: record({ inner: record({}) }), Point: record({}), POINT: record({}) })).toEqual([
      "/$defs/P/properties/inner: a record must be a $defs entry or carry a PascalCase title: its name comes from the spec",
      '/$defs/POINT: type name "POINT" collides with the type at /$defs/Point',
    ]);
  });

  it("checks required names and message envelopes", () => {
    const env = record(
      { ts: { type: "integer", "x-vmp-wire": "uint64" }, etype: { type: "string", pattern: "^.+$" } },
      { "x-vmp-event": { direction: "both", envelope: "Env" } },
    );
    const ev = record(
      { etype: { type: "string", const: "X" }, ts: { type: "integer", "x-vmp-wire": "uint64" } },
      { required: ["nope"], "x-vmp-event": { direction: "server-to-client", envelope: "Env" } },
    );
    expect(lint({ Env: env, Ev: ev })).toEqual([
      '/$defs/Ev/required: required property "nope" is not declared in properties',
      "/$defs/Ev/properties: a Env must start with the envelope fields in order (ts, etype); got etype, ts",
    ]);
  });
});
