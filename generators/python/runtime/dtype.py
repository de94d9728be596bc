"""The dtype vocabulary of VMP (spec §7.3): canonical names, numpy's explicit forms, and numpy dtypes."""

from __future__ import annotations

import re
from typing import Any, Final

import numpy as np

DTYPES: Final[dict[str, int]] = {
    "bool": 1,
    "int8": 1,
    "int16": 2,
    "int32": 4,
    "int64": 8,
    "uint8": 1,
    "uint16": 2,
    "uint32": 4,
    "uint64": 8,
    "float16": 2,
    "bfloat16": 2,
    "float32": 4,
    "float64": 8,
    "complex64": 8,
    "complex128": 16,
}
"""Each canonical dtype name and its item size in bytes."""

_NUMPY_CODES: Final[dict[str, str]] = {
    "b1": "bool",
    "i1": "int8",
    "i2": "int16",
    "i4": "int32",
    "i8": "int64",
    "u1": "uint8",
    "u2": "uint16",
    "u4": "uint32",
    "u8": "uint64",
    "f2": "float16",
    "f4": "float32",
    "f8": "float64",
    "c8": "complex64",
    "c16": "complex128",
}

_EXPLICIT = re.compile(r"^([<>|=])([a-z]\d{1,2})\Z")


def parse_dtype(s: str) -> tuple[str, bool] | None:
    """``(canonical name, big-endian)`` of a dtype string, or None when it is outside the vocabulary."""
    if s in DTYPES:
        return s, False
    m = _EXPLICIT.match(s)
    if m is None:
        return None
    name = _NUMPY_CODES.get(m.group(2))
    if name is None:
        return None
    size = DTYPES[name]
    if m.group(1) == "|" and size > 1:
        return None
    return name, m.group(1) == ">" and size > 1


def storage_dtype(name: str, big_endian: bool = False) -> np.dtype[Any]:
    """The numpy dtype that holds elements of ``name`` (bfloat16: uint16 storage)."""
    out: np.dtype[Any]
    if name == "bfloat16":
        out = np.dtype(">u2" if big_endian else "<u2")
    elif name in ("bool", "int8", "uint8"):
        out = np.dtype({"bool": "?", "int8": "i1", "uint8": "u1"}[name])
    else:
        out = np.dtype(name).newbyteorder(">" if big_endian else "<")
    return out


def bfloat16_dtype() -> np.dtype[Any] | None:
    """``ml_dtypes.bfloat16`` when ml_dtypes is importable, else None."""
    try:
        import ml_dtypes  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    out: np.dtype[Any] = np.dtype(ml_dtypes.bfloat16)
    return out


def canonical_name(dt: np.dtype[Any]) -> str | None:
    """The canonical VMP name of a numpy dtype (any byte order), or None when VMP has none."""
    if dt.fields is not None or dt.subdtype is not None:
        return None
    kind = dt.kind
    size = dt.itemsize
    if kind == "b":
        return "bool"
    if kind == "i" and size in (1, 2, 4, 8):
        return f"int{size * 8}"
    if kind == "u" and size in (1, 2, 4, 8):
        return f"uint{size * 8}"
    if kind == "f" and size in (2, 4, 8):
        return f"float{size * 8}"
    if kind == "c" and size in (8, 16):
        return f"complex{size * 8}"
    if kind == "V" and size == 2 and dt.name == "bfloat16":
        return "bfloat16"
    if dt.name == "bfloat16" and size == 2:
        return "bfloat16"
    return None
