"""The four scheduler architectures the paper compares, as plain descriptions (Omega §4).

* **monolithic, single-path**: one scheduler, one queue, the same decision time for every job;
* **monolithic, multi-path**: one scheduler and queue, a fast path for batch jobs;
* **two-level (Mesos)**: a resource allocator offers *all* free resources to one framework at a
  time (by DRF), locking them while the framework decides; one service and N batch frameworks;
* **shared state (Omega)**: one service and N batch schedulers (jobs hash-partitioned), each
  deciding on a private copy of the cell and committing optimistic transactions.

Decision time is ``t_job + t_task × tasks`` (paper defaults 0.1 s and 5 ms).

Examples:
    >>> arch = omega(n_batch=2, service=ThinkTime(t_job=10.0))
    >>> arch.kind, arch.think_for("service")(100), arch.think_for("batch")(100)
    ('omega', 10.5, 0.6)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dcsys.core.errors import ConfigError
from dcsys.omega.transactions import CommitMode, ConflictMode

__all__ = ["Architecture", "ThinkTime", "mesos", "monolithic", "omega"]


@dataclass(frozen=True)
class ThinkTime:
    """Decision time of one job: ``t_job + t_task × tasks`` (seconds).

    Examples:
        >>> ThinkTime()(20)
        0.2
    """

    t_job: float = 0.1
    t_task: float = 0.005

    def __post_init__(self) -> None:
        if self.t_job < 0 or self.t_task < 0:
            raise ConfigError(
                f"decision times must be >= 0, got t_job={self.t_job}, t_task={self.t_task}"
            )

    def __call__(self, tasks: int) -> float:
        """Decision time for a job with ``tasks`` unplaced tasks."""
        return self.t_job + self.t_task * tasks


@dataclass(frozen=True)
class Architecture:
    """A scheduler architecture and its parameters.

    Attributes:
        kind: ``"monolithic"``, ``"mesos"`` or ``"omega"``.
        think: decision time per job kind (``"batch"``, ``"service"``).
        n_batch: batch schedulers (Omega) or batch frameworks (Mesos).
        conflict: Omega's conflict detection.
        commit: Omega's commit mode.
        offer_interval: Mesos: seconds between offer rounds.
        min_cpu_offer: Mesos: smallest offer, in CPUs.
        preemption: Omega: the service scheduler may evict lower-priority (batch) tasks when a
            job does not fit otherwise; evicted tasks go back to their schedulers.
    """

    kind: str
    think: dict[str, ThinkTime] = field(default_factory=dict)
    n_batch: int = 1
    conflict: ConflictMode = ConflictMode.FINE
    commit: CommitMode = CommitMode.INCREMENTAL
    offer_interval: float = 1.0
    min_cpu_offer: float = 100.0
    preemption: bool = False

    def __post_init__(self) -> None:
        if self.kind not in ("monolithic", "mesos", "omega"):
            raise ConfigError(
                f"architecture kind must be monolithic, mesos or omega, got {self.kind!r}"
            )
        if self.n_batch < 1:
            raise ConfigError(f"n_batch must be >= 1, got {self.n_batch}")

    def think_for(self, kind: str) -> ThinkTime:
        """Decision time of jobs of ``kind`` (the paper's defaults if not set)."""
        return self.think.get(kind, ThinkTime())

    @property
    def label(self) -> str:
        """A short name for reports."""
        if self.kind == "monolithic":
            single = self.think_for("batch") == self.think_for("service")
            return "monolithic single-path" if single else "monolithic multi-path"
        if self.kind == "mesos":
            return f"mesos ({self.n_batch} batch)"
        return f"omega ({self.n_batch} batch, {self.conflict.value}, {self.commit.value})"


def monolithic(
    single_path: bool = True, batch: ThinkTime = ThinkTime(), service: ThinkTime = ThinkTime()
) -> Architecture:
    """One scheduler; single-path uses ``service``'s decision time for every job."""
    return Architecture(
        "monolithic", {"batch": service if single_path else batch, "service": service}
    )


def omega(
    n_batch: int = 1,
    batch: ThinkTime = ThinkTime(),
    service: ThinkTime = ThinkTime(),
    conflict: str | ConflictMode = ConflictMode.FINE,
    commit: str | CommitMode = CommitMode.INCREMENTAL,
    preemption: bool = False,
) -> Architecture:
    """One service scheduler and ``n_batch`` batch schedulers on shared state."""
    try:
        return Architecture(
            "omega",
            {"batch": batch, "service": service},
            n_batch,
            ConflictMode(conflict),
            CommitMode(commit),
            preemption=preemption,
        )
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def mesos(
    n_batch: int = 1,
    batch: ThinkTime = ThinkTime(),
    service: ThinkTime = ThinkTime(),
    offer_interval: float = 1.0,
) -> Architecture:
    """A DRF allocator offering all free resources to one framework at a time."""
    return Architecture(
        "mesos", {"batch": batch, "service": service}, n_batch, offer_interval=offer_interval
    )
