"""RPC correlation (spec §6): a request's ``rtype`` is ``"{ETYPE}_RESPONSE@{uuid}"`` and its response's ``etype``
is that string. :class:`RpcCorrelator` pairs responses with pending requests; a timeout and a cancellation end a
request with their own exceptions, distinct from a failed response and from the VMP error kinds (spec §6.3)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from .value import UNSET

M = TypeVar("M")


def rpc_response_type(etype: str, uuid: str) -> str:
    """The ``rtype`` of a request: ``rpc_response_type("GRAB_RENDER", "u-1")`` is ``GRAB_RENDER_RESPONSE@u-1``."""
    return f"{etype}_RESPONSE@{uuid}"


@dataclass(frozen=True, slots=True)
class RpcResult(Generic[M]):
    """How a request ended with a response: ``failed`` when ``ok`` is false or ``error`` is a string (§6.2)."""

    outcome: Literal["succeeded", "failed"]
    message: M


class RpcTimeout(Exception):
    """No response arrived within the timeout (not a VmpError: spec §8.3)."""

    def __init__(self, rtype: str, timeout: float) -> None:
        super().__init__(f"no {rtype} within {timeout} s")
        self.rtype = rtype
        self.timeout = timeout


class RpcCancelled(Exception):
    """The request was cancelled before its response arrived."""

    def __init__(self, rtype: str) -> None:
        super().__init__(f"{rtype} was cancelled")
        self.rtype = rtype


def _entry(message: Any, key: str) -> Any:
    if isinstance(message, Mapping):
        return message.get(key, UNSET)
    if dataclasses.is_dataclass(message) and not isinstance(message, type):
        return getattr(message, key, UNSET)
    return UNSET


class RpcCorrelator(Generic[M]):
    """Pairs responses with requests. Call :meth:`expect` before sending the request (so a fast response cannot be
    missed) and hand every incoming message to :meth:`deliver`::

        request = grab_render_request({"quality": 0.9}, key="DEFAULT")
        reply = rpc.expect(request.rtype, timeout=5.0)
        await ws.send(request.to_msgpack())
        # the socket's receive loop does: rpc.deliver(decode_message(frame, schema.MESSAGES)[1])
        result = await reply  # RpcResult, or raises RpcTimeout / RpcCancelled
    """

    def __init__(self) -> None:
        self._pending: dict[str, tuple[asyncio.Future[RpcResult[M]], asyncio.TimerHandle | None]] = {}

    def expect(self, rtype: str, timeout: float | None) -> asyncio.Future[RpcResult[M]]:
        """A future for the message whose ``etype`` is ``rtype``. Needs a running event loop. Expecting an
        ``rtype`` that is already pending is a ValueError (uuids must be unique)."""
        if rtype in self._pending:
            raise ValueError(f"{rtype} is already pending (uuids must be unique)")
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[RpcResult[M]] = loop.create_future()
        timer = None if timeout is None else loop.call_later(timeout, self._expire, rtype, fut, timeout)
        self._pending[rtype] = (fut, timer)
        fut.add_done_callback(lambda f: self._forget(rtype, f))
        return fut

    def _forget(self, rtype: str, fut: asyncio.Future[RpcResult[M]]) -> None:
        entry = self._pending.get(rtype)
        if entry is not None and entry[0] is fut:
            del self._pending[rtype]
            if entry[1] is not None:
                entry[1].cancel()

    def _expire(self, rtype: str, fut: asyncio.Future[RpcResult[M]], timeout: float) -> None:
        if not fut.done():
            fut.set_exception(RpcTimeout(rtype, timeout))

    def deliver(self, message: M) -> bool:
        """Resolves the request a message answers and returns True; returns False (dropping the message) when it
        answers nothing pending: unknown, late (after its timeout) or duplicate, or not a response at all."""
        etype = _entry(message, "etype")
        if not isinstance(etype, str):
            return False
        entry = self._pending.pop(etype, None)
        if entry is None:
            return False
        fut, timer = entry
        if timer is not None:
            timer.cancel()
        if fut.done():
            return False
        failed = _entry(message, "ok") is False or isinstance(_entry(message, "error"), str)
        fut.set_result(RpcResult("failed" if failed else "succeeded", message))
        return True

    def cancel(self, rtype: str) -> bool:
        """Ends a pending request with :class:`RpcCancelled`; False when nothing was pending under ``rtype``."""
        entry = self._pending.pop(rtype, None)
        if entry is None:
            return False
        fut, timer = entry
        if timer is not None:
            timer.cancel()
        if fut.done():
            return False
        fut.set_exception(RpcCancelled(rtype))
        return True

    def cancel_all(self) -> None:
        """Cancels every pending request (on disconnect)."""
        for rtype in list(self._pending):
            self.cancel(rtype)

    def __len__(self) -> int:
        return len(self._pending)
