"""The conformance testee of the Python binding: the testee protocol (conformance/README.md) on stdin/stdout,
answered with the ``vmp_protocol`` package's API, imported as any user imports it (``npm run setup`` installs the
package in .venv). ``vmp conformance --lang py`` runs it as ``.venv/bin/python conformance/testees/py/testee.py``
from the repository root; typed_json.py maps typed JSON to the binding's values and back.
"""

from __future__ import annotations

import json
import re
import struct
import sys
from typing import Any, BinaryIO

import vmp_protocol
from typed_json import BadRequest, Json, from_json, to_json
from vmp_protocol import VmpError, decode, decode_value, encode, encode_value, format_path, schema
from vmp_protocol._runtime.schema import AliasDesc, AnyType, NamedDesc, RecordDesc, TypeDesc, UnionDesc

OPS = ["decode", "encode", "reencode", "validate"]
OPTIONS = {"strictZType"}
MAX_FRAME = 64 * 1024 * 1024


def _descriptors() -> dict[str, NamedDesc]:
    """Every descriptor the package declares, by its spec name (the module attribute may differ)."""
    out: dict[str, NamedDesc] = {}
    for value in vars(schema).values():
        if isinstance(value, RecordDesc | UnionDesc | AliasDesc):
            out[value.name] = value
    return out


DESCRIPTORS = _descriptors()


def descriptor(type_name: Json) -> NamedDesc | None:
    """The descriptor of a request's ``type``; None for ``any`` (a bare value)."""
    if type_name == "any":
        return None
    d = DESCRIPTORS.get(type_name) if isinstance(type_name, str) else None
    if d is None:
        raise BadRequest(f"unknown type {json.dumps(type_name)}")
    return d


def read(desc: NamedDesc | None, request: dict[str, Any], strict_ztype: bool) -> Any:
    """Decodes losslessly as ``desc`` (validating), or as a bare value."""
    h = request.get("hex")
    if not isinstance(h, str) or not re.fullmatch(r"(?:[0-9a-fA-F]{2})*", h):
        raise BadRequest("hex must be hex")
    data = bytes.fromhex(h)
    if desc is None:
        return decode_value(data, lossless=True, strict_ztype=strict_ztype)
    return decode(desc, data, lossless=True, strict_ztype=strict_ztype, as_dict=True)


def write(desc: NamedDesc | None, value: Any) -> bytes:
    return bytes(encode_value(value) if desc is None else encode(desc, value))


def answer(request: dict[str, Any]) -> dict[str, Any]:
    op = request.get("op")
    if op == "hello":
        return {"ok": True, "name": "vmp-protocol", "version": vmp_protocol.__version__, "ops": OPS}
    if not isinstance(op, str) or op not in OPS:
        return {"ok": False, "skipped": f"unknown op {json.dumps(op)}"}
    options = request.get("options") or {}
    unsupported = [k for k in options if k not in OPTIONS]
    if unsupported:
        return {"ok": False, "skipped": f"option {unsupported[0]} is not supported"}
    strict = options.get("strictZType") is True
    desc = descriptor(request.get("type"))
    t: TypeDesc | NamedDesc = AnyType() if desc is None else desc
    if op == "decode":
        return {"ok": True, "value": to_json(read(desc, request, strict), t)}
    if op == "validate":
        read(desc, request, strict)
        return {"ok": True}
    if op == "reencode":
        return {"ok": True, "hex": write(desc, read(desc, request, strict)).hex()}
    return {"ok": True, "hex": write(desc, from_json(request.get("value"), t)).hex()}


def handle(request: dict[str, Any]) -> dict[str, Any]:
    try:
        return answer(request)
    except VmpError as e:
        return {"ok": False, "error": {"kind": e.kind, "path": format_path(e.path), "message": e.reason}}
    except BadRequest as e:
        return {"ok": False, "error": {"kind": "BadRequest", "message": str(e)}}
    except Exception as e:  # noqa: BLE001 - every other failure is the binding's, reported as Internal
        return {"ok": False, "error": {"kind": "Internal", "message": f"{type(e).__name__}: {e}"}}


# -----------------------------------------------------------------------------------------------------------
# Framing: a 4-byte little-endian length, then that many bytes of UTF-8 JSON, both ways.


def read_frame(f: BinaryIO) -> dict[str, Any] | None:
    head = f.read(4)
    if len(head) == 0:
        return None
    if len(head) < 4:
        raise EOFError(f"input ended inside a frame header ({len(head)} bytes)")
    (n,) = struct.unpack("<I", head)
    if n > MAX_FRAME:
        raise ValueError(f"request frame of {n} bytes is over the limit of {MAX_FRAME}")
    body = f.read(n)
    if len(body) < n:
        raise EOFError(f"input ended inside a frame ({len(body)} of {n} bytes)")
    request = json.loads(body.decode("utf-8"))
    if not isinstance(request, dict):
        raise ValueError("a request frame must hold a JSON object")  # noqa: TRY004 - a protocol error, not a type error
    return request


def write_frame(f: BinaryIO, obj: dict[str, Any]) -> None:
    body = json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")
    f.write(struct.pack("<I", len(body)) + body)
    f.flush()


def main() -> int:
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            request = read_frame(stdin)
        except (EOFError, ValueError) as e:
            print(f"vmp-protocol testee: {e}", file=sys.stderr)
            return 2
        if request is None or request.get("op") == "quit":
            return 0
        write_frame(stdout, handle(request))


if __name__ == "__main__":
    sys.exit(main())
