"""The package imports and works without its optional extras (torch, Pillow, safetensors, ml_dtypes)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
for name in ("torch", "PIL", "safetensors", "ml_dtypes"):
    sys.modules[name] = None  # makes any import of it fail, as if it were not installed
import numpy as np
import vmp_protocol
from vmp_protocol import decode_value, encode_value
arr = decode_value(encode_value({"a": np.ones(2, dtype=np.float32)}))["a"]
assert arr.tolist() == [1.0, 1.0], arr
assert not any(n in sys.modules and sys.modules[n] is not None for n in ("torch", "PIL", "safetensors"))
print("ok")
"""


def test_imports_without_optional_extras() -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
