"""A live VMP server over a real WebSocket, speaking through the generated Python binding.

Usage: server.py [N_CLIENTS] [OVERALL_TIMEOUT_S]

Binds 127.0.0.1 on an ephemeral port and prints the port number as the first stdout line. Each client connects to
`ws://127.0.0.1:<port>/<name>`; the server sends SET, ADD, UPDATE, a ZDATA event carrying a 4 MiB float32
numpy array, and a GRAB_RENDER request, waits for the `GRAB_RENDER_RESPONSE@{uuid}` answer, checks it, sends
TERMINATE and closes. One JSON verdict line per client goes to stdout; the server exits after N_CLIENTS
verdicts or after the overall timeout (exit status 0 only when every expected client was served and ok).
Every frame is one binary WebSocket message.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

import numpy as np
from vmp_protocol import (
    add_event,
    create_server_event,
    decode_message,
    encode,
    grab_render_request,
    schema,
    set_event,
    terminate_event,
    update_event,
)
from vmp_protocol.types import Element, ElementPatch, GrabRenderData, GrabRenderResponse, Scene
from websockets.asyncio.server import ServerConnection, serve

JPEG_STUB = bytes.fromhex("ffd8ffd9")
N_ELEMENTS = 1 << 20
RESPONSE_TIMEOUT_S = 10.0
MAX_FRAME = 64 << 20


def frames() -> tuple[list[tuple[str, bytes]], Any]:
    """The frames sent to every client, and the GRAB_RENDER request (to check the answer against)."""
    scene = Scene(
        key="scene",
        up=[0.0, 1.0, 0.0],
        children=[Element(tag="Box", key="box-1", extra={"position": [0.0, 0.5, 0.0], "color": "red"})],
        extra={"background": "#202020"},
    )
    add = add_event(
        [Element(tag="Sphere", key="sphere-1", extra={"args": [0.25, 32, 16], "position": [1.0, 0.25, 0.0]})],
        to="scene",
    )
    update = update_event([ElementPatch(key="box-1", extra={"color": "blue", "position": [0.0, 1.0, 0.0]})])
    tensor = np.arange(N_ELEMENTS, dtype=np.float32)
    zdata = create_server_event("ZDATA", {"key": "tensor", "array": tensor})
    request = grab_render_request(GrabRenderData(quality=0.9, downsample=1.0), key="cam")
    out = [
        ("SET", encode(schema.SetEvent, set_event(scene))),
        ("ADD", encode(schema.AddEvent, add)),
        ("UPDATE", encode(schema.UpdateEvent, update)),
        ("ZDATA", encode(schema.ServerEvent, zdata)),
        ("GRAB_RENDER", encode(schema.GrabRenderRequest, request)),
    ]
    return out, request


def check_response(data: bytes, request: Any) -> str | None:
    """None when `data` is a correct answer to `request`, else the reason."""
    desc, msg = decode_message(data, schema.MESSAGES)
    if desc.name != "GrabRenderResponse" or not isinstance(msg, GrabRenderResponse):
        return f"expected GrabRenderResponse, got {desc.name}"
    if msg.etype != request.rtype:
        return f"etype {msg.etype!r} != rtype {request.rtype!r}"
    if msg.key != request.key:
        return f"key {msg.key!r} != {request.key!r}"
    frame = msg.value.frame
    if not isinstance(frame, (bytes, bytearray, memoryview)) or bytes(frame) != JPEG_STUB:
        return f"frame is {frame!r}, expected {JPEG_STUB.hex()}"
    if (msg.value.width, msg.value.height) != (4, 3):
        return f"size {msg.value.width}x{msg.value.height}, expected 4x3"
    return None


async def main() -> int:
    expected = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    overall = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0
    verdicts: list[dict[str, Any]] = []
    done = asyncio.Event()

    def verdict(client: str, ok: bool, reason: str, t0: float) -> None:
        v = {"client": client, "ok": ok, "reason": reason, "ms": round((time.monotonic() - t0) * 1000, 1)}
        verdicts.append(v)
        print(json.dumps(v), flush=True)
        if len(verdicts) >= expected:
            done.set()

    async def handler(ws: ServerConnection) -> None:
        t0 = time.monotonic()
        client = ws.request.path.lstrip("/") if ws.request is not None else "?"
        try:
            out, request = frames()
            for _, data in out:
                await ws.send(data)
            try:
                reply = await asyncio.wait_for(ws.recv(), RESPONSE_TIMEOUT_S)
            except asyncio.TimeoutError:
                verdict(client, False, f"no GRAB_RENDER response within {RESPONSE_TIMEOUT_S} s", t0)
                return
            if not isinstance(reply, bytes):
                verdict(client, False, "the response was a text frame, not a binary one", t0)
                return
            reason = check_response(reply, request)
            await ws.send(encode(schema.TerminateEvent, terminate_event()))
            await ws.close()
            verdict(client, reason is None, reason or f"sent {', '.join(n for n, _ in out)}, TERMINATE", t0)
        except Exception as e:  # noqa: BLE001 (a verdict for every connection, whatever happened)
            verdict(client, False, f"{type(e).__name__}: {e}", t0)

    async with serve(handler, "127.0.0.1", 0, max_size=MAX_FRAME, compression=None) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        print(port, flush=True)
        try:
            await asyncio.wait_for(done.wait(), overall)
        except asyncio.TimeoutError:
            print(
                json.dumps({"client": None, "ok": False, "reason": f"overall timeout ({overall} s)"}),
                flush=True,
            )
            return 1
    return 0 if len(verdicts) >= expected and all(v["ok"] for v in verdicts) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
