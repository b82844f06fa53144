"""Timings of the cluster operations the schedulers run in their inner loops.

Used by ``shared/benchmarks/bench_sim.py``; not a test. Each figure is the best of ``repeats``
runs, per call (µs) or per task (µs/task), on a cell of ``machines`` machines 60 % full.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from dcsys.core.scheduling.placement import random_first_fit
from dcsys.core.scheduling.prefill import prefill
from dcsys.core.scheduling.presets import CLUSTER_C

__all__ = ["run_benchmark"]


def _best(fn: Callable[[], Any], calls: int, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - start) / calls)
    return best


def run_benchmark(machines: int = 12_500, repeats: int = 5) -> dict:
    """Time first-fit placement, snapshots, claims and workload generation on cluster C.

    Examples:
        >>> r = run_benchmark(machines=500, repeats=1)
        >>> r["machines"], r["first_fit_1000_tasks_us_per_task"] > 0
        (500, True)
    """
    preset = CLUSTER_C if machines == CLUSTER_C.machines else CLUSTER_C.scaled(machines)
    cell = preset.cluster()
    start = time.perf_counter()
    prefill(cell, preset, 0.6, np.random.default_rng(0))
    prefill_s = time.perf_counter() - start
    rng = np.random.default_rng(1)
    demand = np.array([0.5, 1.0])

    def place(n: int) -> Callable[[], np.ndarray]:
        return lambda: random_first_fit(cell, demand, n, rng)

    big = _best(place(1_000), 5, repeats)
    small = _best(place(10), 200, repeats)
    snapshot = _best(cell.copy, 200, repeats)
    machines_for = random_first_fit(cell, demand, 1_000, rng)

    def claim_release() -> None:
        cell.claim_many(machines_for, demand)
        cell.release_many(machines_for, demand)

    claim = _best(claim_release, 50, repeats) / 2
    fits = _best(lambda: cell.fits(demand), 200, repeats)
    gen_start = time.perf_counter()
    jobs = sum(1 for _ in preset.iter_jobs(86_400.0, seed=0))
    gen_s = time.perf_counter() - gen_start
    return {
        "benchmark": "scheduling_ops",
        "machines": cell.n_machines,
        "utilisation_cpu": float(cell.utilisation()[0]),
        "first_fit_1000_tasks_us_per_task": big / 1_000 * 1e6,
        "first_fit_1000_tasks_ms": big * 1e3,
        "first_fit_10_tasks_us": small * 1e6,
        "snapshot_copy_us": snapshot * 1e6,
        "claim_many_1000_tasks_us": claim * 1e6,
        "fits_mask_us": fits * 1e6,
        "prefill_60pct_s": prefill_s,
        "workload_day_jobs": jobs,
        "workload_jobs_per_s": jobs / gen_s,
    }
