"""Cluster and workload presets: Omega's clusters A, B and C, and Firmament's Google-trace cell.

The papers publish the *shape* of their workloads, not their parameters (``omega.md`` §2.2: CDFs in
Figs. 2–4; ``firmament.md`` §3: steady-state counts). Every preset therefore records each number
as **paper** (stated in the notes, with the section) or **assumed** (our choice where the notes
give none), in its ``notes`` mapping and docstring. Presets are never fitted to a result figure
(Fig. 8's saturation order only decided which Omega cell gets the busiest batch arrivals).

Omega presets are built by :func:`omega_preset` from a handful of inputs. The per-task CPU and
memory sizes are then *derived*, not guessed: by Little's law, the resources a job kind holds at
steady state are ``rate × tasks × size × duration``, and the sizes are solved so that the whole
workload holds the prefill level (≈60 % of CPU, paper §2.1) with the service share the preset
names — so a week-long run neither drains nor floods the cell. :meth:`ClusterPreset.steady_state`
reports the resulting numbers.

Examples:
    >>> p = CLUSTER_C
    >>> p.cluster().n_machines
    12500
    >>> s = p.steady_state()
    >>> round(s["utilisation"]["cpu"], 2), round(s["service_share"], 2)
    (0.6, 0.75)
    >>> s["batch_job_fraction"] > 0.8
    True
    >>> w = p.workload(horizon=600.0, seed=0)
    >>> set(w.kinds()) <= {"batch", "service"}
    True
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from dcsys.core.errors import ConfigError, UnknownNameError
from dcsys.core.scheduling.arrivals import DAY
from dcsys.core.scheduling.cluster import Cluster
from dcsys.core.scheduling.distributions import Constant, Exponential, LogNormal, Pareto, Rounded
from dcsys.core.scheduling.jobs import BATCH, SERVICE, Job, Workload
from dcsys.core.scheduling.workloads import (
    WorkloadSpec,
    generate_workload,
    iter_jobs,
    job_fractions,
)

__all__ = [
    "CLUSTER_A",
    "CLUSTER_B",
    "CLUSTER_C",
    "GOOGLE_TRACE",
    "PRESETS",
    "ClusterPreset",
    "get_preset",
    "omega_preset",
]

MINUTE = 60.0


@dataclass(frozen=True)
class ClusterPreset:
    """A cell and the workload it runs.

    Attributes:
        name: the preset's name.
        machines: number of machines.
        cpu: cores per machine (slots, for slot-based presets).
        mem: GB per machine (0 when memory is not modelled).
        machines_per_rack: rack size (the last rack may be smaller).
        specs: the job kinds (batch first).
        prefill_utilisation: fraction of CPU taken by jobs already running at t = 0.
        notes: parameter → value and source (``paper`` with the notes' section, or ``assumed``).
    """

    name: str
    machines: int
    cpu: float
    mem: float
    machines_per_rack: int
    specs: tuple[WorkloadSpec, ...]
    prefill_utilisation: float = 0.6
    notes: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.specs:
            raise ConfigError(f"preset {self.name}: needs at least one workload spec")
        if not 0 <= self.prefill_utilisation < 1:
            raise ConfigError(f"preset {self.name}: prefill_utilisation must be in [0, 1)")

    def cluster(self) -> Cluster:
        """A fresh, empty cluster of this preset's machines."""
        return Cluster.homogeneous(
            self.machines, cpu=self.cpu, mem=self.mem, machines_per_rack=self.machines_per_rack
        )

    def spec(self, kind: str) -> WorkloadSpec:
        """The spec of one job kind.

        Raises:
            UnknownNameError: the preset has no such kind.
        """
        for s in self.specs:
            if s.kind == kind:
                return s
        raise UnknownNameError(
            f"job kind in preset {self.name}", kind, [s.kind for s in self.specs]
        )

    def workload(
        self, horizon: float, seed: int | np.random.Generator = 0, **options: Any
    ) -> Workload:
        """Jobs submitted during ``[0, horizon)``; options as for :func:`generate_workload`."""
        return generate_workload(self.specs, horizon, seed, **options)

    def iter_jobs(
        self, horizon: float, seed: int | np.random.Generator = 0, **options: Any
    ) -> Iterator[Job]:
        """Stream the jobs of :meth:`workload` without holding them all."""
        return iter_jobs(self.specs, horizon, seed, **options)

    def scaled(self, machines: int) -> ClusterPreset:
        """The same cell with ``machines`` machines and proportionally scaled arrival rates.

        The scaled cell is as busy as the full-size one (for quick runs and tests).

        Examples:
            >>> small = CLUSTER_C.scaled(125)
            >>> rate = small.spec("batch").mean_rate() / CLUSTER_C.spec("batch").mean_rate()
            >>> small.machines, round(rate, 3)
            (125, 0.01)
        """
        if not (isinstance(machines, int) and machines >= 1):
            raise ConfigError(f"machines must be an integer >= 1, got {machines!r}")
        factor = machines / self.machines
        specs = tuple(s.with_rate(s.mean_rate() * factor) for s in self.specs)
        return replace(self, name=f"{self.name}@{machines}", machines=machines, specs=specs)

    def steady_state(self) -> dict[str, Any]:
        """What the workload holds at steady state (Little's law), from the distributions' means.

        Returns:
            ``utilisation`` per resource (of the cell's capacity), ``service_share`` of CPU,
            ``batch_job_fraction``, ``jobs`` and ``tasks`` present, and ``jobs_per_day`` per kind.
        """
        cap = {"cpu": self.machines * self.cpu, "mem": self.machines * self.mem}
        held = {r: {s.kind.value: s.offered_load(r) for s in self.specs} for r in cap}
        cpu_total = sum(held["cpu"].values())
        return {
            "utilisation": {
                r: (sum(h.values()) / cap[r] if cap[r] else 0.0) for r, h in held.items()
            },
            "service_share": held["cpu"].get("service", 0.0) / cpu_total if cpu_total else 0.0,
            "batch_job_fraction": job_fractions(self.specs).get("batch", 0.0),
            "jobs": sum(s.mean_rate() * s.duration.mean for s in self.specs),
            "tasks": sum(s.mean_rate() * s.mean_tasks * s.duration.mean for s in self.specs),
            "jobs_per_day": {s.kind.value: s.mean_rate() * DAY for s in self.specs},
        }


# 21 % of service jobs run longer than 30 days (paper: 20–40 %, omega.md §2.2); median 1 day
# (assumed); p80 ≈ 35 days (the third-party Fig. 3 reading says ≈29 days, which would put only
# 20 % above a month); at most 60 days (assumed).
_SERVICE_RUNTIME = LogNormal.from_quantile(1 * DAY, 0.79, 30 * DAY, low=MINUTE, high=60 * DAY)


def _interarrival(p80: float) -> LogNormal:
    # assumed shape: log-normal gaps whose 80th percentile is 2.75× the median (σ ≈ 1.2)
    return LogNormal.from_quantile(p80 / 2.75, 0.8, p80)


def _sized(
    spec: WorkloadSpec, held_cpu: float, mem_per_core: float, sigma: tuple[float, float]
) -> WorkloadSpec:
    """``spec`` with log-normal task sizes that hold ``held_cpu`` cores at steady state."""
    cpu_sigma, mem_sigma = sigma
    median = 0.5
    got = 0.0
    for _ in range(30):  # the clipped mean is nearly linear in the median: a few steps converge
        cpu = LogNormal(median, cpu_sigma, low=0.01, high=3.9)
        got = replace(spec, cpu=cpu).offered_load("cpu")
        if abs(got / held_cpu - 1) < 1e-9:
            break
        median = min(median * held_cpu / got, 1e3)
    if abs(got / held_cpu - 1) > 1e-6:
        raise ConfigError(
            f"{spec.kind} jobs cannot hold {held_cpu:g} cores at steady state with tasks under "
            f"3.9 cores; submit them more often or make the cell smaller"
        )
    mem = LogNormal(median * mem_per_core, mem_sigma, low=0.01, high=15.9)
    return replace(spec, cpu=LogNormal(median, cpu_sigma, low=0.01, high=3.9), mem=mem)


def omega_preset(
    name: str,
    machines: int,
    *,
    batch_interarrival_p80: float,
    service_interarrival_p80: float,
    service_share: float,
    utilisation: float = 0.6,
    machines_per_rack: int = 40,
    notes: Mapping[str, str] | None = None,
) -> ClusterPreset:
    """An Omega-style cell of 4-core, 16 GB machines with a batch and a service workload.

    Shapes shared by every Omega preset (``omega.md`` §1.3, §1.4, §2.2):

    * inter-arrival: log-normal, 80th percentile = the given value, 2.75× the median (assumed
      shape; the values come from the notes' reading of Fig. 3: batch 4–7 s, service 2–15 min);
    * batch tasks per job: ⌊Pareto(1, α = 0.649)⌋ capped at 5,000 — P[≥ 101 tasks] = 5 %, i.e. the
      95th percentile ≈ 100 tasks as in Fig. 4's tail panel (paper); most jobs small (paper);
      cap assumed;
    * service tasks per job: ⌊Pareto(1, α = 0.9)⌋ capped at 2,000 — fewer tasks than batch
      (paper, Fig. 4), shape assumed;
    * batch runtime: log-normal, median 3 min (assumed), 80th percentile 16 min (Fig. 3: 12–20 min),
      clipped to [1 s, 7 days];
    * service runtime: log-normal, median 1 day (assumed), 21 % longer than 30 days (paper:
      20–40 %), so the 80th percentile is ≈35 days (Fig. 3 read as ≈29 days); clipped to
      [1 min, 60 days] (assumed);
    * task sizes: log-normal CPU (σ = 0.6) and memory (σ = 0.7), clipped below the released
      simulator's 3.9 cores / 15.9 GB (``omega.md`` §1.3); the memory median is 2.5 GB per
      median core for batch and 3.5 for service tasks (assumed); the CPU medians are *derived*
      so that the steady-state CPU held is ``utilisation`` of the cell with ``service_share``
      of it service.

    Args:
        name: preset name.
        machines: cell size.
        batch_interarrival_p80: 80th-percentile batch inter-arrival time, seconds.
        service_interarrival_p80: 80th-percentile service inter-arrival time, seconds.
        service_share: fraction of the CPU held by service jobs (paper: 0.55–0.80).
        utilisation: steady-state CPU utilisation, also the prefill level (paper: ≈0.6).
        machines_per_rack: rack size (assumed 40).
        notes: extra provenance entries.

    Raises:
        ConfigError: out-of-range inputs.
    """
    if not 0 < service_share < 1 or not 0 < utilisation < 1:
        raise ConfigError("service_share and utilisation must be in (0, 1)")
    capacity = machines * 4.0
    batch = WorkloadSpec(
        BATCH,
        interarrival=_interarrival(batch_interarrival_p80),
        tasks=Rounded(Pareto(1.0, 0.649, high=5_000), "floor", 1),
        duration=LogNormal.from_quantile(3 * MINUTE, 0.8, 16 * MINUTE, low=1.0, high=7 * DAY),
        cpu=Constant(1.0),
        mem=Constant(1.0),
        priority=0,
    )
    service = WorkloadSpec(
        SERVICE,
        interarrival=_interarrival(service_interarrival_p80),
        tasks=Rounded(Pareto(1.0, 0.9, high=2_000), "floor", 1),
        duration=_SERVICE_RUNTIME,
        cpu=Constant(1.0),
        mem=Constant(1.0),
        priority=9,
    )
    held = utilisation * capacity
    specs = (
        _sized(batch, held * (1 - service_share), 2.5, (0.6, 0.7)),
        _sized(service, held * service_share, 3.5, (0.6, 0.7)),
    )
    base_notes = {
        "machine": "4 cores × 16 GB, the released simulator's example cell (omega.md §1.3; "
        "assumed)",
        "batch inter-arrival p80": f"{batch_interarrival_p80:g} s (Fig. 3 reading 4–7 s, "
        "omega.md §2.2)",
        "service inter-arrival p80": f"{service_interarrival_p80 / MINUTE:g} min (Fig. 3 reading "
        "2–15 min, §2.2)",
        "inter-arrival shape": "log-normal, p80 = 2.75 × median (assumed)",
        "batch tasks": "⌊Pareto(1, 0.649)⌋ ≤ 5,000: p95 ≈ 100 (Fig. 4, §2.2); cap assumed",
        "service tasks": "⌊Pareto(1, 0.9)⌋ ≤ 2,000: fewer than batch (Fig. 4, §2.2); shape assumed",
        "batch runtime": "log-normal, median 3 min (assumed), p80 16 min (Fig. 3: 12–20 min, §2.2)",
        "service runtime": "log-normal, median 1 day (assumed), 21 % > 30 days (paper 20–40 %, "
        "§2.2; p80 ≈ 35 days vs the Fig. 3 reading ≈29 days), ≤ 60 days (assumed)",
        "task sizes": "log-normal, < 3.9 cores / 15.9 GB (§1.3); CPU medians derived by "
        "Little's law",
        "memory per core": "median memory 2.5 GB per median core for batch, 3.5 for service "
        "(assumed)",
        "service share": f"{service_share:.0%} of CPU (paper 55–80 %, Fig. 2, §2.2)",
        "utilisation": f"{utilisation:.0%} of CPU at steady state and at t = 0 (paper ≈60 %, §2.1)",
        "machines per rack": f"{machines_per_rack} (assumed; Omega has no racks)",
    }
    return ClusterPreset(
        name,
        machines,
        4.0,
        16.0,
        machines_per_rack,
        specs,
        prefill_utilisation=utilisation,
        notes={**base_notes, **(notes or {})},
    )


CLUSTER_A = omega_preset(
    "A",
    7_500,
    batch_interarrival_p80=4.0,
    service_interarrival_p80=10 * MINUTE,
    service_share=0.60,
    notes={
        "machines": "7,500: 'medium-sized' (paper, omega.md §2.2), between D (≈¼ of C) and C; "
        "assumed",
        "load": "busiest batch arrivals of the three (p80 4 s): 'fairly busy' (paper, §2.2); "
        "Fig. 8's saturation order A < B < C fixed the order, not the values",
    },
)
"""Omega's cluster A: medium-sized and fairly busy.

7,500 machines (assumed) of 4 cores × 16 GB; batch inter-arrival p80 4 s, service p80 10 min
(Fig. 3 readings, ``omega.md`` §2.2); 60 % of the CPU held by service jobs (paper: 55–80 %); 60 %
utilisation (paper §2.1). Shapes and derived sizes as in :func:`omega_preset`.
"""

CLUSTER_B = omega_preset(
    "B",
    15_000,
    batch_interarrival_p80=5.0,
    service_interarrival_p80=5 * MINUTE,
    service_share=0.70,
    notes={
        "machines": "15,000: 'one of Google's larger cells' (paper, omega.md §2.2), larger than C; "
        "assumed",
        "load": "most frequent service submissions (p80 5 min), batch p80 5 s (assumed within "
        "§2.2's ranges)",
    },
)
"""Omega's cluster B: one of Google's largest cells.

15,000 machines (assumed) of 4 cores × 16 GB; batch inter-arrival p80 5 s, service p80 5 min
(Fig. 3 readings, ``omega.md`` §2.2); 70 % of the CPU held by service jobs; 60 % utilisation.
"""

CLUSTER_C = omega_preset(
    "C",
    12_500,
    batch_interarrival_p80=7.0,
    service_interarrival_p80=15 * MINUTE,
    service_share=0.75,
    notes={
        "machines": "12,500: the public May-2011 trace cell (paper, omega.md §2.2, §4)",
        "load": "batch p80 7 s gives ≈16,500 batch jobs a day; the trace's ≈350,000 non-production "
        "jobs in 29 days are ≈12,000 a day (omega.md §1.5)",
        "cross-check": "the trace's initial state holds 3,979 jobs / 151,576 tasks (omega.md "
        "§1.5); this preset holds ≈2,100 jobs / ≈36,000 larger tasks, as Fig. 3's short batch "
        "runtimes imply few batch jobs present at once",
    },
)
"""Omega's cluster C: the cell of the public May-2011 Google trace.

12,500 machines (paper) of 4 cores × 16 GB; batch inter-arrival p80 7 s, service p80 15 min
(Fig. 3 readings, ``omega.md`` §2.2); 75 % of the CPU held by service jobs; 60 % utilisation.
"""


def _google_trace() -> ClusterPreset:
    """Firmament's slot-based replay of the 2011 trace (``firmament.md`` §3, Figs. 3, 7, 14, 18).

    The two arrival rates are solved so that the steady state holds ≈150,000 tasks in ≈1,800 jobs
    (paper) given the assumed shapes.
    """
    slots = 24.0
    target_tasks, target_jobs = 150_000.0, 1_800.0
    batch = WorkloadSpec(
        BATCH,
        interarrival=Exponential(1.0),  # Poisson arrivals (assumed); the rate is solved below
        # 1.2 % of jobs have > 1,000 tasks, some > 20,000 (paper, firmament.md §3, Fig. 9)
        tasks=Rounded(Pareto(1.0, 0.64, high=25_000), "floor", 1),
        # batch task runtimes: median 420 s, p90 1 h (Fig. 18: 2.1 s / 18 s at 200× speed-up)
        duration=LogNormal.from_quantile(420.0, 0.9, 3_600.0, low=1.0, high=7 * DAY),
        cpu=Constant(1.0),  # one slot per task (slot-based, paper)
        mem=Constant(0.0),  # memory not modelled
    )
    service = WorkloadSpec(
        SERVICE,
        interarrival=Exponential(1.0),
        tasks=Rounded(Pareto(1.0, 0.9, high=2_000), "floor", 1),  # assumed, as in omega_preset
        duration=_SERVICE_RUNTIME,
        cpu=Constant(1.0),
        mem=Constant(0.0),
        priority=9,
    )
    # jobs present J_k = rate_k · E[d_k]; tasks present = Σ J_k · E[n_k]: two linear equations
    nb, ns = batch.mean_tasks, service.mean_tasks
    jobs_batch = (target_tasks - ns * target_jobs) / (nb - ns)
    jobs_service = target_jobs - jobs_batch
    specs = (
        batch.with_rate(jobs_batch / batch.duration.mean),
        service.with_rate(jobs_service / service.duration.mean),
    )
    return ClusterPreset(
        "google_trace",
        12_500,
        slots,
        0.0,
        48,
        specs,
        prefill_utilisation=0.5,
        notes={
            "machines": "12,500 (paper, firmament.md §3)",
            "racks": "48 machines per rack → 261 racks (assumed; Firmament's simulator bins 30 "
            "per rack after Quincy, the notes' §4.2 synthetic graph used 625 racks of 20)",
            "slots": "24 per machine (assumed): 150,000 tasks fill 50 % of 300,000 slots, the "
            "≈50 % slot utilisation of Figs. 3 and 7 (firmament.md §3)",
            "steady state": "≈150,000 tasks in ≈1,800 jobs (paper, §3); Poisson arrival rates "
            "solved from it by Little's law (shape assumed)",
            "batch tasks": "⌊Pareto(1, 0.64)⌋ ≤ 25,000: 1.2 % of jobs > 1,000 tasks, some "
            "> 20,000 (paper, §3 Fig. 9); cap assumed",
            "batch runtime": "log-normal, median 420 s, p90 3,600 s (Fig. 18: median 2.1 s, p90 "
            "18 s at 200× speed-up, §3)",
            "service": "tasks ⌊Pareto(1, 0.9)⌋ ≤ 2,000; runtime median 1 day, 21 % > 30 days, "
            "≤ 60 days (assumed, as for Omega's cells)",
            "utilisation": "≈50 % of slots (Figs. 3, 7); Fig. 14 uses 90 % (set per experiment)",
        },
    )


GOOGLE_TRACE = _google_trace()
"""Firmament's Google-trace-shaped cell: slot-based (``cpu`` counts slots, memory unmodelled).

12,500 machines (paper), 48 per rack (assumed) → 261 racks, 24 slots each (assumed, so that the
paper's steady state of ≈150,000 tasks in ≈1,800 jobs is ≈50 % of the slots, as in Figs. 3 and 7;
``firmament.md`` §3). Batch tasks per job ⌊Pareto(1, 0.64)⌋ ≤ 25,000 (1.2 % of jobs > 1,000
tasks, some > 20,000: paper); batch task runtime median 420 s, p90 1 h (Fig. 18, paper); service
shapes as Omega's (assumed); the Poisson arrival rates are solved from the steady-state counts.
"""

PRESETS: dict[str, ClusterPreset] = {
    p.name: p for p in (CLUSTER_A, CLUSTER_B, CLUSTER_C, GOOGLE_TRACE)
}
"""Presets by name: ``"A"``, ``"B"``, ``"C"`` and ``"google_trace"``."""


def get_preset(name: str) -> ClusterPreset:
    """A preset by name.

    Raises:
        UnknownNameError: no such preset.

    Examples:
        >>> get_preset("C").machines
        12500
    """
    try:
        return PRESETS[name]
    except KeyError:
        raise UnknownNameError("cluster preset", name, list(PRESETS)) from None
