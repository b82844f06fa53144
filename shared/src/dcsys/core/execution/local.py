"""The embedded backend: a pool of worker processes (or threads) on this machine.

Callables and arguments are serialised with cloudpickle, so lambdas, closures and functions defined
in ``__main__`` or a notebook run in worker processes too. Worker processes start from a fork
server (``forkserver`` on Linux, ``spawn`` elsewhere), never by forking a multi-threaded parent.
An exception raised by a call reaches the caller with its original type and, as ``__cause__``, the
remote traceback. A worker that dies fails the calls it was running with
:class:`~dcsys.core.execution.WorkerLostError`; the pool is then rebuilt for later submissions.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import cloudpickle

from dcsys.core.errors import ConfigError
from dcsys.core.execution.base import Executor, WorkerLostError, cancel_and_notify

__all__ = ["LocalExecutor"]


def _call_pickled(payload: bytes) -> bytes:
    fn, args, kwargs = cloudpickle.loads(payload)
    return cloudpickle.dumps(fn(*args, **kwargs))


class _LinkedFuture(cf.Future):
    """A caller-side future tied to the pool's future; cancelling it cancels the pool's."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self._inner: cf.Future | None = None
        self._label = label

    def cancel(self) -> bool:
        inner = self._inner
        if inner is not None and not inner.cancel():
            return False
        return super().cancel()

    def _link(self, inner: cf.Future) -> None:
        self._inner = inner
        inner.add_done_callback(self._settle)

    def _settle(self, inner: cf.Future) -> None:
        if inner.cancelled():
            cancel_and_notify(self)
            return
        if self.done():
            return
        exc = inner.exception()
        if isinstance(exc, BrokenProcessPool):
            lost = WorkerLostError(f"a worker process died while running {self._label}")
            lost.__cause__ = exc
            self.set_exception(lost)
        elif exc is not None:
            self.set_exception(exc)
        else:
            try:
                self.set_result(cloudpickle.loads(inner.result()))
            except Exception as err:  # an unpicklable result
                self.set_exception(err)


def _default_context() -> str:
    return "forkserver" if sys.platform.startswith("linux") else "spawn"


class LocalExecutor(Executor):
    """Runs calls on a pool of local worker processes (default) or threads.

    Args:
        max_workers: pool size (default: ``os.cpu_count()``).
        kind: ``"process"`` (default) or ``"thread"``.
        mp_context: the multiprocessing start method for processes (default forkserver on Linux).

    Example:
        >>> with LocalExecutor(max_workers=2) as ex:
        ...     list(ex.map(lambda x: x * x, range(5)))
        [0, 1, 4, 9, 16]
    """

    name = "local"

    def __init__(
        self,
        max_workers: int | None = None,
        *,
        kind: str = "process",
        mp_context: str | None = None,
    ) -> None:
        super().__init__((os.cpu_count() or 1) if max_workers is None else max_workers)
        if kind not in ("process", "thread"):
            raise ConfigError(f"kind must be 'process' or 'thread', got {kind!r}")
        self.kind = kind
        self._mp_context = mp_context or _default_context()
        self._pool: cf.Executor | None = None

    def _get_pool(self) -> cf.Executor:
        pool = self._pool
        if pool is not None and getattr(pool, "_broken", False):
            pool.shutdown(wait=False, cancel_futures=True)
            pool = None
        if pool is None:
            if self.kind == "thread":
                pool = cf.ThreadPoolExecutor(self.max_workers, thread_name_prefix="dcsys-local")
            else:
                ctx = multiprocessing.get_context(self._mp_context)
                pool = cf.ProcessPoolExecutor(self.max_workers, mp_context=ctx)
            self._pool = pool
        return pool

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        """Schedule ``fn(*args, **kwargs)`` on a worker; return a future of its result."""
        with self._lock:
            self._check_open()
            if self.kind == "thread":
                return self._get_pool().submit(fn, *args, **kwargs)
            payload = cloudpickle.dumps((fn, args, kwargs))
            outer = _LinkedFuture(getattr(fn, "__qualname__", repr(fn)))
            try:
                inner = self._get_pool().submit(_call_pickled, payload)
            except BrokenProcessPool:
                self._pool = None
                inner = self._get_pool().submit(_call_pickled, payload)
            outer._link(inner)
            return outer

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop the workers (idempotent)."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=wait, cancel_futures=cancel_futures)
