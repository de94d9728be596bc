"""Free-form value markers: ``UNSET`` (an absent optional field), ``Float32`` and ``VmpFloat`` (spec §2.2, §10)."""

from __future__ import annotations

import math
import struct
from typing import Final, Literal


class UnsetType:
    """The type of :data:`UNSET`: an optional field that is absent (``None`` is nil, which is different)."""

    _instance: UnsetType | None = None
    __slots__ = ()

    def __new__(cls) -> UnsetType:  # noqa: PYI034 (a singleton)
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNSET"

    def __reduce__(self) -> str:
        return "UNSET"


UNSET: Final = UnsetType()


class Float32(float):
    """A float that is a float32 on the wire (a free-form float32 decoded losslessly, or one to write as such).

    It is a ``float`` (arithmetic gives plain floats); only the codec looks at the width. The value must be
    exactly representable as a float32 (``Float32(0.1)`` rounds to the nearest float32).
    """

    __slots__ = ()

    def __new__(cls, value: float = 0.0) -> Float32:  # noqa: PYI034 (Python 3.10 has no typing.Self)
        v = float(value)
        if math.isfinite(v):
            v = struct.unpack(">f", struct.pack(">f", v))[0]
        return super().__new__(cls, v)

    def __repr__(self) -> str:
        return f"Float32({float.__repr__(self)})"


_F64 = struct.Struct(">d")
_F32 = struct.Struct(">f")
_U64 = struct.Struct(">Q")
_U32 = struct.Struct(">I")


class VmpFloat:
    """A float with exact bits and width (a NaN payload survives): what lossless mode gives when a float or a
    :class:`Float32` would not reproduce the bits."""

    __slots__ = ("bits", "width")

    width: Literal[32, 64]
    bits: int

    def __init__(self, width: Literal[32, 64], bits: int) -> None:
        if width not in (32, 64):
            raise ValueError("width must be 32 or 64")
        if not 0 <= bits < (1 << width):
            raise ValueError("bits out of range")
        self.width = width
        self.bits = bits

    @classmethod
    def of(cls, width: Literal[32, 64], value: float) -> VmpFloat:
        if width == 64:
            return cls(64, _U64.unpack(_F64.pack(value))[0])
        return cls(32, _U32.unpack(_F32.pack(value))[0])

    @property
    def value(self) -> float:
        if self.width == 64:
            return float(_F64.unpack(_U64.pack(self.bits))[0])
        return float(_F32.unpack(_U32.pack(self.bits))[0])

    def __float__(self) -> float:
        return self.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VmpFloat) and other.width == self.width and other.bits == self.bits

    def __hash__(self) -> int:
        return hash((self.width, self.bits))

    def __repr__(self) -> str:
        return f"VmpFloat({self.width}, 0x{self.bits:0{self.width // 4}x})"


CANONICAL_NAN64: Final = 0x7FF8000000000000
CANONICAL_NAN32: Final = 0x7FC00000


def widen_bits(bits32: int) -> int:
    """The float64 bits of a float32, NaN payloads included (spec §3.11: fraction << 29)."""
    sign = bits32 >> 31
    exp = (bits32 >> 23) & 0xFF
    frac = bits32 & 0x7FFFFF
    if exp == 0xFF:
        return (sign << 63) | (0x7FF << 52) | (frac << 29)
    return int(_U64.unpack(_F64.pack(_F32.unpack(_U32.pack(bits32))[0]))[0])


def narrow_nan_bits(bits64: int) -> int:
    """The float32 bits of a float64 NaN (the fraction's top 23 bits; a quiet NaN if they are all zero)."""
    sign = bits64 >> 63
    frac = (bits64 >> 29) & 0x7FFFFF
    if frac == 0:
        frac = 0x400000
    return (sign << 31) | (0xFF << 23) | frac


def exact_f32(x: float) -> bool:
    """Whether float32 holds ``x`` exactly (False when ``x`` is beyond float32's range)."""
    try:
        return bool(_F32.unpack(_F32.pack(x))[0] == x)
    except OverflowError:
        return False
