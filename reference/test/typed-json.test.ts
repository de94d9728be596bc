/** Typed JSON (conformance/VECTORS.md): shortest forms when writing, strict when reading. */
import { describe, expect, it } from "vitest";
import { array, bin, bool, equals, f32, f32Bits, f64, f64Bits, int, map, nil, str, type Value } from "../src/value/model.js";
import { fromTypedJson, toTypedJson } from "../src/value/typed-json.js";

/** Pairs that hold in both directions: the value and its shortest typed JSON (as JSON text). */
const PAIRS: [string, Value, string][] = [
  ["nil", nil, "null"],
  ["true", bool(true), "true"],
  ["safe int", int(-32), "-32"],
  ["largest safe int", int(2 ** 53 - 1), "9007199254740991"],
  ["smallest safe int", int(-(2 ** 53 - 1)), "-9007199254740991"],
  ["2^53 needs $int", int(2n ** 53n), '{"$int":"9007199254740992"}'],
  ["uint64 max", int(2n ** 64n - 1n), '{"$int":"18446744073709551615"}'],
  ["int64 min", int(-(2n ** 63n)), '{"$int":"-9223372036854775808"}'],
  ["float64", f64(1.5), '{"$f64":1.5}'],
  ["integral float64", f64(1), '{"$f64":1}'],
  ["-0.0", f64(-0), '{"$f64":"-0"}'],
  ["NaN", f64(NaN), '{"$f64":"NaN"}'],
  ["Infinity", f64(Infinity), '{"$f64":"Infinity"}'],
  ["-Infinity", f64(-Infinity), '{"$f64":"-Infinity"}'],
  ["NaN payload", f64Bits(0x7ff8000000000001n), '{"$f64bits":"7ff8000000000001"}'],
  ["negative quiet NaN", f64Bits(0xfff8000000000000n), '{"$f64bits":"fff8000000000000"}'],
  ["float32", f32(1.5), '{"$f32":1.5}'],
  ["float32 -0", f32(-0), '{"$f32":"-0"}'],
  ["float32 NaN", f32Bits(0x7fc00000n), '{"$f32":"NaN"}'],
  ["float32 NaN payload", f32Bits(0x7fc00001n), '{"$f32bits":"7fc00001"}'],
  ["str", str("é😀"), '"é😀"'],
  ["bin", bin(new Uint8Array([1, 2, 255])), '{"$bin":"0102ff"}'],
  ["empty bin", bin(new Uint8Array()), '{"$bin":""}'],
  ["array", array([int(1), str("a")]), '[1,"a"]'],
  ["plain map", map([["b", int(1)], ["a", nil]]), '{"b":1,"a":null}'],
  ["__proto__ key stays a key", map([["__proto__", int(1)]]), '{"__proto__":1}'],
  ["integer-like key needs $map", map([["b", int(1)], ["10", int(2)]]), '{"$map":[["b",1],["10",2]]}'],
  ["$ key needs $map", map([["$int", str("x")]]), '{"$map":[["$int","x"]]}'],
  ["nested", map([["a", map([["0", array([])]])]]), '{"a":{"$map":[["0",[]]]}}'],
  ["empty map", map([]), "{}"],
];

describe("typed JSON both ways", () => {
  it.each(PAIRS)("%s: writes the shortest form", (_, v, json) => {
    expect(JSON.stringify(toTypedJson(v))).toBe(json);
  });

  it.each(PAIRS)("%s: reads back", (_, v, json) => {
    expect(equals(fromTypedJson(JSON.parse(json)), v)).toBe(true);
  });
});

describe("reading accepts the longer forms too", () => {
  it.each<[string, string, Value]>([
    ["$int for a safe integer", '{"$int":"5"}', int(5)],
    ["$f64bits for a plain value", '{"$f64bits":"3ff0000000000000"}', f64(1)],
    ["$f64 -0 as a number", '{"$f64":-0}', f64(-0)],
    ["$map for plain keys", '{"$map":[["a",1]]}', map([["a", int(1)]])],
    ["-0 as a plain number is the integer 0", "-0", int(0)],
  ])("%s", (_, json, v) => expect(equals(fromTypedJson(JSON.parse(json)), v)).toBe(true));
});

describe("reading is strict and names the path", () => {
  it.each<[string, string, string]>([
    ["unknown tag", '{"$float":1}', 'unknown tag "$float"'],
    ["tag with another key", '{"$int":"1","x":2}', '"$int" must be the object\'s only key'],
    ["unsafe JSON integer", "9007199254740992", "not a safe JSON integer"],
    ["fraction without a tag", "1.5", '1.5 is not an integer; a float64 is written {"$f64": 1.5}'],
    ["$int not a string", '{"$int":5}', "$int takes a decimal string"],
    ["$int with a leading zero", '{"$int":"05"}', "$int takes a decimal string"],
    ["$int out of range", '{"$int":"18446744073709551616"}', "outside -2^63..2^64-1"],
    ["$f32 not representable", '{"$f32":0.1}', "not exactly representable as float32"],
    ["$f64 unknown string", '{"$f64":"nan"}', "$f64 takes a number"],
    ["$f64bits too short", '{"$f64bits":"7ff8"}', "16 lower-case hex digits"],
    ["$f32bits upper case", '{"$f32bits":"7FC00000"}', "8 lower-case hex digits"],
    ["$bin odd length", '{"$bin":"abc"}', "even number of lower-case hex digits"],
    ["integer-like plain key", '{"1":2}', 'integer-like key "1" must be written with $map'],
    ["$map not pairs", '{"$map":[["a"]]}', "$map entry 0 is not a [string, value] pair"],
    ["$map duplicate", '{"$map":[["a",1],["a",2]]}', 'the key "a" twice'],
  ])("%s", (_, json, message) => {
    expect(() => fromTypedJson(JSON.parse(json))).toThrow(message);
  });

  it("names the path of the failure", () => {
    const json = JSON.parse('{"data":{"$map":[["0",[1,{"$f32":0.1}]]]}}');
    expect(() => fromTypedJson(json)).toThrow('typed JSON at data["0"][1]: ');
  });

  it("starts from a given path", () => {
    expect(() => fromTypedJson(1.5, ["vectors", 3, "value"])).toThrow("typed JSON at vectors[3].value: ");
  });

  it("rejects values JSON.parse cannot produce", () => {
    expect(() => fromTypedJson(undefined)).toThrow("undefined is not JSON");
    expect(() => fromTypedJson(5n)).toThrow("bigint is not JSON");
  });
});
