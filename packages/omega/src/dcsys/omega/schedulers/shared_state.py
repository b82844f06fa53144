"""The Omega scheduler: decide on a private snapshot, then commit an optimistic transaction.

At the start of a decision the scheduler copies the whole cell state (its "sync"); after the
decision time it places the job on that copy and commits the claims to the shared state with
:func:`~dcsys.omega.transactions.commit`. A transaction with no conflict is *successful* and its
decision time *useful*; one with conflicts is *failed*, its whole decision time *wasted* (even
the part that committed incrementally), and its unplaced tasks are retried.
"""

from __future__ import annotations

import numpy as np

from dcsys.core.scheduling import Cluster
from dcsys.omega.schedulers.base import JobRun, QueueScheduler
from dcsys.omega.transactions import commit

__all__ = ["OmegaScheduler"]


class OmegaScheduler(QueueScheduler):
    """One of Omega's parallel schedulers over shared state."""

    def begin(self, run: JobRun) -> Cluster:  # noqa: D102
        return self.ctx.cell.copy()

    def decide(self, run: JobRun, token: object) -> tuple[int, bool]:  # noqa: D102
        ctx = self.ctx
        snapshot = token
        assert isinstance(snapshot, Cluster)
        machines = ctx.policy.place(run.job, run.remaining, snapshot, ctx.rng)
        extra = np.empty(0, dtype=np.int64)
        if ctx.arch.preemption and run.job.kind == "service" and machines.size < run.remaining:
            # what would fit if lower-priority (batch) work were evicted
            view = snapshot.copy()
            view.allocated = np.maximum(view.allocated - ctx.preemptible, 0.0)
            if machines.size:
                view.claim_many(machines, run.job.demand)
            extra = ctx.policy.place(run.job, run.remaining - machines.size, view, ctx.rng)
        mr = ctx.mapreduce
        map_tasks = run.job.meta.get("map_tasks")
        opportunistic = np.empty(0, dtype=np.int64)
        if mr is not None and map_tasks and run.attempts == 1 and machines.size == run.remaining:
            limit = mr.limit(run.job.n_tasks, map_tasks, float(ctx.cell.utilisation()[0]))
            if limit > machines.size:
                view = snapshot.copy()
                view.claim_many(machines, run.job.demand)
                opportunistic = ctx.policy.place(run.job, limit - machines.size, view, ctx.rng)
                machines = np.concatenate([machines, opportunistic])
        if machines.size == 0 and extra.size == 0:
            self.stats.no_resources += 1
            return 0, False
        result = commit(
            ctx.cell, machines, run.job.demand, snapshot, ctx.arch.conflict, ctx.arch.commit
        )
        committed = result.committed
        if extra.size and (result.succeeded or ctx.arch.commit == "incremental"):
            committed = np.concatenate([committed, ctx.preempt_and_claim(run, extra)])
        duration = None
        if opportunistic.size and committed.size:
            speedup = max(1.0, committed.size / run.job.n_tasks)  # linear up to full parallelism
            ctx.mr_speedups.append(speedup)
            duration = run.job.duration / speedup
        elif mr is not None and map_tasks and run.attempts == 1:
            ctx.mr_speedups.append(1.0)
        if committed.size:
            ctx.hold(self, run, committed, duration)
        result = type(result)(committed, result.conflicts)
        self.stats.tasks_committed += int(result.committed.size)
        self.stats.tasks_conflicted += result.conflicts
        if run.attempts > 1:
            self.stats.retried += 1
        if result.succeeded:
            self.stats.successful += 1
        else:
            self.stats.failed += 1
        return int(result.committed.size), result.succeeded
