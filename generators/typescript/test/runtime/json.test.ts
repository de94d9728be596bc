/**
 * The JSON form (spec §9): exact integers, floats that stay floats, bytes as base64, member order, the schema
 * deciding wire types, and the errors of §9.3.
 */
import { describe, expect, it } from "vitest";
import { decodeValue, encodeValue } from "../../runtime/codec.js";
import { fromJSON, jsonToMsgpack, msgpackToJson, toJSON } from "../../runtime/json.js";
import type { RecordDesc, TypeDesc } from "../../runtime/schema.js";
import { VmpFloat } from "../../runtime/value.js";
import { NDArray } from "../../runtime/zdata.js";
import { toHex, failure } from "./helpers.js";


const ANY: TypeDesc = { kind: "any" };
const field = (name: string, type: TypeDesc, required = true) => ({ name, type, required });
const CameraView: RecordDesc = {
  kind: "record",
  name: "CameraViewValue",
  open: true,
  fields: [
    field("dpr", { kind: "float", width: 64 }),
    field("width", { kind: "int", min: 0n, max: 4294967295n, wide: false }),
    field("height", { kind: "int", min: 0n, max: 4294967295n, wide: false }),
    field("frame", { kind: "bytes" }),
  ],
};
const Timed: RecordDesc = {
  kind: "record",
  name: "Timed",
  open: false,
  fields: [
    field("ts", { kind: "int", min: 0n, max: 2n ** 64n - 1n, wide: true }),
    field("timeout", { kind: "float", width: 64 }),
    field("f32", { kind: "float", width: 32 }, false),
  ],
};

describe("integers", () => {
  it("round-trips 2^64-1 and -2^63 exactly", () => {
    expect(toJSON(ANY, 2n ** 64n - 1n)).toBe("18446744073709551615");
    expect(fromJSON(ANY, "18446744073709551615")).toBe(2n ** 64n - 1n);
    expect(fromJSON(ANY, "-9223372036854775808")).toBe(-(2n ** 63n));
    expect(toHex(jsonToMsgpack(ANY, "18446744073709551615"))).toBe("cf ff ff ff ff ff ff ff ff");
    expect(failure(() => fromJSON(ANY, "[18446744073709551616]"))).toBe("IntegerOutOfRange at [0]");
  });
});

describe("writing", () => {
  it("prints the SET event of spec §9.5", () => {
    const set = new Map<string, unknown>([
      ["ts", 1700000000000],
      ["etype", "SET"],
      [
        "data",
        new Map<string, unknown>([
          ["tag", "Scene"],
          ["key", "root"],
          ["children", []],
        ]),
      ],
    ]);
    expect(toJSON(ANY, set)).toBe(
      '{"ts":1700000000000,"etype":"SET","data":{"tag":"Scene","key":"root","children":[]}}',
    );
  });

  it("prints a float field as a float, bytes as base64 (spec §9.5, CAMERA_VIEW)", () => {
    const value = { dpr: 2, width: 640, height: 480, frame: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]) };
    expect(toJSON(CameraView, value)).toBe(
      '{"dpr":2.0,"width":640,"height":480,"frame":{"__bytes__":"/9j/2Q=="}}',
    );
  });

  it("prints floats as ECMAScript does, with .0 when they look integral", () => {
    const floats = [1, 0.1, 1e21, 1e-7, -0].map((n) => VmpFloat.f64(n));
    expect(toJSON(ANY, floats)).toBe("[1.0,0.1,1e+21,1e-7,-0.0]");
    expect(toJSON(ANY, VmpFloat.f32(Math.fround(0.1)))).toBe("0.10000000149011612");
  });

  it("refuses non-finite floats and maps that would read back as bytes", () => {
    expect(failure(() => toJSON(ANY, [1, Infinity]))).toBe("InvalidValue at [1]");
    expect(failure(() => toJSON(ANY, { a: NaN }))).toBe("InvalidValue at a");
    expect(failure(() => toJSON(ANY, { __bytes__: "AA==" }))).toBe("InvalidValue at (root)");
  });

  it("prints ZData as its map and indents on request", () => {
    expect(toJSON(ANY, new Float32Array([1, 2, 3]))).toBe(
      '{"ztype":"numpy.ndarray","b":{"__bytes__":"AACAPwAAAEAAAEBA"},"dtype":"float32","shape":[3]}',
    );
    expect(toJSON(ANY, { a: [1, { b: "x" }], c: {} }, { indent: 2 })).toBe(
      '{\n  "a": [\n    1,\n    {\n      "b": "x"\n    }\n  ],\n  "c": {}\n}',
    );
  });

  it("escapes strings as JSON.stringify does", () => {
    expect(toJSON(ANY, 'a"\\\n\u0001é😀')).toBe(JSON.stringify('a"\\\n\u0001é😀'));
  });
});

describe("reading", () => {
  it("goes through the schema: an integer in a float field is a float, an integral float in an int field an integer", () => {
    expect(toHex(jsonToMsgpack(Timed, '{"ts":1700000000000.0,"timeout":2}'))).toBe(
      "82 a2 74 73 cf 00 00 01 8b cf e5 68 00 a7 74 69 6d 65 6f 75 74 cb 40 00 00 00 00 00 00 00",
    );
    expect(fromJSON(Timed, '{"timeout":2,"ts":1}')).toEqual({ ts: 1, timeout: 2 });
    expect(failure(() => fromJSON(Timed, '{"ts":1.5,"timeout":2}'))).toBe("WrongType at ts");
    expect(failure(() => fromJSON(Timed, '{"ts":1,"timeout":2,"f32":0.1}'))).toBe("InvalidValue at f32");
    expect(fromJSON(Timed, '{"ts":1,"timeout":2,"f32":0.10000000149011612}')).toMatchObject({
      f32: Math.fround(0.1),
    });
  });

  it("keeps free-form floats as floats in lossless mode, and member order with integer-like keys", () => {
    expect(toHex(jsonToMsgpack(ANY, '{"2":1.0,"10":1,"1":-0.0}'))).toBe(
      "83 a1 32 cb 3f f0 00 00 00 00 00 00 a2 31 30 01 a1 31 cb 80 00 00 00 00 00 00 00",
    );
    const lossless = fromJSON(ANY, '{"2":1.0,"10":1}', { lossless: true }) as Map<string, unknown>;
    expect([...lossless.keys()]).toEqual(["2", "10"]);
    expect(lossless.get("2")).toBeInstanceOf(VmpFloat);
  });

  it("reads bytes, and ZData in free-form positions", () => {
    expect(fromJSON(ANY, '{"__bytes__":"/9j/2Q=="}')).toEqual(new Uint8Array([0xff, 0xd8, 0xff, 0xd9]));
    const array = fromJSON(
      ANY,
      '{"ztype":"numpy.ndarray","b":{"__bytes__":"AACAPwAAAEAAAEBA"},"dtype":">f4","shape":[3]}',
    ) as NDArray;
    expect(array).toBeInstanceOf(NDArray);
    expect(
      failure(() =>
        fromJSON(ANY, '{"x":{"ztype":"numpy.ndarray","b":{"__bytes__":""},"dtype":"float32","shape":[1]}}'),
      ),
    ).toBe("ShapeMismatch at x.b");
  });

  it("reports the errors of spec §9.3", () => {
    expect(failure(() => fromJSON(ANY, '{"a":1,"a":2}'))).toBe("DuplicateKey at (root)");
    expect(failure(() => fromJSON(ANY, '{"a":{"__bytes__":"AAA"}}'))).toBe("InvalidValue at a");
    expect(failure(() => fromJSON(ANY, '{"__bytes__":"AB=="}'))).toBe("InvalidValue at (root)"); // stray bits under the padding
    expect(failure(() => fromJSON(ANY, '["\\ud800"]'))).toBe("InvalidUtf8 at [0]");
    expect(failure(() => fromJSON(ANY, "[1e999]"))).toBe("InvalidValue at [0]");
    expect(failure(() => fromJSON(ANY, "[1,]"))).toBe("InvalidValue at [1]");
    expect(failure(() => fromJSON(ANY, "[".repeat(513) + "]".repeat(513)))).toMatch(/^DepthExceeded/);
    expect(fromJSON(ANY, '"\\ud83d\\ude00"')).toBe("😀");
  });

  it("round-trips MessagePack → JSON → MessagePack through the same type", () => {
    const frame = encodeValue(
      new Map<string, unknown>([
        ["a", [1, VmpFloat.f64(2), "x", null, true]],
        ["b", new Uint8Array([1, 2, 3])],
        ["c", 2n ** 63n],
      ]),
    );
    expect(jsonToMsgpack(ANY, msgpackToJson(ANY, frame))).toEqual(frame);
    expect(
      decodeValue(
        jsonToMsgpack(
          CameraView,
          msgpackToJson(
            CameraView,
            encodeValue({ dpr: 1.5, width: 1, height: 2, frame: new Uint8Array(0), extra: 1 }),
          ),
        ),
      ),
    ).toEqual({
      dpr: 1.5,
      width: 1,
      height: 2,
      frame: new Uint8Array(0),
      extra: 1,
    });
  });
});
