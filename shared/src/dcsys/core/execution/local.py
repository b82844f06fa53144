"""The embedded backend: a pool of worker processes (the default) or threads on this machine.

Processes:

* Calls and arguments are serialised with cloudpickle when submitted, so lambdas, closures and
  functions defined in ``__main__`` or a notebook run in workers too, and later changes to a
  mutable argument do not reach a call already submitted.
* Workers are started from a fork server on Linux (``spawn`` elsewhere), never by forking the
  caller, which may have threads (forking a multi-threaded process can deadlock the child). As
  with any ``spawn``/``forkserver`` pool, a script that creates an executor must do so under
  ``if __name__ == "__main__":``, because worker start-up imports the main module.
* An exception raised by a call reaches the caller with its original type; its ``__cause__`` is
  a :class:`~dcsys.core.execution.RemoteTraceback` with the worker's traceback.
* A worker that dies (``os._exit``, a signal, the out-of-memory killer) fails only the call it was
  running, with :class:`~dcsys.core.execution.WorkerLostError` (or re-runs it, ``max_retries``
  times); other calls go on and a new worker replaces it.
* Workers ignore Ctrl-C; leaving a ``with`` block by ``KeyboardInterrupt`` stops them.

Threads (``kind="thread"``) share the caller's memory: no pickling, exceptions are the very
objects raised, and a call cannot be stopped once it runs.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import sys
import threading
import weakref
from collections.abc import Callable
from typing import Any

from dcsys.core.errors import ConfigError
from dcsys.core.execution._futures import TaskFuture, fail, try_start
from dcsys.core.execution._procpool import ProcessPool
from dcsys.core.execution._worker import describe
from dcsys.core.execution.base import Executor

__all__ = ["LocalExecutor"]

KINDS = ("process", "thread")


def _default_context() -> str:
    return "forkserver" if sys.platform.startswith("linux") else "spawn"


def _run_in_thread(
    future: TaskFuture, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    if not try_start(future):  # cancelled while queued
        return
    try:
        result = fn(*args, **kwargs)
    except BaseException as exc:  # handed to the caller, like concurrent.futures does
        fail(future, exc)
    else:
        future.set_result(result)


class LocalExecutor(Executor):
    """Runs calls on a pool of local worker processes (default) or threads.

    Args:
        max_workers: calls at once at most (default: ``os.cpu_count()``). Processes and threads
            are started on demand, up to this many.
        kind: ``"process"`` (default) or ``"thread"``.
        mp_context: the start method of worker processes (default: ``"forkserver"`` on Linux,
            ``"spawn"`` elsewhere). ``"fork"`` works but is unsafe in a multi-threaded caller.
        max_retries: how many times a call is re-run after its worker process died before it
            fails with :class:`~dcsys.core.execution.WorkerLostError` (processes only).

    Raises:
        ConfigError: a bad ``max_workers``, ``kind``, ``mp_context`` or ``max_retries``.

    Examples:
        >>> with LocalExecutor(max_workers=2) as ex:
        ...     list(ex.map(lambda x: x * x, range(5)))
        [0, 1, 4, 9, 16]
        >>> with LocalExecutor(max_workers=2, kind="thread") as ex:
        ...     ex.submit(sum, [1, 2, 3]).result()
        6
    """

    name = "local"

    def __init__(
        self,
        max_workers: int | None = None,
        *,
        kind: str = "process",
        mp_context: str | None = None,
        max_retries: int = 0,
    ) -> None:
        super().__init__((os.cpu_count() or 1) if max_workers is None else max_workers)
        if kind not in KINDS:
            raise ConfigError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        methods = multiprocessing.get_all_start_methods()
        if mp_context is not None and mp_context not in methods:
            raise ConfigError(f"mp_context must be one of {', '.join(methods)}, got {mp_context!r}")
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ConfigError(f"max_retries must be an integer >= 0, got {max_retries!r}")
        self.kind = kind
        self.max_retries = max_retries
        self._lock = threading.Lock()
        self._procs: ProcessPool | None = None
        self._threads: cf.ThreadPoolExecutor | None = None
        self._outstanding: set[TaskFuture] = set()  # thread kind: submitted, not yet done
        if kind == "process":
            self._procs = ProcessPool(
                self.max_workers, mp_context or _default_context(), max_retries
            )
            # An executor dropped without shutdown() still finishes its calls, then stops.
            self._finalizer = weakref.finalize(self, self._procs.close, False)
            self._finalizer.atexit = False
        else:
            self._threads = cf.ThreadPoolExecutor(
                self.max_workers, thread_name_prefix="dcsys-local"
            )

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        """Schedule ``fn(*args, **kwargs)`` on a worker; return a future of its result.

        A call, argument or result that cannot be pickled fails the future with
        :class:`~dcsys.core.execution.SerializationError` (processes only).

        Raises:
            ExecutorShutdownError: the executor has been shut down.
        """
        self._check_open()
        if self._procs is not None:
            return self._procs.submit(fn, args, kwargs, describe(fn))
        assert self._threads is not None
        future = TaskFuture(describe(fn))
        with self._lock:
            self._check_open()
            self._outstanding.add(future)
            self._threads.submit(_run_in_thread, future, fn, args, kwargs)
        future.add_done_callback(self._forget)
        return future

    def _forget(self, future: cf.Future) -> None:
        with self._lock:
            self._outstanding.discard(future)  # type: ignore[arg-type]

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop accepting work; release the workers once the submitted calls are done.

        Args:
            wait: block until every submitted call has finished and the workers are gone.
            cancel_futures: cancel the calls that have not started yet.
        """
        with self._lock:
            self._closed = True
            pending = list(self._outstanding) if cancel_futures else []
        if self._procs is not None:
            self._finalizer.detach()
            self._procs.close(wait=wait, cancel_futures=cancel_futures)
            return
        for future in pending:
            future.cancel()
        assert self._threads is not None
        self._threads.shutdown(wait=wait)

    def _abort(self) -> None:
        if self._procs is None:
            self.shutdown(wait=False, cancel_futures=True)
            return
        self._closed = True
        self._finalizer.detach()
        self._procs.close(wait=True, abort=True)

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<LocalExecutor kind={self.kind} max_workers={self.max_workers} {state}>"
