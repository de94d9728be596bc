"""vrpc-py's drop-in serializers: free-form values (no schema) to MessagePack or to the JSON form, and back."""

from __future__ import annotations

from typing import Any

from .codec import decode_value, encode_value
from .json_form import json_to_msgpack_raw, msgpack_to_json


class MessagePackSerializer:
    """vrpc-py's MessagePackSerializer: any VMP value to MessagePack bytes and back (free-form, no schema)."""

    @staticmethod
    def encode(obj: Any) -> bytes:
        return encode_value(obj)

    @staticmethod
    def decode(data: bytes) -> Any:
        return decode_value(data)


class JSONSerializer:
    """vrpc-py's JSONSerializer: any VMP value to its JSON form (bytes as ``{"__bytes__": base64}``) and back."""

    @staticmethod
    def encode(obj: Any) -> str:
        return msgpack_to_json(None, encode_value(obj))

    @staticmethod
    def decode(data: str | bytes) -> Any:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return decode_value(json_to_msgpack_raw(text))
