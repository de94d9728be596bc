"""Shared by the Python binding's tests: where the repository is (for the spec, the vectors and the TypeScript
build). The tests import ``vmp_protocol`` as installed in .venv by ``npm run setup`` (editable: generated/python)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
