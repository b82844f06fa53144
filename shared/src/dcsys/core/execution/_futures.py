"""Caller-side futures shared by the backends, and how a worker's outcome settles them.

A worker reports an *outcome*: ``("ok", value)`` or ``("err", exception, traceback_text)`` (see
:mod:`dcsys.core.execution._worker`).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
from collections.abc import Callable
from concurrent.futures._base import (  # the states every concurrent.futures.Future uses
    CANCELLED,
    CANCELLED_AND_NOTIFIED,
    FINISHED,
    PENDING,
    RUNNING,
)
from typing import Any

import cloudpickle

from dcsys.core.execution.base import RemoteTraceback, SerializationError

__all__ = ["TaskFuture", "fail", "pack_call", "settle", "try_start"]


class TaskFuture(cf.Future):
    """A :class:`concurrent.futures.Future` whose ``cancel`` takes effect at once.

    A plain future cancelled before it runs only counts as done for :func:`~concurrent.futures.wait`
    and :func:`~concurrent.futures.as_completed` once its executor gets round to noticing; this
    one wakes every waiter immediately, so cancelling queued work never leaves a waiter hanging.

    Attributes:
        label: a short description of the call, used in error messages.
    """

    def __init__(self, label: str = "") -> None:
        super().__init__()
        self.label = label

    def cancel(self) -> bool:
        """Cancel the call unless it is running or done; return whether it is cancelled."""
        with self._condition:
            if self._state in (RUNNING, FINISHED):
                return False
            if self._state in (CANCELLED, CANCELLED_AND_NOTIFIED):
                return True
            self._state = CANCELLED_AND_NOTIFIED
            for waiter in self._waiters:
                waiter.add_cancelled(self)
            self._condition.notify_all()
        self._invoke_callbacks()
        return True


def try_start(future: cf.Future) -> bool:
    """Mark a pending future running; False if it was cancelled (or already started) instead."""
    with future._condition:
        if future._state != PENDING:
            return False
        return future.set_running_or_notify_cancel()


def fail(future: cf.Future, exc: BaseException) -> None:
    """Set an exception on a future unless it is already settled."""
    with contextlib.suppress(cf.InvalidStateError):
        future.set_exception(exc)


def settle(future: cf.Future, outcome: tuple[Any, ...]) -> None:
    """Settle a future from a worker's outcome, attaching the remote traceback to an exception."""
    if outcome[0] == "ok":
        with contextlib.suppress(cf.InvalidStateError):
            future.set_result(outcome[1])
        return
    _, exc, text = outcome
    if text:
        exc.__cause__ = RemoteTraceback(text)
    fail(future, exc)


def pack_call(
    future: TaskFuture, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> bytes | None:
    """Cloudpickle a call now (so later changes to its arguments do not reach it).

    Returns:
        The payload, or None after failing ``future`` with a :class:`SerializationError`.
    """
    try:
        return cloudpickle.dumps((fn, args, kwargs))
    except Exception as exc:
        err = SerializationError(f"cannot send {future.label} to a worker process: {exc}")
        err.__cause__ = exc
        fail(future, err)
        return None
