"""A process pool that fails only the call whose worker died, and carries on.

Unlike :class:`concurrent.futures.ProcessPoolExecutor`, which marks the whole pool broken (and
fails every pending call) when one worker dies, this pool keeps its queue in the parent, hands a
call to a worker only when the worker is idle, and watches every worker's pipe and process
sentinel. A worker that dies fails the one call it was running with
:class:`~dcsys.core.execution.WorkerLostError` (or re-runs it, up to ``max_retries`` times), and a
new worker replaces it on demand. Queued calls can always be cancelled.

One dispatcher thread per pool does all process and pipe handling; callers only append to the
queue and wake it.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import multiprocessing.util  # registers multiprocessing's exit hook before ours (atexit is LIFO)
import signal
import threading
import weakref
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_ready
from typing import Any

import cloudpickle

from dcsys.core.execution._futures import TaskFuture, fail, pack_call, settle, try_start
from dcsys.core.execution._worker import STOP, worker_main
from dcsys.core.execution.base import ExecutorShutdownError, SerializationError, WorkerLostError

__all__ = ["ProcessPool"]

_JOIN_SECONDS = 5.0

# Pools whose dispatcher is running. At interpreter exit each is closed and waited for (as
# concurrent.futures does), before multiprocessing joins its child processes.
_LIVE: weakref.WeakSet[ProcessPool] = weakref.WeakSet()


def _close_live_pools() -> None:
    for pool in list(_LIVE):
        pool.close(wait=True)


atexit.register(_close_live_pools)


@dataclass(eq=False)
class _Task:
    future: TaskFuture
    payload: bytes
    retries_left: int
    started: bool = False


@dataclass(eq=False)
class _Worker:
    process: Any  # multiprocessing.process.BaseProcess
    conn: Connection
    task: _Task | None = None
    calls: int = 0
    broken: bool = False


def _exit_text(exitcode: int | None) -> str:
    if exitcode is None:
        return "stopped responding"
    if exitcode < 0:
        try:
            return f"was killed by signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"was killed by signal {-exitcode}"
    return f"exited with code {exitcode}"


class ProcessPool:
    """The engine behind ``LocalExecutor(kind="process")``.

    Args:
        max_workers: worker processes at most (started on demand).
        mp_context: the multiprocessing start method (``forkserver``, ``spawn`` or ``fork``).
        max_retries: how often a call is re-run after its worker died.
    """

    def __init__(self, max_workers: int, mp_context: str, max_retries: int = 0) -> None:
        self.max_workers = max_workers
        self.max_retries = max_retries
        self._ctx = multiprocessing.get_context(mp_context)
        self._lock = threading.Lock()
        self._queue: deque[_Task] = deque()
        self._workers: list[_Worker] = []  # touched by the dispatcher thread only
        self._thread: threading.Thread | None = None
        self._closing = False
        self._aborting = False
        self._wake_pending = False
        self._wake_r, self._wake_w = multiprocessing.Pipe(duplex=False)

    # ----------------------------------------------------------------- caller side
    def submit(
        self, fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any], label: str
    ) -> TaskFuture:
        """Queue a call; its pickling errors fail the returned future."""
        future = TaskFuture(label)
        payload = pack_call(future, fn, args, kwargs)
        if payload is None:
            return future
        with self._lock:
            if self._closing:
                raise ExecutorShutdownError("the local executor has been shut down")
            self._queue.append(_Task(future, payload, self.max_retries))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="dcsys-local-dispatcher", daemon=True
                )
                _LIVE.add(self)
                self._thread.start()
        self._wake()
        return future

    def close(self, wait: bool = True, cancel_futures: bool = False, abort: bool = False) -> None:
        """Stop taking work; finish (or, with ``abort``, stop) what runs; then stop the workers."""
        with self._lock:
            self._closing = True
            self._aborting = self._aborting or abort
            dropped: list[_Task] = []
            if cancel_futures or abort:
                # A re-queued call (its worker died) has started and cannot be cancelled.
                dropped = [t for t in self._queue if abort or not t.started]
                self._queue = deque(t for t in self._queue if t not in dropped)
            thread = self._thread
        for task in dropped:
            if not task.future.cancel():
                fail(
                    task.future,
                    ExecutorShutdownError(
                        f"the executor was stopped before {task.future.label} could be re-run"
                    ),
                )
        if thread is None:
            self._close_wakeup()
            return
        self._wake()
        if wait and thread is not threading.current_thread():
            thread.join()

    def _wake(self) -> None:
        # Under the lock: at most one byte is ever unread (so this never blocks), and the pipe
        # cannot be closed (its descriptor reused) halfway through a write.
        with self._lock:
            if self._wake_pending:
                return
            self._wake_pending = True
            self._wake_w.send_bytes(b"!")

    def _close_wakeup(self) -> None:
        with self._lock:
            self._wake_pending = True  # from now on nobody writes to the pipe
            self._wake_r.close()
            self._wake_w.close()

    # ----------------------------------------------------------------- dispatcher side
    def _run(self) -> None:
        try:
            while True:
                if self._aborting:
                    self._terminate_all()
                self._assign()
                with self._lock:
                    if self._closing and not self._queue and not self._busy():
                        break
                objects: list[Any] = [self._wake_r]
                for worker in self._workers:
                    objects.append(worker.process.sentinel)
                    if worker.task is not None:
                        objects.append(worker.conn)
                self._handle(wait_ready(objects))
        finally:
            self._stop_workers()
            self._close_wakeup()
            _LIVE.discard(self)

    def _busy(self) -> bool:
        return any(w.task is not None for w in self._workers)

    def _next_task(self) -> _Task | None:
        with self._lock:
            while self._queue:
                task = self._queue.popleft()
                if task.started or try_start(task.future):
                    task.started = True
                    return task
        return None

    def _assign(self) -> None:
        while True:
            idle = next((w for w in self._workers if w.task is None and not w.broken), None)
            if idle is None and len(self._workers) >= self.max_workers:
                return
            task = self._next_task()
            if task is None:
                return
            if idle is None:
                try:
                    idle = self._spawn()
                except Exception as exc:
                    err = WorkerLostError(
                        f"could not start a worker process for {task.future.label}: {exc}"
                    )
                    err.__cause__ = exc
                    fail(task.future, err)
                    continue
            idle.task = task
            try:
                idle.conn.send_bytes(task.payload)
            except OSError:  # it died; its sentinel reports it
                idle.broken = True
                idle.process.terminate()
            if not task.retries_left:
                task.payload = b""  # not needed again; free it while the call runs

    def _spawn(self) -> _Worker:
        parent_end, child_end = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(
            target=worker_main, args=(child_end,), name="dcsys-local-worker"
        )
        try:
            process.start()
        finally:
            child_end.close()
        worker = _Worker(process, parent_end)
        self._workers.append(worker)
        return worker

    def _handle(self, ready: list[Any]) -> None:
        if self._wake_r in ready:
            with self._lock:
                self._wake_pending = False
            while self._wake_r.poll():
                self._wake_r.recv_bytes()
        for worker in list(self._workers):
            if worker.task is not None and worker.conn in ready:
                self._receive(worker)
        for worker in list(self._workers):
            if worker.process.sentinel in ready:
                if worker.task is not None and not worker.broken and worker.conn.poll():
                    self._receive(worker)
                self._remove(worker)

    def _receive(self, worker: _Worker) -> None:
        task = worker.task
        assert task is not None
        try:
            data = worker.conn.recv_bytes()
        except (EOFError, OSError):
            worker.broken = True
            self._remove(worker)
            return
        worker.task = None
        worker.calls += 1
        try:
            outcome = cloudpickle.loads(data)
        except Exception as exc:
            err = SerializationError(
                f"the result of {task.future.label} could not be unpickled: {type(exc).__name__}: {exc}"
            )
            err.__cause__ = exc
            fail(task.future, err)
            return
        settle(task.future, outcome)

    def _remove(self, worker: _Worker) -> None:
        """Forget a dead (or broken) worker; fail or re-queue the call it was running."""
        if worker not in self._workers:
            return
        self._workers.remove(worker)
        process = worker.process
        process.join(_JOIN_SECONDS)
        if process.is_alive():
            process.kill()
            process.join()
        pid, exitcode = process.pid, process.exitcode
        worker.conn.close()
        process.close()
        task, worker.task = worker.task, None
        if task is None:
            return
        label = task.future.label
        if self._aborting:
            fail(
                task.future,
                ExecutorShutdownError(f"the executor was stopped while running {label}"),
            )
        elif task.retries_left > 0:
            task.retries_left -= 1
            with self._lock:
                self._queue.appendleft(task)
        else:
            message = (
                f"a worker process died while running {label} (pid {pid} {_exit_text(exitcode)})"
            )
            fail(task.future, WorkerLostError(message, exitcode))

    def _terminate_all(self) -> None:
        for worker in self._workers:
            if worker.task is not None:
                worker.broken = True
                worker.process.terminate()
        for worker in list(self._workers):
            if worker.broken:
                self._remove(worker)

    def _stop_workers(self) -> None:
        for worker in self._workers:
            with contextlib.suppress(OSError):
                worker.conn.send_bytes(STOP)
        for worker in self._workers:
            worker.process.join(_JOIN_SECONDS)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
            worker.process.close()
        self._workers.clear()
