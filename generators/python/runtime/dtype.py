"""The dtype vocabulary of VMP (spec §7.3): canonical names, numpy's explicit forms, and numpy dtypes.

The vocabulary itself (names, item sizes, numpy codes) is the spec's ``x-vmp-dtypes`` table, in ``_tables.py``.
"""

from __future__ import annotations

import re
from typing import Any, Final

import numpy as np

from .._tables import DTYPES, NUMPY_CODES

MAX_DIMS: Final = 64
"""More dimensions than any producer uses (numpy's own limit); beyond it a shape is InvalidShape (SPEC §7.3)."""
UINT64_MAX: Final = (1 << 64) - 1
"""The largest element count a shape may describe (SPEC §7.3)."""

_EXPLICIT = re.compile(r"^([<>|=]?)([a-z]\d{1,2})\Z")  # no byte-order character: little-endian (SPEC §7.3)


def parse_dtype(s: str) -> tuple[str, bool] | None:
    """``(canonical name, big-endian)`` of a dtype string, or None when it is outside the vocabulary."""
    if s in DTYPES:
        return s, False
    m = _EXPLICIT.match(s)
    if m is None:
        return None
    name = NUMPY_CODES.get(m.group(2))
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
    if dt.name == "bfloat16" and dt.itemsize == 2:
        return "bfloat16"
    return NUMPY_CODES.get(f"{dt.kind}{dt.itemsize}")
