"""One executor interface over local worker processes, threads and Ray.

:func:`get_executor` returns an :class:`Executor`: ``"local"`` (the default; a pool of worker
processes on this machine, or threads with ``kind="thread"``) or ``"ray"`` (Ray tasks on a local
or remote Ray cluster; needs ``dcsys-core[ray]``). Every backend returns standard
:class:`concurrent.futures.Future` objects, so :func:`wait` and :func:`as_completed` work across
executors and backends. Used by the experiment runner for sweeps, by CIEL and by Musketeer's Ray
back end.

Both backends behave alike: lambdas and closures run in worker processes; at most
``max_workers`` calls run at once and the rest wait in the executor, where ``cancel()`` takes
them back at once; an exception raised by a call keeps its type and carries the worker's
traceback as ``__cause__`` (a :class:`RemoteTraceback`); a worker that dies fails the call it was
running with :class:`WorkerLostError` and the executor carries on; ``shutdown`` is idempotent and
submitting afterwards raises :class:`ExecutorShutdownError`.

Examples:
    >>> from dcsys.core.execution import get_executor, wait
    >>> with get_executor("local", max_workers=2) as ex:
    ...     futures = [ex.submit(pow, 2, n) for n in range(4)]
    ...     done, _ = wait(futures)
    ...     [f.result() for f in futures]
    [1, 2, 4, 8]
"""

from __future__ import annotations

import inspect
from typing import Any

from dcsys.core.errors import ConfigError, UnknownNameError
from dcsys.core.execution.base import (
    ALL_COMPLETED,
    FIRST_COMPLETED,
    FIRST_EXCEPTION,
    Executor,
    ExecutorShutdownError,
    RemoteError,
    RemoteTraceback,
    SerializationError,
    WorkerLostError,
    as_completed,
    wait,
)
from dcsys.core.execution.local import LocalExecutor
from dcsys.core.execution.ray_backend import RayExecutor, ray_session

__all__ = [
    "ALL_COMPLETED",
    "BACKENDS",
    "FIRST_COMPLETED",
    "FIRST_EXCEPTION",
    "Executor",
    "ExecutorShutdownError",
    "LocalExecutor",
    "RayExecutor",
    "RemoteError",
    "RemoteTraceback",
    "SerializationError",
    "WorkerLostError",
    "as_completed",
    "get_executor",
    "ray_session",
    "wait",
]

BACKENDS: dict[str, type[Executor]] = {"local": LocalExecutor, "ray": RayExecutor}


def get_executor(
    name: str = "local", *, max_workers: int | None = None, **options: Any
) -> Executor:
    """Create an executor by backend name.

    Args:
        name: ``"local"`` or ``"ray"``.
        max_workers: calls at once at most (default: all cores; for Ray on an existing cluster,
            the cluster's CPUs).
        options: backend options: ``kind``, ``mp_context``, ``max_retries`` for
            :class:`LocalExecutor`; ``address``, ``object_store_memory``, ``num_cpus_per_task``,
            ``max_retries``, ``task_options``, ``init_options``, ``prefetch`` for
            :class:`RayExecutor`.

    Returns:
        A new executor; use it as a context manager or call ``shutdown()``.

    Raises:
        UnknownNameError: an unknown backend.
        ConfigError: an option the backend does not have, or a bad value.
        DcsysError: ``"ray"`` without Ray installed (``pip install "dcsys-core[ray]"``).

    Examples:
        >>> with get_executor("local", kind="thread", max_workers=2) as ex:
        ...     list(ex.map(str.upper, ["a", "b"]))
        ['A', 'B']
    """
    try:
        cls = BACKENDS[name]
    except (KeyError, TypeError):
        raise UnknownNameError("executor", str(name), tuple(BACKENDS)) from None
    params = inspect.signature(cls).parameters
    unknown = sorted(set(options) - {p for p in params if p != "max_workers"})
    if unknown:
        known = ", ".join(p for p in params if p != "max_workers")
        raise ConfigError(
            f"unknown option(s) {', '.join(unknown)} for the {name} executor (known: {known})"
        )
    return cls(max_workers, **options)
