"""The msgpack fast path of ``decode``: it returns exactly what the exact reader returns, or falls back."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest
import vmp_protocol as vmp
from test_vectors import ALL, CATALOGUE
from vmp_protocol import VmpError, decode, encode
from vmp_protocol._runtime import fast as fast_mod
from vmp_protocol._runtime.fast import Fallback
from vmp_protocol._runtime.fast_decode import decode_fast
from vmp_protocol._runtime.fast_encode import encode_fast

pytestmark = pytest.mark.skipif(not fast_mod.AVAILABLE, reason="msgpack is not installed")


def norm(x: Any) -> Any:
    """A comparable form that keeps types, order, dtypes, shapes, bytes and writeability."""
    if isinstance(x, np.ndarray):
        return ("nd", type(x).__name__, x.dtype.str, x.shape, x.tobytes(), x.flags.writeable)
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return (type(x).__name__, [(f.name, norm(getattr(x, f.name))) for f in dataclasses.fields(x)])
    if isinstance(x, dict):
        return ("dict", [(k, norm(v)) for k, v in x.items()])
    if isinstance(x, list):
        return ("list", [norm(v) for v in x])
    if isinstance(x, float):
        return ("float", "nan" if math.isnan(x) else repr(x))
    return (type(x).__name__, x)


def exact(desc: Any, data: bytes, **options: bool) -> Any:
    saved = fast_mod.AVAILABLE
    fast_mod.AVAILABLE = False  # type: ignore[misc]
    try:
        return decode(desc, data, **options)
    finally:
        fast_mod.AVAILABLE = saved  # type: ignore[misc]


TYPED = [v for v in ALL if v["type"] != "any"]
FRAMES = [
    (v, h)
    for v in TYPED
    for h in [
        *([v["canonical"]] if v["valid"] else []),
        *(a["hex"] for a in v.get("alternatives", [])),
        *([v["input"]] if not v["valid"] else []),
    ]
]


def test_fast_path_agrees_with_the_exact_reader_on_every_vector() -> None:
    taken = 0
    for v, hexa in FRAMES:
        desc = CATALOGUE.named[v["type"]]
        data = bytes.fromhex(hexa)
        for copy in (False, True):
            for as_dict in (False, True):
                try:
                    got = decode_fast(desc, data, copy, as_dict)
                except Fallback:
                    continue
                taken += 1
                try:
                    want = exact(desc, data, copy=copy, as_dict=as_dict)
                except VmpError as e:
                    pytest.fail(f"{v['id']}: the fast path accepted a frame the reader rejects ({e})")
                assert norm(got) == norm(want), v["id"]
    assert taken > 100  # the fast path is exercised, not bypassed


def test_defects_fall_back_and_keep_their_errors() -> None:
    desc = CATALOGUE.named["UpdateEvent"]
    good = encode(desc, {"ts": 1, "etype": "UPDATE", "data": {"nodes": [{"key": "a", "p": [1.5, 2]}]}})
    assert norm(decode_fast(desc, good, False, False)) == norm(exact(desc, good))
    bad = [
        good.replace(b"\xa1p", b"\xa3key"),  # a duplicate key: "key" twice
        good.replace(b"\xa1p", b"\xc4\x01p"),  # a bin key
        good + b"\x00",  # trailing bytes
        good[:-1],  # truncated
        good.replace(b"\xcb\x3f\xf8\x00\x00\x00\x00\x00\x00", b"\xd4\x01\x00" + b"\xc0" * 6),  # an ext type
    ]
    for data in bad:
        with pytest.raises(Fallback):
            decode_fast(desc, data, False, False)
        with pytest.raises(VmpError) as fast_error:
            decode(desc, data)
        with pytest.raises(VmpError) as exact_error:
            exact(desc, data)
        assert (fast_error.value.kind, fast_error.value.path) == (
            exact_error.value.kind,
            exact_error.value.path,
        )


def test_float32_and_non_canonical_frames_fall_back() -> None:
    desc = CATALOGUE.named["UpdateEvent"]
    f32 = encode(desc, {"ts": 1, "etype": "UPDATE", "data": {"nodes": [{"key": "a", "p": np.float32(1.5)}]}})
    with pytest.raises(Fallback):
        decode_fast(desc, f32, False, False)
    assert norm(decode(desc, f32)) == norm(exact(desc, f32))
    loose = encode(desc, {"ts": 1, "etype": "UPDATE", "data": {"nodes": [{"key": "a"}]}}).replace(
        b"\xa2ts\x01", b"\xa2ts\xcc\x01"
    )  # a uint8 where a positive fixint is canonical
    with pytest.raises(Fallback):
        decode_fast(desc, loose, False, False)
    assert norm(decode(desc, loose)) == norm(exact(desc, loose))


def test_arrays_in_free_form_fields() -> None:
    desc = CATALOGUE.named["UpdateEvent"]
    items = [np.array([i, i + 0.5], dtype=np.float32) for i in range(3)] + [
        np.arange(6, dtype="<i2").reshape(2, 3)
    ]
    frame = encode(desc, {"ts": 1, "etype": "UPDATE", "data": {"nodes": [{"key": "a", "items": items}]}})
    for copy in (False, True):
        got = decode_fast(desc, frame, copy, False)
        assert norm(got) == norm(exact(desc, frame, copy=copy))


def writer_bytes(desc: Any, value: Any) -> bytes:
    saved = fast_mod.AVAILABLE
    fast_mod.AVAILABLE = False  # type: ignore[misc]
    try:
        return encode(desc, value)
    finally:
        fast_mod.AVAILABLE = saved  # type: ignore[misc]


def test_fast_encode_agrees_with_the_writer_on_every_vector() -> None:
    taken = 0
    for v in TYPED:
        if not v["valid"]:
            continue
        desc = CATALOGUE.named[v["type"]]
        data = bytes.fromhex(v["canonical"])
        for value in (exact(desc, data), exact(desc, data, as_dict=True), exact(desc, data, lossless=True)):
            try:
                got = encode_fast(desc, value)
            except Fallback:
                continue
            taken += 1
            assert got == writer_bytes(desc, value), v["id"]
    assert taken > 100


def test_fast_encode_falls_back_on_what_it_cannot_vouch_for() -> None:
    desc = CATALOGUE.named["UpdateEvent"]
    base = {"ts": 1, "etype": "UPDATE", "data": {"nodes": [{"key": "a"}]}}
    assert encode_fast(desc, base) == writer_bytes(desc, base)
    odd: list[Any] = [
        np.float32(1.5),
        np.arange(3),
        vmp.Float32(1.5),
        vmp.UNSET,
        {"ztype": "x"},
        {1: 2},
        2**64,
        "\ud800",
    ]
    for x in odd:
        value = {"ts": 1, "etype": "UPDATE", "data": {"nodes": [{"key": "a", "p": [x]}]}}
        with pytest.raises(Fallback):
            encode_fast(desc, value)
        try:
            want: Any = writer_bytes(desc, value)
        except VmpError as e:
            want = (e.kind, e.path)
        try:
            got: Any = encode(desc, value)
        except VmpError as e:
            got = (e.kind, e.path)
        assert got == want
    with pytest.raises(Fallback):
        encode_fast(desc, {**base, "ts": 1.0})  # a float where an integer is declared: the writer converts it
