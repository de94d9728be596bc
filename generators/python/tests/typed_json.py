"""Test helper: the typed-JSON notation of conformance/VECTORS.md as Python values."""

from __future__ import annotations

import math
from typing import Any

from vmp_protocol import Float32, VmpFloat

_SPECIAL = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf, "-0": -0.0}


def _num(x: Any) -> float:
    return _SPECIAL[x] if isinstance(x, str) else float(x)


def from_typed(v: Any) -> Any:
    if isinstance(v, list):
        return [from_typed(x) for x in v]
    if isinstance(v, dict):
        if len(v) == 1:
            ((k, x),) = v.items()
            if k == "$int":
                return int(x)
            if k == "$f64":
                return _num(x)
            if k == "$f32":
                return Float32(_num(x))
            if k == "$f64bits":
                return VmpFloat(64, int(x, 16))
            if k == "$f32bits":
                return VmpFloat(32, int(x, 16))
            if k == "$bin":
                return bytes.fromhex(x)
            if k == "$map":
                return {key: from_typed(val) for key, val in x}
        return {k: from_typed(x) for k, x in v.items()}
    return v
