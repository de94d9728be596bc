/** The reference on typed array fields (SPEC §7.11): accepted forms, the canonical form, and each defect's kind and path. */
import { describe, expect, it } from "vitest";
import { exampleCases } from "../../core/src/ir/examples.js";
import type { RecordDef } from "../../core/src/ir/types.js";
import { typedArraySpec } from "../../core/test/typed-array-spec.js";
import { formatPath } from "../../core/src/errors.js";
import { canonicalize, refTo } from "../src/schema/canonical.js";
import { Spec } from "../src/schema/spec.js";
import { validate } from "../src/schema/validate.js";
import { parseJsonForm } from "../src/value/json-form.js";
import { array, bin, bool, equals, int, map, str, type Value } from "../src/value/model.js";

const spec = new Spec(typedArraySpec());

/** An array's map form: `dtype` and `shape` as given, `b` zeros of the right length. */
function nd(dtype: string, shape: number[], ztype = "numpy.ndarray", itemsize = 4): Value {
  const count = shape.reduce((p, d) => p * d, 1);
  return map([["ztype", str(ztype)], ["b", bin(new Uint8Array(count * itemsize))], ["dtype", str(dtype)], ["shape", array(shape.map((d) => int(d)))]]);
}
const cloud = (points: Value, more: [string, Value][] = []) => map([["points", points], ...more]);
const errors = (v: Value) => validate(v, spec, { type: "Cloud" }).errors.map((e) => `${e.kind} at ${formatPath(e.path)}`);

describe("typed array fields in the reference", () => {
  it("accepts arrays of an allowed dtype whose shape matches, in every array form", () => {
    expect(errors(cloud(nd("float32", [5, 3])))).toEqual([]);
    expect(errors(cloud(nd("float64", [0, 3], "numpy.ndarray", 8)))).toEqual([]);
    expect(errors(cloud(nd("float32", [2, 3], "torch.Tensor")))).toEqual([]);
    expect(errors(cloud(nd("<f4", [2, 3])))).toEqual([]);
    expect(errors(cloud(nd("float32", [1, 3]), [["mask", nd("bool", [], "numpy.ndarray", 1)], ["frames", array([nd("uint8", [2, 2, 3], "numpy.ndarray", 1)])], ["extra", nd("complex128", [2], "numpy.ndarray", 16)]]))).toEqual([]);
    const typedArray = map([["ztype", str("Uint8Array")], ["b", bin(new Uint8Array(4))], ["length", int(4)]]);
    expect(errors(cloud(nd("float32", [1, 3]), [["frames", array([typedArray])]]))).toEqual([]);
  });

  it("rejects a dtype outside the list, another number of dimensions and another fixed size with InvalidValue at the array", () => {
    expect(errors(cloud(nd("int32", [5, 3])))).toEqual(["InvalidValue at points"]);
    expect(errors(cloud(nd("float32", [15])))).toEqual(["InvalidValue at points"]);
    expect(errors(cloud(nd("float32", [5, 3, 1])))).toEqual(["InvalidValue at points"]);
    expect(errors(cloud(nd("float32", [5, 2])))).toEqual(["InvalidValue at points"]);
    expect(errors(cloud(nd("float32", [1, 3]), [["mask", nd("bool", [1], "numpy.ndarray", 1)]]))).toEqual(["InvalidValue at mask"]);
    const floats = map([["ztype", str("Float32Array")], ["b", bin(new Uint8Array(4))], ["length", int(1)]]);
    expect(errors(cloud(nd("float32", [1, 3]), [["frames", array([floats])]]))).toEqual(["InvalidValue at frames[0]"]);
    expect(validate(cloud(nd("int32", [5, 3])), spec, { type: "Cloud" }).errors[0]!.message).toContain("dtype int32 is not allowed here (float32, float64)");
  });

  it("rejects ZData that is not an array at its ztype, and keeps the array checks' own kinds", () => {
    const image = map([["ztype", str("image")], ["b", bin(new Uint8Array([0x89, 0x50]))]]);
    expect(errors(cloud(image))).toEqual(["InvalidValue at points.ztype"]);
    expect(errors(cloud(map([["ztype", str("my.Point")], ["x", int(1)]])))).toEqual(["InvalidValue at points.ztype"]);
    expect(errors(cloud(nd("<U2", [5, 3])))).toEqual(["UnsupportedDtype at points.dtype"]);
    const short = map([["ztype", str("numpy.ndarray")], ["b", bin(new Uint8Array(8))], ["dtype", str("float32")], ["shape", array([int(1), int(3)])]]);
    expect(errors(cloud(short))).toEqual(["ShapeMismatch at points.b"]);
    expect(errors(cloud(int(1)))).toEqual(["WrongType at points"]);
    expect(errors(cloud(map([["b", bool(true)]])))).toEqual(["MissingField at points.ztype"]);
  });

  it("canonicalises every accepted form to numpy.ndarray", () => {
    const tensor = nd("float32", [2, 3], "torch.Tensor");
    const out = canonicalize(cloud(tensor), refTo("Cloud"), spec);
    expect(equals(out, cloud(nd("float32", [2, 3])))).toBe(true);
    const typedArray = map([["ztype", str("Uint8Array")], ["b", bin(new Uint8Array(4))], ["length", int(4)]]);
    const frames = canonicalize(cloud(nd("float32", [1, 3]), [["frames", array([typedArray])]]), refTo("Cloud"), spec);
    expect(equals(frames, cloud(nd("float32", [1, 3]), [["frames", array([nd("uint8", [4], "numpy.ndarray", 1)])]]))).toBe(true);
  });
});

describe("must-reject frames derived from a typed array field of an example (core/src/ir/examples.ts)", () => {
  const cases = exampleCases(spec.ir, spec.message("CloudEvent") as RecordDef);

  it("derives a dtype outside the list, a wrong number of dimensions and a wrong fixed size for the field the example holds", () => {
    const arrays = cases.reject.filter((c) => c.id.startsWith("array-"));
    expect(arrays.map((c) => [c.id, c.kind, c.path.join(".")])).toEqual([
      ["array-dtype-data-points", "InvalidValue", "data.points"],
      ["array-ndim-data-points", "InvalidValue", "data.points"],
      ["array-dim-data-points", "InvalidValue", "data.points"],
    ]);
  });

  it("each derived frame is rejected by the reference with its kind at its path, and the example is accepted", () => {
    for (const example of cases.valid) expect(validate(parseJsonForm(JSON.stringify(example)), spec, { type: "CloudEvent" }).errors).toEqual([]);
    for (const c of cases.reject) {
      const got = validate(parseJsonForm(JSON.stringify(c.frame)), spec, { type: "CloudEvent" }).errors.map((e) => `${e.kind} at ${formatPath(e.path)}`);
      expect(got[0], c.id).toBe(`${c.kind} at ${formatPath(c.path)}`);
    }
  });
});
