"""Loads generators/python/runtime as the package ``vmp_runtime`` (it is copied into vmp_protocol/_runtime later)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

RUNTIME = Path(__file__).resolve().parents[2] / "runtime"
REPO = Path(__file__).resolve().parents[4]

if "vmp_runtime" not in sys.modules:
    spec = importlib.util.spec_from_file_location(
        "vmp_runtime", RUNTIME / "__init__.py", submodule_search_locations=[str(RUNTIME)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["vmp_runtime"] = module
    spec.loader.exec_module(module)
