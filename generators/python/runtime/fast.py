"""The fast paths of the codec: what fast_decode.py and fast_encode.py share.

Both paths run on msgspec's C MessagePack codec (untyped: plain dicts, lists, str, int, float, bool, None,
bytes) and are only ever *conservative*: they take a frame or a value only when they can vouch that the result
is exactly what the exact reader or writer (readers.py, writers.py) would give, and raise :class:`Fallback`
otherwise; the codec then takes the exact path, which gives every error its kind, path and offset. msgspec is a
dependency of the package.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import msgspec

from .wire import MAX_DEPTH


class Fallback(Exception):
    """The fast path cannot vouch for this frame or value: take the exact reader or writer."""


FALLBACK: Final = Fallback
"""Raised as a class, so each raise gets a fresh instance: a shared instance would pile up tracebacks."""

AVAILABLE: Final = True
"""Whether the codec tries the fast paths first (tests turn it off to compare them with the exact paths)."""


def _no_ext(code: int, data: memoryview) -> Any:
    raise FALLBACK


unpack: Final[Callable[[bytes | bytearray | memoryview], Any]] = msgspec.msgpack.Decoder(
    ext_hook=_no_ext
).decode
"""Reads one frame into plain values; an ext type raises :class:`Fallback` (but see ``TIMESTAMP_HEADERS``)."""

pack: Final[Callable[[Any], bytes]] = msgspec.msgpack.Encoder().encode
"""Writes plain values in their smallest forms and floats as float64: the canonical forms (SPEC §3)."""

TIMESTAMP_HEADERS: Final = (b"\xd6\xff", b"\xd7\xff", b"\xc7\x0c\xff")
"""The headers of the timestamp ext (type -1): the C decoder turns it into a ``datetime`` instead of calling
``ext_hook``, so a frame holding one of these byte pairs anywhere is left to the exact reader (which rejects the
ext). A string or bin that merely contains them falls back too, which costs time, never correctness."""

DEPTH_LIMIT: Final = MAX_DEPTH - 8
"""Nesting is counted conservatively: a few levels of slack against the exact reader's own count."""
