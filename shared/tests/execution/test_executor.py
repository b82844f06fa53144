"""One suite, run against every backend: local processes, local threads and Ray.

Ray cases carry the ``ray`` marker and share the session's Ray (the ``ray_cluster`` fixture of
dcsys's pytest plug-in), so Ray starts once per test run.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import BrokenExecutor, CancelledError
from pathlib import Path

import numpy as np
import pytest

from dcsys.core.errors import ConfigError, DcsysError, UnknownNameError
from dcsys.core.execution import (
    FIRST_COMPLETED,
    FIRST_EXCEPTION,
    ExecutorShutdownError,
    LocalExecutor,
    RemoteError,
    RemoteTraceback,
    SerializationError,
    WorkerLostError,
    as_completed,
    get_executor,
    wait,
)

T = 60  # generous result timeout: never hang the suite

BACKENDS = [
    pytest.param(("local", {}), id="process"),
    pytest.param(("local", {"kind": "thread"}), id="thread"),
    pytest.param(("ray", {}), id="ray", marks=pytest.mark.ray),
]
REMOTE_BACKENDS = [
    pytest.param(("local", {}), id="process"),
    pytest.param(("ray", {}), id="ray", marks=pytest.mark.ray),
]


def make(request, name, options, **more):
    if name == "ray":
        request.getfixturevalue("ray_cluster")
    return get_executor(name, **{"max_workers": 2, **options, **more})


@pytest.fixture(params=BACKENDS)
def executor(request):
    name, options = request.param
    ex = make(request, name, options)
    yield ex
    ex.shutdown(wait=True, cancel_futures=True)


@pytest.fixture(params=REMOTE_BACKENDS)
def remote(request):
    """An executor whose calls run in other processes."""
    name, options = request.param
    ex = make(request, name, options)
    yield ex
    ex.shutdown(wait=True, cancel_futures=True)


def is_thread(ex):
    return getattr(ex, "kind", None) == "thread"


# ----------------------------------------------------------------------------- module-level calls
class Boom(ValueError):
    pass


class Picky(Exception):
    """Cannot be rebuilt from its args, so it does not survive pickling."""

    def __init__(self, a, b):
        super().__init__(f"{a}/{b}")


def explode(x):
    raise Boom(f"bad input {x}")


def raise_picky():
    raise Picky(1, 2)


def leave(code):
    raise SystemExit(code)


def die(code=13):
    os._exit(code)


def kill_self():
    os.kill(os.getpid(), signal.SIGKILL)


def die_once(marker):
    """Dies the first time (leaving a marker file), succeeds when re-run."""
    marker = Path(marker)
    if not marker.exists():
        marker.write_text("x")
        os._exit(3)
    return "second try"


def spans(seconds):
    start = time.time()
    time.sleep(seconds)
    return start, time.time()


def touch(path):
    Path(path).write_text("ran")
    return path


def make_lock():
    return threading.Lock()


# ----------------------------------------------------------------------------- basics
def test_submit_and_result(executor):
    assert executor.submit(pow, 3, 4).result(timeout=T) == 81
    assert executor.submit(sorted, [3, 1, 2], reverse=True).result(timeout=T) == [3, 2, 1]
    assert executor.submit(dict, a=1).result(timeout=T) == {"a": 1}
    assert executor.name in ("local", "ray") and executor.max_workers == 2


def test_closures_lambdas_and_local_functions(executor):
    offset = 10

    def add(x, *, times=1):
        return (x + offset) * times

    class Point:
        def __init__(self, x):
            self.x = x

    assert executor.submit(add, 5, times=2).result(timeout=T) == 30
    assert executor.submit(lambda: offset * 2).result(timeout=T) == 20
    assert executor.submit(lambda p: p.x + 1, Point(4)).result(timeout=T) == 5
    assert executor.submit(lambda: Point(7)).result(timeout=T).x == 7


def test_numpy_arrays_as_arguments_and_results(executor):
    a = np.arange(1_000_000, dtype=np.float64)
    out = executor.submit(np.multiply, a, 2.0).result(timeout=T)
    assert isinstance(out, np.ndarray) and out.shape == a.shape
    np.testing.assert_array_equal(out, a * 2.0)
    pair = executor.submit(lambda m: (m.T, m.sum()), np.eye(3, dtype=np.int32)).result(timeout=T)
    np.testing.assert_array_equal(pair[0], np.eye(3))
    assert pair[1] == 3


def test_local_processes_capture_arguments_at_submit():
    with LocalExecutor(max_workers=1) as ex:
        data = [1, 2, 3]
        blocker = ex.submit(time.sleep, 0.3)
        fut = ex.submit(sum, data)
        data.append(100)
        assert fut.result(timeout=T) == 6
        blocker.result(timeout=T)


def test_many_small_calls_and_concurrent_submitters(executor):
    results = {}

    def submitter(k):
        results[k] = [executor.submit(pow, k, i) for i in range(25)]

    threads = [threading.Thread(target=submitter, args=(k,)) for k in range(2, 6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k, futures in results.items():
        assert [f.result(timeout=T) for f in futures] == [k**i for i in range(25)]


def test_at_most_max_workers_calls_run_at_once(executor):
    runs = [f.result(timeout=T) for f in [executor.submit(spans, 0.3) for _ in range(6)]]
    events = sorted(
        [(s, 1) for s, _ in runs] + [(e, -1) for _, e in runs], key=lambda x: (x[0], x[1])
    )
    running = peak = 0
    for _, delta in events:
        running += delta
        peak = max(peak, running)
    assert peak <= executor.max_workers


# ----------------------------------------------------------------------------- map
def test_map_ordered_keeps_input_order(executor):
    def slow_first(x):
        time.sleep(0.4 if x == 0 else 0.0)
        return x * 10

    assert list(executor.map(slow_first, range(5))) == [0, 10, 20, 30, 40]
    assert list(executor.map(lambda x, y: x * y, range(10), range(3, 100))) == [
        i * (i + 3) for i in range(10)
    ]
    assert list(executor.map(abs, [])) == []


def test_map_unordered_yields_as_completed(executor):
    def slow_first(x):
        time.sleep(0.6 if x == 0 else 0.0)
        return x

    out = list(executor.map(slow_first, range(4), ordered=False))
    assert sorted(out) == [0, 1, 2, 3]
    assert out[-1] == 0  # the slow call finishes last


def test_map_reraises_and_cancels_the_rest(executor):
    def fail_on_one(x):
        if x == 1:
            raise Boom("one")
        time.sleep(0.05)
        return x

    results = executor.map(fail_on_one, range(30))
    assert next(results) == 0
    with pytest.raises(Boom, match="one"):
        next(results)
    with pytest.raises(StopIteration):
        next(results)


def test_map_timeout_counts_from_the_call(executor):
    results = executor.map(time.sleep, [1.5, 1.5], timeout=0.3)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        list(results)
    assert time.monotonic() - started < 1.2


# ----------------------------------------------------------------------------- exceptions
def test_exception_keeps_type_and_remote_traceback(executor):
    fut = executor.submit(explode, 7)
    with pytest.raises(Boom, match="bad input 7") as info:
        fut.result(timeout=T)
    assert type(info.value) is Boom
    assert isinstance(fut.exception(), Boom)
    if is_thread(executor):
        return  # the very exception object, with its real traceback
    cause = info.value.__cause__
    assert isinstance(cause, RemoteTraceback)
    assert "in explode" in cause.text and "Boom: bad input 7" in cause.text
    assert "_worker.py" not in cause.text  # the wrapper's own frame is dropped


def test_locally_defined_exception_types_survive(executor):
    class LocalError(KeyError):
        pass

    def fail():
        raise LocalError("local")

    with pytest.raises(LocalError):
        executor.submit(fail).result(timeout=T)


def test_unpicklable_exception_becomes_remote_error(remote):
    with pytest.raises(RemoteError, match="Picky: 1/2") as info:
        remote.submit(raise_picky).result(timeout=T)
    assert info.value.type_name.endswith("Picky")
    assert "raise_picky" in info.value.__cause__.text


def test_system_exit_in_a_call_does_not_exit_the_caller(remote):
    with pytest.raises(RemoteError, match="SystemExit: 4"):
        remote.submit(leave, 4).result(timeout=T)
    assert remote.submit(abs, -2).result(timeout=T) == 2


def test_unpicklable_argument_or_result_fails_the_future(remote):
    fut = remote.submit(id, threading.Lock())
    with pytest.raises(SerializationError, match="id"):
        fut.result(timeout=T)
    with pytest.raises(SerializationError, match="make_lock"):
        remote.submit(make_lock).result(timeout=T)
    assert remote.submit(abs, -3).result(timeout=T) == 3


# ----------------------------------------------------------------------------- cancel and wait
def wait_running(futures, seconds=10.0):
    deadline = time.monotonic() + seconds
    while not all(f.running() or f.done() for f in futures):
        assert time.monotonic() < deadline, "calls did not start"
        time.sleep(0.01)


def test_cancel_queued_work(executor, tmp_path):
    blockers = [executor.submit(time.sleep, 1.5) for _ in range(executor.max_workers)]
    wait_running(blockers)
    queued = [executor.submit(touch, tmp_path / f"q{i}") for i in range(6)]
    assert all(f.cancel() for f in queued)
    assert all(f.cancelled() and f.done() for f in queued)
    # cancelled futures count as done at once, while the blockers still run
    done, not_done = wait(queued, timeout=0.5)
    assert done == set(queued) and not not_done
    assert all(not f.done() for f in blockers)
    assert not any(f.cancel() for f in blockers)  # running calls cannot be cancelled
    done, not_done = wait(blockers + queued, timeout=T)
    assert not not_done
    assert list(tmp_path.iterdir()) == []  # the cancelled calls never ran
    with pytest.raises(CancelledError):
        queued[0].result()


def test_wait_and_as_completed_mix_backends(executor):
    with LocalExecutor(max_workers=1, kind="thread") as other:
        slow = executor.submit(time.sleep, 0.8)
        fast = other.submit(pow, 2, 2)
        bad = executor.submit(explode, 1)
        done, not_done = wait([slow, fast], return_when=FIRST_COMPLETED, timeout=T)
        assert fast in done and slow in not_done
        done, _ = wait([slow, bad], return_when=FIRST_EXCEPTION, timeout=T)
        assert bad in done
        order = list(as_completed([slow, fast, bad], timeout=T))
        assert len(order) == 3 and order[-1] is slow
    with pytest.raises(ConfigError, match="return_when"):
        wait([fast], return_when="SOMETIMES")


def test_as_completed_timeout(executor):
    fut = executor.submit(time.sleep, 1.0)
    with pytest.raises(TimeoutError):
        list(as_completed([fut], timeout=0.2))
    fut.result(timeout=T)


def test_done_callbacks_can_submit_follow_up_work(executor):
    finished = threading.Event()
    chain = []

    def step(fut):
        chain.append(fut.result())
        if len(chain) < 5:
            executor.submit(pow, 2, len(chain)).add_done_callback(step)
        else:
            finished.set()

    executor.submit(pow, 2, 0).add_done_callback(step)
    assert finished.wait(T)
    assert chain == [1, 2, 4, 8, 16]


def test_callbacks_may_shut_the_executor_down(executor):
    closed = threading.Event()

    def stop(_):
        executor.shutdown(wait=False)
        closed.set()

    fut = executor.submit(pow, 2, 3)
    fut.add_done_callback(stop)
    assert closed.wait(T) and fut.result() == 8
    with pytest.raises(ExecutorShutdownError):
        executor.submit(abs, 1)


def test_classes_defined_in_functions_keep_their_identity(executor):
    class Local:
        def __init__(self, v):
            self.v = v

    out = executor.submit(lambda: [Local(1), Local(2)]).result(timeout=T)
    assert all(type(o) is Local for o in out) and [o.v for o in out] == [1, 2]


# ----------------------------------------------------------------------------- worker death
@pytest.mark.parametrize("killer", [die, kill_self], ids=["exit", "sigkill"])
def test_worker_death_fails_only_its_call(remote, killer):
    bystander = remote.submit(spans, 0.5)
    lost = remote.submit(killer)
    with pytest.raises(WorkerLostError, match=f"died while running {killer.__name__}") as info:
        lost.result(timeout=T)
    assert isinstance(info.value, BrokenExecutor) and isinstance(info.value, DcsysError)
    if remote.name == "local":
        expected = "exited with code 13" if killer is die else "killed by signal SIGKILL"
        assert expected in str(info.value)
        assert info.value.exitcode == (13 if killer is die else -signal.SIGKILL)
    assert len(bystander.result(timeout=T)) == 2  # the other call was not affected
    # the executor carries on with fresh workers
    assert list(remote.map(pow, [2, 3, 4], [2, 2, 2])) == [4, 9, 16]


def test_worker_death_with_retries_reruns_the_call(request, tmp_path):
    for param in REMOTE_BACKENDS:
        name, options = param.values[0]
        if name == "ray" and param.marks and not _ray_importable():
            continue
        marker = tmp_path / f"{name}.marker"
        with make(request, name, options, max_retries=1) as ex:
            assert ex.submit(die_once, str(marker)).result(timeout=T) == "second try"


def _ray_importable():
    import importlib.util

    return importlib.util.find_spec("ray") is not None


# ----------------------------------------------------------------------------- shutdown
def test_shutdown_is_idempotent_and_refuses_new_work(executor):
    assert executor.submit(abs, -1).result(timeout=T) == 1
    assert not executor.closed
    executor.shutdown()
    executor.shutdown()
    executor.shutdown(wait=False, cancel_futures=True)
    assert executor.closed and "closed" in repr(executor)
    with pytest.raises(ExecutorShutdownError, match="shut down"):
        executor.submit(abs, -1)
    with pytest.raises(ExecutorShutdownError):
        executor.map(abs, [1])


def test_shutdown_waits_for_running_and_queued_calls(executor):
    futures = [executor.submit(spans, 0.2) for _ in range(4)]
    executor.shutdown(wait=True)
    assert all(f.done() and not f.cancelled() for f in futures)


def test_shutdown_cancel_futures_and_no_wait(executor):
    running = [executor.submit(time.sleep, 0.5) for _ in range(executor.max_workers)]
    wait_running(running)
    queued = [executor.submit(abs, -i) for i in range(5)]
    started = time.monotonic()
    executor.shutdown(wait=False, cancel_futures=True)
    assert time.monotonic() - started < 0.4
    assert all(f.cancelled() for f in queued)
    done, not_done = wait(running, timeout=T)
    assert not not_done and all(f.exception() is None for f in running)


def test_leaving_the_block_with_an_error_cancels_queued_calls(request):
    for param in BACKENDS:
        name, options = param.values[0]
        if name == "ray" and not _ray_importable():
            continue
        with pytest.raises(ZeroDivisionError), make(request, name, options) as ex:
            running = [ex.submit(time.sleep, 0.3) for _ in range(2)]
            wait_running(running)
            queued = [ex.submit(abs, -1) for _ in range(3)]
            1 / 0
        assert all(f.cancelled() for f in queued)
        assert all(f.done() and not f.cancelled() for f in running)


# ----------------------------------------------------------------------------- local specifics
def test_keyboard_interrupt_stops_running_worker_processes():
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt), LocalExecutor(max_workers=2) as ex:
        running = ex.submit(time.sleep, 30)
        wait_running([running])
        queued = [ex.submit(time.sleep, 30) for _ in range(3)]
        raise KeyboardInterrupt
    assert time.monotonic() - started < 10
    assert isinstance(running.exception(timeout=T), ExecutorShutdownError)
    assert all(f.cancelled() for f in queued[1:])


def test_an_executor_dropped_without_shutdown_finishes_its_calls():
    fut = LocalExecutor(max_workers=1).submit(pow, 2, 8)
    assert fut.result(timeout=T) == 256


def test_local_defaults_and_bad_options():
    ex = get_executor()
    assert isinstance(ex, LocalExecutor) and ex.kind == "process"
    assert ex.max_workers == os.cpu_count()
    ex.shutdown()
    with pytest.raises(UnknownNameError, match=r"unknown executor 'spark' \(known: local, ray\)"):
        get_executor("spark")
    with pytest.raises(ConfigError, match="max_workers"):
        get_executor("local", max_workers=0)
    with pytest.raises(ConfigError, match="kind"):
        get_executor("local", kind="fibre")
    with pytest.raises(ConfigError, match="mp_context"):
        get_executor("local", mp_context="teleport")
    with pytest.raises(ConfigError, match="max_retries"):
        get_executor("local", max_retries=-1)
    with pytest.raises(ConfigError, match=r"unknown option\(s\) adress .*known: .*address"):
        get_executor("ray", adress="auto")


def test_ray_without_ray_installed_says_how_to_install(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "ray", None)  # makes `import ray` fail
    with pytest.raises(DcsysError, match=r'pip install "dcsys-core\[ray\]"'):
        get_executor("ray")


# ----------------------------------------------------------------------------- ray specifics
@pytest.mark.ray
def test_ray_executor_reuses_the_session_cluster(ray_cluster):
    from dcsys.core.execution import ray_session

    assert ray_cluster.is_initialized()
    with get_executor("ray") as ex:
        assert ex.max_workers == int(ray_cluster.cluster_resources()["CPU"])
        assert ex.submit(os.getpid).result(timeout=T) != os.getpid()
    with ray_session() as again:
        assert again is ray_cluster
    assert ray_cluster.is_initialized()  # neither the executor nor the session shut it down


@pytest.mark.ray
def test_ray_object_refs_travel_as_references(ray_cluster):
    ref = ray_cluster.put(np.arange(5))
    with get_executor("ray") as ex:
        out = ex.submit(lambda r: int(ray_cluster.get(r).sum()), ref).result(timeout=T)
        assert out == 10
        arr = ex.submit(np.arange, 4).result(timeout=T)
        assert arr.tolist() == [0, 1, 2, 3] and not arr.flags.writeable  # zero-copy view


@pytest.mark.ray
def test_ray_task_options(ray_cluster):
    with pytest.raises(ConfigError, match="task options"):
        get_executor("ray", task_options={"no_such_option": 1})
    with pytest.raises(ConfigError, match="prefetch"):
        get_executor("ray", prefetch=-1)
    with get_executor("ray", max_workers=1, num_cpus_per_task=0.5) as ex:
        assert ex.submit(abs, -5).result(timeout=T) == 5
    with get_executor("ray", max_workers=2, prefetch=4) as ex:
        assert list(ex.map(pow, range(20), [2] * 20)) == [i * i for i in range(20)]
