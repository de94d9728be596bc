"""Typed JSON (conformance/VECTORS.md) and the Python binding's native values, both ways: the binding's part of
the testee's job, a port of the TypeScript testee's mapping.

Decoded values are reported in canonical form, driven by the type's descriptor: an integer field gives an integer,
a float field a float of the field's width, a free-form value keeps what lossless decoding kept (``Float32``,
``VmpFloat`` bits, dict order). Values to encode are built the way a user builds them: ints, floats, ``Float32``,
``VmpFloat`` where a float cannot say the bits, dicts for records and maps, ``bytes``, numpy arrays and the ZData
classes.
"""

from __future__ import annotations

import json
import math
import re
import struct
from typing import Any

import numpy as np
from vmp_protocol import UNSET, Float32, OpaqueZData, Safetensors, VmpError, VmpFloat, ZImage

# Descriptors and ZData internals the mapping walks; they are not part of the package's public API.
from vmp_protocol._runtime.schema import NamedDesc, RecordDesc, TypeDesc, UnionDesc, resolve
from vmp_protocol._runtime.value import widen_bits
from vmp_protocol._runtime.zdata import (
    FIELDS,
    WideEmptyArray,
    array_payload,
    is_torch_tensor,
    read_known_zdata,
)

Json = Any
"""A JSON value (typed JSON, conformance/VECTORS.md)."""

QUIET_NAN = {64: 0x7FF8000000000000, 32: 0x7FC00000}
NEEDS_MAP_FORM = re.compile(r"^(?:\$|(?:0|[1-9][0-9]*)$)")
SPECIAL = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf, "-0": -0.0}
CANONICAL_ZTYPES = ("numpy.ndarray", "torch.Tensor", "image", "safetensor.dict")


class BadRequest(Exception):
    """A request the testee cannot make sense of (answered as ``BadRequest``)."""


# -----------------------------------------------------------------------------------------------------------
# Typed JSON.


def int_json(v: int) -> Json:
    return v if -(2**53 - 1) <= v <= 2**53 - 1 else {"$int": str(v)}


def float_bits(v: float, width: int) -> int:
    if math.isnan(v):
        return QUIET_NAN[width]
    if width == 64:
        return int(struct.unpack(">Q", struct.pack(">d", v))[0])
    return int(struct.unpack(">I", struct.pack(">f", v))[0])


def float_json(width: int, bits: int) -> Json:
    """A float of ``width`` with exactly these bits, in the shortest typed JSON."""
    n = VmpFloat(64 if width == 64 else 32, bits).value
    if math.isnan(n) and bits != QUIET_NAN[width]:
        return {"$f64bits": f"{bits:016x}"} if width == 64 else {"$f32bits": f"{bits:08x}"}
    if n == 0 and math.copysign(1.0, n) < 0:
        body: Json = "-0"
    elif math.isfinite(n):
        body = int(n) if n.is_integer() and abs(n) < 2**53 else n
    else:
        body = "NaN" if math.isnan(n) else ("Infinity" if n > 0 else "-Infinity")
    return {"$f64": body} if width == 64 else {"$f32": body}


def map_json(entries: list[tuple[str, Json]]) -> Json:
    if any(NEEDS_MAP_FORM.match(k) for k, _ in entries):
        return {"$map": [[k, v] for k, v in entries]}
    return dict(entries)


def map_entries(j: Json) -> list[tuple[str, Json]] | None:
    """The entries of a typed-JSON map (a plain object or ``$map``), or None when ``j`` is not one."""
    if not isinstance(j, dict):
        return None
    keys = list(j)
    if keys == ["$map"]:
        body = j["$map"]
        if not isinstance(body, list):
            raise BadRequest("$map takes [key, value] pairs")
        out = []
        for pair in body:
            if not isinstance(pair, list) or len(pair) != 2 or not isinstance(pair[0], str):
                raise BadRequest("$map takes [key, value] pairs")
            out.append((pair[0], pair[1]))
        return out
    if len(keys) == 1 and keys[0].startswith("$"):
        return None
    return list(j.items())


def tag_of(j: Json) -> tuple[str, Json] | None:
    if isinstance(j, dict) and len(j) == 1:
        (k,) = j
        if k.startswith("$") and k != "$map":
            return k, j[k]
    return None


# -----------------------------------------------------------------------------------------------------------
# Native values to typed JSON (decode).


def is_zdata(v: object) -> bool:
    return isinstance(v, np.ndarray | ZImage | Safetensors | OpaqueZData | WideEmptyArray) or is_torch_tensor(
        v
    )


def to_json(v: Any, t: TypeDesc | NamedDesc) -> Json:
    """The typed JSON of a value the binding decoded as ``t``, in canonical form."""
    d = resolve(t)
    kind = d.kind
    if kind == "int":
        return int_json(v) if isinstance(v, int) and not isinstance(v, bool) else free(v)
    if kind == "float":
        width = d.width  # type: ignore[union-attr]
        if isinstance(v, VmpFloat):
            if v.width == width:
                return float_json(v.width, v.bits)
            if width == 64:
                return float_json(64, widen_bits(v.bits))
            return float_json(32, float_bits(v.value, 32))
        if isinstance(v, float | int) and not isinstance(v, bool):
            return float_json(width, float_bits(float(v), width))
        return free(v)
    if kind == "array":
        return [to_json(x, d.items) for x in v] if isinstance(v, list | tuple) else free(v)  # type: ignore[union-attr]
    if kind == "map":
        if isinstance(v, dict):
            return map_json([(str(k), to_json(x, d.values)) for k, x in v.items() if x is not UNSET])  # type: ignore[union-attr]
        return free(v)
    if kind == "nullable":
        return None if v is None else to_json(v, d.inner)  # type: ignore[union-attr]
    if kind == "record":
        return zdata_json(v) if is_zdata(v) else record_json(v, d)  # type: ignore[arg-type]
    if kind == "union":
        u: UnionDesc = d  # type: ignore[assignment]
        tag = v.get(u.tag) if isinstance(v, dict) else getattr(v, u.tag, None)
        variant = u.variants.get(tag) if isinstance(tag, str) else None
        return free(v) if variant is None else to_json(v, variant())
    return free(v)


def record_json(v: Any, d: RecordDesc) -> Json:
    """Declared fields in declaration order, then the rest (an open record's extra fields) in producer order."""
    if isinstance(v, dict):
        values = v
    elif hasattr(v, "__dataclass_fields__"):
        values = {f.name: getattr(v, f.attr) for f in d.fields}
        values.update(getattr(v, "extra", None) or {})
    else:
        return free(v)
    declared = {f.name for f in d.fields}
    out: list[tuple[str, Json]] = []
    for f in d.fields:
        if f.name in values and values[f.name] is not UNSET:
            out.append((f.name, to_json(values[f.name], f.type)))
    for k, x in values.items():
        if k not in declared and x is not UNSET:
            out.append((str(k), free(x)))
    return map_json(out)


def free(v: Any) -> Json:
    """A free-form value as lossless decoding keeps it."""
    if v is None or v is UNSET:
        return None
    if isinstance(v, bool | str):
        return v
    if isinstance(v, int):
        return int_json(v)
    if isinstance(v, Float32):
        return float_json(32, float_bits(float(v), 32))
    if isinstance(v, float):
        return float_json(64, float_bits(v, 64))
    if isinstance(v, VmpFloat):
        return float_json(v.width, v.bits)
    if isinstance(v, bytes | bytearray | memoryview):
        return {"$bin": bytes(v).hex()}
    if is_zdata(v):
        return zdata_json(v)
    if isinstance(v, list | tuple):
        return [free(x) for x in v]
    if isinstance(v, dict):
        return map_json([(str(k), free(x)) for k, x in v.items() if x is not UNSET])
    raise TypeError(f"a decoded {type(v).__name__} has no typed JSON")


def zdata_json(z: Any) -> Json:
    """A ZData instance as its canonical map (spec §7)."""
    if isinstance(z, ZImage):
        entries: list[tuple[str, Json]] = [("ztype", "image"), ("b", {"$bin": z.data.hex()})]
        if z.format_entry is not None:
            entries.append(("format", z.format_entry))
        return map_json(entries)
    if isinstance(z, Safetensors):
        return map_json([("ztype", "safetensor.dict"), ("b", {"$bin": bytes(z.data).hex()})])
    if isinstance(z, OpaqueZData):
        return free(dict(z.entries))
    ztype, dtype, shape, data = array_payload(z, [])
    return map_json(
        [
            ("ztype", ztype),
            ("b", {"$bin": bytes(data).hex()}),
            ("dtype", dtype),
            ("shape", [int_json(n) for n in shape]),
        ]
    )


# -----------------------------------------------------------------------------------------------------------
# Typed JSON to native values (encode).


def from_json(j: Json, t: TypeDesc | NamedDesc) -> Any:
    """A typed-JSON value as the binding's native value of type ``t``."""
    d = resolve(t)
    kind = d.kind
    if kind == "int":
        return native_free(j)
    if kind == "float":
        f = native_free(j)
        # A typed float field says its width: a plain float is enough unless NaN bits must survive.
        if isinstance(f, VmpFloat) and not (math.isnan(f.value) and f.bits != QUIET_NAN[f.width]):
            return f.value
        if isinstance(f, Float32):
            return float(f)
        return f
    if kind == "array":
        return [from_json(x, d.items) for x in j] if isinstance(j, list) else native_free(j)  # type: ignore[union-attr]
    if kind == "map":
        entries = map_entries(j)
        return native_free(j) if entries is None else {k: from_json(x, d.values) for k, x in entries}  # type: ignore[union-attr]
    if kind == "nullable":
        return None if j is None else from_json(j, d.inner)  # type: ignore[union-attr]
    if kind == "record":
        r: RecordDesc = d  # type: ignore[assignment]
        entries = map_entries(j)
        if entries is None:
            return native_free(j)
        if r.ztype is not None:
            return native_zdata(entries)
        types = {f.name: f.type for f in r.fields}
        return {k: from_json(x, types[k]) if k in types else native_free(x) for k, x in entries}
    if kind == "union":
        u: UnionDesc = d  # type: ignore[assignment]
        tag = dict(map_entries(j) or []).get(u.tag)
        variant = u.variants.get(tag) if isinstance(tag, str) else None
        return native_free(j) if variant is None else from_json(j, variant())
    return native_free(j)


def native_free(j: Json) -> Any:
    """A free-form typed-JSON value as lossless decoding would hold it."""
    if j is None or isinstance(j, bool | str):
        return j
    if isinstance(j, int):
        return j
    if isinstance(j, float):
        raise BadRequest(f'{j} is not a typed-JSON integer (floats are {{"$f64": …}})')
    if isinstance(j, list):
        return [native_free(x) for x in j]
    tag = tag_of(j)
    if tag is not None:
        return native_tag(*tag)
    entries = map_entries(j)
    if entries is None:
        raise BadRequest(f"not typed JSON: {json.dumps(j)[:60]}")
    if any(k == "ztype" and isinstance(x, str) for k, x in entries):
        return native_zdata(entries)
    return {k: native_free(x) for k, x in entries}


def native_tag(tag: str, body: Json) -> Any:
    def number() -> float:
        if isinstance(body, int | float) and not isinstance(body, bool):
            return float(body)
        if isinstance(body, str) and body in SPECIAL:
            return SPECIAL[body]
        raise BadRequest(f'{tag} takes a number or "NaN", "Infinity", "-Infinity", "-0"')

    def bits(digits: int) -> int:
        if not isinstance(body, str) or not re.fullmatch(f"[0-9a-f]{{{digits}}}", body):
            raise BadRequest(f"{tag} takes {digits} hex digits")
        return int(body, 16)

    if tag == "$int":
        if not isinstance(body, str) or not re.fullmatch(r"-?(?:0|[1-9][0-9]*)", body):
            raise BadRequest("$int takes a decimal string")
        return int(body)
    if tag == "$f64":
        return number()
    if tag == "$f32":
        return Float32(number())
    if tag == "$f64bits":
        return VmpFloat(64, bits(16))
    if tag == "$f32bits":
        return VmpFloat(32, bits(8))
    if tag == "$bin":
        if not isinstance(body, str) or not re.fullmatch(r"(?:[0-9a-fA-F]{2})*", body):
            raise BadRequest("$bin must be hex")
        return bytes.fromhex(body)
    raise BadRequest(f"unknown typed-JSON tag {json.dumps(tag)}")


def native_zdata(entries: list[tuple[str, Json]]) -> Any:
    """A ZData map (its typed-JSON entries) as the value a user would build: an array, a ZImage, ..."""
    fields = {k: native_free(x) for k, x in entries}
    ztype = fields.get("ztype")
    assert isinstance(ztype, str)
    if (
        ztype in CANONICAL_ZTYPES
        and all(k in FIELDS[ztype] for k in fields)
        and isinstance(fields.get("b"), bytes)
    ):
        try:
            known = read_known_zdata(
                ztype, {k: memoryview(x) if k == "b" else x for k, x in fields.items()}, copy=True
            )
            if known is not None:
                return known
        except VmpError:
            pass
    return OpaqueZData(ztype, fields)
