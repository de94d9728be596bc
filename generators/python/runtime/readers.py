"""Schema-directed decoding: a reader per descriptor, compiled once and cached.

Readers validate as they read, with the kinds and paths of the reference validator (spec §8.3), and accept every
valid encoding (spec §3.11).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any, Final

from .free_form import read_any, read_key
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
)
from .value import CANONICAL_NAN32, CANONICAL_NAN64, VmpFloat, exact_f32, narrow_nan_bits, widen_bits
from .wire import MAX_DEPTH, Reader, schema_error
from .zdata import array_meta, array_problem, as_numpy_array, is_known_ztype, zdata_ztype

Read = Callable[[Reader, str], Any]

_readers: dict[int, tuple[object, Read]] = {}


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
        return _read_bytes
    if kind_name == "any":
        return read_any
    if kind_name == "zdata":
        return _read_zdata_field
    if isinstance(t, NdArrayType):
        return _ndarray_reader(t)
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
        if width == 32 and kind == "float64" and not exact_f32(v):
            schema_error(r, "InvalidValue", f"{v!r} has no exact float32 form")
        return v
    if kind != "int":
        return _wrong_type(r, "a number", kind)
    i = r.ival
    x = float(i)
    if int(x) != i or (width == 32 and not exact_f32(x)):
        schema_error(r, "InvalidValue", f"{i} has no exact float{width} form")
    return x


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


def _read_bytes(r: Reader, kind: str) -> Any:
    if kind == "bin":
        return r.binary()
    if kind == "map":
        return _read_wrapped_bytes(r)
    return _wrong_type(r, "bytes (bin)", kind)


def _peek_string(r: Reader, key: str) -> str | None:
    """The string value of ``key`` in the map whose header was just read (looked up ahead, wherever it is), or
    None; the reader is left before the map's entries, as it was."""
    n = r.length
    body = r.pos
    at = r.depth
    r.enter()
    found: str | None = None
    for _ in range(n):
        r.depth = at
        k = r.key()
        r.set_seg(at, k)
        r.depth = at + 1
        kind = r.next()
        if k == key and kind == "str":
            found = r.string()
        else:
            r.skip(kind)
    r.depth = at
    r.pos = body
    r.length = n
    return found


def _read_wrapped_bytes(r: Reader) -> bytes:
    """vrpc-ts's ``{ztype: "Uint8Array", b, length}`` where bytes are declared (spec §7.6).

    Read as that ZData, with its checks, and returned as its bytes. The ``ztype`` entry is looked up ahead; any
    other map is ``WrongType``.
    """
    if _peek_string(r, "ztype") != "Uint8Array":
        schema_error(r, "WrongType", f"expected bytes (bin), got {_describe(r, 'map')}")
    array = read_any(r, "map")
    return bytes(array.data)


def _is_catalogued_response(t: RecordDesc) -> bool:
    """A catalogued message type selected by an ``etype`` pattern: a response of spec §5.3 (§4.6 rule 4)."""
    ev = t.event
    return ev is not None and ev.envelope != t.name and ev.etype is None and ev.etype_pattern is not None


_STATUS_KEYS: Final = frozenset(("ok", "error", "data", "value"))


def _is_success_status(r: Reader, key: str) -> bool:
    """Whether an undeclared entry of a catalogued response is the success status the upstream helpers add.

    ``ok: true``, or nil in ``error``, ``data`` or ``value`` (spec §4.4). Reads the value when it is; otherwise
    leaves the reader before the value.
    """
    if key not in _STATUS_KEYS:
        return False
    start = r.pos
    kind = r.next()
    if (kind == "bool" and r.bval) if key == "ok" else kind == "nil":
        return True
    r.pos = start
    return False


def _record_reader(t: RecordDesc) -> Read:
    fields = t.fields
    names = [f.name for f in fields]
    attrs = [f.attr for f in fields]
    index = {name: i for i, name in enumerate(names)}
    required = [j for j, f in enumerate(fields) if f.required]
    is_open = t.open
    response = _is_catalogued_response(t)
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
        dropped: list[str] | None = None  # a response's success status, read as absent
        segs = r.segs
        if len(segs) <= at:
            segs.extend([0] * (at + 1 - len(segs)))
        inner = at + 1
        for _ in range(n):
            r.depth = at
            key = read_key(r)
            segs[at] = key
            j = index.get(key)
            if j is not None:
                if j in got:
                    r.duplicate(key)
                r.depth = inner
                got[j] = reads[j](r, r.next())
            else:
                if (extras is not None and key in extras) or (dropped is not None and key in dropped):
                    r.duplicate(key)
                r.depth = inner
                if response and _is_success_status(r, key):
                    if dropped is None:
                        dropped = []
                    dropped.append(key)
                    continue
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


def _ndarray_reader(t: NdArrayType) -> Read:
    """A typed array field (SPEC §7.11): ZData that decodes to an array whose dtype and shape the field allows,
    as a numpy array."""

    def read_ndarray(r: Reader, kind: str) -> Any:
        v = _read_zdata_field(r, kind)
        meta = array_meta(v)
        if meta is None:
            schema_error(
                r, "InvalidValue", "expected an array (numpy.ndarray, torch.Tensor or a typed array)", "ztype"
            )
        problem = array_problem(t.dtypes, t.shape, *meta)
        if problem is not None:
            schema_error(r, "InvalidValue", problem)
        return as_numpy_array(v)

    return read_ndarray


def _union_reader(t: UnionDesc) -> Read:
    def read_union(r: Reader, kind: str) -> Any:
        if kind != "map":
            return _wrong_type(r, f"a map ({t.name})", kind)
        tag = _peek_string(r, t.tag)
        variant = t.variants.get(tag) if tag is not None else None
        if variant is None:
            what = "is missing" if tag is None else json.dumps(tag)
            schema_error(r, "InvalidValue", f"{t.tag} {what}: no variant of {t.name} matches")
        return reader_of(variant())(r, kind)

    return read_union
