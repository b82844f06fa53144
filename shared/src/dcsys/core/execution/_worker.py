"""Code that runs inside worker processes (local pool workers and Ray workers).

A call's *outcome* is ``("ok", value)`` or ``("err", exception, traceback_text)``. The
exception is always one the caller can unpickle and re-raise safely: one that does not survive a
pickle round trip, or a ``BaseException`` such as ``SystemExit``, is replaced by a
:class:`~dcsys.core.execution.RemoteError` naming it.

The local pool speaks a tiny protocol over a :class:`multiprocessing.connection.Connection`: the
parent sends a cloudpickled ``(fn, args, kwargs)``, the worker answers with a cloudpickled
outcome; an empty message asks the worker to exit.
"""

from __future__ import annotations

import signal
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

import cloudpickle

from dcsys.core.execution.base import RemoteError, SerializationError

__all__ = ["describe", "error_outcome", "run_call", "run_payload", "worker_main"]

STOP = b""


def describe(fn: object) -> str:
    """A short name of a callable for messages (its qualified name, else a short repr)."""
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None)
    if not isinstance(name, str):
        text = repr(fn)
        return text if len(text) <= 80 else text[:77] + "..."
    return name


def _type_name(exc: BaseException) -> str:
    cls = type(exc)
    module = cls.__module__
    return (
        cls.__qualname__ if module in ("builtins", "__main__") else f"{module}.{cls.__qualname__}"
    )


def _portable(exc: BaseException) -> BaseException:
    if isinstance(exc, Exception):
        try:
            cloudpickle.loads(cloudpickle.dumps(exc))
        except Exception:
            pass
        else:
            return exc
    return RemoteError(_type_name(exc), str(exc))


def error_outcome(exc: BaseException, skip_frames: int = 0) -> tuple[str, BaseException, str]:
    """The outcome of a call that raised ``exc``, dropping this module's own frames."""
    tb = exc.__traceback__
    for _ in range(skip_frames):
        if tb is not None:
            tb = tb.tb_next
    text = "".join(traceback.format_exception(type(exc), exc, tb))
    return ("err", _portable(exc), text)


def run_call(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple:
    """Run ``fn(*args, **kwargs)`` and return its outcome (never raises)."""
    try:
        return ("ok", fn(*args, **kwargs))
    except BaseException as exc:  # the caller gets it back, whatever it is
        return error_outcome(exc, skip_frames=1)


def _load_and_run(payload: bytes) -> tuple[tuple, str]:
    try:
        fn, args, kwargs = cloudpickle.loads(payload)
    except BaseException as exc:
        err = SerializationError(
            f"the call could not be unpickled in the worker process: {_type_name(exc)}: {exc}"
        )
        return ("err", err, error_outcome(exc)[2]), "the call"
    return run_call(fn, args, kwargs), describe(fn)


def run_payload(payload: bytes) -> bytes:
    """Unpickle a call, run it, and return its pickled outcome (never raises)."""
    outcome, label = _load_and_run(payload)
    try:
        return cloudpickle.dumps(outcome)
    except BaseException as exc:
        err = SerializationError(
            f"the result of {label} could not be pickled: {_type_name(exc)}: {exc}"
        )
        return cloudpickle.dumps(error_outcome(err) if outcome[0] == "ok" else ("err", err, ""))


def worker_main(conn: Connection) -> None:
    """The loop of a local pool worker: run calls from ``conn`` until told to stop.

    The worker ignores SIGINT (Ctrl-C reaches the whole process group; the parent decides what
    to do) and exits when the parent goes away.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            payload = conn.recv_bytes()
        except (EOFError, OSError):
            return
        if payload == STOP:
            return
        reply = run_payload(payload)
        del payload
        try:
            conn.send_bytes(reply)
        except OSError:
            return
        del reply
