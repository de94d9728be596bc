"""``encode_into``: the same bytes as ``encode``, written into a caller's (reused) bytearray."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from vmp_protocol import UNSET, Record, UnsetType, VmpError, encode, encode_into
from vmp_protocol._runtime.record import bind_records
from vmp_protocol._runtime.schema import AnyType, ArrayType, FieldDesc, IntType, RecordDesc, StringType

POINT = RecordDesc(
    name="Point",
    fields=(
        FieldDesc(name="key", attr="key", type=StringType(), required=True),
        FieldDesc(name="n", attr="n", type=IntType(0, 10), required=False),
        FieldDesc(name="data", attr="data", type=AnyType(), required=False),
    ),
    open=False,
)
LIST = ArrayType(AnyType())


def frames() -> list[tuple[Any, Any]]:
    big = (np.arange(40_000, dtype=np.int64) % 1023).astype(np.float32)  # 160 kB: a separate chunk
    return [
        (POINT, {"key": "a", "n": 3}),
        (POINT, {"key": "pc", "data": big}),
        (LIST, [big[::2], b"x" * 70_000, memoryview(big), 1.5, "s"]),  # strided, big bytes, a float32 view
    ]


@pytest.mark.parametrize("case", range(3))
def test_same_bytes_as_encode_fresh_and_reused(case: int) -> None:
    desc, value = frames()[case]
    expected = encode(desc, value)
    buf = bytearray()
    assert encode_into(desc, value, buf) == len(expected)
    assert bytes(buf) == expected
    assert encode_into(desc, value, buf) == len(expected)  # reused, same size: written in place
    assert bytes(buf) == expected
    longer = bytearray(b"\xee" * (len(expected) + 50))
    assert encode_into(desc, value, longer) == len(expected)  # a longer buffer is cut after the frame
    assert bytes(longer) == expected


def test_offset_keeps_the_prefix() -> None:
    expected = encode(POINT, {"key": "a"})
    buf = bytearray(b"HDR!")
    assert encode_into(POINT, {"key": "a"}, buf, 4) == len(expected)
    assert bytes(buf) == b"HDR!" + expected
    padded = bytearray(b"ab")
    encode_into(POINT, {"key": "a"}, padded, 5)
    assert bytes(padded) == b"ab\0\0\0" + expected
    with pytest.raises(ValueError):
        encode_into(POINT, {"key": "a"}, bytearray(), -1)


def test_invalid_value_leaves_the_buffer_unchanged() -> None:
    buf = bytearray(b"keep")
    with pytest.raises(VmpError) as e:
        encode_into(POINT, {"key": "a", "n": 11}, buf)
    assert e.value.kind == "IntegerOutOfRange"
    assert bytes(buf) == b"keep"


def test_needs_a_bytearray() -> None:
    with pytest.raises(TypeError):
        encode_into(POINT, {"key": "a"}, memoryview(bytearray(10)))  # type: ignore[arg-type]


@dataclass(slots=True, kw_only=True)
class Point(Record):
    key: str
    n: int | UnsetType = UNSET
    data: Any = UNSET


def test_record_to_msgpack_into() -> None:
    desc = RecordDesc(name="Point", fields=POINT.fields, open=False, cls=lambda: Point)
    bind_records(desc)
    p = Point(key="pc", data=np.arange(20_000, dtype=np.float32))
    buf = bytearray()
    assert p.to_msgpack_into(buf) == len(p.to_msgpack())
    assert bytes(buf) == p.to_msgpack() == encode(desc, p)
