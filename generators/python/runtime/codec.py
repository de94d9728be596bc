"""The codec's entry points: ``encode``, ``encode_into``, ``decode`` (schema-directed), ``encode_value``,
``decode_value`` (free-form) and message selection (spec §4.6).

Decoding validates as it reads (readers.py) and encoding writes the canonical bytes (writers.py); the fast
paths on msgspec's C codec (fast_decode.py, fast_encode.py) take the frames and values they can vouch for.

Relay guarantee (spec §10): for canonical bytes ``B`` of a value read as ``T``,
``encode(T, decode(T, B, lossless=True)) == B``.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from . import fast
from .errors import VmpError, make_error
from .fast_decode import MAX_FRAME as FAST_MAX_FRAME
from .fast_decode import decode_fast
from .fast_encode import encode_fast
from .free_form import read_any, write_any
from .readers import reader_of
from .schema import Desc, RecordDesc
from .value import UNSET
from .wire import Reader, Writer
from .writers import writer_of

# Decoding and encoding recurse once or twice per container level; 512 levels need more than CPython's default
# limit of 1000 frames. Raised once (Python frames no longer use the C stack from 3.11 on).
_RECURSION: Final = 4000


def _ensure_recursion() -> None:
    if sys.getrecursionlimit() < _RECURSION:
        sys.setrecursionlimit(_RECURSION)


def encode(desc: Desc, value: Any) -> bytes:
    """Encodes ``value`` as ``desc``, canonically; a VmpError (with the path) for a value ``desc`` does not admit."""
    if fast.AVAILABLE:
        try:
            return encode_fast(desc, value)
        except fast.Fallback:
            pass
    _ensure_recursion()
    w = Writer()
    writer_of(desc)(w, value)
    return w.getvalue()


def encode_into(desc: Desc, value: Any, buf: bytearray, offset: int = 0) -> int:
    """Encodes ``value`` as ``desc`` (as :func:`encode` does) into ``buf`` at ``offset``; returns the frame's length.

    ``buf`` ends right after the frame (grown or cut to ``offset`` + length); bytes before ``offset`` are kept.
    Reusing one ``bytearray`` across frames avoids allocating (and faulting in) a fresh buffer per frame, which is
    what big tensor frames cost with :func:`encode`. On a VmpError ``buf`` is left unchanged.
    """
    if not isinstance(buf, bytearray):
        raise TypeError(f"encode_into needs a bytearray, got {type(buf).__qualname__}")
    _ensure_recursion()
    w = Writer()
    writer_of(desc)(w, value)
    return w.write_into(buf, offset)


def encode_value(value: Any) -> bytes:
    """Encodes a free-form value (type ``any``) canonically."""
    _ensure_recursion()
    w = Writer()
    if value is UNSET:
        w.fail("WrongType", "UNSET has no VMP form (use None)")
    write_any(w, value)
    return w.getvalue()


def _decode_with(data: bytes | bytearray | memoryview, read: Callable[[Reader], Any], **options: bool) -> Any:
    _ensure_recursion()
    r = Reader(data, **options)
    try:
        v = read(r)
        r.finish()
        return v
    except VmpError as e:
        # Spec §8.1: wire errors before schema errors. A schema error (no offset) may sit before a wire error
        # further on: the frame is scanned, and a wire error found there wins. Valid frames never pay for this.
        if e.offset is None:
            scan = Reader(data)
            scan.skip(scan.next())
            scan.finish()
        raise


def decode(
    desc: Desc,
    data: bytes | bytearray | memoryview,
    *,
    lossless: bool = False,
    strict_ztype: bool = False,
    copy: bool = False,
    as_dict: bool = False,
) -> Any:
    """Decodes one frame as ``desc``, validating it.

    ``lossless``: free-form float32 stays :class:`Float32` and NaN payloads :class:`VmpFloat` (what a relay
    needs). ``strict_ztype``: an unknown ztype is ``UnknownZType``. ``copy``: arrays are writable copies instead
    of read-only views of ``data``. ``as_dict``: records as dicts keyed by wire name instead of dataclasses.
    """
    if not lossless and fast.AVAILABLE and len(data) <= FAST_MAX_FRAME:
        try:
            return decode_fast(desc, data, copy, as_dict)
        except fast.Fallback:
            pass
    read = reader_of(desc)
    return _decode_with(
        data,
        lambda r: read(r, r.next()),
        lossless=lossless,
        strict_ztype=strict_ztype,
        copy=copy,
        as_dict=as_dict,
    )


def decode_value(
    data: bytes | bytearray | memoryview,
    *,
    lossless: bool = False,
    strict_ztype: bool = False,
    copy: bool = False,
) -> Any:
    """Decodes one frame as a free-form value (type ``any``); ``lossless=True`` for a relay."""
    return _decode_with(
        data, lambda r: read_any(r, r.next()), lossless=lossless, strict_ztype=strict_ztype, copy=copy
    )


# -- message selection (spec §4.6) -----------------------------------------------------------------------------

_RESPONSE: Final = re.compile(r"^(.+)_RESPONSE@(.+)\Z", re.DOTALL)


class _Catalogue:
    __slots__ = ("by_etype", "message", "patterned", "rpc_response")

    def __init__(self, messages: Sequence[RecordDesc]) -> None:
        events = [m for m in messages if m.event is not None and m.event.envelope != m.name]
        self.by_etype = {
            m.event.etype: m for m in events if m.event is not None and m.event.etype is not None
        }
        self.patterned = [
            m
            for m in events
            if m.event is not None and m.event.etype is None and m.event.etype_pattern is not None
        ]
        self.rpc_response = next((m for m in messages if m.name == "RpcResponse"), None)
        self.message = next((m for m in messages if m.name == "Message"), None)


_catalogues: dict[int, tuple[object, _Catalogue]] = {}


def _catalogue(messages: Sequence[RecordDesc]) -> _Catalogue:
    hit = _catalogues.get(id(messages))
    if hit is not None and hit[0] is messages:
        return hit[1]
    c = _Catalogue(messages)
    if isinstance(messages, tuple):
        _catalogues[id(messages)] = (messages, c)
    return c


def select_message(value_or_bytes: Any, messages: Sequence[RecordDesc]) -> RecordDesc:
    """The message type of a frame (bytes) or of a decoded message (spec §4.6); for a spec without ``Message``, an
    etype no type of the spec has is ``InvalidValue`` at ``etype``."""
    if isinstance(value_or_bytes, bytes | bytearray | memoryview):
        etype, has_ok = _scan_message(value_or_bytes)
    else:
        etype, has_ok = _inspect_message(value_or_bytes)
    c = _catalogue(messages)
    exact = c.by_etype.get(etype)
    if exact is not None:
        return exact
    for m in c.patterned:
        assert m.event is not None and m.event.etype_pattern is not None
        if m.event.etype_pattern.search(etype):
            return m
    fallback = c.rpc_response if _RESPONSE.match(etype) or has_ok else None
    if fallback is None:
        fallback = c.message
    if fallback is None:
        raise make_error("InvalidValue", f"no message type of the spec has the etype {etype!r}", ["etype"])
    return fallback


def decode_message(
    data: bytes | bytearray | memoryview, messages: Sequence[RecordDesc], **options: bool
) -> tuple[RecordDesc, Any]:
    """Selects the message type of a frame and decodes the frame as that type."""
    try:
        desc = select_message(data, messages)
    except VmpError as e:
        if (
            e.offset is None
        ):  # a selection (schema) error: a wire error anywhere in the frame comes first (spec §8.1)
            _decode_with(data, lambda r: r.skip(r.next()))
        raise
    return desc, decode(desc, data, **options)


def _scan_message(data: bytes | bytearray | memoryview) -> tuple[str, bool]:
    r = Reader(data)
    kind = r.next()
    if kind != "map":
        raise make_error("WrongType", f"a message is a map, got {kind}")
    n = r.length
    r.enter()
    etype: Any = None
    has_ok = False
    keys: set[str] = set()
    for _ in range(n):
        r.depth = 0
        key = r.key()
        if key in keys:
            r.duplicate(key)
        keys.add(key)
        r.set_seg(0, key)
        r.depth = 1
        k = r.next()
        if key == "etype" and k == "str":
            etype = r.string()
        else:
            r.skip(k)
        if key == "ok":
            has_ok = True
    r.depth = 0
    r.finish()
    return _check_etype(etype, "etype" in keys), has_ok


def _inspect_message(value: Any) -> tuple[str, bool]:
    if isinstance(value, Mapping):
        present = "etype" in value and value["etype"] is not UNSET
        etype = value.get("etype")
        ok = value.get("ok", UNSET)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        etype = getattr(value, "etype", UNSET)
        present = etype is not UNSET
        ok = getattr(value, "ok", UNSET)
    else:
        raise make_error("WrongType", "a message is a map")
    return _check_etype(etype, present), ok is not UNSET


def _check_etype(etype: Any, present: bool) -> str:
    if not present:
        raise make_error("MissingField", "a message needs an etype", ["etype"])
    if not isinstance(etype, str):
        raise make_error("WrongType", "etype must be a string", ["etype"])
    return etype
