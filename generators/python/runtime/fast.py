"""The msgpack fast paths of the codec: what fast_decode.py and fast_encode.py share.

Both paths run on the msgpack C extension and are only ever *conservative*: they take a frame or a value only
when they can vouch that the result is exactly what the exact reader or writer (readers.py, writers.py) would
give, and raise :class:`Fallback` otherwise; the codec then takes the exact path, which gives every error its
kind, path and offset. msgpack is optional: without it every frame takes the exact path.
"""

from __future__ import annotations

from typing import Any, Final

from .wire import MAX_DEPTH

try:
    import msgpack as _msgpack  # type: ignore[import-untyped, unused-ignore]
except ImportError:  # pragma: no cover (msgpack is optional)
    _msgpack = None  # type: ignore[assignment, unused-ignore]

msgpack: Final[Any] = _msgpack
"""The msgpack module, or None when it is not installed."""

AVAILABLE: Final = msgpack is not None

DEPTH_LIMIT: Final = MAX_DEPTH - 8
"""Nesting is counted conservatively: a few levels of slack against the exact reader's own count."""


class Fallback(Exception):
    """The fast path cannot vouch for this frame or value: take the exact reader or writer."""


FALLBACK: Final = Fallback
"""Raised as a class, so each raise gets a fresh instance: a shared instance would pile up tracebacks."""
