"""Canonical MessagePack writing and strict, bounded reading (spec §2, §3).

``Writer`` writes the canonical forms (smallest headers, uint family for non-negative integers); ``Reader``
accepts every valid form of every item and reports each defect as a :class:`VmpError` with the path and byte
offset the reference decoder (reference/src/wire/decode.ts) gives. No declared length is trusted before the bytes are
there, and nothing is allocated from a declared count.
"""

from __future__ import annotations

import json
import struct
from typing import Final, NoReturn

from .._tables import ErrorKind
from .errors import VmpError, make_error

MAX_DEPTH: Final = 512
"""At most this many nested containers (spec §2.5)."""

_B = struct.Struct(">B")
_H = struct.Struct(">H")
_I = struct.Struct(">I")
_Q = struct.Struct(">Q")
_b = struct.Struct(">b")
_h = struct.Struct(">h")
_i = struct.Struct(">i")
_q = struct.Struct(">q")
_f = struct.Struct(">f")
_d = struct.Struct(">d")
_BB = struct.Struct(">BB")
_BH = struct.Struct(">BH")
_BI = struct.Struct(">BI")
_BQ = struct.Struct(">BQ")
_Bb = struct.Struct(">Bb")
_Bh = struct.Struct(">Bh")
_Bi = struct.Struct(">Bi")
_Bq = struct.Struct(">Bq")
_Bd = struct.Struct(">Bd")
_Bf = struct.Struct(">Bf")

UINT64_MAX: Final = (1 << 64) - 1
INT64_MIN: Final = -(1 << 63)

# Payloads at least this big are kept as separate chunks and joined once at the end (one copy in all).
_BIG: Final = 1 << 16


class Writer:
    """Writes canonical MessagePack items. ``segs[:depth]`` is the path of the value being written (for errors)."""

    __slots__ = ("buf", "chunks", "depth", "segs")

    def __init__(self) -> None:
        self.buf = bytearray()
        self.chunks: list[bytes | bytearray | memoryview] = []
        self.segs: list[str | int] = []
        self.depth = 0

    # -- paths and errors -------------------------------------------------------------------------------------
    def path(self) -> list[str | int]:
        return self.segs[: self.depth]

    def set_seg(self, at: int, seg: str | int) -> None:
        if at < len(self.segs):
            self.segs[at] = seg
        else:
            self.segs.append(seg)

    def fail(self, kind: ErrorKind, reason: str) -> NoReturn:
        raise make_error(kind, reason, self.path())

    def fail_at(self, field: str | int, kind: ErrorKind, reason: str) -> NoReturn:
        self.set_seg(self.depth, field)
        self.depth += 1
        raise make_error(kind, reason, self.path())

    # -- items ------------------------------------------------------------------------------------------------
    def nil(self) -> None:
        self.buf.append(0xC0)

    def boolean(self, v: bool) -> None:
        self.buf.append(0xC3 if v else 0xC2)

    def integer(self, v: int) -> None:
        buf = self.buf
        if v >= 0:
            if v < 0x80:
                buf.append(v)
            elif v <= 0xFF:
                buf += _BB.pack(0xCC, v)
            elif v <= 0xFFFF:
                buf += _BH.pack(0xCD, v)
            elif v <= 0xFFFFFFFF:
                buf += _BI.pack(0xCE, v)
            elif v <= UINT64_MAX:
                buf += _BQ.pack(0xCF, v)
            else:
                self.fail("IntegerOutOfRange", f"{v} is outside -2^63..2^64-1")
        elif v >= -32:
            buf.append(v & 0xFF)
        elif v >= -0x80:
            buf += _Bb.pack(0xD0, v)
        elif v >= -0x8000:
            buf += _Bh.pack(0xD1, v)
        elif v >= -0x80000000:
            buf += _Bi.pack(0xD2, v)
        elif v >= INT64_MIN:
            buf += _Bq.pack(0xD3, v)
        else:
            self.fail("IntegerOutOfRange", f"{v} is outside -2^63..2^64-1")

    def float64(self, v: float) -> None:
        self.buf += _Bd.pack(0xCB, v)

    def float32(self, v: float) -> None:
        """A float32 (``v`` must be exactly representable, or a NaN/infinity)."""
        self.buf += _Bf.pack(0xCA, v)

    def float_bits(self, width: int, bits: int) -> None:
        if width == 64:
            self.buf += _BQ.pack(0xCB, bits)
        else:
            self.buf += _BI.pack(0xCA, bits)

    def string(self, s: str) -> None:
        try:
            data = s.encode("utf-8")
        except UnicodeEncodeError:
            self.fail("InvalidUtf8", "string has a lone surrogate, which UTF-8 cannot encode")
        n = len(data)
        buf = self.buf
        if n <= 31:
            buf.append(0xA0 | n)
        elif n <= 0xFF:
            buf += _BB.pack(0xD9, n)
        elif n <= 0xFFFF:
            buf += _BH.pack(0xDA, n)
        elif n <= 0xFFFFFFFF:
            buf += _BI.pack(0xDB, n)
        else:
            self.fail("InvalidValue", f"a length of {n} exceeds MessagePack's 2^32-1")
        buf += data

    def binary(self, data: bytes | bytearray | memoryview) -> None:
        n = data.nbytes if isinstance(data, memoryview) else len(data)
        buf = self.buf
        if n <= 0xFF:
            buf += _BB.pack(0xC4, n)
        elif n <= 0xFFFF:
            buf += _BH.pack(0xC5, n)
        elif n <= 0xFFFFFFFF:
            buf += _BI.pack(0xC6, n)
        else:
            self.fail("InvalidValue", f"a length of {n} exceeds MessagePack's 2^32-1")
        if n >= _BIG:
            self.chunks.append(self.buf)
            self.chunks.append(data)
            self.buf = bytearray()
        else:
            buf += data

    def raw(self, data: bytes) -> None:
        self.buf += data

    def array_header(self, n: int) -> None:
        if self.depth >= MAX_DEPTH:
            self.fail("DepthExceeded", f"more than {MAX_DEPTH} nested containers")
        self._length_header(n, 0x90, 0xDC, 0xDD)

    def map_header(self, n: int) -> None:
        if self.depth >= MAX_DEPTH:
            self.fail("DepthExceeded", f"more than {MAX_DEPTH} nested containers")
        self._length_header(n, 0x80, 0xDE, 0xDF)

    def _length_header(self, n: int, fix: int, b16: int, b32: int) -> None:
        if n <= 15:
            self.buf.append(fix | n)
        elif n <= 0xFFFF:
            self.buf += _BH.pack(b16, n)
        elif n <= 0xFFFFFFFF:
            self.buf += _BI.pack(b32, n)
        else:
            self.fail("InvalidValue", f"a length of {n} exceeds MessagePack's 2^32-1")

    def getvalue(self) -> bytes:
        """The frame written so far, as one ``bytes`` (big payloads are copied once, here)."""
        if not self.chunks:
            return bytes(self.buf)
        return b"".join([*self.chunks, self.buf])

    def write_into(self, target: bytearray, offset: int = 0) -> int:
        """Copies the frame written so far into ``target`` at ``offset`` and returns the frame's length.

        ``target`` ends right after the frame: it grows when too small, and the bytes after the frame are cut
        off. Bytes before ``offset`` are kept (``offset`` past the end pads with zeros). Big payloads are copied
        once, straight into ``target``: a buffer reused across frames of the same size is written in place, with
        no allocation and no fresh pages.
        """
        if offset < 0:
            raise ValueError("offset must be >= 0")
        pieces = [*self.chunks, self.buf] if self.chunks else [self.buf]
        total = 0
        for piece in pieces:
            total += piece.nbytes if isinstance(piece, memoryview) else len(piece)
        end = offset + total
        have = len(target)
        if have < end:
            target.extend(bytes(end - have))
        elif have > end:
            del target[end:]
        at = offset
        # A memoryview slice assignment is one memcpy; ``target[a:b] = piece`` would first copy a non-bytearray
        # piece into a temporary bytearray.
        with memoryview(target) as view:
            for piece in pieces:
                if isinstance(piece, memoryview):
                    n = piece.nbytes
                    if not piece.c_contiguous:
                        piece = memoryview(piece.tobytes())
                    elif n and (piece.format != "B" or piece.ndim != 1):
                        piece = piece.cast("B")
                else:
                    n = len(piece)
                view[at : at + n] = piece
                at += n
        return total


# -- reading ----------------------------------------------------------------------------------------------------

# Names and header sizes (format byte included) of the formats 0xc0..0xdf.
_FORMATS: Final[tuple[tuple[str, int], ...]] = (
    ("nil", 1), ("never used", 1), ("false", 1), ("true", 1), ("bin8", 2), ("bin16", 3), ("bin32", 5),
    ("ext8", 3), ("ext16", 4), ("ext32", 6), ("float32", 5), ("float64", 9), ("uint8", 2), ("uint16", 3),
    ("uint32", 5), ("uint64", 9), ("int8", 2), ("int16", 3), ("int32", 5), ("int64", 9), ("fixext1", 2),
    ("fixext2", 2), ("fixext4", 2), ("fixext8", 2), ("fixext16", 2), ("str8", 2), ("str16", 3), ("str32", 5),
    ("array16", 3), ("array32", 5), ("map16", 3), ("map32", 5),
)  # fmt: skip


def format_name(b: int) -> str:
    if b < 0x80:
        return "positive fixint"
    if b < 0x90:
        return "fixmap"
    if b < 0xA0:
        return "fixarray"
    if b < 0xC0:
        return "fixstr"
    if b >= 0xE0:
        return "negative fixint"
    return _FORMATS[b - 0xC0][0]


def _header_size(b: int) -> int:
    return 1 if b < 0xC0 or b >= 0xE0 else _FORMATS[b - 0xC0][1]


class Reader:
    """Reads MessagePack items from one frame.

    ``next()`` reads an item's header and returns its kind (``"nil"``, ``"bool"``, ``"int"``, ``"float32"``,
    ``"float64"``, ``"str"``, ``"bin"``, ``"array"``, ``"map"``); scalars are then complete (``ival``, ``fval``,
    ``bval``), str/bin payloads are read with ``str()``/``bin()``, containers are opened with ``enter()`` and read
    item by item by the caller. ``segs[:depth]`` is the path of the item being read.
    """

    __slots__ = (
        "as_dict",
        "bval",
        "copy",
        "depth",
        "fval",
        "ival",
        "length",
        "lossless",
        "mv",
        "n",
        "pos",
        "segs",
        "start",
        "strict_ztype",
    )

    def __init__(
        self,
        data: bytes | bytearray | memoryview,
        *,
        lossless: bool = False,
        strict_ztype: bool = False,
        copy: bool = False,
        as_dict: bool = False,
    ) -> None:
        mv = data if isinstance(data, memoryview) else memoryview(data)
        if mv.ndim != 1 or mv.itemsize != 1 or not mv.c_contiguous:
            mv = mv.cast("B") if mv.c_contiguous else memoryview(mv.tobytes())
        elif mv.format != "B":
            mv = mv.cast("B")
        self.mv = mv
        self.n = mv.nbytes
        self.pos = 0
        self.start = 0
        self.length = 0
        self.ival = 0
        self.fval = 0.0
        self.bval = False
        self.segs: list[str | int] = []
        self.depth = 0
        self.lossless = lossless
        self.strict_ztype = strict_ztype
        self.copy = copy
        self.as_dict = as_dict

    def path(self) -> list[str | int]:
        return self.segs[: self.depth]

    def set_seg(self, at: int, seg: str | int) -> None:
        if at < len(self.segs):
            self.segs[at] = seg
        else:
            self.segs.append(seg)

    def fail(self, kind: ErrorKind, reason: str, offset: int | None = None) -> NoReturn:
        raise make_error(kind, reason, self.path(), self.start if offset is None else offset)

    def next(self) -> str:
        at = self.start = self.pos
        mv = self.mv
        if at >= self.n:
            self.fail("Truncated", "the input ends where a value should start")
        b = mv[at]
        if b < 0x80:
            self.ival = b
            self.pos = at + 1
            return "int"
        if b >= 0xE0:
            self.ival = b - 0x100
            self.pos = at + 1
            return "int"
        if b < 0xC0:
            self.pos = at + 1
            if b >= 0xA0:
                self.length = b & 0x1F
                return "str"
            self.length = b & 0x0F
            return "map" if b < 0x90 else "array"
        size = _FORMATS[b - 0xC0][1]
        if at + size > self.n:
            self.fail("Truncated", f"{format_name(b)} header needs {size} bytes, {self.n - at} remain")
        self.pos = at + size
        p = at + 1
        if b == 0xC0:
            return "nil"
        if b == 0xC2 or b == 0xC3:
            self.bval = b == 0xC3
            return "bool"
        if b <= 0xC6:
            if b == 0xC1:
                self.fail("InvalidValue", "0xc1 is never used")
            self.length = mv[p] if b == 0xC4 else (_H if b == 0xC5 else _I).unpack_from(mv, p)[0]
            return "bin"
        if b == 0xCA:
            self.fval = _f.unpack_from(mv, p)[0]
            return "float32"
        if b == 0xCB:
            self.fval = _d.unpack_from(mv, p)[0]
            return "float64"
        if 0xCC <= b <= 0xD3:
            st = (_B, _H, _I, _Q, _b, _h, _i, _q)[b - 0xCC]
            self.ival = st.unpack_from(mv, p)[0]
            return "int"
        if 0xD9 <= b <= 0xDB:
            self.length = mv[p] if b == 0xD9 else (_H if b == 0xDA else _I).unpack_from(mv, p)[0]
            return "str"
        if b == 0xDC or b == 0xDD:
            self.length = (_H if b == 0xDC else _I).unpack_from(mv, p)[0]
            return "array"
        if b == 0xDE or b == 0xDF:
            self.length = (_H if b == 0xDE else _I).unpack_from(mv, p)[0]
            return "map"
        ext = _b.unpack_from(mv, at + size - 1)[0]
        self.fail("UnsupportedExt", f"{format_name(b)} (ext type {ext}): VMP has no ext types")

    def _payload(self) -> int:
        at = self.pos
        left = self.n - at
        if self.length > left:
            self.fail(
                "Truncated",
                f"{format_name(self.mv[self.start])} declares {self.length} bytes, {left} remain",
            )
        self.pos = at + self.length
        return at

    def string(self) -> str:
        at = self._payload()
        try:
            return str(self.mv[at : self.pos], "utf-8")
        except UnicodeDecodeError:
            self.fail(
                "InvalidUtf8",
                f"{format_name(self.mv[self.start])} of {self.pos - at} bytes is not valid UTF-8",
            )

    def bin_view(self) -> memoryview:
        """The payload of the bin just read, as a view of the frame."""
        at = self._payload()
        return self.mv[at : self.pos]

    def binary(self) -> bytes:
        """The payload of the bin just read, as bytes."""
        at = self._payload()
        return self.mv[at : self.pos].tobytes()

    def key(self) -> str:
        """Reads a map key: a str item (``NonStringKey`` otherwise)."""
        at = self.start = self.pos
        if at >= self.n:
            self.fail("Truncated", "the input ends where a value should start")
        b = self.mv[at]
        if 0xA0 <= b <= 0xBF or 0xD9 <= b <= 0xDB:
            self.next()
            return self.string()
        size = _header_size(b)
        if at + size > self.n:
            self.fail("Truncated", f"{format_name(b)} header needs {size} bytes, {self.n - at} remain")
        self.fail("NonStringKey", f"map keys must be str, found {format_name(b)}")

    def enter(self) -> None:
        if self.depth >= MAX_DEPTH:
            self.fail("DepthExceeded", f"more than {MAX_DEPTH} nested containers")

    def float_bits(self) -> int:
        """The raw bits of the float whose header ``next`` just read."""
        if self.mv[self.start] == 0xCB:
            return int(_Q.unpack_from(self.mv, self.start + 1)[0])
        return int(_I.unpack_from(self.mv, self.start + 1)[0])

    def skip(self, kind: str) -> None:
        """Skips the item just announced by ``next``, checking it as reading it would."""
        if kind == "str":
            self.string()
        elif kind == "bin":
            self._payload()
        elif kind == "array":
            n = self.length
            self.enter()
            at = self.depth
            self.depth = at + 1
            for i in range(n):
                self.set_seg(at, i)
                self.skip(self.next())
            self.depth = at
        elif kind == "map":
            n = self.length
            self.enter()
            at = self.depth
            keys: set[str] = set()
            for _ in range(n):
                self.depth = at
                key = self.key()
                if key in keys:
                    self.duplicate(key)
                keys.add(key)
                self.set_seg(at, key)
                self.depth = at + 1
                self.skip(self.next())
            self.depth = at

    def duplicate(self, key: str) -> NoReturn:
        self.fail("DuplicateKey", f"duplicate map key {json.dumps(key, ensure_ascii=False)}")

    def finish(self) -> None:
        left = self.n - self.pos
        if left > 0:
            self.fail("TrailingBytes", f"{left} byte{'' if left == 1 else 's'} after the value", self.pos)


def schema_error(r: Reader, kind: ErrorKind, reason: str, field: str | None = None) -> NoReturn:
    """A schema error at the reader's current path (no offset, as the reference validator reports them)."""
    path = r.path()
    if field is not None:
        path.append(field)
    raise make_error(kind, reason, path)


__all__ = ["MAX_DEPTH", "Reader", "VmpError", "Writer", "format_name", "schema_error"]
