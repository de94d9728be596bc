"""The package's public surface: ``__all__`` (the runtime's list, the spec's error kinds, types and factories),
``__version__``, the error classes and the dtype tables generated from the spec's tables."""

from __future__ import annotations

import json
from importlib import metadata

import numpy as np
import pytest
import vmp_protocol
from conftest import REPO
from vmp_protocol import _runtime, _tables, errors
from vmp_protocol._runtime.dtype import canonical_name, parse_dtype
from vmp_protocol._runtime.errors import make_error

SPEC = json.loads((REPO / "protocol" / "vmp.schema.json").read_text("utf-8"))


def test_all_names_each_public_name_once_and_each_resolves() -> None:
    names = vmp_protocol.__all__
    assert len(names) == len(set(names))
    assert set(_runtime.__all__) <= set(names)
    assert set(errors.__all__) <= set(names)
    for name in names:
        assert getattr(vmp_protocol, name) is not None, name


def test_the_runtime_exports_what_its_all_lists() -> None:
    for name in _runtime.__all__:
        assert getattr(vmp_protocol, name) is getattr(_runtime, name), name


def test_version_is_the_spec_version_and_the_installed_metadata() -> None:
    assert vmp_protocol.__version__ == SPEC["x-vmp-version"]
    assert metadata.version("vmp-protocol") == vmp_protocol.__version__


def test_error_kinds_are_the_spec_table_each_with_its_documented_class() -> None:
    assert list(_tables.ERROR_KINDS) == list(SPEC["x-vmp-errors"])
    for kind, description in SPEC["x-vmp-errors"].items():
        cls = getattr(vmp_protocol, kind)
        assert issubclass(cls, vmp_protocol.VmpError)
        assert " ".join((cls.__doc__ or "").split()) == description
        e = make_error(kind, "reason", ["data", 3], 7)
        assert type(e) is cls
        assert (e.kind, e.path, e.offset) == (kind, ["data", 3], 7)


def test_a_wire_error_is_raised_as_its_kind_class() -> None:
    with pytest.raises(vmp_protocol.Truncated) as info:
        vmp_protocol.decode_value(b"\x92\x01")
    assert info.value.kind == "Truncated"


@pytest.mark.parametrize("name", list(SPEC["x-vmp-dtypes"]))
def test_dtype_tables_follow_the_spec_and_numpy(name: str) -> None:
    entry = SPEC["x-vmp-dtypes"][name]
    assert _tables.DTYPES[name] == entry["itemsize"]
    assert parse_dtype(name) == (name, False)
    if "numpy" in entry:
        dt = np.dtype(entry["numpy"])
        assert dt.itemsize == entry["itemsize"]
        assert canonical_name(dt) == name
        assert canonical_name(dt.newbyteorder(">")) == name
    if "safetensors" in entry:
        assert _tables.SAFETENSORS_DTYPES[entry["safetensors"]] == name
