"""Events per second of the kernel beside a bare ``heapq`` loop, measured in the same run.

The event pattern is the classic *hold* model: ``entities`` concurrent entities, and each event
schedules its entity's next event after an exponential delay, so the heap stays at a constant size.
The bare loop does the same with ``(time, seq, callback, args)`` tuples in a list managed by
:mod:`heapq` — the floor any Python heap-based kernel pays — and the kernel runs the identical
delay sequence through :meth:`Simulation.schedule` and :meth:`Simulation.run`.

Used by ``shared/benchmarks/bench_sim.py``; not a test (tests never time things).
"""

from __future__ import annotations

import heapq
import time
from typing import Any

import numpy as np

from dcsys.core.sim.kernel import Simulation

__all__ = ["bare_heapq_hold", "kernel_hold", "run_benchmark"]


def bare_heapq_hold(n_events: int, delays: list[float], entities: int) -> float:
    """Seconds a bare heapq loop takes to fire ``n_events`` hold-model events."""
    heap: list[tuple[float, int, Any, tuple[Any, ...]]] = []
    seq = 0
    d = iter(delays)
    count = 0

    def hold(entity: int, now: float) -> None:
        nonlocal seq, count
        count += 1
        seq += 1
        heapq.heappush(heap, (now + next(d), seq, hold, (entity,)))

    for e in range(entities):
        seq += 1
        heapq.heappush(heap, (next(d), seq, hold, (e,)))
    start = time.perf_counter()
    while heap and count < n_events:
        t, _, cb, args = heapq.heappop(heap)
        cb(*args, t)
    return time.perf_counter() - start


def kernel_hold(n_events: int, delays: list[float], entities: int) -> float:
    """Seconds :class:`Simulation` takes to fire ``n_events`` hold-model events."""
    sim = Simulation(seed=0)
    d = iter(delays)
    count = 0

    def hold(entity: int) -> None:
        nonlocal count
        count += 1
        if count >= n_events:
            sim.stop()
        sim.schedule(next(d), hold, entity)

    for e in range(entities):
        sim.schedule(next(d), hold, e)
    start = time.perf_counter()
    sim.run()
    elapsed = time.perf_counter() - start
    assert sim.events_run == n_events
    return elapsed


def run_benchmark(n_events: int = 1_000_000, entities: int = 1000, repeats: int = 3) -> dict:
    """Run both loops ``repeats`` times, interleaved, on the same delays.

    Args:
        n_events: events per timed run.
        entities: concurrent entities (the heap size).
        repeats: runs of each; the best of each is reported.

    Returns:
        A JSON-ready dict with both rates (events/s) and ``ratio_kernel_to_bare``.

    Examples:
        >>> r = run_benchmark(2_000, entities=10, repeats=1)
        >>> sorted(k for k in r if k.endswith("per_s"))
        ['bare_heapq_events_per_s', 'kernel_events_per_s']
    """
    delays = np.random.default_rng(0).exponential(1.0, size=n_events + entities + 10).tolist()
    bare: list[float] = []
    ours: list[float] = []
    for _ in range(repeats):  # interleaved, so background load hits both alike
        bare.append(bare_heapq_hold(n_events, delays, entities))
        ours.append(kernel_hold(n_events, delays, entities))
    return {
        "benchmark": "sim_hold_model",
        "events": n_events,
        "entities": entities,
        "repeats": repeats,
        "bare_heapq_events_per_s": n_events / min(bare),
        "kernel_events_per_s": n_events / min(ours),
        "ratio_kernel_to_bare": min(bare) / min(ours),
        "target_ratio": 0.5,
    }
