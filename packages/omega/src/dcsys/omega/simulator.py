"""The lightweight cluster simulator (Omega §4): one cell, a workload, an architecture.

:func:`simulate` builds a cell from a preset (Omega's clusters A, B, C), fills it to ≈60 % with jobs
already running, replays a seeded workload through the architecture's schedulers on the core's
discrete-event kernel, and returns per-scheduler and per-workload metrics. Cell state lives in
numpy arrays (:class:`dcsys.core.scheduling.Cluster`), so a week of cluster C simulates in seconds
to minutes rather than the original's five minutes per simulated day.

Examples:
    >>> from dcsys.omega import omega, simulate
    >>> r = simulate("C", omega(), hours=0.5, seed=0, machines=500)
    >>> r.workloads["batch"]["jobs"] > 0 and r.workloads["batch"]["wait_mean"] < 30
    True
"""

from __future__ import annotations

import math
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dcsys.core.errors import ConfigError
from dcsys.core.scheduling import PRESETS, Cluster, ClusterPreset, Workload, prefill
from dcsys.core.sim import Simulation
from dcsys.omega.architectures import Architecture
from dcsys.omega.mapreduce import MapReducePolicy, mark_mapreduce_jobs
from dcsys.omega.metrics import WorkloadStats
from dcsys.omega.schedulers import (
    JobRun,
    MesosAllocator,
    MesosFramework,
    MonolithicScheduler,
    OmegaScheduler,
    PlacementPolicy,
    RandomFirstFit,
)

__all__ = ["CellSimulator", "SimulationResult", "simulate"]

MAX_ATTEMPTS = 1_000
MAX_EMPTY_ATTEMPTS = 100
RETRY_DELAY = 1.0


@dataclass
class SimulationResult:
    """Metrics of one simulated run.

    Attributes:
        architecture: the architecture's label.
        horizon: simulated seconds.
        schedulers: per scheduler, :meth:`SchedulerStats.summary` values.
        workloads: per job kind (``"batch"``, ``"service"``), wait times and outcomes.
        utilisation: mean CPU and memory utilisation over the run.
        events: simulation events processed.
        wall_time_s: how long the simulation took.
    """

    architecture: str
    horizon: float
    schedulers: dict[str, dict[str, Any]]
    workloads: dict[str, dict[str, Any]]
    utilisation: dict[str, float]
    events: int
    wall_time_s: float
    jobs: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def by_kind(self, kind: str) -> dict[str, Any]:
        """Scheduler metrics averaged over the schedulers serving ``kind`` (``batch`` or ``service``)."""
        rows = [v for k, v in self.schedulers.items() if k.startswith(kind) or k == "monolithic"]
        if not rows:
            return {}
        keys = ("busyness", "busyness_mad", "busyness_mean", "wasted_fraction", "conflict_fraction")
        out = {k: float(np.mean([r[k] for r in rows])) for k in keys}
        out["abandoned"] = sum(r["abandoned"] for r in rows)
        return out


class CellSimulator:
    """Runs one architecture over one cell and workload. Built by :func:`simulate`."""

    def __init__(
        self,
        cell: Cluster,
        workload: Workload,
        arch: Architecture,
        horizon: float,
        seed: int,
        policy: PlacementPolicy | None = None,
        running: list | None = None,
        sample_every: float = 60.0,
        mtbf: float | None = None,
        repair_time: float = 3_600.0,
        mapreduce: MapReducePolicy | None = None,
    ) -> None:
        self.cell = cell
        self.workload = workload
        self.arch = arch
        self.horizon = horizon
        self.sim = Simulation(seed=seed)
        self.rng = self.sim.rng
        self.policy = policy or RandomFirstFit()
        self.kinds = {k: WorkloadStats(k) for k in ("batch", "service")}
        self.allocator: MesosAllocator | None = None
        self._build_schedulers()
        self._util: list[np.ndarray] = []
        self._sample_every = sample_every
        # allocations: id -> [owner, run, machines, demand]; per-machine index only with failures
        self._allocs: dict[int, list[Any]] = {}
        self._next_alloc = 0
        self._track = mtbf is not None or arch.preemption
        self.preemptible = np.zeros_like(
            cell.allocated
        )  # resources held by batch (priority 0) work
        self.tasks_preempted = 0
        self.mapreduce = mapreduce
        self.mr_speedups: list[float] = []
        self._on_machine: dict[int, set[int]] = {}
        self.mtbf, self.repair_time = mtbf, repair_time
        self.tasks_lost = 0
        self.failures = 0
        for job, machines in running or []:
            self._add_alloc(None, JobRun(job, 0), machines)

    def _build_schedulers(self) -> None:
        arch = self.arch
        think = {k: arch.think_for(k) for k in ("batch", "service")}
        if arch.kind == "monolithic":
            self.service = [MonolithicScheduler(self, "monolithic", think)]
            self.batch = self.service
        elif arch.kind == "omega":
            self.service = [OmegaScheduler(self, "service", think)]
            self.batch = [OmegaScheduler(self, f"batch-{i}", think) for i in range(arch.n_batch)]
        else:
            self.allocator = MesosAllocator(self, arch.offer_interval, arch.min_cpu_offer)
            self.service = [MesosFramework(self, self.allocator, "service", think)]
            self.batch = [
                MesosFramework(self, self.allocator, f"batch-{i}", think)
                for i in range(arch.n_batch)
            ]
        self.schedulers = {s.name: s for s in [*self.service, *self.batch]}

    # -- events ----------------------------------------------------------------------------
    def _arrive(self, job: Any) -> None:
        self.kinds.setdefault(job.kind, type(self.kinds["batch"])(job.kind)).submitted += 1
        pool = self.service if job.kind == "service" else self.batch
        scheduler = pool[zlib.crc32(str(job.id).encode()) % len(pool)] if len(pool) > 1 else pool[0]
        scheduler.submit(JobRun(job, job.n_tasks))

    def record_wait(self, run: JobRun, now: float) -> None:
        """Called by a scheduler when a job's first attempt starts."""
        self.kinds[run.job.kind].waits.append(now - run.job.submit_time)

    def hold(
        self, owner: Any, run: JobRun, machines: np.ndarray, duration: float | None = None
    ) -> None:
        """Tasks were placed on ``machines``: they run for the job's duration, then release."""
        if isinstance(owner, MesosFramework):
            owner.held += run.job.demand * machines.size
        self._add_alloc(owner, run, machines, duration)

    def _add_alloc(
        self, owner: Any, run: JobRun, machines: np.ndarray, duration: float | None = None
    ) -> None:
        aid = self._next_alloc
        self._next_alloc += 1
        self._allocs[aid] = [owner, run, machines, run.job.demand]
        if self._track:
            for m in np.unique(machines).tolist():
                self._on_machine.setdefault(m, set()).add(aid)
            if run.job.kind != "service":
                np.add.at(self.preemptible, machines, run.job.demand)
        self.sim.schedule(run.job.duration if duration is None else duration, self._release, aid)

    def _release(self, aid: int) -> None:
        alloc = self._allocs.pop(aid, None)
        if alloc is None:
            return
        owner, run, machines, demand = alloc
        if machines.size:
            self.cell.release_many(machines, demand)
        if self._track:
            for m in np.unique(machines).tolist():
                self._on_machine.get(m, set()).discard(aid)
            if run.job.kind != "service":
                np.subtract.at(self.preemptible, machines, demand)
        if isinstance(owner, MesosFramework):
            owner.held -= demand * machines.size
        if self.allocator is not None:
            self.allocator.resources_freed()

    def _evict(self, aid: int, m: int) -> int:
        """Take allocation ``aid``'s tasks off machine ``m`` and send them back to be re-run."""
        owner, run, machines, demand = self._allocs[aid]
        lost = int((machines == m).sum())
        self.cell.release_many(np.full(lost, m), demand)
        self._allocs[aid][2] = machines[machines != m]
        self._on_machine.get(m, set()).discard(aid)
        if run.job.kind != "service":
            self.preemptible[m] -= demand * lost
        if isinstance(owner, MesosFramework):
            owner.held -= demand * lost
        if owner is not None:
            owner.submit(JobRun(run.job, lost, first_attempt=self.sim.now, rerun=True))
        return lost

    def preempt_and_claim(self, run: JobRun, machines: np.ndarray) -> np.ndarray:
        """Claim ``machines`` for a service job, evicting batch tasks where there is no room."""
        demand = run.job.demand
        granted = []
        for m, k in zip(*np.unique(machines, return_counts=True), strict=True):
            m, k = int(m), int(k)
            victims = sorted(
                (
                    a
                    for a in self._on_machine.get(m, ())
                    if self._allocs[a][1].job.kind != "service"
                ),
                key=lambda a: -self._allocs[a][1].job.submit_time,  # youngest first
            )
            while self.cell.slots(demand, np.array([m]))[0] < k and victims:
                self.tasks_preempted += self._evict(victims.pop(0), m)
            k = min(k, int(self.cell.slots(demand, np.array([m]))[0]))
            granted.extend([m] * k)
        out = np.array(granted, dtype=np.int64)
        if out.size:
            self.cell.claim_many(out, demand)
        return out

    def _schedule_failure(self) -> None:
        assert self.mtbf is not None
        gap = float(self.rng.exponential(self.mtbf / self.cell.n_machines))
        if self.sim.now + gap < self.horizon:
            self.sim.schedule(gap, self._fail_machine)

    def _fail_machine(self) -> None:
        """A random machine fails: its tasks are lost and go back to their schedulers."""
        up = np.flatnonzero(self.cell.up)
        if up.size:
            m = int(up[self.rng.integers(up.size)])
            self.failures += 1
            for aid in list(self._on_machine.pop(m, set())):
                self.tasks_lost += self._evict(aid, m)
            self.cell.fail(m)
            self.sim.schedule(self.repair_time, self.cell.recover, m)
        self._schedule_failure()

    def after_attempt(self, scheduler: Any, run: JobRun, placed: int) -> None:
        """Book-keeping after an attempt: done, retry after 1 s, or abandon."""
        run.remaining -= placed
        if placed == 0:
            run.empty_attempts += 1
        if run.remaining <= 0:
            if not run.rerun:
                self.kinds[run.job.kind].fully_scheduled_after.append(
                    self.sim.now - run.job.submit_time
                )
            return
        if run.attempts >= MAX_ATTEMPTS or run.empty_attempts >= MAX_EMPTY_ATTEMPTS:
            scheduler.stats.abandoned += 1
            if not run.rerun:
                self.kinds[run.job.kind].abandoned += 1
            return
        self.sim.schedule(RETRY_DELAY, scheduler.submit, run)

    def _sample(self) -> None:
        self._util.append(self.cell.utilisation().copy())
        if self.sim.now + self._sample_every < self.horizon:
            self.sim.schedule(self._sample_every, self._sample)

    # -- run -------------------------------------------------------------------------------
    def run(self) -> SimulationResult:
        """Simulate up to the horizon and collect the metrics."""
        started = time.perf_counter()
        for job in self.workload:
            if job.submit_time < self.horizon:
                self.sim.schedule_at(job.submit_time, self._arrive, job)
        self.sim.schedule(0.0, self._sample)
        if self.mtbf is not None:
            self._schedule_failure()
        self.sim.run(until=self.horizon)
        util = np.mean(self._util, axis=0) if self._util else np.zeros(2)
        return SimulationResult(
            architecture=self.arch.label,
            horizon=self.horizon,
            schedulers={name: s.stats.summary() for name, s in self.schedulers.items()},
            workloads={k: v.summary() for k, v in self.kinds.items()},
            utilisation=dict(zip(self.cell.resources, map(float, util), strict=True)),
            events=self.sim.events_run,
            wall_time_s=time.perf_counter() - started,
            jobs=len(self.workload),
            extra={
                "machine_failures": self.failures,
                "tasks_lost": self.tasks_lost,
                "tasks_preempted": self.tasks_preempted,
                "mapreduce_speedups": self.mr_speedups,
                "cpu_utilisation_series": [float(u[0]) for u in self._util],
            },
        )


def simulate(
    cluster: str | ClusterPreset,
    arch: Architecture,
    *,
    days: float | None = None,
    hours: float | None = None,
    seed: int = 0,
    load: float | dict[str, float] = 1.0,
    machines: int | None = None,
    prefill_utilisation: float | None = None,
    policy: PlacementPolicy | None = None,
    workload: Workload | None = None,
    heterogeneous: bool = False,
    constrained_fraction: float = 0.0,
    mtbf_days: float | None = None,
    repair_hours: float = 1.0,
    mapreduce: str | None = None,
    mapreduce_fraction: float = 0.0,
    diurnal_amplitude: float = 0.0,
) -> SimulationResult:
    """Simulate ``arch`` on a preset cell for ``days`` (or ``hours``) of simulated time.

    Args:
        cluster: ``"A"``, ``"B"``, ``"C"`` or a :class:`ClusterPreset`.
        arch: the architecture (:func:`~dcsys.omega.monolithic`, :func:`~dcsys.omega.mesos`,
            :func:`~dcsys.omega.omega`).
        days: simulated days (the paper: 7; Mesos 1).
        hours: simulated hours, instead of days.
        seed: seeds the workload, the prefill and the schedulers; every architecture sees the
            same jobs for the same seed.
        load: arrival-rate multiplier for all kinds, or per kind (``{"batch": 2.0}``, Fig. 8).
        machines: override the preset's machine count (the workload is scaled with it, so the
            cell is as busy as the full-size one — used for quick runs).
        prefill_utilisation: fraction of CPU already in use at t = 0 (preset default ≈ 0.6).
        policy: the placement policy (default randomised first-fit).
        workload: jobs to replay instead of generating them (e.g. from
            :func:`dcsys.core.scheduling.read_google_trace`); ``load`` then does not apply.
        heterogeneous: three machine platforms instead of identical machines (60 % standard,
            30 % half-size, 10 % double-size; the ``platform`` attribute is 0, 1, 2 — assumed mix).
        constrained_fraction: fraction of jobs that must run on one platform (picked in
            proportion to the platforms' machine counts); needs ``heterogeneous``.
        mtbf_days: mean time between failures of one machine, in days (None: no failures). A
            failed machine's tasks are lost and re-queued with their schedulers.
        repair_hours: how long a failed machine stays down.
        mapreduce: an opportunistic MapReduce policy for Omega's batch schedulers
            (``"max_parallelism"``, ``"global_cap"``, ``"relative_size"``; see
            :mod:`dcsys.omega.mapreduce`).
        diurnal_amplitude: daily swing of the arrival rates (0: constant; the trace-shaped
            workload of the high-fidelity experiments uses 0.3, an assumption).
        mapreduce_fraction: fraction of batch jobs turned into MapReduce jobs (paper: ≈ 20 %);
            set it also without a policy to get the same jobs for a baseline run.

    Raises:
        ConfigError: unknown cluster, no duration, or bad sizes.
    """
    if isinstance(cluster, str):
        if cluster not in PRESETS:
            raise ConfigError(f"unknown cluster {cluster!r}; choose from {sorted(PRESETS)}")
        preset = PRESETS[cluster]
    else:
        preset = cluster
    if (days is None) == (hours is None):
        raise ConfigError("give exactly one of days= or hours=")
    horizon = (days * 86_400.0) if days is not None else hours * 3_600.0  # type: ignore[operator]
    if not horizon > 0 or not math.isfinite(horizon):
        raise ConfigError(f"simulated time must be > 0, got {horizon} s")
    n = preset.machines if machines is None else machines
    if n < 1:
        raise ConfigError(f"machines must be >= 1, got {n}")
    scale = n / preset.machines
    loads = load if isinstance(load, dict) else {"batch": load, "service": load}
    scaled = {k: v * scale for k, v in {"batch": 1.0, "service": 1.0, **loads}.items()}
    if not 0 <= constrained_fraction <= 1:
        raise ConfigError(f"constrained_fraction must be in [0, 1], got {constrained_fraction}")
    if constrained_fraction and not heterogeneous:
        raise ConfigError(
            "constrained_fraction needs heterogeneous=True (constraints name machine platforms)"
        )
    if mtbf_days is not None and not mtbf_days > 0:
        raise ConfigError(f"mtbf_days must be > 0, got {mtbf_days}")
    seeds = np.random.SeedSequence(seed).spawn(4)
    cell = _make_cell(preset, n, heterogeneous, np.random.default_rng(seeds[3]))
    fill = preset.prefill_utilisation if prefill_utilisation is None else prefill_utilisation
    running = prefill(cell, preset.specs, fill, np.random.default_rng(seeds[0])) if fill > 0 else []
    if workload is None:
        workload = preset.workload(
            horizon,
            np.random.default_rng(seeds[1]),
            load=scaled,
            diurnal_amplitude=diurnal_amplitude,
        )
    mr_policy = MapReducePolicy(mapreduce) if mapreduce is not None else None
    if mapreduce is not None and not mapreduce_fraction:
        raise ConfigError(
            "mapreduce needs mapreduce_fraction > 0 (the paper's MapReduce share is ≈ 0.2)"
        )
    if mapreduce_fraction:
        mark_mapreduce_jobs(
            workload, mapreduce_fraction, np.random.default_rng(seeds[1].spawn(1)[0])
        )
    if constrained_fraction:
        _constrain(
            workload, cell, constrained_fraction, np.random.default_rng(seeds[3].spawn(1)[0])
        )
    sim_seed = int(seeds[2].generate_state(1)[0])
    mtbf = None if mtbf_days is None else mtbf_days * 86_400.0
    return CellSimulator(
        cell,
        workload,
        arch,
        horizon,
        sim_seed,
        policy,
        running,
        mtbf=mtbf,
        repair_time=repair_hours * 3_600.0,
        mapreduce=mr_policy,
    ).run()


_PLATFORMS = ((0.6, 1.0), (0.3, 0.5), (0.1, 2.0))  # (share of machines, size multiplier): assumed


def _make_cell(
    preset: ClusterPreset, n: int, heterogeneous: bool, rng: np.random.Generator
) -> Cluster:
    if not heterogeneous:
        return Cluster.homogeneous(
            n, cpu=preset.cpu, mem=preset.mem, machines_per_rack=preset.machines_per_rack
        )
    shares = np.array([s for s, _ in _PLATFORMS])
    platform = rng.choice(len(_PLATFORMS), size=n, p=shares / shares.sum())
    size = np.array([m for _, m in _PLATFORMS])[platform]
    capacity = np.stack([preset.cpu * size, preset.mem * size], axis=1)
    return Cluster(
        capacity, rack=np.arange(n) // preset.machines_per_rack, attributes={"platform": platform}
    )


def _constrain(
    workload: Workload, cell: Cluster, fraction: float, rng: np.random.Generator
) -> None:
    platforms = cell.attributes["platform"]
    counts = np.bincount(platforms, minlength=len(_PLATFORMS)).astype(float)
    for job in workload:
        if rng.random() < fraction:
            job.constraints = {"platform": int(rng.choice(len(counts), p=counts / counts.sum()))}
