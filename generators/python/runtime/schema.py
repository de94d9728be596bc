"""Type descriptors: the spec's types as runtime data.

The generated ``schema.py`` of the package declares one descriptor per named type of the spec; the codec, the
JSON form and validation walk them. They mirror the toolchain's IR (core/src/ir/types.ts) and the TypeScript
runtime's descriptors (generators/typescript/runtime/schema.ts), reduced to what the runtime needs.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True, slots=True)
class IntType:
    """An integer in ``[min, max]`` (the wire type's range, or narrower)."""

    min: int
    max: int
    kind: Literal["int"] = "int"


@dataclass(frozen=True, slots=True)
class FloatType:
    width: Literal[32, 64]
    kind: Literal["float"] = "float"


@dataclass(frozen=True, slots=True)
class StringType:
    const: str | None = None
    enum: tuple[str, ...] | None = None
    pattern: re.Pattern[str] | None = None
    min_length: int | None = None
    max_length: int | None = None
    kind: Literal["string"] = "string"


@dataclass(frozen=True, slots=True)
class BoolType:
    kind: Literal["bool"] = "bool"


@dataclass(frozen=True, slots=True)
class NullType:
    kind: Literal["null"] = "null"


@dataclass(frozen=True, slots=True)
class BytesType:
    """Raw bytes: ``bytes`` in memory, ``bin`` on the wire, ``{"__bytes__": base64}`` in the JSON form."""

    kind: Literal["bytes"] = "bytes"


@dataclass(frozen=True, slots=True)
class AnyType:
    """Any VMP value, kept as sent (free-form)."""

    kind: Literal["any"] = "any"


@dataclass(frozen=True, slots=True)
class ZDataType:
    kind: Literal["zdata"] = "zdata"


@dataclass(frozen=True, slots=True)
class NdArrayType:
    """A typed array (SPEC §7.11): a numpy array whose dtype is one of ``dtypes`` (None: any) and whose shape matches
    ``shape`` (None: any shape; a None entry is any size on that axis)."""

    dtypes: tuple[str, ...] | None = None
    shape: tuple[int | None, ...] | None = None
    kind: Literal["ndarray"] = "ndarray"


@dataclass(frozen=True, slots=True)
class ArrayType:
    items: TypeDesc
    min_items: int | None = None
    max_items: int | None = None
    kind: Literal["array"] = "array"


@dataclass(frozen=True, slots=True)
class MapType:
    values: TypeDesc
    kind: Literal["map"] = "map"


@dataclass(frozen=True, slots=True)
class NullableType:
    inner: TypeDesc
    kind: Literal["nullable"] = "nullable"


@dataclass(frozen=True, slots=True)
class RefType:
    """A named type, reached through a thunk so that recursive types can be declared in any order."""

    name: str
    get: Callable[[], NamedDesc] = field(compare=False, repr=False)
    kind: Literal["ref"] = "ref"


TypeDesc = (
    IntType
    | FloatType
    | StringType
    | BoolType
    | NullType
    | BytesType
    | AnyType
    | ZDataType
    | NdArrayType
    | ArrayType
    | MapType
    | NullableType
    | RefType
)


@dataclass(frozen=True, slots=True)
class FieldDesc:
    name: str
    """The wire name."""
    attr: str
    """The Python attribute name (snake_case, keyword-safe) on the generated dataclass."""
    type: TypeDesc
    required: bool


@dataclass(frozen=True, slots=True)
class EventInfo:
    envelope: str
    etype: str | None = None
    etype_pattern: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class RecordDesc:
    """A record: fields in wire order."""

    name: str
    fields: tuple[FieldDesc, ...]
    open: bool
    """Open records keep unknown fields (as free-form values, after the declared ones)."""
    ztype: str | None = None
    """Set when the record is a ZData variant (``numpy.ndarray``, ...)."""
    event: EventInfo | None = None
    """Set when the record is a message type."""
    cls: Callable[[], type] | None = field(default=None, compare=False, repr=False)
    """The generated dataclass (a thunk, since schema.py is imported by types.py's users, not the reverse)."""
    kind: Literal["record"] = "record"


@dataclass(frozen=True, slots=True)
class UnionDesc:
    """A tagged union: the variant is chosen by the string const at ``tag``."""

    name: str
    tag: str
    variants: dict[str, Callable[[], RecordDesc]] = field(compare=False)
    kind: Literal["union"] = "union"


@dataclass(frozen=True, slots=True)
class AliasDesc:
    """A named alias of another type (``Timestamp``, ``Dtype``, ...)."""

    name: str
    type: TypeDesc
    kind: Literal["alias"] = "alias"


NamedDesc = RecordDesc | UnionDesc | AliasDesc

Desc = TypeDesc | NamedDesc
"""What the codec's entry points take: a type descriptor or a named one."""


def resolve(t: TypeDesc | NamedDesc) -> TypeDesc | RecordDesc | UnionDesc:
    """Follows refs and aliases until a record, a union or a non-ref type is reached."""
    cur: TypeDesc | NamedDesc = t
    while True:
        if isinstance(cur, RefType):
            cur = cur.get()
        elif isinstance(cur, AliasDesc):
            cur = cur.type
        else:
            return cur


def string_problem(t: StringType, s: str) -> str | None:
    """Why ``s`` fails the constraints of ``t``, or None. Lengths count code points, as JSON Schema does."""
    if t.const is not None and s != t.const:
        return f"expected {json.dumps(t.const, ensure_ascii=False)}, got {json.dumps(s, ensure_ascii=False)}"
    if t.enum is not None and s not in t.enum:
        options = ", ".join(json.dumps(x, ensure_ascii=False) for x in t.enum)
        return f"expected one of {options}, got {json.dumps(s, ensure_ascii=False)}"
    if t.pattern is not None and t.pattern.search(s) is None:
        return f"{json.dumps(s, ensure_ascii=False)} does not match {t.pattern.pattern}"
    if t.min_length is not None and len(s) < t.min_length:
        return f"expected at least {t.min_length} characters, got {len(s)}"
    if t.max_length is not None and len(s) > t.max_length:
        return f"expected at most {t.max_length} characters, got {len(s)}"
    return None


def count_problem(t: ArrayType, n: int) -> str | None:
    """Why an array of ``n`` items fails the item-count constraints of ``t``, or None."""
    if t.min_items is not None and n < t.min_items:
        return f"expected at least {t.min_items} items, got {n}"
    if t.max_items is not None and n > t.max_items:
        return f"expected at most {t.max_items} items, got {n}"
    return None


def tag_of(v: Any, tag: str) -> Any:
    """The value of a dataclass's field whose wire name is ``tag`` (a union's tag, read from a record)."""
    for f in dataclasses.fields(v):
        if f.name == tag or f.metadata.get("wire") == tag:
            return getattr(v, f.name)
    attr = re.sub(r"(?<!^)(?=[A-Z])", "_", tag).lower()
    return getattr(v, attr, getattr(v, tag, None))
