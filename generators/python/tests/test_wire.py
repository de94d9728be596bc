"""Wire-level behaviour: canonical forms, hostile input, depth, error kinds, paths and messages."""

from __future__ import annotations

import math

import pytest
import vmp_protocol as vmp
from vmp_protocol import VmpError, VmpFloat, decode_value, encode_value, format_path


@pytest.mark.parametrize(
    ("value", "hexa"),
    [
        (127, "7f"),
        (128, "cc80"),
        (255, "ccff"),
        (256, "cd0100"),
        (65536, "ce00010000"),
        (2**32, "cf0000000100000000"),
        (2**64 - 1, "cfffffffffffffffff"),
        (-32, "e0"),
        (-33, "d0df"),
        (-129, "d1ff7f"),
        (-(2**63), "d38000000000000000"),
        ("a" * 31, "bf" + "61" * 31),
        ("a" * 32, "d920" + "61" * 32),
        ("é😀", "a6c3a9f09f9880"),
        (b"", "c400"),
        (list(range(16)), "dc0010" + "".join(f"{i:02x}" for i in range(16))),
        ({}, "80"),
        (-0.0, "cb8000000000000000"),
        (math.inf, "cb7ff0000000000000"),
        (math.nan, "cb7ff8000000000000"),
        (1.0, "cb3ff0000000000000"),
        (None, "c0"),
        (True, "c3"),
    ],
)
def test_canonical(value: object, hexa: str) -> None:
    assert encode_value(value).hex() == hexa
    back = decode_value(bytes.fromhex(hexa), lossless=True)
    assert encode_value(back).hex() == hexa


def test_nan_payloads_survive_lossless() -> None:
    frame = bytes.fromhex("cb7ff8000000000001")
    v = decode_value(frame, lossless=True)
    assert v == VmpFloat(64, 0x7FF8000000000001)
    assert encode_value(v) == frame
    f32 = bytes.fromhex("ca7fc00001")
    assert encode_value(decode_value(f32, lossless=True)) == f32


def test_integer_range_on_encode() -> None:
    for bad in (2**64, -(2**63) - 1):
        with pytest.raises(vmp.IntegerOutOfRange):
            encode_value([bad])


def test_lone_surrogate_refused() -> None:
    with pytest.raises(vmp.InvalidUtf8) as e:
        encode_value({"k": "\ud800"})
    assert e.value.path == ["k"]


def test_non_string_key_on_encode() -> None:
    with pytest.raises(vmp.NonStringKey) as e:
        encode_value({"a": {1: 2}})
    assert e.value.path == ["a"]


def test_depth_512_ok_513_not() -> None:
    ok = bytes([0x91] * 511 + [0x90])
    v = decode_value(ok)
    assert encode_value(v) == ok
    with pytest.raises(vmp.DepthExceeded) as e:
        decode_value(bytes([0x91] * 512 + [0x90]))
    assert e.value.offset == 512


def test_hostile_depth_is_an_error_not_a_recursion_error() -> None:
    deep = bytes([0x91] * 100_000 + [0x90])
    with pytest.raises(vmp.DepthExceeded):
        decode_value(deep)
    deep_maps = b"\x81\xa1a" * 100_000 + b"\x80"
    with pytest.raises(vmp.DepthExceeded):
        decode_value(deep_maps)
    nested: list[object] = []
    for _ in range(100_000):
        nested = [nested]
    with pytest.raises(vmp.DepthExceeded):
        encode_value(nested)


def test_hostile_counts_allocate_nothing() -> None:
    with pytest.raises(vmp.Truncated) as e:
        decode_value(bytes.fromhex("ddffffffff010203"))
    assert e.value.offset == 8 and format_path(e.value.path) == "[3]"
    with pytest.raises(vmp.Truncated):
        decode_value(bytes.fromhex("c6ffffffff00"))


@pytest.mark.parametrize(
    ("hexa", "kind", "offset", "path"),
    [
        ("", "Truncated", 0, "(root)"),
        ("a568656c6c", "Truncated", 0, "(root)"),
        ("9201", "Truncated", 2, "[1]"),
        ("0102", "TrailingBytes", 1, "(root)"),
        ("a2c328", "InvalidUtf8", 0, "(root)"),
        ("a3eda080", "InvalidUtf8", 0, "(root)"),
        ("810101", "NonStringKey", 1, "(root)"),
        ("82a16101a16102", "DuplicateKey", 4, "(root)"),
        ("d40000", "UnsupportedExt", 0, "(root)"),
        ("d6ff00000000", "UnsupportedExt", 0, "(root)"),
        ("c1", "InvalidValue", 0, "(root)"),
    ],
)
def test_wire_errors(hexa: str, kind: str, offset: int, path: str) -> None:
    with pytest.raises(VmpError) as e:
        decode_value(bytes.fromhex(hexa))
    assert e.value.kind == kind
    assert type(e.value).__name__ == kind
    assert e.value.offset == offset
    assert format_path(e.value.path) == path


def test_error_message_format() -> None:
    with pytest.raises(VmpError) as e:
        decode_value(bytes.fromhex("81a4646174619201"))
    assert str(e.value).startswith("Truncated at data[1] (byte 8): ")
    err = vmp.ShapeMismatch("ShapeMismatch", "needs 48 bytes", ["data", "nodes", 3, "b"])
    assert str(err) == "ShapeMismatch at data.nodes[3].b: needs 48 bytes"
    assert isinstance(err, VmpError) and err.offset is None


def test_format_path() -> None:
    assert format_path([]) == "(root)"
    assert format_path(["data", "nodes", 3, "b"]) == "data.nodes[3].b"
    assert format_path(["data", "odd key"]) == 'data["odd key"]'
    assert format_path(["data", "0"]) == 'data["0"]'
    assert format_path([0, "a"]) == "[0].a"
    assert format_path(["é"]) == '["é"]'
    long = format_path(list(range(30)))
    assert long.startswith("[0][1]") and "…(6 more)…" in long


def test_free_form_map_order_and_integer_keys() -> None:
    frame = encode_value({"b": 1, "0": 2, "a": 3})
    assert list(decode_value(frame)) == ["b", "0", "a"]


def test_unset_is_falsy_singleton() -> None:
    assert not vmp.UNSET and repr(vmp.UNSET) == "UNSET" and vmp.UnsetType() is vmp.UNSET
    assert encode_value({"a": vmp.UNSET, "b": 1}) == encode_value({"b": 1})
