"""Schema-directed codec with generated-style dataclasses, message selection, schema validation on encode."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
import vmp_protocol as vmp
from conftest import REPO
from spec_descriptors import Catalogue
from vmp_protocol import UNSET, VmpError, decode, decode_message, encode, select_message
from vmp_protocol._runtime.schema import (
    AnyType,
    ArrayType,
    EventInfo,
    FieldDesc,
    FloatType,
    IntType,
    NullableType,
    RecordDesc,
    RefType,
    StringType,
)

CAT = Catalogue(REPO / "protocol" / "vmp.schema.json")
MESSAGES = CAT.messages()


@dataclass(slots=True, kw_only=True)
class Pose:
    position: list[float]
    scale: float | vmp.UnsetType = UNSET
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True, kw_only=True)
class Move:
    ts: int | vmp.UnsetType = UNSET
    etype: str
    value: Pose
    key: str | None | vmp.UnsetType = UNSET


POSE = RecordDesc(
    name="Pose",
    fields=(
        FieldDesc("position", "position", ArrayType(FloatType(64)), True),
        FieldDesc("scale", "scale", FloatType(32), False),
    ),
    open=True,
    cls=lambda: Pose,
)
MOVE = RecordDesc(
    name="Move",
    fields=(
        FieldDesc("ts", "ts", IntType(0, 2**64 - 1), False),
        FieldDesc("etype", "etype", StringType(const="MOVE"), True),
        FieldDesc("value", "value", RefType("Pose", lambda: POSE), True),
        FieldDesc("key", "key", NullableType(StringType()), False),
    ),
    open=False,
    event=EventInfo(envelope="ClientEvent", etype="MOVE"),
    cls=lambda: Move,
)


def test_dataclass_round_trip_and_dict_mode() -> None:
    m = Move(ts=1, etype="MOVE", value=Pose(position=[1.0, 0.0, 0.0], extra={"z": 1}), key=None)
    frame = encode(MOVE, m)
    back = decode(MOVE, frame)
    assert back == m
    assert back.value.scale is UNSET and back.key is None
    d = decode(MOVE, frame, as_dict=True)
    assert d == {"ts": 1, "etype": "MOVE", "value": {"position": [1.0, 0.0, 0.0], "z": 1}, "key": None}
    assert encode(MOVE, d) == frame
    # absent and nil stay distinct
    assert b"\xa3key\xc0" in frame
    assert b"key" not in encode(MOVE, Move(etype="MOVE", value=Pose(position=[])))


def test_float_fields_are_written_at_their_width() -> None:
    frame = encode(POSE, {"position": [1, 2.5], "scale": 1.5})
    assert frame.hex() == "82a8706f736974696f6e92cb3ff0000000000000cb4004000000000000a57363616c65ca3fc00000"
    with pytest.raises(vmp.InvalidValue) as e:
        encode(POSE, {"position": [], "scale": 0.1})
    assert e.value.path == ["scale"]
    with pytest.raises(vmp.InvalidValue):
        encode(POSE, {"position": [2**53 + 1]})


def test_schema_errors_on_encode_have_paths() -> None:
    with pytest.raises(vmp.MissingField) as e:
        encode(MOVE, {"etype": "MOVE"})
    assert e.value.path == ["value"]
    with pytest.raises(vmp.InvalidValue) as e2:
        encode(MOVE, {"etype": "MOVE", "value": {"position": []}, "extra": 1})
    assert e2.value.path == ["extra"]
    with pytest.raises(vmp.WrongType) as e3:
        encode(MOVE, {"etype": "MOVE", "value": {"position": ["x"]}})
    assert vmp.format_path(e3.value.path) == "value.position[0]"
    with pytest.raises(vmp.IntegerOutOfRange) as e4:
        encode(MOVE, {"ts": -1, "etype": "MOVE", "value": {"position": []}})
    assert e4.value.path == ["ts"]
    with pytest.raises(vmp.InvalidValue):
        encode(MOVE, {"etype": "OTHER", "value": {"position": []}})


def test_accepted_variants_on_decode() -> None:
    # map16, ts as float64, float32 in a float64 field, int in a float field, any key order
    frame = bytes.fromhex(
        "de0003"
        + "a5657479706504".replace("04", "a44d4f5645")
        + "a576616c7565"
        + "81a8706f736974696f6e92ca3fc0000002"
        + "a27473cb4278bcfe56800000"
    )
    v = decode(MOVE, frame, as_dict=True)
    assert v == {"ts": 1700000000000, "etype": "MOVE", "value": {"position": [1.5, 2.0]}}
    assert encode(MOVE, v).hex().startswith("83a27473cf0000018bcfe56800")
    with pytest.raises(vmp.WrongType):
        decode(MOVE, bytes.fromhex("82a27473cb3ff8000000000000a5657479706500"))


def test_select_message() -> None:
    set_frame = bytes.fromhex(
        "83a27473cf0000018bcfe56800a56574797065a3534554a46461746183a3746167a55363656e65a36b6579a4726f6f74a86368696c6472656e90"
    )
    desc, value = decode_message(set_frame, MESSAGES)
    assert desc.name == "SetEvent" and value["data"]["tag"] == "Scene"
    assert select_message({"etype": "GRAB_RENDER_RESPONSE@u-1"}, MESSAGES).name == "GrabRenderResponse"
    assert select_message({"etype": "RENDER_RESPONSE@u-1"}, MESSAGES).name == "RpcResponse"
    assert select_message({"etype": "rpc-123", "ok": True}, MESSAGES).name == "RpcResponse"
    assert select_message({"etype": "HELLO"}, MESSAGES).name == "Message"
    with pytest.raises(vmp.MissingField):
        select_message({"ts": 1}, MESSAGES)
    with pytest.raises(vmp.WrongType):
        select_message(b"\x01", MESSAGES)
    with pytest.raises(vmp.WrongType):
        select_message({"etype": 1}, MESSAGES)


def test_select_message_without_message() -> None:
    without_message = tuple(m for m in MESSAGES if m.name != "Message")
    assert select_message({"etype": "SET"}, without_message).name == "SetEvent"
    assert select_message({"etype": "RENDER_RESPONSE@u-1"}, without_message).name == "RpcResponse"
    with pytest.raises(vmp.InvalidValue) as e:
        select_message({"etype": "HELLO"}, without_message)
    assert e.value.path == ["etype"]
    neither = tuple(m for m in without_message if m.name != "RpcResponse")
    with pytest.raises(vmp.InvalidValue):
        select_message({"etype": "RENDER_RESPONSE@u-1"}, neither)


def test_pattern_constraint() -> None:
    t = StringType(pattern=re.compile(r"^a+$"))
    desc = RecordDesc(
        name="P", fields=(FieldDesc("s", "s", t, True), FieldDesc("x", "x", AnyType(), False)), open=False
    )
    with pytest.raises(VmpError) as e:
        encode(desc, {"s": "b"})
    assert e.value.kind == "InvalidValue" and e.value.path == ["s"]
