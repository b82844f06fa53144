"""The Ray backend: the same interface, with calls running as Ray tasks on a Ray cluster.

Ray is optional (``pip install "dcsys-core[ray]"``) and imported only here. The executor connects
to a running Ray (``address=...`` or an already initialised driver) or starts a local one with
``num_cpus = max_workers``, no dashboard and a bounded object store, and shuts down only a Ray it
started itself.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dcsys.core.errors import DcsysError
from dcsys.core.execution.base import Executor, WorkerLostError, cancel_and_notify

__all__ = ["RayExecutor", "import_ray", "ray_init_options"]

_OBJECT_STORE_BYTES = 512 * 1024 * 1024


def import_ray() -> Any:
    """Import Ray or raise a :class:`DcsysError` that says how to install it."""
    try:
        import ray
    except ImportError as exc:
        raise DcsysError('the ray executor needs Ray: pip install "dcsys-core[ray]"') from exc
    return ray


def ray_init_options(num_cpus: int, object_store_memory: int) -> dict[str, Any]:
    """Options for starting a local Ray that suit this project's machines.

    No dashboard, no log forwarding, a bounded object store, and a temporary folder outside any
    virtualenv (Ray refuses one inside, which is where tools such as nox point ``TMPDIR``).
    """
    options: dict[str, Any] = {
        "num_cpus": num_cpus,
        "object_store_memory": object_store_memory,
        "include_dashboard": False,
        "log_to_driver": False,
    }
    tmp = Path(tempfile.gettempdir()).resolve()
    prefix = Path(sys.prefix).resolve()
    if tmp == prefix or prefix in tmp.parents:
        options["_temp_dir"] = str(Path("/tmp") / f"dcsys-ray-{os.getuid()}")
    return options


def _call(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    return fn(*args, **kwargs)


class _RayFuture(cf.Future):
    def __init__(self, ray: Any, ref: Any) -> None:
        super().__init__()
        self._ray, self._ref = ray, ref

    def cancel(self) -> bool:
        if self.done():
            return False
        try:
            self._ray.cancel(self._ref, force=False)
        except Exception:  # already finished or not cancellable
            return False
        return cancel_and_notify(self)


class RayExecutor(Executor):
    """Runs calls as Ray tasks.

    Args:
        max_workers: CPUs of a Ray started here (default: ``os.cpu_count()``).
        address: a Ray cluster to connect to (e.g. ``"auto"`` or ``"ray://host:10001"``); None
            uses an already initialised Ray or starts a local one.
        object_store_memory: bytes for the object store of a Ray started here.
        num_cpus_per_task: CPUs each call reserves.
    """

    name = "ray"

    def __init__(
        self,
        max_workers: int | None = None,
        *,
        address: str | None = None,
        object_store_memory: int = _OBJECT_STORE_BYTES,
        num_cpus_per_task: float = 1.0,
    ) -> None:
        super().__init__((os.cpu_count() or 1) if max_workers is None else max_workers)
        ray = import_ray()
        self._ray = ray
        self._started = False
        if not ray.is_initialized():
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
            if address is None:
                ray.init(**ray_init_options(self.max_workers, object_store_memory))
            else:
                ray.init(address=address, log_to_driver=False)
            self._started = True
        self._remote = ray.remote(num_cpus=num_cpus_per_task, max_retries=0)(_call)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        """Run ``fn(*args, **kwargs)`` as a Ray task; return a future of its result."""
        with self._lock:
            self._check_open()
            ref = self._remote.remote(fn, args, kwargs)
        outer = _RayFuture(self._ray, ref)
        inner = ref.future()
        label = getattr(fn, "__qualname__", repr(fn))

        def settle(done: cf.Future) -> None:
            if outer.done():
                return
            exc = done.exception() if not done.cancelled() else None
            if done.cancelled() or isinstance(exc, self._ray.exceptions.TaskCancelledError):
                cancel_and_notify(outer)
            elif isinstance(exc, self._ray.exceptions.WorkerCrashedError):
                lost = WorkerLostError(f"the Ray worker died while running {label}")
                lost.__cause__ = exc
                outer.set_exception(lost)
            elif isinstance(exc, self._ray.exceptions.RayTaskError):
                outer.set_exception(exc.as_instanceof_cause())
            elif exc is not None:
                outer.set_exception(exc)
            else:
                outer.set_result(done.result())

        inner.add_done_callback(settle)
        return outer

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop using Ray; shuts Ray down only if this executor started it."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        if self._started and self._ray.is_initialized():
            self._ray.shutdown()
