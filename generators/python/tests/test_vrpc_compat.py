"""vrpc-py's calls, unchanged, against vmp_protocol: its serializers, its factories with plain dicts, and element
props reached the way Vuer code reaches them."""

from __future__ import annotations

import numpy as np
import pytest
from vmp_protocol import UNSET, JSONSerializer, MessagePackSerializer, set_event
from vmp_protocol.types import Element, ElementPatch, Scene, SetEvent

# vrpc-py's set_event bytes (conformance vector events.json#event.set.e01).
E01 = "83a27473cf0000018bcfe56800a56574797065a3534554a46461746183a3746167a55363656e65a36b6579a4726f6f74a86368696c6472656e90"


@pytest.mark.parametrize("serializer", [MessagePackSerializer(greedy=False), JSONSerializer(greedy=False)])
def test_plain_values_round_trip(serializer: MessagePackSerializer | JSONSerializer) -> None:
    data = {
        "string": "hello",
        "number": 42,
        "float": 3.14,
        "bool": True,
        "null": None,
        "list": [1, 2, 3],
        "nested": {"key": "value"},
    }
    encoded = serializer.encode(data)
    assert isinstance(encoded, bytes)
    assert serializer.decode(encoded) == data
    assert serializer.deserialize(serializer.serialize(data)) == data


@pytest.mark.parametrize("cls", [MessagePackSerializer, JSONSerializer])
def test_greedy_decodes_zdata_to_arrays(cls: type[MessagePackSerializer | JSONSerializer]) -> None:
    arr = np.array([[1.0, 2.0], [3.0, 4.0]])
    decoded = cls(greedy=True).decode(
        cls().encode({"layer": {"array": arr}, "list": [np.arange(3)], "value": 42})
    )
    np.testing.assert_array_equal(decoded["layer"]["array"], arr)
    np.testing.assert_array_equal(decoded["list"][0], np.arange(3))
    assert decoded["value"] == 42


def test_non_greedy_keeps_zdata_maps() -> None:
    encoded = MessagePackSerializer().encode({"array": np.array([1, 2], dtype=np.int32)})
    decoded = MessagePackSerializer(greedy=False).decode(encoded)
    assert decoded == {
        "array": {
            "ztype": "numpy.ndarray",
            "b": bytes.fromhex("0100000002000000"),
            "dtype": "int32",
            "shape": [2],
        }
    }
    # Encoding the plain map again gives the same bytes: the map is the array's canonical ZData form.
    assert MessagePackSerializer(greedy=False).encode(decoded) == encoded


def test_json_serializer_writes_utf8_bytes_with_base64_bytes() -> None:
    encoded = JSONSerializer(greedy=False).encode({"b": b"\x00\x01"})
    assert encoded == b'{"b":{"__bytes__":"AAE="}}'
    assert JSONSerializer(greedy=False).decode(encoded.decode("utf-8")) == {"b": b"\x00\x01"}


def test_factories_take_plain_dicts() -> None:
    msg = set_event({"tag": "Scene", "key": "root", "children": []}, ts=1700000000000)
    assert isinstance(msg.data, Scene)
    assert msg.to_msgpack().hex() == E01
    assert msg == set_event(Scene(tag="Scene", key="root", children=[]), ts=1700000000000)


def test_a_dict_that_is_not_the_record_is_refused() -> None:
    from vmp_protocol import VmpError

    with pytest.raises(VmpError) as e:
        set_event({"tag": "Group", "key": "root"})
    assert e.value.kind == "InvalidValue"


def test_element_props_by_keyword_and_by_key() -> None:
    vertices = np.zeros((4, 3), dtype=np.float16)
    el = Element(tag="PointCloud", key="pc", vertices=vertices, size=0.01)
    assert el.extra == {"vertices": vertices, "size": 0.01}
    assert el["tag"] == "PointCloud"
    assert el["vertices"] is vertices
    assert "size" in el and "children" not in el and "nope" not in el
    with pytest.raises(KeyError):
        el["children"]  # absent optional field
    assert el.get("children", []) == []
    el["size"] = 0.02
    el["children"] = []
    assert el.extra["size"] == 0.02 and el.children == []
    # Props given as extra come first, in order, then the keyword ones.
    assert list(Element(tag="Box", key="b", extra={"a": 1}, b=2).extra) == ["a", "b"]


def test_closed_records_refuse_unknown_keys() -> None:
    msg = SetEvent(ts=1, data=Scene(tag="Scene"))
    assert msg["etype"] == "SET"
    with pytest.raises(KeyError):
        msg["extra"] = 1


def test_patch_props_round_trip() -> None:
    patch = ElementPatch(key="box1", position=[1.0, 0.0, 0.0])
    assert patch["position"] == [1.0, 0.0, 0.0]
    assert patch.tag is UNSET
    assert ElementPatch.from_msgpack(patch.to_msgpack()) == patch


def test_vrpc_py_factories_run_unchanged() -> None:
    """vrpc-py's factory calls, as its users write them (plain dicts and lists), each encodes and decodes back.

    One difference is documented: ``add_event``/``upsert_event`` leave ``to`` out unless it is given (vrpc-py wrote
    ``"children"``); nil or absent means the scene root.
    """
    from vmp_protocol import decode_message, encode_value, schema
    from vmp_protocol.events import (
        add_event,
        create_client_event,
        create_rpc_request,
        create_rpc_response,
        create_server_event,
        remove_event,
        timeout_event,
        update_event,
        upsert_event,
    )

    box = {"tag": "Box", "key": "box1", "position": [0.0, 0.1, 0.0]}
    messages = [
        set_event({"tag": "Scene", "key": "root", "children": [box]}, ts=1),
        add_event([Element(**box)], to="children", ts=1),
        update_event([ElementPatch(key="box1", position=[1.0, 0.0, 0.0])], ts=1),
        upsert_event([Element(**box)], to="children", ts=1),
        remove_event(["box1", "box2"], ts=1),
        timeout_event(1.5, "updateScene", ts=1),
        create_client_event("CLICK", key="btn", ts=1),
        create_server_event("HELLO", {"n": 1}, ts=1),
        create_rpc_request("CAMERA:main", "rpc-123", args=[1, 2], kwargs={"duration": 1.5}, ts=1),
        create_rpc_response("rpc-123", data={"position": [1, 2, 3]}, ts=1),
    ]
    etypes = []
    for msg in messages:
        frame = msg.to_msgpack()
        desc, again = decode_message(frame, schema.MESSAGES)
        assert again.to_msgpack() == frame, desc.name
        etypes.append(again.etype)
    assert etypes == [
        "SET",
        "ADD",
        "UPDATE",
        "UPSERT",
        "REMOVE",
        "TIMEOUT",
        "CLICK",
        "HELLO",
        "CAMERA:main",
        "rpc-123",
    ]
    # TIMEOUT's timeout is a float field: 1.5 is float64 on the wire (cb 3f f8 …), as vrpc-py writes it.
    assert "cb3ff8000000000000" in messages[5].to_msgpack().hex()
    # The response always carries ok and error (nil on success), as vrpc-py's does.
    assert messages[9].to_dict()["ok"] is True and messages[9].to_dict()["error"] is None
    assert encode_value(messages[9].to_dict()) == messages[9].to_msgpack()


# vrpc-py's create_rpc_response("MJ_STEP_RESPONSE@u-2", value={"qpos": [0.5, 1]}): ts, etype, ok, error, value.
_TS_ETYPE = "a27473cf0000018bcfe56800a56574797065b44d4a5f535445505f524553504f4e534540752d32"
_QPOS = "a576616c756581a471706f7392cb3fe000000000000001"  # value: {qpos: [0.5, 1]}
_OK, _OK_FALSE, _ERROR_NIL = "a26f6bc3", "a26f6bc2", "a56572726f72c0"


def test_catalogued_responses_read_the_upstream_success_status_as_absent() -> None:
    """Spec §4.4: ``ok: true`` and nil ``error``/``data`` that a catalogued response does not declare are absent."""
    from vmp_protocol import decode, decode_message, encode, schema

    upstream = bytes.fromhex("85" + _TS_ETYPE + _OK + _ERROR_NIL + _QPOS)
    decoded = decode(schema.MjStepResponse, upstream)
    assert decoded.value == {"qpos": [0.5, 1]}
    assert encode(schema.MjStepResponse, decoded).hex() == "83" + _TS_ETYPE + _QPOS
    # vrpc-ts's createRPCResponse also writes data nil first.
    assert (
        decode(
            schema.MjStepResponse, bytes.fromhex("86" + _TS_ETYPE + "a464617461c0" + _QPOS + _OK + _ERROR_NIL)
        )
        == decoded
    )
    assert decode_message(upstream, schema.MESSAGES)[1] == decoded


@pytest.mark.parametrize(
    ("extra", "count", "kind", "path"),
    [
        (_OK_FALSE, 1, "InvalidValue", ("ok",)),
        (_OK + "a56572726f72a46c617465", 2, "InvalidValue", ("error",)),  # ok true, error "late"
        ("a46461746100", 1, "InvalidValue", ("data",)),  # data 0
        (_OK + _OK, 2, "DuplicateKey", ()),
    ],
)
def test_catalogued_responses_stay_closed_to_anything_else(
    extra: str, count: int, kind: str, path: tuple[str, ...]
) -> None:
    from vmp_protocol import VmpError, decode, schema

    frame = bytes.fromhex(f"{0x83 + count:02x}" + _TS_ETYPE + _QPOS + extra)
    with pytest.raises(VmpError) as e:
        decode(schema.MjStepResponse, frame)
    assert (e.value.kind, tuple(e.value.path)) == (kind, path)


def test_bytes_fields_take_vrpc_ts_wrapped_uint8_array() -> None:
    """Spec §7.6: ``{ztype: "Uint8Array", b, length}`` where bytes are declared is those bytes."""
    from vmp_protocol import VmpError, decode, encode, schema

    def camera_view(frame: str) -> bytes:
        # {etype: CAMERA_VIEW, value: {dpr: 2, width: 640, height: 480, frame}}
        return bytes.fromhex(
            "82a56574797065ab43414d4552415f56494557a576616c756584a3647072cb4000000000000000"
            "a57769647468cd0280a6686569676874cd01e0a56672616d65" + frame
        )

    def wrapped(ztype: str, length: int) -> str:
        name = ztype.encode().hex()
        return f"83a57a74797065{0xA0 + len(ztype):02x}{name}a162c404ffd8ffd9a66c656e677468{length:02x}"

    decoded = decode(schema.CameraViewEvent, camera_view(wrapped("Uint8Array", 4)))
    assert decoded.value.frame == bytes.fromhex("ffd8ffd9")
    assert encode(schema.CameraViewEvent, decoded) == camera_view("c404ffd8ffd9")
    for frame, kind, path in [
        (wrapped("Uint8Array", 5), "ShapeMismatch", ("value", "frame", "b")),
        (wrapped("Float32Array", 1), "WrongType", ("value", "frame")),
        ("81a162c401ff", "WrongType", ("value", "frame")),
    ]:
        with pytest.raises(VmpError) as e:
            decode(schema.CameraViewEvent, camera_view(frame))
        assert (e.value.kind, tuple(e.value.path)) == (kind, path)
