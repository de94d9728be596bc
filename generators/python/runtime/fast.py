"""A fast path for the default (not lossless) decode of canonical frames, on the msgpack C extension.

``decode_fast(desc, data, ...)`` returns the value :func:`codec.decode` would return, or raises :class:`Fallback`
when it cannot vouch for that; the codec then decodes with its exact reader, which gives every error its kind,
path and offset. The fast path is therefore only ever *conservative*: it accepts a frame only when

- ``msgpack.unpackb`` reads it (no ext types, no trailing bytes, valid UTF-8, no truncation), and
- re-packing the result with ``msgpack.packb`` gives the frame back byte for byte: the frame is canonical, so it
  has no duplicate keys (a duplicate would have been dropped) and no float32 (``packb`` writes float64), and
- the descriptor-driven walk below finds every value as the exact reader would (keys are str, nesting stays
  under the depth limit, ZData is a known array type with plain entries, every constraint holds).

Anything else (lossless mode, floats where an exact width matters, unknown or custom ztypes, a float in an
integer field, ...) falls back. msgpack is optional: without it every frame takes the exact reader.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Final

import numpy as np

from . import registry as _registry
from .dtype import DTYPES, storage_dtype
from .errors import VmpError
from .schema import (
    AliasDesc,
    ArrayType,
    FloatType,
    IntType,
    MapType,
    NamedDesc,
    NullableType,
    RecordDesc,
    RefType,
    StringType,
    TypeDesc,
    UnionDesc,
    resolve,
)
from .value import UNSET
from .wire import MAX_DEPTH
from .zdata import MAX_DIMS, is_known_ztype, read_known_zdata

try:
    import msgpack as _msgpack  # type: ignore[import-untyped, unused-ignore]
except ImportError:  # pragma: no cover (msgpack is optional)
    _msgpack = None  # type: ignore[assignment, unused-ignore]

Desc = TypeDesc | NamedDesc
Conv = Callable[[Any, int, "_Ctx"], Any]

AVAILABLE: Final = _msgpack is not None
MAX_FRAME: Final = 1 << 20
"""Bigger frames take the exact reader: ``unpackb`` would copy their payloads, where the reader keeps views."""

# Nesting is counted conservatively (a few levels of slack against the exact reader's own count).
_DEPTH_LIMIT: Final = MAX_DEPTH - 8


class Fallback(Exception):
    """The fast path cannot vouch for this frame: decode it with the exact reader."""


# Raised as a class, so each raise gets a fresh instance: a shared instance would pile up tracebacks.
_FALLBACK: Final = Fallback


class _Ctx:
    __slots__ = ("as_dict", "copy")

    def __init__(self, copy: bool, as_dict: bool) -> None:
        self.copy = copy
        self.as_dict = as_dict


def _no_ext(code: int, data: bytes) -> Any:
    raise _FALLBACK


def decode_fast(desc: Desc, data: bytes | bytearray | memoryview, copy: bool, as_dict: bool) -> Any:
    assert _msgpack is not None
    try:
        obj = _msgpack.unpackb(data, raw=False, strict_map_key=False, ext_hook=_no_ext)
        again = _msgpack.packb(obj)
    except Fallback:
        raise
    except Exception:  # noqa: BLE001 (any defect: the exact reader reports it)
        raise _FALLBACK from None
    if again != data:
        raise _FALLBACK
    try:
        return converter_of(desc)(obj, 1, _Ctx(copy, as_dict))
    except Fallback:
        raise
    except (VmpError, RecursionError, TypeError, ValueError):
        raise _FALLBACK from None


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
        if d > _DEPTH_LIMIT:
            raise _FALLBACK
        inner = d + 1
        if type(c) is dict:
            for k, x in c.items():
                if type(k) is not str:
                    raise _FALLBACK
                tx = type(x)
                if tx is dict:
                    if "ztype" in x and type(x["ztype"]) is str:
                        c[k] = _zdata(x, ctx)  # a fresh dict of unpackb's: values may change while iterating
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
        if depth > _DEPTH_LIMIT:
            return False
        return all(_raw_plain(x, depth + 1) for x in v)
    return t in _PLAIN


_ARRAY_KEYS: Final = frozenset(("ztype", "b", "dtype", "shape"))
# dtype name -> (storage dtype, itemsize), for the dtypes whose arrays are plain little-endian numpy arrays
# (bool needs its 0/1 check, bfloat16 its wrapper class: both take the general path).
_PLAIN_DTYPES: Final[dict[str, tuple[np.dtype[Any], int]]] = {
    name: (storage_dtype(name), size) for name, size in DTYPES.items() if name not in ("bool", "bfloat16")
}


def _zdata(v: dict[Any, Any], ctx: _Ctx) -> Any:
    ztype = v["ztype"]
    if ztype == "numpy.ndarray" and len(v) == 4 and v.keys() == _ARRAY_KEYS:
        # The commonest ZData: what read_known_zdata returns for it, without its general checks.
        b = v["b"]
        plain = _PLAIN_DTYPES.get(v["dtype"])
        shape = v["shape"]
        if type(b) is bytes and plain is not None and type(shape) is list and 0 < len(shape) <= MAX_DIMS:
            count = 1
            for d in shape:
                if type(d) is not int or d < 0:
                    raise _FALLBACK
                count *= d
            if count > 0 and count * plain[1] == len(b):
                arr = np.frombuffer(b, dtype=plain[0])  # read-only: a view of an immutable bytes
                if ctx.copy:
                    arr = arr.copy()
                return arr if len(shape) == 1 else arr.reshape(shape)
    if not is_known_ztype(ztype):
        raise _FALLBACK
    entries: dict[str, Any] = {}
    for k, x in v.items():
        if type(k) is not str or not _raw_plain(x, 0):
            raise _FALLBACK
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
    raise _FALLBACK


def _compile(t: Desc) -> Conv:
    if isinstance(t, IntType):
        lo, hi = t.min, t.max

        def conv_int(v: Any, depth: int, ctx: _Ctx) -> Any:
            if type(v) is not int or v < lo or v > hi:
                raise _FALLBACK
            return v

        return conv_int
    if isinstance(t, FloatType):
        if t.width == 32:
            return _fail  # float32 fields: a canonical frame holds float32, which never reaches here anyway

        def conv_f64(v: Any, depth: int, ctx: _Ctx) -> Any:
            if type(v) is not float:
                raise _FALLBACK
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
                    raise _FALLBACK
                return v

            return conv_str
        from .codec import string_problem

        def conv_str_checked(v: Any, depth: int, ctx: _Ctx) -> Any:
            if type(v) is not str or string_problem(t, v) is not None:
                raise _FALLBACK
            return v

        return conv_str_checked
    kind_name = t.kind
    if kind_name in ("bool", "null", "bytes"):
        want = {"bool": bool, "null": type(None), "bytes": bytes}[kind_name]

        def conv_scalar(v: Any, depth: int, ctx: _Ctx) -> Any:
            if type(v) is not want:
                raise _FALLBACK
            return v

        return conv_scalar
    if kind_name == "any":
        return _any
    if kind_name == "zdata":
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
        if type(v) is not list or depth > _DEPTH_LIMIT:
            raise _FALLBACK
        n = len(v)
        if (lo is not None and n < lo) or (hi is not None and n > hi):
            raise _FALLBACK
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
        if type(v) is not dict or depth > _DEPTH_LIMIT:
            raise _FALLBACK
        if not box:
            box.append(converter_of(values_desc))
        value = box[0]
        inner = depth + 1
        out: dict[str, Any] = {}
        for k, x in v.items():
            if type(k) is not str:
                raise _FALLBACK
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
        if type(v) is not dict or depth > _DEPTH_LIMIT:
            raise _FALLBACK
        if not cls_box:
            for f in fields:
                spec[f.name] = (f.attr, converter_of(resolve(f.type)))
            cls_box.append(t.cls() if t.cls is not None else None)
        for name in required:
            if name not in v:
                raise _FALLBACK
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
                    raise _FALLBACK
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
            raise _FALLBACK
        name = v.get(tag)
        if type(name) is not str:
            raise _FALLBACK
        variant = t.variants.get(name)
        if variant is None:
            raise _FALLBACK
        return converter_of(variant())(v, depth, ctx)

    return conv_union


# =============================================================================================================
# Encoding: the canonical bytes through msgpack.packb
# =============================================================================================================
#
# ``encode_fast(desc, value)`` turns ``value`` into plain dicts and lists in the canonical entry order (declared
# fields, then extras) and packs them with ``msgpack.packb``, whose forms are the canonical ones (smallest
# headers, the uint family for non-negative integers, float64 for Python floats, str8 allowed, bin for bytes).
# It handles only values whose canonical bytes are exactly what ``packb`` writes: plain str/int/float/bool/None/
# bytes, lists, tuples, dicts with str keys, generated dataclasses and dicts as records. Anything else (float32
# fields, numpy values, ZData, UNSET inside free-form values, registered custom types, a float where an integer is
# declared, ...) raises :class:`Fallback`, and the codec's writer encodes it with its exact checks and errors.

Enc = Callable[[Any, int], Any]

_UNSET: Final = UNSET


def encode_fast(desc: Desc, value: Any) -> bytes:
    assert _msgpack is not None
    if _registered():
        raise _FALLBACK  # a registered type may claim a dict, a tuple or any object
    try:
        obj = encoder_of(desc)(value, 1)
        out: bytes = _msgpack.packb(obj)
    except Fallback:
        raise
    except Exception:  # noqa: BLE001 (an int beyond 64 bits, a lone surrogate, ...: the writer reports it)
        raise _FALLBACK from None
    return out


def _check_any(v: Any, depth: int) -> None:
    """Raises Fallback unless ``v`` is a free-form value that packb writes canonically as it stands."""
    t = type(v)
    if t is str or t is int or t is float or t is bool or v is None or t is bytes:
        return
    if t is not dict and t is not list and t is not tuple:
        raise _FALLBACK  # numpy values, Float32, VmpFloat, UNSET, str/int subclasses, custom objects
    stack: list[Any] = [v]
    depths: list[int] = [depth]
    push = stack.append
    push_depth = depths.append
    pop = stack.pop
    pop_depth = depths.pop
    while stack:
        c = pop()
        d = pop_depth()
        if d > _DEPTH_LIMIT:
            raise _FALLBACK
        inner = d + 1
        if type(c) is dict:
            if "ztype" in c:
                raise _FALLBACK  # ZData given as a map: the writer checks and normalizes it
            for k, x in c.items():
                if type(k) is not str:
                    raise _FALLBACK
                tx = type(x)
                if tx is str or tx is int or tx is float or tx is bool or x is None or tx is bytes:
                    continue
                if tx is dict or tx is list or tx is tuple:
                    push(x)
                    push_depth(inner)
                else:
                    raise _FALLBACK
        else:
            for x in c:
                tx = type(x)
                if tx is str or tx is int or tx is float or tx is bool or x is None or tx is bytes:
                    continue
                if tx is dict or tx is list or tx is tuple:
                    push(x)
                    push_depth(inner)
                else:
                    raise _FALLBACK


def _enc_any(v: Any, depth: int) -> Any:
    _check_any(v, depth)
    return v


_encs: dict[int, tuple[object, Enc]] = {}


def encoder_of(t: Desc) -> Enc:
    hit = _encs.get(id(t))
    if hit is not None and hit[0] is t:
        return hit[1]
    enc = _compile_encoder(resolve(t))
    _encs[id(t)] = (t, enc)
    return enc


def _enc_fail(v: Any, depth: int) -> Any:
    raise _FALLBACK


def _compile_encoder(t: Desc) -> Enc:
    if isinstance(t, IntType):
        lo, hi = t.min, t.max

        def enc_int(v: Any, depth: int) -> Any:
            if type(v) is not int or v < lo or v > hi:
                raise _FALLBACK
            return v

        return enc_int
    if isinstance(t, FloatType):
        if t.width == 32:
            return _enc_fail

        def enc_f64(v: Any, depth: int) -> Any:
            if type(v) is not float:
                raise _FALLBACK
            return v

        return enc_f64
    if isinstance(t, StringType):
        from .codec import string_problem

        def enc_str(v: Any, depth: int) -> Any:
            if type(v) is not str or string_problem(t, v) is not None:
                raise _FALLBACK
            return v

        return enc_str
    kind_name = t.kind
    if kind_name in ("bool", "null", "bytes"):
        want = {"bool": bool, "null": type(None), "bytes": bytes}[kind_name]

        def enc_scalar(v: Any, depth: int) -> Any:
            if type(v) is not want:
                raise _FALLBACK
            return v

        return enc_scalar
    if kind_name == "any":
        return _enc_any
    if isinstance(t, ArrayType):
        item_desc = t.items
        lo_n, hi_n = t.min_items, t.max_items
        box: list[Enc] = []

        def enc_array(v: Any, depth: int) -> Any:
            tv = type(v)
            if (tv is not list and tv is not tuple) or depth > _DEPTH_LIMIT:
                raise _FALLBACK
            n = len(v)
            if (lo_n is not None and n < lo_n) or (hi_n is not None and n > hi_n):
                raise _FALLBACK
            if not box:
                box.append(encoder_of(item_desc))
            item = box[0]
            inner = depth + 1
            return [item(x, inner) for x in v]

        return enc_array
    if isinstance(t, MapType):
        values_desc = t.values
        mbox: list[Enc] = []

        def enc_map(v: Any, depth: int) -> Any:
            if type(v) is not dict or depth > _DEPTH_LIMIT:
                raise _FALLBACK
            if not mbox:
                mbox.append(encoder_of(values_desc))
            value = mbox[0]
            inner = depth + 1
            out: dict[str, Any] = {}
            for k, x in v.items():
                if type(k) is not str or x is _UNSET:
                    raise _FALLBACK
                out[k] = value(x, inner)
            return out

        return enc_map
    if isinstance(t, NullableType):
        inner_desc = t.inner
        nbox: list[Enc] = []

        def enc_nullable(v: Any, depth: int) -> Any:
            if v is None:
                return None
            if not nbox:
                nbox.append(encoder_of(inner_desc))
            return nbox[0](v, depth)

        return enc_nullable
    if isinstance(t, RecordDesc):
        if t.ztype is not None and is_known_ztype(t.ztype):
            return _enc_fail
        return _record_encoder(t)
    if isinstance(t, UnionDesc):
        return _union_encoder(t)
    return _enc_fail  # zdata fields and anything new


def _record_encoder(t: RecordDesc) -> Enc:
    fields = t.fields
    is_open = t.open
    # (wire name, attribute, required, encoder) per declared field, filled on first use
    plan: list[tuple[str, str, bool, Enc]] = []
    index: dict[str, int] = {f.name: j for j, f in enumerate(fields)}
    cls_box: list[type | None] = []

    def enc_record(v: Any, depth: int) -> Any:
        if depth > _DEPTH_LIMIT:
            raise _FALLBACK
        if not cls_box:
            plan.extend((f.name, f.attr, f.required, encoder_of(f.type)) for f in fields)
            cls_box.append(t.cls() if t.cls is not None else None)
        inner = depth + 1
        out: dict[str, Any] = {}
        if type(v) is dict:
            for name, _attr, required, enc in plan:
                x = v.get(name, _UNSET)
                if x is _UNSET:
                    if required:
                        raise _FALLBACK
                else:
                    out[name] = enc(x, inner)
            for k, x in v.items():
                if k not in index:
                    if not is_open or type(k) is not str or x is _UNSET:
                        raise _FALLBACK
                    _check_any(x, inner)
                    out[k] = x
            return out
        cls = cls_box[0]
        if cls is None or type(v) is not cls:
            raise _FALLBACK
        for name, attr, required, enc in plan:
            x = getattr(v, attr, _UNSET)
            if x is _UNSET:
                if required:
                    raise _FALLBACK
            else:
                out[name] = enc(x, inner)
        extra = getattr(v, "extra", None)
        if extra:
            if not is_open or type(extra) is not dict:
                raise _FALLBACK
            for k, x in extra.items():
                if type(k) is not str or k in index or x is _UNSET:
                    raise _FALLBACK
                tx = type(x)
                if not (tx is str or tx is int or tx is float or tx is bool or x is None):
                    _check_any(x, inner)
                out[k] = x
        return out

    return enc_record


def _union_encoder(t: UnionDesc) -> Enc:
    def enc_union(v: Any, depth: int) -> Any:
        if type(v) is dict:
            tag = v.get(t.tag)
        else:
            from .codec import _tag_of

            if not dataclasses.is_dataclass(v) or isinstance(v, type):
                raise _FALLBACK
            tag = _tag_of(v, t.tag)
        variant = t.variants.get(tag) if type(tag) is str else None
        if variant is None:
            raise _FALLBACK
        return encoder_of(variant())(v, depth)

    return enc_union


def _registered() -> bool:
    return bool(_registry._by_name)


__all__ = ["AVAILABLE", "MAX_FRAME", "Fallback", "decode_fast", "encode_fast"]
