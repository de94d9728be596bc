"""The fast path of the default encode, on msgspec's C encoder (shared parts: fast.py).

``encode_fast(desc, value)`` turns ``value`` into plain dicts and lists in the canonical entry order (declared
fields, then extras) and packs them with the C encoder, whose forms are the canonical ones (smallest headers,
the uint family for non-negative integers, float64 for Python floats, str8 allowed, bin for bytes). It handles
only values whose canonical bytes are exactly what that encoder writes: plain str/int/float/bool/None/bytes, lists,
tuples, dicts with str keys, generated dataclasses and dicts as records. Anything else (float32 fields, numpy
values, ZData, UNSET inside free-form values, registered custom types, a float where an integer is declared, ...)
raises :class:`Fallback`, and the codec's writer encodes it with its exact checks and errors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from operator import attrgetter
from typing import Any, Final

from .fast import DEPTH_LIMIT, FALLBACK, Fallback, pack
from .registry import any_registered
from .schema import (
    ArrayType,
    Desc,
    FloatType,
    IntType,
    MapType,
    NullableType,
    RecordDesc,
    StringType,
    UnionDesc,
    resolve,
    string_problem,
    tag_of,
)
from .value import UNSET
from .zdata import is_known_ztype

Enc = Callable[[Any, int], Any]

_UNSET: Final = UNSET
_PLAIN_STRING: Final = StringType()


def encode_fast(desc: Desc, value: Any) -> bytes:
    if any_registered():
        raise FALLBACK  # a registered type may claim a dict, a tuple or any object
    try:
        obj = encoder_of(desc)(value, 1)
        out = pack(obj)
    except Fallback:
        raise
    except Exception:  # noqa: BLE001 (an int beyond 64 bits, a lone surrogate, ...: the writer reports it)
        raise FALLBACK from None
    return out


def _check_any(v: Any, depth: int) -> None:
    """Raises Fallback unless ``v`` is a free-form value that the C encoder writes canonically as it stands."""
    t = type(v)
    if t is str or t is int or t is float or t is bool or v is None or t is bytes:
        return
    if t is not dict and t is not list and t is not tuple:
        raise FALLBACK  # numpy values, Float32, VmpFloat, UNSET, str/int subclasses, custom objects
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
            if "ztype" in c:
                raise FALLBACK  # ZData given as a map: the writer checks and normalizes it
            for k, x in c.items():
                if type(k) is not str:
                    raise FALLBACK
                tx = type(x)
                if tx is str or tx is int or tx is float or tx is bool or x is None or tx is bytes:
                    continue
                if tx is dict or tx is list or tx is tuple:
                    push(x)
                    push_depth(inner)
                else:
                    raise FALLBACK
        else:
            for x in c:
                tx = type(x)
                if tx is str or tx is int or tx is float or tx is bool or x is None or tx is bytes:
                    continue
                if tx is dict or tx is list or tx is tuple:
                    push(x)
                    push_depth(inner)
                else:
                    raise FALLBACK


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
    raise FALLBACK


def _compile_encoder(t: Desc) -> Enc:
    if isinstance(t, IntType):
        lo, hi = t.min, t.max

        def enc_int(v: Any, depth: int) -> Any:
            if type(v) is not int or v < lo or v > hi:
                raise FALLBACK
            return v

        return enc_int
    if isinstance(t, FloatType):
        if t.width == 32:
            return _enc_fail

        def enc_f64(v: Any, depth: int) -> Any:
            if type(v) is not float:
                raise FALLBACK
            return v

        return enc_f64
    if isinstance(t, StringType):
        if t == _PLAIN_STRING:

            def enc_plain_str(v: Any, depth: int) -> Any:
                if type(v) is not str:
                    raise FALLBACK
                return v

            return enc_plain_str

        def enc_str(v: Any, depth: int) -> Any:
            if type(v) is not str or string_problem(t, v) is not None:
                raise FALLBACK
            return v

        return enc_str
    kind_name = t.kind
    if kind_name in ("bool", "null", "bytes"):
        want = {"bool": bool, "null": type(None), "bytes": bytes}[kind_name]

        def enc_scalar(v: Any, depth: int) -> Any:
            if type(v) is not want:
                raise FALLBACK
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
            if (tv is not list and tv is not tuple) or depth > DEPTH_LIMIT:
                raise FALLBACK
            n = len(v)
            if (lo_n is not None and n < lo_n) or (hi_n is not None and n > hi_n):
                raise FALLBACK
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
            if type(v) is not dict or depth > DEPTH_LIMIT:
                raise FALLBACK
            if not mbox:
                mbox.append(encoder_of(values_desc))
            value = mbox[0]
            inner = depth + 1
            out: dict[str, Any] = {}
            for k, x in v.items():
                if type(k) is not str or x is _UNSET:
                    raise FALLBACK
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
    # (wire name, required, encoder) per declared field, and a getter of their attributes as one tuple (all in
    # C), filled on first use
    plan: list[tuple[str, bool, Enc]] = []
    attrs: list[Callable[[Any], tuple[Any, ...]]] = []
    index: dict[str, int] = {f.name: j for j, f in enumerate(fields)}
    cls_box: list[type | None] = []

    def enc_record(v: Any, depth: int) -> Any:
        if depth > DEPTH_LIMIT:
            raise FALLBACK
        if not cls_box:
            plan.extend((f.name, f.required, encoder_of(f.type)) for f in fields)
            names = [f.attr for f in fields]
            if len(names) > 1:
                attrs.append(attrgetter(*names))
            elif names:
                only = attrgetter(names[0])
                attrs.append(lambda v: (only(v),))
            else:
                attrs.append(lambda v: ())
            cls_box.append(t.cls() if t.cls is not None else None)
        inner = depth + 1
        out: dict[str, Any] = {}
        if type(v) is dict:
            for name, required, enc in plan:
                x = v.get(name, _UNSET)
                if x is _UNSET:
                    if required:
                        raise FALLBACK
                else:
                    out[name] = enc(x, inner)
            for k, x in v.items():
                if k not in index:
                    if not is_open or type(k) is not str or x is _UNSET:
                        raise FALLBACK
                    _check_any(x, inner)
                    out[k] = x
            return out
        cls = cls_box[0]
        if cls is None or type(v) is not cls:
            raise FALLBACK
        for (name, required, enc), x in zip(plan, attrs[0](v)):
            if x is _UNSET:
                if required:
                    raise FALLBACK
            else:
                out[name] = enc(x, inner)
        extra = getattr(v, "extra", None)
        if extra:
            if not is_open or type(extra) is not dict:
                raise FALLBACK
            for k, x in extra.items():
                if type(k) is not str or k in index or x is _UNSET:
                    raise FALLBACK
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
            if not dataclasses.is_dataclass(v) or isinstance(v, type):
                raise FALLBACK
            tag = tag_of(v, t.tag)
        variant = t.variants.get(tag) if type(tag) is str else None
        if variant is None:
            raise FALLBACK
        return encoder_of(variant())(v, depth)

    return enc_union
