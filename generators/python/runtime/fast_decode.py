"""A fast path for the default (not lossless) decode of canonical frames, on msgspec's C decoder (fast.py).

``decode_fast(desc, data, ...)`` returns the value :func:`codec.decode` would return, or raises :class:`Fallback`
when it cannot vouch for that; the codec then decodes with its exact reader, which gives every error its kind,
path and offset. The fast path is therefore only ever *conservative*: it accepts a frame only when

- it holds no ext type (the exact reader rejects them all: SPEC §3) and the C decoder reads it (no trailing
  bytes, valid UTF-8, no truncation), and
- re-encoding the result gives the frame back byte for byte: the frame is canonical, so it has no duplicate
  keys (a duplicate would have been dropped) and no float32 (the encoder writes float64), and
- the descriptor-driven walk below finds every value as the exact reader would (keys are str, nesting stays
  under the depth limit, ZData is a known array type with plain entries, every constraint holds).

Anything else (lossless mode, floats where an exact width matters, unknown or custom ztypes, a float in an
integer field, ...) falls back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import numpy as np

from .._tables import DTYPES
from .dtype import MAX_DIMS, storage_dtype
from .errors import VmpError
from .fast import DEPTH_LIMIT, FALLBACK, TIMESTAMP_HEADERS, Fallback, pack, unpack
from .schema import (
    AliasDesc,
    ArrayType,
    Desc,
    FloatType,
    IntType,
    MapType,
    NullableType,
    RecordDesc,
    RefType,
    StringType,
    UnionDesc,
    resolve,
    string_problem,
)
from .zdata import is_known_ztype, read_known_zdata

Conv = Callable[[Any, int, "_Ctx"], Any]

MAX_FRAME: Final = 1 << 20
"""Bigger frames take the exact reader: the C decoder would copy their payloads, where the reader keeps views."""


class _Ctx:
    __slots__ = ("as_dict", "copy")

    def __init__(self, copy: bool, as_dict: bool) -> None:
        self.copy = copy
        self.as_dict = as_dict


def decode_fast(desc: Desc, data: bytes | bytearray | memoryview, copy: bool, as_dict: bool) -> Any:
    scan = data.tobytes() if isinstance(data, memoryview) else data  # `in` on a memoryview compares items
    for header in TIMESTAMP_HEADERS:
        if header in scan:
            raise FALLBACK
    try:
        obj = unpack(data)
        again = pack(obj)
    except Fallback:
        raise
    except Exception:  # noqa: BLE001 (any defect: the exact reader reports it)
        raise FALLBACK from None
    if again != data:
        raise FALLBACK
    try:
        return converter_of(desc)(obj, 1, _Ctx(copy, as_dict))
    except Fallback:
        raise
    except (VmpError, RecursionError, TypeError, ValueError):
        raise FALLBACK from None


# -- free-form values ---------------------------------------------------------------------------------------------

_PLAIN: Final = (str, int, bool, bytes, type(None))


def _any(v: Any, depth: int, ctx: _Ctx) -> Any:
    """A free-form value as the exact reader returns it (not lossless): maps stay dicts (str keys), known
    array ZData becomes arrays; anything else ZData-like falls back. Walks with a stack, not recursion."""
    t = type(v)
    if t is dict:
        if "ztype" in v and type(v["ztype"]) is str:
            return _zdata(v, ctx)
    elif t is not list:
        return v
    # Two parallel stacks (containers, depths): no tuple per container, so the walk adds no GC-tracked garbage.
    stack: list[Any] = [v]
    depths: list[int] = [depth]
    push = stack.append
    push_depth = depths.append
    pop = stack.pop
    pop_depth = depths.pop
    while stack:
        c = pop()
        d = pop_depth()
        if d > DEPTH_LIMIT:
            raise FALLBACK
        inner = d + 1
        if type(c) is dict:
            for k, x in c.items():
                if type(k) is not str:
                    raise FALLBACK
                tx = type(x)
                if tx is dict:
                    if "ztype" in x and type(x["ztype"]) is str:
                        # The decoder's dicts are fresh: values may be replaced while iterating.
                        c[k] = _zdata(x, ctx)
                    elif x:
                        push(x)
                        push_depth(inner)
                elif tx is list and x:
                    push(x)
                    push_depth(inner)
        else:
            for i, x in enumerate(c):
                tx = type(x)
                if tx is dict:
                    if "ztype" in x and type(x["ztype"]) is str:
                        c[i] = _zdata(x, ctx)
                    elif x:
                        push(x)
                        push_depth(inner)
                elif tx is list and x:
                    push(x)
                    push_depth(inner)
    return v


def _raw_plain(v: Any, depth: int) -> bool:
    """No float (whose width the raw reading of ZData entries keeps) and no map in ``v``."""
    t = type(v)
    if t is list:
        if depth > DEPTH_LIMIT:
            return False
        return all(_raw_plain(x, depth + 1) for x in v)
    return t in _PLAIN


# dtype name -> (storage dtype, itemsize), for the dtypes whose arrays are plain little-endian numpy arrays
# (bool needs its 0/1 check, bfloat16 its wrapper class: both take the general path).
_PLAIN_DTYPES: Final[dict[str, tuple[np.dtype[Any], int]]] = {
    name: (storage_dtype(name), size) for name, size in DTYPES.items() if name not in ("bool", "bfloat16")
}


def _zdata(v: dict[Any, Any], ctx: _Ctx) -> Any:
    ztype = v["ztype"]
    if ztype == "numpy.ndarray" and len(v) == 4:
        # The commonest ZData: what read_known_zdata returns for it, without its general checks. With 4 entries,
        # finding b, dtype and shape (with their types) means there are no others.
        b = v.get("b")
        plain = _PLAIN_DTYPES.get(v.get("dtype"))  # type: ignore[arg-type]
        shape = v.get("shape")
        if type(b) is bytes and plain is not None and type(shape) is list:
            if len(shape) == 1:
                count = shape[0]
                shaped = type(count) is int and count > 0
            else:
                shaped = 0 < len(shape) <= MAX_DIMS
                count = 1
                for d in shape:
                    if type(d) is not int or d < 0:
                        raise FALLBACK
                    count *= d
            if shaped and count > 0 and count * plain[1] == len(b):
                arr = np.frombuffer(b, dtype=plain[0])  # read-only: a view of an immutable bytes
                if ctx.copy:
                    arr = arr.copy()
                return arr if len(shape) == 1 else arr.reshape(shape)
    if not is_known_ztype(ztype):
        raise FALLBACK
    entries: dict[str, Any] = {}
    for k, x in v.items():
        if type(k) is not str or not _raw_plain(x, 0):
            raise FALLBACK
        entries[k] = memoryview(x) if k == "b" and type(x) is bytes else x
    return read_known_zdata(ztype, entries, ctx.copy)


# -- schema-directed ----------------------------------------------------------------------------------------------

_convs: dict[int, tuple[object, Conv]] = {}


def converter_of(t: Desc) -> Conv:
    hit = _convs.get(id(t))
    if hit is not None and hit[0] is t:
        return hit[1]
    conv = _compile(t)
    _convs[id(t)] = (t, conv)
    return conv


def _fail(*_: Any) -> Any:
    raise FALLBACK


def _compile(t: Desc) -> Conv:
    if isinstance(t, IntType):
        lo, hi = t.min, t.max

        def conv_int(v: Any, depth: int, ctx: _Ctx) -> Any:
            if type(v) is not int or v < lo or v > hi:
                raise FALLBACK
            return v

        return conv_int
    if isinstance(t, FloatType):
        if t.width == 32:
            return _fail  # float32 fields: a canonical frame holds float32, which never reaches here anyway

        def conv_f64(v: Any, depth: int, ctx: _Ctx) -> Any:
            if type(v) is not float:
                raise FALLBACK
            return v

        return conv_f64
    if isinstance(t, StringType):
        plain = (
            t.const is None
            and t.enum is None
            and t.pattern is None
            and t.min_length is None
            and t.max_length is None
        )
        if plain:

            def conv_str(v: Any, depth: int, ctx: _Ctx) -> Any:
                if type(v) is not str:
                    raise FALLBACK
                return v

            return conv_str

        def conv_str_checked(v: Any, depth: int, ctx: _Ctx) -> Any:
            if type(v) is not str or string_problem(t, v) is not None:
                raise FALLBACK
            return v

        return conv_str_checked
    kind_name = t.kind
    if kind_name in ("bool", "null", "bytes"):
        want = {"bool": bool, "null": type(None), "bytes": bytes}[kind_name]

        def conv_scalar(v: Any, depth: int, ctx: _Ctx) -> Any:
            if type(v) is not want:
                raise FALLBACK
            return v

        return conv_scalar
    if kind_name == "any":
        return _any
    if kind_name in ("zdata", "ndarray"):
        return _fail
    if isinstance(t, ArrayType):
        return _array(t)
    if isinstance(t, MapType):
        return _map(t)
    if isinstance(t, NullableType):
        inner_desc = t.inner
        box: list[Conv] = []

        def conv_nullable(v: Any, depth: int, ctx: _Ctx) -> Any:
            if v is None:
                return None
            if not box:
                box.append(converter_of(inner_desc))
            return box[0](v, depth, ctx)

        return conv_nullable
    if isinstance(t, RefType):
        target: list[Conv] = []

        def conv_ref(v: Any, depth: int, ctx: _Ctx) -> Any:
            if not target:
                target.append(converter_of(t.get()))
            return target[0](v, depth, ctx)

        return conv_ref
    if isinstance(t, AliasDesc):
        return converter_of(t.type)
    if isinstance(t, RecordDesc):
        if t.ztype is not None and is_known_ztype(t.ztype):
            return _fail
        return _record(t)
    if isinstance(t, UnionDesc):
        return _union(t)
    raise TypeError(f"not a type descriptor: {t!r}")


def _array(t: ArrayType) -> Conv:
    item_desc = t.items
    lo = t.min_items
    hi = t.max_items
    box: list[Conv] = []

    def conv_array(v: Any, depth: int, ctx: _Ctx) -> Any:
        if type(v) is not list or depth > DEPTH_LIMIT:
            raise FALLBACK
        n = len(v)
        if (lo is not None and n < lo) or (hi is not None and n > hi):
            raise FALLBACK
        if not box:
            box.append(converter_of(resolve(item_desc)))
        item = box[0]
        inner = depth + 1
        return [item(x, inner, ctx) for x in v]

    return conv_array


def _map(t: MapType) -> Conv:
    values_desc = t.values
    box: list[Conv] = []

    def conv_map(v: Any, depth: int, ctx: _Ctx) -> Any:
        if type(v) is not dict or depth > DEPTH_LIMIT:
            raise FALLBACK
        if not box:
            box.append(converter_of(values_desc))
        value = box[0]
        inner = depth + 1
        out: dict[str, Any] = {}
        for k, x in v.items():
            if type(k) is not str:
                raise FALLBACK
            out[k] = value(x, inner, ctx)
        return out

    return conv_map


def _record(t: RecordDesc) -> Conv:
    fields = t.fields
    names = [f.name for f in fields]
    required = [f.name for f in fields if f.required]
    is_open = t.open
    # wire name -> (attribute, converter), filled on first use (refs resolve once the schema is loaded)
    spec: dict[str, tuple[str, Conv]] = {}
    cls_box: list[type | None] = []

    def conv_record(v: Any, depth: int, ctx: _Ctx) -> Any:
        if type(v) is not dict or depth > DEPTH_LIMIT:
            raise FALLBACK
        if not cls_box:
            for f in fields:
                spec[f.name] = (f.attr, converter_of(resolve(f.type)))
            cls_box.append(t.cls() if t.cls is not None else None)
        for name in required:
            if name not in v:
                raise FALLBACK
        inner = depth + 1
        kwargs: dict[str, Any] = {}
        extras: dict[str, Any] | None = None
        get = spec.get
        for k, x in v.items():
            hit = get(k)
            if hit is not None:
                kwargs[hit[0]] = hit[1](x, inner, ctx)
            else:
                if not is_open or type(k) is not str:
                    raise FALLBACK
                if extras is None:
                    extras = {}
                tx = type(x)
                extras[k] = _any(x, inner, ctx) if tx is dict or tx is list else x
        cls = cls_box[0]
        if cls is None or ctx.as_dict:
            out = {name: kwargs[spec[name][0]] for name in names if spec[name][0] in kwargs}
            if extras:
                out.update(extras)
            return out
        if extras:
            kwargs["extra"] = extras
        return cls(**kwargs)

    return conv_record


def _union(t: UnionDesc) -> Conv:
    tag = t.tag

    def conv_union(v: Any, depth: int, ctx: _Ctx) -> Any:
        if type(v) is not dict:
            raise FALLBACK
        name = v.get(tag)
        if type(name) is not str:
            raise FALLBACK
        variant = t.variants.get(name)
        if variant is None:
            raise FALLBACK
        return converter_of(variant())(v, depth, ctx)

    return conv_union
