"""A live VMP client in Python (websockets + the generated binding), the counterpart of client.mjs.

Usage: client.py PORT [NAME] [TIMEOUT_S]

Connects to ws://127.0.0.1:PORT/NAME, decodes every frame with `decode_message` and checks it on arrival,
answers GRAB_RENDER with a `grab_render_response` whose frame is the JPEG stub ff d8 ff d9, and exits 0 when
everything matched once TERMINATE has arrived; otherwise non-zero with a message on stderr.
"""

from __future__ import annotations

import asyncio
import math
import sys
import time
from typing import Any

import numpy as np
from vmp_protocol import decode_message, encode, grab_render_response, schema
from vmp_protocol.types import GrabRenderResponseValue
from websockets.asyncio.client import connect

JPEG_STUB = bytes.fromhex("ffd8ffd9")
N_ELEMENTS = 1 << 20
MAX_FRAME = 64 << 20
EXPECTED = ["SET", "ADD", "UPDATE", "ZDATA", "GRAB_RENDER", "TERMINATE"]


class Mismatch(Exception):
    pass


def expect(cond: bool, what: str) -> None:
    if not cond:
        raise Mismatch(what)


def check(etype: str, desc_name: str, msg: Any) -> None:
    if etype == "SET":
        expect(desc_name == "SetEvent", f"SET decoded as {desc_name}")
        scene = msg.data
        expect(scene.tag == "Scene" and scene.key == "scene", f"scene {scene.tag}/{scene.key}")
        expect(list(scene.up) == [0.0, 1.0, 0.0], f"scene.up {scene.up}")
        expect(scene.extra.get("background") == "#202020", f"background {scene.extra}")
        expect(len(scene.children) == 1, f"{len(scene.children)} children")
        box = scene.children[0]
        expect((box.tag, box.key) == ("Box", "box-1"), f"child {box.tag}/{box.key}")
        expect(box.extra.get("color") == "red", f"box color {box.extra}")
        expect(list(box.extra.get("position")) == [0.0, 0.5, 0.0], f"box position {box.extra}")
    elif etype == "ADD":
        expect(desc_name == "AddEvent", f"ADD decoded as {desc_name}")
        expect(msg.data.to == "scene", f"ADD to {msg.data.to!r}")
        nodes = msg.data.nodes
        expect(
            len(nodes) == 1 and (nodes[0].tag, nodes[0].key) == ("Sphere", "sphere-1"), f"ADD nodes {nodes}"
        )
        expect(list(nodes[0].extra.get("args")) == [0.25, 32, 16], f"sphere args {nodes[0].extra}")
        expect(list(nodes[0].extra.get("position")) == [1.0, 0.25, 0.0], f"sphere position {nodes[0].extra}")
    elif etype == "UPDATE":
        expect(desc_name == "UpdateEvent", f"UPDATE decoded as {desc_name}")
        nodes = msg.data.nodes
        expect(len(nodes) == 1 and nodes[0].key == "box-1", f"UPDATE nodes {nodes}")
        expect(nodes[0].extra.get("color") == "blue", f"patch {nodes[0].extra}")
        expect(list(nodes[0].extra.get("position")) == [0.0, 1.0, 0.0], f"patch {nodes[0].extra}")
    elif etype == "ZDATA":
        data = msg.data
        expect(isinstance(data, dict) and data.get("key") == "tensor", f"ZDATA data {type(data)}")
        arr = data["array"]
        expect(isinstance(arr, np.ndarray), f"array is {type(arr)}")
        expect(arr.dtype == np.float32 and arr.shape == (N_ELEMENTS,), f"array {arr.dtype} {arr.shape}")
        for i in (0, 1, 12345, N_ELEMENTS - 1):
            expect(float(arr[i]) == float(i), f"array[{i}] = {arr[i]}")
        expect(not bool(np.isnan(arr).any()), "NaN in the array")
        expect(bool(np.array_equal(arr, np.arange(N_ELEMENTS, dtype=np.float32))), "array values differ")
    elif etype == "GRAB_RENDER":
        expect(desc_name == "GrabRenderRequest", f"GRAB_RENDER decoded as {desc_name}")
        expect(msg.key == "cam", f"GRAB_RENDER key {msg.key!r}")
        expect(msg.rtype == f"GRAB_RENDER_RESPONSE@{msg.uuid}", f"rtype {msg.rtype!r} uuid {msg.uuid!r}")
        expect(math.isclose(msg.data.quality, 0.9) and msg.data.downsample == 1.0, f"data {msg.data}")
    elif etype == "TERMINATE":
        expect(desc_name == "TerminateEvent" and msg.data is None, f"TERMINATE {desc_name} {msg.data!r}")


async def run(port: int, name: str) -> None:
    seen: list[str] = []
    t0 = time.monotonic()
    async with connect(f"ws://127.0.0.1:{port}/{name}", max_size=MAX_FRAME, compression=None) as ws:
        async for frame in ws:
            expect(isinstance(frame, bytes), "a text frame")
            assert isinstance(frame, bytes)
            desc, msg = decode_message(frame, schema.MESSAGES)
            etype = msg.etype
            expect(
                len(seen) < len(EXPECTED) and etype == EXPECTED[len(seen)], f"unexpected {etype} after {seen}"
            )
            check(etype, desc.name, msg)
            seen.append(etype)
            if etype == "GRAB_RENDER":
                value = GrabRenderResponseValue(dpr=1.0, width=4, height=3, frame=JPEG_STUB)
                await ws.send(encode(schema.GrabRenderResponse, grab_render_response(msg, value)))
            if etype == "TERMINATE":
                break
    expect(seen == EXPECTED, f"got {seen}, expected {EXPECTED}")
    print(f"{name}: ok ({', '.join(seen)}) in {(time.monotonic() - t0) * 1000:.1f} ms")


def main() -> int:
    port = int(sys.argv[1])
    name = sys.argv[2] if len(sys.argv) > 2 else "py"
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 20.0
    try:
        asyncio.run(asyncio.wait_for(run(port, name), timeout))
    except asyncio.TimeoutError:
        print(f"{name}: timed out after {timeout} s", file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 (any failure is a verdict)
        print(f"{name}: FAIL {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
