"""Typed array fields (SPEC §7.11): numpy arrays checked by dtype and shape on decode and encode, every array form
accepted, ``numpy.ndarray`` written."""

from __future__ import annotations

from typing import Any

import msgspec
import numpy as np
import pytest
from vmp_protocol import TensorArray, VmpError, decode, decode_value, encode
from vmp_protocol._runtime.schema import ArrayType, FieldDesc, NdArrayType, RecordDesc

CLOUD = RecordDesc(
    name="Cloud",
    fields=(
        FieldDesc(
            name="points",
            attr="points",
            type=NdArrayType(dtypes=("float32", "float64"), shape=(None, 3)),
            required=True,
        ),
        FieldDesc(name="mask", attr="mask", type=NdArrayType(dtypes=("bool",), shape=()), required=False),
        FieldDesc(
            name="frames", attr="frames", type=ArrayType(NdArrayType(dtypes=("uint8",))), required=False
        ),
    ),
    open=False,
)


def array_map(
    dtype: str, shape: list[int], ztype: str = "numpy.ndarray", itemsize: int = 4
) -> dict[str, Any]:
    """An array's wire map: ``b`` zero bytes of the right length."""
    return {"ztype": ztype, "b": bytes(int(np.prod(shape)) * itemsize), "dtype": dtype, "shape": shape}


def frame(**fields: Any) -> bytes:
    return msgspec.msgpack.encode(fields)


def rejected(data: bytes) -> tuple[str, list[str | int]]:
    with pytest.raises(VmpError) as e:
        decode(CLOUD, data)
    return e.value.kind, e.value.path


def test_decodes_allowed_arrays_as_numpy_arrays() -> None:
    out = decode(CLOUD, frame(points=array_map("float32", [2, 3])))
    assert isinstance(out["points"], np.ndarray)
    assert out["points"].dtype == np.float32 and out["points"].shape == (2, 3)
    assert decode(CLOUD, frame(points=array_map("<f8", [0, 3], itemsize=8)))["points"].dtype == np.float64
    mask = decode(CLOUD, frame(points=array_map("float32", [1, 3]), mask=array_map("bool", [], itemsize=1)))
    assert mask["mask"].shape == ()
    # A vrpc-ts typed array (SPEC §7.6) is a 1-D array of its dtype.
    typed = {"ztype": "Uint8Array", "b": b"\x01\x02", "length": 2}
    frames = decode(CLOUD, frame(points=array_map("float32", [1, 3]), frames=[typed]))["frames"]
    assert frames[0].tolist() == [1, 2] and frames[0].dtype == np.uint8


def test_a_tensor_becomes_a_numpy_array_that_reencodes_as_numpy_ndarray() -> None:
    out = decode(CLOUD, frame(points=array_map("float32", [2, 3], "torch.Tensor")))
    assert type(out["points"]) is np.ndarray
    again = decode_value(encode(CLOUD, out))
    assert again["points"].dtype == np.float32 and type(again["points"]) is np.ndarray


def test_rejects_a_dtype_or_shape_the_field_does_not_allow_at_the_array() -> None:
    assert rejected(frame(points=array_map("int32", [5, 3]))) == ("InvalidValue", ["points"])
    assert rejected(frame(points=array_map("float32", [15]))) == ("InvalidValue", ["points"])
    assert rejected(frame(points=array_map("float32", [5, 3, 1]))) == ("InvalidValue", ["points"])
    assert rejected(frame(points=array_map("float32", [5, 2]))) == ("InvalidValue", ["points"])
    mask = array_map("bool", [1], itemsize=1)
    assert rejected(frame(points=array_map("float32", [1, 3]), mask=mask)) == ("InvalidValue", ["mask"])
    floats = {"ztype": "Float32Array", "b": bytes(4), "length": 1}
    assert rejected(frame(points=array_map("float32", [1, 3]), frames=[floats])) == (
        "InvalidValue",
        ["frames", 0],
    )


def test_rejects_other_zdata_at_its_ztype_and_keeps_the_array_kinds() -> None:
    image = {"ztype": "image", "b": b"\x89PNG"}
    assert rejected(frame(points=image)) == ("InvalidValue", ["points", "ztype"])
    assert rejected(frame(points={"ztype": "my.Point", "x": 1})) == ("InvalidValue", ["points", "ztype"])
    assert rejected(frame(points=array_map("<U2", [5, 3]))) == ("UnsupportedDtype", ["points", "dtype"])
    short = {"ztype": "numpy.ndarray", "b": bytes(8), "dtype": "float32", "shape": [1, 3]}
    assert rejected(frame(points=short)) == ("ShapeMismatch", ["points", "b"])
    assert rejected(frame(points=1)) == ("WrongType", ["points"])


def test_encode_refuses_a_wrong_dtype_or_shape_and_writes_numpy_ndarray() -> None:
    with pytest.raises(VmpError) as e:
        encode(CLOUD, {"points": np.zeros((2, 3), np.int32)})
    assert (e.value.kind, e.value.path) == ("InvalidValue", ["points"])
    with pytest.raises(VmpError) as e:
        encode(CLOUD, {"points": np.zeros((2, 4), np.float32)})
    assert (e.value.kind, e.value.path) == ("InvalidValue", ["points"])
    with pytest.raises(VmpError) as e:
        encode(CLOUD, {"points": "x"})
    assert (e.value.kind, e.value.path) == ("WrongType", ["points"])
    tensor = np.arange(6, dtype=np.float32).reshape(2, 3).view(TensorArray)
    raw = msgspec.msgpack.decode(encode(CLOUD, {"points": tensor}))
    assert raw["points"]["ztype"] == "numpy.ndarray"
    assert raw["points"]["dtype"] == "float32" and raw["points"]["shape"] == [2, 3]
    assert np.frombuffer(raw["points"]["b"], "<f4").tolist() == [0, 1, 2, 3, 4, 5]


def test_a_bfloat16_tensor_stays_bfloat16_and_becomes_numpy_ndarray() -> None:
    desc = RecordDesc(
        name="Half",
        fields=(FieldDesc(name="w", attr="w", type=NdArrayType(dtypes=("bfloat16",)), required=True),),
        open=False,
    )
    out = decode(
        desc, frame(w={"ztype": "torch.Tensor", "b": b"\x80\x3f", "dtype": "bfloat16", "shape": [1]})
    )
    assert not isinstance(out["w"], TensorArray)
    raw = msgspec.msgpack.decode(encode(desc, out))
    assert raw["w"] == {"ztype": "numpy.ndarray", "b": b"\x80\x3f", "dtype": "bfloat16", "shape": [1]}
