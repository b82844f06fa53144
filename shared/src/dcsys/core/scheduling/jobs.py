"""Jobs, tasks, placements and workloads: the records every scheduler works on.

A :class:`Job` has identical tasks (as in Omega's and Firmament's simulators): a count, one
per-task demand vector and a duration per task. A :class:`Workload` is a time-ordered stream of
jobs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dcsys.core.errors import ConfigError

__all__ = ["BATCH", "SERVICE", "Job", "Placement", "Task", "Workload"]

BATCH = "batch"
SERVICE = "service"


@dataclass
class Job:
    """A job: ``n_tasks`` identical tasks submitted together.

    Attributes:
        id: unique within its workload.
        submit_time: simulated seconds.
        kind: ``"batch"`` or ``"service"``.
        n_tasks: number of tasks (>= 1).
        demand: one task's resource vector (same order as the cluster's resources).
        duration: each task's run time in seconds (``inf`` for a service that never ends).
        priority: larger is more important (service work may preempt batch work).
        constraints: optional machine-attribute requirements, e.g. ``{"platform": 2}``.
        meta: free-form extra data (trace ids, input sizes for locality...).
    """

    id: int
    submit_time: float
    kind: str
    n_tasks: int
    demand: np.ndarray
    duration: float
    priority: int = 0
    constraints: Mapping[str, Any] | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.n_tasks < 1:
            raise ConfigError(f"job {self.id}: n_tasks must be >= 1, got {self.n_tasks}")
        if not self.submit_time >= 0:
            raise ConfigError(f"job {self.id}: submit_time must be >= 0, got {self.submit_time}")
        if not self.duration > 0:
            raise ConfigError(f"job {self.id}: duration must be > 0, got {self.duration}")
        self.demand = np.asarray(self.demand, dtype=np.float64)
        if (self.demand < 0).any():
            raise ConfigError(f"job {self.id}: demand must be >= 0, got {self.demand.tolist()}")

    def tasks(self) -> list[Task]:
        """The job's tasks."""
        return [Task(self.id, i, self.demand, self.duration) for i in range(self.n_tasks)]


@dataclass(frozen=True)
class Task:
    """One task of a job."""

    job_id: int
    index: int
    demand: np.ndarray
    duration: float


@dataclass(frozen=True)
class Placement:
    """A task placed on a machine at a time."""

    job_id: int
    task_index: int
    machine: int
    start_time: float


class Workload:
    """Jobs ordered by submission time.

    Example:
        >>> w = Workload([Job(1, 5.0, "batch", 2, [1.0, 1.0], 10.0), Job(0, 1.0, "service", 1, [1.0, 2.0], 99.0)])
        >>> [j.id for j in w], w.n_tasks, len(w.of_kind("batch"))
        ([0, 1], 3, 1)
    """

    def __init__(self, jobs: Iterable[Job]) -> None:
        self.jobs = sorted(jobs, key=lambda j: (j.submit_time, j.id))

    def __iter__(self) -> Iterator[Job]:
        return iter(self.jobs)

    def __len__(self) -> int:
        return len(self.jobs)

    def __getitem__(self, i: int) -> Job:
        return self.jobs[i]

    @property
    def n_tasks(self) -> int:
        """Total tasks over all jobs."""
        return sum(j.n_tasks for j in self.jobs)

    def of_kind(self, kind: str) -> Workload:
        """The jobs of one kind."""
        return Workload(j for j in self.jobs if j.kind == kind)

    def until(self, horizon: float) -> Workload:
        """The jobs submitted before ``horizon``."""
        return Workload(j for j in self.jobs if j.submit_time < horizon)

    def __repr__(self) -> str:
        kinds = {
            k: sum(1 for j in self.jobs if j.kind == k) for k in sorted({j.kind for j in self.jobs})
        }
        return f"<Workload {len(self.jobs)} jobs {kinds}, {self.n_tasks} tasks>"
