/** The JSON form (SPEC §9): exact integers, text key order, __bytes__, clear errors. */
import { describe, expect, it } from "vitest";
import { VmpError, type ErrorKind } from "../../core/src/errors.js";
import { parseJsonForm, printJsonForm } from "../src/value/json-form.js";
import { array, bin, bool, equals, f32, f64, f64Bits, int, map, nil, str, type Value } from "../src/value/model.js";

function failure(f: () => unknown): VmpError {
  try {
    f();
  } catch (e) {
    if (e instanceof VmpError) return e;
    throw e;
  }
  throw new Error("expected a VmpError");
}

const expectParse = (text: string, v: Value) => expect(equals(parseJsonForm(text), v)).toBe(true);

describe("parseJsonForm", () => {
  it.each<[string, string, Value]>([
    ["null", "null", nil],
    ["booleans", "[true,false]", array([bool(true), bool(false)])],
    ["integer", "42", int(42)],
    ["negative zero integer", "-0", int(0)],
    ["uint64 max, exactly", "18446744073709551615", int(2n ** 64n - 1n)],
    ["int64 min, exactly", "-9223372036854775808", int(-(2n ** 63n))],
    ["2^53 + 1, not rounded", "9007199254740993", int(2n ** 53n + 1n)],
    ["fraction is a float", "1.0", f64(1)],
    ["exponent is a float", "1e2", f64(100)],
    ["capital exponent", "-2.5E-3", f64(-0.0025)],
    ["negative zero float", "-0.0", f64(-0)],
    ["keys in text order, integer-like too", '{"b":1,"10":2,"a":3,"2":4}', map([["b", int(1)], ["10", int(2)], ["a", int(3)], ["2", int(4)]])],
    ["bytes", '{"__bytes__":"AQL/"}', bin(new Uint8Array([1, 2, 255]))],
    ["empty bytes", '{"__bytes__":""}', bin(new Uint8Array())],
    ["__bytes__ with another key is a map", '{"__bytes__":"AA==","x":1}', map([["__bytes__", str("AA==")], ["x", int(1)]])],
    ["escapes", String.raw`"\"\\\/\b\f\n\r\t\u00e9"`, str('"\\/\b\f\n\r\té')],
    ["surrogate pair escape", String.raw`"\ud83d\ude00"`, str("😀")],
    ["non-ASCII as is", '"é😀"', str("é😀")],
    ["a leading byte-order mark", "\ufeff[1]", array([int(1)])],
    ["whitespace everywhere", ' \n\t{ "a" : [ 1 , 2 ] }\r\n', map([["a", array([int(1), int(2)])]])],
    ["empty containers", '{"a":{},"b":[]}', map([["a", map([])], ["b", array([])]])],
  ])("%s", (_, text, v) => expectParse(text, v));

  it.each<[string, string, ErrorKind, string]>([
    ["integer above 2^64-1", "18446744073709551616", "IntegerOutOfRange", "18446744073709551616 is outside -2^63..2^64-1"],
    ["integer below -2^63", "-9223372036854775809", "IntegerOutOfRange", "outside"],
    ["very long integer", "1".repeat(5000), "IntegerOutOfRange", "…"],
    ["float beyond float64", "1e400", "InvalidValue", "1e400 is beyond float64"],
    ["duplicate key", '{"a":1,\n "a":2}', "DuplicateKey", 'duplicate key "a" at line 2 column 2'],
    ["lone surrogate escape", String.raw`"\ud800"`, "InvalidUtf8", "lone surrogate"],
    ["lone low surrogate", String.raw`"\ude00x"`, "InvalidUtf8", "lone surrogate"],
    ["bad base64", '{"__bytes__":"AQL"}', "InvalidValue", "standard base64"],
    ["url-safe base64", '{"__bytes__":"_-8="}', "InvalidValue", "standard base64"],
    ["stray pad bits", '{"__bytes__":"AR=="}', "InvalidValue", "standard base64"],
    ["__bytes__ not a string", '{"__bytes__":1}', "InvalidValue", "standard base64"],
    ["trailing comma", "[1,]", "InvalidValue", 'JSON syntax: unexpected "]" at line 1 column 4'],
    ["missing colon", '{"a" 1}', "InvalidValue", 'JSON syntax: expected ":" at line 1 column 6'],
    ["unquoted key", "{a:1}", "InvalidValue", "expected a string key"],
    ["leading zero", "01", "InvalidValue", 'unexpected "1" after the value'],
    ["NaN literal", "NaN", "InvalidValue", 'unexpected "N"'],
    ["unterminated string", '["abc', "InvalidValue", "unterminated string at line 1 column 2"],
    ["raw control character", '"a\nb"', "InvalidValue", "control character"],
    ["bad escape", String.raw`"\x"`, "InvalidValue", "invalid escape"],
    ["short unicode escape", String.raw`"\u12"`, "InvalidValue", "invalid escape"],
    ["empty text", "", "InvalidValue", "unexpected end of input"],
    ["two values", "1 2", "InvalidValue", "after the value"],
    ["unclosed array", "[1", "InvalidValue", 'expected "," or "]"'],
  ])("%s → %s", (_, text, kind, reason) => {
    const e = failure(() => parseJsonForm(text));
    expect(e.kind).toBe(kind);
    expect(e.reason).toContain(reason);
  });

  it("names the path of the failure", () => {
    expect(failure(() => parseJsonForm('{"data":[1,{"x":1e999}]}')).path).toEqual(["data", 1, "x"]);
  });

  it("allows 512 nested containers and refuses the 513th without a stack overflow", () => {
    expect(parseJsonForm("[".repeat(512) + "]".repeat(512)).kind).toBe("array");
    expect(failure(() => parseJsonForm("[".repeat(513) + "]".repeat(513))).kind).toBe("DepthExceeded");
    expect(failure(() => parseJsonForm("[".repeat(100_000))).kind).toBe("DepthExceeded");
  });
});

describe("printJsonForm", () => {
  it.each<[string, Value, string]>([
    ["compact separators", map([["a", array([int(1), nil, bool(false)])]]), '{"a":[1,null,false]}'],
    ["exact big integers", array([int(2n ** 64n - 1n), int(-(2n ** 63n))]), "[18446744073709551615,-9223372036854775808]"],
    ["integral float64 keeps .0", f64(1), "1.0"],
    ["negative zero", f64(-0), "-0.0"],
    ["shortest round trip", f64(0.1), "0.1"],
    ["large float with exponent", f64(1e300), "1e+300"],
    ["large float without exponent", f64(1e20), "100000000000000000000.0"],
    ["small float", f64(5e-324), "5e-324"],
    ["float32 as its exact double", f32(0.10000000149011612), "0.10000000149011612"],
    ["integral float32", f32(2), "2.0"],
    ["bytes as base64", bin(new Uint8Array([1, 2, 255])), '{"__bytes__":"AQL/"}'],
    ["string escapes, non-ASCII as is", str('"\\\n\u0001é😀'), String.raw`"\"\\\n\u0001é😀"`],
    ["map order kept", map([["2", int(1)], ["1", int(2)]]), '{"2":1,"1":2}'],
    ["empty containers", array([map([]), array([])]), "[{},[]]"],
  ])("%s", (_, v, text) => expect(printJsonForm(v)).toBe(text));

  it("indents like JSON.stringify", () => {
    const v = map([["a", array([int(1), map([])])], ["b", bin(new Uint8Array([0]))]]);
    expect(printJsonForm(v, { indent: 2 })).toBe(
      ['{', '  "a": [', "    1,", "    {}", "  ],", '  "b": {', '    "__bytes__": "AA=="', "  }", "}"].join("\n"),
    );
  });

  it.each<[string, Value, ErrorKind, (string | number)[]]>([
    ["NaN", map([["x", array([f64(NaN)])]]), "InvalidValue", ["x", 0]],
    ["Infinity", f64(Infinity), "InvalidValue", []],
    ["NaN payload", f64Bits(0x7ff8000000000001n), "InvalidValue", []],
    ["lone surrogate", array([str("\ud800")]), "InvalidUtf8", [0]],
    ["a map that would read as bytes", map([["__bytes__", str("AA==")]]), "InvalidValue", []],
  ])("%s has no JSON form", (_, v, kind, path) => {
    const e = failure(() => printJsonForm(v));
    expect([e.kind, e.path]).toEqual([kind, path]);
  });

  it("prints what it parses, byte for byte, for canonical text", () => {
    for (const text of [
      '{"ts":1700000000000,"etype":"SET","data":{"tag":"Scene","key":"root","children":[]}}',
      '[0,-1,1.5,-0.0,1.0,1e+300,18446744073709551615,{"__bytes__":"AAEC"},null,true,"\\u0000é"]',
    ]) {
      expect(printJsonForm(parseJsonForm(text))).toBe(text);
    }
  });
});
