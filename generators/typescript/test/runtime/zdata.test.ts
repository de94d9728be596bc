/**
 * ZData in memory: zero-copy typed-array views, 16-bit float conversions (bit patterns derived by hand from
 * IEEE 754), typed arrays written as numpy.ndarray, images, safetensors files, opaque values and custom types.
 */
import { describe, expect, it } from "vitest";
import { decodeValue, encodeValue } from "../../runtime/codec.js";
import { VmpFloat } from "../../runtime/value.js";
import {
  NDArray,
  OpaqueZData,
  Safetensors,
  ZImage,
  bfloat16ToNumber,
  float16ToNumber,
  numberToBfloat16,
  numberToFloat16,
  registerType,
} from "../../runtime/zdata.js";
import { hex, toHex, failure } from "./helpers.js";


/** numpy.ndarray float32 [1, 2, 3], spec §3.10 (59 bytes; the payload starts at byte 25). */
const F32_ARRAY =
  "84 a5 7a 74 79 70 65 ad 6e 75 6d 70 79 2e 6e 64 61 72 72 61 79 a1 62 c4 0c 00 00 80 3f 00 00 00 40 00 00 40 40 a5 64 74 79 70 65 a7 66 6c 6f 61 74 33 32 a5 73 68 61 70 65 91 03";
const PAYLOAD_AT = 25;
/** The ndarray map header and ztype, then "b": everything before a bin header. */
const NDARRAY_HEAD = "84 a5 7a 74 79 70 65 ad 6e 75 6d 70 79 2e 6e 64 61 72 72 61 79 a1 62";

describe("zero-copy", () => {
  it("views the frame when the payload is aligned to the item size", () => {
    const buffer = new Uint8Array(128);
    const at = 3; // 3 + 25 = 28, a multiple of 4
    buffer.set(hex(F32_ARRAY), at);
    const frame = buffer.subarray(at, at + 59);
    const array = decodeValue(frame) as NDArray<"float32">;
    expect(array.data.buffer).toBe(buffer.buffer);
    expect(array.data.byteOffset).toBe(at + PAYLOAD_AT);
    expect([...array.data]).toEqual([1, 2, 3]);
    frame[PAYLOAD_AT + 3] = 0x40; // the view shares memory with the frame: 00 00 80 3f (1.0f) becomes 00 00 80 40 (4.0f)
    expect(array.data[0]).toBe(4);
  });

  it("copies when the payload is misaligned, or when asked to", () => {
    const frame = hex(F32_ARRAY); // byteOffset 0, payload at 25
    const misaligned = decodeValue(frame) as NDArray<"float32">;
    expect(misaligned.data.buffer).not.toBe(frame.buffer);
    expect([...misaligned.data]).toEqual([1, 2, 3]);
    const buffer = new Uint8Array(128);
    buffer.set(frame, 3);
    const copied = decodeValue(buffer.subarray(3, 62), { copy: true }) as NDArray<"float32">;
    expect(copied.data.buffer).not.toBe(buffer.buffer);
    expect([...copied.data]).toEqual([1, 2, 3]);
  });

  it("swaps big-endian payloads into a new buffer", () => {
    // float32 [1, 2] as ">f4" (spec §7.3): 3f 80 00 00, 40 00 00 00.
    const be = hex(
      `${NDARRAY_HEAD} c4 08 3f 80 00 00 40 00 00 00 a5 64 74 79 70 65 a3 3e 66 34 a5 73 68 61 70 65 91 02`,
    );
    const array = decodeValue(be) as NDArray<"float32">;
    expect(array.dtype).toBe("float32");
    expect([...array.data]).toEqual([1, 2]);
    expect(array.data.buffer).not.toBe(be.buffer);
    expect(toHex(encodeValue(array))).toBe(
      `${NDARRAY_HEAD} c4 08 00 00 80 3f 00 00 00 40 a5 64 74 79 70 65 a7 66 6c 6f 61 74 33 32 a5 73 68 61 70 65 91 02`,
    );
  });
});

describe("16-bit floats", () => {
  it("converts float16 bit patterns derived by hand", () => {
    // sign | exponent (5 bits, bias 15) | fraction (10 bits)
    expect(numberToFloat16(1)).toBe(0x3c00); // 0 01111 0000000000
    expect(numberToFloat16(-2)).toBe(0xc000); // 1 10000 0000000000
    expect(numberToFloat16(65504)).toBe(0x7bff); // 0 11110 1111111111: the largest finite
    expect(numberToFloat16(2 ** -24)).toBe(0x0001); // the smallest subnormal
    expect(numberToFloat16(-0)).toBe(0x8000);
    expect(numberToFloat16(Infinity)).toBe(0x7c00);
    expect(numberToFloat16(65520)).toBe(0x7c00); // halfway past the largest finite rounds to even: infinity
    expect(numberToFloat16(1 + 2 ** -11)).toBe(0x3c00); // a tie rounds to the even fraction
    expect(numberToFloat16(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(numberToFloat16(NaN)).toBe(0x7e00);
    expect(float16ToNumber(0x3c00)).toBe(1);
    expect(float16ToNumber(0xc000)).toBe(-2);
    expect(float16ToNumber(0x7bff)).toBe(65504);
    expect(float16ToNumber(0x0001)).toBe(2 ** -24);
    expect(Object.is(float16ToNumber(0x8000), -0)).toBe(true);
    expect(float16ToNumber(0xfc00)).toBe(-Infinity);
    expect(float16ToNumber(0x7e00)).toBeNaN();
    for (let bits = 0; bits < 0x7c00; bits += 7) expect(numberToFloat16(float16ToNumber(bits))).toBe(bits);
  });

  it("converts bfloat16 bit patterns derived by hand (the top half of a float32)", () => {
    expect(numberToBfloat16(1)).toBe(0x3f80); // 0 01111111 0000000
    expect(numberToBfloat16(-2)).toBe(0xc000); // 1 10000000 0000000
    expect(numberToBfloat16(3)).toBe(0x4040);
    expect(numberToBfloat16(1 + 2 ** -8)).toBe(0x3f80); // tie to even
    expect(numberToBfloat16(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(bfloat16ToNumber(0x3f80)).toBe(1);
    expect(bfloat16ToNumber(0x4040)).toBe(3);
    expect(bfloat16ToNumber(0x7f80)).toBe(Infinity);
    for (let bits = 0; bits < 0x7f80; bits += 13) expect(numberToBfloat16(bfloat16ToNumber(bits))).toBe(bits);
  });

  it("keeps float16 and bfloat16 arrays as raw Uint16Array bit patterns", () => {
    const array = decodeValue(
      hex(
        `${NDARRAY_HEAD} c4 04 00 3c 00 40 a5 64 74 79 70 65 a7 66 6c 6f 61 74 31 36 a5 73 68 61 70 65 91 02`,
      ),
    ) as NDArray<"float16">;
    expect(array.data).toBeInstanceOf(Uint16Array);
    expect([...array.data].map(float16ToNumber)).toEqual([1, 2]);
  });
});

describe("typed arrays as values", () => {
  it("writes a Float32Array as the numpy.ndarray of spec §3.10", () => {
    expect(toHex(encodeValue(new Float32Array([1, 2, 3])))).toBe(F32_ARRAY);
  });

  it("writes each class as the dtype of its name, little-endian", () => {
    // int16 [-2, 1]: fe ff, 01 00; dtype "int16" (a5 69 6e 74 31 36); shape [2]
    expect(toHex(encodeValue(new Int16Array([-2, 1])))).toBe(
      `${NDARRAY_HEAD} c4 04 fe ff 01 00 a5 64 74 79 70 65 a5 69 6e 74 31 36 a5 73 68 61 70 65 91 02`,
    );
    // uint64 [2^64-1]: ff × 8; dtype "uint64"
    expect(toHex(encodeValue(new BigUint64Array([2n ** 64n - 1n])))).toBe(
      `${NDARRAY_HEAD} c4 08 ff ff ff ff ff ff ff ff a5 64 74 79 70 65 a6 75 69 6e 74 36 34 a5 73 68 61 70 65 91 01`,
    );
    // A Uint8Array is bytes, never ZData (spec §3.5).
    expect(toHex(encodeValue(new Uint8Array([1, 2])))).toBe("c4 02 01 02");
  });

  it("reads vrpc-ts typed arrays as 1-D numpy arrays", () => {
    const vrpc = hex(
      "de 00 03 a5 7a 74 79 70 65 ac 46 6c 6f 61 74 33 32 41 72 72 61 79 a1 62 c4 0c 00 00 80 3f 00 00 00 40 00 00 40 40 a6 6c 65 6e 67 74 68 03",
    );
    const array = decodeValue(vrpc) as NDArray;
    expect([array.ztype, array.dtype, array.shape]).toEqual(["numpy.ndarray", "float32", [3]]);
    expect(toHex(encodeValue(array))).toBe(F32_ARRAY);
  });
});

describe("NDArray", () => {
  it("checks its data against dtype and shape", () => {
    expect(new NDArray("complex64", [2], new Float32Array(4)).size).toBe(2);
    expect(failure(() => new NDArray("float32", [2, 2], new Float32Array(3)))).toBe("ShapeMismatch at data");
    expect(failure(() => new NDArray("float32", [2], new Float64Array(2) as unknown as Float32Array))).toBe(
      "WrongType at data",
    );
    expect(failure(() => new NDArray("float32", [-1], new Float32Array(0)))).toBe("InvalidShape at shape[0]");
  });

  it("keeps a dimension beyond 2^53 exactly (an empty array can have one)", () => {
    const frame = hex(
      `${NDARRAY_HEAD} c4 00 a5 64 74 79 70 65 a5 75 69 6e 74 38 a5 73 68 61 70 65 92 00 cf ff ff ff ff ff ff ff ff`,
    );
    const array = decodeValue(frame) as NDArray;
    expect(array.wireShape()).toEqual([0n, 2n ** 64n - 1n]);
    expect(encodeValue(array)).toEqual(frame);
  });

  it("reports ZData errors at the reference's paths", () => {
    const at = (b: string, dtype: string, shape: string) =>
      decodeValue(hex(`${NDARRAY_HEAD} ${b} a5 64 74 79 70 65 ${dtype} a5 73 68 61 70 65 ${shape}`));
    expect(failure(() => at("c4 08 00 00 80 3f 00 00 00 40", "a7 66 6c 6f 61 74 33 32", "91 03"))).toBe(
      "ShapeMismatch at b",
    );
    expect(failure(() => at("c4 00", "a3 3c 55 32", "91 00"))).toBe("UnsupportedDtype at dtype");
    expect(failure(() => at("c4 00", "a7 66 6c 6f 61 74 33 32", "91 ff"))).toBe("InvalidShape at shape[0]");
    expect(failure(() => at("c4 00", "a7 66 6c 6f 61 74 33 32", "91 cb 00 00 00 00 00 00 00 00"))).toBe(
      "InvalidShape at shape[0]",
    );
    expect(failure(() => at("c4 02 01 02", "a4 62 6f 6f 6c", "91 02"))).toBe("InvalidValue at b");
    expect(
      failure(() =>
        decodeValue(
          hex(
            "81 a1 78 84 a5 7a 74 79 70 65 ad 6e 75 6d 70 79 2e 6e 64 61 72 72 61 79 a1 62 c4 00 a5 64 74 79 70 65 a7 66 6c 6f 61 74 33 32 a1 79 01",
          ),
        ),
      ),
    ).toBe("InvalidValue at x.y");
  });
});

describe("canonical arrays", () => {
  const ZTYPE = "a5 7a 74 79 70 65 ad 6e 75 6d 70 79 2e 6e 64 61 72 72 61 79";
  const B = "a1 62 c4 0c 00 00 80 3f 00 00 00 40 00 00 40 40";
  const DTYPE = "a5 64 74 79 70 65";
  const SHAPE = "a5 73 68 61 70 65";
  const F32 = "a7 66 6c 6f 61 74 33 32";

  it("reads the canonical entries and every other valid form of them (spec §3.11, §7.2) alike", () => {
    const forms = [
      F32_ARRAY,
      `84 ${B} ${DTYPE} ${F32} ${SHAPE} 91 03 ${ZTYPE}`, // ztype last
      `84 ${ZTYPE} ${B} ${DTYPE} d9 07 66 6c 6f 61 74 33 32 ${SHAPE} 91 03`, // dtype as str8
      `84 ${ZTYPE} ${B} ${DTYPE} ${F32} ${SHAPE} 91 cc 03`, // a dim as uint8
      `84 ${ZTYPE} ${B} ${DTYPE} a3 3c 66 34 ${SHAPE} 91 03`, // numpy's <f4
      `84 ${ZTYPE} a1 62 c4 0c 3f 80 00 00 40 00 00 00 40 40 00 00 ${DTYPE} a3 3e 66 34 ${SHAPE} 91 03`, // >f4
    ];
    for (const form of forms) {
      const array = decodeValue(hex(form)) as NDArray<"float32">;
      expect(array, form).toBeInstanceOf(NDArray);
      expect([array.ztype, array.dtype, array.shape, [...array.data]], form).toEqual([
        "numpy.ndarray",
        "float32",
        [3],
        [1, 2, 3],
      ]);
    }
  });

  it("opens the shape as the 512th container at most (spec §2.5)", () => {
    const nested = (arrays: number) => hex(`${"91 ".repeat(arrays)}${F32_ARRAY}`);
    expect(() => decodeValue(nested(510))).not.toThrow(); // 510 arrays, the map, its shape: 512
    expect(failure(() => decodeValue(nested(511))).split(" ")[0]).toBe("DepthExceeded");
  });
});

describe("images", () => {
  it("sniffs the format and keeps the bytes and a format entry as received", () => {
    const png = hex("89 50 4e 47 0d 0a 1a 0a 00");
    const img = decodeValue(
      hex(
        `83 a5 7a 74 79 70 65 a5 69 6d 61 67 65 a1 62 c4 09 ${toHex(png)} a6 66 6f 72 6d 61 74 a4 6a 70 65 67`,
      ),
    ) as ZImage;
    expect([img.format, img.formatEntry]).toEqual(["png", "jpeg"]);
    expect(new ZImage(hex("ff d8 ff d9")).format).toBe("jpeg");
    expect(new ZImage(hex("89 50"), "png").format).toBe("png"); // the bytes say nothing: the entry decides
    expect(new ZImage(hex("00 00")).format).toBe("unknown");
    expect(toHex(encodeValue(new ZImage(hex("ff d8 ff d9"))))).toBe(
      "82 a5 7a 74 79 70 65 a5 69 6d 61 67 65 a1 62 c4 04 ff d8 ff d9",
    );
  });
});

describe("safetensors", () => {
  it("builds a file, reads its tensors back in order and relays the bytes unchanged", () => {
    const file = Safetensors.fromTensors(
      new Map([
        ["w", NDArray.from(new Float32Array([1, 2]))],
        ["0", NDArray.from(new Int32Array([7]), [1, 1])],
      ]),
    );
    const headerLength = Number(new DataView(file.bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    expect(new TextDecoder().decode(file.bytes.subarray(8, 8 + headerLength)).trimEnd()).toBe(
      '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"0":{"dtype":"I32","shape":[1,1],"data_offsets":[8,12]}}',
    );
    const decoded = decodeValue(encodeValue(file)) as Safetensors;
    expect([...decoded.tensors.keys()]).toEqual(["w", "0"]);
    expect([...(decoded.tensors.get("w")!.data as Float32Array)]).toEqual([1, 2]);
    expect(decoded.tensors.get("0")!.shape).toEqual([1, 1]);
    expect(decoded.bytes).toEqual(file.bytes);
  });

  it("checks the header before slicing", () => {
    expect(failure(() => new Safetensors(hex("ff ff ff ff ff ff ff ff 7b 7d")))).toBe(
      "InvalidValue at (root)",
    );
    expect(
      failure(() =>
        decodeValue(
          hex("82 a5 7a 74 79 70 65 af 73 61 66 65 74 65 6e 73 6f 72 2e 64 69 63 74 a1 62 c4 04 38 00 00 00"),
        ),
      ),
    ).toBe("InvalidValue at b");
  });

  // Found by fuzzing: the header's integers are exact (spec §7.5 rule 4 follows §7.3), as in the reference.
  it("reads a shape whose element count is exactly 2^64 as InvalidShape", () => {
    const frame = hex(
      "82a57a74797065af7361666574656e736f722e64696374a162c46458000000000000007b2274223a207b226474797065223a20225538222c20227368617065223a205b343239343936373239362c20343239343936373239365d2c2022646174615f6f666673657473223a205b302c20345d7d7d2020202020202000000000",
    );
    expect(failure(() => decodeValue(frame))).toBe("InvalidShape at b");
  });

  it("reads a dim above 2^53 exactly: 2^53 + 1 elements do not fit 4 bytes (ShapeMismatch)", () => {
    const frame = hex(
      "82a57a74797065af7361666574656e736f722e64696374a162c45c50000000000000007b2274223a207b226474797065223a20225538222c20227368617065223a205b393030373139393235343734303939335d2c2022646174615f6f666673657473223a205b302c20345d7d7d202020202000000000",
    );
    expect(failure(() => decodeValue(frame))).toBe("ShapeMismatch at b");
    // The same header with a dim of 4 is a valid file: the check is the count, not the dim's size.
    const ok = hex(
      "82a57a74797065af7361666574656e736f722e64696374a162c44c40000000000000007b2274223a207b226474797065223a20225538222c20227368617065223a205b345d2c2022646174615f6f666673657473223a205b302c20345d7d7d2020202000000000",
    );
    expect((decodeValue(ok) as Safetensors).tensors.get("t")!.shape).toEqual([4]);
  });
});

describe("opaque and custom ZData", () => {
  it("keeps an unknown ztype opaque, nested ZData uninterpreted, and re-encodes it byte for byte", () => {
    // {ztype: "x.Y", inner: <a >f4 ndarray>}: a known ZData inside an opaque one is not normalised.
    const inner = `${NDARRAY_HEAD} c4 04 3f 80 00 00 a5 64 74 79 70 65 a3 3e 66 34 a5 73 68 61 70 65 91 01`;
    const frame = hex(`82 a5 7a 74 79 70 65 a3 78 2e 59 a5 69 6e 6e 65 72 ${inner}`);
    const opaque = decodeValue(frame) as OpaqueZData;
    expect(opaque).toBeInstanceOf(OpaqueZData);
    expect(opaque.ztype).toBe("x.Y");
    expect(opaque.entries.get("inner")).toBeInstanceOf(Map);
    expect(encodeValue(opaque)).toEqual(frame);
    expect(failure(() => decodeValue(frame, { strictZType: true }))).toBe("UnknownZType at ztype");
  });

  it("finds a ztype that is not the first key, even past an entry that would fail as ZData", () => {
    // {bad: <ndarray without shape>, ztype: "x.Y"}: opaque, so `bad` is never checked (as in the reference).
    const frame = hex(
      "82 a3 62 61 64 83 a5 7a 74 79 70 65 ad 6e 75 6d 70 79 2e 6e 64 61 72 72 61 79 a1 62 c4 00 a5 64 74 79 70 65 a7 66 6c 6f 61 74 33 32 a5 7a 74 79 70 65 a3 78 2e 59",
    );
    expect(decodeValue(frame)).toBeInstanceOf(OpaqueZData);
    expect(encodeValue(decodeValue(frame))).toEqual(frame);
  });

  it("dispatches registered types by class (nearest ancestor first), then by match, and decodes them", () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    class Point3 extends Point {}
    registerType("test.v1.Point", {
      class: Point,
      encode: (p) => ({ x: p.x, y: p.y }),
      decode: (f) => new Point(f.x as number, f.y as number),
    });
    registerType("test.v1.Pair", {
      match: (v) => Array.isArray((v as { pair?: unknown }).pair),
      encode: (v: { pair: unknown[] }) => ({ items: v.pair }),
      decode: (f) => ({ pair: f.items as unknown[] }),
    });
    const bytes = encodeValue([new Point3(1, 2.5), { pair: [1] }]);
    expect(toHex(bytes)).toBe(
      "92 83 a5 7a 74 79 70 65 ad 74 65 73 74 2e 76 31 2e 50 6f 69 6e 74 a1 78 01 a1 79 cb 40 04 00 00 00 00 00 00 " +
        "82 a5 7a 74 79 70 65 ac 74 65 73 74 2e 76 31 2e 50 61 69 72 a5 69 74 65 6d 73 91 01",
    );
    const [point, pair] = decodeValue(bytes) as [Point, unknown];
    expect(point).toEqual(new Point(1, 2.5));
    expect(pair).toEqual({ pair: [1] });
  });

  it("refuses malformed, reserved and repeated names", () => {
    const codec = { match: () => false, encode: () => ({}), decode: () => 0 };
    expect(() => registerType("Point", codec)).toThrow(/namespaced/);
    expect(() => registerType("numpy.v2.Thing", codec)).toThrow(/reserved/);
    registerType("test.v1.Once", codec);
    expect(() => registerType("test.v1.Once", codec)).toThrow(/already registered/);
  });

  it("writes VmpFloat shape dims as floats, which the reference rejects", () => {
    const map = new Map<string, unknown>([
      ["ztype", "numpy.ndarray"],
      ["b", new Uint8Array(0)],
      ["dtype", "uint8"],
      ["shape", [VmpFloat.f64(0)]],
    ]);
    expect(failure(() => encodeValue(map))).toBe("InvalidShape at shape[0]");
  });
});
