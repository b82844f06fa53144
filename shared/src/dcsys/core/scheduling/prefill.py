"""Fill a cluster with jobs already running at t = 0, as a snapshot of a busy cell would show.

Omega's simulator starts every run from a cell that is ≈60 % full (``omega.md`` §1.4 "Prefill",
§2.1), read from the trace's initial state. Without the trace, :func:`prefill` draws that state
from the workload itself, the way a snapshot of a cell in steady state looks:

* a job kind appears in proportion to how many of its jobs are present at once,
  ``rate × mean duration`` (Little's law) — so long-running service jobs dominate;
* a present job's total duration is *length-biased* (a snapshot catches long jobs more often:
  drawn from a large sample of durations with probability ∝ length), and a uniform fraction of
  it is still to run;
* tasks per job and task sizes are unbiased draws.

Jobs are placed with randomised first-fit, as Omega's prefill scheduler does, until the target
utilisation of one resource (CPU by default) is reached; the last job is cut to the remaining
budget, so the target is met to within one task.

Examples:
    >>> from dcsys.core.scheduling.presets import CLUSTER_A
    >>> cell = CLUSTER_A.scaled(500).cluster()
    >>> running = prefill(cell, CLUSTER_A, 0.6, np.random.default_rng(0))
    >>> round(float(cell.utilisation()[0]), 2), all(j.id < 0 for j, _ in running)
    (0.6, True)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np

from dcsys.core.errors import ConfigError
from dcsys.core.scheduling.cluster import Cluster
from dcsys.core.scheduling.jobs import Job
from dcsys.core.scheduling.placement import random_first_fit
from dcsys.core.scheduling.presets import ClusterPreset
from dcsys.core.scheduling.workloads import MIN_DURATION, WorkloadSpec, spawn_generators

__all__ = ["RunningJob", "prefill"]

_DURATION_POOL = 100_000
_LONG = 1e12  # stands in for endless durations when weighting kinds


class RunningJob(NamedTuple):
    """A prefilled job and the machine of each of its tasks (unpacks as ``job, machines``)."""

    job: Job
    machines: np.ndarray


def prefill(
    cluster: Cluster,
    workload: ClusterPreset | Sequence[WorkloadSpec],
    target_utilisation: float,
    rng: np.random.Generator | int | None = None,
    *,
    seed: int | None = None,
    resource: str = "cpu",
    weights: Mapping[str, float] | None = None,
    max_misses: int = 1000,
) -> list[RunningJob]:
    """Claim jobs already running at t = 0 until ``resource`` reaches ``target_utilisation``.

    Args:
        cluster: the cell to fill (claims are applied to it).
        workload: a :class:`ClusterPreset` or its specs.
        target_utilisation: fraction of ``resource`` (over machines that are up) to fill,
            in [0, 1); what is already claimed counts.
        rng: a generator, or an int seed (default 0).
        seed: alternative keyword for an int seed.
        resource: the resource whose utilisation is filled.
        weights: kind → probability of each job kind, instead of the steady-state mix.
        max_misses: stop after this many jobs in a row that do not fit whole.

    Returns:
        One :class:`RunningJob` per placed job. Jobs have ``submit_time`` 0, negative ids (-1, -2,
        ...), ``duration`` = the time still to run, and ``meta`` holding ``total_duration`` and
        ``elapsed``. The caller schedules their ends.

    Raises:
        ConfigError: a bad target, seed, weights, or specs drawing resources the cluster lacks.
    """
    if not 0 <= target_utilisation < 1:
        raise ConfigError(f"target_utilisation must be in [0, 1), got {target_utilisation}")
    if rng is not None and seed is not None:
        raise ConfigError("give rng or seed, not both")
    source = rng if rng is not None else (0 if seed is None else seed)
    specs = list(workload.specs if isinstance(workload, ClusterPreset) else workload)
    if not specs:
        raise ConfigError("prefill needs at least one workload spec")
    names = cluster.resources
    col = cluster.resource_index(resource)
    for s in specs:
        missing = [n for n in s.resource_names if n not in names and s.resource(n).mean > 0]
        if missing:
            raise ConfigError(f"{s.kind} jobs need {missing}, which the cluster does not have")
    rngs = spawn_generators(source, len(specs) + 1)
    pick = rngs[-1]

    pools, cumulative, present = [], [], []
    for spec, r in zip(specs, rngs[:-1], strict=True):
        pool = np.maximum(spec.duration.sample(r, _DURATION_POOL), MIN_DURATION)
        finite = np.minimum(pool, _LONG)
        pools.append(pool)
        cumulative.append(np.cumsum(finite))
        present.append(spec.mean_rate() * float(finite.mean()))
    if weights is not None:
        unknown = set(weights) - {s.kind.value for s in specs}
        if unknown:
            raise ConfigError(f"weights name kinds {sorted(unknown)} that no spec has")
        w = np.array([float(weights.get(s.kind.value, 0.0)) for s in specs])
    else:
        w = np.array(present)
    if (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
        raise ConfigError(f"kind weights must be finite, >= 0 and not all 0, got {w.tolist()}")
    w = w / w.sum()

    total = float(cluster.total()[col])
    target = target_utilisation * total
    used = float(cluster.used()[col])
    placed: list[RunningJob] = []
    misses = 0
    while used < target - 1e-9 and misses < max_misses:
        i = int(pick.choice(len(specs), p=w))
        spec, r = specs[i], rngs[i]
        n = int(np.clip(np.ceil(spec.tasks.sample(r, 1)[0]), 1, spec.max_tasks))
        demand = np.array([spec.resource(name).sample(r, 1)[0] for name in names])
        if demand[col] > 0:  # the last job is cut to the remaining budget
            n = min(n, max(1, math.ceil((target - used) / demand[col] - 1e-9)))
        j = int(np.searchsorted(cumulative[i], r.random() * cumulative[i][-1], side="right"))
        length = float(pools[i][min(j, _DURATION_POOL - 1)])
        if math.isfinite(length):
            remaining = max(length * r.random(), MIN_DURATION)
            elapsed = length - remaining
        else:  # an endless job: it keeps running
            remaining, elapsed = math.inf, 0.0
        machines = random_first_fit(cluster, demand, n, pick)
        if machines.size < n:
            misses += 1
            continue
        misses = 0
        cluster.claim_many(machines, demand)
        used += n * demand[col]
        job = Job(
            -(len(placed) + 1),
            0.0,
            spec.kind,
            n,
            demand,
            remaining,
            spec.priority,
            meta={"prefill": True, "total_duration": length, "elapsed": elapsed},
        )
        placed.append(RunningJob(job, machines))
    return placed
