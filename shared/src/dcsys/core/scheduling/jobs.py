"""Jobs, tasks, placements and workloads: the records every scheduler works on.

A :class:`Job` has identical tasks, as in Omega's and Firmament's simulators (``omega.md`` §1.2
"Jobs"): a count, one per-task demand vector and a run time per task (one for all tasks, or one
each). Jobs are *batch* or *service*, the two-way split Omega's paper and simulator use
(``omega.md`` §2.2; service = production jobs that are not batch-class). A :class:`Workload` is
the time-ordered stream of jobs a simulation replays.

Examples:
    >>> j = Job(7, submit_time=3.0, kind="batch", n_tasks=2, demand=[0.5, 1.0], duration=60.0)
    >>> j.kind is JobKind.BATCH, j.total_demand.tolist(), j.durations.tolist()
    (True, [1.0, 2.0], [60.0, 60.0])
    >>> [p.machine for p in j.placements([4, 9], start_time=5.0)]
    [4, 9]
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, overload

import numpy as np

from dcsys.core.errors import ConfigError

__all__ = ["BATCH", "SERVICE", "Job", "JobKind", "Placement", "Task", "Workload"]


class JobKind(StrEnum):
    """Omega's two workload types; equal to the plain strings ``"batch"`` and ``"service"``."""

    BATCH = "batch"
    SERVICE = "service"

    __repr__ = str.__repr__  # shows as 'batch', like the string it equals


BATCH = JobKind.BATCH
SERVICE = JobKind.SERVICE


@dataclass(eq=False)
class Job:
    """A job: ``n_tasks`` identical tasks submitted together.

    Attributes:
        id: unique within its workload (prefilled jobs use negative ids).
        submit_time: simulated seconds, finite and >= 0.
        kind: :class:`JobKind` (``"batch"`` or ``"service"`` are accepted).
        n_tasks: number of tasks (>= 1).
        demand: one task's resource vector (same order as the cluster's resources).
        duration: each task's run time in seconds, > 0 (``inf``: a service that never ends).
        priority: larger is more important (service work may preempt batch work).
        constraints: optional machine-attribute requirements, e.g. ``{"platform": 2}``
            (see :meth:`Cluster.candidates`).
        meta: free-form extra data (trace ids, input sizes for locality, ...).
        task_durations: optional per-task run times (length ``n_tasks``), overriding
            ``duration`` for the individual tasks.

    Raises:
        ConfigError: any field out of range.
    """

    id: int
    submit_time: float
    kind: JobKind | str
    n_tasks: int
    demand: np.ndarray
    duration: float
    priority: int = 0
    constraints: Mapping[str, Any] | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    task_durations: np.ndarray | None = None

    def __post_init__(self) -> None:
        try:
            self.kind = JobKind(self.kind)
        except ValueError:
            kinds = [k.value for k in JobKind]
            raise ConfigError(
                f"job {self.id}: kind must be one of {kinds}, got {self.kind!r}"
            ) from None
        if isinstance(self.n_tasks, bool) or not isinstance(self.n_tasks, int | np.integer):
            raise ConfigError(f"job {self.id}: n_tasks must be an integer, got {self.n_tasks!r}")
        self.n_tasks = int(self.n_tasks)
        if self.n_tasks < 1:
            raise ConfigError(f"job {self.id}: n_tasks must be >= 1, got {self.n_tasks}")
        if not 0 <= self.submit_time < math.inf:
            raise ConfigError(
                f"job {self.id}: submit_time must be finite and >= 0, got {self.submit_time}"
            )
        self.submit_time = float(self.submit_time)
        if not self.duration > 0:
            raise ConfigError(f"job {self.id}: duration must be > 0, got {self.duration}")
        self.duration = float(self.duration)
        self.demand = np.array(self.demand, dtype=np.float64)
        if self.demand.ndim != 1 or not np.isfinite(self.demand).all() or (self.demand < 0).any():
            raise ConfigError(
                f"job {self.id}: demand must be a vector of finite amounts >= 0, "
                f"got {self.demand.tolist()}"
            )
        if self.task_durations is not None:
            td = np.array(self.task_durations, dtype=np.float64)
            if td.shape != (self.n_tasks,) or not (td > 0).all():
                raise ConfigError(
                    f"job {self.id}: task_durations must be {self.n_tasks} values > 0, "
                    f"got shape {td.shape}"
                )
            self.task_durations = td

    @property
    def durations(self) -> np.ndarray:
        """Each task's run time (length ``n_tasks``)."""
        if self.task_durations is not None:
            return self.task_durations
        return np.full(self.n_tasks, self.duration)

    @property
    def total_demand(self) -> np.ndarray:
        """The resources all its tasks hold together."""
        return self.demand * self.n_tasks

    @property
    def work(self) -> np.ndarray:
        """Resource-seconds over all tasks (e.g. core-seconds); ``inf`` for endless services."""
        return self.demand * float(self.durations.sum())

    def tasks(self) -> list[Task]:
        """The job's tasks."""
        return [
            Task(self.id, i, self.demand, float(d)) for i, d in enumerate(self.durations.tolist())
        ]

    def placements(self, machines: Iterable[int], start_time: float) -> list[Placement]:
        """:class:`Placement` records: task i on ``machines[i]`` from ``start_time``."""
        durations = self.durations
        return [
            Placement(self.id, i, int(m), float(start_time), float(start_time + durations[i]))
            for i, m in enumerate(machines)
        ]

    def __repr__(self) -> str:
        return (
            f"Job(id={self.id}, submit_time={self.submit_time:g}, kind={self.kind.value!r}, "
            f"n_tasks={self.n_tasks}, demand={self.demand.tolist()}, duration={self.duration:g}, "
            f"priority={self.priority})"
        )


@dataclass(frozen=True, eq=False)
class Task:
    """One task of a job."""

    job_id: int
    index: int
    demand: np.ndarray
    duration: float


@dataclass(frozen=True)
class Placement:
    """A task placed on a machine at a time (and, once known, when it ends)."""

    job_id: int
    task_index: int
    machine: int
    start_time: float
    end_time: float | None = None


class Workload:
    """Jobs ordered by submission time (ties by id); ids must be unique.

    Args:
        jobs: the jobs, in any order.

    Raises:
        ConfigError: two jobs share an id.

    Examples:
        >>> w = Workload([Job(1, 5.0, "batch", 2, [1.0, 1.0], 10.0),
        ...               Job(0, 1.0, "service", 1, [1.0, 2.0], 99.0)])
        >>> [j.id for j in w], w.n_tasks, len(w.of_kind("batch")), w.kinds()
        ([0, 1], 3, 1, {'batch': 1, 'service': 1})
    """

    def __init__(self, jobs: Iterable[Job]) -> None:
        self.jobs: list[Job] = sorted(jobs, key=lambda j: (j.submit_time, j.id))
        if len({j.id for j in self.jobs}) != len(self.jobs):
            dup = next(i for i, n in Counter(j.id for j in self.jobs).items() if n > 1)
            raise ConfigError(f"job ids must be unique in a workload; {dup} appears twice")

    def __iter__(self) -> Iterator[Job]:
        return iter(self.jobs)

    def __len__(self) -> int:
        return len(self.jobs)

    @overload
    def __getitem__(self, i: int) -> Job: ...
    @overload
    def __getitem__(self, i: slice) -> Workload: ...
    def __getitem__(self, i: int | slice) -> Job | Workload:
        if isinstance(i, slice):
            return Workload(self.jobs[i])
        return self.jobs[i]

    def __add__(self, other: Workload) -> Workload:
        """Merge two workloads (their ids must not collide)."""
        return Workload([*self.jobs, *other.jobs])

    @property
    def n_tasks(self) -> int:
        """Total tasks over all jobs."""
        return sum(j.n_tasks for j in self.jobs)

    @property
    def submit_times(self) -> np.ndarray:
        """Submission times, ascending."""
        return np.fromiter((j.submit_time for j in self.jobs), dtype=np.float64, count=len(self))

    def kinds(self) -> dict[str, int]:
        """Number of jobs of each kind."""
        out: dict[str, int] = {}
        for j in self.jobs:
            out[j.kind.value] = out.get(j.kind.value, 0) + 1
        return dict(sorted(out.items()))

    def of_kind(self, kind: JobKind | str) -> Workload:
        """The jobs of one kind."""
        return Workload(j for j in self.jobs if j.kind == kind)

    def until(self, horizon: float) -> Workload:
        """The jobs submitted before ``horizon``."""
        return self.between(-math.inf, horizon)

    def between(self, start: float, end: float) -> Workload:
        """The jobs submitted in ``[start, end)``."""
        return Workload(j for j in self.jobs if start <= j.submit_time < end)

    def __repr__(self) -> str:
        return f"<Workload {len(self.jobs)} jobs {self.kinds()}, {self.n_tasks} tasks>"
