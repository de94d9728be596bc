"""SPEC §8.1 rule 4: with several defects, wire errors come before schema errors, also when the message type
cannot be selected."""

from __future__ import annotations

import pytest
from vmp_protocol import VmpError, decode_message, schema


@pytest.mark.parametrize(
    ("frame", "kind", "path"),
    [
        ("91d40000", "UnsupportedExt", [0]),  # not a map, and an ext inside: the ext wins
        ("9192", "Truncated", [0, 0]),  # not a map, and truncated (the reference says the same)
        ("91c0", "WrongType", []),  # not a map, nothing else wrong
        ("81a16101", "MissingField", ["etype"]),  # a map without etype
    ],
)
def test_decode_message_reports_wire_errors_first(frame: str, kind: str, path: list[object]) -> None:
    with pytest.raises(VmpError) as e:
        decode_message(bytes.fromhex(frame), schema.MESSAGES)
    assert (e.value.kind, e.value.path) == (kind, path)
