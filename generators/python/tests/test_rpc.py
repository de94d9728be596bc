"""RPC correlation (spec §6.3) with asyncio."""

from __future__ import annotations

import asyncio

import pytest
from vmp_protocol import RpcCancelled, RpcCorrelator, RpcTimeout, VmpError, rpc_response_type


def test_rpc_response_type() -> None:
    assert rpc_response_type("GRAB_RENDER", "u-1") == "GRAB_RENDER_RESPONSE@u-1"


def test_match_duplicate_late_unknown_timeout_cancel() -> None:
    async def main() -> None:
        rpc: RpcCorrelator[dict[str, object]] = RpcCorrelator()
        rt = rpc_response_type("GRAB_RENDER", "u-1")
        fut = rpc.expect(rt, timeout=1.0)
        with pytest.raises(ValueError):
            rpc.expect(rt, timeout=1.0)
        assert rpc.deliver({"etype": "OTHER_RESPONSE@x"}) is False  # unknown
        assert rpc.deliver({"etype": rt, "ok": True, "error": None, "value": 1}) is True
        assert rpc.deliver({"etype": rt, "ok": True}) is False  # duplicate
        result = await fut
        assert result.outcome == "succeeded" and result.message["value"] == 1

        failed = rpc.expect("F_RESPONSE@2", timeout=1.0)
        rpc.deliver({"etype": "F_RESPONSE@2", "ok": False, "error": "boom"})
        assert (await failed).outcome == "failed"

        slow = rpc.expect("S_RESPONSE@3", timeout=0.01)
        with pytest.raises(RpcTimeout) as e:
            await slow
        assert not isinstance(e.value, VmpError)
        assert rpc.deliver({"etype": "S_RESPONSE@3"}) is False  # late

        c = rpc.expect("C_RESPONSE@4", timeout=None)
        assert rpc.cancel("C_RESPONSE@4") is True
        assert rpc.cancel("C_RESPONSE@4") is False
        with pytest.raises(RpcCancelled):
            await c

        many = [rpc.expect(f"M_RESPONSE@{i}", timeout=1.0) for i in range(50)]
        for i in reversed(range(50)):
            assert rpc.deliver({"etype": f"M_RESPONSE@{i}", "value": i})
        assert [(await f).message["value"] for f in many] == list(range(50))
        assert len(rpc) == 0

        # a caller that stops waiting (asyncio.wait_for cancels the future) frees the registration
        gone = rpc.expect("G_RESPONSE@5", timeout=None)
        gone.cancel()
        await asyncio.sleep(0)
        assert len(rpc) == 0 and rpc.deliver({"etype": "G_RESPONSE@5"}) is False

    asyncio.run(main())


def test_the_correlator_docstring_example_runs() -> None:
    """The RpcCorrelator docstring's example, with a socket that answers every GRAB_RENDER."""
    import asyncio

    from vmp_protocol import RpcCorrelator, decode_message, schema
    from vmp_protocol.events import grab_render_request, grab_render_response

    async def main() -> None:
        rpc: RpcCorrelator[object] = RpcCorrelator()

        class Socket:
            async def send(self, frame: bytes) -> None:
                _, request = decode_message(frame, schema.MESSAGES)
                value = {"dpr": 1.0, "width": 1, "height": 1, "frame": b"\xff\xd8\xff\xd9"}
                rpc.deliver(
                    decode_message(grab_render_response(request, value).to_msgpack(), schema.MESSAGES)[1]
                )

        ws = Socket()
        request = grab_render_request({"quality": 0.9}, key="DEFAULT")
        reply = rpc.expect(request.rtype, timeout=5.0)
        await ws.send(request.to_msgpack())
        result = await reply
        assert result.outcome == "succeeded"

    asyncio.run(main())
