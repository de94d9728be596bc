"""The codec: free-form values (type ``any``), schema-directed decoding and encoding, message selection.

Decoding validates as it reads, with the kinds and paths of the reference validator (spec §8.3), and accepts every
valid encoding (spec §3.11). Encoding writes the canonical bytes (spec §3) and validates the same way.

Relay guarantee (spec §10): for canonical bytes ``B`` of a value read as ``T``,
``encode(T, decode(T, B, lossless=True)) == B``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import struct
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import numpy as np

from . import fast as _fast
from .errors import ErrorKind, VmpError, make_error
from .registry import registered_type, registration_for
from .safetensors import Safetensors
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
)
from .value import CANONICAL_NAN32, CANONICAL_NAN64, UNSET, Float32, VmpFloat, narrow_nan_bits, widen_bits
from .wire import MAX_DEPTH, Reader, Writer, schema_error
from .zdata import (
    BFloat16Array,
    OpaqueZData,
    TensorArray,
    WideEmptyArray,
    ZImage,
    array_payload,
    is_known_ztype,
    is_pil_image,
    is_torch_tensor,
    read_known_zdata,
)

Desc = TypeDesc | NamedDesc
Read = Callable[[Reader, str], Any]
Write = Callable[[Writer, Any], None]

_F32 = struct.Struct(">f")
_ABSENT: Final = object()

# Decoding and encoding recurse once or twice per container level; 512 levels need more than CPython's default
# limit of 1000 frames. Raised once (Python frames no longer use the C stack from 3.11 on).
_RECURSION: Final = 4000


def _ensure_recursion() -> None:
    if sys.getrecursionlimit() < _RECURSION:
        sys.setrecursionlimit(_RECURSION)


def _exact_f32(x: float) -> bool:
    try:
        return bool(_F32.unpack(_F32.pack(x))[0] == x)
    except OverflowError:
        return False


# =============================================================================================================
# Free-form values
# =============================================================================================================


def _lossless_f64(r: Reader) -> float | VmpFloat:
    v = r.fval
    if math.isnan(v):
        bits = r.float_bits()
        if bits != CANONICAL_NAN64:
            return VmpFloat(64, bits)
    return v


def _lossless_f32(r: Reader) -> Float32 | VmpFloat:
    v = r.fval
    if math.isnan(v):
        bits = r.float_bits()
        if bits != CANONICAL_NAN32:
            return VmpFloat(32, bits)
    return Float32(v)


_unpack_f64 = struct.Struct(">d").unpack_from


def _key(r: Reader) -> str:
    """``r.key()`` with a fast path for fixstr keys (most keys); anything else goes through the checked reader."""
    at = r.pos
    if at < r.n:
        b = r.mv[at]
        if 0xA0 <= b <= 0xBF:
            end = at + 1 + (b & 0x1F)
            if end <= r.n:
                r.start = at
                try:
                    s = str(r.mv[at + 1 : end], "utf-8")
                except UnicodeDecodeError:
                    return r.key()
                r.pos = end
                return s
    return r.key()


def _value(r: Reader) -> Any:
    """``read_any(r, r.next())`` with fast paths for the commonest items (fixints, fixstr, float64)."""
    at = r.pos
    if at < r.n:
        mv = r.mv
        b = mv[at]
        if b < 0x80:
            r.pos = at + 1
            return b
        if b >= 0xE0:
            r.pos = at + 1
            return b - 0x100
        if 0xA0 <= b <= 0xBF:
            end = at + 1 + (b & 0x1F)
            if end <= r.n:
                try:
                    s = str(mv[at + 1 : end], "utf-8")
                except UnicodeDecodeError:
                    return read_any(r, r.next())
                r.start = at
                r.pos = end
                return s
        elif b == 0xCB and at + 9 <= r.n:
            v = _unpack_f64(mv, at + 1)[0]
            if v == v:  # noqa: PLR0124 (NaN payloads take the checked path)
                r.start = at
                r.pos = at + 9
                return v
    return read_any(r, r.next())


def read_any(r: Reader, kind: str, raw: bool = False) -> Any:
    """Reads the free-form value whose header ``r.next()`` announced as ``kind``. ``raw``: ZData is not
    interpreted and floats keep their width (how the entries of ZData maps are read)."""
    if kind == "int":
        return r.ival
    if kind == "str":
        return r.string()
    if kind == "map":
        return _read_map(r, raw)
    if kind == "array":
        n = r.length
        r.enter()
        at = r.depth
        r.depth = at + 1
        items: list[Any] = []  # grown item by item: a hostile count allocates nothing
        segs = r.segs
        if len(segs) <= at:
            segs.extend([0] * (at + 1 - len(segs)))
        if raw:
            for i in range(n):
                segs[at] = i
                items.append(read_any(r, r.next(), True))
        else:
            for i in range(n):
                segs[at] = i
                items.append(_value(r))
        r.depth = at
        return items
    if kind == "float64":
        return _lossless_f64(r) if raw or r.lossless else r.fval
    if kind == "float32":
        return _lossless_f32(r) if raw or r.lossless else r.fval
    if kind == "nil":
        return None
    if kind == "bool":
        return r.bval
    if kind == "bin":
        return r.binary()
    raise AssertionError(kind)


def _starts_with_ztype(r: Reader) -> bool:
    mv = r.mv
    p = r.pos
    if p + 7 > r.n:
        return False
    if mv[p : p + 6].tobytes() != b"\xa5ztype":
        return False
    h = mv[p + 6]
    return 0xA0 <= h <= 0xBF or 0xD9 <= h <= 0xDB


def _read_map(r: Reader, raw: bool) -> Any:
    n = r.length
    body = r.pos
    r.enter()
    if raw:
        return _read_entries(r, n, True, False, False)
    if n > 0 and _starts_with_ztype(r):
        return _read_zdata(r, n, body)
    at = r.depth
    try:
        out = _read_entries(r, n, False, True, False)
    except VmpError as e:
        # A schema-level error inside an entry does not count when this map is ZData whose entries are not
        # interpreted (an opaque value keeps nested ZData as sent): look for a ztype, then decide.
        if e.offset is not None:
            raise
        r.depth = at
        r.pos = body
        if not _has_ztype(r, n):
            raise
        return _read_zdata(r, n, body)
    return _read_zdata(r, n, body) if out is None else out


def _read_entries(r: Reader, n: int, raw: bool, detect: bool, zmap: bool) -> dict[str, Any] | None:
    """Reads ``n`` entries. ``detect``: None as soon as an entry ``ztype`` holds a string. ``zmap``: the map is
    ZData read raw, and its ``b`` bin is kept as a view of the frame."""
    at = r.depth
    out: dict[str, Any] = {}
    segs = r.segs
    if len(segs) <= at:
        segs.extend([0] * (at + 1 - len(segs)))
    for _ in range(n):
        r.depth = at
        key = _key(r)
        if key in out:
            r.duplicate(key)
        segs[at] = key
        r.depth = at + 1
        if not raw:
            value: Any = _value(r)
        else:
            kind = r.next()
            value = r.bin_view() if zmap and kind == "bin" and key == "b" else read_any(r, kind, True)
        if detect and key == "ztype" and isinstance(value, str):
            r.depth = at
            return None
        out[key] = value
    r.depth = at
    return out


def _has_ztype(r: Reader, n: int) -> bool:
    at = r.depth
    found = False
    keys: set[str] = set()
    for _ in range(n):
        r.depth = at
        key = r.key()
        if key in keys:
            r.duplicate(key)
        keys.add(key)
        r.set_seg(at, key)
        r.depth = at + 1
        kind = r.next()
        if key == "ztype" and kind == "str":
            found = True
        r.skip(kind)
    r.depth = at
    return found


def _read_zdata(r: Reader, n: int, body: int) -> Any:
    r.pos = body
    entries = _read_entries(r, n, True, False, True)
    assert entries is not None
    ztype = entries["ztype"]
    if is_known_ztype(ztype):
        try:
            return read_known_zdata(ztype, entries, r.copy)
        except VmpError as e:
            raise e.under(r.path()) from None
    reg = registered_type(ztype)
    if reg is not None:
        end = r.pos
        r.pos = body  # read again, in the caller's mode and with nested ZData interpreted
        fields = _read_entries(r, n, False, False, False)
        r.pos = end
        assert fields is not None
        try:
            return reg.decode(fields)
        except VmpError:
            raise
        except Exception as e:  # noqa: BLE001 (a custom decoder's failure is the frame's InvalidValue)
            raise make_error("InvalidValue", f"{ztype}: {e}", r.path()) from None
    if r.strict_ztype:
        raise make_error(
            "UnknownZType", f'no registered type is named "{ztype}" (strict mode)', [*r.path(), "ztype"]
        )
    b = entries.get("b")
    if isinstance(b, memoryview):
        entries["b"] = b.tobytes()
    return OpaqueZData(ztype, entries)


def _known_from_map(w: Writer, v: Mapping[str, Any]) -> Any:
    """The decoded form of a map whose ztype is known (written canonically); errors under the writer's path."""
    entries = {
        k: (memoryview(x) if k == "b" and isinstance(x, bytes | bytearray) else x) for k, x in v.items()
    }
    entries = {k: x for k, x in entries.items() if x is not UNSET}
    try:
        return read_known_zdata(v["ztype"], entries, True)
    except VmpError as e:
        raise e.under(w.path()) from None


def write_any(w: Writer, v: Any, raw: bool = False) -> None:
    """Writes a free-form value canonically (see the package docs for the Python types of each VMP kind)."""
    t = type(v)
    if t is str:
        w.string(v)
    elif t is int:
        w.integer(v)
    elif t is float:
        w.float64(v)
    elif t is bool:
        w.boolean(v)
    elif v is None:
        w.nil()
    elif t is dict:
        reg = registration_for(v)
        if reg is not None:
            return _write_custom(w, reg.name, reg.encode(v))
        _write_dict(w, v, raw)
    elif t is list:
        _write_list(w, v, raw)
    elif t is tuple:
        reg = registration_for(v)  # a match predicate may claim tuples
        if reg is not None:
            return _write_custom(w, reg.name, reg.encode(v))
        _write_list(w, v, raw)
    elif t is bytes or t is bytearray or t is memoryview:
        w.binary(v)
    elif t is Float32:
        w.float32(v)
    elif t is VmpFloat:
        w.float_bits(v.width, v.bits)
    else:
        reg = registration_for(v)
        if reg is not None:
            return _write_custom(w, reg.name, reg.encode(v))
        _write_object(w, v, raw)


def _write_object(w: Writer, v: Any, raw: bool) -> None:
    if isinstance(v, np.ndarray) or is_torch_tensor(v):
        return write_zdata(w, v)
    if isinstance(v, np.generic):
        return _write_numpy_scalar(w, v)
    if isinstance(v, ZImage | Safetensors | OpaqueZData | WideEmptyArray):
        return write_zdata(w, v)
    if isinstance(v, bool):
        return w.boolean(v)
    if isinstance(v, int):
        return w.integer(int(v))
    if isinstance(v, Float32):
        return w.float32(v)
    if isinstance(v, float):
        return w.float64(float(v))
    if isinstance(v, str):
        return w.string(v)  # a str subclass (an Enum member) writes its value
    if isinstance(v, bytes | bytearray | memoryview):
        return w.binary(v)
    if isinstance(v, Mapping):
        return _write_dict(w, v, raw)
    if isinstance(v, list | tuple):
        return _write_list(w, v, raw)
    if is_pil_image(v):
        return write_zdata(w, ZImage.from_pil(v))
    w.fail("WrongType", f"{type(v).__qualname__} has no VMP form (register a custom type for it)")


def _write_numpy_scalar(w: Writer, v: np.generic) -> None:
    """numpy scalars keep their kind and width (spec §3.3): float32 → float32, float64 → float64, integers →
    integers, bool → bool; float16 (and bfloat16) → float32 (exact); complex and others → a 0-d array."""
    if isinstance(v, np.bool_):
        return w.boolean(bool(v))
    if isinstance(v, np.integer):
        return w.integer(int(v))
    if isinstance(v, np.float64):
        return w.float64(float(v))
    if isinstance(v, np.float32 | np.float16) or v.dtype.name == "bfloat16":
        return w.float32(float(v))
    return write_zdata(w, np.asarray(v))


def _write_list(w: Writer, items: Sequence[Any], raw: bool) -> None:
    w.array_header(len(items))
    at = w.depth
    w.depth = at + 1
    segs = w.segs
    if len(segs) <= at:
        segs.extend([0] * (at + 1 - len(segs)))
    for i, x in enumerate(items):
        segs[at] = i
        if x is UNSET:
            w.fail("WrongType", "UNSET has no VMP form (use None)")
        write_any(w, x, raw)
    w.depth = at


def _write_dict(w: Writer, d: Mapping[Any, Any], raw: bool) -> None:
    ztype = d.get("ztype")
    if not raw and isinstance(ztype, str) and is_known_ztype(ztype):
        return write_zdata(w, _known_from_map(w, d))
    n = 0
    for x in d.values():
        if x is not UNSET:
            n += 1
    w.map_header(n)
    at = w.depth
    segs = w.segs
    if len(segs) <= at:
        segs.extend([0] * (at + 1 - len(segs)))
    for k, x in d.items():
        if type(k) is not str:
            if not isinstance(k, str):
                w.fail("NonStringKey", f"map keys must be strings, found {type(k).__qualname__}")
            k = str(k)
        if x is UNSET:
            continue
        w.string(k)
        segs[at] = k
        w.depth = at + 1
        write_any(w, x, raw)
        w.depth = at


def write_zdata(w: Writer, z: Any) -> None:
    """Writes a ZData value canonically (spec §7.2)."""
    at = w.depth
    if isinstance(z, OpaqueZData):
        return _write_dict(w, z.entries, True)
    if isinstance(z, ZImage):
        w.map_header(2 if z.format_entry is None else 3)
        w.string("ztype")
        w.string("image")
        w.string("b")
        w.binary(z.data)
        if z.format_entry is not None:
            w.string("format")
            w.string(z.format_entry)
        return
    if isinstance(z, Safetensors):
        w.map_header(2)
        w.string("ztype")
        w.string("safetensor.dict")
        w.string("b")
        w.binary(z.data)
        return
    ztype, dtype, shape, payload = array_payload(z, w.path())
    w.map_header(4)
    w.string("ztype")
    w.string(ztype)
    w.string("b")
    w.binary(payload)
    w.string("dtype")
    w.string(dtype)
    w.string("shape")
    w.set_seg(at, "shape")
    w.depth = at + 1
    w.array_header(len(shape))
    for d in shape:
        w.integer(d)
    w.depth = at


def _write_custom(w: Writer, ztype: str, fields: Mapping[str, Any]) -> None:
    if "ztype" in fields:
        w.fail("InvalidValue", f'the encoder of {ztype} returned a "ztype" field')
    _write_dict(w, {"ztype": ztype, **fields}, False)


# =============================================================================================================
# Schema-directed decoding
# =============================================================================================================

_readers: dict[int, tuple[object, Read]] = {}
_writers: dict[int, tuple[object, Write]] = {}


def reader_of(t: Desc) -> Read:
    hit = _readers.get(id(t))
    if hit is not None and hit[0] is t:
        return hit[1]
    read = _compile_reader(t)
    _readers[id(t)] = (t, read)
    return read


def _describe(r: Reader, kind: str) -> str:
    if kind == "int":
        return f"integer {r.ival}"
    if kind in ("float32", "float64"):
        return f"{kind} {r.fval!r}"
    if kind == "bool":
        return "true" if r.bval else "false"
    if kind == "str":
        return "a string"
    if kind == "bin":
        return f"bin ({r.length} bytes)"
    if kind == "array":
        return f"an array of {r.length}"
    if kind == "map":
        return f"a map of {r.length}"
    return "nil"


def _wrong_type(r: Reader, expected: str, kind: str) -> Any:
    schema_error(r, "WrongType", f"expected {expected}, got {_describe(r, kind)}")


def _compile_reader(t: Desc) -> Read:
    if isinstance(t, IntType):
        return _int_reader(t)
    if isinstance(t, FloatType):
        width = t.width
        return lambda r, kind: _read_float(r, width, kind)
    if isinstance(t, StringType):
        if (
            t.const is None
            and t.enum is None
            and t.pattern is None
            and t.min_length is None
            and t.max_length is None
        ):
            return lambda r, kind: r.string() if kind == "str" else _wrong_type(r, "a string", kind)

        def read_str(r: Reader, kind: str) -> Any:
            if kind != "str":
                return _wrong_type(r, "a string", kind)
            s = r.string()
            problem = string_problem(t, s)
            if problem is not None:
                schema_error(r, "InvalidValue", problem)
            return s

        return read_str
    kind_name = t.kind
    if kind_name == "bool":
        return lambda r, kind: r.bval if kind == "bool" else _wrong_type(r, "a boolean", kind)
    if kind_name == "null":
        return lambda r, kind: None if kind == "nil" else _wrong_type(r, "nil", kind)
    if kind_name == "bytes":
        return lambda r, kind: r.binary() if kind == "bin" else _wrong_type(r, "bytes (bin)", kind)
    if kind_name == "any":
        return read_any
    if kind_name == "zdata":
        return _read_zdata_field
    if isinstance(t, ArrayType):
        return _array_reader(t)
    if isinstance(t, MapType):
        return _map_reader(t)
    if isinstance(t, NullableType):
        inner = reader_of(t.inner)
        return lambda r, kind: None if kind == "nil" else inner(r, kind)
    if isinstance(t, RefType):
        target: list[Read] = []

        def read_ref(r: Reader, kind: str) -> Any:
            if not target:
                target.append(reader_of(t.get()))
            return target[0](r, kind)

        return read_ref
    if isinstance(t, AliasDesc):
        return reader_of(t.type)
    if isinstance(t, RecordDesc):
        if t.ztype is not None and is_known_ztype(t.ztype):
            return _zdata_record_reader(t)
        return _record_reader(t)
    if isinstance(t, UnionDesc):
        return _union_reader(t)
    raise TypeError(f"not a type descriptor: {t!r}")


def _int_reader(t: IntType) -> Read:
    lo, hi = t.min, t.max

    def read_int(r: Reader, kind: str) -> Any:
        if kind == "int":
            v = r.ival
        elif kind == "float64" or kind == "float32":
            f = r.fval
            if not math.isfinite(f) or not f.is_integer():
                schema_error(r, "WrongType", f"expected an integer, got {kind} {f!r}")
            v = int(f)  # -0.0 reads as 0
        else:
            return _wrong_type(r, "an integer", kind)
        if v < lo or v > hi:
            schema_error(r, "IntegerOutOfRange", f"{v} is outside {lo}..{hi}")
        return v

    return read_int


def _nan(width: int, source: int, bits: int) -> float | VmpFloat:
    if width == source:
        converted = bits
    elif width == 64:
        converted = widen_bits(bits)
    else:
        converted = narrow_nan_bits(bits)
    canonical = CANONICAL_NAN64 if width == 64 else CANONICAL_NAN32
    return math.nan if converted == canonical else VmpFloat(64 if width == 64 else 32, converted)


def _read_float(r: Reader, width: int, kind: str) -> Any:
    if kind == "float64" or kind == "float32":
        v = r.fval
        if math.isnan(v):
            return _nan(width, 64 if kind == "float64" else 32, r.float_bits()) if r.lossless else v
        if width == 32 and kind == "float64" and not _exact_f32(v):
            schema_error(r, "InvalidValue", f"{v!r} has no exact float32 form")
        return v
    if kind != "int":
        return _wrong_type(r, "a number", kind)
    i = r.ival
    x = float(i)
    if int(x) != i or (width == 32 and not _exact_f32(x)):
        schema_error(r, "InvalidValue", f"{i} has no exact float{width} form")
    return x


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
    if t.min_items is not None and n < t.min_items:
        return f"expected at least {t.min_items} items, got {n}"
    if t.max_items is not None and n > t.max_items:
        return f"expected at most {t.max_items} items, got {n}"
    return None


def _array_reader(t: ArrayType) -> Read:
    item_desc = t.items

    item_box: list[Read] = []

    def read_array(r: Reader, kind: str) -> Any:
        if kind != "array":
            return _wrong_type(r, "an array", kind)
        if not item_box:
            item_box.append(reader_of(item_desc))
        item = item_box[0]
        n = r.length
        at = r.depth
        if at >= MAX_DEPTH:
            r.enter()
        r.depth = at + 1
        segs = r.segs
        if len(segs) <= at:
            segs.extend([0] * (at + 1 - len(segs)))
        items: list[Any] = []
        nxt = r.next
        for i in range(n):
            segs[at] = i
            items.append(item(r, nxt()))
        r.depth = at
        problem = count_problem(t, n)
        if problem is not None:
            schema_error(r, "InvalidValue", problem)
        return items

    return read_array


def _map_reader(t: MapType) -> Read:
    values_desc = t.values

    def read_map(r: Reader, kind: str) -> Any:
        if kind != "map":
            return _wrong_type(r, "a map", kind)
        value = reader_of(values_desc)
        n = r.length
        r.enter()
        at = r.depth
        out: dict[str, Any] = {}
        for _ in range(n):
            r.depth = at
            key = r.key()
            if key in out:
                r.duplicate(key)
            r.set_seg(at, key)
            r.depth = at + 1
            out[key] = value(r, r.next())
        r.depth = at
        return out

    return read_map


def _record_reader(t: RecordDesc) -> Read:
    fields = t.fields
    names = [f.name for f in fields]
    attrs = [f.attr for f in fields]
    index = {name: i for i, name in enumerate(names)}
    required = [j for j, f in enumerate(fields) if f.required]
    is_open = t.open
    reads: list[Read] = []
    cls_box: list[type | None] = []

    def read_record(r: Reader, kind: str) -> Any:
        if kind != "map":
            return _wrong_type(r, f"a map ({t.name})", kind)
        if not reads:
            reads.extend(reader_of(f.type) for f in fields)
            cls_box.append(t.cls() if t.cls is not None else None)
        n = r.length
        at = r.depth
        if at >= MAX_DEPTH:
            r.enter()
        got: dict[int, Any] = {}
        extras: dict[str, Any] | None = None
        segs = r.segs
        if len(segs) <= at:
            segs.extend([0] * (at + 1 - len(segs)))
        inner = at + 1
        for _ in range(n):
            r.depth = at
            key = _key(r)
            segs[at] = key
            j = index.get(key)
            if j is not None:
                if j in got:
                    r.duplicate(key)
                r.depth = inner
                got[j] = reads[j](r, r.next())
            else:
                if extras is not None and key in extras:
                    r.duplicate(key)
                r.depth = inner
                if not is_open:
                    schema_error(r, "InvalidValue", f'unknown field "{key}" in a closed record ({t.name})')
                if extras is None:
                    extras = {}
                extras[key] = read_any(r, r.next())
        r.depth = at
        for j in required:
            if j not in got:
                schema_error(r, "MissingField", "required field is missing", names[j])
        cls = cls_box[0]
        if cls is None or r.as_dict:
            out = {names[j]: got[j] for j in sorted(got)}
            if extras:
                out.update(extras)
            return out
        kwargs = {attrs[j]: v for j, v in got.items()}
        if extras:
            kwargs["extra"] = extras
        return cls(**kwargs)

    return read_record


def zdata_ztype(v: Any) -> str | None:
    """The ztype a decoded value re-encodes with, for the known ZData classes; None otherwise."""
    if isinstance(v, np.ndarray):
        return "torch.Tensor" if isinstance(v, TensorArray) else "numpy.ndarray"
    if is_torch_tensor(v):
        return "torch.Tensor"
    if isinstance(v, ZImage):
        return "image"
    if isinstance(v, WideEmptyArray):
        return v.ztype
    if isinstance(v, Safetensors):
        return "safetensor.dict"
    return None


def _zdata_record_reader(t: RecordDesc) -> Read:
    as_record = _record_reader(t)

    def read_zrecord(r: Reader, kind: str) -> Any:
        if kind != "map":
            return _wrong_type(r, f"a map ({t.name})", kind)
        n = r.length
        body = r.pos
        at = r.depth
        v = read_any(r, kind)
        ztype = zdata_ztype(v)
        if ztype is None:
            r.pos = body
            r.depth = at
            r.length = n
            return as_record(r, kind)
        if ztype != t.ztype:
            schema_error(
                r, "InvalidValue", f"expected {json.dumps(t.ztype)}, got {json.dumps(ztype)}", "ztype"
            )
        return v

    return read_zrecord


def _read_zdata_field(r: Reader, kind: str) -> Any:
    if kind != "map":
        return _wrong_type(r, "ZData (a map with a string ztype)", kind)
    v = read_any(r, kind)
    if type(v) is not dict:
        return v
    if "ztype" not in v:
        schema_error(r, "MissingField", "ZData needs a ztype", "ztype")
    if isinstance(v["ztype"], str):
        return v
    schema_error(r, "WrongType", "ztype must be a string", "ztype")


def _union_reader(t: UnionDesc) -> Read:
    def read_union(r: Reader, kind: str) -> Any:
        if kind != "map":
            return _wrong_type(r, f"a map ({t.name})", kind)
        n = r.length
        body = r.pos
        at = r.depth
        r.enter()
        tag: str | None = None
        for _ in range(n):
            r.depth = at
            key = r.key()
            r.set_seg(at, key)
            r.depth = at + 1
            k = r.next()
            if key == t.tag and k == "str":
                tag = r.string()
            else:
                r.skip(k)
        r.depth = at
        r.pos = body
        r.length = n
        variant = t.variants.get(tag) if tag is not None else None
        if variant is None:
            what = "is missing" if tag is None else json.dumps(tag)
            schema_error(r, "InvalidValue", f"{t.tag} {what}: no variant of {t.name} matches")
        return reader_of(variant())(r, kind)

    return read_union


# =============================================================================================================
# Schema-directed encoding
# =============================================================================================================


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
    if not math.isnan(x) and not _exact_f32(x):
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
            z = _known_from_map(w, v)
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


def _union_writer(t: UnionDesc) -> Write:
    def write_union(w: Writer, v: Any) -> None:
        if isinstance(v, Mapping):
            tag = v.get(t.tag)
        elif dataclasses.is_dataclass(v):
            tag = _tag_of(v, t.tag)
        else:
            return _wrong(w, f"a record ({t.name})", v)  # type: ignore[no-any-return]
        variant = t.variants.get(tag) if isinstance(tag, str) else None
        if variant is None:
            what = "is missing" if tag is None or tag is UNSET else json.dumps(tag)
            w.fail("InvalidValue", f"{t.tag} {what}: no variant of {t.name} matches")
        writer_of(variant())(w, v)

    return write_union


def _tag_of(v: Any, tag: str) -> Any:
    for f in dataclasses.fields(v):
        if f.name == tag or f.metadata.get("wire") == tag:
            return getattr(v, f.name)
    attr = re.sub(r"(?<!^)(?=[A-Z])", "_", tag).lower()
    return getattr(v, attr, getattr(v, tag, None))


# =============================================================================================================
# Entry points
# =============================================================================================================


def encode(desc: Desc, value: Any) -> bytes:
    """Encodes ``value`` as ``desc``, canonically; a VmpError (with the path) for a value ``desc`` does not admit."""
    if _fast.AVAILABLE:
        try:
            return _fast.encode_fast(desc, value)
        except _fast.Fallback:
            pass
    _ensure_recursion()
    w = Writer()
    writer_of(desc)(w, value)
    return w.getvalue()


def encode_into(desc: Desc, value: Any, buf: bytearray, offset: int = 0) -> int:
    """Encodes ``value`` as ``desc`` (as :func:`encode` does) into ``buf`` at ``offset``; returns the frame's length.

    ``buf`` ends right after the frame (grown or cut to ``offset`` + length); bytes before ``offset`` are kept.
    Reusing one ``bytearray`` across frames avoids allocating (and faulting in) a fresh buffer per frame, which is
    what big tensor frames cost with :func:`encode`. On a VmpError ``buf`` is left unchanged.
    """
    if not isinstance(buf, bytearray):
        raise TypeError(f"encode_into needs a bytearray, got {type(buf).__qualname__}")
    _ensure_recursion()
    w = Writer()
    writer_of(desc)(w, value)
    return w.write_into(buf, offset)


def encode_value(value: Any) -> bytes:
    """Encodes a free-form value (type ``any``) canonically."""
    _ensure_recursion()
    w = Writer()
    if value is UNSET:
        w.fail("WrongType", "UNSET has no VMP form (use None)")
    write_any(w, value)
    return w.getvalue()


def _decode_with(data: bytes | bytearray | memoryview, read: Callable[[Reader], Any], **options: bool) -> Any:
    _ensure_recursion()
    r = Reader(data, **options)
    try:
        v = read(r)
        r.finish()
        return v
    except VmpError as e:
        # Spec §8.1: wire errors before schema errors. A schema error (no offset) may sit before a wire error
        # further on: the frame is scanned, and a wire error found there wins. Valid frames never pay for this.
        if e.offset is None:
            scan = Reader(data)
            scan.skip(scan.next())
            scan.finish()
        raise


def decode(
    desc: Desc,
    data: bytes | bytearray | memoryview,
    *,
    lossless: bool = False,
    strict_ztype: bool = False,
    copy: bool = False,
    as_dict: bool = False,
) -> Any:
    """Decodes one frame as ``desc``, validating it.

    ``lossless``: free-form float32 stays :class:`Float32` and NaN payloads :class:`VmpFloat` (what a relay
    needs). ``strict_ztype``: an unknown ztype is ``UnknownZType``. ``copy``: arrays are writable copies instead
    of read-only views of ``data``. ``as_dict``: records as dicts keyed by wire name instead of dataclasses.
    """
    if not lossless and _fast.AVAILABLE and len(data) <= _fast.MAX_FRAME:
        try:
            return _fast.decode_fast(desc, data, copy, as_dict)
        except _fast.Fallback:
            pass
    read = reader_of(desc)
    return _decode_with(
        data,
        lambda r: read(r, r.next()),
        lossless=lossless,
        strict_ztype=strict_ztype,
        copy=copy,
        as_dict=as_dict,
    )


def decode_value(
    data: bytes | bytearray | memoryview,
    *,
    lossless: bool = False,
    strict_ztype: bool = False,
    copy: bool = False,
) -> Any:
    """Decodes one frame as a free-form value (type ``any``); ``lossless=True`` for a relay."""
    return _decode_with(
        data, lambda r: read_any(r, r.next()), lossless=lossless, strict_ztype=strict_ztype, copy=copy
    )


# -- message selection (spec §4.6) -----------------------------------------------------------------------------

_RESPONSE: Final = re.compile(r"^(.+)_RESPONSE@(.+)\Z", re.DOTALL)


class _Catalogue:
    __slots__ = ("by_etype", "message", "patterned", "rpc_response")

    def __init__(self, messages: Sequence[RecordDesc]) -> None:
        events = [m for m in messages if m.event is not None and m.event.envelope != m.name]
        self.by_etype = {
            m.event.etype: m for m in events if m.event is not None and m.event.etype is not None
        }
        self.patterned = [
            m
            for m in events
            if m.event is not None and m.event.etype is None and m.event.etype_pattern is not None
        ]
        self.rpc_response = next((m for m in messages if m.name == "RpcResponse"), None)
        self.message = next((m for m in messages if m.name == "Message"), None)


_catalogues: dict[int, tuple[object, _Catalogue]] = {}


def _catalogue(messages: Sequence[RecordDesc]) -> _Catalogue:
    hit = _catalogues.get(id(messages))
    if hit is not None and hit[0] is messages:
        return hit[1]
    c = _Catalogue(messages)
    if isinstance(messages, tuple):
        _catalogues[id(messages)] = (messages, c)
    return c


def select_message(value_or_bytes: Any, messages: Sequence[RecordDesc]) -> RecordDesc:
    """The message type of a frame (bytes) or of a decoded message (spec §4.6). ``messages`` must include the
    ``RpcResponse`` and ``Message`` descriptors."""
    if isinstance(value_or_bytes, bytes | bytearray | memoryview):
        etype, has_ok = _scan_message(value_or_bytes)
    else:
        etype, has_ok = _inspect_message(value_or_bytes)
    c = _catalogue(messages)
    exact = c.by_etype.get(etype)
    if exact is not None:
        return exact
    for m in c.patterned:
        assert m.event is not None and m.event.etype_pattern is not None
        if m.event.etype_pattern.search(etype):
            return m
    fallback = c.rpc_response if _RESPONSE.match(etype) or has_ok else c.message
    if fallback is None:
        raise ValueError("select_message needs the RpcResponse and Message descriptors among the messages")
    return fallback


def decode_message(
    data: bytes | bytearray | memoryview, messages: Sequence[RecordDesc], **options: bool
) -> tuple[RecordDesc, Any]:
    """Selects the message type of a frame and decodes the frame as that type."""
    desc = select_message(data, messages)
    return desc, decode(desc, data, **options)


def _scan_message(data: bytes | bytearray | memoryview) -> tuple[str, bool]:
    r = Reader(data)
    kind = r.next()
    if kind != "map":
        raise make_error("WrongType", f"a message is a map, got {kind}")
    n = r.length
    r.enter()
    etype: Any = None
    has_ok = False
    keys: set[str] = set()
    for _ in range(n):
        r.depth = 0
        key = r.key()
        if key in keys:
            r.duplicate(key)
        keys.add(key)
        r.set_seg(0, key)
        r.depth = 1
        k = r.next()
        if key == "etype" and k == "str":
            etype = r.string()
        else:
            r.skip(k)
        if key == "ok":
            has_ok = True
    r.depth = 0
    r.finish()
    return _check_etype(etype, "etype" in keys), has_ok


def _inspect_message(value: Any) -> tuple[str, bool]:
    if isinstance(value, Mapping):
        present = "etype" in value and value["etype"] is not UNSET
        etype = value.get("etype")
        ok = value.get("ok", UNSET)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        etype = getattr(value, "etype", UNSET)
        present = etype is not UNSET
        ok = getattr(value, "ok", UNSET)
    else:
        raise make_error("WrongType", "a message is a map")
    return _check_etype(etype, present), ok is not UNSET


def _check_etype(etype: Any, present: bool) -> str:
    if not present:
        raise make_error("MissingField", "a message needs an etype", ["etype"])
    if not isinstance(etype, str):
        raise make_error("WrongType", "etype must be a string", ["etype"])
    return etype


__all__ = [
    "ErrorKind",
    "decode",
    "decode_message",
    "decode_value",
    "encode",
    "encode_into",
    "encode_value",
    "read_any",
    "reader_of",
    "select_message",
    "write_any",
    "write_zdata",
    "writer_of",
]
