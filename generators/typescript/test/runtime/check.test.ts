/**
 * The collect-all checker (runtime/check.ts) over hand-made descriptors: every error of a value with its kind and
 * path, in the documented order; the values a user builds (Maps, bigints, typed arrays, ZData classes) accepted;
 * hostile values (cyclic, deeply nested) reported, never a crash. Agreement with decode on the shared vectors is
 * in vectors.test.ts.
 */
import { describe, expect, it } from "vitest";
import { check, createValidate } from "../../runtime/check.js";
import { formatPath } from "../../runtime/errors.js";
import type { FieldDesc, RecordDesc, TypeDesc, UnionDesc } from "../../runtime/schema.js";
import { VmpFloat } from "../../runtime/value.js";
import { NDArray } from "../../runtime/zdata.js";

const field = (name: string, type: TypeDesc, required = true): FieldDesc => ({ name, type, required });
const ref = (d: RecordDesc | UnionDesc): TypeDesc => ({ kind: "ref", name: d.name, get: () => d });
const U8: TypeDesc = { kind: "int", min: 0n, max: 255n, wide: false };
const U64: TypeDesc = { kind: "int", min: 0n, max: 2n ** 64n - 1n, wide: true };

const Node: RecordDesc = {
  kind: "record",
  name: "Node",
  open: false,
  fields: [
    field("name", { kind: "string", pattern: /^[a-z]+$/u }),
    field("size", U8, false),
    field("scale", { kind: "float", width: 32 }, false),
    field("up", { kind: "array", items: { kind: "float", width: 64 }, minItems: 3, maxItems: 3 }, false),
    field("tags", { kind: "map", values: { kind: "string" } }, false),
    field("blob", { kind: "bytes" }, false),
    field("data", { kind: "zdata" }, false),
    field("parent", { kind: "nullable", inner: { kind: "ref", name: "Node", get: () => Node } }, false),
  ],
};
const Open: RecordDesc = { kind: "record", name: "Open", open: true, fields: [field("id", U64)] };
const NdArray: RecordDesc = {
  kind: "record",
  name: "NdArray",
  open: false,
  ztype: "numpy.ndarray",
  fields: [
    field("ztype", { kind: "string", const: "numpy.ndarray" }),
    field("b", { kind: "bytes" }),
    field("dtype", { kind: "string" }),
    field("shape", { kind: "array", items: U64 }),
  ],
};
const Circle: RecordDesc = {
  kind: "record",
  name: "Circle",
  open: false,
  fields: [field("shape", { kind: "string", const: "circle" }), field("r", U8)],
};
const Shape: UnionDesc = { kind: "union", name: "Shape", tag: "shape", variants: { circle: () => Circle } };

/** "Kind at path" of every error. */
const errors = (desc: RecordDesc | UnionDesc | TypeDesc, value: unknown) =>
  check(desc, value).map((e) => `${e.kind} at ${formatPath(e.path)}`);

describe("check", () => {
  it("finds nothing wrong with a valid value, in the forms a user builds", () => {
    const parent = new Map<string, unknown>([["name", "root"]]);
    const value = {
      name: "leaf",
      size: 7n,
      scale: VmpFloat.f32(1.5),
      up: new Float64Array([0, 1, 0]),
      tags: new Map([["a", "b"]]),
      blob: new Uint8Array(2),
      data: { ztype: "mylib.v1.Point" },
      parent,
      extra: undefined,
    };
    expect(errors(Node, value)).toEqual([]);
    expect(errors(Open, { id: 2n ** 64n - 1n, anything: [1, { x: null }] })).toEqual([]);
    expect(errors(ref(NdArray), NDArray.from(new Float32Array([1, 2])))).toEqual([]);
    expect(errors(Shape, { shape: "circle", r: 1 })).toEqual([]);
  });

  it("reports every error: declared fields in order, then undeclared ones, each at its path", () => {
    const value = {
      extra: 1,
      size: 300,
      name: "Bad",
      up: [0, "1"],
      tags: { a: 1 },
      blob: "no",
      parent: { name: 3 },
      more: 2,
    };
    expect(errors(Node, value)).toEqual([
      "InvalidValue at name",
      "IntegerOutOfRange at size",
      "InvalidValue at up",
      "WrongType at up[1]",
      "WrongType at tags.a",
      "WrongType at blob",
      "WrongType at parent.name",
      "InvalidValue at extra",
      "InvalidValue at more",
    ]);
  });

  it("reports absent required fields as MissingField at the field, and the wrong kinds of value as WrongType", () => {
    expect(errors(Node, {})).toEqual(["MissingField at name"]);
    expect(errors(Node, { name: "a", size: 1.5, scale: "1" })).toEqual([
      "WrongType at size",
      "WrongType at scale",
    ]);
    expect(errors(Node, null)).toEqual(["WrongType at (root)"]);
    expect(errors(Node, [])).toEqual(["WrongType at (root)"]);
    expect(errors(Node, { name: "a", data: { b: 1 } })).toEqual(["MissingField at data.ztype"]);
    expect(errors(Node, { name: "a", data: { ztype: 1 } })).toEqual(["WrongType at data.ztype"]);
    expect(errors(Node, { name: "a", tags: new Map<unknown, unknown>([[1, "x"]]) })).toEqual([
      "NonStringKey at tags",
    ]);
  });

  it("checks bounds exactly beyond 2^53", () => {
    expect(errors(Open, { id: 2n ** 64n })).toEqual(["IntegerOutOfRange at id"]);
    expect(errors(Open, { id: -1 })).toEqual(["IntegerOutOfRange at id"]);
    expect(errors(Open, { id: 2 ** 64 })).toEqual(["IntegerOutOfRange at id"]);
  });

  it("picks a union's variant by its tag and reports an unknown tag at the union", () => {
    expect(errors(Shape, { shape: "circle", r: -1 })).toEqual(["IntegerOutOfRange at r"]);
    expect(errors(Shape, { shape: "square" })).toEqual(["InvalidValue at (root)"]);
    expect(errors(Shape, {})).toEqual(["InvalidValue at (root)"]);
  });

  it("checks a known ZData record's map form field by field, and its class by ztype", () => {
    expect(errors(NdArray, { ztype: "numpy.ndarray", b: new Uint8Array(0), dtype: "float32" })).toEqual([
      "MissingField at shape",
    ]);
    expect(errors(NdArray, NDArray.from(new Float32Array(1), undefined, "torch.Tensor"))).toEqual([
      "InvalidValue at ztype",
    ]);
    expect(errors(NdArray, "x")).toEqual(["WrongType at (root)"]);
  });

  it("stops at a cyclic value with one DepthExceeded, after the errors found on the way", () => {
    const cyclic: Record<string, unknown> = { name: "a", size: -1 };
    cyclic.parent = cyclic;
    const found = check(Node, cyclic);
    expect(found.at(-1)!.kind).toBe("DepthExceeded");
    expect(found.slice(0, 3).map((e) => `${e.kind} at ${formatPath(e.path)}`)).toEqual([
      "IntegerOutOfRange at size",
      "IntegerOutOfRange at parent.size",
      "IntegerOutOfRange at parent.parent.size",
    ]);
    expect(found.filter((e) => e.kind === "DepthExceeded")).toHaveLength(1);
  });
});

describe("createValidate", () => {
  const validate = createValidate({ Node, Open });

  it("checks a value as the named type", () => {
    expect(validate("Node", { name: "a" })).toEqual([]);
    expect(validate("Open", {}).map((e) => `${e.kind} ${e.path.join(".")}`)).toEqual(["MissingField id"]);
  });

  it("throws a TypeError for a name it does not know (also an inherited property's)", () => {
    expect(() => validate("Nope" as "Node", {})).toThrow(TypeError);
    expect(() => validate("toString" as "Node", {})).toThrow(TypeError);
  });
});
