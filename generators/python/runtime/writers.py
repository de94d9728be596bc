"""Schema-directed encoding: a writer per descriptor, compiled once and cached.

Writers write the canonical bytes (spec §3) and validate as the readers do (spec §8.3).
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable, Mapping
from typing import Any, Final

import numpy as np

from .free_form import known_from_map, write_any, write_zdata
from .registry import registration_for
from .schema import (
    AliasDesc,
    ArrayType,
    Desc,
    FloatType,
    IntType,
    MapType,
    NdArrayType,
    NullableType,
    RecordDesc,
    RefType,
    StringType,
    UnionDesc,
    count_problem,
    string_problem,
    tag_of,
)
from .value import UNSET, VmpFloat, exact_f32, narrow_nan_bits, widen_bits
from .wire import Writer
from .zdata import (
    BFloat16Array,
    OpaqueZData,
    TensorArray,
    array_meta,
    array_problem,
    as_numpy_array,
    is_known_ztype,
    is_pil_image,
    is_torch_tensor,
    zdata_ztype,
)

Write = Callable[[Writer, Any], None]

_ABSENT: Final = object()
_writers: dict[int, tuple[object, Write]] = {}


def writer_of(t: Desc) -> Write:
    hit = _writers.get(id(t))
    if hit is not None and hit[0] is t:
        return hit[1]
    write = _compile_writer(t)
    _writers[id(t)] = (t, write)
    return write


def _got(v: Any) -> str:
    if v is None:
        return "None"
    if v is UNSET:
        return "UNSET"
    if isinstance(v, bool | int | float | str):
        return f"{type(v).__name__} {v!r}"[:80]
    return type(v).__qualname__


def _wrong(w: Writer, expected: str, v: Any) -> Any:
    w.fail("WrongType", f"expected {expected}, got {_got(v)}")


def _compile_writer(t: Desc) -> Write:
    if isinstance(t, IntType):
        return _int_writer(t)
    if isinstance(t, FloatType):
        width = t.width
        return lambda w, v: _write_float(w, width, v)
    if isinstance(t, StringType):

        def write_str(w: Writer, v: Any) -> None:
            if not isinstance(v, str):
                return _wrong(w, "a string", v)  # type: ignore[no-any-return]
            problem = string_problem(t, v)
            if problem is not None:
                w.fail("InvalidValue", problem)
            w.string(v)

        return write_str
    kind_name = t.kind
    if kind_name == "bool":

        def write_bool(w: Writer, v: Any) -> None:
            if isinstance(v, bool | np.bool_):
                w.boolean(bool(v))
            else:
                _wrong(w, "a boolean", v)

        return write_bool
    if kind_name == "null":
        return lambda w, v: w.nil() if v is None else _wrong(w, "None", v)
    if kind_name == "bytes":
        return lambda w, v: (
            w.binary(v) if isinstance(v, bytes | bytearray | memoryview) else _wrong(w, "bytes", v)
        )
    if kind_name == "any":
        return lambda w, v: _wrong(w, "a value", v) if v is UNSET else write_any(w, v)
    if kind_name == "zdata":
        return _write_zdata_field
    if isinstance(t, NdArrayType):
        return _ndarray_writer(t)
    if isinstance(t, ArrayType):
        return _array_writer(t)
    if isinstance(t, MapType):
        return _map_writer(t)
    if isinstance(t, NullableType):
        inner = writer_of(t.inner)
        return lambda w, v: w.nil() if v is None else inner(w, v)
    if isinstance(t, RefType):
        target: list[Write] = []

        def write_ref(w: Writer, v: Any) -> None:
            if not target:
                target.append(writer_of(t.get()))
            target[0](w, v)

        return write_ref
    if isinstance(t, AliasDesc):
        return writer_of(t.type)
    if isinstance(t, RecordDesc):
        if t.ztype is not None and is_known_ztype(t.ztype):
            return _zdata_record_writer(t)
        return _record_writer(t)
    if isinstance(t, UnionDesc):
        return _union_writer(t)
    raise TypeError(f"not a type descriptor: {t!r}")


def _int_writer(t: IntType) -> Write:
    lo, hi = t.min, t.max

    def write_int(w: Writer, v: Any) -> None:
        if isinstance(v, bool | np.bool_):
            return _wrong(w, "an integer", v)  # type: ignore[no-any-return]
        if (
            isinstance(v, int | np.integer)
            or isinstance(v, float | np.floating)
            and math.isfinite(v)
            and float(v).is_integer()
        ):
            i = int(v)
        else:
            return _wrong(w, "an integer", v)  # type: ignore[no-any-return]
        if i < lo or i > hi:
            w.fail("IntegerOutOfRange", f"{i} is outside {lo}..{hi}")
        w.integer(i)

    return write_int


def _write_float(w: Writer, width: int, v: Any) -> None:
    if isinstance(v, VmpFloat):
        if v.width == width:
            return w.float_bits(width, v.bits)
        if width == 64:
            return w.float_bits(64, widen_bits(v.bits))
        if math.isnan(v.value):
            return w.float_bits(32, narrow_nan_bits(v.bits))
        v = v.value
    if isinstance(v, bool | np.bool_):
        return _wrong(w, "a number", v)  # type: ignore[no-any-return]
    if isinstance(v, int | np.integer):
        i = int(v)
        try:
            x = float(i)
        except OverflowError:
            w.fail("InvalidValue", f"{i} has no exact float{width} form")
        if int(x) != i:
            w.fail("InvalidValue", f"{i} has no exact float{width} form")
    elif isinstance(v, float | np.floating):
        x = float(v)
    else:
        return _wrong(w, "a number", v)  # type: ignore[no-any-return]
    if width == 64:
        return w.float64(x)
    if not math.isnan(x) and not exact_f32(x):
        w.fail("InvalidValue", f"{x!r} has no exact float32 form")
    w.float32(x)


def _array_writer(t: ArrayType) -> Write:
    item_desc = t.items

    def write_array(w: Writer, v: Any) -> None:
        if isinstance(v, np.ndarray):
            v = v.tolist()
        if not isinstance(v, list | tuple):
            return _wrong(w, "a list", v)  # type: ignore[no-any-return]
        item = writer_of(item_desc)
        problem = count_problem(t, len(v))
        if problem is not None:
            w.fail("InvalidValue", problem)
        w.array_header(len(v))
        at = w.depth
        w.depth = at + 1
        for i, x in enumerate(v):
            w.set_seg(at, i)
            item(w, x)
        w.depth = at

    return write_array


def _map_writer(t: MapType) -> Write:
    values_desc = t.values

    def write_map(w: Writer, v: Any) -> None:
        if not isinstance(v, Mapping):
            return _wrong(w, "a dict", v)  # type: ignore[no-any-return]
        value = writer_of(values_desc)
        entries = [(k, x) for k, x in v.items() if x is not UNSET]
        w.map_header(len(entries))
        at = w.depth
        for k, x in entries:
            if not isinstance(k, str):
                w.fail("NonStringKey", f"map keys must be strings, found {type(k).__qualname__}")
            w.string(k)
            w.set_seg(at, k)
            w.depth = at + 1
            value(w, x)
            w.depth = at

    return write_map


def _record_entries(
    w: Writer, t: RecordDesc, v: Any, index: Mapping[str, int]
) -> tuple[list[Any], list[Any]]:
    """The declared values (``_ABSENT`` when absent) and the extra ``(key, value)`` entries of a record given as a
    dict (wire names) or as an object with the fields' attributes (a generated dataclass)."""
    fields = t.fields
    values: list[Any] = [_ABSENT] * len(fields)
    extras: list[Any] = []
    if isinstance(v, Mapping):
        for k, x in v.items():
            if x is UNSET:
                continue
            j = index.get(k) if isinstance(k, str) else None
            if j is not None:
                values[j] = x
            elif t.open:
                extras.append((k, x))
            else:
                w.fail_at(str(k), "InvalidValue", f'unknown field "{k}" in a closed record ({t.name})')
        return values, extras
    if not dataclasses.is_dataclass(v) or isinstance(v, type):
        _wrong(w, f"a record ({t.name})", v)
    for j, f in enumerate(fields):
        x = getattr(v, f.attr, UNSET)
        if x is not UNSET:
            values[j] = x
    extra = getattr(v, "extra", None)
    if extra:
        if not t.open:
            k = next(iter(extra))
            w.fail_at(str(k), "InvalidValue", f'unknown field "{k}" in a closed record ({t.name})')
        for k, x in extra.items():
            if x is UNSET:
                continue
            if isinstance(k, str) and k in index:
                w.fail_at(k, "InvalidValue", f'extra field "{k}" is a declared field of {t.name}')
            extras.append((k, x))
    return values, extras


def _record_writer(t: RecordDesc) -> Write:
    fields = t.fields
    names = [f.name for f in fields]
    index = {name: i for i, name in enumerate(names)}
    writes: list[Write] = []
    keys: list[bytes] = []

    def write_record(w: Writer, v: Any) -> None:
        if not writes:
            writes.extend(writer_of(f.type) for f in fields)
            for name in names:
                kw = Writer()
                kw.string(name)
                keys.append(kw.getvalue())
        values, extras = _record_entries(w, t, v, index)
        present = 0
        for j, f in enumerate(fields):
            if values[j] is _ABSENT:
                if f.required:
                    w.fail_at(names[j], "MissingField", "required field is missing")
            else:
                present += 1
        w.map_header(present + len(extras))
        at = w.depth
        for j in range(len(fields)):
            x = values[j]
            if x is _ABSENT:
                continue
            w.raw(keys[j])
            w.set_seg(at, names[j])
            w.depth = at + 1
            writes[j](w, x)
            w.depth = at
        for k, x in extras:
            if not isinstance(k, str):
                w.fail("NonStringKey", f"map keys must be strings, found {type(k).__qualname__}")
            w.string(k)
            w.set_seg(at, k)
            w.depth = at + 1
            write_any(w, x)
            w.depth = at

    return write_record


def _zdata_record_writer(t: RecordDesc) -> Write:
    def write_zrecord(w: Writer, v: Any) -> None:
        z = v
        if isinstance(v, Mapping):
            ztype = v.get("ztype", UNSET)
            if ztype is UNSET:
                w.fail_at("ztype", "MissingField", "ZData needs a ztype")
            if not isinstance(ztype, str) or not is_known_ztype(ztype):
                w.fail_at("ztype", "InvalidValue", f"expected {json.dumps(t.ztype)}")
            z = known_from_map(w, v)
        elif isinstance(v, BFloat16Array | TensorArray):
            z = v
        ztype = zdata_ztype(z)
        if ztype is None and isinstance(z, np.generic):
            z = np.asarray(z)
            ztype = "numpy.ndarray"
        if ztype is None:
            return _wrong(w, f"ZData ({t.name})", v)  # type: ignore[no-any-return]
        if ztype != t.ztype:
            if t.ztype in ("numpy.ndarray", "torch.Tensor") and ztype in ("numpy.ndarray", "torch.Tensor"):
                z = _retag(z, t.ztype)
            else:
                w.fail_at("ztype", "InvalidValue", f"expected {json.dumps(t.ztype)}, got {json.dumps(ztype)}")
        write_zdata(w, z)

    return write_zrecord


def _retag(z: Any, ztype: str) -> Any:
    """An array written where the schema fixes the other array ztype (a numpy array in a Tensor field)."""
    if ztype == "torch.Tensor" and isinstance(z, np.ndarray):
        return z.view(TensorArray) if not isinstance(z, BFloat16Array) else z
    if ztype == "numpy.ndarray" and isinstance(z, TensorArray):
        return np.asarray(z)
    if ztype == "numpy.ndarray" and is_torch_tensor(z):
        return z.detach().cpu().numpy()
    return z


def _write_zdata_field(w: Writer, v: Any) -> None:
    if isinstance(v, Mapping):
        if "ztype" not in v or v["ztype"] is UNSET:
            w.fail_at("ztype", "MissingField", "ZData needs a ztype")
        if not isinstance(v["ztype"], str):
            w.fail_at("ztype", "WrongType", "ztype must be a string")
        return write_any(w, v)
    if (
        zdata_ztype(v) is not None
        or isinstance(v, OpaqueZData)
        or registration_for(v) is not None
        or is_pil_image(v)
    ):
        return write_any(w, v)
    _wrong(w, "ZData", v)


def _ndarray_writer(t: NdArrayType) -> Write:
    """A typed array field (SPEC §7.11): a numpy array or a torch tensor (or an array's map form) whose dtype and
    shape the field allows, always written as ``numpy.ndarray``."""

    def write_ndarray(w: Writer, v: Any) -> None:
        z = v
        if isinstance(v, Mapping):
            ztype = v.get("ztype", UNSET)
            if ztype is UNSET:
                w.fail_at("ztype", "MissingField", "ZData needs a ztype")
            if not isinstance(ztype, str):
                w.fail_at("ztype", "WrongType", "ztype must be a string")
            if not is_known_ztype(ztype):
                w.fail_at("ztype", "InvalidValue", f"expected an array, got {json.dumps(ztype)}")
            z = known_from_map(w, v)
        elif isinstance(v, np.generic):
            z = np.asarray(v)
        meta = array_meta(z)
        if meta is None:
            if zdata_ztype(z) is not None:
                w.fail_at("ztype", "InvalidValue", f"expected an array, got {json.dumps(zdata_ztype(z))}")
            return _wrong(w, "an array (a numpy array or a torch tensor)", v)  # type: ignore[no-any-return]
        problem = array_problem(t.dtypes, t.shape, *meta)
        if problem is not None:
            w.fail("InvalidValue", problem)
        write_zdata(w, as_numpy_array(z))

    return write_ndarray


def _union_writer(t: UnionDesc) -> Write:
    def write_union(w: Writer, v: Any) -> None:
        if isinstance(v, Mapping):
            tag = v.get(t.tag)
        elif dataclasses.is_dataclass(v):
            tag = tag_of(v, t.tag)
        else:
            return _wrong(w, f"a record ({t.name})", v)  # type: ignore[no-any-return]
        variant = t.variants.get(tag) if isinstance(tag, str) else None
        if variant is None:
            what = "is missing" if tag is None or tag is UNSET else json.dumps(tag)
            w.fail("InvalidValue", f"{t.tag} {what}: no variant of {t.name} matches")
        writer_of(variant())(w, v)

    return write_union
