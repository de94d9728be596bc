"""The registry of custom ZData types (spec §7.10)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

_TYPE_NAME: Final = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+\Z")
_RESERVED: Final = frozenset({"numpy", "torch", "safetensor", "vmp", "image"})


@dataclass(frozen=True, slots=True)
class Registration:
    name: str
    encode: Callable[[Any], Mapping[str, Any]]
    """Returns the fields written after ``ztype``, in order."""
    decode: Callable[[dict[str, Any]], Any]
    """Receives the whole map (``ztype`` included), its values decoded in the decoder's mode."""
    cls: type | None = None
    match: Callable[[Any], bool] | None = None


_by_name: dict[str, Registration] = {}
_by_class: dict[type, Registration] = {}
_matchers: list[Registration] = []


def register_type(
    name: str,
    *,
    encode: Callable[[Any], Mapping[str, Any]],
    decode: Callable[[dict[str, Any]], Any],
    cls: type | None = None,
    match: Callable[[Any], bool] | None = None,
) -> Registration:
    """Registers a custom ztype (``mylib.v1.Type``). A malformed, reserved or taken name is a ValueError.

    Encoding dispatches on the value's exact class, then its nearest registered ancestor (MRO order), then the
    ``match`` predicates in registration order. Decoding looks the ztype up exactly.
    """
    if not _TYPE_NAME.match(name):
        raise ValueError(f'ztype "{name}" must be namespaced, like mylib.v1.Type')
    if name.split(".", 1)[0] in _RESERVED:
        raise ValueError(f'ztype "{name}" is in a reserved namespace')
    if name in _by_name:
        raise ValueError(f'ztype "{name}" is already registered')
    if cls is None and match is None:
        raise ValueError(f'ztype "{name}" needs a cls or a match predicate')
    if cls is not None and cls in _by_class:
        raise ValueError(f"{cls.__qualname__} is already registered as {_by_class[cls].name}")
    reg = Registration(name, encode, decode, cls, match)
    _by_name[name] = reg
    if cls is not None:
        _by_class[cls] = reg
    if match is not None:
        _matchers.append(reg)
    return reg


def unregister_type(name: str) -> bool:
    """Removes a registration (for tests and plugin reloads); False when ``name`` was not registered."""
    reg = _by_name.pop(name, None)
    if reg is None:
        return False
    if reg.cls is not None:
        _by_class.pop(reg.cls, None)
    if reg in _matchers:
        _matchers.remove(reg)
    return True


def any_registered() -> bool:
    """Whether any custom type is registered."""
    return bool(_by_name)


def registered_type(ztype: str) -> Registration | None:
    return _by_name.get(ztype)


def registration_for(value: object) -> Registration | None:
    """The registration that encodes ``value``: its class, its nearest registered ancestor, else the first match."""
    if not _by_name:
        return None
    if _by_class:
        for c in type(value).__mro__:
            reg = _by_class.get(c)
            if reg is not None:
                return reg
    for reg in _matchers:
        if reg.match is not None and reg.match(value):
            return reg
    return None
