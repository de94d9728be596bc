"""The JSON form (spec §9)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import vmp_protocol as vmp
from conftest import REPO
from spec_descriptors import Catalogue
from vmp_protocol import decode, encode, from_json, json_to_msgpack, to_json
from vmp_protocol._runtime.json_form import js_number
from vmp_protocol._runtime.schema import AnyType

CAT = Catalogue(REPO / "protocol" / "vmp.schema.json")
ANY = AnyType()


def test_u64_max_and_bytes_round_trip() -> None:
    v = {"n": 2**64 - 1, "m": -(2**63), "b": b"\xff\xd8\xff\xd9", "f": 1.0}
    text = to_json(ANY, v)
    assert text == '{"n":18446744073709551615,"m":-9223372036854775808,"b":{"__bytes__":"/9j/2Q=="},"f":1.0}'
    back = from_json(ANY, text)
    assert back == v and type(back["f"]) is float and type(back["n"]) is int
    assert json_to_msgpack(ANY, text) == vmp.encode_value(v)


def test_set_event_example() -> None:
    text = '{"ts":1700000000000,"etype":"SET","data":{"tag":"Scene","key":"root","children":[]}}'
    desc = CAT.named["SetEvent"]
    frame = json_to_msgpack(desc, text)
    assert frame.hex() == (
        "83a27473cf0000018bcfe56800a56574797065a3534554a46461746183a3746167a55363656e65a36b6579a4726f6f74"
        "a86368696c6472656e90"
    )
    assert to_json(desc, decode(desc, frame)) == text
    # an integral float in ts reads as the integer; an int in a float field as the float
    assert json_to_msgpack(desc, text.replace("1700000000000", "1700000000000.0")) == frame
    timeout = CAT.named["TimeoutEvent"]
    t = '{"ts":1,"etype":"TIMEOUT","data":{"timeout":2,"fn":"tick"}}'
    assert "cb4000000000000000" in json_to_msgpack(timeout, t).hex()
    assert to_json(timeout, from_json(timeout, t)) == t.replace(":2,", ":2.0,")


def test_zdata_in_json() -> None:
    text = to_json(ANY, np.array([1, 2, 3], dtype=np.float32))
    assert (
        text == '{"ztype":"numpy.ndarray","b":{"__bytes__":"AACAPwAAAEAAAEBA"},"dtype":"float32","shape":[3]}'
    )
    assert from_json(ANY, text).tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (1.0, "1.0"),
        (0.1, "0.1"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        (-0.0, "-0.0"),
        (1e20, "100000000000000000000.0"),
        (123.456, "123.456"),
        (0.000001, "0.000001"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
    ],
)
def test_js_numbers(x: float, text: str) -> None:
    assert js_number(x) == text


def test_float32_prints_widened() -> None:
    assert to_json(ANY, [vmp.Float32(0.1)]) == "[0.10000000149011612]"


def test_errors() -> None:
    with pytest.raises(vmp.InvalidValue):
        to_json(ANY, math.nan)
    with pytest.raises(vmp.DuplicateKey):
        from_json(ANY, '{"a":1,"a":2}')
    with pytest.raises(vmp.InvalidValue):
        from_json(ANY, '{"__bytes__":"!!"}')
    with pytest.raises(vmp.IntegerOutOfRange):
        from_json(ANY, "18446744073709551616")
    with pytest.raises(vmp.InvalidValue):
        from_json(ANY, "1e999")
    with pytest.raises(vmp.InvalidUtf8):
        from_json(ANY, '"\\ud800"')
    with pytest.raises(vmp.DepthExceeded):
        from_json(ANY, "[" * 100_000 + "]" * 100_000)
    with pytest.raises(vmp.DepthExceeded):
        from_json(ANY, "[" * 600 + "]" * 600)


def test_vrpc_py_json_serializer_output_reads() -> None:
    # vrpc-py's JSONSerializer: json.dumps with bytes as {"__bytes__": base64}, default separators
    text = json.dumps({"etype": "X", "data": {"__bytes__": "AAE="}})
    assert from_json(ANY, text) == {"etype": "X", "data": b"\x00\x01"}


def test_bytes_key_map_has_no_json_form() -> None:
    with pytest.raises(vmp.InvalidValue):
        to_json(ANY, {"__bytes__": "AAE="})
    assert to_json(ANY, {"__bytes__": "AAE=", "x": 1}) == '{"__bytes__":"AAE=","x":1}'


def test_indent() -> None:
    assert to_json(ANY, [b"\x00"], indent=2) == '[\n  {\n    "__bytes__": "AA=="\n  }\n]'

    assert to_json(ANY, {"a": [1, {}]}, indent=2) == '{\n  "a": [\n    1,\n    {}\n  ]\n}'
    assert json.loads(to_json(ANY, {"a": [1, {}]}, indent=2)) == {"a": [1, {}]}


def test_encode_is_schema_directed() -> None:
    assert encode(ANY, 1) == b"\x01"
