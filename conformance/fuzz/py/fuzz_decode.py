"""Coverage-guided fuzzing of the Python binding with atheris: each input is decoded with ``vmp_protocol`` as a
user decodes a frame, and what is accepted must relay losslessly.

The input format is the harnesses' shared one (conformance/fuzz/src/corpus.ts): a flags byte (bit 0:
strictZType), the type name (``any`` for a bare value), a 0 byte, the frame. A frame may be rejected with any
``VmpError``; any other exception, a re-encode that fails, or bytes that do not decode and re-encode to themselves
is a finding. How to run it: conformance/fuzz/README.md.
"""

from __future__ import annotations

import sys
from typing import Any

import atheris
import numpy  # noqa: F401 - imported before instrumenting, so that coverage is the binding's, not numpy's

with atheris.instrument_imports():
    import vmp_protocol
    from vmp_protocol import VmpError, decode, decode_value, encode, encode_value, schema
    from vmp_protocol._runtime.schema import AliasDesc, NamedDesc, RecordDesc, UnionDesc


def _descriptors() -> dict[str, NamedDesc]:
    """Every descriptor the package declares, by its spec name (as the conformance testee finds them)."""
    return {v.name: v for v in vars(schema).values() if isinstance(v, RecordDesc | UnionDesc | AliasDesc)}


DESCRIPTORS = _descriptors()


def read(desc: NamedDesc | None, frame: bytes, strict: bool, *, as_dict: bool = True) -> Any:
    if desc is None:
        return decode_value(frame, lossless=True, strict_ztype=strict)
    return decode(desc, frame, lossless=True, strict_ztype=strict, as_dict=as_dict)


def write(desc: NamedDesc | None, value: Any) -> bytes:
    return bytes(encode_value(value) if desc is None else encode(desc, value))


def test_one_input(data: bytes) -> None:
    end = data.find(b"\0", 1)
    if end < 0:
        return
    type_name = data[1:end].decode("latin-1")
    desc = None if type_name == "any" else DESCRIPTORS.get(type_name)
    if desc is None and type_name != "any":
        return
    strict = data[0] & 1 == 1
    frame = data[end + 1 :]
    try:
        value = read(desc, frame, strict)
    except VmpError:
        return
    relayed = write(desc, value)
    assert write(desc, read(desc, relayed, strict)) == relayed, "re-encoding is not stable"
    if desc is not None:
        # The typed objects (dataclasses) relay the same bytes as the dicts.
        assert write(desc, read(desc, frame, strict, as_dict=False)) == relayed, (
            "the typed value re-encodes differently"
        )


def main() -> None:
    print(f"vmp_protocol {vmp_protocol.__version__}: {len(DESCRIPTORS)} types", file=sys.stderr)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
