/**
 * Frames that are not valid MessagePack, or that the VMP value model forbids (spec §2, §8): every wire-level
 * error kind, including hostile inputs that must fail fast without allocating what they declare.
 */
import { RawWriter } from "../../reference/src/wire/raw.js";
import { hex, invalid, type InvalidRecipe, type ManifestRecipe } from "../src/recipe.js";

const w = () => new RawWriter();
const FOUR_GB = 0xffffffff;

/** Every header cut short: the format byte promises bytes that never come. */
function truncated(): InvalidRecipe[] {
  const cases: [string, string, string][] = [
    ["empty", "", "an empty frame holds no object"],
    ["uint8", "cc", "uint8 without its byte"],
    ["uint16", "cd00", "uint16 with one of two bytes"],
    ["uint32", "ce000000", "uint32 with three of four bytes"],
    ["uint64", "cf00000000000000", "uint64 with seven of eight bytes"],
    ["int8", "d0", "int8 without its byte"],
    ["int16", "d1ff", "int16 with one of two bytes"],
    ["int32", "d2ffffff", "int32 with three of four bytes"],
    ["int64", "d3ffffffffffffff", "int64 with seven of eight bytes"],
    ["float32", "ca3fc000", "float32 with three of four bytes"],
    ["float64", "cb3ff00000000000", "float64 with seven of eight bytes"],
    ["fixstr", "a5616263", "fixstr of 5 with 3 bytes"],
    ["str8.length", "d9", "str8 without its length byte"],
    ["str8.payload", "d90561", "str8 of 5 with 1 byte"],
    ["str16.length", "da00", "str16 with half its length field"],
    ["str16.payload", "da00106162", "str16 of 16 with 2 bytes"],
    ["str32.payload", "db0000010061", "str32 of 256 with 1 byte"],
    ["bin8.payload", "c40301", "bin8 of 3 with 1 byte"],
    ["bin16.payload", "c5010001", "bin16 of 256 with 1 byte"],
    ["bin32.length", "c60000", "bin32 with half its length field"],
    ["fixarray", "930102", "fixarray of 3 with 2 items"],
    ["array16", "dc000501", "array16 of 5 with 1 item"],
    ["array32", "dd00000002c0", "array32 of 2 with 1 item"],
    ["fixmap.value", "81a161", "a map key without its value"],
    ["fixmap.entries", "82a16101", "fixmap of 2 with 1 entry"],
    ["map16", "de0002a16101", "map16 of 2 with 1 entry (msgpackr's header)"],
    ["map32", "df00000001", "map32 of 1 with nothing after it"],
    ["nested", "9191919101", "cut inside nested arrays: fixarray of 1 holding 1 holding… then an item missing"],
  ];
  const out = cases.map(([id, input, description]) => invalid(`truncated.${id}`, description, hex(input), "Truncated"));
  out[out.length - 1] = invalid("truncated.nested", "an array of 2 whose second item never comes, inside nested arrays", hex("91919192 01"), "Truncated");
  return out;
}

/** Lengths of 4 GB with 3 bytes present: a decoder that trusts the header allocates gigabytes. */
function hostile(): InvalidRecipe[] {
  const abc = new TextEncoder().encode("abc");
  return [
    invalid("hostile.str32-4gb", "str32 declaring 4 GB with 3 bytes present: fail before allocating", w().str32(abc, FOUR_GB), "Truncated"),
    invalid("hostile.bin32-4gb", "bin32 declaring 4 GB with 3 bytes present", w().bin32(abc, FOUR_GB), "Truncated"),
    invalid("hostile.array32-4g-items", "array32 declaring 4 billion items with 3 present: never pre-allocate", w().array32(FOUR_GB).raw("010203"), "Truncated"),
    invalid("hostile.map32-4g-entries", "map32 declaring 4 billion entries with one present", w().map32(FOUR_GB).fixstr("a").fixint(1), "Truncated"),
    invalid("hostile.bin16-in-map", "a bin16 declaring 65535 bytes inside a map, with 2 present", w().fixmap(1).fixstr("b").bin16(hex("0102"), 0xffff), "Truncated"),
    invalid("hostile.nested-arrays-100000", "100 000 nested arrays: an error, never a stack overflow", hex(`${"91".repeat(100000)}c0`), "DepthExceeded"),
    invalid("hostile.nested-maps-100000", "100 000 nested single-entry maps", hex(`${"81a161".repeat(100000)}c0`), "DepthExceeded"),
  ];
}

function depth(): InvalidRecipe[] {
  return [
    invalid("depth.arrays.513", "513 nested arrays: one container deeper than the limit of 512", hex(`${"91".repeat(512)}90`), "DepthExceeded"),
    invalid("depth.maps.513", "513 nested maps", hex(`${"81a178".repeat(512)}80`), "DepthExceeded"),
    invalid("depth.mixed.513", "arrays and maps alternating, 513 deep", hex(`${"9181a178".repeat(256)}90`), "DepthExceeded"),
  ];
}

function trailing(): InvalidRecipe[] {
  return [
    invalid("trailing.nil", "two objects in one frame: c0 c0", hex("c0c0"), "TrailingBytes"),
    invalid("trailing.int", "an integer followed by another", hex("0102"), "TrailingBytes"),
    invalid("trailing.after-array", "a complete array, then a stray byte", hex("9001"), "TrailingBytes"),
    invalid("trailing.after-map", "a complete map, then a stray nil", hex("81a16101c0"), "TrailingBytes"),
  ];
}

function utf8(): InvalidRecipe[] {
  return [
    invalid("utf8.invalid-byte", "ff never occurs in UTF-8", hex("a1ff"), "InvalidUtf8"),
    invalid("utf8.overlong", "c0 80 is an overlong NUL", hex("a2c080"), "InvalidUtf8"),
    invalid("utf8.surrogate", "ed a0 80 encodes a UTF-16 surrogate", hex("a3eda080"), "InvalidUtf8"),
    invalid("utf8.cut-sequence", "a 3-byte sequence cut after 2 bytes", hex("a2e282"), "InvalidUtf8"),
    invalid("utf8.beyond-unicode", "f4 90 80 80 is above U+10FFFF", hex("a4f4908080"), "InvalidUtf8"),
    invalid("utf8.lone-continuation", "a continuation byte with no lead", hex("a3618061"), "InvalidUtf8"),
    invalid("utf8.map-key", "invalid UTF-8 in a map key", hex("81a1ff01"), "InvalidUtf8", { path: [] }),
    invalid("utf8.nested", "invalid UTF-8 deep in a value", hex("81a16191a1fe"), "InvalidUtf8", { path: ["a", 0] }),
  ];
}

function keys(): InvalidRecipe[] {
  return [
    invalid("key.int", "an integer key (msgpack-python's strict_map_key rejects it too)", hex("810101"), "NonStringKey"),
    invalid("key.nil", "a nil key", hex("81c001"), "NonStringKey"),
    invalid("key.bin", "a bin key, even one holding valid UTF-8", hex("81c4016101"), "NonStringKey"),
    invalid("key.array", "an array key", hex("819001"), "NonStringKey"),
    invalid("key.duplicate", "the same key twice", hex("82a16101a16102"), "DuplicateKey"),
    invalid("key.duplicate.nested", "a duplicate inside a nested map: the path names the map, the message the key", hex("81a16182a178c0a178c0"), "DuplicateKey", { path: ["a"] }),
    invalid("key.duplicate.non-adjacent", "duplicates need not be adjacent", hex("83a16101a16202a16103"), "DuplicateKey"),
    invalid("key.duplicate.status-entry", "vrpc-py's status entry ok: true written twice in a catalogued response: an entry read as absent (SPEC §4.4) is still an entry, and a repeated key is DuplicateKey at the map (SPEC §2.4, §8.2)",
      w().fixmap(5).fixstr("ts").uint64(1700000000000).fixstr("etype").fixstr("MJ_STEP_RESPONSE@u-2").fixstr("ok").true().fixstr("ok").true().fixstr("value").nil(),
      "DuplicateKey", { type: "MjStepResponse", path: [] }),
  ];
}

function extAndReserved(): InvalidRecipe[] {
  return [
    invalid("ext.fixext1", "fixext1: VMP has no ext types", w().ext(1, hex("00")), "UnsupportedExt"),
    invalid("ext.msgpackr-undefined", "d4 00 00, msgpackr's encoding of undefined", hex("d40000"), "UnsupportedExt"),
    invalid("ext.timestamp32", "the timestamp ext (-1), msgpackr's Date", w().ext(-1, hex("00000000")), "UnsupportedExt"),
    invalid("ext.timestamp-in-event", "a SET whose data is a timestamp ext, read as a ServerEvent: refused wherever it stands, also on fast decode paths", hex("83a27473cf0000018bcfe56800a56574797065a3534554a464617461d6ff0c5a13bc"), "UnsupportedExt", { type: "ServerEvent" }),
    invalid("ext.fixext16", "fixext16", w().ext(5, new Uint8Array(16)), "UnsupportedExt"),
    invalid("ext.ext8", "ext8 of 1 byte", w().ext(1, hex("00"), "ext8"), "UnsupportedExt"),
    invalid("ext.ext16", "ext16", w().ext(1, hex("0000"), "ext16"), "UnsupportedExt"),
    invalid("ext.ext32", "ext32", w().ext(1, hex("00"), "ext32"), "UnsupportedExt"),
    invalid("ext.in-map", "an ext as a map value, msgpackr's undefined in an object", hex("82a161d40000a16201"), "UnsupportedExt", { path: ["a"] }),
    invalid("reserved.c1", "0xc1 is never used", hex("c1"), "InvalidValue"),
    invalid("reserved.c1.in-array", "0xc1 inside an array", hex("9201c1"), "InvalidValue", { path: [1] }),
  ];
}

export const malformed: ManifestRecipe = {
  manifest: "malformed",
  description: "Frames every decoder must reject: truncation, trailing bytes, bad UTF-8, bad keys, ext types, depth, hostile lengths.",
  vectors: [...truncated(), ...hostile(), ...depth(), ...trailing(), ...utf8(), ...keys(), ...extAndReserved()],
};
