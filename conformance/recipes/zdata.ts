/**
 * ZData (SPEC §7): `numpy.ndarray` for every dtype of the vocabulary, 0-d, empty and multi-dimensional
 * arrays, `torch.Tensor`, the decode-only forms (big-endian data, numpy's explicit dtype codes, vrpc-ts typed
 * arrays, any key order), images, safetensors, custom and unknown ztypes kept opaque, and ZData inside events.
 * Element bytes are little-endian and written by hand; each comment shows the derivation.
 */
import { array, bin, f64, int, map, str, type Value } from "../../reference/src/value/model.js";
import { RawWriter } from "../../reference/src/wire/raw.js";
import { hex, js, valid, type ManifestRecipe, type ValidRecipe } from "../src/recipe.js";

const TS = 1700000000000;
const w = () => new RawWriter();
const enc = (v: Value) => w().value(v);

/** `{ztype, b, dtype, shape}` in canonical order; `bytes` is hex (spaces allowed). */
export function ndarray(dtype: string, shape: readonly (number | bigint)[], bytes: string, ztype = "numpy.ndarray"): Value {
  return map([["ztype", str(ztype)], ["b", bin(hex(bytes))], ["dtype", str(dtype)], ["shape", array(shape.map((d) => int(d)))]]);
}
export const tensor = (dtype: string, shape: readonly (number | bigint)[], bytes: string) => ndarray(dtype, shape, bytes, "torch.Tensor");

/** vrpc-ts's decode-only typed-array form `{ztype: "Float32Array", b, length}`. */
export const typedArray = (ztype: string, length: number, bytes: string): Value =>
  map([["ztype", str(ztype)], ["b", bin(hex(bytes))], ["length", int(length)]]);

/** Little-endian float32 bytes of `xs`, as hex (for payloads too long to write by hand). */
export function f32le(xs: readonly number[]): string {
  const d = new DataView(new ArrayBuffer(4 * xs.length));
  xs.forEach((x, i) => d.setFloat32(4 * i, x, true));
  return Buffer.from(d.buffer).toString("hex");
}

/** The same array with its dtype spelled `code` and its bytes `bytes` (a numpy explicit or big-endian form). */
const spelled = (z: Value, code: string, bytes?: string): Value =>
  z.kind !== "map" ? z : map(z.entries.map(([k, v]) => [k, k === "dtype" ? str(code) : k === "b" && bytes !== undefined ? bin(hex(bytes)) : v] as const));
const alt = (z: Value, code: string, bytes?: string, note?: string) =>
  [enc(spelled(z, code, bytes)), note ?? `dtype ${code}${bytes ? " with big-endian bytes, swapped on decode" : ", numpy's explicit form"}`] as const;

function dtypes(): ValidRecipe[] {
  const f32 = ndarray("float32", [3], "0000803f 00000040 00004040"); // 1.0 = 0x3f800000, 2.0 = 0x40000000, 3.0 = 0x40400000
  const i16 = ndarray("int16", [2], "feff 0001"); // -2 = 0xfffe, 256 = 0x0100
  const i8 = ndarray("int8", [3], "ff 7f 80"); // -1, 127, -128 in two's complement
  const u32 = ndarray("uint32", [2], "ffffffff 01000000"); // 2^32-1, 1
  const f64v = ndarray("float64", [2], "000000000000e03f 000000000000f8bf"); // 0.5 = 0x3fe0…, -1.5 = 0xbff8…
  return [
    valid("zdata.ndarray.bool", "bool [True, False] (upstream Z08): one byte per element, 01 00", ndarray("bool", [2], "01 00"), { alternatives: [alt(ndarray("bool", [2], "0100"), "|b1")] }),
    valid("zdata.ndarray.int8", "int8 [-1, 127, -128]: ff 7f 80", i8, { alternatives: [alt(i8, "|i1"), [enc(typedArray("Int8Array", 3, "ff7f80")), "vrpc-ts Int8Array {ztype, b, length}: a 1-D int8 array"]] }),
    valid("zdata.ndarray.int16", "int16 [-2, 256]: fe ff, 00 01 little-endian", i16, { alternatives: [alt(i16, ">i2", "fffe 0100"), alt(i16, "<i2"), [enc(typedArray("Int16Array", 2, "feff0001")), "vrpc-ts Int16Array"]] }),
    valid("zdata.ndarray.int32", "int32 [1, 2, 3] (upstream Z05): 01 00 00 00 …", ndarray("int32", [3], "01000000 02000000 03000000"), { alternatives: [alt(ndarray("int32", [3], "010000000200000003000000"), "<i4"), alt(ndarray("int32", [3], "010000000200000003000000"), "=i4", undefined, "dtype =i4: native order means little-endian on the wire")] }),
    valid("zdata.ndarray.int64", "int64 [1, 2, 3] (upstream Z04)", ndarray("int64", [3], "0100000000000000 0200000000000000 0300000000000000"), {
      alternatives: [alt(ndarray("int64", [3], ""), ">i8", "0000000000000001 0000000000000002 0000000000000003")],
    }),
    valid("zdata.ndarray.int64.negative", "int64 [-1, -2^63]: ff×8, then 00×7 80 (the sign bit in the last byte)", ndarray("int64", [2], "ffffffffffffffff 0000000000000080")),
    valid("zdata.ndarray.uint8", "uint8 [255, 128, 0] (upstream Z06): ff 80 00", ndarray("uint8", [3], "ff 80 00"), { alternatives: [alt(ndarray("uint8", [3], "ff8000"), "|u1"), alt(ndarray("uint8", [3], "ff8000"), ">u1", undefined, "dtype >u1: byte order means nothing for 1-byte items, nothing is swapped")] }),
    valid("zdata.ndarray.uint16", "uint16 [1000, 2] (upstream Z07): 1000 = 0x03e8 → e8 03", ndarray("uint16", [2], "e803 0200"), { alternatives: [alt(ndarray("uint16", [2], ""), ">u2", "03e8 0002")] }),
    valid("zdata.ndarray.uint32", "uint32 [2^32-1, 1]: ff ff ff ff, 01 00 00 00", u32, { alternatives: [alt(u32, "<u4"), [enc(typedArray("Uint32Array", 2, "ffffffff01000000")), "vrpc-ts Uint32Array"]] }),
    valid("zdata.ndarray.uint64", "uint64 [2^64-1, 2^32]: beyond every float, still exact bytes", ndarray("uint64", [2], "ffffffffffffffff 0000000001000000"), {
      alternatives: [alt(ndarray("uint64", [2], ""), ">u8", "ffffffffffffffff 0000000100000000")],
    }),
    valid("zdata.ndarray.float16", "float16 [1, 2] (upstream Z09): 1.0 = 0x3c00 → 00 3c, 2.0 = 0x4000 → 00 40", ndarray("float16", [2], "003c 0040"), { alternatives: [alt(ndarray("float16", [2], ""), ">f2", "3c00 4000"), alt(ndarray("float16", [2], "003c0040"), "<f2")] }),
    valid("zdata.ndarray.float16.special", "float16 [-0.0, +inf, NaN]: 0x8000 → 00 80, 0x7c00 → 00 7c, 0x7e00 → 00 7e, raw 16-bit patterns", ndarray("float16", [3], "0080 007c 007e")),
    valid("zdata.ndarray.bfloat16", "bfloat16 [1, -2]: the top half of float32, 1.0 = 0x3f80 → 80 3f, -2.0 = 0xc000 → 00 c0 (numpy has no code for it)", ndarray("bfloat16", [2], "803f 00c0")),
    valid("zdata.ndarray.float32", "float32 [1, 2, 3] (upstream Z01, vrpc-py and Zaku bytes): 00 00 80 3f …", f32, {
      alternatives: [
        alt(f32, "<f4"),
        alt(f32, "f4", undefined, "dtype f4: a numpy code without byte-order character is little-endian (SPEC §7.3)"),
        alt(f32, ">f4", "3f800000 40000000 40400000"),
        [w().map16(4).value(str("ztype")).value(str("numpy.ndarray")).fixstr("b").value(bin(hex("0000803f0000004000004040"))).fixstr("dtype").fixstr("float32").fixstr("shape").value(array([int(3)])), "map16 header, as vrpc-ts writes the same object literal"],
        [w().fixmap(4).fixstr("shape").fixarray(1).uint64(3).fixstr("dtype").fixstr("float32").fixstr("b").value(bin(hex("0000803f0000004000004040"))).fixstr("ztype").value(str("numpy.ndarray")), "fields in reverse order and the dimension as uint64"],
      ],
    }),
    valid("zdata.ndarray.float32.special", "float32 [-0.0, +inf, NaN]: b is opaque bytes, nothing normalises the floats inside it", ndarray("float32", [3], "00000080 0000807f 0000c07f")),
    valid("zdata.ndarray.float64", "float64 [[1, 2], [3, 4]] (upstream Z03): 1.0 = 0x3ff0… → 00…f0 3f, C order", ndarray("float64", [2, 2], "000000000000f03f 0000000000000040 0000000000000840 0000000000001040"), {
      alternatives: [alt(ndarray("float64", [2, 2], ""), ">f8", "3ff0000000000000 4000000000000000 4008000000000000 4010000000000000")],
    }),
    valid("zdata.ndarray.float64.1d", "float64 [0.5, -1.5]: 0.5 = 0x3fe0… → 00…e0 3f, -1.5 = 0xbff8… → 00…f8 bf", f64v, { alternatives: [alt(f64v, "<f8"), [enc(typedArray("Float64Array", 2, "000000000000e03f000000000000f8bf")), "vrpc-ts Float64Array"]] }),
    valid("zdata.ndarray.complex64", "complex64 [1+2j, -1j]: float32 pairs (real, imaginary), -1.0 = 0xbf800000 → 00 00 80 bf", ndarray("complex64", [2], "0000803f 00000040 00000000 000080bf"), {
      alternatives: [alt(ndarray("complex64", [2], ""), ">c8", "3f800000 40000000 00000000 bf800000", "dtype >c8: each half of each element swapped, not the 8 bytes as a whole")],
    }),
    valid("zdata.ndarray.complex128", "complex128 [1+2j] (upstream Z10): two float64, 1.0 then 2.0", ndarray("complex128", [1], "000000000000f03f 0000000000000040"), {
      alternatives: [alt(ndarray("complex128", [1], ""), ">c16", "3ff0000000000000 4000000000000000")],
    }),
  ];
}

function shapes(): ValidRecipe[] {
  return [
    valid("zdata.shape.0d.float32", "0-d float32(5) (upstream Z12): shape [] holds one element, 5.0 = 0x40a00000", ndarray("float32", [], "0000a040")),
    valid("zdata.shape.0d.int64", "0-d int64(-1): eight ff bytes, shape []", ndarray("int64", [], "ffffffffffffffff")),
    valid("zdata.shape.0d.bool", "0-d bool True", ndarray("bool", [], "01")),
    valid("zdata.shape.empty.float64", "empty float64 (upstream Z11): shape [0], b is c4 00", ndarray("float64", [0], "")),
    valid("zdata.shape.empty.2x0", "an empty 2×0 int32: any zero dimension makes b empty", ndarray("int32", [2, 0], "")),
    valid("zdata.shape.empty.0x3", "an empty 0×3 bool", ndarray("bool", [0, 3], "")),
    valid("zdata.shape.empty.huge-dim", "shape [0, 2^64-1]: the product is 0, so b is empty; the product is computed exactly, not refused for a large dimension", ndarray("uint8", [0, 2n ** 64n - 1n], "")),
    valid("zdata.shape.empty.float32array", "vrpc-ts Float32Array of length 0 reads as float32 of shape [0]", ndarray("float32", [0], ""), { alternatives: [[enc(typedArray("Float32Array", 0, "")), "vrpc-ts Float32Array, length 0"]] }),
    valid("zdata.shape.fortran-z14", "a Fortran-ordered uint8 [[1, 2], [3, 4]] (upstream Z14) is sent in C order: 01 02 03 04", ndarray("uint8", [2, 2], "01 02 03 04")),
    valid("zdata.shape.2x3", "int32 [[1, 2, 3], [4, 5, 6]]: C order, rows one after the other", ndarray("int32", [2, 3], "01000000 02000000 03000000 04000000 05000000 06000000")),
    valid("zdata.shape.2x2x2", "uint8 arange(8).reshape(2, 2, 2)", ndarray("uint8", [2, 2, 2], "00 01 02 03 04 05 06 07")),
    valid("zdata.shape.rgb-image-2x2", "uint8 2×2×3 RGB pixels, as images travel before PNG encoding", ndarray("uint8", [2, 2, 3], "ff0000 00ff00 0000ff ffffff")),
    valid("zdata.shape.ones", "float16 of shape [1, 1, 1, 1]: a single element, 1.0 = 00 3c", ndarray("float16", [1, 1, 1, 1], "003c")),
    valid("zdata.shape.column", "float32 3×1 column [[0.5], [1.5], [-2]]: 0.5 = 0x3f000000, 1.5 = 0x3fc00000, -2 = 0xc0000000", ndarray("float32", [3, 1], "0000003f 0000c03f 000000c0")),
  ];
}

function tensors(): ValidRecipe[] {
  return [
    valid("zdata.tensor.float32", "torch float32 [1, 2, 3] (upstream Z16): the ndarray layout under ztype torch.Tensor", tensor("float32", [3], "0000803f 00000040 00004040")),
    valid("zdata.tensor.int64", "torch int64 [1, 2, 3] (upstream Z17)", tensor("int64", [3], "0100000000000000 0200000000000000 0300000000000000")),
    valid("zdata.tensor.bfloat16", "torch bfloat16 [0.5, 3]: 0.5 = 0x3f00 → 00 3f, 3.0 = 0x4040 → 40 40", tensor("bfloat16", [2], "003f 4040")),
    valid("zdata.tensor.bool", "torch bool [True, False, True]", tensor("bool", [3], "01 00 01")),
    valid("zdata.tensor.transposed", "torch arange(6.).reshape(2, 3).T (upstream Z18): sent contiguous, 3×2 = [[0, 3], [1, 4], [2, 5]]", tensor("float32", [3, 2], "00000000 00004040 0000803f 00008040 00000040 0000a040")),
    valid("zdata.tensor.float16", "torch float16 [0.5]: 0x3800 → 00 38", tensor("float16", [1], "0038"), { alternatives: [[enc(spelled(tensor("float16", [1], ""), ">f2", "3800")), "dtype >f2 on a tensor: the explicit forms apply to torch.Tensor too"]] }),
    valid("zdata.tensor.complex64", "torch complex64 [1j]: real 0.0 then imaginary 1.0 = 0x3f800000", tensor("complex64", [1], "00000000 0000803f")),
    valid("zdata.tensor.0d", "torch 0-d float64 tensor(2.5): 2.5 = 0x4004000000000000", tensor("float64", [], "0000000000000440")),
    valid("zdata.tensor.empty", "torch empty float16 of shape [0, 4]", tensor("float16", [0, 4], "")),
    // The remaining dtypes, so that every dtype travels as a torch.Tensor too (bytes little-endian, derived by hand).
    ...([
      ["int8", [2], "ff 01", "[-1, 1]: two's complement ff, 01"],
      ["int16", [2], "ffff 0200", "[-1, 2]: ff ff, 02 00"],
      ["int32", [1], "feffffff", "[-2]: 0xfffffffe → fe ff ff ff"],
      ["uint8", [2], "00 ff", "[0, 255]"],
      ["uint16", [1], "ffff", "[65535]"],
      ["uint32", [1], "01000000", "[1]"],
      ["uint64", [1], "0000000000000080", "[2^63]: 0x8000000000000000 → seven 00 then 80"],
      ["complex128", [1], "000000000000f0bf 0000000000000000", "[-1+0j]: -1.0 = 0xbff0… → 00…f0 bf, then 0.0"],
    ] as const).map(([dtype, shape, bytes, what]) => valid(`zdata.tensor.${dtype}`, `torch ${dtype} ${what}`, tensor(dtype, shape, bytes))),
  ];
}

const PNG_1X1 = "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082";
const JPEG_HEAD = "ffd8ffe000104a46494600010100000100010000ffd9";
const WEBP_1X1 = "524946461a000000574542505650384c0d0000002f00000010071011118888fe0700";
const image = (b: string, format?: string): Value => map([["ztype", str("image")], ["b", bin(hex(b))], ...(format ? [["format", str(format)] as const] : [])]);

/** A safetensors file: 8-byte little-endian header length, the JSON header padded with spaces to 8, the data. */
export function safetensors(header: string, data: string): Uint8Array {
  const padded = header.padEnd(Math.ceil(header.length / 8) * 8, " ");
  const length = new DataView(new ArrayBuffer(8));
  length.setBigUint64(0, BigInt(padded.length), true);
  return Uint8Array.from([...new Uint8Array(length.buffer), ...new TextEncoder().encode(padded), ...hex(data)]);
}
export const safetensorDict = (b: Uint8Array): Value => map([["ztype", str("safetensor.dict")], ["b", bin(b)]]);

function files(): ValidRecipe[] {
  // {"w":{…}} is 54 bytes, padded to 56 (0x38); data float32 [1, 2]
  const z23 = safetensors('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', "0000803f 00000040");
  const two = safetensors('{"__metadata__":{"format":"pt"},"a":{"dtype":"I64","shape":[],"data_offsets":[0,8]},"m":{"dtype":"U8","shape":[2,2],"data_offsets":[8,12]}}', "0700000000000000 01020304");
  return [
    valid("zdata.image.png", "a 1×1 red PNG from Pillow (upstream Z19): {ztype, b}, the format sniffed from 89 50 4e 47", image(PNG_1X1)),
    valid("zdata.image.png.format", "the same PNG with the optional format field, kept as sent", image(PNG_1X1, "png")),
    valid("zdata.image.jpeg", "a JPEG (ff d8 ff) without format", image(JPEG_HEAD)),
    valid("zdata.image.jpeg.format", "a JPEG with format jpeg", image(JPEG_HEAD, "jpeg")),
    valid("zdata.image.webp", "a 1×1 WebP: RIFF, length, WEBP", image(WEBP_1X1, "webp")),
    valid("zdata.image.unknown-content", "a GIF: not PNG, JPEG or WebP, so its format is unknown, which is not an error (only the codec cares)", image("474946383961010001000000002c00000000010001000002003b")),
    valid("zdata.image.format-ignored", "PNG bytes with format jpeg: format is used only when the bytes do not identify the format, and is kept as sent", image(PNG_1X1, "jpeg")),
    valid("zdata.image.format-unknown", "vrpc-rs writes format unknown when it cannot tell: any string is accepted", image("474946383961", "unknown")),
    valid("zdata.image.format-only", "vrpc-rs image {b: 89 50, format: png} (upstream Z20): too short to sniff, the format field decides", image("8950", "png")),
    valid("zdata.safetensors.z23", "safetensor.dict {w: float32 [1, 2]} (upstream Z23): header length 0x38, JSON padded with two spaces, 8 data bytes", safetensorDict(z23)),
    valid("zdata.safetensors.metadata", "safetensors with __metadata__, a 0-d int64 and a 2×2 uint8: offsets checked against the data", safetensorDict(two)),
    valid("zdata.safetensors.empty", "a safetensors file with no tensors: header {} padded to 8 bytes, no data", safetensorDict(safetensors("{}", ""))),
  ];
}

function opaque(): ValidRecipe[] {
  const point = map([["ztype", str("custom.Point")], ["b", bin(new TextEncoder().encode("3.14,2.71"))]]);
  const unknown = map([["ztype", str("unknown.Type")], ["b", bin(hex("010203"))]]);
  return [
    valid("zdata.custom.point", "custom {ztype: custom.Point, b: \"3.14,2.71\"} (upstream Z21): unregistered, kept opaque and re-encoded byte for byte", point, {
      alternatives: [[w().map16(2).value(str("ztype")).value(str("custom.Point")).fixstr("b").value(bin(new TextEncoder().encode("3.14,2.71"))), "map16 header, as vrpc-ts writes it"]],
    }),
    valid("zdata.custom.fields-order", "an opaque custom ZData keeps its fields and their producer order after ztype", js({ ztype: "mylib.v1.Pose", position: [f64(0), f64(1), f64(2)], frame: "world", b: new Uint8Array([1]) })),
    valid("zdata.custom.sphere", "vrpc-ts ZData.identity(sphere, {radius: 1}) (upstream Z22): an opaque value, map16 on the wire", js({ ztype: "sphere", data: { radius: 1 } }), {
      alternatives: [[hex("de0002a57a74797065a6737068657265a464617461de0001a672616469757301"), "upstream Z22 bytes from vrpc-ts"]],
    }),
    valid("zdata.unknown.default", "unknown.Type (upstream Z24) is kept opaque in the default mode; strictZType rejects the same frame (schema-errors)", unknown),
    // Names of JavaScript prototype properties are ordinary unknown ztypes: kept opaque, never looked up.
    ...["toString", "constructor", "__proto__", "hasOwnProperty"].map((name) =>
      valid(`zdata.unknown.prototype-name.${name.replace(/_/g, "").toLowerCase()}`, `ztype ${JSON.stringify(name)} is an unknown ztype like any other, kept opaque`, map([["ztype", str(name)]])),
    ),
    valid("zdata.unknown.ztype-not-string", "a map whose ztype is not a string is not ZData: an ordinary map", js({ ztype: 1, b: new Uint8Array([1]) })),
    valid("zdata.strict.ndarray", "strictZType accepts every registered ztype: a float32 ndarray", ndarray("float32", [1], "0000803f"), {
      options: { strictZType: true },
      alternatives: [[enc(typedArray("Float32Array", 1, "0000803f")), "vrpc-ts Float32Array, known in strict mode too"]],
    }),
  ];
}

function nested(): ValidRecipe[] {
  const vertices = ndarray("float32", [2], "0000003f 0000c03f"); // 0.5 = 0x3f000000, 1.5 = 0x3fc00000
  const cloud = ndarray("float32", [2, 3], "00000000 00000000 00000000 0000803f 0000803f 0000803f");
  const colors = ndarray("uint8", [2, 3], "ff0000 00ff00");
  const add = (v: Value) => js({ ts: TS, etype: "ADD", data: { nodes: [{ tag: "PointCloud", key: "pc", vertices: v, colors }], to: null } });
  return [
    valid("zdata.nested.z15", "ZData nested in an event (upstream Z15): SET of a PointCloud with float32 vertices; a ServerEvent, since SetEvent needs a Scene", js({ ts: TS, etype: "SET", data: { tag: "PointCloud", vertices } }), { type: "ServerEvent" }),
    valid("zdata.nested.add", "ndarrays as PointCloud props in ADD: free-form props, each ZData normalised in place", add(cloud), {
      type: "AddEvent",
      alternatives: [[w().value(add(spelled(cloud, ">f4", "00000000 00000000 00000000 3f800000 3f800000 3f800000"))), "vertices as >f4 big-endian: normalised inside the event"]],
    }),
    valid("zdata.nested.list", "a list of two arrays in a free-form data: each item is ZData", js({ ts: TS, etype: "HELLO", data: [ndarray("int8", [1], "05"), tensor("uint8", [0], "")] }), { type: "Message" }),
    valid("zdata.nested.kwargs", "an ndarray as an RPC keyword argument", js({ ts: TS, etype: "SET_POSE", rtype: "rpc-9", kwargs: { pose: ndarray("float64", [3], "0000000000000000 000000000000f03f 0000000000000040") } }), { type: "RpcRequest" }),
    valid("zdata.nested.deep", "ZData three maps deep in a free-form value", js({ a: { b: { c: ndarray("uint16", [1], "0100") } } })),
  ];
}

export const zdata: ManifestRecipe = {
  manifest: "zdata",
  description: "ZData: every dtype, 0-d, empty and n-d arrays, tensors, images, safetensors, opaque ztypes and ZData in events.",
  vectors: [...dtypes(), ...shapes(), ...tensors(), ...files(), ...opaque(), ...nested()],
};
