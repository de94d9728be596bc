"""The runtime of the generated ``vmp_protocol`` package: codec, ZData, JSON form, RPC correlation.

Copied verbatim into ``vmp_protocol/_runtime/`` by the Python emitter; depends on the standard library, numpy and
msgspec (torch, PIL, safetensors and ml_dtypes are used when importable). The spec's tables (error kinds,
dtypes) come from the generated ``vmp_protocol/_tables.py``.

``__all__`` below is the runtime's public API: ``vmp_protocol/__init__.py`` re-exports exactly these names.
"""

from .._tables import DTYPES, ERROR_KINDS, ErrorKind
from .codec import decode, decode_message, decode_value, encode, encode_into, encode_value, select_message
from .dtype import parse_dtype
from .errors import VmpError, format_path
from .json_form import from_json, json_to_msgpack, msgpack_to_json, to_json
from .record import Record
from .registry import Registration, register_type, unregister_type
from .rpc import RpcCancelled, RpcCorrelator, RpcResult, RpcTimeout, rpc_response_type
from .safetensors import Safetensors
from .serializers import JSONSerializer, MessagePackSerializer
from .value import UNSET, Float32, UnsetType, VmpFloat
from .wire import MAX_DEPTH
from .zdata import BFloat16Array, OpaqueZData, TensorArray, TensorBFloat16Array, ZImage, sniff_image

__all__ = [
    "DTYPES",
    "ERROR_KINDS",
    "MAX_DEPTH",
    "UNSET",
    "BFloat16Array",
    "ErrorKind",
    "Float32",
    "JSONSerializer",
    "MessagePackSerializer",
    "OpaqueZData",
    "Record",
    "Registration",
    "RpcCancelled",
    "RpcCorrelator",
    "RpcResult",
    "RpcTimeout",
    "Safetensors",
    "TensorArray",
    "TensorBFloat16Array",
    "UnsetType",
    "VmpError",
    "VmpFloat",
    "ZImage",
    "decode",
    "decode_message",
    "decode_value",
    "encode",
    "encode_into",
    "encode_value",
    "format_path",
    "from_json",
    "json_to_msgpack",
    "msgpack_to_json",
    "parse_dtype",
    "register_type",
    "rpc_response_type",
    "select_message",
    "sniff_image",
    "to_json",
    "unregister_type",
]
