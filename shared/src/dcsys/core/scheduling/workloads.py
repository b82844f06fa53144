"""Seeded workload generators: Poisson and heavy-tailed arrivals, batch/service mixes, diurnal load.

A :class:`WorkloadSpec` describes one kind of job by distributions of inter-arrival time, tasks
per job, task duration and per-task CPU and memory. :func:`generate_workload` draws every spec's
jobs up to a horizon from independent streams spawned from one seed, so a workload is a pure
function of ``(specs, horizon, seed)``, and scaling one kind's load (``load={"batch": 2.0}``
divides its inter-arrival times by 2) leaves the other kinds' jobs unchanged — what Omega's load
sweeps need.

Diurnal variation (``diurnal_amplitude``) modulates the arrival rate as
``1 + a·sin(2πt / period)`` by thinning, giving trace-shaped daily peaks and troughs.

Example:
    >>> from dcsys.core.scheduling.distributions import Constant, Exponential
    >>> spec = WorkloadSpec("batch", Exponential(10.0), Constant(3), Constant(60.0), Constant(0.5), Constant(1.0))
    >>> w = generate_workload([spec], horizon=3600.0, seed=1)
    >>> 300 < len(w) < 420, w[0].n_tasks, w[0].demand.tolist()
    (True, 3, [0.5, 1.0])
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from dcsys.core.errors import ConfigError
from dcsys.core.scheduling.distributions import Distribution
from dcsys.core.scheduling.jobs import Job, Workload

__all__ = ["WorkloadSpec", "generate_workload", "spawn_generators"]


@dataclass(frozen=True)
class WorkloadSpec:
    """One kind of job and the distributions its jobs are drawn from.

    Attributes:
        kind: ``"batch"`` or ``"service"`` (or any label).
        interarrival: seconds between consecutive submissions of this kind.
        tasks: tasks per job (rounded up, at least 1, at most ``max_tasks``).
        duration: seconds each task runs.
        cpu: cores per task.
        mem: GB per task.
        priority: the jobs' priority.
        max_tasks: cap on tasks per job.
    """

    kind: str
    interarrival: Distribution
    tasks: Distribution
    duration: Distribution
    cpu: Distribution
    mem: Distribution
    priority: int = 0
    max_tasks: int = 100_000

    def mean_rate(self) -> float:
        """Jobs per second (1 / mean inter-arrival)."""
        return 1.0 / self.interarrival.mean


def spawn_generators(seed: int | np.random.Generator, n: int) -> list[np.random.Generator]:
    """``n`` independent generators from a seed (or spawned from a generator)."""
    if isinstance(seed, np.random.Generator):
        return seed.spawn(n)
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(n)]


def _arrivals(
    spec: WorkloadSpec,
    horizon: float,
    rng: np.random.Generator,
    load: float,
    amplitude: float,
    period: float,
    start: float,
) -> np.ndarray:
    peak = 1.0 + amplitude
    times: list[np.ndarray] = []
    t = start
    chunk = max(16, int(min(1e6, (horizon - start) * spec.mean_rate() * load * peak * 1.2)) + 16)
    while t < horizon:
        gaps = spec.interarrival.sample(rng, chunk) / (load * peak)
        if (gaps < 0).any():
            raise ConfigError(f"{spec.kind}: inter-arrival distribution produced negative times")
        ts = t + np.cumsum(gaps)
        t = float(ts[-1])
        times.append(ts[ts < horizon])
    out = np.concatenate(times) if times else np.empty(0)
    if amplitude > 0:
        rate = (1.0 + amplitude * np.sin(2 * math.pi * out / period)) / peak
        out = out[rng.random(out.size) < rate]
    return out


def generate_workload(
    specs: Sequence[WorkloadSpec],
    horizon: float,
    seed: int | np.random.Generator = 0,
    *,
    load: float | Mapping[str, float] = 1.0,
    diurnal_amplitude: float = 0.0,
    diurnal_period: float = 86_400.0,
    start: float = 0.0,
    first_id: int = 0,
) -> Workload:
    """Draw the jobs every spec submits in ``[start, horizon)``.

    Args:
        specs: the job kinds.
        horizon: end of the submission window, in seconds.
        seed: an int seed, or a generator to spawn streams from.
        load: arrival-rate multiplier, one for all kinds or per kind (``{"batch": 2.0}``).
        diurnal_amplitude: 0 (constant rate) to <1 (rate swings ±a around the mean).
        diurnal_period: length of a day, in seconds.
        start: beginning of the submission window.
        first_id: id of the first job; ids are consecutive in submission order.

    Returns:
        The jobs, ordered by submission time.

    Raises:
        ConfigError: a bad horizon, load or amplitude.
    """
    if not horizon > start:
        raise ConfigError(f"horizon ({horizon}) must be after start ({start})")
    if not 0 <= diurnal_amplitude < 1:
        raise ConfigError(f"diurnal_amplitude must be in [0, 1), got {diurnal_amplitude}")
    loads = {s.kind: (load.get(s.kind, 1.0) if isinstance(load, Mapping) else load) for s in specs}
    for kind, value in loads.items():
        if not value > 0:
            raise ConfigError(f"load for {kind!r} must be > 0, got {value}")
    rows: list[tuple[float, str, int, np.ndarray, float, int]] = []
    for spec, rng in zip(specs, spawn_generators(seed, len(specs)), strict=True):
        times = _arrivals(
            spec, horizon, rng, loads[spec.kind], diurnal_amplitude, diurnal_period, start
        )
        n = times.size
        tasks = np.clip(np.ceil(spec.tasks.sample(rng, n)), 1, spec.max_tasks).astype(np.int64)
        durations = np.maximum(spec.duration.sample(rng, n), 1e-3)
        demand = np.stack([spec.cpu.sample(rng, n), spec.mem.sample(rng, n)], axis=1)
        rows.extend(
            zip(
                times.tolist(),
                [spec.kind] * n,
                tasks.tolist(),
                demand,
                durations.tolist(),
                [spec.priority] * n,
                strict=True,
            )
        )
    rows.sort(key=lambda r: r[0])
    return Workload(
        Job(first_id + i, t, kind, n, d, dur, prio)
        for i, (t, kind, n, d, dur, prio) in enumerate(rows)
    )
