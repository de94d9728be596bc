"""vrpc-py's serializers, as a drop-in: free-form values (no schema) to MessagePack or to the JSON form, and back.

``MessagePackSerializer(greedy=True)`` and ``JSONSerializer(greedy=True)`` take vrpc-py's constructor argument and
answer to its method names (``encode``/``decode``) and to ``serialize``/``deserialize``. Encoding is always the
canonical encoding of SPEC §3 (arrays, tensors and images in free-form positions become ZData, SPEC §7). ``greedy``
decides what decoding gives back for ZData: typed values (numpy arrays, tensors, :class:`ZImage`, ...) when true,
as vrpc-py's greedy mode does, and the plain ZData maps (``{"ztype": ..., "b": ...}``) when false, as its plain mode.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .codec import decode_value, encode_value
from .json_form import json_to_msgpack_raw, msgpack_to_json
from .safetensors import Safetensors
from .zdata import OpaqueZData, WideEmptyArray, ZImage, array_payload, is_torch_tensor


class MessagePackSerializer:
    """vrpc-py's ``MessagePackSerializer``: any VMP value to canonical MessagePack bytes and back."""

    def __init__(self, greedy: bool = True) -> None:
        self.greedy = greedy

    def encode(self, obj: Any) -> bytes:
        return encode_value(obj)

    def decode(self, data: bytes | bytearray | memoryview) -> Any:
        value = decode_value(data)
        return value if self.greedy else plain_zdata(value)

    serialize = encode
    deserialize = decode


class JSONSerializer:
    """vrpc-py's ``JSONSerializer``: any VMP value to its JSON form (bytes as ``{"__bytes__": base64}``), as UTF-8."""

    def __init__(self, greedy: bool = True) -> None:
        self.greedy = greedy

    def encode(self, obj: Any) -> bytes:
        return msgpack_to_json(None, encode_value(obj)).encode("utf-8")

    def decode(self, data: str | bytes) -> Any:
        text = data.decode("utf-8") if isinstance(data, bytes | bytearray) else data
        value = decode_value(json_to_msgpack_raw(text))
        return value if self.greedy else plain_zdata(value)

    serialize = encode
    deserialize = decode


def plain_zdata(value: Any) -> Any:
    """``value`` with every decoded ZData turned back into its canonical map (vrpc-py's non-greedy decode)."""
    if isinstance(value, dict):
        return {k: plain_zdata(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_zdata(v) for v in value]
    if isinstance(value, np.ndarray | WideEmptyArray) or is_torch_tensor(value):
        ztype, dtype, shape, b = array_payload(value, [])
        return {"ztype": ztype, "b": bytes(b), "dtype": dtype, "shape": shape}
    if isinstance(value, ZImage):
        entry = {} if value.format_entry is None else {"format": value.format_entry}
        return {"ztype": "image", "b": value.data, **entry}
    if isinstance(value, Safetensors):
        return {"ztype": "safetensor.dict", "b": bytes(value.data)}
    if isinstance(value, OpaqueZData):
        return {k: plain_zdata(v) for k, v in value.entries.items()}
    return value
