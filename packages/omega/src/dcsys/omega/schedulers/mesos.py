"""The two-level (Mesos) architecture: a DRF allocator and frameworks deciding on offers.

Following the released simulator (``omega.md`` §1.2): offers are built in rounds every
``offer_interval`` seconds. A round picks, among the frameworks that want resources, the one with
the smallest dominant share (DRF), and offers it **all** currently free, unlocked resources,
locking them. The framework then works through its queue on that offer, spending each job's
decision time, and answers when the summed decision time is over; the allocator then unlocks the
offer and applies the accepted claims. While a slow service framework holds the offer, nobody
else can use those resources — the pessimistic locking that starves batch work in §4.2.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

import numpy as np

from dcsys.omega.architectures import ThinkTime
from dcsys.omega.metrics import SchedulerStats
from dcsys.omega.schedulers.base import JobRun

if TYPE_CHECKING:
    from dcsys.omega.simulator import CellSimulator

__all__ = ["MesosAllocator", "MesosFramework"]

_ALLOCATOR_THINK = 0.001


class MesosFramework:
    """A framework scheduler: queues jobs and places them on the offers it receives."""

    def __init__(
        self, ctx: CellSimulator, allocator: MesosAllocator, name: str, think: dict[str, ThinkTime]
    ) -> None:
        self.ctx = ctx
        self.allocator = allocator
        self.name = name
        self.think = think
        self.queue: deque[JobRun] = deque()
        self.busy = False
        self.held = np.zeros(len(ctx.cell.resources))  # resources its running tasks hold (for DRF)
        self.stats = SchedulerStats(name, ctx.horizon)

    def submit(self, run: JobRun) -> None:
        """Queue a job and ask the allocator for resources."""
        self.queue.append(run)
        if not self.busy:
            self.allocator.request(self)

    def receive_offer(self, offered: np.ndarray) -> None:
        """Decide on every queued job using the offered resources, then answer after the summed time."""
        ctx = self.ctx
        self.busy = True
        view = ctx.cell.copy()
        view.allocated = view.capacity - offered  # the framework sees exactly the offer as free
        start = ctx.sim.now
        elapsed = 0.0
        claims: list[tuple[JobRun, np.ndarray]] = []
        tried: list[JobRun] = []
        while self.queue and (view.capacity - view.allocated).sum() > 0:
            run = self.queue.popleft()
            if run.first_attempt is None:
                run.first_attempt = start + elapsed
                ctx.record_wait(run, start + elapsed)
            run.attempts += 1
            think = self.think[run.job.kind](run.remaining)
            machines = ctx.policy.place(run.job, run.remaining, view, ctx.rng)
            if machines.size:
                view.claim_many(machines, run.job.demand)
                claims.append((run, machines))
                self.stats.successful += 1
            else:
                self.stats.no_resources += 1
            self.stats.add_busy(start + elapsed, think, bool(machines.size))
            elapsed += think
            tried.append(run)
        ctx.sim.schedule(elapsed, self._respond, offered, claims, tried)

    def _respond(
        self, offered: np.ndarray, claims: list[tuple[JobRun, np.ndarray]], tried: list[JobRun]
    ) -> None:
        ctx = self.ctx
        self.allocator.release_offer(offered)
        placed_by_run: dict[int, int] = {}
        for run, machines in claims:
            ctx.cell.claim_many(machines, run.job.demand)
            ctx.hold(self, run, machines)
            self.stats.tasks_committed += int(machines.size)
            placed_by_run[id(run)] = int(machines.size)
        self.busy = False
        for run in tried:
            ctx.after_attempt(self, run, placed_by_run.get(id(run), 0))
        if self.queue:
            self.allocator.request(self)


class MesosAllocator:
    """Builds offers in rounds and hands all free, unlocked resources to one framework (DRF)."""

    def __init__(self, ctx: CellSimulator, interval: float, min_cpu_offer: float) -> None:
        self.ctx = ctx
        self.interval = interval
        self.min_cpu_offer = min_cpu_offer
        self.locked = np.zeros_like(ctx.cell.allocated)
        self.wanting: list[MesosFramework] = []
        self.round_scheduled = False
        self.total = ctx.cell.total()

    def request(self, fw: MesosFramework) -> None:
        """A framework wants resources at the next offer round."""
        if fw not in self.wanting:
            self.wanting.append(fw)
        self._schedule_round()

    def resources_freed(self) -> None:
        """Tasks ended: a new round may have something to offer."""
        if self.wanting:
            self._schedule_round()

    def _schedule_round(self) -> None:
        if not self.round_scheduled:
            self.round_scheduled = True
            now = self.ctx.sim.now
            next_round = (np.floor(now / self.interval) + 1) * self.interval
            self.ctx.sim.schedule_at(next_round, self._round)

    def _round(self) -> None:
        self.round_scheduled = False
        cell = self.ctx.cell
        offered = np.maximum(cell.free() - self.locked, 0.0)
        cpu = cell.resource_index("cpu")
        candidates = [fw for fw in self.wanting if not fw.busy and fw.queue]
        if not candidates or offered[:, cpu].sum() < self.min_cpu_offer:
            self.wanting = [fw for fw in self.wanting if fw.queue]
            return
        fw = min(
            candidates, key=lambda f: float(np.max(f.held / self.total))
        )  # DRF: smallest dominant share
        self.wanting.remove(fw)
        self.locked += offered
        self.ctx.sim.schedule(_ALLOCATOR_THINK, fw.receive_offer, offered)
        if any(f.queue for f in self.wanting):
            self._schedule_round()

    def release_offer(self, offered: np.ndarray) -> None:
        """Unlock an offer when its framework answers."""
        self.locked = np.maximum(self.locked - offered, 0.0)
