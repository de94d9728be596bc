"""``safetensor.dict`` ZData (spec §7.5): a safetensors file kept as received, and its tensors as numpy arrays."""

from __future__ import annotations

import json
import struct
from collections.abc import Mapping
from typing import Any, Final

import numpy as np

from .._tables import DTYPES, SAFETENSORS_DTYPES
from .dtype import MAX_DIMS, UINT64_MAX, canonical_name, storage_dtype
from .errors import VmpError, make_error

_CODES: Final = {v: k for k, v in SAFETENSORS_DTYPES.items()}


class Safetensors:
    """A safetensors file: ``data`` as received (re-encoded unchanged), ``tensors`` in data-offset order.

    bfloat16 tensors are :class:`~.zdata.BFloat16Array` (uint16 storage) or ``ml_dtypes.bfloat16`` arrays.
    """

    __slots__ = ("data", "metadata", "tensors")

    data: bytes | memoryview
    tensors: dict[str, np.ndarray[Any, Any]]
    metadata: dict[str, str] | None

    def __init__(self, data: bytes | bytearray | memoryview, *, copy: bool = False) -> None:
        """Reads a file, checking its header before slicing (errors are located at the file itself).

        The tensors are read-only views of ``data`` unless ``copy`` (writable copies)."""
        mv = memoryview(data).cast("B") if not isinstance(data, bytes) else memoryview(data)
        self.tensors, self.metadata = _parse(mv, copy)
        self.data = data if isinstance(data, bytes | memoryview) else bytes(data)

    @classmethod
    def from_tensors(
        cls, tensors: Mapping[str, Any], metadata: Mapping[str, str] | None = None
    ) -> Safetensors:
        """Builds a file: compact header, tensors in map order with contiguous offsets, padded to 8 bytes."""
        from .zdata import array_payload

        entries: list[str] = []
        if metadata is not None:
            entries.append('"__metadata__":' + json.dumps(dict(metadata), separators=(",", ":")))
        payloads: list[bytes] = []
        offset = 0
        for name, array in tensors.items():
            _ztype, dtype, shape, payload = array_payload(array, [name])
            code = _CODES.get(dtype)
            if code is None:
                raise make_error("UnsupportedDtype", f"safetensors has no {dtype}", [name])
            b = bytes(payload)
            entries.append(
                f'{json.dumps(name)}:{{"dtype":"{code}","shape":[{",".join(map(str, shape))}],'
                f'"data_offsets":[{offset},{offset + len(b)}]}}'
            )
            payloads.append(b)
            offset += len(b)
        header = ("{" + ",".join(entries) + "}").encode()
        padded = -(-len(header) // 8) * 8
        out = struct.pack("<Q", padded) + header + b" " * (padded - len(header)) + b"".join(payloads)
        return cls(out)

    def __repr__(self) -> str:
        return f"Safetensors({list(self.tensors)})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Safetensors) and bytes(other.data) == bytes(self.data)

    __hash__ = None  # type: ignore[assignment]


def _invalid(reason: str) -> VmpError:
    return make_error("InvalidValue", reason)


def _parse(b: memoryview, copy: bool) -> tuple[dict[str, np.ndarray[Any, Any]], dict[str, str] | None]:
    from .zdata import wrap_array

    n = b.nbytes
    if n < 8:
        raise _invalid(f"a safetensors file starts with an 8-byte header length; only {n} bytes present")
    header_length = struct.unpack_from("<Q", b, 0)[0]
    if header_length > n - 8:
        raise _invalid(f"safetensors header length {header_length} exceeds the {n - 8} bytes present")
    data_start = 8 + header_length
    try:
        header = json.loads(str(b[8:data_start], "utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _invalid("the safetensors header is not UTF-8 JSON") from None
    if not isinstance(header, dict):
        raise _invalid("the safetensors header must be a JSON object")
    metadata = header.pop("__metadata__", None)
    if metadata is not None and (
        not isinstance(metadata, dict) or any(not isinstance(x, str) for x in metadata.values())
    ):
        raise _invalid("safetensors __metadata__ must map strings to strings")
    data_length = n - data_start
    spans = sorted((_span(k, v, data_length) for k, v in header.items()), key=lambda s: s[3])
    end = 0
    for s in spans:
        if s[3] != end:
            raise _invalid(f"safetensors data has a {'gap' if s[3] > end else 'overlap'} at byte {end}")
        end = s[4]
    if end != data_length:
        raise _invalid(f"safetensors tensors cover {end} of the {data_length} data bytes")
    tensors: dict[str, np.ndarray[Any, Any]] = {}
    for name, dtype, shape, begin, stop in spans:
        arr = np.frombuffer(b[data_start + begin : data_start + stop], dtype=storage_dtype(dtype))
        if copy:
            arr = arr.copy()
        else:
            arr.flags.writeable = False
        tensors[name] = wrap_array(arr.reshape(shape), dtype, "numpy.ndarray")
    return tensors, metadata


def _is_index(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def _span(name: str, entry: object, data_length: int) -> tuple[str, str, list[int], int, int]:
    where = f"tensor {json.dumps(name)}"
    if not isinstance(entry, dict):
        raise _invalid(f"{where} must be an object")
    code = entry.get("dtype")
    dtype = SAFETENSORS_DTYPES.get(code) if isinstance(code, str) else None
    if dtype is None:
        raise make_error("UnsupportedDtype", f"{where} has dtype {json.dumps(code)}, not a safetensors dtype")
    shape = entry.get("shape")
    if not isinstance(shape, list) or not all(_is_index(d) for d in shape):
        raise make_error("InvalidShape", f"{where} shape must be non-negative integers")
    offsets = entry.get("data_offsets")
    if (
        not isinstance(offsets, list)
        or len(offsets) != 2
        or not all(_is_index(o) for o in offsets)
        or offsets[0] > offsets[1]
        or offsets[1] > data_length
    ):
        raise _invalid(f"{where} data_offsets must be [begin, end] inside the {data_length} data bytes")
    begin, end = offsets
    if len(shape) > MAX_DIMS:
        raise make_error("InvalidShape", f"{where} has {len(shape)} dimensions; at most {MAX_DIMS}")
    count = 1
    for d in shape:
        count *= d
    if count > UINT64_MAX:  # the shape rules of arrays apply (SPEC §7.5 rule 4, §7.3)
        raise make_error("InvalidShape", f"{where} shape has {count} elements, beyond 2^64-1")
    size = count * DTYPES[dtype]
    if end - begin != size:
        raise make_error("ShapeMismatch", f"{where} spans {end - begin} bytes; its shape needs {size}")
    return name, dtype, shape, begin, end


__all__ = ["Safetensors", "canonical_name"]
