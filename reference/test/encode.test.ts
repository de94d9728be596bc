/**
 * The canonical encoder, proven against the MessagePack spec: every expected byte string below is derived by hand
 * from the format table (the derivation is the comment next to it), never produced by running an encoder.
 */
import { describe, expect, it } from "vitest";
import { VmpError } from "../../core/src/errors.js";
import { array, bin, bool, f32, f32Bits, f64, f64Bits, int, map, nil, str, type Value } from "../src/value/model.js";
import { encode } from "../src/wire/encode.js";
import { toHex } from "../src/wire/hex.js";

const hexOf = (v: Value): string => toHex(encode(v));

function encodeError(v: Value): VmpError {
  try {
    encode(v);
  } catch (e) {
    if (e instanceof VmpError) return e;
    throw e;
  }
  throw new Error("expected a VmpError");
}

describe("nil and bool", () => {
  it.each<[string, Value, string]>([
    ["nil", nil, "c0"], // nil is c0
    ["false", bool(false), "c2"], // false is c2
    ["true", bool(true), "c3"], // true is c3
  ])("%s → %s", (_, v, hex) => expect(hexOf(v)).toBe(hex));
});

describe("integers: smallest form, uint family for non-negative, int family for negative", () => {
  it.each<[bigint, string]>([
    [0n, "00"], // positive fixint 0xxxxxxx
    [127n, "7f"], // largest positive fixint
    [128n, "cc80"], // needs uint8: cc + 1 byte
    [255n, "ccff"], // largest uint8
    [256n, "cd0100"], // needs uint16: cd + 01 00
    [65535n, "cdffff"], // largest uint16
    [65536n, "ce00010000"], // needs uint32: ce + 00 01 00 00
    [2n ** 32n - 1n, "ceffffffff"], // largest uint32
    [2n ** 32n, "cf0000000100000000"], // needs uint64: cf + 00 00 00 01 00 00 00 00
    [2n ** 64n - 1n, "cfffffffffffffffff"], // largest uint64
    [-1n, "ff"], // negative fixint 111xxxxx: -1 is 0xff
    [-32n, "e0"], // smallest negative fixint: 0xe0
    [-33n, "d0df"], // needs int8: 256 - 33 = 223 = 0xdf
    [-128n, "d080"], // smallest int8: 0x80
    [-129n, "d1ff7f"], // needs int16: 65536 - 129 = 0xff7f
    [-32768n, "d18000"], // smallest int16
    [-32769n, "d2ffff7fff"], // needs int32: 2^32 - 32769 = 0xffff7fff
    [-(2n ** 31n), "d280000000"], // smallest int32
    [-(2n ** 31n) - 1n, "d3ffffffff7fffffff"], // needs int64: 2^64 - 2^31 - 1 = 0xffffffff7fffffff
    [-(2n ** 63n), "d38000000000000000"], // smallest int64
  ])("%s → %s", (v, hex) => expect(hexOf(int(v))).toBe(hex));

  it("refuses integers outside -2^63..2^64-1 (a hand-built node; int() itself refuses them)", () => {
    expect(encodeError({ kind: "int", value: 2n ** 64n }).kind).toBe("IntegerOutOfRange");
    expect(encodeError({ kind: "int", value: -(2n ** 63n) - 1n }).kind).toBe("IntegerOutOfRange");
  });
});

describe("floats keep their width and raw bits", () => {
  it.each<[string, Value, string]>([
    ["f64(1.0)", f64(1.0), "cb3ff0000000000000"], // sign 0, exponent 1023 = 0x3ff, fraction 0
    ["f64(-0.0)", f64(-0.0), "cb8000000000000000"], // only the sign bit
    ["f64(1.5)", f64(1.5), "cb3ff8000000000000"], // 1.1b: exponent 0x3ff, fraction top bit 0x8…
    ["f64(-2.0)", f64(-2.0), "cbc000000000000000"], // sign 1, exponent 1024 = 0x400 → c0 00…
    ["f64(Infinity)", f64(Infinity), "cb7ff0000000000000"], // exponent all ones, fraction 0
    ["f64(-Infinity)", f64(-Infinity), "cbfff0000000000000"], // plus the sign bit
    ["f64Bits(0x7ff8000000000001n)", f64Bits(0x7ff8000000000001n), "cb7ff8000000000001"], // a NaN payload is written bit for bit
    ["f64Bits(0x7ff0000000000001n)", f64Bits(0x7ff0000000000001n), "cb7ff0000000000001"], // a signalling NaN too
    ["f64(5e-324)", f64(5e-324), "cb0000000000000001"], // smallest subnormal: fraction 1
    ["f32(1.0)", f32(1.0), "ca3f800000"], // float32: exponent 127 = 0x7f → 0 01111111 0… = 3f80 0000
    ["f32(1.5)", f32(1.5), "ca3fc00000"], // 3f80 0000 plus fraction top bit 0x400000
    ["f32(-0.0)", f32(-0.0), "ca80000000"], // sign bit only
    ["f32(Infinity)", f32(Infinity), "ca7f800000"], // exponent all ones
    ["f32Bits(0x7fc00001n)", f32Bits(0x7fc00001n), "ca7fc00001"], // float32 NaN payload
    ["f32(1.401298464324817e-45)", f32(1.401298464324817e-45), "ca00000001"], // smallest float32 subnormal
  ])("%s → %s", (_, v, hex) => expect(hexOf(v)).toBe(hex));

  it("refuses bits that do not fit the width", () => {
    expect(encodeError({ kind: "float", width: 32, bits: 2n ** 32n }).kind).toBe("InvalidValue");
  });
});

describe("str: UTF-8 with the smallest header", () => {
  it.each<[number, string]>([
    [0, "a0"], // fixstr 101xxxxx, length 0
    [31, "bf"], // largest fixstr: 0xa0 | 31
    [32, "d920"], // needs str8: d9 + 1 length byte
    [255, "d9ff"], // largest str8
    [256, "da0100"], // needs str16: da + 2 length bytes
    [65535, "daffff"], // largest str16
    [65536, "db00010000"], // needs str32: db + 4 length bytes
  ])("%i ASCII bytes → header %s", (n, header) => {
    const bytes = encode(str("x".repeat(n)));
    expect(toHex(bytes.subarray(0, header.length / 2))).toBe(header);
    expect(bytes.length).toBe(header.length / 2 + n);
    expect(bytes.subarray(header.length / 2).every((b) => b === 0x78)).toBe(true); // "x" is 0x78
  });

  it("writes multi-byte UTF-8", () => {
    // é is U+00E9 → c3 a9; 😀 is U+1F600 → f0 9f 98 80; 6 bytes → fixstr a6
    expect(hexOf(str("é😀"))).toBe("a6c3a9f09f9880");
  });

  it("counts the header in bytes, not characters", () => {
    // 11 × "é" is 11 characters but 22 bytes: still fixstr (0xa0 | 22 = b6); 16 × "é" is 32 bytes: str8 d9 20
    expect(toHex(encode(str("é".repeat(11))).subarray(0, 1))).toBe("b6");
    expect(toHex(encode(str("é".repeat(16))).subarray(0, 2))).toBe("d920");
  });

  it("refuses lone surrogates, with the path", () => {
    const e = encodeError(map([["a", array([str("ok"), str("bad \ud800")])]]));
    expect([e.kind, e.path]).toEqual(["InvalidUtf8", ["a", 1]]);
    expect(encodeError(str("\udc00x")).kind).toBe("InvalidUtf8");
  });
});

describe("bin: smallest header (no fix form)", () => {
  it.each<[number, string]>([
    [0, "c400"], // bin8 even when empty
    [255, "c4ff"], // largest bin8
    [256, "c50100"], // needs bin16
    [65535, "c5ffff"], // largest bin16
    [65536, "c600010000"], // needs bin32
  ])("%i bytes → header %s", (n, header) => {
    const payload = new Uint8Array(n).fill(0xab);
    const bytes = encode(bin(payload));
    expect(toHex(bytes.subarray(0, header.length / 2))).toBe(header);
    expect(bytes.length).toBe(header.length / 2 + n);
    expect(bytes.subarray(header.length / 2).every((b) => b === 0xab)).toBe(true);
  });

  it("writes a bin that is a view into a larger buffer", () => {
    const backing = new Uint8Array([9, 1, 2, 9]);
    expect(hexOf(bin(backing.subarray(1, 3)))).toBe("c4020102"); // bin8, length 2, 01 02
  });
});

describe("array and map headers", () => {
  it.each<[number, string]>([
    [0, "90"], // fixarray 1001xxxx
    [15, "9f"], // largest fixarray
    [16, "dc0010"], // needs array16 (there is no array8)
    [65535, "dcffff"], // largest array16
    [65536, "dd00010000"], // needs array32
  ])("array of %i nils → header %s", (n, header) => {
    const bytes = encode(array(Array.from({ length: n }, () => nil)));
    expect(toHex(bytes.subarray(0, header.length / 2))).toBe(header);
    expect(bytes.length).toBe(header.length / 2 + n); // each nil is one byte c0
  });

  it.each<[number, string]>([
    [0, "80"], // fixmap 1000xxxx
    [15, "8f"], // largest fixmap
    [16, "de0010"], // needs map16 (there is no map8)
    [65535, "deffff"], // largest map16
    [65536, "df00010000"], // needs map32
  ])("map of %i entries → header %s", (n, header) => {
    // Keys k0…k{n-1} are fixstr (1 + length bytes); every value is nil (1 byte).
    const entries = Array.from({ length: n }, (_, i) => [`k${i}`, nil] as const);
    const bytes = encode(map(entries));
    expect(toHex(bytes.subarray(0, header.length / 2))).toBe(header);
    const body = entries.reduce((sum, [k]) => sum + 1 + k.length + 1, 0);
    expect(bytes.length).toBe(header.length / 2 + body);
  });

  it("keeps map entries in the given order, integer-like keys included", () => {
    // 82 fixmap 2; a1 62 "b"; 01; a1 31 "1"; 02
    expect(hexOf(map([["b", int(1)], ["1", int(2)]]))).toBe("82a16201a13102");
  });

  it("refuses duplicate keys (a hand-built node)", () => {
    const e = encodeError(map([["x", map([["k", nil], ["k", nil]])]]));
    expect([e.kind, e.path]).toEqual(["DuplicateKey", ["x"]]);
  });
});

describe("depth", () => {
  const nest = (n: number): Value => {
    let v: Value = nil;
    for (let i = 0; i < n; i++) v = array([v]);
    return v;
  };

  it("encodes 512 nested containers", () => {
    // 512 × fixarray of 1 (91) then nil (c0)
    expect(toHex(encode(nest(512)))).toBe("91".repeat(512) + "c0");
  });

  it("refuses the 513th, naming its path", () => {
    const e = encodeError(nest(513));
    expect(e.kind).toBe("DepthExceeded");
    expect(e.path).toEqual(Array(512).fill(0));
  });

  it("stops at the limit without walking a 100 000-deep value", () => {
    expect(encodeError(nest(100_000)).kind).toBe("DepthExceeded");
  });
});

describe("whole messages (from running the Python reference upstream)", () => {
  it("nested example", () => {
    const v = map([
      ["layer1", map([["layer2", map([
        ["text", str("nested")],
        ["list", array([int(1), str("two"), f64(3.5), nil, bool(true)])],
      ])]])],
    ]);
    expect(hexOf(v)).toBe(
      "81a66c617965723181a66c617965723282a474657874a66e6573746564a46c6973749501a374776fcb400c000000000000c0c3",
    );
  });

  it("SET event", () => {
    const v = map([
      ["ts", int(1700000000000)],
      ["etype", str("SET")],
      ["data", map([["tag", str("Scene")], ["key", str("root")], ["children", array([])]])],
    ]);
    // ts 1700000000000 = 0x18bcfe56800 > 2^32-1 → uint64 cf 00 00 01 8b cf e5 68 00
    expect(hexOf(v)).toBe(
      "83a27473cf0000018bcfe56800a56574797065a3534554a46461746183a3746167a55363656e65a36b6579a4726f6f74a86368696c6472656e90",
    );
  });
});
