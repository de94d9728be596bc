"""The one error taxonomy of VMP (spec §8): :class:`VmpError`, the base class of every error kind.

Every decode, encode and validation failure is a :class:`VmpError` of one of the spec's kinds (``ERROR_KINDS``,
from the spec's ``x-vmp-errors`` table). Compare errors by ``kind`` (or catch the subclass of the same name,
declared in ``vmp_protocol/errors.py``), never by message; the message names the path and what was expected, and
wire errors also give the byte offset of the item that failed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, ClassVar

from .._tables import ErrorKind

Path = Sequence[str | int]

_MAX_PRINTED_SEGMENTS = 24
_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*\Z")


def _json_string(s: str) -> str:
    # JSON.stringify's escaping: non-ASCII stays literal.
    return json.dumps(s, ensure_ascii=False)


def format_path(path: Path) -> str:
    """Prints a path as spec §8.1 says: ``data.nodes[3].b``, ``data["odd key"]``, ``(root)`` when empty."""
    if len(path) > _MAX_PRINTED_SEGMENTS:
        half = _MAX_PRINTED_SEGMENTS // 2
        tail = format_path(path[-half:])
        more = len(path) - _MAX_PRINTED_SEGMENTS
        return f"{format_path(path[:half])}…({more} more)…{'' if tail == '(root)' else tail}"
    out = ""
    for seg in path:
        if isinstance(seg, int):
            out += f"[{seg}]"
        elif _IDENTIFIER.match(seg):
            out += seg if out == "" else f".{seg}"
        else:
            out += f"[{_json_string(seg)}]"
    return "(root)" if out == "" else out


class VmpError(Exception):
    """A typed VMP error: what went wrong (``kind``), where (``path``) and, for wire errors, the byte offset."""

    # The subclass of each kind, filled in as vmp_protocol/errors.py declares them (``kind=`` in the class line).
    _by_kind: ClassVar[dict[str, type[VmpError]]] = {}

    kind: ErrorKind
    reason: str
    path: list[str | int]
    offset: int | None

    def __init__(self, kind: ErrorKind, reason: str, path: Path = (), offset: int | None = None) -> None:
        self.kind = kind
        self.reason = reason
        self.path = list(path)
        self.offset = offset
        where = "" if offset is None else f" (byte {offset})"
        super().__init__(f"{kind} at {format_path(self.path)}{where}: {reason}")

    def __init_subclass__(cls, kind: ErrorKind | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if kind is not None:
            VmpError._by_kind[kind] = cls

    def under(self, prefix: Path) -> VmpError:
        """The same error for a value found at ``prefix`` (its path was relative to that value)."""
        return make_error(self.kind, self.reason, [*prefix, *self.path], self.offset)

    def __reduce__(self) -> tuple[object, ...]:
        return (make_error, (self.kind, self.reason, self.path, self.offset))


def make_error(kind: ErrorKind, reason: str, path: Path = (), offset: int | None = None) -> VmpError:
    """A VmpError of the subclass named by ``kind``."""
    return VmpError._by_kind[kind](kind, reason, path, offset)
