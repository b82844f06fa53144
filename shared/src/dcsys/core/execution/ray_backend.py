"""The Ray backend: the same interface, with calls running as Ray tasks on a Ray cluster.

Ray is optional (``pip install "dcsys-core[ray]"``) and imported only when a :class:`RayExecutor`
or :func:`ray_session` is created, never when this module is imported.

* **Which Ray.** An executor uses the Ray this process is already connected to, else connects to
  ``address`` (or ``$RAY_ADDRESS``), else starts a local Ray: ``num_cpus = max_workers``, no
  dashboard, no log forwarding, a bounded object store. It disconnects or stops only a Ray that
  dcsys started or connected to, and only when the last executor (or :func:`ray_session`) using
  it is done; a Ray started by the caller is left alone.
* **Authentication.** Recent Ray (2.5x) turns token authentication on for local clusters, warns
  about it on every start and writes a token to ``~/.ray``. When dcsys starts the local Ray and
  is the first to import Ray in the process, it keeps authentication on but with a fresh
  per-process token in the environment (``RAY_AUTH_MODE=token``, ``RAY_AUTH_TOKEN``): no
  warning, nothing in the home folder. Settings of your own in those variables win. (If Ray was
  imported earlier, Ray's own default applies: the warning and the token file.)
* **Same semantics as the local backend.** At most ``max_workers`` calls are handed to Ray at a
  time; the rest wait in the executor, where :meth:`~concurrent.futures.Future.cancel` takes them
  back at once (a call handed to Ray counts as running and is not cancelled). Exceptions keep
  their type with the remote traceback as ``__cause__``; a dead worker or node fails the call
  with :class:`~dcsys.core.execution.WorkerLostError` after ``max_retries`` re-runs.
* **Serialisation.** Ray's own: a call and its arguments are serialised when handed to Ray (so
  do not change an argument after submitting it), ``ObjectRef`` values among the arguments
  travel as references (``ray.get`` them in the call), and numpy arrays among the arguments and
  results are zero-copy views of Ray's object store and therefore **read-only** (copy one to
  modify it). dcsys-core must be importable on every node.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import os
import pickle
import secrets
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from dcsys.core.errors import ConfigError, DcsysError
from dcsys.core.execution._futures import TaskFuture, fail, settle, try_start
from dcsys.core.execution._worker import describe, run_call
from dcsys.core.execution.base import Executor, SerializationError, WorkerLostError

__all__ = ["RayExecutor", "import_ray", "ray_init_options", "ray_session"]

DEFAULT_OBJECT_STORE_BYTES = 512 * 1024 * 1024
_INSTALL_HINT = 'the ray executor needs Ray: pip install "dcsys-core[ray]"'


def _local_auth_defaults() -> None:
    """Token authentication without Ray's warning or a token file in the home folder."""
    if "RAY_AUTH_MODE" in os.environ:
        return
    os.environ["RAY_AUTH_MODE"] = "token"
    if not (os.environ.get("RAY_AUTH_TOKEN") or os.environ.get("RAY_AUTH_TOKEN_PATH")):
        os.environ["RAY_AUTH_TOKEN"] = secrets.token_hex(32)


def import_ray(*, starting_local: bool = False) -> Any:
    """Import Ray, or raise a :class:`DcsysError` that says how to install it.

    Args:
        starting_local: a local Ray is about to be started; if Ray has not been imported yet,
            set the environment it reads at import (usage stats off, token authentication with
            a per-process token unless the caller configured authentication).

    Returns:
        The ``ray`` module.

    Raises:
        DcsysError: Ray is not installed.
    """
    if "ray" not in sys.modules:
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        if starting_local:
            _local_auth_defaults()
    try:
        import ray
    except ImportError as exc:
        raise DcsysError(_INSTALL_HINT) from exc
    return ray


def ray_init_options(num_cpus: int, object_store_memory: int) -> dict[str, Any]:
    """Options for starting a local Ray that suit this project's machines.

    No dashboard, no log forwarding, a bounded object store, and a temporary folder outside any
    virtualenv (Ray refuses one inside, which is where tools such as nox point ``TMPDIR``).

    Examples:
        >>> opts = ray_init_options(2, 256 * 1024 * 1024)
        >>> opts["num_cpus"], opts["include_dashboard"], opts["log_to_driver"]
        (2, False, False)
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


class _Session:
    """Who uses the Ray that dcsys started or connected to in this process.

    Ray itself is one per process, so this bookkeeping is too: the last user to leave shuts the
    Ray down (or disconnects); a Ray the caller initialised is never touched. ``enter`` hands out
    a ticket (the generation of the Ray it joined, or None for a Ray that is not ours), so users
    of a Ray that was shut down behind dcsys's back do not count against a later one.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0  # users of the Ray dcsys initialised; 0 = none (or not ours)
        self.generation = 0

    def enter(
        self,
        num_cpus: int,
        object_store_memory: int,
        address: str | None,
        init_options: Mapping[str, Any],
    ) -> tuple[Any, int | None]:
        with self.lock:
            address = address or os.environ.get("RAY_ADDRESS") or None
            ray = import_ray(starting_local=address is None)
            if ray.is_initialized():
                if self.users:
                    self.users += 1
                    return ray, self.generation
                return ray, None
            self.users = 0
            self.generation += 1
            if address is None:
                options = {**ray_init_options(num_cpus, object_store_memory), **init_options}
            else:
                options = {"address": address, "log_to_driver": False, **init_options}
            try:
                ray.init(**options)
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"cannot start Ray with {options}: {exc}") from exc
            except ConnectionError as exc:
                raise DcsysError(
                    f"cannot connect to the Ray cluster at {address!r}: {exc}"
                ) from exc
            self.users = 1
            return ray, self.generation

    def leave(self, ray: Any, ticket: int | None) -> None:
        with self.lock:
            if ticket is None or ticket != self.generation or self.users == 0:
                return
            self.users -= 1
            if self.users == 0 and ray.is_initialized():
                ray.shutdown()


_SESSION = _Session()


@contextlib.contextmanager
def ray_session(
    num_cpus: int | None = None,
    *,
    address: str | None = None,
    object_store_memory: int = DEFAULT_OBJECT_STORE_BYTES,
    init_options: Mapping[str, Any] | None = None,
) -> Iterator[Any]:
    """Use Ray for the duration of a block, starting (or connecting to) it if needed.

    Executors created inside the block share this Ray; it is shut down when the block and every
    executor using it are done, and only if dcsys initialised it.

    Args:
        num_cpus: CPUs of a local Ray started here (default: ``os.cpu_count()``).
        address: a cluster to connect to instead (``"auto"``, ``"ray://host:10001"``...).
        object_store_memory: bytes of object store of a local Ray started here.
        init_options: more keyword arguments for ``ray.init``.

    Yields:
        The ``ray`` module, initialised.

    Raises:
        DcsysError: Ray is not installed, or the cluster cannot be reached.
    """
    ray, ticket = _SESSION.enter(
        num_cpus or os.cpu_count() or 1, object_store_memory, address, dict(init_options or {})
    )
    try:
        yield ray
    finally:
        _SESSION.leave(ray, ticket)


class RayExecutor(Executor):
    """Runs calls as Ray tasks.

    Args:
        max_workers: calls handed to Ray at once at most, and the CPUs of a local Ray started
            here (default: ``os.cpu_count()`` for a local Ray, the cluster's CPUs otherwise).
        address: a Ray cluster to connect to (``"auto"``, ``"ray://host:10001"``...) if this
            process is not connected to one yet; None uses ``$RAY_ADDRESS`` or starts a local Ray.
        object_store_memory: bytes of object store of a local Ray started here.
        num_cpus_per_task: CPUs each call reserves in Ray's scheduler.
        max_retries: how many times Ray re-runs a call whose worker or node died.
        task_options: more Ray task options (``num_gpus``, ``memory``, ``resources``,
            ``runtime_env``...).
        init_options: more keyword arguments for ``ray.init`` when Ray is started here.
        prefetch: calls handed to Ray beyond ``max_workers``, so that Ray has the next ones at
            hand when a call finishes: many short calls run up to twice as fast, but calls handed
            over count as running and can no longer be cancelled. On a Ray started here Ray
            itself still runs at most ``max_workers`` at once (with one CPU per call).

    Raises:
        ConfigError: a bad option.
        DcsysError: Ray is not installed (``pip install "dcsys-core[ray]"``) or not reachable.
    """

    name = "ray"

    def __init__(
        self,
        max_workers: int | None = None,
        *,
        address: str | None = None,
        object_store_memory: int = DEFAULT_OBJECT_STORE_BYTES,
        num_cpus_per_task: float = 1.0,
        max_retries: int = 0,
        task_options: Mapping[str, Any] | None = None,
        init_options: Mapping[str, Any] | None = None,
        prefetch: int = 0,
    ) -> None:
        if isinstance(prefetch, bool) or not isinstance(prefetch, int) or prefetch < 0:
            raise ConfigError(f"prefetch must be an integer >= 0, got {prefetch!r}")
        self.prefetch = prefetch
        if max_workers is not None:
            self._check_max_workers(max_workers)
        if not isinstance(num_cpus_per_task, int | float) or num_cpus_per_task < 0:
            raise ConfigError(f"num_cpus_per_task must be a number >= 0, got {num_cpus_per_task!r}")
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < -1:
            raise ConfigError(f"max_retries must be an integer >= 0 (or -1), got {max_retries!r}")
        self._cond = threading.Condition()
        self._queue: deque[tuple[TaskFuture, Callable[..., Any], tuple, dict]] = deque()
        self._inflight = 0
        self._released = False
        self._thread: threading.Thread | None = None
        ray, self._ticket = _SESSION.enter(
            max_workers or os.cpu_count() or 1,
            object_store_memory,
            address,
            dict(init_options or {}),
        )
        self._ray = ray
        if max_workers is None:  # as many as the cluster has CPUs (a local Ray: all cores)
            try:
                max_workers = int(ray.cluster_resources().get("CPU", 0))
            except Exception:  # the cluster did not answer; fall back to this machine
                max_workers = 0
        super().__init__(max_workers or os.cpu_count() or 1)
        try:
            remote = ray.remote(num_cpus=num_cpus_per_task, max_retries=max_retries)(run_call)
            self._remote = remote.options(**task_options) if task_options else remote
        except (TypeError, ValueError) as exc:
            self._closed = True
            self._release()
            raise ConfigError(f"bad Ray task options {dict(task_options or {})}: {exc}") from exc

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        """Run ``fn(*args, **kwargs)`` as a Ray task; return a future of its result.

        The call and its arguments are serialised when they are handed to Ray, not at once:
        do not change a mutable argument after submitting it. A call that Ray cannot serialise
        fails the future with :class:`~dcsys.core.execution.SerializationError`.

        Raises:
            ExecutorShutdownError: the executor has been shut down.
        """
        self._check_open()
        future = TaskFuture(describe(fn))
        with self._cond:
            self._check_open()
            self._queue.append((future, fn, args, kwargs))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._dispatch, name="dcsys-ray-dispatcher", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()
        return future

    # ----------------------------------------------------------------- dispatcher thread
    def _dispatch(self) -> None:
        try:
            while True:
                with self._cond:
                    while not (
                        (self._queue and self._inflight < self.max_workers + self.prefetch)
                        or (self._closed and not self._queue and not self._inflight)
                    ):
                        self._cond.wait()
                    if not self._queue:
                        return  # closed and everything done
                    future, fn, args, kwargs = self._queue.popleft()
                    if not try_start(future):
                        continue  # cancelled while queued
                    self._inflight += 1
                self._launch(future, fn, args, kwargs)
        finally:
            self._release()

    def _launch(
        self, future: TaskFuture, fn: Callable[..., Any], args: tuple, kwargs: dict
    ) -> None:
        try:
            ref = self._remote.remote(fn, args, kwargs)
        except Exception as exc:
            error: BaseException = exc
            if isinstance(exc, TypeError | pickle.PicklingError):
                error = SerializationError(f"Ray cannot serialise {future.label}: {exc}")
                error.__cause__ = exc
            self._done(future, error=error)
            return
        ref.future().add_done_callback(lambda inner: self._done(future, inner=inner))

    def _done(
        self, future: TaskFuture, inner: cf.Future | None = None, error: BaseException | None = None
    ) -> None:
        outcome = None
        if inner is not None:
            error = inner.exception()
            if error is None:
                outcome = inner.result()
        # Free the slot before settling: the future's callbacks may submit or shut down.
        with self._cond:
            self._inflight -= 1
            self._cond.notify_all()
        if outcome is not None:
            settle(future, outcome)
        else:
            fail(future, self._translate(future.label, error or RuntimeError("no outcome")))

    def _translate(self, label: str, error: BaseException) -> BaseException:
        exceptions = self._ray.exceptions
        lost = tuple(
            getattr(exceptions, name)
            for name in (
                "WorkerCrashedError",
                "NodeDiedError",
                "LocalRayletDiedError",
                "OutOfMemoryError",
            )
            if hasattr(exceptions, name)
        )
        if isinstance(error, lost):
            err = WorkerLostError(
                f"a Ray worker died while running {label} ({type(error).__name__})"
            )
            err.__cause__ = error
            return err
        if isinstance(error, exceptions.RayTaskError):
            # The call's own exceptions come back as outcomes, so this failed around the call:
            # its arguments could not be deserialised or its result not serialised.
            cause = error.cause if isinstance(error.cause, BaseException) else error
            err = SerializationError(
                f"Ray could not pass the arguments or the result of {label}: "
                f"{type(cause).__name__}: {cause}"
            )
            err.__cause__ = cause
            return err
        return error

    def _release(self) -> None:
        with self._cond:
            if self._released:
                return
            self._released = True
        _SESSION.leave(self._ray, self._ticket)

    # ----------------------------------------------------------------- shutting down
    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop accepting work; let go of Ray once the submitted calls are done.

        A Ray that this executor started is shut down when the last executor using it is done.

        Args:
            wait: block until every submitted call has finished.
            cancel_futures: cancel the calls not yet handed to Ray.
        """
        with self._cond:
            self._closed = True
            dropped = list(self._queue) if cancel_futures else []
            if cancel_futures:
                self._queue.clear()
            thread = self._thread
            self._cond.notify_all()
        for future, *_ in dropped:
            future.cancel()
        if thread is None:
            self._release()
        elif wait and thread is not threading.current_thread():
            thread.join()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<RayExecutor max_workers={self.max_workers} {state}>"
