/**
 * The ZData error kinds (spec §8) that no other manifest covers: dtypes outside the vocabulary, byte counts that
 * disagree with the shape, shapes that are not shapes, unknown ztypes in strict mode, missing and mistyped ZData
 * fields, and safetensors and image payloads whose headers cannot be trusted. Each error is reported where it is.
 */
import type { ErrorKind, Path } from "../../core/src/errors.js";
import { array, bin, f64, int, map, str, type Value } from "../../reference/src/value/model.js";
import { RawWriter } from "../../reference/src/wire/raw.js";
import { hex, invalid, js, type InvalidRecipe, type ManifestRecipe } from "../src/recipe.js";
import { ndarray, safetensorDict, safetensors, tensor, typedArray } from "./zdata.js";

const TS = 1700000000000;
const enc = (v: Value) => new RawWriter().value(v);
const err = (id: string, description: string, v: Value, error: ErrorKind, path: Path, more: { type?: string; strictZType?: boolean } = {}): InvalidRecipe =>
  invalid(`zdata-error.${id}`, description, enc(v), error, { path, ...(more.type ? { type: more.type } : {}), ...(more.strictZType ? { options: { strictZType: true } } : {}) });

/** A ZData map from entries, for shapes and field sets the builders would not write. */
const z = (...entries: [string, Value][]) => map(entries);
const ZTYPE = ["ztype", str("numpy.ndarray")] as [string, Value];
const B = (h: string) => ["b", bin(hex(h))] as [string, Value];
const DTYPE = (d: string) => ["dtype", str(d)] as [string, Value];
const SHAPE = (...dims: Value[]) => ["shape", array(dims)] as [string, Value];

function dtypes(): InvalidRecipe[] {
  const at = ["dtype"];
  const cases: [string, string, string][] = [
    ["object", "object", "numpy object arrays hold Python references, not bytes"],
    ["object-code", "|O", "object in numpy's explicit form"],
    ["unicode", "<U2", "numpy fixed-width unicode strings (vrpc-py sends str(dtype))"],
    ["bytes", "|S4", "numpy fixed-width byte strings"],
    ["float128", "float128", "float128 is platform-dependent and outside the vocabulary"],
    ["long-double-code", "<f16", "numpy's explicit form of a 16-byte float"],
    ["torch-name", "torch.float32", "torch dtype names are not accepted: tensors use the numpy names (float32)"],
    ["datetime", "datetime64[D]", "datetime arrays"],
    ["datetime-code", "<M8[ns]", "datetime in numpy's explicit form"],
    ["structured", "[('x', '<f4'), ('y', '<f4')]", "a structured (record) dtype string"],
    ["upper-case", "Float32", "dtype names are case-sensitive"],
    ["pipe-multibyte", "|f4", "numpy's \"not applicable\" byte order only fits 1-byte types"],
    ["python-float", "float", "the Python type name float is not a dtype name"],
    ["empty", "", "an empty dtype"],
    ["prototype-name", "toString", "a name every JavaScript object inherits is not in the vocabulary"],
    ["bare-unknown-code", "f3", "a numpy-like code that names no dtype"],
  ];
  const out = cases.map(([id, dtype, description]) =>
    err(`dtype.${id}`, `dtype ${JSON.stringify(dtype)}: ${description}`, ndarray(dtype, [1], "00000000"), "UnsupportedDtype", at));
  out.push(
    err("dtype.tensor", "a torch.Tensor with dtype torch.bfloat16: the torch spelling is refused in tensors too", tensor("torch.bfloat16", [1], "803f"), "UnsupportedDtype", at),
    err("dtype.in-event", "an unsupported dtype inside an ADD's element props is reported at its full path", js({ ts: TS, etype: "ADD", data: { nodes: [{ tag: "PointCloud", key: "pc", vertices: ndarray("<U1", [1], "61000000") }] } }), "UnsupportedDtype", ["data", "nodes", 0, "vertices", "dtype"], { type: "AddEvent" }),
  );
  return out;
}

function shapeMismatch(): InvalidRecipe[] {
  const b = ["b"];
  return [
    err("length.short", "float32 of shape [3] with 8 bytes: 12 are needed", ndarray("float32", [3], "0000803f 00000040"), "ShapeMismatch", b),
    err("length.long", "float32 of shape [2] with 12 bytes: trailing data is not ignored", ndarray("float32", [2], "0000803f 00000040 00004040"), "ShapeMismatch", b),
    err("length.0d-empty", "0-d float64 (shape []) holds one element: 0 bytes is not 8", ndarray("float64", [], ""), "ShapeMismatch", b),
    err("length.empty-with-data", "shape [0] holds no element: one stray byte is a mismatch", ndarray("uint8", [0], "00"), "ShapeMismatch", b),
    err("length.2d", "int32 2×3 needs 24 bytes, 20 given (upstream N09)", ndarray("int32", [2, 3], "01000000 02000000 03000000 04000000 05000000"), "ShapeMismatch", b),
    err("length.complex128", "complex128 of shape [1] needs 16 bytes; 8 is one float64, not a complex", ndarray("complex128", [1], "000000000000f03f"), "ShapeMismatch", b),
    err("length.big-endian", ">f4 of shape [2] with 6 bytes: checked before any byte swap", ndarray(">f4", [2], "3f8000004000"), "ShapeMismatch", b),
    err("length.tensor", "torch int64 of shape [2] with 12 bytes", tensor("int64", [2], "0100000000000000 02000000"), "ShapeMismatch", b),
    err("length.float32array", "vrpc-ts Float32Array whose length (3) disagrees with its 8 bytes", typedArray("Float32Array", 3, "0000803f00000040"), "ShapeMismatch", b),
    err("length.uint16array-odd", "vrpc-ts Uint16Array of length 1 with 3 bytes", typedArray("Uint16Array", 1, "e80300"), "ShapeMismatch", b),
    err("length.in-event", "a mismatched array inside a client event's value is reported at its full path", js({ ts: TS, etype: "HAND_MOVE", value: { left: ndarray("float32", [25, 16], "0000803f") }, key: "hands" }), "ShapeMismatch", ["value", "left", "b"], { type: "HandMoveEvent" }),
  ];
}

function invalidShape(): InvalidRecipe[] {
  return [
    err("shape.negative", "a negative dimension", ndarray("float32", [-1], ""), "InvalidShape", ["shape", 0]),
    err("shape.negative-second", "a negative dimension after a valid one: the error names dimension 1", ndarray("uint8", [2, -2], ""), "InvalidShape", ["shape", 1]),
    err("shape.float-dim", "a dimension written as float64 2.0: dimensions are integers", z(ZTYPE, B("0100"), DTYPE("uint8"), SHAPE(f64(2))), "InvalidShape", ["shape", 0]),
    err("shape.nested", "a dimension that is itself a list", z(ZTYPE, B("01"), DTYPE("uint8"), SHAPE(array([int(1)]))), "InvalidShape", ["shape", 0]),
    err("shape.overflow-2-64", "[2^32, 2^32] with empty b: the element count 2^64 overflows 64 bits and must be caught, not wrapped to 0", ndarray("uint8", [4294967296, 4294967296], ""), "InvalidShape", ["shape"]),
    err("shape.overflow-2-65", "[2^63, 4] with empty b: the count 2^65 overflows before itemsize is applied", ndarray("uint8", [2n ** 63n, 4], ""), "InvalidShape", ["shape"]),
    err("shape.65-dims", "65 dimensions of 1: more than the 64 any producer uses", ndarray("uint8", Array.from({ length: 65 }, () => 1), "01"), "InvalidShape", ["shape"]),
    err("shape.typed-array-negative", "a vrpc-ts Uint8Array with length -1", z(["ztype", str("Uint8Array")], B(""), ["length", int(-1)]), "InvalidShape", ["length"]),
    err("shape.typed-array-length-string", "a vrpc-ts Int32Array whose length is the string \"1\": length is shape, so InvalidShape", z(["ztype", str("Int32Array")], B("01000000"), ["length", str("1")]), "InvalidShape", ["length"]),
    err("shape.typed-array-length-float", "a vrpc-ts Float32Array whose length is float64 1.0", z(["ztype", str("Float32Array")], B("0000803f"), ["length", f64(1)]), "InvalidShape", ["length"]),
  ];
}

function fields(): InvalidRecipe[] {
  return [
    err("unknown-ztype.strict", "unknown.Type (upstream Z24) in strict mode; the same frame is valid by default (zdata.unknown.default)", z(["ztype", str("unknown.Type")], B("010203")), "UnknownZType", ["ztype"], { strictZType: true }),
    err("unknown-ztype.custom-strict", "custom.Point (upstream Z21) when no registry knows it, in strict mode", z(["ztype", str("custom.Point")], ["b", bin(new TextEncoder().encode("3.14,2.71"))]), "UnknownZType", ["ztype"], { strictZType: true }),
    err("unknown-ztype.in-event", "an unregistered ztype deep in a SET, in strict mode: reported at its ztype", js({ ts: TS, etype: "SET", data: { tag: "Scene", children: [{ tag: "Mesh", key: "m", geometry: { ztype: "sphere", data: { radius: 1 } } }] } }), "UnknownZType", ["data", "children", 0, "geometry", "ztype"], { type: "SetEvent", strictZType: true }),
    err("missing.shape", "an ndarray without shape (upstream N08): shape [] is 0-d, absent is an error", z(ZTYPE, B("0000803f"), DTYPE("float32")), "MissingField", ["shape"]),
    err("missing.b", "an ndarray without b", z(ZTYPE, DTYPE("float32"), SHAPE()), "MissingField", ["b"]),
    err("missing.dtype", "an ndarray without dtype: the bytes cannot be read", z(ZTYPE, B("0000803f"), SHAPE(int(1))), "MissingField", ["dtype"]),
    err("missing.tensor-dtype", "a torch.Tensor without dtype", z(["ztype", str("torch.Tensor")], B("01"), SHAPE(int(1))), "MissingField", ["dtype"]),
    err("missing.typed-array-length", "a vrpc-ts Float32Array without length", z(["ztype", str("Float32Array")], B("0000803f")), "MissingField", ["length"]),
    err("missing.image-b", "an image without b", z(["ztype", str("image")], ["format", str("png")]), "MissingField", ["b"]),
    err("missing.safetensors-b", "a safetensor.dict without b", z(["ztype", str("safetensor.dict")]), "MissingField", ["b"]),
    err("wrong-type.b-string", "b as a string (base64 text) instead of bin", z(ZTYPE, ["b", str("AACAPw==")], DTYPE("float32"), SHAPE(int(1))), "WrongType", ["b"]),
    err("wrong-type.b-int-list", "b as a list of ints (vrpc-rs's plain Vec<u8> without serde_bytes)", z(ZTYPE, ["b", array([0, 0, 128, 63].map((x) => int(x)))], DTYPE("float32"), SHAPE(int(1))), "WrongType", ["b"]),
    err("wrong-type.dtype-int", "dtype as a number (a numpy type number) instead of a name", z(ZTYPE, B("00"), ["dtype", int(2)], SHAPE(int(1))), "WrongType", ["dtype"]),
    err("wrong-type.image-b", "an image whose b is a data URL string", z(["ztype", str("image")], ["b", str(`data:image/png;base64,iVBORw0KGgo=`)]), "WrongType", ["b"]),
    err("bool.byte-02", "a bool array byte 02: only 00 and 01 are booleans", ndarray("bool", [2], "01 02"), "InvalidValue", ["b"]),
    err("bool.byte-ff", "a bool tensor byte ff (true in C, still not a VMP boolean)", tensor("bool", [1], "ff"), "InvalidValue", ["b"]),
    err("closed.ndarray-extra", "an ndarray with an extra field: known ZData is closed", z(ZTYPE, B("01"), DTYPE("uint8"), SHAPE(int(1)), ["x", int(0)]), "InvalidValue", ["x"]),
    err("closed.image-extra", "an image with a width field, which no ztype defines", z(["ztype", str("image")], B("89504e47"), ["width", int(1)]), "InvalidValue", ["width"]),
    err("closed.typed-array-extra", "a vrpc-ts Float32Array with a byteOffset: refused, never silently dropped", z(["ztype", str("Float32Array")], B("0000803f"), ["length", int(1)], ["byteOffset", int(0)]), "InvalidValue", ["byteOffset"]),
    err("wrong-type.shape-string", "shape as the string \"2,3\"", z(ZTYPE, B(""), DTYPE("uint8"), ["shape", str("2,3")]), "WrongType", ["shape"]),
    err("wrong-type.shape-int", "shape as a bare integer instead of [n]", z(ZTYPE, B("01"), DTYPE("uint8"), ["shape", int(1)]), "WrongType", ["shape"]),
    err("wrong-type.image-format", "an image whose format is a number", z(["ztype", str("image")], B("89504e47"), ["format", int(1)]), "WrongType", ["format"]),
    err("closed-record.ztype-array-like", "a closed schema object holding ztype numpy.ndarray is still a record with an unknown field, never ZData", js({ ts: TS, etype: "REMOVE", data: { keys: [], ztype: "numpy.ndarray" } }), "InvalidValue", ["data", "ztype"], { type: "RemoveEvent" }),
    err("closed-record.ztype", "a ztype entry in a closed schema object (REMOVE's data) is an unknown field, never ZData", js({ ts: TS, etype: "REMOVE", data: { keys: [], ztype: "mylib.v1.Tag" } }), "InvalidValue", ["data", "ztype"], { type: "RemoveEvent" }),
  ];
}

function safetensorsErrors(): InvalidRecipe[] {
  const b = ["b"];
  const header = (length: bigint, rest: string) => {
    const d = new DataView(new ArrayBuffer(8));
    d.setBigUint64(0, length, true);
    return Uint8Array.from([...new Uint8Array(d.buffer), ...hex(rest)]);
  };
  const json = (s: string) => Buffer.from(s).toString("hex");
  return [
    err("safetensors.header-beyond-blob", "a header length of 2^32 in a 24-byte file: checked against the blob before any slicing", safetensorDict(header(4294967296n, json('{"w":1}     ') + "0000803f")), "InvalidValue", b),
    err("safetensors.header-length-max", "a header length of 2^64-1: must not wrap or be read as negative", safetensorDict(header(2n ** 64n - 1n, json("{}      "))), "InvalidValue", b),
    err("safetensors.too-short", "a 4-byte file cannot hold the 8-byte header length", safetensorDict(hex("38000000")), "InvalidValue", b),
    err("safetensors.not-json", "a header that is not JSON", safetensorDict(safetensors("not json", "")), "InvalidValue", b),
    err("safetensors.offsets-beyond-data", "data_offsets [0, 16] with 8 data bytes present", safetensorDict(safetensors('{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}', "0000803f00000040")), "InvalidValue", b),
    err("safetensors.shape-disagrees", "shape [3] of F32 needs 12 bytes; data_offsets span 8", safetensorDict(safetensors('{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', "0000803f00000040")), "ShapeMismatch", b),
    err("safetensors.dtype", "a tensor dtype safetensors does not define (F128)", safetensorDict(safetensors('{"w":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}', "00".repeat(16))), "UnsupportedDtype", b),
    err("safetensors.dtype-float8", "F8_E5M2 is a safetensors dtype with no VMP counterpart", safetensorDict(safetensors('{"w":{"dtype":"F8_E5M2","shape":[1],"data_offsets":[0,1]}}', "3c")), "UnsupportedDtype", b),
    err("safetensors.gap", "one byte of data before the only tensor: ranges must cover the data area without gaps", safetensorDict(safetensors('{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', "0001")), "InvalidValue", b),
    err("safetensors.metadata-not-strings", "__metadata__ maps strings to strings; a number there is malformed", safetensorDict(safetensors('{"__metadata__":{"n":1},"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', "07")), "InvalidValue", b),
    err("safetensors.shape-product-2p64", "shape [2^32, 2^32] of U8: the product 2^64 is beyond 2^64-1, InvalidShape before any length check (SPEC §7.3)", safetensorDict(safetensors('{"t": {"dtype": "U8", "shape": [4294967296, 4294967296], "data_offsets": [0, 4]}}', "00000000")), "InvalidShape", b),
    err("safetensors.dim-beyond-2p53", "shape [2^53+1] of U8 spanning 4 bytes: read exactly (a double would round it), a ShapeMismatch", safetensorDict(safetensors('{"t": {"dtype": "U8", "shape": [9007199254740993], "data_offsets": [0, 4]}}', "00000000")), "ShapeMismatch", b),
    err("safetensors.overlap", "two tensors sharing a byte: ranges must not overlap", safetensorDict(safetensors('{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', "0001")), "InvalidValue", b),
  ];
}

export const schemaErrors: ManifestRecipe = {
  manifest: "schema-errors",
  description: "ZData errors: unsupported dtypes, shape mismatches, invalid shapes, unknown ztypes in strict mode, missing or mistyped fields, untrusted safetensors headers.",
  vectors: [...dtypes(), ...shapeMismatch(), ...invalidShape(), ...fields(), ...safetensorsErrors()],
};
