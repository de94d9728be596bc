/** RawWriter writes exactly the form asked for; every expected byte string is derived by hand from the spec. */
import { describe, expect, it } from "vitest";
import { int, map, str } from "../src/value/model.js";
import { fromHex, toHex } from "../src/wire/hex.js";
import { RawWriter } from "../src/wire/raw.js";

const w = () => new RawWriter();

describe("each method writes its form, even when a smaller one exists", () => {
  it.each<[string, RawWriter, string]>([
    ["nil", w().nil(), "c0"],
    ["true", w().true(), "c3"],
    ["false", w().false(), "c2"],
    ["fixint 5", w().fixint(5), "05"],
    ["fixint -1", w().fixint(-1), "ff"], // negative fixint: two's complement byte
    ["fixint -32", w().fixint(-32), "e0"],
    ["uint8 5", w().uint8(5), "cc05"],
    ["uint16 5", w().uint16(5), "cd0005"],
    ["uint32 5", w().uint32(5), "ce00000005"],
    ["uint64 5", w().uint64(5), "cf0000000000000005"],
    ["uint64 2^64-1", w().uint64(2n ** 64n - 1n), "cfffffffffffffffff"],
    ["int8 5", w().int8(5), "d005"],
    ["int8 -1", w().int8(-1), "d0ff"],
    ["int16 -2", w().int16(-2), "d1fffe"],
    ["int32 -1", w().int32(-1), "d2ffffffff"],
    ["int64 -1", w().int64(-1), "d3ffffffffffffffff"],
    ["int64 -2^63", w().int64(-(2n ** 63n)), "d38000000000000000"],
    ["float32 1.5", w().float32(1.5), "ca3fc00000"], // exponent 127, fraction top bit
    ["float64 1.0", w().float64(1), "cb3ff0000000000000"], // exponent 1023
    ["float64 -0", w().float64(-0), "cb8000000000000000"],
    ["float32Bits", w().float32Bits(0x7fc00001n), "ca7fc00001"],
    ["float64Bits", w().float64Bits(0x7ff0000000000001n), "cb7ff0000000000001"],
    ["fixstr", w().fixstr("ab"), "a26162"],
    ["str8", w().str8("ab"), "d9026162"],
    ["str16", w().str16("ab"), "da00026162"],
    ["str32", w().str32("ab"), "db000000026162"],
    ["str8 of raw bytes", w().str8(fromHex("c328")), "d902c328"], // invalid UTF-8, on purpose
    ["bin8", w().bin8(fromHex("0102")), "c4020102"],
    ["bin16", w().bin16(fromHex("0102")), "c500020102"],
    ["bin32", w().bin32(fromHex("0102")), "c6000000020102"],
    ["fixarray", w().fixarray(2), "92"],
    ["array16", w().array16(2), "dc0002"],
    ["array32", w().array32(2), "dd00000002"],
    ["fixmap", w().fixmap(1), "81"],
    ["map16", w().map16(1), "de0001"],
    ["map32", w().map32(1), "df00000001"],
    ["header 0xc1", w().header(0xc1), "c1"],
    ["raw hex with spaces", w().raw("cd 01 00"), "cd0100"],
    ["raw bytes", w().raw(fromHex("0a0b")), "0a0b"],
  ])("%s", (_, writer, hex) => expect(writer.hex()).toBe(hex));

  it("chains into a whole non-canonical frame", () => {
    // de 00 01 map16 of 1; a1 61 "a"; cf … 05 uint64 5
    expect(w().map16(1).fixstr("a").uint64(5).hex()).toBe("de0001a161cf0000000000000005");
  });

  it("value() appends the canonical encoding", () => {
    // 81 fixmap 1; a1 6b "k"; cd 01 00 uint16 256
    expect(w().header(0x92).value(map([["k", int(256)]])).value(str("")).hex()).toBe("9281a16bcd0100a0");
  });

  it("bytes() is a copy", () => {
    const writer = w().nil();
    const first = writer.bytes();
    writer.true();
    expect(toHex(first)).toBe("c0");
  });
});

describe("hostile forms", () => {
  it("declares lengths that are not there", () => {
    expect(w().str32("abc", 0xffffffff).hex()).toBe("dbffffffff616263");
    expect(w().bin32(fromHex("010203"), 0xffffffff).hex()).toBe("c6ffffffff010203");
    expect(w().array32(0xffffffff).raw("010203").hex()).toBe("ddffffffff010203");
    expect(w().fixstr("abc", 5).hex()).toBe("a5616263");
  });

  it("writes ext in every form", () => {
    expect(w().ext(1, fromHex("00")).hex()).toBe("d40100"); // fixext1: d4, type, 1 byte
    expect(w().ext(-1, fromHex("00000000")).hex()).toBe("d6ff00000000"); // fixext4, type -1 = ff
    expect(w().ext(5, fromHex("000102")).hex()).toBe("c70305000102"); // 3 bytes: ext8, length 3, type 5
    expect(w().ext(5, fromHex("00"), "ext8").hex()).toBe("c7010500"); // ext8 where fixext1 would do
    expect(w().ext(5, fromHex("00"), "ext32").hex()).toBe("c900000001" + "0500");
    expect(() => w().ext(5, fromHex("0000"), "fixext4")).toThrow(RangeError);
  });
});

describe("argument sanity", () => {
  it.each<[string, () => unknown]>([
    ["fixint 128", () => w().fixint(128)],
    ["fixint -33", () => w().fixint(-33)],
    ["uint8 256", () => w().uint8(256)],
    ["uint16 1.5", () => w().uint16(1.5)],
    ["uint64 -1", () => w().uint64(-1)],
    ["uint64 unsafe number", () => w().uint64(2 ** 60)],
    ["int8 128", () => w().int8(128)],
    ["int64 2^63", () => w().int64(2n ** 63n)],
    ["float32 0.1", () => w().float32(0.1)],
    ["float32Bits 2^32", () => w().float32Bits(2n ** 32n)],
    ["fixstr of 32 bytes", () => w().fixstr("x".repeat(32))],
    ["str8 declaring 256", () => w().str8("a", 256)],
    ["lone surrogate", () => w().str8("\ud800")],
    ["fixarray 16", () => w().fixarray(16)],
    ["header 256", () => w().header(256)],
    ["ext type 128", () => w().ext(128, fromHex("00"))],
    ["odd hex", () => w().raw("abc")],
    ["non-hex", () => w().raw("zz")],
  ])("%s throws", (_, f) => expect(f).toThrow(RangeError));
});
