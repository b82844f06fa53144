"""The monolithic scheduler: one queue, decisions applied straight to the live cell state.

Single-path and multi-path differ only in their decision times (the same for every job, or a
fast path for batch jobs). Nothing can conflict; a slow decision blocks every job behind it.
"""

from __future__ import annotations

from dcsys.omega.schedulers.base import JobRun, QueueScheduler

__all__ = ["MonolithicScheduler"]


class MonolithicScheduler(QueueScheduler):
    """Places each job on the live state after its decision time."""

    def decide(self, run: JobRun, token: object) -> tuple[int, bool]:  # noqa: D102
        ctx = self.ctx
        machines = ctx.policy.place(run.job, run.remaining, ctx.cell, ctx.rng)
        if machines.size == 0:
            self.stats.no_resources += 1
            return 0, False
        ctx.cell.claim_many(machines, run.job.demand)
        ctx.hold(self, run, machines)
        self.stats.successful += 1
        self.stats.tasks_committed += int(machines.size)
        return int(machines.size), True
