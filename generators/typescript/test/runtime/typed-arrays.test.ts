/**
 * Typed array fields (SPEC §7.11) in the TypeScript runtime: decode, encode and check take `NDArray`s whose dtype
 * and shape the field allows, from every array form, write `numpy.ndarray`, and report each defect's kind and
 * path. Frames are built with the reference encoder.
 */
import { describe, expect, it } from "vitest";
import { array, bin, int, map, str, type Value } from "../../../../reference/src/value/model.js";
import { encode as wire } from "../../../../reference/src/wire/encode.js";
import { check } from "../../runtime/check.js";
import { decode, decodeValue, encode } from "../../runtime/codec.js";
import { VmpError, formatPath } from "../../runtime/errors.js";
import type { RecordDesc } from "../../runtime/schema.js";
import { NDArray, ZImage } from "../../runtime/zdata.js";

const Cloud: RecordDesc = {
  kind: "record",
  name: "Cloud",
  open: false,
  fields: [
    {
      name: "points",
      type: { kind: "ndarray", dtypes: ["float32", "float64"], shape: [null, 3] },
      required: true,
    },
    { name: "mask", type: { kind: "ndarray", dtypes: ["bool"], shape: [] }, required: false },
    {
      name: "frames",
      type: { kind: "array", items: { kind: "ndarray", dtypes: ["uint8"] } },
      required: false,
    },
  ],
};

/** An array's wire map: `b` zero bytes of the right length. */
function nd(dtype: string, shape: number[], ztype = "numpy.ndarray", itemsize = 4): Value {
  const count = shape.reduce((p, d) => p * d, 1);
  return map([
    ["ztype", str(ztype)],
    ["b", bin(new Uint8Array(count * itemsize))],
    ["dtype", str(dtype)],
    ["shape", array(shape.map((d) => int(d)))],
  ]);
}
const frame = (points: Value, more: [string, Value][] = []) => wire(map([["points", points], ...more]));

function failure(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (e instanceof VmpError) return `${e.kind} at ${formatPath(e.path)}`;
    throw e;
  }
  throw new Error("expected a VmpError");
}
const rejected = (bytes: Uint8Array) => failure(() => decode(Cloud, bytes));

describe("typed array fields in the TypeScript runtime", () => {
  it("decodes allowed arrays as NDArrays, from every array form", () => {
    const out = decode(Cloud, frame(nd("float32", [2, 3]))) as { points: NDArray };
    expect(out.points).toBeInstanceOf(NDArray);
    expect([out.points.dtype, out.points.shape]).toEqual(["float32", [2, 3]]);
    const tensor = decode(Cloud, frame(nd("float64", [0, 3], "torch.Tensor", 8))) as { points: NDArray };
    expect(tensor.points.dtype).toBe("float64");
    const typed = map([
      ["ztype", str("Uint8Array")],
      ["b", bin(new Uint8Array([1, 2]))],
      ["length", int(2)],
    ]);
    const frames = decode(Cloud, frame(nd("float32", [1, 3]), [["frames", array([typed])]])) as {
      frames: NDArray[];
    };
    expect([...frames.frames[0]!.data]).toEqual([1, 2]);
  });

  it("rejects a dtype or shape the field does not allow with InvalidValue at the array", () => {
    expect(rejected(frame(nd("int32", [5, 3])))).toBe("InvalidValue at points");
    expect(rejected(frame(nd("float32", [15])))).toBe("InvalidValue at points");
    expect(rejected(frame(nd("float32", [5, 3, 1])))).toBe("InvalidValue at points");
    expect(rejected(frame(nd("float32", [5, 2])))).toBe("InvalidValue at points");
    expect(rejected(frame(nd("float32", [1, 3]), [["mask", nd("bool", [1], "numpy.ndarray", 1)]]))).toBe(
      "InvalidValue at mask",
    );
    const floats = map([
      ["ztype", str("Float32Array")],
      ["b", bin(new Uint8Array(4))],
      ["length", int(1)],
    ]);
    expect(rejected(frame(nd("float32", [1, 3]), [["frames", array([floats])]]))).toBe(
      "InvalidValue at frames[0]",
    );
  });

  it("rejects other ZData at its ztype and keeps the array checks' own kinds", () => {
    expect(
      rejected(
        frame(
          map([
            ["ztype", str("image")],
            ["b", bin(new Uint8Array([0x89]))],
          ]),
        ),
      ),
    ).toBe("InvalidValue at points.ztype");
    expect(
      rejected(
        frame(
          map([
            ["ztype", str("my.Point")],
            ["x", int(1)],
          ]),
        ),
      ),
    ).toBe("InvalidValue at points.ztype");
    expect(rejected(frame(nd("<U2", [5, 3])))).toBe("UnsupportedDtype at points.dtype");
    expect(rejected(frame(int(1)))).toBe("WrongType at points");
  });

  it("encodes allowed arrays as numpy.ndarray, whatever their ztype, and refuses the others", () => {
    const tensor = new NDArray("float32", [2, 3], new Float32Array(6), "torch.Tensor");
    const again = decodeValue(encode(Cloud, { points: tensor })) as { points: NDArray };
    expect([again.points.ztype, again.points.dtype, again.points.shape]).toEqual([
      "numpy.ndarray",
      "float32",
      [2, 3],
    ]);
    expect(failure(() => encode(Cloud, { points: new NDArray("int32", [2, 3], new Int32Array(6)) }))).toBe(
      "InvalidValue at points",
    );
    // What a free-form position writes as an array is taken too (SPEC §7.1): a typed array, a ZData map.
    const canonical = encode(Cloud, { points: new NDArray("float32", [2, 3], new Float32Array(6)) });
    const asMap = new Map<string, unknown>([
      ["ztype", "numpy.ndarray"],
      ["b", new Uint8Array(24)],
      ["dtype", "float32"],
      ["shape", [2, 3]],
    ]);
    expect(encode(Cloud, { points: asMap })).toEqual(canonical);
    expect(encode(Cloud, { points: Object.fromEntries(asMap) })).toEqual(canonical);
    expect(failure(() => encode(Cloud, { points: new Float32Array(6) }))).toBe("InvalidValue at points");
    expect(failure(() => encode(Cloud, { points: new Map([...asMap, ["dtype", "float3"]]) }))).toBe(
      "UnsupportedDtype at points.dtype",
    );
    expect(failure(() => encode(Cloud, { points: "x" }))).toBe("WrongType at points");
    expect(failure(() => encode(Cloud, { points: new ZImage(new Uint8Array([0x89])) }))).toBe(
      "InvalidValue at points.ztype",
    );
  });

  it("check reports the same kinds and paths", () => {
    const errors = (v: unknown) => check(Cloud, v).map((e) => `${e.kind} at ${formatPath(e.path)}`);
    expect(errors({ points: new NDArray("float64", [4, 3], new Float64Array(12)) })).toEqual([]);
    expect(
      errors({
        points: new NDArray("float32", [4, 2], new Float32Array(8)),
        mask: new NDArray("bool", [], new Uint8Array(1)),
      }),
    ).toEqual(["InvalidValue at points"]);
    const int8 = new NDArray("int8", [2], new Int8Array(2));
    expect(errors({ points: new ZImage(new Uint8Array([0x89])), frames: [int8] })).toEqual([
      "InvalidValue at points.ztype",
      "InvalidValue at frames[0]",
    ]);
    expect(errors({ points: new Float32Array(3) })).toEqual(["InvalidValue at points"]);
    expect(errors({ points: "x" })).toEqual(["WrongType at points"]);
    expect(errors({ points: { ztype: "numpy.ndarray", b: new Uint8Array(24), dtype: "float32", shape: [2, 3] } })).toEqual([]);
  });
});
