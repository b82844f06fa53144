"""One executor interface over local worker processes and Ray.

:func:`get_executor` returns an :class:`Executor`: ``"local"`` (the default; a pool of worker
processes on this machine, or threads with ``kind="thread"``) or ``"ray"`` (Ray tasks on a local or
remote Ray cluster; needs ``dcsys-core[ray]``). Both return standard
:class:`concurrent.futures.Future` objects, so :func:`wait` and :func:`as_completed` work across
them. Used by the experiment runner for sweeps, by CIEL and by Musketeer's Ray back end.

Example:
    >>> from dcsys.core.execution import get_executor, wait
    >>> with get_executor("local", max_workers=2) as ex:
    ...     futures = [ex.submit(pow, 2, n) for n in range(4)]
    ...     done, _ = wait(futures)
    ...     [f.result() for f in futures]
    [1, 2, 4, 8]
"""

from __future__ import annotations

from typing import Any

from dcsys.core.errors import UnknownNameError
from dcsys.core.execution.base import (
    ALL_COMPLETED,
    FIRST_COMPLETED,
    FIRST_EXCEPTION,
    Executor,
    ExecutorShutdownError,
    WorkerLostError,
    as_completed,
    wait,
)
from dcsys.core.execution.local import LocalExecutor

__all__ = [
    "ALL_COMPLETED",
    "BACKENDS",
    "FIRST_COMPLETED",
    "FIRST_EXCEPTION",
    "Executor",
    "ExecutorShutdownError",
    "LocalExecutor",
    "WorkerLostError",
    "as_completed",
    "get_executor",
    "wait",
]

BACKENDS = ("local", "ray")


def get_executor(
    name: str = "local", *, max_workers: int | None = None, **options: Any
) -> Executor:
    """Create an executor by backend name.

    Args:
        name: ``"local"`` or ``"ray"``.
        max_workers: calls at once at most (default: all cores).
        options: backend options (``kind``/``mp_context`` for local; ``address``,
            ``object_store_memory``, ``num_cpus_per_task`` for Ray).

    Raises:
        UnknownNameError: an unknown backend.
        DcsysError: ``"ray"`` without Ray installed.
    """
    if name == "local":
        return LocalExecutor(max_workers, **options)
    if name == "ray":
        from dcsys.core.execution.ray_backend import RayExecutor

        return RayExecutor(max_workers, **options)
    raise UnknownNameError("executor", name, BACKENDS)
