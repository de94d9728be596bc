"""The JSON form (spec §9): the JSON text users author and read, shared by every binding and the CLI.

Same structure as the MessagePack value, compact separators, bytes as ``{"__bytes__": "<base64>"}`` (vrpc-py's
JSONSerializer convention), ZData as its map. It goes through the schema both ways: ``to_json`` encodes the value
canonically and prints those bytes (a float field holding 1 prints ``1.0``); ``from_json`` turns the text into
MessagePack and decodes that as the type (in a float field ``2`` reads as 2.0, in an integer field
``1700000000000.0`` as an integer).
"""

from __future__ import annotations

import base64
import binascii
import decimal
import json
import math
from typing import Any

from .codec import decode, encode
from .errors import make_error
from .schema import Desc
from .wire import MAX_DEPTH, Reader, Writer


def to_json(desc: Desc, value: Any, indent: int | None = None) -> str:
    """The JSON form of ``value`` read as ``desc``. Non-finite floats have none: ``InvalidValue``."""
    return msgpack_to_json(desc, encode(desc, value), indent)


def msgpack_to_json(
    desc: Desc | None, data: bytes | bytearray | memoryview, indent: int | None = None
) -> str:
    """Canonical (or any valid) MessagePack to the JSON form; with ``desc`` the frame is validated first."""
    if desc is not None:
        data = encode(desc, decode(desc, data, lossless=True))
    r = Reader(data)
    out: list[str] = []
    _print(r, r.next(), indent or 0, 0, out)
    r.finish()
    return "".join(out)


def from_json(desc: Desc, text: str, **options: bool) -> Any:
    """Reads JSON text as ``desc`` (validating it like ``decode``, which takes the same options)."""
    return decode(desc, json_to_msgpack_raw(text), **options)


def json_to_msgpack(desc: Desc, text: str) -> bytes:
    """JSON text to canonical MessagePack through the schema (spec §9.4)."""
    return encode(desc, from_json(desc, text, lossless=True))


# -- printing --------------------------------------------------------------------------------------------------


def js_number(x: float) -> str:
    """A float64 as ECMAScript's Number.prototype.toString writes it, with ``.0`` when it reads as an integer."""
    if x == 0:
        return "-0.0" if math.copysign(1.0, x) < 0 else "0.0"
    sign = "-" if x < 0 else ""
    t = decimal.Decimal(repr(abs(x))).normalize().as_tuple()
    digits = "".join(map(str, t.digits))
    assert isinstance(t.exponent, int)
    k = len(digits)
    n = t.exponent + k
    if k <= n <= 21:
        s = digits + "0" * (n - k)
    elif 0 < n <= 21:
        s = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        s = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        s = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))
    if "." not in s and "e" not in s:
        s += ".0"
    return sign + s


def _string(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _print(r: Reader, kind: str, indent: int, level: int, out: list[str]) -> None:
    if kind == "nil":
        out.append("null")
    elif kind == "bool":
        out.append("true" if r.bval else "false")
    elif kind == "int":
        out.append(str(r.ival))
    elif kind in ("float32", "float64"):
        if not math.isfinite(r.fval):
            raise make_error("InvalidValue", f"{r.fval!r} has no JSON form", r.path())
        out.append(js_number(r.fval))
    elif kind == "str":
        out.append(_string(r.string()))
    elif kind == "bin":
        b64 = base64.b64encode(r.binary()).decode("ascii")
        if indent:
            inner = "\n" + " " * (indent * (level + 1))
            out.append("{" + inner + '"__bytes__": "' + b64 + '"\n' + " " * (indent * level) + "}")
        else:
            out.append('{"__bytes__":"' + b64 + '"}')
    elif kind == "array":
        n = r.length
        r.enter()
        at = r.depth
        r.depth = at + 1
        out.append("[" if n else "[]")
        for i in range(n):
            r.set_seg(at, i)
            if i:
                out.append(",")
            if indent:
                out.append("\n" + " " * (indent * (level + 1)))
            _print(r, r.next(), indent, level + 1, out)
        if n:
            out.append(("\n" + " " * (indent * level) if indent else "") + "]")
        r.depth = at
    else:
        n = r.length
        r.enter()
        at = r.depth
        if n == 0:
            out.append("{}")
        else:
            out.append("{")
        for i in range(n):
            r.depth = at
            key = r.key()
            if n == 1 and key == "__bytes__":
                raise make_error(
                    "InvalidValue",
                    "a map whose only key is __bytes__ has no JSON form (it reads as bytes)",
                    r.path(),
                )
            r.set_seg(at, key)
            r.depth = at + 1
            if i:
                out.append(",")
            if indent:
                out.append("\n" + " " * (indent * (level + 1)))
            out.append(_string(key) + (": " if indent else ":"))
            _print(r, r.next(), indent, level + 1, out)
        if n:
            out.append(("\n" + " " * (indent * level) if indent else "") + "}")
        r.depth = at


# -- reading ---------------------------------------------------------------------------------------------------


class _Bytes(bytes):
    """Bytes parsed from ``{"__bytes__": …}`` (a distinct type only inside the parser)."""


def _pairs(pairs: list[tuple[str, Any]]) -> Any:
    if len(pairs) == 1 and pairs[0][0] == "__bytes__" and isinstance(pairs[0][1], str):
        try:
            return _Bytes(base64.b64decode(pairs[0][1], validate=True))
        except (binascii.Error, ValueError):
            raise make_error("InvalidValue", "__bytes__ holds invalid base64") from None
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise make_error("DuplicateKey", f"duplicate member {_string(k)}")
        out[k] = v
    return out


def _float(s: str) -> float:
    x = float(s)
    if math.isinf(x):
        raise make_error("InvalidValue", f"{s} rounds to an infinity")
    return x


def _int(s: str) -> int:
    i = int(s)
    if i < -(1 << 63) or i > (1 << 64) - 1:
        raise make_error("IntegerOutOfRange", f"{s} is outside -2^63..2^64-1")
    return i


def _constant(s: str) -> Any:
    raise make_error("InvalidValue", f"{s} is not JSON")


def json_to_msgpack_raw(text: str) -> bytes:
    """JSON text as MessagePack, without a schema: integers as integers, other numbers as float64, maps as
    written (``ztype`` is interpreted by ``decode``, where it applies)."""
    try:
        v = json.loads(
            text, object_pairs_hook=_pairs, parse_float=_float, parse_int=_int, parse_constant=_constant
        )
    except RecursionError:
        raise make_error("DepthExceeded", f"more than {MAX_DEPTH} nested containers") from None
    except json.JSONDecodeError as e:
        raise make_error("InvalidValue", f"not JSON: {e.msg} at character {e.pos}") from None
    w = Writer()
    _write(w, v)
    return w.getvalue()


def _write(w: Writer, v: Any) -> None:
    if isinstance(v, dict):
        w.map_header(len(v))
        at = w.depth
        for k, x in v.items():
            w.string(k)
            w.set_seg(at, k)
            w.depth = at + 1
            _write(w, x)
            w.depth = at
    elif isinstance(v, list):
        w.array_header(len(v))
        at = w.depth
        w.depth = at + 1
        for i, x in enumerate(v):
            w.set_seg(at, i)
            _write(w, x)
        w.depth = at
    elif isinstance(v, bytes):
        w.binary(v)
    elif isinstance(v, str):
        w.string(v)
    elif v is None:
        w.nil()
    elif isinstance(v, bool):
        w.boolean(v)
    elif isinstance(v, int):
        w.integer(v)
    else:
        w.float64(v)
