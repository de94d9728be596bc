import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lintSpec, lintWarnings } from "../src/ir/lint.js";

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
    expect(lint({ P: record({ a: { $ref: "#/$defs/Nope" }, b: { $ref: "other.json#/x" }, c: { $ref: "other.json" } }) })).toEqual([
      '/$defs/P/properties/b/$ref: unknown base spec "other.json": the toolchain ships "urn:vmp:spec:1"',
      '/$defs/P/properties/a/$ref: reference to an undefined type "Nope"',
      '/$defs/P/properties/c/$ref: only local references "#/$defs/Name" and references to a base spec\'s definitions ("urn:vmp:spec:1#/$defs/Name") are allowed, got "other.json"',
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

  describe("typed arrays (x-vmp-ndarray, PROFILE §3)", () => {
    const zdata = { "x-vmp-kind": "zdata", type: "object", properties: { ztype: { type: "string" } }, required: ["ztype"], "x-vmp-open": true };
    const ndarray = record({ ztype: { type: "string", const: "numpy.ndarray" } }, { "x-vmp-ztype": "numpy.ndarray" });
    const typed = (k: unknown) => ({ $ref: "#/$defs/ZData", "x-vmp-ndarray": k });

    it("accepts dtypes and a shape pattern beside a $ref to ZData, in fields, items and map values", () => {
      const spec = {
        ZData: zdata,
        P: record({
          position: typed({ dtype: ["float32"], shape: [null, 3] }),
          frames: { type: "array", items: typed({ dtype: ["uint8", "bool"] }) },
          named: { type: "object", "x-vmp-kind": "map", additionalProperties: typed({ shape: [] }) },
          any: typed({}),
        }),
      };
      expect(lint(spec)).toEqual([]);
    });

    it("points at each bad dtype and dimension", () => {
      const spec = { ZData: zdata, P: record({ a: typed({ dtype: ["float32", "float128", "float32", 4], shape: [-1, 2.5, "n", null, 0], strides: [] }) }) };
      expect(lint(spec)).toEqual([
        '/$defs/P/properties/a/x-vmp-ndarray/strides: "strides" is not an x-vmp-ndarray property (dtype, shape)',
        expect.stringMatching(/^\/\$defs\/P\/properties\/a\/x-vmp-ndarray\/dtype\/1: "float128" is not a dtype of x-vmp-dtypes \(bool, /),
        '/$defs/P/properties/a/x-vmp-ndarray/dtype/2: dtype "float32" is listed twice',
        expect.stringMatching(/^\/\$defs\/P\/properties\/a\/x-vmp-ndarray\/dtype\/3: 4 is not a dtype/),
        "/$defs/P/properties/a/x-vmp-ndarray/shape/0: must be a non-negative integer size or null (any size), got -1",
        "/$defs/P/properties/a/x-vmp-ndarray/shape/1: must be a non-negative integer size or null (any size), got 2.5",
        '/$defs/P/properties/a/x-vmp-ndarray/shape/2: must be a non-negative integer size or null (any size), got "n"',
      ]);
      expect(lint({ ZData: zdata, P: record({ a: typed({ dtype: [] }), b: typed({ shape: 3 }), c: typed([]) }) })).toEqual([
        "/$defs/P/properties/a/x-vmp-ndarray/dtype: must be a non-empty array of dtype names",
        "/$defs/P/properties/b/x-vmp-ndarray/shape: must be an array with one entry per dimension: a size, or null for any size",
        '/$defs/P/properties/c/x-vmp-ndarray: must be an object {"dtype"?: [dtype names], "shape"?: [sizes or null]}',
      ]);
    });

    it("allows at most 64 dimensions", () => {
      expect(lint({ ZData: zdata, P: record({ a: typed({ shape: Array(64).fill(1) }), b: typed({ shape: Array(65).fill(null) }) }) })).toEqual([
        "/$defs/P/properties/b/x-vmp-ndarray/shape: 65 dimensions; an array has at most 64",
      ]);
    });

    it("takes the dtype names from the spec's own x-vmp-dtypes table", () => {
      const root = { "x-vmp-dtypes": { float32: { itemsize: 4, numpy: "f4", safetensors: "F32" } } };
      expect(lint({ ZData: zdata, P: record({ a: typed({ dtype: ["float32"] }), b: typed({ dtype: ["float64"] }) }) }, root)).toEqual([
        '/$defs/P/properties/b/x-vmp-ndarray/dtype/0: "float64" is not a dtype of x-vmp-dtypes (float32)',
      ]);
    });

    it("is allowed only beside a $ref to the ZData definition", () => {
      const onAny = { Any: { "x-vmp-kind": "any" }, P: record({ a: { $ref: "#/$defs/Any", "x-vmp-ndarray": {} }, b: { type: "string", "x-vmp-ndarray": {} } }) };
      expect(lint(onAny)).toEqual([
        '/$defs/P/properties/a/x-vmp-ndarray: x-vmp-ndarray types an array only beside "$ref" to the ZData definition ("x-vmp-kind": "zdata")',
        '/$defs/P/properties/b/x-vmp-ndarray: x-vmp-ndarray types an array only beside "$ref" to the ZData definition ("x-vmp-kind": "zdata")',
      ]);
    });

    it("rejects a ZData variant as the type of a field, an item or a map value, pointing to ZData and x-vmp-ndarray", () => {
      const hint = 'a ZData variant (NdArray) cannot type a value: use "#/$defs/ZData" for any ZData, with "x-vmp-ndarray" for an array';
      const spec = {
        ZData: zdata,
        NdArray: ndarray,
        P: record({
          a: { $ref: "#/$defs/NdArray" },
          b: { type: "array", items: { $ref: "#/$defs/NdArray" } },
          c: { type: "object", "x-vmp-kind": "map", additionalProperties: { $ref: "#/$defs/NdArray" } },
          d: { oneOf: [{ $ref: "#/$defs/NdArray" }, { type: "null" }] },
        }),
      };
      expect(lint(spec)).toEqual(["a", "b/items", "c/additionalProperties", "d/oneOf/0"].map((p) => `/$defs/P/properties/${p}/$ref: ${hint}`));
    });
  });
});

describe("vmp lint: x-vmp-catalogue and the warnings (PROFILE §5)", () => {
  const env = record(
    { ts: { type: "integer", "x-vmp-wire": "uint64" }, etype: { type: "string", pattern: "^.+$" } },
    { "x-vmp-event": { direction: "both", envelope: "Env" } },
  );
  const event = (extra: Record<string, unknown> = {}, etype = "X") =>
    record({ ts: { type: "integer", "x-vmp-wire": "uint64" }, etype: { type: "string", const: etype } }, { "x-vmp-event": { direction: "server-to-client", envelope: "Env" }, ...extra });

  it("accepts a catalogue row of one-line strings on a message type, and points at every bad cell", () => {
    expect(lint({ Env: env, Ev: event({ "x-vmp-catalogue": { key: "the sender", payload: "`{x}`", evidence: "vuer `X`" } }) })).toEqual([]);
    expect(lint({ Env: env, Ev: event({ "x-vmp-catalogue": { payload: "two\nlines", evidence: "", data: "x" } }), P: record({}, { "x-vmp-catalogue": {} }) })).toEqual([
      "/$defs/Ev/x-vmp-catalogue/payload: must be a non-empty one-line string",
      "/$defs/Ev/x-vmp-catalogue/evidence: must be a non-empty one-line string",
      '/$defs/Ev/x-vmp-catalogue/data: "data" is not a cell of the catalogue (key, payload, evidence)',
      "/$defs/P/x-vmp-catalogue: x-vmp-catalogue belongs to a message type (one with x-vmp-event)",
    ]);
    expect(lint({ Env: env, Ev: event({ "x-vmp-catalogue": "prose" }) })).toEqual(["/$defs/Ev/x-vmp-catalogue: must be an object of one-line strings: key, payload, evidence"]);
  });

  it("warns about a message type without examples, but not about an envelope", () => {
    const spec = { ...base(), $defs: { Env: env, Ev: event(), Shown: event({ examples: [{ ts: 1, etype: "Y" }] }, "Y"), Empty: event({ examples: [] }, "Z") } };
    expect(lintSpec(spec)).toEqual([]);
    expect(lintWarnings(spec).map((w) => `${w.pointer}: ${w.reason}`)).toEqual(
      ["Ev", "Empty"].map((n) => `/$defs/${n}: a message type should have examples: without them no vector is derived for it (PROFILE §5)`),
    );
  });

  it("has no warning for the repository's spec: every message type has examples", () => {
    expect(lintWarnings(JSON.parse(readFileSync("protocol/vmp.schema.json", "utf8")))).toEqual([]);
  });
});
