"""Free-form values (type ``any``, spec §2): reading any item into its Python value and writing any Python value
canonically, ZData maps included (spec §7).

The schema-directed readers and writers (readers.py, writers.py) use these for ``any`` fields and ZData.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .errors import VmpError, make_error
from .registry import registered_type, registration_for
from .safetensors import Safetensors
from .value import CANONICAL_NAN32, CANONICAL_NAN64, UNSET, Float32, VmpFloat
from .wire import Reader, Writer
from .zdata import (
    OpaqueZData,
    WideEmptyArray,
    ZImage,
    array_payload,
    is_known_ztype,
    is_pil_image,
    is_torch_tensor,
    read_known_zdata,
)


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


def read_key(r: Reader) -> str:
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
        key = read_key(r)
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


def known_from_map(w: Writer, v: Mapping[str, Any]) -> Any:
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
        return write_zdata(w, known_from_map(w, d))
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
