"""The README's Python example, against the installed generated package (npm run setup installs it)."""

from __future__ import annotations

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
from conftest import REPO
from vmp_protocol import decode_message, encode, encode_value, schema, set_event
from vmp_protocol.types import Scene

# vrpc-py's bytes for the same message (upstream vector E01).
E01 = "83a27473cf0000018bcfe56800a56574797065a3534554a46461746183a3746167a55363656e65a36b6579a4726f6f74a86368696c6472656e90"


def test_set_event_round_trip() -> None:
    msg = set_event(Scene(tag="Scene", key="root", children=[]), ts=1700000000000)
    data = encode(schema.SetEvent, msg)
    assert data.hex() == E01
    desc, value = decode_message(data, schema.MESSAGES)
    assert desc.name == "SetEvent"
    assert value == msg


def test_numpy_zdata() -> None:
    # 81 {a6 "points" 84 {ztype: "numpy.ndarray", b: c4 0c <0.0f 1.0f 2.0f LE>, dtype: "float32", shape: [3]}}
    expected = (
        "81a6706f696e747384a57a74797065ad6e756d70792e6e646172726179a162c40c000000000000803f00000040"
        "a56474797065a7666c6f61743332a573686170659103"
    )
    assert encode_value({"points": np.arange(3, dtype=np.float32)}).hex() == expected


def test_ts_zero_stays_zero() -> None:
    assert set_event(Scene(tag="Scene"), ts=0).ts == 0


def test_models_encode_and_decode_themselves() -> None:
    from vmp_protocol.types import SetEvent

    msg = set_event(Scene(tag="Scene", key="root", children=[]), ts=1700000000000)
    assert msg.to_msgpack().hex() == E01
    assert SetEvent.from_msgpack(bytes.fromhex(E01)) == msg
    as_dict = msg.to_dict()
    assert as_dict == {
        "ts": 1700000000000,
        "etype": "SET",
        "data": {"tag": "Scene", "key": "root", "children": []},
    }
    assert SetEvent.from_dict(as_dict) == msg
    assert (
        msg.to_json()
        == '{"ts":1700000000000,"etype":"SET","data":{"tag":"Scene","key":"root","children":[]}}'
    )
    assert SetEvent.from_json(msg.to_json()) == msg


def test_package_readme_examples_type_check_and_run(tmp_path: Path) -> None:
    """Every ```python block of the package README passes mypy --strict and runs."""
    readme = (REPO / "generated" / "python" / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", readme, flags=re.DOTALL | re.MULTILINE)
    assert blocks, "the package README has Python examples"
    for i, block in enumerate(blocks):
        path = tmp_path / f"example_{i}.py"
        path.write_text(block, encoding="utf-8")
        checked = subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(path)],
            capture_output=True,
            text=True,
            check=False,
            # The editable install is a path hook mypy does not follow: point it at the package's sources.
            env={**os.environ, "MYPYPATH": str(REPO / "generated" / "python")},
        )
        assert checked.returncode == 0, checked.stdout
        runpy.run_path(str(path))
