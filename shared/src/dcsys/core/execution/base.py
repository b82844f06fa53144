"""The executor interface shared by the local and Ray backends, and the errors they raise.

Every backend hands back standard :class:`concurrent.futures.Future` objects, so the usual
``result``/``exception``/``done``/``cancel``/``add_done_callback`` work, and :func:`wait` and
:func:`as_completed` accept futures of several executors and backends mixed together.

Errors a call can end with, besides the exception the call itself raised:

* :class:`WorkerLostError`: the worker process running the call died (``os._exit``, a signal,
  the out-of-memory killer, a lost Ray node).
* :class:`SerializationError`: the call, its arguments or its result could not be pickled or
  unpickled on the way to or from the worker.
* :class:`RemoteError`: the call raised an exception that cannot travel back (it does not
  pickle), or one that must not be re-raised in the caller (``SystemExit``, ``KeyboardInterrupt``).

An exception raised by a call in another process keeps its type; its ``__cause__`` is a
:class:`RemoteTraceback` that holds the traceback printed in the worker.
"""

from __future__ import annotations

import abc
import concurrent.futures as cf
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from dcsys.core.errors import ConfigError, DcsysError

__all__ = [
    "ALL_COMPLETED",
    "FIRST_COMPLETED",
    "FIRST_EXCEPTION",
    "Executor",
    "ExecutorShutdownError",
    "RemoteError",
    "RemoteTraceback",
    "SerializationError",
    "WorkerLostError",
    "as_completed",
    "wait",
]

ALL_COMPLETED = cf.ALL_COMPLETED
FIRST_COMPLETED = cf.FIRST_COMPLETED
FIRST_EXCEPTION = cf.FIRST_EXCEPTION
_RETURN_WHEN = (ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION)


class ExecutorShutdownError(DcsysError, RuntimeError):
    """Work was submitted to an executor that has been shut down (or stopped while it ran)."""


class WorkerLostError(DcsysError, cf.BrokenExecutor):
    """The worker running a call died (killed, crashed, out of memory) before the call finished.

    Only that call fails; the executor carries on with a new worker. It is a
    :class:`concurrent.futures.BrokenExecutor` (a ``RuntimeError``), so code written for
    ``ProcessPoolExecutor``'s ``BrokenProcessPool`` catches it too.

    Attributes:
        exitcode: the worker process's exit code if known (negative: killed by that signal).
    """

    def __init__(self, message: str, exitcode: int | None = None) -> None:
        super().__init__(message)
        self.exitcode = exitcode


class SerializationError(DcsysError, TypeError):
    """A call, its arguments or its result could not be sent between processes (pickling)."""


class RemoteError(DcsysError, RuntimeError):
    """Stands in for an exception raised in a worker that could not be sent back as itself.

    Attributes:
        type_name: the qualified name of the original exception's type.
    """

    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(f"{type_name}: {message}" if message else type_name)
        self.type_name = type_name

    def __reduce__(self) -> tuple[Any, ...]:
        text = str(self)
        message = text[len(self.type_name) + 2 :] if text != self.type_name else ""
        return (type(self), (self.type_name, message))


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker, attached as that exception's cause.

    Printing the exception in the caller then shows the worker's traceback first, the way
    :class:`concurrent.futures.ProcessPoolExecutor` does.

    Attributes:
        text: the traceback as the worker formatted it.
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return f'\n"""\n{self.text}"""'


def wait(
    futures: Iterable[cf.Future], timeout: float | None = None, return_when: str = ALL_COMPLETED
) -> tuple[set[cf.Future], set[cf.Future]]:
    """Wait for futures of any executors and backends, like :func:`concurrent.futures.wait`.

    Args:
        futures: the futures (duplicates are fine).
        timeout: seconds to wait at most (None: no limit).
        return_when: ``ALL_COMPLETED``, ``FIRST_COMPLETED`` or ``FIRST_EXCEPTION``.

    Returns:
        ``(done, not_done)``: two sets of futures.

    Raises:
        ConfigError: an unknown ``return_when``.

    Examples:
        >>> import concurrent.futures as cf
        >>> f = cf.Future()
        >>> f.set_result(1)
        >>> done, not_done = wait([f], timeout=1)
        >>> (len(done), len(not_done))
        (1, 0)
    """
    if return_when not in _RETURN_WHEN:
        raise ConfigError(
            f"return_when must be one of {', '.join(_RETURN_WHEN)}, got {return_when!r}"
        )
    return cf.wait(list(futures), timeout=timeout, return_when=return_when)


def as_completed(futures: Iterable[cf.Future], timeout: float | None = None) -> Iterator[cf.Future]:
    """Yield futures of any executors and backends as they finish (cancelled ones included).

    Args:
        futures: the futures (duplicates are yielded once).
        timeout: seconds from this call until :class:`TimeoutError` (None: no limit).

    Returns:
        An iterator over the futures in the order they finish.

    Examples:
        >>> import concurrent.futures as cf
        >>> f = cf.Future()
        >>> f.set_result("x")
        >>> [g.result() for g in as_completed([f])]
        ['x']
    """
    return cf.as_completed(list(futures), timeout=timeout)


class Executor(abc.ABC):
    """Runs callables asynchronously and hands back :class:`concurrent.futures.Future` objects.

    An executor is a context manager: leaving the block shuts it down and waits for the calls
    it still runs (an exception in the block cancels the calls that have not started yet; a
    ``KeyboardInterrupt`` also stops the running ones where the backend can).

    Attributes:
        name: the backend's name (``"local"``, ``"ray"``).
        max_workers: how many calls run at once at most.
    """

    name: str = ""
    max_workers: int
    _closed: bool = False

    def __init__(self, max_workers: int) -> None:
        """Set ``max_workers`` (checked) and mark the executor open; backends call this first."""
        self.max_workers = self._check_max_workers(max_workers)
        self._closed = False

    @staticmethod
    def _check_max_workers(max_workers: int) -> int:
        if isinstance(max_workers, bool) or not isinstance(max_workers, int) or max_workers < 1:
            raise ConfigError(f"max_workers must be an integer >= 1, got {max_workers!r}")
        return max_workers

    def _check_open(self) -> None:
        """Raise :class:`ExecutorShutdownError` if the executor has been shut down."""
        if self._closed:
            raise ExecutorShutdownError(f"the {self.name} executor has been shut down")

    @property
    def closed(self) -> bool:
        """Whether :meth:`shutdown` has been called."""
        return self._closed

    @abc.abstractmethod
    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        """Schedule ``fn(*args, **kwargs)`` and return a future of its result.

        Raises:
            ExecutorShutdownError: the executor has been shut down.
        """

    def map(
        self,
        fn: Callable[..., Any],
        *iterables: Iterable[Any],
        timeout: float | None = None,
        ordered: bool = True,
    ) -> Iterator[Any]:
        """Apply ``fn`` to the items of ``iterables`` in parallel.

        All calls are submitted at once, before the first result is yielded (like
        :meth:`concurrent.futures.Executor.map`). Closing the iterator early cancels the calls
        that have not started.

        Args:
            fn: the function.
            iterables: argument streams, zipped like the builtin ``map`` (shortest wins).
            timeout: seconds, counted from this call, until the iterator raises
                :class:`TimeoutError` (None: no limit).
            ordered: yield results in input order (True) or as calls finish (False).

        Returns:
            An iterator of results. An exception raised by a call is re-raised when its result is
            reached, and the calls not started by then are cancelled.

        Raises:
            ExecutorShutdownError: the executor has been shut down.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        futures = [self.submit(fn, *args) for args in zip(*iterables, strict=False)]

        def remaining() -> float | None:
            return None if deadline is None else max(0.0, deadline - time.monotonic())

        def results() -> Iterator[Any]:
            try:
                if ordered:
                    for fut in futures:
                        yield fut.result(timeout=remaining())
                else:
                    for fut in as_completed(futures, timeout=remaining()):
                        yield fut.result()
            finally:
                for fut in futures:
                    fut.cancel()

        return results()

    @abc.abstractmethod
    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop accepting work and release the workers once the submitted calls are done.

        Idempotent. Later submissions raise :class:`ExecutorShutdownError`.

        Args:
            wait: block until every submitted call has finished and the workers are gone.
            cancel_futures: cancel the calls that have not started yet.
        """

    def _abort(self) -> None:
        """Shut down at once: cancel what has not started and stop running calls if possible."""
        self.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is not None and issubclass(exc_type, KeyboardInterrupt):
            self._abort()
        else:
            self.shutdown(wait=True, cancel_futures=exc_type is not None)

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<{type(self).__name__} {self.name} max_workers={self.max_workers} {state}>"
