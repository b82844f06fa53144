"""The scheduler plug-in interface and the queue-driven scheduler every architecture builds on.

A **placement policy** is the part users swap: given a job, how many of its tasks to place and a
view of the cell (a private snapshot, an offer or the live state), it returns the machines chosen,
one per task. Any placement logic — randomised first-fit (the paper's and the default), best fit, a
constraint solver, Firmament's flow scheduler, a learned policy — plugs in unchanged, because
the architecture (queues, decision time, snapshots, commits, offers) lives around it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from dcsys.core.scheduling import Cluster, Job, random_first_fit
from dcsys.omega.architectures import ThinkTime
from dcsys.omega.metrics import SchedulerStats

if TYPE_CHECKING:
    from dcsys.omega.simulator import CellSimulator

__all__ = ["JobRun", "PlacementPolicy", "QueueScheduler", "RandomFirstFit"]


@runtime_checkable
class PlacementPolicy(Protocol):
    """Chooses machines for a job's unplaced tasks on a view of the cell.

    Implementations must only choose machines with room in ``view`` (claiming every returned
    machine once per task must not over-commit it) and draw randomness only from ``rng``.
    """

    def place(self, job: Job, n_tasks: int, view: Cluster, rng: np.random.Generator) -> np.ndarray:
        """Return one machine index per placed task (at most ``n_tasks``)."""
        ...


class RandomFirstFit:
    """Omega's randomised first-fit (the default policy)."""

    def place(self, job: Job, n_tasks: int, view: Cluster, rng: np.random.Generator) -> np.ndarray:  # noqa: D102
        candidates = None
        if job.constraints:
            mask = np.ones(view.n_machines, dtype=bool)
            for attr, wanted in job.constraints.items():
                mask &= view.attributes[attr] == wanted
            candidates = np.flatnonzero(mask)
        return random_first_fit(view, job.demand, n_tasks, rng, candidates)


@dataclass
class JobRun:
    """A job inside the simulator: how much is left and how often it was tried."""

    job: Job
    remaining: int
    attempts: int = 0
    empty_attempts: int = 0
    first_attempt: float | None = None
    rerun: bool = False  # tasks lost to a machine failure, placed again


class QueueScheduler:
    """A scheduler that takes jobs from its FIFO queue one at a time.

    For each job it spends the decision time ``t_job + t_task × unplaced tasks`` (during which it
    is busy), then calls :meth:`decide`, which places what it can. Jobs with unplaced tasks go back
    to the queue after the retry delay, until they are abandoned.
    """

    def __init__(self, ctx: CellSimulator, name: str, think: dict[str, ThinkTime]) -> None:
        self.ctx = ctx
        self.name = name
        self.think = think
        self.queue: deque[JobRun] = deque()
        self.busy = False
        self.stats = SchedulerStats(name, ctx.horizon)

    def submit(self, run: JobRun) -> None:
        """Queue a job (new or retried)."""
        self.queue.append(run)
        if not self.busy:
            self._start_next()

    def _start_next(self) -> None:
        if not self.queue:
            self.busy = False
            return
        self.busy = True
        run = self.queue.popleft()
        now = self.ctx.sim.now
        if run.first_attempt is None:
            run.first_attempt = now
            self.ctx.record_wait(run, now)
        run.attempts += 1
        think = self.think[run.job.kind](run.remaining)
        token = self.begin(run)
        self.ctx.sim.schedule(think, self._finish, run, token, now, think)

    def begin(self, run: JobRun) -> object:
        """Called when a decision starts (e.g. to take a snapshot); returns a token for :meth:`decide`."""
        return None

    def decide(self, run: JobRun, token: object) -> tuple[int, bool]:
        """Place the job's tasks; return (tasks placed, whether the attempt was useful)."""
        raise NotImplementedError

    def _finish(self, run: JobRun, token: object, started: float, think: float) -> None:
        placed, useful = self.decide(run, token)
        self.stats.add_busy(started, think, useful)
        self.ctx.after_attempt(self, run, placed)
        self._start_next()
