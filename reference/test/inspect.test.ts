/** The tolerant tokenizer behind `vmp inspect`: lines, canonical-form notes, and errors that agree with decode. */
import { describe, expect, it } from "vitest";
import { VmpError } from "../../core/src/errors.js";
import { decode } from "../src/wire/decode.js";
import { formatInspect, inspect, type InspectLine } from "../src/wire/inspect.js";
import { fromHex } from "../src/wire/hex.js";
import { RawWriter } from "../src/wire/raw.js";

const SET_EVENT =
  "83a27473cf0000018bcfe56800a56574797065a3534554a46461746183a3746167a55363656e65a36b6579a4726f6f74a86368696c6472656e90";

/** The fields that tests compare, without the ones that are obvious from the input. */
const brief = (l: InspectLine) => ({ offset: l.offset, depth: l.depth, name: l.formatName, key: l.key, summary: l.summary });

describe("one line per item", () => {
  it("walks a canonical SET event with no notes", () => {
    const lines = inspect(fromHex(SET_EVENT));
    expect(lines.map(brief)).toEqual([
      { offset: 0, depth: 0, name: "fixmap", key: undefined, summary: "3 entries" },
      { offset: 4, depth: 1, name: "uint64", key: "ts", summary: "1700000000000" },
      { offset: 19, depth: 1, name: "fixstr", key: "etype", summary: '"SET"' },
      { offset: 28, depth: 1, name: "fixmap", key: "data", summary: "3 entries" },
      { offset: 33, depth: 2, name: "fixstr", key: "tag", summary: '"Scene"' },
      { offset: 43, depth: 2, name: "fixstr", key: "key", summary: '"root"' },
      { offset: 57, depth: 2, name: "fixarray", key: "children", summary: "0 items" },
    ]);
    expect(lines.flatMap((l) => l.notes)).toEqual([]);
    expect(lines[1]).toMatchObject({ formatByte: 0xcf, family: "int", header: "cf0000018bcfe56800" });
    expect(lines.some((l) => l.error)).toBe(false);
  });

  it("gives families, lengths and array indices", () => {
    const lines = inspect(fromHex("95 c0 c3 cb3ff0000000000000 c4020102 9100"));
    expect(lines.map((l) => [l.family, l.depth, l.index, l.length, l.summary])).toEqual([
      ["array", 0, undefined, 5, "5 items"],
      ["nil", 1, 0, undefined, "nil"],
      ["bool", 1, 1, undefined, "true"],
      ["float", 1, 2, undefined, "1.0"],
      ["bin", 1, 3, 2, "0102"],
      ["array", 1, 4, 1, "1 item"],
      ["int", 2, 0, undefined, "0"],
    ]);
  });

  it("summarizes floats so they read as floats, NaN with its bits", () => {
    const summaries = (hex: string) => inspect(fromHex(hex)).map((l) => l.summary);
    expect(summaries("94 cb8000000000000000 ca3fc00000 cb7ff8000000000001 ca7f800000")).toEqual([
      "4 items",
      "-0.0",
      "1.5",
      "NaN (bits 7ff8000000000001)",
      "Infinity",
    ]);
  });

  it("abbreviates long payloads after 32 bytes, on whole characters", () => {
    const [str, bin] = [inspect(new RawWriter().str8("é".repeat(40)).bytes())[0]!, inspect(new RawWriter().bin8(new Uint8Array(40)).bytes())[0]!];
    expect(str.summary).toBe(`"${"é".repeat(16)}"…`); // 16 × 2 bytes = 32
    expect(bin.summary).toBe("00".repeat(32) + "…");
    expect(inspect(new RawWriter().fixstr("x".repeat(31)).bytes(), { preview: 4 })[0]!.summary).toBe('"xxxx"…');
  });
});

describe("notes say every way a header is not canonical", () => {
  it.each<[string, RawWriter, string]>([
    ["map16", new RawWriter().map16(3).fixstr("a").nil().fixstr("b").nil().fixstr("c").nil(), "map16 header for 3 entries; canonical is fixmap"],
    ["array32", new RawWriter().array32(1).nil(), "array32 header for 1 item; canonical is fixarray"],
    ["uint16", new RawWriter().uint16(5), "uint16 for 5; canonical is positive fixint"],
    ["uint64", new RawWriter().uint64(256), "uint64 for 256; canonical is uint16"],
    ["int8", new RawWriter().int8(5), "int8 for non-negative 5; canonical uses the uint family: positive fixint"],
    ["int64", new RawWriter().int64(200), "int64 for non-negative 200; canonical uses the uint family: uint8"],
    ["int16", new RawWriter().int16(-5), "int16 for -5; canonical is negative fixint"],
    ["str16", new RawWriter().str16("abcdefghij"), "str16 for 10 bytes; canonical is fixstr"],
    ["bin32", new RawWriter().bin32(new Uint8Array(1)), "bin32 for 1 byte; canonical is bin8"],
  ])("%s", (_, writer, note) => {
    expect(inspect(writer.bytes())[0]!.notes).toEqual([note]);
  });

  it("notes a non-canonical key header on its value's line", () => {
    const lines = inspect(new RawWriter().fixmap(1).str8("ts").uint16(5).bytes());
    expect(lines[1]!.notes).toEqual(["key: str8 for 2 bytes; canonical is fixstr", "uint16 for 5; canonical is positive fixint"]);
  });

  it("has no notes for canonical forms at every boundary", () => {
    const bytes = fromHex("9a 7f cc80 cd0100 ce00010000 cf0000000100000000 e0 d0df d1ff7f d2ffff7fff d3ffffffff7fffffff");
    expect(inspect(bytes).flatMap((l) => l.notes)).toEqual([]);
  });
});

describe("errors: the listing ends with the error decode reports, at the same offset", () => {
  it.each([
    ["", "Truncated"],
    ["cd01", "Truncated"],
    ["9201", "Truncated"],
    ["81a161", "Truncated"],
    ["82a16101", "Truncated"],
    ["dbffffffff616263", "Truncated"],
    ["c6ffffffff010203", "Truncated"],
    ["ddffffffff010203", "Truncated"],
    ["dfffffffffa16101", "Truncated"],
    ["c0c0", "TrailingBytes"],
    ["c1", "InvalidValue"],
    ["81a161c1", "InvalidValue"],
    ["d40100", "UnsupportedExt"],
    ["91d6ff00000000", "UnsupportedExt"],
    ["a2c328", "InvalidUtf8"],
    ["81a2c32801", "InvalidUtf8"],
    ["810101", "NonStringKey"],
    ["82a16101a16102", "DuplicateKey"],
    ["91".repeat(513) + "c0", "DepthExceeded"],
  ])("%s → %s", (hex, kind) => {
    const bytes = fromHex(hex);
    let expected: VmpError | undefined;
    try {
      decode(bytes);
    } catch (e) {
      expected = e as VmpError;
    }
    const lines = inspect(bytes);
    const last = lines.at(-1)!;
    expect([last.error, last.offset]).toEqual([kind, expected?.offset]);
    expect(expected?.kind).toBe(kind);
    expect(lines.filter((l) => l.error).length).toBe(1);
  });

  it("keeps the lines before the error", () => {
    const lines = inspect(fromHex("93 01 02 c1"));
    expect(lines.map((l) => l.error ?? l.summary)).toEqual(["3 items", "1", "2", "InvalidValue"]);
  });

  it("marks the end of the input when that is where an item is missing", () => {
    expect(inspect(fromHex("9201")).at(-1)).toMatchObject({ offset: 2, depth: 1, index: 1, formatName: "end of input", family: "end", header: "" });
  });

  it("stops 100 000 nested arrays at depth 512", () => {
    const input = new Uint8Array(100_001).fill(0x91);
    input[100_000] = 0xc0;
    const lines = inspect(input);
    expect(lines.length).toBe(513);
    expect(lines.at(-1)).toMatchObject({ depth: 512, offset: 512, error: "DepthExceeded" });
  });

  it("agrees with decode on 3000 random frames (mutated from valid ones, so they get past the first byte)", () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; // a small LCG: failures reproduce
      return (seed >>> 8) % n;
    };
    const base = fromHex(SET_EVENT);
    for (let i = 0; i < 3000; i++) {
      const bytes = base.slice(0, rand(base.length + 1));
      for (let k = rand(4); k > 0 && bytes.length > 0; k--) bytes[rand(bytes.length)] = rand(256);
      let error: VmpError | undefined;
      try {
        decode(bytes);
      } catch (e) {
        error = e as VmpError;
      }
      const last = inspect(bytes).at(-1)!;
      expect([last.error, last.error && last.offset]).toEqual([error?.kind, error?.offset]);
    }
  });

  it("never throws, whatever the bytes", () => {
    for (let b = 0; b < 256; b++) {
      for (const tail of ["", "00", "ffff", "0000000000000000"]) {
        expect(() => inspect(fromHex(b.toString(16).padStart(2, "0") + tail))).not.toThrow();
      }
    }
  });
});

describe("formatInspect", () => {
  it("renders an aligned table with notes", () => {
    const bytes = new RawWriter().map16(2).fixstr("ts").uint16(5).fixstr("my key").fixarray(1).nil().bytes();
    expect(formatInspect(inspect(bytes))).toBe(
      [
        " 0  de 00 02  map16                 2 entries  ; map16 header for 2 entries; canonical is fixmap",
        " 6  cd 00 05    ts: uint16          5  ; uint16 for 5; canonical is positive fixint",
        "16  91          \"my key\": fixarray  1 item",
        "17  c0            nil               nil",
      ].join("\n"),
    );
  });

  it("can leave notes out, and shows errors", () => {
    const text = formatInspect(inspect(fromHex("cd0005c0")), { notes: false });
    expect(text).toBe(["0  cd 00 05  uint16  5", "3  c0        nil     ERROR TrailingBytes: 1 byte after the value"].join("\n"));
  });
});
