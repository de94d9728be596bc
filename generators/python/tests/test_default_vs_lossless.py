"""The default decode (fast path first) and the lossless one (always the exact reader) accept and reject the same
frames, with the same error kind, path and offset, over mutated vector frames.

The CI run is short; ``VMP_DIFF_FRAMES=200000`` (and ``VMP_DIFF_SEED``) run a longer one, whose tally
``VMP_DIFF_REPORT=1`` prints.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from typing import Any

import pytest
from test_vectors import ALL
from vmp_protocol import ServerEvent, VmpError, decode, decode_value, schema
from vmp_protocol._runtime.schema import AliasDesc, RecordDesc, UnionDesc

FRAMES = int(os.environ.get("VMP_DIFF_FRAMES", "3000"))
SEED = int(os.environ.get("VMP_DIFF_SEED", "15"))

DESCS: dict[str, Any] = {
    d.name: d for d in vars(schema).values() if isinstance(d, RecordDesc | UnionDesc | AliasDesc)
}
"""The generated descriptors by spec name, so that decoded records are the generated dataclasses."""

SERVER_EVENT_WITH_TIMESTAMP = "83a27473cf0000018bcfe56800a56574797065a3534554a464617461d6ff0c5a13bc"
"""A SET whose ``data`` is a timestamp ext (vector malformed.json#ext.timestamp-in-event)."""

# Byte strings worth splicing in: headers of every family, ext headers (the timestamp's among them), a float32.
_SPLICES = [
    bytes.fromhex(h)
    for h in ["c1", "c0", "c2", "90", "80", "a1", "c4", "cb", "ca", "ff", "01", "d4", "d6ff", "d7ff"]
    + ["c70cff", "d6ff00000000", "ca3fc00000", "d40000", "de0001", "dc0001", "d9", "cc"]
]


def _mutate(rng: random.Random, base: bytes) -> bytes:
    b = bytearray(base)
    for _ in range(1 + (rng.random() < 0.3)):
        if not b:
            break
        i = rng.randrange(len(b))
        op = rng.random()
        if op < 0.35:
            b[i] = rng.randrange(256)
        elif op < 0.45:
            del b[i:]
        elif op < 0.75:
            b[i:i] = rng.choice(_SPLICES)
        elif op < 0.9:
            del b[i : i + rng.randrange(1, 4)]
        else:
            j = rng.randrange(len(b))
            b[i:i] = b[j : j + rng.randrange(1, 9)]  # a copied run: duplicate keys, repeated entries
    return bytes(b)


def _outcome(typ: str, data: bytes, lossless: bool) -> tuple[Any, ...]:
    try:
        if typ == "any":
            decode_value(data, lossless=lossless)
        else:
            decode(DESCS[typ], data, lossless=lossless)
    except VmpError as e:
        return (e.kind, tuple(e.path), e.offset)
    return ("ok",)


def _bases() -> list[tuple[str, bytes]]:
    out = []
    for v in ALL:
        if v.get("options") or (v["type"] != "any" and v["type"] not in DESCS):
            continue
        hexes = [v["canonical"]] if v["valid"] else [v["input"]]
        hexes += [a["hex"] for a in v.get("alternatives", [])]
        out += [(v["type"], bytes.fromhex(h)) for h in hexes]
    return out


def test_default_and_lossless_decoders_agree_on_mutated_frames() -> None:
    rng = random.Random(SEED)
    bases = _bases()
    tally: Counter[str] = Counter()
    disagreements = []
    for n in range(FRAMES):
        typ, base = bases[n % len(bases)]
        data = _mutate(rng, base)
        fast = _outcome(typ, data, lossless=False)
        exact = _outcome(typ, data, lossless=True)
        tally["accepted" if exact == ("ok",) else "rejected"] += 1
        if fast != exact:
            disagreements.append((typ, data.hex(), fast, exact))
    if os.environ.get("VMP_DIFF_REPORT"):
        print(f"\n{FRAMES} frames (seed {SEED}): {dict(tally)}, {len(disagreements)} disagreements")
    assert disagreements == [], disagreements[:5]
    assert tally["accepted"] > 0 and tally["rejected"] > 0  # both sides of the contract are exercised


def test_default_decode_refuses_a_timestamp_ext() -> None:
    data = bytes.fromhex(SERVER_EVENT_WITH_TIMESTAMP)
    for lossless in (False, True):
        with pytest.raises(VmpError) as caught:
            decode(schema.ServerEvent, data, lossless=lossless)
        assert (caught.value.kind, caught.value.path, caught.value.offset) == ("UnsupportedExt", ["data"], 28)
    with pytest.raises(VmpError, match="UnsupportedExt"):
        ServerEvent.from_msgpack(data)
