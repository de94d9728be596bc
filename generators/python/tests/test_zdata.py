"""ZData: zero-copy decoding, numpy/torch-like encodings with hand-derived bytes, safetensors, the registry."""

from __future__ import annotations

import struct
import time

import numpy as np
import pytest
from vmp_protocol import (
    BFloat16Array,
    Float32,
    OpaqueZData,
    Safetensors,
    TensorArray,
    VmpError,
    ZImage,
    decode_value,
    encode_value,
    register_type,
    unregister_type,
)

F32_123 = (
    "84a57a74797065ad6e756d70792e6e646172726179a162c40c0000803f0000004000004040"
    "a56474797065a7666c6f61743332a573686170659103"
)


def ndarray_frame(b: bytes, dtype: str, shape: list[int], ztype: str = "numpy.ndarray") -> bytes:
    out = bytearray(b"\x84\xa5ztype")
    out += bytes([0xA0 | len(ztype)]) + ztype.encode()
    out += b"\xa1b"
    n = len(b)
    out += (
        bytes([0xC4, n])
        if n < 256
        else (b"\xc5" + struct.pack(">H", n) if n < 65536 else b"\xc6" + struct.pack(">I", n))
    )
    out += b
    out += b"\xa5dtype" + bytes([0xA0 | len(dtype)]) + dtype.encode()
    out += b"\xa5shape" + bytes([0x90 | len(shape)])
    for d in shape:
        assert d < 128
        out += bytes([d])
    return bytes(out)


def test_float32_hand_bytes() -> None:
    assert encode_value(np.array([1, 2, 3], dtype=np.float32)).hex() == F32_123
    assert "c40c0000803f0000004000004040" in F32_123


def test_big_endian_input_is_swapped() -> None:
    a = np.array([1, 2, 3], dtype=">f4")
    assert encode_value(a).hex() == F32_123
    # and decoding a big-endian frame gives a little-endian array
    frame = ndarray_frame(bytes.fromhex("3f80000040000000"), ">f4", [2])
    arr = decode_value(frame)
    assert arr.dtype == np.dtype("<f4") and arr.tolist() == [1.0, 2.0]


def test_fortran_and_transposed_are_c_order() -> None:
    f = np.asfortranarray(np.array([[1, 2], [3, 4]], dtype=np.uint8))
    assert not f.flags.c_contiguous
    assert encode_value(f) == encode_value(np.array([[1, 2], [3, 4]], dtype=np.uint8))
    t = np.arange(6, dtype=np.float32).reshape(2, 3).T
    back = decode_value(encode_value(t))
    assert back.shape == (3, 2) and back.tolist() == t.tolist()


def test_numpy_scalars_keep_their_width() -> None:
    assert encode_value(np.float32(1.5)).hex() == "ca3fc00000"
    assert encode_value(np.float64(1.5)).hex() == "cb3ff8000000000000"
    assert encode_value(np.float16(1.5)).hex() == "ca3fc00000"
    assert encode_value(np.int64(5)).hex() == "05"
    assert encode_value(np.uint64(2**64 - 1)).hex() == "cfffffffffffffffff"
    assert encode_value(np.bool_(True)).hex() == "c3"
    # complex has no MessagePack scalar: a 0-d array
    z = decode_value(encode_value(np.complex64(1 + 2j)))
    assert z.shape == () and z.dtype == np.complex64 and complex(z) == 1 + 2j


def test_float16_and_zero_d() -> None:
    a = np.array([1.0, -2.0], dtype=np.float16)
    frame = encode_value(a)
    assert frame == ndarray_frame(bytes.fromhex("003c00c0"), "float16", [2])
    assert decode_value(frame).dtype == np.float16
    zero_d = encode_value(np.array(7, dtype=np.int32))
    assert zero_d == ndarray_frame(bytes.fromhex("07000000"), "int32", [])
    assert decode_value(zero_d).shape == ()


def test_bfloat16_without_ml_dtypes() -> None:
    made = BFloat16Array.from_float32([0.5, 3.0])
    assert encode_value(made) == ndarray_frame(bytes.fromhex("003f4040"), "bfloat16", [2])
    try:
        import ml_dtypes  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("ml_dtypes is installed: bfloat16 decodes to ml_dtypes.bfloat16 (test_optional.py)")
    frame = ndarray_frame(bytes.fromhex("003f4040"), "bfloat16", [2], "torch.Tensor")
    arr = decode_value(frame)
    assert isinstance(arr, BFloat16Array) and isinstance(arr, TensorArray)
    assert arr.to_float32().tolist() == [0.5, 3.0]
    assert encode_value(arr) == frame


def test_complex_and_bool() -> None:
    c = np.array([1 + 2j], dtype=np.complex64)
    assert decode_value(encode_value(c)).tolist() == [1 + 2j]
    big = ndarray_frame(np.array([1 + 2j], dtype=">c8").tobytes(), ">c8", [1])
    assert decode_value(big).tolist() == [1 + 2j]
    with pytest.raises(VmpError) as e:
        decode_value(ndarray_frame(b"\x02", "bool", [1]))
    assert e.value.kind == "InvalidValue" and e.value.path == ["b"]


def test_unsupported_dtypes_on_encode() -> None:
    for a in (
        np.array(["ab"]),
        np.array([object()], dtype=object),
        np.array(["2020-01-01"], dtype="datetime64[D]"),
        np.zeros(2, dtype=[("x", "f4")]),
    ):
        with pytest.raises(VmpError) as e:
            encode_value({"a": a})
        assert e.value.kind == "UnsupportedDtype" and e.value.path == ["a"]


def test_memmap_and_subclasses() -> None:
    class Mine(np.ndarray):  # type: ignore[type-arg]
        pass

    a = np.array([1, 2, 3], dtype=np.float32).view(Mine)
    assert encode_value(a).hex() == F32_123


def test_zero_copy_64mb() -> None:
    n = 16 * 1024 * 1024  # 64 MB of float32
    src = np.arange(n, dtype=np.float32)
    frame = encode_value(src)
    assert len(frame) > 64 * 1024 * 1024
    t0 = time.perf_counter()
    arr = decode_value(frame)
    elapsed = time.perf_counter() - t0
    assert arr.shape == (n,) and arr[12345] == 12345.0
    assert np.shares_memory(arr, np.frombuffer(frame, dtype=np.uint8))
    assert not arr.flags.writeable
    assert elapsed < 0.01, elapsed  # microseconds in practice: no copy of the 64 MB
    # bytearray frames too (still read-only unless copy=True)
    ba = bytearray(frame)
    view = decode_value(ba)
    assert not view.flags.writeable and np.shares_memory(view, np.frombuffer(ba, dtype=np.uint8))
    copied = decode_value(frame, copy=True)
    assert copied.flags.writeable and not np.shares_memory(copied, np.frombuffer(frame, dtype=np.uint8))
    copied[0] = 5.0
    assert arr[0] == 0.0
    # memoryview input, e.g. a slice of a bigger buffer
    mv = memoryview(b"\x00" + frame)[1:]
    assert np.shares_memory(decode_value(mv), np.frombuffer(mv, dtype=np.uint8))


def test_compat_typed_array() -> None:
    ts = bytes.fromhex(
        "de0003a57a74797065ac466c6f617433324172726179a162c40c0000803f0000004000004040a66c656e67746803"
    )
    arr = decode_value(ts)
    assert arr.tolist() == [1.0, 2.0, 3.0]
    assert encode_value(arr).hex() == F32_123


def test_image_kept_as_sent() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"rest"
    img = decode_value(encode_value(ZImage(png)))
    assert isinstance(img, ZImage) and img.format == "png" and img.data == png
    raw = encode_value({"ztype": "image", "b": b"??", "format": "jpeg"})
    back = decode_value(raw)
    assert back.format == "jpeg" and encode_value(back) == raw


def test_safetensors_round_trip() -> None:
    st = Safetensors.from_tensors(
        {
            "a": np.array([1, 2], dtype=np.float32),
            "b": np.array([[1, 2], [3, 4]], dtype=np.int64),
            "c": BFloat16Array.from_float32([1.0]),
        },
        {"k": "v"},
    )
    header_len = struct.unpack("<Q", bytes(st.data[:8]))[0]
    assert header_len % 8 == 0
    frame = encode_value({"t": st})
    back = decode_value(frame)["t"]
    assert isinstance(back, Safetensors)
    assert list(back.tensors) == ["a", "b", "c"]
    assert back.tensors["b"].tolist() == [[1, 2], [3, 4]]
    assert back.metadata == {"k": "v"}
    assert encode_value({"t": back}) == frame
    # a truncated header is InvalidValue at the path of b
    bad = b"\x81\xa1t\x82\xa5ztype\xafsafetensor.dict\xa1b\xc4\x02\x01\x02"
    with pytest.raises(VmpError) as e:
        decode_value(bad)
    assert e.value.kind == "InvalidValue" and e.value.path == ["t", "b"]
    # building a frame from such a map is refused the same way
    with pytest.raises(VmpError) as e:
        encode_value({"t": {"ztype": "safetensor.dict", "b": b"\x01\x02"}})
    assert e.value.kind == "InvalidValue" and e.value.path == ["t", "b"]


class Point:
    def __init__(self, x: float, y: float) -> None:
        self.x, self.y = x, y


class Point3(Point):
    pass


def test_registry_dispatch() -> None:
    register_type(
        "test.v1.Point",
        cls=Point,
        encode=lambda p: {"x": p.x, "y": p.y},
        decode=lambda m: Point(m["x"], m["y"]),
    )
    register_type(
        "test.v1.Pair",
        match=lambda v: isinstance(v, tuple) and len(v) == 2 and v[0] == "pair",
        encode=lambda v: {"v": v[1]},
        decode=lambda m: ("pair", m["v"]),
    )
    try:
        frame = encode_value([Point(1.0, 2.0), Point3(3.0, 4.0)])
        # the subclass uses its nearest registered ancestor
        back = decode_value(frame)
        assert [type(p) for p in back] == [Point, Point]
        assert (back[1].x, back[1].y) == (3.0, 4.0)
        assert frame[1:8] == b"\x83\xa5ztype"
        with pytest.raises(ValueError):
            register_type("numpy.v1.X", cls=int, encode=dict, decode=dict)
        with pytest.raises(ValueError):
            register_type("nodot", cls=int, encode=dict, decode=dict)
        with pytest.raises(ValueError):
            register_type("test.v1.Point", cls=float, encode=dict, decode=dict)
        # tuples are lists unless a match claims them
        assert decode_value(encode_value(("pair", 5))) == ("pair", 5)
    finally:
        unregister_type("test.v1.Point")
        unregister_type("test.v1.Pair")


def test_opaque_and_strict() -> None:
    frame = bytes.fromhex("82a57a74797065ac756e6b6e6f776e2e54797065a162c403010203")
    v = decode_value(frame)
    assert isinstance(v, OpaqueZData) and v.ztype == "unknown.Type" and v.entries["b"] == b"\x01\x02\x03"
    assert encode_value(v) == frame
    assert encode_value(OpaqueZData("unknown.Type", {"b": b"\x01\x02\x03"})) == frame
    with pytest.raises(VmpError) as e:
        decode_value(frame, strict_ztype=True)
    assert e.value.kind == "UnknownZType" and e.value.path == ["ztype"]


def test_lossless_float32_free_form() -> None:
    frame = encode_value([Float32(1.5), 1.5, 1])
    assert frame.hex() == "93" + "ca3fc00000" + "cb3ff8000000000000" + "01"
    assert type(decode_value(frame, lossless=True)[0]) is Float32
    assert type(decode_value(frame)[0]) is float
