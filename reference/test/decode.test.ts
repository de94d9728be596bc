/** The reference decoder: every valid form accepted, every invalid input rejected with kind, path and offset. */
import { describe, expect, it } from "vitest";
import { VmpError, type ErrorKind } from "../../core/src/errors.js";
import { INT64_MIN, UINT64_MAX, array, bin, bool, equals, f32, f32Bits, f64, f64Bits, int, map, nil, str, type Value } from "../src/value/model.js";
import { decode } from "../src/wire/decode.js";
import { encode } from "../src/wire/encode.js";
import { fromHex, toHex } from "../src/wire/hex.js";

function decodeError(bytes: Uint8Array, options?: { maxDepth?: number }): VmpError {
  try {
    decode(bytes, options);
  } catch (e) {
    if (e instanceof VmpError) return e;
    throw e;
  }
  throw new Error("expected a VmpError");
}

const expectValue = (hex: string, v: Value) => expect(equals(decode(fromHex(hex)), v)).toBe(true);

describe("every valid form of a value decodes to it", () => {
  it.each<[string, string, Value]>([
    ["positive fixint", "05", int(5)],
    ["uint8 for 5", "cc05", int(5)],
    ["uint16 for 5", "cd0005", int(5)],
    ["uint32 for 5", "ce00000005", int(5)],
    ["uint64 for 5", "cf0000000000000005", int(5)],
    ["int8 for 5", "d005", int(5)],
    ["int64 for 5", "d30000000000000005", int(5)],
    ["int16 for -1", "d1ffff", int(-1)],
    ["uint64 max", "cfffffffffffffffff", int(2n ** 64n - 1n)],
    ["int64 min", "d38000000000000000", int(-(2n ** 63n))],
    ["negative fixint -32", "e0", int(-32)],
    ["float32 1.5", "ca3fc00000", f32(1.5)],
    ["float64 -0.0", "cb8000000000000000", f64(-0)],
    ["str8 for 1 byte", "d90161", str("a")],
    ["str32 for 1 byte", "db0000000161", str("a")],
    ["bin16 for 2 bytes", "c500020102", bin(new Uint8Array([1, 2]))],
    ["array32 for 1 item", "dd00000001c0", array([nil])],
    ["map16 for 1 entry", "de0001a16101", map([["a", int(1)]])],
    ["map32 for 0 entries", "df00000000", map([])],
    ["keys in any order, kept", "82a16201a16102", map([["b", int(1)], ["a", int(2)]])],
    ["true", "c3", bool(true)],
  ])("%s", (_, hex, v) => expectValue(hex, v));

  it("keeps NaN payloads bit for bit (never through a JS number)", () => {
    expectValue("cb7ff0000000000001", f64Bits(0x7ff0000000000001n)); // signalling NaN
    expectValue("cbfff8000000000000", f64Bits(0xfff8000000000000n)); // negative quiet NaN
    expectValue("ca7f800001", f32Bits(0x7f800001n)); // float32 signalling NaN
  });

  it("keeps a leading byte-order mark in a str", () => {
    expect(decode(fromHex("a3efbbbf"))).toEqual(str("\ufeff"));
  });

  it("copies bin payloads out of the input", () => {
    const input = fromHex("c403010203");
    const v = decode(input) as { kind: "bin"; value: Uint8Array };
    input[2] = 0xff;
    expect(Array.from(v.value)).toEqual([1, 2, 3]);
  });

  it("reads a frame that is a view into a larger buffer", () => {
    const backing = fromHex("ffff92cd0100a161ffff");
    expect(equals(decode(backing.subarray(2, 8)), array([int(256), str("a")]))).toBe(true);
  });
});

describe("errors name the kind, the path and the offset of the failing item", () => {
  it.each<[string, string, ErrorKind, (string | number)[], number]>([
    ["empty input", "", "Truncated", [], 0],
    ["uint16 missing a byte", "cd01", "Truncated", [], 0],
    ["array missing its 2nd item", "9201", "Truncated", [1], 2],
    ["fixstr missing payload", "a36162", "Truncated", [], 0],
    ["map missing a value", "81a161", "Truncated", ["a"], 3],
    ["map missing a key", "82a16101", "Truncated", [], 4],
    ["two values", "c0c0", "TrailingBytes", [], 1],
    ["0xc1", "c1", "InvalidValue", [], 0],
    ["0xc1 inside a map", "81a161c1", "InvalidValue", ["a"], 3],
    ["fixext1", "d40100", "UnsupportedExt", [], 0],
    ["ext8", "c7010500", "UnsupportedExt", [], 0],
    ["timestamp ext in an array", "91d6ff00000000", "UnsupportedExt", [0], 1],
    ["invalid UTF-8", "a2c328", "InvalidUtf8", [], 0],
    ["overlong UTF-8", "a2c080", "InvalidUtf8", [], 0],
    ["UTF-8 encoded surrogate", "a3eda080", "InvalidUtf8", [], 0],
    ["invalid UTF-8 in a key (names the map)", "81a2c32801", "InvalidUtf8", [], 1],
    ["int key", "810101", "NonStringKey", [], 1],
    ["nil key in a nested map", "81a17881c001", "NonStringKey", ["x"], 4],
    ["duplicate key", "82a16101a16102", "DuplicateKey", [], 4],
    // {"data": [1, <bad str>]}: 81, a4 "data" (1-5), 92 at 6, 01 at 7, a2 at 8
    ["nested path", "81a46461746192 01a2c328", "InvalidUtf8", ["data", 1], 8],
  ])("%s", (_, hex, kind, path, offset) => {
    const e = decodeError(fromHex(hex));
    expect({ kind: e.kind, path: e.path, offset: e.offset }).toEqual({ kind, path, offset });
  });

  it("says what went wrong", () => {
    expect(decodeError(fromHex("c1")).message).toContain("0xc1 is never used");
    expect(decodeError(fromHex("db ffffffff 616263")).message).toContain("str32 declares 4294967295 bytes, 3 remain");
  });
});

describe("hostile input", () => {
  it.each([
    ["str32", "db"],
    ["bin32", "c6"],
  ])("%s declaring 0xffffffff with 3 bytes present is Truncated at once", (_, byte) => {
    const e = decodeError(fromHex(`${byte} ffffffff 616263`));
    expect([e.kind, e.offset]).toEqual(["Truncated", 0]);
  });

  it("array32 declaring 0xffffffff items with 3 present is Truncated after them, allocating nothing", () => {
    const e = decodeError(fromHex("dd ffffffff 010203"));
    expect([e.kind, e.path, e.offset]).toEqual(["Truncated", [3], 8]);
  });

  it("map32 declaring 0xffffffff entries with one present is Truncated at the next key", () => {
    const e = decodeError(fromHex("df ffffffff a16101"));
    expect([e.kind, e.path, e.offset]).toEqual(["Truncated", [], 8]);
  });

  it("512 nested containers decode; the 513th is DepthExceeded", () => {
    expect(decode(fromHex("91".repeat(512) + "c0")).kind).toBe("array");
    expect(decode(fromHex("91".repeat(511) + "90")).kind).toBe("array"); // the 512th may be empty
    const e = decodeError(fromHex("91".repeat(513) + "c0"));
    expect([e.kind, e.offset, e.path.length]).toEqual(["DepthExceeded", 512, 512]);
    expect(decodeError(fromHex("91".repeat(512) + "90")).kind).toBe("DepthExceeded"); // so is an empty 513th
    expect(decodeError(fromHex("81a16181a16190"), { maxDepth: 2 }).path).toEqual(["a", "a"]);
  });

  it("100 000 nested arrays are DepthExceeded, not a stack overflow", () => {
    const input = new Uint8Array(100_001).fill(0x91);
    input[100_000] = 0xc0;
    expect(decodeError(input).kind).toBe("DepthExceeded");
  });

  it("nested maps count too", () => {
    const e = decodeError(fromHex("81a178".repeat(513) + "c0"));
    expect([e.kind, e.path.length]).toEqual(["DepthExceeded", 512]);
  });
});

describe("round trip", () => {
  /** A small deterministic PRNG (mulberry32), so failures reproduce. */
  function prng(seed: number): () => number {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  const INT_EDGES = [0n, 32n, 127n, 128n, 255n, 256n, 2n ** 15n, 65535n, 2n ** 31n, 2n ** 32n, 2n ** 63n, 2n ** 64n - 1n];

  function sample(rand: () => number, depth: number): Value {
    const pick = Math.floor(rand() * (depth > 3 ? 6 : 8));
    const bits64 = () => (BigInt(Math.floor(rand() * 2 ** 32)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32));
    switch (pick) {
      case 0:
        return rand() < 0.5 ? nil : bool(rand() < 0.5);
      case 1: {
        // Integers at and next to every header boundary, both signs, clamped to the integer range.
        const edge = INT_EDGES[Math.floor(rand() * INT_EDGES.length)]! + BigInt(Math.floor(rand() * 3) - 1);
        const v = rand() < 0.5 ? edge : -edge;
        return int(v < INT64_MIN ? INT64_MIN : v > UINT64_MAX ? UINT64_MAX : v);
      }
      case 2:
        return rand() < 0.5 ? f64Bits(bits64()) : f32Bits(bits64() & 0xffffffffn);
      case 3: {
        const chars = ["a", "é", "😀", "\u0000", "\ufeff", "中"];
        return str(Array.from({ length: Math.floor(rand() * 40) }, () => chars[Math.floor(rand() * chars.length)]).join(""));
      }
      case 4:
        return bin(Uint8Array.from({ length: Math.floor(rand() * 300) }, () => Math.floor(rand() * 256)));
      case 5:
        return int(BigInt(Math.floor(rand() * 2 ** 40) - 2 ** 39));
      case 6:
        return array(Array.from({ length: Math.floor(rand() * 20) }, () => sample(rand, depth + 1)));
      default: {
        const n = Math.floor(rand() * 20);
        return map(Array.from({ length: n }, (_, i) => [`k${i}${rand() < 0.2 ? "é" : ""}`, sample(rand, depth + 1)] as const));
      }
    }
  }

  it("decode(encode(v)) equals v, and re-encodes to the same bytes, for 500 generated values", () => {
    const rand = prng(20240601);
    for (let i = 0; i < 500; i++) {
      const v = sample(rand, 0);
      const bytes = encode(v);
      const back = decode(bytes);
      expect(equals(back, v), toHex(bytes)).toBe(true);
      expect(toHex(encode(back))).toBe(toHex(bytes));
    }
  });
});
