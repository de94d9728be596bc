/**
 * Every MessagePack family at every size boundary (spec §3.1): the canonical form of each value, and the wider
 * forms every decoder must still accept. Bare values, type `any`.
 */
import { array, bin, bool, f32, f32Bits, f64, f64Bits, int, map, nil, str, type Value } from "../../reference/src/value/model.js";
import { RawWriter } from "../../reference/src/wire/raw.js";
import { valid, type ManifestRecipe, type ValidRecipe } from "../src/recipe.js";

const w = () => new RawWriter();

/** Integers at the edge of every width, each with a wider form a decoder must accept. */
function integers(): ValidRecipe[] {
  const cases: [string, bigint, string, RawWriter?, string?][] = [
    ["int.zero", 0n, "0 is positive fixint 00", w().uint8(0), "uint8"],
    ["int.one", 1n, "1 is positive fixint 01", w().int64(1), "int64 (Swift's Int64)"],
    ["int.fixint.max", 127n, "127 is the largest positive fixint", w().uint16(127), "uint16"],
    ["int.uint8.min", 128n, "128 is the smallest uint8 (cc 80)", w().uint32(128), "uint32"],
    ["int.uint8.max", 255n, "255 is the largest uint8", w().int16(255), "int16 for a non-negative value"],
    ["int.uint16.min", 256n, "256 needs uint16 (cd 01 00)", w().uint64(256), "uint64"],
    ["int.uint16.max", 65535n, "65535 is the largest uint16", w().int32(65535), "int32 for a non-negative value"],
    ["int.uint32.min", 65536n, "65536 needs uint32", w().uint64(65536), "uint64"],
    ["int.uint32.max", 4294967295n, "2^32-1 is the largest uint32", w().int64(4294967295), "int64"],
    ["int.uint64.min", 4294967296n, "2^32 needs uint64 (msgpackr writes float64 here)", w().int64(4294967296), "int64"],
    ["int.safe.max", 9007199254740991n, "2^53-1, the largest integer a JS number holds exactly", w().int64(9007199254740991n), "int64"],
    ["int.safe.max-plus-one", 9007199254740992n, "2^53: beyond a JS number's exact range, must stay exact", w().int64(9007199254740992n), "int64"],
    ["int.int64.max", 2n ** 63n - 1n, "2^63-1, the largest int64, written as uint64", w().int64(2n ** 63n - 1n), "int64"],
    ["int.uint64.above-int64", 2n ** 63n, "2^63 fits only uint64"],
    ["int.uint64.max", 2n ** 64n - 1n, "2^64-1, the largest MessagePack integer"],
    ["int.neg.one", -1n, "-1 is negative fixint ff", w().int8(-1), "int8"],
    ["int.neg.fixint.min", -32n, "-32 is the smallest negative fixint (e0)", w().int16(-32), "int16"],
    ["int.int8.min-magnitude", -33n, "-33 needs int8 (d0 df)", w().int32(-33), "int32"],
    ["int.int8.min", -128n, "-128 is the smallest int8", w().int64(-128), "int64"],
    ["int.int16.first", -129n, "-129 needs int16", w().int32(-129), "int32"],
    ["int.int16.min", -32768n, "-32768 is the smallest int16", w().int64(-32768), "int64"],
    ["int.int32.first", -32769n, "-32769 needs int32", w().int64(-32769), "int64"],
    ["int.int32.min", -2147483648n, "-2^31 is the smallest int32", w().int64(-2147483648), "int64"],
    ["int.int64.first", -2147483649n, "-2^31-1 needs int64"],
    ["int.int64.min", -(2n ** 63n), "-2^63, the smallest MessagePack integer"],
  ];
  return cases.map(([id, v, description, alt, note]) =>
    valid(id, description, int(v), alt ? { alternatives: [[alt, `${note}: wider than canonical, still the same integer`]] } : {}),
  );
}

function floats(): ValidRecipe[] {
  const f64s: [string, Value, string][] = [
    ["float64.zero", f64(0), "0.0 stays float64 (cb 00…), never the integer 0"],
    ["float64.negative-zero", f64(-0), "-0.0 keeps its sign bit (cb 80 00…)"],
    ["float64.one", f64(1), "1.0 is float64 cb 3f f0 00…; JS producers must not write 01"],
    ["float64.one-and-half", f64(1.5), "1.5"],
    ["float64.tenth", f64(0.1), "0.1, not exactly representable: the nearest double"],
    ["float64.negative", f64(-2.5), "a negative float"],
    ["float64.large", f64(1e300), "1e300, beyond float32's range"],
    ["float64.max", f64Bits(0x7fefffffffffffffn), "the largest finite double"],
    ["float64.min-normal", f64Bits(0x0010000000000000n), "the smallest normal double"],
    ["float64.subnormal.min", f64Bits(1n), "the smallest subnormal double (5e-324)"],
    ["float64.subnormal.max", f64Bits(0x000fffffffffffffn), "the largest subnormal double"],
    ["float64.infinity", f64(Infinity), "+Infinity is allowed on the wire"],
    ["float64.negative-infinity", f64(-Infinity), "-Infinity"],
    ["float64.nan", f64Bits(0x7ff8000000000000n), "the canonical quiet NaN"],
    ["float64.nan.payload", f64Bits(0x7ff8000000000001n), "a quiet NaN with a payload: compared bit-exactly, kept on relay"],
    ["float64.nan.signalling", f64Bits(0x7ff0000000000001n), "a signalling NaN bit pattern, kept as is"],
    ["float64.nan.negative", f64Bits(0xfff8000000000000n), "a NaN with the sign bit set"],
  ];
  const f32s: [string, Value, string][] = [
    ["float32.one-and-half", f32(1.5), "a free-form float32 stays float32 (ca 3f c0 00 00)"],
    ["float32.negative-zero", f32(-0), "float32 -0.0 keeps its sign"],
    ["float32.max", f32Bits(0x7f7fffffn), "the largest finite float32"],
    ["float32.subnormal.min", f32Bits(1n), "the smallest subnormal float32"],
    ["float32.infinity", f32(Infinity), "float32 +Infinity"],
    ["float32.nan.payload", f32Bits(0x7fc00001n), "a float32 NaN with a payload"],
  ];
  return [...f64s, ...f32s].map(([id, v, description]) => valid(id, description, v));
}

const ascii = (n: number) => "a".repeat(n);
const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => i & 0xff);

function strings(): ValidRecipe[] {
  const sized: [number, string, RawWriter | undefined][] = [
    [0, "the empty string is a0", w().str8("")],
    [1, "one byte: fixstr a1", w().str16("a")],
    [15, "15 bytes: fixstr af", undefined],
    [16, "16 bytes: fixstr b0", undefined],
    [31, "31 bytes: the largest fixstr (bf)", w().str8(ascii(31))],
    [32, "32 bytes: the smallest str8 (d9 20)", w().str16(ascii(32))],
    [255, "255 bytes: the largest str8", w().str32(ascii(255))],
    [256, "256 bytes: the smallest str16 (da 01 00)", undefined],
    [65535, "65535 bytes: the largest str16", undefined],
    [65536, "65536 bytes: the smallest str32 (db 00 01 00 00)", undefined],
  ];
  const out = sized.map(([n, description, alt]) =>
    valid(`str.len.${n}`, description, str(ascii(n)), alt ? { alternatives: [[alt, "a wider string header"]] } : {}),
  );
  out.push(
    valid("str.utf8.two-and-four-byte", "é (2 bytes) and 😀 (4 bytes): the header counts bytes, 6 (a6)", str("é😀")),
    valid("str.utf8.32-bytes-16-chars", "16 × é is 16 characters but 32 bytes: str8, not fixstr", str("é".repeat(16))),
    valid("str.utf8.nul", "a NUL character is ordinary text", str("a\u0000b")),
    valid("str.utf8.max-code-point", "U+10FFFF, the last code point (f4 8f bf bf)", str("\u{10ffff}")),
  );
  return out;
}

function binaries(): ValidRecipe[] {
  const sized: [number, string, RawWriter | undefined][] = [
    [0, "empty bytes are c4 00, never a wrapped ZData", w().bin16(new Uint8Array())],
    [1, "one byte", w().bin32(bytes(1))],
    [255, "255 bytes: the largest bin8", w().bin16(bytes(255))],
    [256, "256 bytes: the smallest bin16 (c5 01 00)", undefined],
    [65535, "65535 bytes: the largest bin16", undefined],
    [65536, "65536 bytes: the smallest bin32 (c6 00 01 00 00)", undefined],
  ];
  return sized.map(([n, description, alt]) =>
    valid(`bin.len.${n}`, description, bin(bytes(n)), alt ? { alternatives: [[alt, "a wider bin header"]] } : {}),
  );
}

/** `n` nils in an array, and `n` entries "k00000": index in a map. */
const nils = (n: number) => array(Array.from({ length: n }, () => nil));
const entries = (n: number) => map(Array.from({ length: n }, (_, i) => [`k${String(i).padStart(5, "0")}`, int(i)] as const));

function containers(): ValidRecipe[] {
  return [
    valid("array.len.0", "the empty array is 90", nils(0), { alternatives: [[w().array16(0), "array16 for 0 items"], [w().array32(0), "array32 for 0 items"]] }),
    valid("array.len.1", "one item", nils(1), { alternatives: [[w().array16(1).nil(), "array16 for 1 item"]] }),
    valid("array.len.15", "15 items: the largest fixarray (9f)", nils(15)),
    valid("array.len.16", "16 items: the smallest array16 (dc 00 10)", nils(16), { alternatives: [[w().array32(16).raw("c0".repeat(16)), "array32 for 16 items"]] }),
    valid("array.len.65535", "65535 items: the largest array16", nils(65535)),
    valid("array.len.65536", "65536 items: the smallest array32 (dd 00 01 00 00)", nils(65536)),
    valid("array.mixed", "items of every kind in one array", array([nil, bool(true), bool(false), int(-1), f64(0.5), str("x"), bin(bytes(2)), array([]), map([])])),
    valid("map.len.0", "the empty map is 80 (msgpackr writes de 00 00)", entries(0), { alternatives: [[w().map16(0), "map16 for 0 entries (msgpackr)"], [w().map32(0), "map32 for 0 entries"]] }),
    valid("map.len.1", "one entry", map([["a", int(1)]]), { alternatives: [[w().map16(1).fixstr("a").fixint(1), "map16 for 1 entry (msgpackr)"]] }),
    valid("map.len.15", "15 entries: the largest fixmap (8f)", entries(15)),
    valid("map.len.16", "16 entries: the smallest map16 (de 00 10)", entries(16)),
    valid("map.len.65535", "65535 entries: the largest map16", entries(65535)),
    valid("map.len.65536", "65536 entries: the smallest map32 (df 00 01 00 00)", entries(65536)),
    valid("map.order.kept", "free-form maps keep producer order: b before a", map([["b", int(1)], ["a", int(2)]])),
    valid("map.order.integer-like-keys", "integer-like keys keep wire order (JS objects would sort them)", map([["2", int(0)], ["10", int(1)], ["1", int(2)]])),
    valid("map.key.proto", "a key named __proto__ is an ordinary key", map([["__proto__", map([["polluted", bool(true)]])]])),
    valid("map.key.empty", "the empty string is a valid key", map([["", int(0)]])),
    valid("map.key.dollar", "keys starting with $ are ordinary keys", map([["$int", str("not a tag")]])),
  ];
}

/** 512 nested arrays: the deepest nesting every decoder must accept. */
function nested(depth: number): Value {
  let v: Value = array([]);
  for (let i = 1; i < depth; i++) v = array([v]);
  return v;
}

export const msgpack: ManifestRecipe = {
  manifest: "msgpack",
  description: "MessagePack families at every size boundary: canonical forms and the wider forms decoders accept.",
  vectors: [
    valid("nil", "nil is c0", nil),
    valid("bool.true", "true is c3", bool(true)),
    valid("bool.false", "false is c2", bool(false)),
    ...integers(),
    ...floats(),
    ...strings(),
    ...binaries(),
    ...containers(),
    valid("nested.upstream", "the nested value from upstream's vector P44, identical in vrpc-py and vrpc-rs", map([
      ["layer1", map([["layer2", map([["text", str("nested")], ["list", array([int(1), str("two"), f64(3.5), nil, bool(true)])]])]])],
    ])),
    valid("nested.depth.512", "512 nested arrays: the deepest input a decoder must accept", nested(512)),
  ],
};
