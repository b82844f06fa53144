"""One suite, run against every backend: local processes, local threads and Ray."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from dcsys.core.errors import DcsysError, UnknownNameError
from dcsys.core.execution import (
    FIRST_COMPLETED,
    ExecutorShutdownError,
    WorkerLostError,
    as_completed,
    get_executor,
    wait,
)

BACKENDS = [
    pytest.param(("local", {}), id="local-process"),
    pytest.param(("local", {"kind": "thread"}), id="local-thread"),
    pytest.param(("ray", {}), id="ray", marks=pytest.mark.ray),
]


@pytest.fixture(params=BACKENDS)
def executor(request):
    name, options = request.param
    if name == "ray":
        request.getfixturevalue("ray_cluster")
    ex = get_executor(name, max_workers=2, **options)
    yield ex
    ex.shutdown(wait=True, cancel_futures=True)


class Boom(ValueError):
    pass


def explode(x):
    raise Boom(f"bad input {x}")


def test_submit_and_result(executor):
    assert executor.submit(pow, 3, 4).result(timeout=60) == 81
    assert executor.submit(sorted, [3, 1, 2], reverse=True).result(timeout=60) == [3, 2, 1]


def test_closures_and_lambdas(executor):
    offset = 10

    def add(x):
        return x + offset

    assert executor.submit(add, 5).result(timeout=60) == 15
    assert executor.submit(lambda: offset * 2).result(timeout=60) == 20


def test_map_ordered_and_unordered(executor):
    assert list(executor.map(lambda x, y: x * y, range(10), range(10))) == [
        i * i for i in range(10)
    ]

    def slow_first(x):
        time.sleep(0.5 if x == 0 else 0.0)
        return x

    out = list(executor.map(slow_first, range(4), ordered=False))
    assert sorted(out) == [0, 1, 2, 3]


def test_exception_keeps_type_and_remote_traceback(executor):
    fut = executor.submit(explode, 7)
    with pytest.raises(Boom, match="bad input 7") as info:
        fut.result(timeout=60)
    if executor.kind if hasattr(executor, "kind") and executor.kind == "thread" else False:
        return
    text = str(info.value.__cause__) if info.value.__cause__ else str(info.value)
    assert "explode" in text  # the remote traceback names the failing function


def test_numpy_arrays(executor):
    a = np.arange(100_000, dtype=np.float64)
    out = executor.submit(np.multiply, a, 2.0).result(timeout=60)
    assert isinstance(out, np.ndarray) and out[-1] == 199_998.0


def test_wait_and_as_completed(executor):
    futures = [executor.submit(time.sleep, 0.05) for _ in range(4)]
    fast = executor.submit(pow, 2, 2)
    done, _ = wait([fast], return_when=FIRST_COMPLETED, timeout=60)
    assert fast in done
    assert len(list(as_completed(futures, timeout=60))) == 4


def test_cancel_queued_work(executor):
    blockers = [executor.submit(time.sleep, 1.0) for _ in range(executor.max_workers)]
    time.sleep(0.3)
    queued = [executor.submit(time.sleep, 1.0) for _ in range(6)]
    cancelled = [f.cancel() for f in queued]
    assert any(cancelled)
    for f, c in zip(queued, cancelled, strict=True):
        if c:
            assert f.cancelled()
    done, not_done = wait(blockers + queued, timeout=60)
    assert not not_done


def test_shutdown_semantics(executor):
    assert executor.submit(abs, -1).result(timeout=60) == 1
    executor.shutdown()
    executor.shutdown()  # idempotent
    with pytest.raises(ExecutorShutdownError, match="shut down"):
        executor.submit(abs, -1)


def die():
    os._exit(13)


@pytest.mark.parametrize(
    "backend",
    [
        pytest.param("local", id="local-process"),
        pytest.param("ray", id="ray", marks=pytest.mark.ray),
    ],
)
def test_worker_death_fails_the_call_and_executor_recovers(backend, request):
    if backend == "ray":
        request.getfixturevalue("ray_cluster")
    with get_executor(backend, max_workers=2) as ex:
        fut = ex.submit(die)
        with pytest.raises(WorkerLostError, match="died while running die"):
            fut.result(timeout=120)
        assert ex.submit(pow, 2, 5).result(timeout=120) == 32


def test_unknown_backend_and_bad_sizes():
    with pytest.raises(UnknownNameError, match="unknown executor 'spark' \\(known: local, ray\\)"):
        get_executor("spark")
    with pytest.raises(DcsysError, match="max_workers"):
        get_executor("local", max_workers=0)
    with pytest.raises(DcsysError, match="kind"):
        get_executor("local", kind="fibre")
