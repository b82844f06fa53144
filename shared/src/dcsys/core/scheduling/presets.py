"""Cluster and workload presets: Omega's clusters A, B and C, and Firmament's Google-trace cell.

The papers publish the *shape* of their workloads, not the parameters: Omega's Figs. 2–4 give
CDFs of inter-arrival times, runtimes and tasks per job for three Google cells (A: medium-sized
and fairly busy; B: one of Google's largest; C: the cell of the public May-2011 trace,
≈12,500 machines), and state that >80 % of jobs are batch while 55–80 % of resources go to service
jobs, and that the cell starts ≈60 % full (``omega.md`` §2.1–2.2). Firmament replays the 2011 trace
at 12,500 machines, ≈150,000 tasks in ≈1,800 jobs at steady state, 625 racks, slot-based
(``firmament.md`` §3).

Numbers below marked *paper* come from those notes; those marked *assumed* are our choices where
the papers give none (machine sizes follow the released Omega simulator's example cell of
4 cores × 16 GB, which its README calls made-up). Presets are never tuned to reproduce a figure.

Example:
    >>> p = CLUSTER_C
    >>> cluster = p.cluster()
    >>> cluster.n_machines
    12500
    >>> w = p.workload(horizon=600.0, seed=0)
    >>> {j.kind for j in w} <= {"batch", "service"}
    True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from dcsys.core.errors import ConfigError
from dcsys.core.scheduling.cluster import Cluster
from dcsys.core.scheduling.distributions import Constant, LogNormal, Pareto
from dcsys.core.scheduling.jobs import BATCH, SERVICE, Job, Workload
from dcsys.core.scheduling.placement import random_first_fit
from dcsys.core.scheduling.workloads import WorkloadSpec, generate_workload, spawn_generators

__all__ = [
    "CLUSTER_A",
    "CLUSTER_B",
    "CLUSTER_C",
    "GOOGLE_TRACE",
    "PRESETS",
    "ClusterPreset",
    "prefill",
]

DAY = 86_400.0
MINUTE = 60.0


@dataclass(frozen=True)
class ClusterPreset:
    """A cell and the workload it runs.

    Attributes:
        name: the preset's name.
        machines: number of machines.
        cpu: cores per machine (or slots, for slot-based presets).
        mem: GB per machine.
        machines_per_rack: rack size.
        specs: the job kinds (batch first).
        prefill_utilisation: fraction of CPU taken by jobs already running at t = 0.
        notes: where each number comes from.
    """

    name: str
    machines: int
    cpu: float
    mem: float
    machines_per_rack: int
    specs: tuple[WorkloadSpec, ...]
    prefill_utilisation: float = 0.6
    notes: Mapping[str, str] = field(default_factory=dict)

    def cluster(self) -> Cluster:
        """A fresh, empty cluster of this preset's machines."""
        return Cluster.homogeneous(
            self.machines, cpu=self.cpu, mem=self.mem, machines_per_rack=self.machines_per_rack
        )

    def spec(self, kind: str) -> WorkloadSpec:
        """The spec of one job kind."""
        for s in self.specs:
            if s.kind == kind:
                return s
        raise ConfigError(
            f"preset {self.name} has no {kind!r} jobs (has {[s.kind for s in self.specs]})"
        )

    def workload(
        self, horizon: float, seed: int | np.random.Generator = 0, **options: object
    ) -> Workload:
        """Jobs submitted during ``[0, horizon)``; options as for :func:`generate_workload`."""
        return generate_workload(self.specs, horizon, seed, **options)  # type: ignore[arg-type]


def prefill(
    cluster: Cluster,
    specs: Sequence[WorkloadSpec],
    target_utilisation: float,
    seed: int | np.random.Generator = 0,
    *,
    weights: Mapping[str, float] | None = None,
) -> list[tuple[Job, np.ndarray]]:
    """Place jobs already running at t = 0 until CPU utilisation reaches ``target_utilisation``.

    Jobs are drawn from ``specs`` in proportion to the resources each kind holds at steady state
    (arrival rate × tasks × CPU × duration — what a snapshot of a running cell shows, dominated by
    long-running service jobs, as in the trace's initial cell state that Omega's prefill reads).
    A prefilled job has run for a while already: its total duration is drawn length-biased (a
    snapshot sees long jobs more often) and a uniform fraction of it remains. Jobs are placed with randomised first-fit; a job that does not fit whole, or would overshoot the target by more than half a
    percent, is skipped.

    Returns:
        ``(job, machines)`` for each placed job, so the caller can schedule their ends. Jobs have
        ``submit_time`` 0 and negative ids (-1, -2, ...) to keep them apart from the workload's.
    """
    if not 0 <= target_utilisation < 1:
        raise ConfigError(f"target_utilisation must be in [0, 1), got {target_utilisation}")
    rngs = spawn_generators(seed, len(specs) + 1)
    pick = rngs[-1]
    occupancy = [s.mean_rate() * s.tasks.mean * s.cpu.mean * s.duration.mean for s in specs]
    occupancy = [o if np.isfinite(o) else 1e30 for o in occupancy]
    w = np.array(
        [(weights or {}).get(s.kind, o) for s, o in zip(specs, occupancy, strict=True)], dtype=float
    )
    w = w / w.sum()
    cpu = cluster.resource_index("cpu")
    total_cpu = float(cluster.total()[cpu])
    used = float(cluster.allocated[cluster.up, cpu].sum())
    target = target_utilisation * total_cpu
    placed: list[tuple[Job, np.ndarray]] = []
    misses = 0
    while used < target and misses < 1000:
        i = int(pick.choice(len(specs), p=w))
        spec, rng = specs[i], rngs[i]
        n = int(np.clip(np.ceil(spec.tasks.sample(rng, 1)[0]), 1, spec.max_tasks))
        demand = np.array([spec.cpu.sample(rng, 1)[0], spec.mem.sample(rng, 1)[0]])
        if demand[cpu] > 0:  # the last jobs are cut to the remaining budget
            n = min(n, int(np.ceil((target - used) / demand[cpu])))
        # a job seen running at a random instant is length-biased: pick its total duration with
        # probability proportional to length, and a uniform fraction of it still to run
        durations = spec.duration.sample(rng, 64)
        total = durations[rng.choice(64, p=durations / durations.sum())]
        remaining = float(max(total * rng.random(), 1e-3))
        job = Job(-(len(placed) + 1), 0.0, spec.kind, n, demand, remaining, spec.priority)
        machines = random_first_fit(cluster, demand, n, pick)
        if machines.size < n:
            misses += 1
            continue
        cluster.claim_many(machines, demand)
        used += n * demand[cpu]
        placed.append((job, machines))
    return placed


def _omega_specs(batch_median_gap: float, service_median_gap: float) -> tuple[WorkloadSpec, ...]:
    batch = WorkloadSpec(
        BATCH,
        # assumed: log-normal gaps, 80th percentile 2.75× the median (third-party reading of Fig. 3: 4–7 s)
        interarrival=LogNormal.from_quantile(batch_median_gap, 0.8, 2.75 * batch_median_gap),
        # paper Fig. 4: most jobs small, 95th percentile ≈ 100 tasks → Pareto α = 0.65 (P[>100] = 5 %)
        tasks=Pareto(1.0, 0.65, high=5_000),
        # Fig. 3 (third-party): 80th-percentile batch runtime 12–20 min
        duration=LogNormal.from_quantile(3 * MINUTE, 0.8, 16 * MINUTE, low=1.0, high=7 * DAY),
        cpu=LogNormal(
            0.15, 0.6, low=0.01, high=3.9
        ),  # assumed: small tasks (batch ≤ 45 % of resources)
        mem=LogNormal(0.3, 0.7, low=0.01, high=15.9),  # assumed
        priority=0,
    )
    service = WorkloadSpec(
        SERVICE,
        # Fig. 3 (third-party): 80th-percentile service inter-arrival 2–15 min
        interarrival=LogNormal.from_quantile(service_median_gap, 0.8, 2.75 * service_median_gap),
        tasks=Pareto(1.0, 0.8, high=2_000),  # paper: service jobs have fewer tasks (assumed shape)
        # paper: 20–40 % of service jobs run longer than a month → median 1 day, 80th pct 29 days
        duration=LogNormal.from_quantile(1 * DAY, 0.8, 29 * DAY, low=60.0, high=60 * DAY),
        cpu=LogNormal(1.0, 0.6, low=0.05, high=3.9),  # assumed: larger tasks, 55–80 % of resources
        mem=LogNormal(2.0, 0.7, low=0.05, high=15.9),  # assumed
        priority=10,
    )
    return batch, service


_OMEGA_NOTES = {
    "machines": "C: ≈12,500 (paper, public trace cell); A and B sizes are not published (assumed)",
    "machine size": "4 cores × 16 GB, the released simulator's example cell (assumed)",
    "batch inter-arrival": "log-normal; 80th percentile ≈ 2.75× median (Fig. 3 read as 4–7 s; assumed per cell)",
    "tasks per job": "batch Pareto α=0.65 (95th pct ≈ 100, Fig. 4); service Pareto α=0.8 (fewer tasks)",
    "task sizes": "chosen so that > 80 % of jobs are batch but 55–80 % of core-seconds are service (paper Fig. 2)",
    "durations": "batch 80th pct 16 min (Fig. 3: 12–20 min); service median 1 day, 80th pct 29 days",
    "prefill": "≈60 % of CPU at t = 0 (paper §4: 'approximately 60 %')",
}

CLUSTER_A = ClusterPreset(
    "A",
    5_000,
    4.0,
    16.0,
    40,
    _omega_specs(1.3, 3 * MINUTE),
    notes={
        **_OMEGA_NOTES,
        "machines": "A: medium-sized, fairly busy (paper); 5,000 machines assumed",
    },
)
"""Omega's cluster A: medium-sized and fairly busy (busiest batch arrival rate of the three)."""

CLUSTER_B = ClusterPreset(
    "B",
    15_000,
    4.0,
    16.0,
    40,
    _omega_specs(1.2, 3 * MINUTE),
    notes={
        **_OMEGA_NOTES,
        "machines": "B: one of Google's larger cells (paper); 15,000 machines assumed",
    },
)
"""Omega's cluster B: one of Google's largest cells."""

CLUSTER_C = ClusterPreset(
    "C",
    12_500,
    4.0,
    16.0,
    40,
    _omega_specs(2.0, 5 * MINUTE),
    notes={**_OMEGA_NOTES, "machines": "C: the public 2011 trace cell, ≈12,500 machines (paper)"},
)
"""Omega's cluster C: the cell of the public May-2011 Google trace."""

GOOGLE_TRACE = ClusterPreset(
    "google_trace",
    12_500,
    12.0,  # slots per machine (firmament.md §4: 12,500 machines × 12 slots)
    48.0,
    20,  # 625 racks (firmament.md §4, Quincy-shaped graph)
    (
        WorkloadSpec(
            BATCH,
            # steady state ≈150,000 tasks in ≈1,800 jobs (paper §7): mean ≈ 83 tasks per job; with
            # mean task runtime ≈ 30 min, Little's law gives ≈ 1 job per 1.2 s (assumed shape)
            interarrival=LogNormal(0.6, 1.2),
            tasks=Pareto(1.5, 0.55, high=20_000),  # heavy tail; some jobs > 20,000 tasks (paper)
            duration=LogNormal.from_quantile(8 * MINUTE, 0.8, 40 * MINUTE, low=1.0, high=7 * DAY),
            cpu=Constant(1.0),  # one slot per task (slot-based, paper)
            mem=Constant(1.0),
        ),
    ),
    prefill_utilisation=0.5,
    notes={
        "machines": "12,500 machines, 12 slots each, 625 racks (paper / notes §4)",
        "steady state": "≈150,000 tasks in ≈1,800 jobs (paper §7); shapes assumed",
        "utilisation": "≈50 % slots for Fig. 7; 90 % for Fig. 14 (set per experiment)",
    },
)
"""Firmament's Google-trace-shaped cell (slot-based; ``cpu`` counts slots)."""

PRESETS: dict[str, ClusterPreset] = {
    p.name: p for p in (CLUSTER_A, CLUSTER_B, CLUSTER_C, GOOGLE_TRACE)
}
