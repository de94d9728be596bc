"""Every shared vector (conformance/vectors/*.json): decode, re-encode, errors by kind and path."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import REPO
from spec_descriptors import Catalogue
from typed_json import from_typed
from vmp_protocol import VmpError, decode, decode_value, encode, encode_value, format_path

VECTORS = REPO / "conformance" / "vectors"
CATALOGUE = Catalogue(REPO / "protocol" / "vmp.schema.json")


def _load() -> list[dict[str, Any]]:
    out = []
    for f in sorted(VECTORS.glob("*.json")):
        if f.name == "manifest.schema.json":
            continue
        out.extend(json.loads(f.read_text())["vectors"])
    return out


ALL = _load()


def _options(v: dict[str, Any]) -> dict[str, bool]:
    o = v.get("options", {})
    return {"strict_ztype": bool(o.get("strictZType", False))}


def _decode(v: dict[str, Any], data: bytes, **extra: bool) -> Any:
    if v["type"] == "any":
        return decode_value(data, **_options(v), **extra)
    return decode(CATALOGUE.named[v["type"]], data, **_options(v), **extra)


def _encode(v: dict[str, Any], value: Any) -> bytes:
    if v["type"] == "any":
        return encode_value(value)
    return encode(CATALOGUE.named[v["type"]], value)


def test_every_manifest_is_loaded_with_unique_ids() -> None:
    manifests = [f for f in VECTORS.glob("*.json") if f.name != "manifest.schema.json"]
    expected = sum(len(json.loads(f.read_text())["vectors"]) for f in manifests)
    ids = [v["id"] for v in ALL]
    assert manifests and len(ALL) == expected
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("v", [v for v in ALL if v["valid"]], ids=lambda v: v["id"])
def test_valid_relay(v: dict[str, Any]) -> None:
    canonical = bytes.fromhex(v["canonical"])
    for hexa in [v["canonical"], *(a["hex"] for a in v.get("alternatives", []))]:
        value = _decode(v, bytes.fromhex(hexa), lossless=True)
        assert _encode(v, value).hex() == canonical.hex(), hexa
    # The default (non-lossless) mode and copies decode too.
    _decode(v, canonical)
    _decode(v, canonical, copy=True)


@pytest.mark.parametrize("v", [v for v in ALL if v["valid"]], ids=lambda v: v["id"])
def test_valid_encode_from_value(v: dict[str, Any]) -> None:
    """The vector's value, built as Python values, encodes to the canonical bytes."""
    assert _encode(v, from_typed(v["value"])).hex() == v["canonical"]


@pytest.mark.parametrize("v", [v for v in ALL if not v["valid"]], ids=lambda v: v["id"])
def test_invalid(v: dict[str, Any]) -> None:
    with pytest.raises(VmpError) as info:
        _decode(v, bytes.fromhex(v["input"]))
    e = info.value
    assert e.kind == v["error"], str(e)
    assert type(e).__name__ == v["error"]
    if "path" in v:
        assert format_path(e.path) == v["path"], str(e)
