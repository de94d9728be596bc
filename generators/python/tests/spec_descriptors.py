"""Test helper: schema.py descriptors for every ``$defs`` entry of protocol/vmp.schema.json (dict mode, cls=None).

A small, honest stand-in for the generated ``schema.py``: records from properties/required/x-vmp-open/
x-vmp-ztype/x-vmp-event, integers from x-vmp-wire ranges, floats, strings with const/enum/pattern, bytes/any/
zdata/map from x-vmp-kind, typed arrays from x-vmp-ndarray, nullable from ``oneOf [S, null]`` or ``type: [T, "null"]``, arrays, maps.
"""

from __future__ import annotations

import json
import keyword
import re
from pathlib import Path
from typing import Any

from vmp_protocol._runtime.schema import (
    AliasDesc,
    AnyType,
    ArrayType,
    BoolType,
    BytesType,
    EventInfo,
    FieldDesc,
    FloatType,
    IntType,
    MapType,
    NamedDesc,
    NdArrayType,
    NullableType,
    NullType,
    RecordDesc,
    RefType,
    StringType,
    TypeDesc,
    ZDataType,
)

WIRE = {
    "int8": (-(1 << 7), (1 << 7) - 1),
    "int16": (-(1 << 15), (1 << 15) - 1),
    "int32": (-(1 << 31), (1 << 31) - 1),
    "int64": (-(1 << 63), (1 << 63) - 1),
    "uint8": (0, (1 << 8) - 1),
    "uint16": (0, (1 << 16) - 1),
    "uint32": (0, (1 << 32) - 1),
    "uint64": (0, (1 << 64) - 1),
}


def snake(name: str) -> str:
    s = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
    return s + "_" if keyword.iskeyword(s) else s


def ecma_regex(pattern: str) -> re.Pattern[str]:
    """A JSON Schema (ECMA-262) pattern compiled for Python, as the emitter writes it: outside a character class,
    ``.`` excludes every line terminator and ``$`` is the end of the input."""
    out, in_class, i = [], False, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]"
            out.append(c)
        elif c == "[":
            in_class = True
            out.append(c)
        elif c == ".":
            out.append("[^\\n\\r\\u2028\\u2029]")
        elif c == "$":
            out.append("\\Z")
        else:
            out.append(c)
        i += 1
    return re.compile("".join(out))


class Catalogue:
    def __init__(self, path: Path) -> None:
        self.schema = json.loads(path.read_text())
        self.named: dict[str, NamedDesc] = {}
        self._anon = 0
        for name, node in self.schema["$defs"].items():
            self.named[name] = self.named_desc(name, node)

    def ref(self, name: str) -> RefType:
        return RefType(name, lambda: self.named[name])

    def is_record(self, node: dict[str, Any]) -> bool:
        return node.get("type") == "object" and "x-vmp-kind" not in node and "properties" in node

    def named_desc(self, name: str, node: dict[str, Any]) -> NamedDesc:
        if self.is_record(node):
            return self.record(name, node)
        return AliasDesc(name, self.type(node))

    def record(self, name: str, node: dict[str, Any]) -> RecordDesc:
        required = set(node.get("required", []))
        fields = tuple(
            FieldDesc(name=k, attr=snake(k), type=self.type(v), required=k in required)
            for k, v in node["properties"].items()
        )
        event = None
        ev = node.get("x-vmp-event")
        if ev is not None:
            et = node["properties"].get("etype", {})
            pat = et.get("pattern")
            event = EventInfo(
                envelope=ev["envelope"],
                etype=et.get("const"),
                etype_pattern=ecma_regex(pat) if pat is not None and "const" not in et else None,
            )
        return RecordDesc(
            name=name,
            fields=fields,
            open=bool(node.get("x-vmp-open", False)),
            ztype=node.get("x-vmp-ztype"),
            event=event,
        )

    def type(self, node: dict[str, Any]) -> TypeDesc:
        if "x-vmp-ndarray" in node:
            nd = node["x-vmp-ndarray"]
            return NdArrayType(
                dtypes=tuple(nd["dtype"]) if "dtype" in nd else None,
                shape=tuple(nd["shape"]) if "shape" in nd else None,
            )
        if "$ref" in node:
            return self.ref(node["$ref"].rsplit("/", 1)[1])
        kind = node.get("x-vmp-kind")
        if kind == "bytes":
            return BytesType()
        if kind == "any":
            return AnyType()
        if kind == "zdata":
            return ZDataType()
        if kind == "map":
            return MapType(self.type(node.get("additionalProperties", {"x-vmp-kind": "any"})))
        if "oneOf" in node:
            branches = node["oneOf"]
            non_null = [b for b in branches if b.get("type") != "null"]
            assert len(non_null) == 1 and len(branches) == 2, node
            return NullableType(self.type(non_null[0]))
        t = node.get("type")
        if isinstance(t, list):
            rest = [x for x in t if x != "null"]
            assert len(rest) == 1
            return NullableType(self.type({**node, "type": rest[0]}))
        if t == "integer":
            lo, hi = WIRE[node.get("x-vmp-wire", "int64")]
            lo = max(lo, node.get("minimum", lo))
            hi = min(hi, node.get("maximum", hi))
            return IntType(lo, hi)
        if t == "number":
            return FloatType(32 if node.get("x-vmp-wire") == "float32" else 64)
        if t == "string":
            pat = node.get("pattern")
            enum = node.get("enum")
            return StringType(
                const=node.get("const"),
                enum=tuple(enum) if enum is not None else None,
                pattern=ecma_regex(pat) if pat is not None else None,
                min_length=node.get("minLength"),
                max_length=node.get("maxLength"),
            )
        if t == "boolean":
            return BoolType()
        if t == "null":
            return NullType()
        if t == "array":
            return ArrayType(
                self.type(node.get("items", {"x-vmp-kind": "any"})),
                min_items=node.get("minItems"),
                max_items=node.get("maxItems"),
            )
        if t == "object":
            if "properties" in node:
                self._anon += 1
                name = f"_Anon{self._anon}"
                self.named[name] = self.record(name, node)
                return self.ref(name)
            return MapType(self.type(node.get("additionalProperties", {"x-vmp-kind": "any"})))
        if t is None and not node:
            return AnyType()
        raise ValueError(f"unsupported schema node {node}")

    def messages(self) -> tuple[RecordDesc, ...]:
        return tuple(d for d in self.named.values() if isinstance(d, RecordDesc) and d.event is not None)
