/**
 * MessagePack at the byte level: the Writer's canonical forms (the boundary table of spec §3.10), strings, and
 * the Reader's errors with the offsets and paths of spec §8.2 and the reference decoder.
 */
import { describe, expect, it } from "vitest";
import { decodeValue, encodeValue } from "../../runtime/codec.js";
import { Reader } from "../../runtime/reader.js";
import { VmpFloat } from "../../runtime/value.js";
import { Writer } from "../../runtime/wire.js";
import { hex, toHex, failure as failureAt } from "./helpers.js";

const write = (f: (w: Writer) => void) => {
  const w = new Writer(1); // start tiny: every write goes through the growth path at least once
  f(w);
  return toHex(w.bytes());
};
/** kind, path and offset of the error `f` throws, as `Kind at path (byte N)` */
const failure = (f: () => unknown) => failureAt(f, true);

describe("Writer", () => {
  it("writes integers in their smallest form (spec §3.10 boundaries)", () => {
    const cases: [number | bigint, string][] = [
      [127, "7f"],
      [128, "cc 80"],
      [255, "cc ff"],
      [256, "cd 01 00"],
      [65536, "ce 00 01 00 00"],
      [2 ** 32, "cf 00 00 00 01 00 00 00 00"],
      [2n ** 64n - 1n, "cf ff ff ff ff ff ff ff ff"],
      [2 ** 60, "cf 10 00 00 00 00 00 00 00"],
      [-32, "e0"],
      [-33, "d0 df"],
      [-129, "d1 ff 7f"],
      [-(2 ** 31) - 1, "d3 ff ff ff ff 7f ff ff ff"],
      [-(2n ** 63n), "d3 80 00 00 00 00 00 00 00"],
      [-(2 ** 63), "d3 80 00 00 00 00 00 00 00"],
      [5n, "05"],
      [-0, "00"],
    ];
    for (const [v, bytes] of cases)
      expect(
        write((w) => w.int(v)),
        String(v),
      ).toBe(bytes);
    expect(failure(() => write((w) => w.int(2 ** 64)))).toBe("IntegerOutOfRange at (root)");
    expect(failure(() => write((w) => w.int(-(2n ** 63n) - 1n)))).toBe("IntegerOutOfRange at (root)");
  });

  it("writes floats with their bits, NaN as the canonical quiet NaN", () => {
    expect(write((w) => w.float64(1))).toBe("cb 3f f0 00 00 00 00 00 00");
    expect(write((w) => w.float64(-0))).toBe("cb 80 00 00 00 00 00 00 00");
    expect(write((w) => w.float64(NaN))).toBe("cb 7f f8 00 00 00 00 00 00");
    expect(write((w) => w.float32(1.5))).toBe("ca 3f c0 00 00");
    expect(write((w) => w.floatBits(32, 0x7fc00001n))).toBe("ca 7f c0 00 01");
  });

  it("writes strings with the smallest header for their UTF-8 length", () => {
    expect(write((w) => w.str("a".repeat(31))).slice(0, 5)).toBe("bf 61");
    expect(write((w) => w.str("a".repeat(32))).slice(0, 8)).toBe("d9 20 61");
    expect(write((w) => w.str("é😀"))).toBe("a6 c3 a9 f0 9f 98 80");
    // Long strings take the encodeInto path, which reserves a worst-case header and then moves the bytes.
    for (const [s, header] of [
      ["a".repeat(100), "d9 64"],
      ["é".repeat(128), "da 01 00"],
      ["a".repeat(70000), "db 00 01 11 70"],
    ] as const) {
      const bytes = write((w) => w.str(s));
      expect(bytes.slice(0, header.length)).toBe(header);
      expect(new TextDecoder().decode(hex(bytes).subarray(header.split(" ").length))).toBe(s);
    }
  });

  it("refuses lone surrogates, short or long (spec §3.4)", () => {
    expect(failure(() => write((w) => w.str("a\ud800")))).toBe("InvalidUtf8 at (root)");
    expect(failure(() => write((w) => w.str("\udc00b")))).toBe("InvalidUtf8 at (root)");
    expect(failure(() => write((w) => w.str("x".repeat(100) + "\ud83d")))).toBe("InvalidUtf8 at (root)");
  });

  it("writes container headers and bins in their smallest form", () => {
    expect(write((w) => w.arrayHeader(15))).toBe("9f");
    expect(write((w) => w.arrayHeader(16))).toBe("dc 00 10");
    expect(write((w) => w.mapHeader(0))).toBe("80");
    expect(write((w) => w.mapHeader(65536))).toBe("df 00 01 00 00");
    expect(write((w) => w.bin(new Uint8Array(0)))).toBe("c4 00");
    expect(write((w) => w.bin(new Uint8Array(256))).slice(0, 8)).toBe("c5 01 00");
  });

  it("is reusable: reset keeps the buffer, bytes() copies, view() does not", () => {
    const w = new Writer();
    w.int(1);
    const copy = w.bytes();
    const view = w.view();
    w.reset();
    w.int(2);
    expect([copy[0], view[0], w.length]).toEqual([1, 2, 1]);
  });
});

describe("Reader", () => {
  it("reports the errors of spec §8.2 at their offsets and paths", () => {
    const cases: [string, string][] = [
      ["", "Truncated at (root) (byte 0)"],
      ["a5 68 65 6c 6c", "Truncated at (root) (byte 0)"],
      ["92 01", "Truncated at [1] (byte 2)"],
      ["dd ff ff ff ff 01 02 03", "Truncated at [3] (byte 8)"],
      ["01 02", "TrailingBytes at (root) (byte 1)"],
      ["a2 c3 28", "InvalidUtf8 at (root) (byte 0)"],
      ["a3 ed a0 80", "InvalidUtf8 at (root) (byte 0)"],
      ["81 01 01", "NonStringKey at (root) (byte 1)"],
      ["81 d4 00 00 01", "NonStringKey at (root) (byte 1)"], // a key is checked for str before anything else
      // The second key starts at byte 4, where the reference reports it (spec §8.2's table says byte 3).
      ["82 a1 61 01 a1 61 02", "DuplicateKey at (root) (byte 4)"],
      ["81 a1 61 82 a1 78 c0 a1 78 c0", "DuplicateKey at a (byte 7)"],
      ["d4 00 00", "UnsupportedExt at (root) (byte 0)"],
      ["92 01 d6 ff 00 00 00 00", "UnsupportedExt at [1] (byte 2)"],
      ["d4", "Truncated at (root) (byte 0)"], // the ext type byte is part of the header
      ["c1", "InvalidValue at (root) (byte 0)"],
      ["81 a1 61 91 c1", "InvalidValue at a[0] (byte 4)"],
    ];
    for (const [input, expected] of cases)
      expect(
        failure(() => decodeValue(hex(input))),
        input,
      ).toBe(expected);
  });

  it("accepts 512 nested containers and refuses the 513th when it is entered", () => {
    const nested = (n: number) => new Uint8Array([...new Array<number>(n).fill(0x91), 0x90]);
    expect(() => decodeValue(nested(511))).not.toThrow();
    expect(failure(() => decodeValue(nested(512)))).toMatch(/^DepthExceeded at .* \(byte 512\)$/);
    expect(failure(() => decodeValue(nested(100000)))).toMatch(/^DepthExceeded/);
  });

  it("reads every integer width as the same value, a number while safe and a bigint beyond", () => {
    for (const input of [
      "01",
      "cc 01",
      "cd 00 01",
      "ce 00 00 00 01",
      "cf 00 00 00 00 00 00 00 01",
      "d0 01",
      "d3 00 00 00 00 00 00 00 01",
    ]) {
      expect(decodeValue(hex(input)), input).toBe(1);
    }
    expect(decodeValue(hex("cf 00 1f ff ff ff ff ff ff"))).toBe(2 ** 53 - 1);
    expect(decodeValue(hex("cf 00 20 00 00 00 00 00 00"))).toBe(2n ** 53n);
    expect(decodeValue(hex("d3 ff e0 00 00 00 00 00 01"))).toBe(-(2 ** 53) + 1);
    expect(decodeValue(hex("d3 80 00 00 00 00 00 00 00"))).toBe(-(2n ** 63n));
  });

  it("keeps a leading byte-order mark as text", () => {
    expect(decodeValue(hex("a4 ef bb bf 61"))).toBe("\ufeffa");
  });

  it("skips items while checking them as reading would", () => {
    const r = new Reader(hex("82 a1 61 92 01 a1 fe a1 62 c0"));
    expect(failure(() => r.skip(r.next()))).toBe("InvalidUtf8 at a[1] (byte 5)");
  });
});

describe("free-form values", () => {
  it("write numbers by their JS type: integral numbers as integers, others and -0 as float64", () => {
    expect(toHex(encodeValue([1, 1.5, -0, NaN, 2n ** 63n, VmpFloat.f32(0.5)]))).toBe(
      "96 01 cb 3f f8 00 00 00 00 00 00 cb 80 00 00 00 00 00 00 00 cb 7f f8 00 00 00 00 00 00 cf 80 00 00 00 00 00 00 00 ca 3f 00 00 00",
    );
  });

  it("refuse what has no VMP form, with its path", () => {
    expect(failure(() => encodeValue({ a: [() => 1] }))).toBe("WrongType at a[0]");
    expect(failure(() => encodeValue({ a: Symbol("s") }))).toBe("WrongType at a");
    expect(failure(() => encodeValue(new Set([1])))).toBe("WrongType at (root)");
    expect(failure(() => encodeValue(undefined))).toBe("WrongType at (root)");
    expect(failure(() => encodeValue(new Map<unknown, unknown>([[1, 2]])))).toBe("NonStringKey at (root)");
    expect(toHex(encodeValue({ a: undefined, b: 1 }))).toBe("81 a1 62 01");
  });

  it("refuse cycles as too deep instead of overflowing the stack", () => {
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expect(failure(() => encodeValue(cycle))).toMatch(/^DepthExceeded/);
  });

  it("read lossless floats as VmpFloat only where a number would lose the float", () => {
    const values = decodeValue(
      hex(
        "95 cb 3f f0 00 00 00 00 00 00 cb 3f f8 00 00 00 00 00 00 cb 7f f8 00 00 00 00 00 00 cb 7f f8 00 00 00 00 00 01 ca 3f c0 00 00",
      ),
      {
        lossless: true,
      },
    ) as unknown[];
    expect(values.map((v) => (v instanceof VmpFloat ? `f${v.width}` : typeof v))).toEqual([
      "f64",
      "number",
      "number",
      "f64",
      "f32",
    ]);
    expect((values[3] as VmpFloat).bits).toBe(0x7ff8000000000001n);
  });
});
