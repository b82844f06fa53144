"""Seeded workload generators: batch/service mixes, heavy-tailed sizes, trace-shaped arrivals.

A :class:`WorkloadSpec` describes one kind of job by distributions of inter-arrival time, tasks
per job, task duration and per-task resources — Omega's workload generators in one record
(``omega.md`` §1.4: ``ExpExpExp`` is a spec of exponentials, ``TraceAll`` one of
:class:`~dcsys.core.scheduling.distributions.EmpiricalDistribution` s). A list of specs is a mix.

:func:`iter_jobs` streams the jobs every spec submits up to a horizon; :func:`generate_workload`
collects them into a :class:`~dcsys.core.scheduling.jobs.Workload`. Each spec draws from its own
stream, spawned from one seed, so:

* a workload is a pure function of ``(specs, horizon, seed, options)``;
* scaling one kind's load (``load={"batch": 2.0}`` divides its gaps by 2) leaves the other kinds'
  jobs unchanged — what Omega's load sweeps (Fig. 8) need;
* a longer horizon extends a shorter one: the jobs before the shorter horizon are the same.

Examples:
    >>> from dcsys.core.scheduling.distributions import Constant, Exponential
    >>> spec = WorkloadSpec("batch", Exponential(10.0), Constant(3), Constant(60.0),
    ...                     Constant(0.5), Constant(1.0))
    >>> w = generate_workload([spec], horizon=3600.0, seed=1)
    >>> 300 < len(w) < 420, w[0].n_tasks, w[0].demand.tolist()
    (True, 3, [0.5, 1.0])
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from dcsys.core.errors import ConfigError
from dcsys.core.scheduling.arrivals import DAY, candidate_chunks
from dcsys.core.scheduling.distributions import Constant, Distribution, Scaled
from dcsys.core.scheduling.jobs import Job, JobKind, Workload
from dcsys.core.scheduling.resources import Resources

__all__ = [
    "MIN_DURATION",
    "WorkloadSpec",
    "generate_workload",
    "iter_jobs",
    "job_fractions",
    "spawn_generators",
]

MIN_DURATION = 1e-3
"""Durations drawn below this (e.g. 0 from an empirical CDF) are raised to it; jobs need > 0."""


@dataclass(frozen=True)
class WorkloadSpec:
    """One kind of job and the distributions its jobs are drawn from.

    Attributes:
        kind: ``"batch"`` or ``"service"``.
        interarrival: seconds between consecutive submissions of this kind (at load 1).
        tasks: tasks per job (rounded up, at least 1, at most ``max_tasks``).
        duration: seconds each task runs.
        cpu: cores (or slots) per task.
        mem: GB per task.
        priority: the jobs' priority.
        max_tasks: cap on tasks per job.
        other: further resource dimensions, name → distribution (``{"disk": ...}``).
    """

    kind: JobKind | str
    interarrival: Distribution
    tasks: Distribution
    duration: Distribution
    cpu: Distribution
    mem: Distribution
    priority: int = 0
    max_tasks: int = 100_000
    other: Mapping[str, Distribution] = field(default_factory=dict)

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "kind", JobKind(self.kind))
        except ValueError:
            raise ConfigError(
                f"spec kind must be one of {[k.value for k in JobKind]}, got {self.kind!r}"
            ) from None
        for name in ("interarrival", "tasks", "duration", "cpu", "mem"):
            if not isinstance(getattr(self, name), Distribution):
                raise ConfigError(f"{self.kind} spec: {name} must be a Distribution")
        if not (isinstance(self.max_tasks, int) and self.max_tasks >= 1):
            raise ConfigError(f"{self.kind} spec: max_tasks must be an integer >= 1")
        if not self.interarrival.mean > 0:
            raise ConfigError(f"{self.kind} spec: the mean inter-arrival time must be > 0")
        other = dict(self.other)
        for name, dist in other.items():
            if name in ("cpu", "mem") or not isinstance(dist, Distribution):
                raise ConfigError(f"{self.kind} spec: other[{name!r}] must be a new dimension")
        object.__setattr__(self, "other", other)

    def __hash__(self) -> int:
        return hash((self.kind, self.interarrival, self.tasks, self.duration, self.priority))

    @property
    def resource_names(self) -> tuple[str, ...]:
        """The dimensions this spec draws: cpu, mem, then ``other``."""
        return ("cpu", "mem", *self.other)

    def resource(self, name: str) -> Distribution:
        """The distribution of one dimension (a constant 0 if this spec does not use it)."""
        if name == "cpu":
            return self.cpu
        if name == "mem":
            return self.mem
        return self.other.get(name, Constant(0.0))

    def mean_rate(self) -> float:
        """Jobs per second (1 / mean inter-arrival)."""
        return 1.0 / self.interarrival.mean

    @property
    def mean_tasks(self) -> float:
        """Expected tasks per job after rounding up and clipping to ``[1, max_tasks]``."""
        grid = (np.arange(20_000) + 0.5) / 20_000
        try:
            q = np.asarray(self.tasks.quantile(grid), dtype=np.float64)
        except NotImplementedError:  # no quantile function: the mean rounded up, roughly
            return float(min(max(self.tasks.mean + 0.5, 1.0), self.max_tasks))
        return float(np.clip(np.ceil(q), 1, self.max_tasks).mean())

    def offered_load(self, resource: str = "cpu") -> float:
        """Resources this kind holds at steady state (Little's law): rate × tasks × size × time.

        Examples:
            >>> s = WorkloadSpec("batch", Constant(10.0), Constant(4), Constant(100.0),
            ...                  Constant(0.5), Constant(1.0))
            >>> s.offered_load("cpu")  # one job every 10 s, 4 tasks × 0.5 cores for 100 s
            20.0
        """
        return (
            self.mean_rate() * self.mean_tasks * self.resource(resource).mean * self.duration.mean
        )

    def with_rate(self, jobs_per_second: float) -> WorkloadSpec:
        """The same spec with inter-arrival times scaled to a mean rate of ``jobs_per_second``."""
        if not 0 < jobs_per_second < math.inf:
            raise ConfigError(f"jobs_per_second must be finite and > 0, got {jobs_per_second}")
        factor = 1.0 / (jobs_per_second * self.interarrival.mean)
        return replace(self, interarrival=Scaled(self.interarrival, factor))


def job_fractions(specs: Sequence[WorkloadSpec]) -> dict[str, float]:
    """Expected fraction of jobs of each kind.

    Examples:
        >>> one = Constant(1)
        >>> b = WorkloadSpec("batch", Constant(1.0), one, one, one, one)
        >>> s = WorkloadSpec("service", Constant(4.0), one, one, one, one)
        >>> job_fractions([b, s])
        {'batch': 0.8, 'service': 0.2}
    """
    rates: dict[str, float] = {}
    for s in specs:
        rates[s.kind.value] = rates.get(s.kind.value, 0.0) + s.mean_rate()
    total = sum(rates.values())
    return {k: v / total for k, v in rates.items()}


def spawn_generators(seed: int | np.random.Generator, n: int) -> list[np.random.Generator]:
    """``n`` independent generators from an int seed (or spawned from a generator)."""
    if isinstance(seed, np.random.Generator):
        return seed.spawn(n)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ConfigError(f"seed must be an int or a numpy Generator, got {seed!r}")
    return [np.random.default_rng(s) for s in np.random.SeedSequence(int(seed)).spawn(n)]


def _resources(specs: Sequence[WorkloadSpec], resources: Any) -> Resources:
    if resources is None:
        names: list[str] = []
        for s in specs:
            names.extend(n for n in s.resource_names if n not in names)
        return Resources(names)
    out = Resources(resources)
    for s in specs:
        missing = [n for n in s.resource_names if n not in out and s.resource(n).mean > 0]
        if missing:
            raise ConfigError(f"{s.kind} spec draws {missing}, which are not in {out.names}")
    return out


def _spec_jobs(
    spec: WorkloadSpec,
    index: int,
    rng: np.random.Generator,
    resources: Resources,
    horizon: float,
    options: dict[str, Any],
) -> Iterator[tuple[float, int, int, np.ndarray, float]]:
    """(time, spec index, tasks, demand, duration) of one spec's jobs, in time order.

    Attributes are drawn for every candidate of a chunk before the window is applied, so the jobs
    before a horizon are the same whatever the horizon.
    """
    dims = [spec.resource(name) for name in resources]
    for times, keep in candidate_chunks(spec.interarrival, horizon, rng, **options):
        n = times.size
        tasks = np.clip(np.ceil(spec.tasks.sample(rng, n)), 1, spec.max_tasks).astype(np.int64)
        durations = spec.duration.sample(rng, n)
        demand = np.stack([d.sample(rng, n) for d in dims], axis=1)
        if not keep.any():
            continue
        times, tasks, durations, demand = times[keep], tasks[keep], durations[keep], demand[keep]
        if np.isnan(durations).any() or (durations < 0).any():
            raise ConfigError(f"{spec.kind} spec: the duration distribution produced bad values")
        durations = np.maximum(durations, MIN_DURATION)
        if not np.isfinite(demand).all() or (demand < 0).any():
            raise ConfigError(f"{spec.kind} spec: a resource distribution produced bad values")
        yield from zip(
            times.tolist(),
            [index] * times.size,
            tasks.tolist(),
            demand,
            durations.tolist(),
            strict=True,
        )


def iter_jobs(
    specs: Sequence[WorkloadSpec],
    horizon: float,
    seed: int | np.random.Generator = 0,
    *,
    load: float | Mapping[str, float] = 1.0,
    diurnal_amplitude: float = 0.0,
    diurnal_period: float = DAY,
    diurnal_phase: float = 0.0,
    start: float = 0.0,
    first_id: int = 0,
    resources: Resources | Sequence[str] | None = None,
) -> Iterator[Job]:
    """Stream the jobs every spec submits in ``[start, horizon)``, in submission order.

    Args:
        specs: the job kinds (a mix).
        horizon: end of the submission window, in seconds.
        seed: an int seed, or a generator to spawn one stream per spec from.
        load: arrival-rate multiplier, one for all kinds or per kind (``{"batch": 2.0}``).
        diurnal_amplitude: 0 (constant rate) to < 1 (rate swings ±a around the mean daily).
        diurnal_period: length of the cycle, in seconds.
        diurnal_phase: shift of the cycle, in seconds.
        start: beginning of the submission window.
        first_id: id of the first job; ids are consecutive in submission order.
        resources: the demand vector's dimensions (default cpu, mem and the specs' ``other``).

    Yields:
        Jobs ordered by submission time (ties: spec order).

    Raises:
        ConfigError: no specs, a bad window, load or amplitude, or bad distribution values.
    """
    if not specs:
        raise ConfigError("a workload needs at least one spec")
    dims = _resources(specs, resources)
    loads = {s.kind: (load.get(s.kind, 1.0) if isinstance(load, Mapping) else load) for s in specs}
    if isinstance(load, Mapping):
        unknown = set(load) - {k.value for k in loads}
        if unknown:
            raise ConfigError(f"load names kinds {sorted(unknown)} that no spec has")
    for kind, value in loads.items():
        if not 0 < value < math.inf:
            raise ConfigError(f"load for {kind.value!r} must be finite and > 0, got {value}")
    streams = [
        _spec_jobs(
            spec,
            i,
            rng,
            dims,
            horizon,
            {
                "start": start,
                "load": loads[spec.kind],
                "diurnal_amplitude": diurnal_amplitude,
                "diurnal_period": diurnal_period,
                "diurnal_phase": diurnal_phase,
            },
        )
        for i, (spec, rng) in enumerate(zip(specs, spawn_generators(seed, len(specs)), strict=True))
    ]
    merged = heapq.merge(*streams, key=lambda row: (row[0], row[1]))
    for job_id, (t, i, n, demand, duration) in enumerate(merged, start=first_id):
        spec = specs[i]
        yield Job(job_id, t, spec.kind, n, demand, duration, spec.priority)


def generate_workload(
    specs: Sequence[WorkloadSpec],
    horizon: float,
    seed: int | np.random.Generator = 0,
    **options: Any,
) -> Workload:
    """Draw the jobs every spec submits in ``[start, horizon)`` as a :class:`Workload`.

    Arguments as for :func:`iter_jobs`.

    Examples:
        >>> from dcsys.core.scheduling.distributions import Exponential, Constant
        >>> s = WorkloadSpec("service", Exponential(60.0), Constant(2), Constant(1e5),
        ...                  Constant(1.0), Constant(4.0), priority=9)
        >>> w = generate_workload([s], 3600.0, seed=0, load=2.0)
        >>> 90 < len(w) < 150, w[0].priority, w.kinds()
        (True, 9, {'service': 114})
    """
    return Workload(iter_jobs(specs, horizon, seed, **options))
