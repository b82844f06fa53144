"""The executor interface shared by the local and Ray backends."""

from __future__ import annotations

import abc
import concurrent.futures as cf
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from dcsys.core.errors import DcsysError

__all__ = [
    "ALL_COMPLETED",
    "FIRST_COMPLETED",
    "FIRST_EXCEPTION",
    "Executor",
    "ExecutorShutdownError",
    "WorkerLostError",
    "as_completed",
    "wait",
]

ALL_COMPLETED = cf.ALL_COMPLETED
FIRST_COMPLETED = cf.FIRST_COMPLETED
FIRST_EXCEPTION = cf.FIRST_EXCEPTION


class ExecutorShutdownError(DcsysError, RuntimeError):
    """Work was submitted to an executor that has been shut down."""


class WorkerLostError(DcsysError, RuntimeError):
    """The worker running a task died (killed, crashed, out of memory) before it finished."""


def cancel_and_notify(future: cf.Future) -> bool:
    """Cancel a not-yet-finished future and wake its waiters, once, from any thread.

    Backends use it for futures they settle themselves: ``wait`` and ``as_completed`` only see a
    cancelled future as done after it was notified.
    """
    from concurrent.futures._base import CANCELLED

    with future._condition:  # type: ignore[attr-defined]
        if not cf.Future.cancel(future):
            return False
        if future._state != CANCELLED:  # type: ignore[attr-defined]
            return True  # someone else already notified
    future.set_running_or_notify_cancel()
    return True


def wait(
    futures: Iterable[cf.Future], timeout: float | None = None, return_when: str = ALL_COMPLETED
) -> tuple[set[cf.Future], set[cf.Future]]:
    """Wait for futures of any backend; returns ``(done, not_done)`` like :func:`concurrent.futures.wait`."""
    return cf.wait(list(futures), timeout=timeout, return_when=return_when)


def as_completed(futures: Iterable[cf.Future], timeout: float | None = None) -> Iterator[cf.Future]:
    """Yield futures of any backend as they finish, like :func:`concurrent.futures.as_completed`."""
    return cf.as_completed(list(futures), timeout=timeout)


class Executor(abc.ABC):
    """Runs callables asynchronously and hands back :class:`concurrent.futures.Future` objects.

    Every backend returns standard futures, so :func:`wait` and :func:`as_completed` work across
    backends. An executor is a context manager; leaving the block shuts it down.

    Attributes:
        name: the backend's name (``"local"``, ``"ray"``).
        max_workers: how many calls run at once at most.
    """

    name: str = ""

    def __init__(self, max_workers: int) -> None:
        if max_workers < 1:
            raise DcsysError(f"max_workers must be >= 1, got {max_workers}")
        self.max_workers = max_workers
        self._closed = False
        self._lock = threading.Lock()

    def _check_open(self) -> None:
        if self._closed:
            raise ExecutorShutdownError(f"the {self.name} executor has been shut down")

    @abc.abstractmethod
    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        """Schedule ``fn(*args, **kwargs)``; return a future of its result."""

    def map(
        self,
        fn: Callable[..., Any],
        *iterables: Iterable[Any],
        timeout: float | None = None,
        ordered: bool = True,
    ) -> Iterator[Any]:
        """Apply ``fn`` to the items of ``iterables`` in parallel.

        Args:
            fn: the function.
            iterables: argument streams, zipped like the builtin ``map``.
            timeout: seconds to wait for all results (None: no limit).
            ordered: yield results in input order (True) or as they complete (False).

        Returns:
            An iterator of results. An exception raised by a call is re-raised when its result is
            reached.
        """
        futures = [self.submit(fn, *args) for args in zip(*iterables, strict=False)]

        def results() -> Iterator[Any]:
            try:
                stream = futures if ordered else as_completed(futures, timeout=timeout)
                for fut in stream:
                    yield fut.result(timeout=timeout)
            finally:
                for fut in futures:
                    fut.cancel()

        return results()

    @abc.abstractmethod
    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Release the workers. Idempotent; later submissions raise :class:`ExecutorShutdownError`."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown(wait=True, cancel_futures=exc[0] is not None)

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<{type(self).__name__} {self.name} max_workers={self.max_workers} {state}>"
