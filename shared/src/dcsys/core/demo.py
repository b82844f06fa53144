"""The core's demo (``dcsys demo core``): the shared layer doing real work, end to end.

1. **SQL**: a query is parsed into a typed logical plan with sqlglot and written back in four
   dialects (skipped with a note if the SQL front end is not available).
2. **Dataflow**: Noria's vote example — a per-article vote count joined with the articles,
   maintained incrementally under inserts and retractions, then checked against SQLite running the
   same query from scratch.
3. **Scheduling**: cluster C from the Omega paper (12,500 machines) filled to 60 %, and an hour of
   its workload placed by a FIFO first-fit scheduler on the discrete-event kernel.
4. **Validation**: the event kernel against queueing theory (M/M/1).
"""

from __future__ import annotations

import random
import sqlite3
import sys
import time
from collections import deque
from typing import TextIO

import numpy as np

__all__ = ["run_demo"]

VOTE_QUERY = (
    "SELECT a.id, a.title, COUNT(v.user_id) AS votes FROM article AS a "
    "LEFT JOIN vote AS v ON a.id = v.article_id WHERE a.id = ? GROUP BY a.id, a.title"
)


def _sql(out: TextIO) -> None:
    try:
        from dcsys.core import sql
    except ImportError as exc:  # pragma: no cover - the SQL front end ships with the core
        print(f"   (SQL front end unavailable: {exc})", file=out)
        return
    plan = sql.parse(VOTE_QUERY)
    print(f"   {VOTE_QUERY}", file=out)
    explain = plan.explain() if hasattr(plan, "explain") else repr(plan)
    for line in explain.splitlines():
        print(f"     {line}", file=out)
    for dialect in ("sqlite", "duckdb", "postgres", "mysql"):
        print(f"   {dialect:9s}→ {sql.to_sql(plan, dialect)}", file=out)


def _dataflow(out: TextIO, seed: int = 0) -> None:
    from dcsys.core.dataflow import Agg, Aggregate, Graph, Join, Project

    rng = random.Random(seed)
    articles = [(i, f"article {i}") for i in range(1, 1001)]
    g = Graph()
    g.add_base("article", 2)  # (id, title)
    g.add_base("vote", 2)  # (article_id, user_id)
    g.add_operator("votes_per_article", Aggregate([0], [Agg("count")]), ["vote"])
    g.add_operator("joined", Join([0], [0], kind="left"), ["article", "votes_per_article"])
    g.add_operator("vote_count", Project([0, 1, 3]), ["joined"])  # (id, title, votes or NULL)
    view = g.add_reader("by_article", "vote_count", key=[0])
    g.insert("article", articles)
    votes: list[tuple[int, int]] = []
    start = time.perf_counter()
    deltas = 0
    for step in range(200):
        batch = [
            (min(int(rng.paretovariate(1.08)), 1000), rng.randrange(10**6)) for _ in range(100)
        ]
        g.insert("vote", batch)
        votes.extend(batch)
        deltas += len(batch)
        if step % 10 == 9:  # users retract some votes
            gone = [votes.pop(rng.randrange(len(votes))) for _ in range(20)]
            g.delete("vote", gone)
            deltas += len(gone)
    elapsed = time.perf_counter() - start
    print(
        f"   {deltas:,} vote deltas propagated in {elapsed * 1e3:.0f} ms ({deltas / elapsed:,.0f}/s)",
        file=out,
    )
    for article in (1, 2, 500):
        print(f"   view[{article}] = {view.lookup(article)}", file=out)
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE article (id INTEGER PRIMARY KEY, title TEXT)")
    db.execute("CREATE TABLE vote (article_id INTEGER, user_id INTEGER)")
    db.executemany("INSERT INTO article VALUES (?, ?)", articles)
    db.executemany("INSERT INTO vote VALUES (?, ?)", votes)
    mismatches = 0
    for article, _ in articles:
        (expected,) = db.execute(VOTE_QUERY, (article,)).fetchall()
        got = view.lookup(article)
        got_votes = got[0][2] or 0 if got else None
        if got_votes != expected[2]:
            mismatches += 1
    print(
        f"   checked all {len(articles)} articles against SQLite: {mismatches} mismatches", file=out
    )


def _scheduling(out: TextIO, seed: int = 0) -> None:
    from dcsys.core.scheduling import CLUSTER_C, prefill, random_first_fit
    from dcsys.core.sim import Simulation

    cell = CLUSTER_C.cluster()
    running = prefill(cell, CLUSTER_C.specs, 0.6, seed=seed)
    workload = CLUSTER_C.workload(3600.0, seed=seed)
    sim = Simulation(seed=seed)
    queue: deque = deque()
    waits: list[float] = []
    busy = [False]

    def release(machines: np.ndarray, demand: np.ndarray) -> None:
        cell.release_many(machines, demand)

    def schedule_next() -> None:
        if not queue:
            busy[0] = False
            return
        busy[0] = True
        job, remaining = queue.popleft()
        if remaining == job.n_tasks:
            waits.append(sim.now - job.submit_time)
        placed = random_first_fit(cell, job.demand, remaining, sim.rng)
        if placed.size:
            cell.claim_many(placed, job.demand)
            sim.schedule(job.duration, release, placed, job.demand)
        if remaining - placed.size > 0:
            sim.schedule(1.0, submit, job, remaining - placed.size)
        sim.schedule(0.1 + 0.005 * remaining, schedule_next)  # the paper's decision time

    def submit(job, remaining) -> None:  # noqa: ANN001
        queue.append((job, remaining))
        if not busy[0]:
            schedule_next()

    for job, machines in running:
        sim.schedule(job.duration, release, machines, job.demand)
    for job in workload:
        sim.schedule_at(job.submit_time, submit, job, job.n_tasks)
    start = time.perf_counter()
    sim.run(until=3600.0)
    print(
        f"   cluster C: {cell.n_machines:,} machines, {len(running):,} jobs running at t=0, "
        f"{len(workload):,} submitted in 1 simulated hour ({time.perf_counter() - start:.2f} s wall)",
        file=out,
    )
    print(
        f"   mean wait {np.mean(waits):.2f} s, p90 {np.quantile(waits, 0.9):.2f} s; "
        f"utilisation cpu {cell.utilisation()[0]:.1%}, mem {cell.utilisation()[1]:.1%}",
        file=out,
    )


def _validation(out: TextIO) -> None:
    from dcsys.core.queueing import simulate_queue

    r = simulate_queue(rho=0.7, service="exp", customers=200_000, seed=0)
    print(
        f"   M/M/1 at ρ=0.7: simulated mean wait {r['mean_wait']:.3f}, theory {r['theory_wait']:.3f}",
        file=out,
    )


def run_demo(out: TextIO = sys.stdout) -> None:
    """Run the core demo, printing to ``out``."""
    print("dcsys core demo", file=out)
    print("1. SQL → logical plan → SQL in four dialects", file=out)
    _sql(out)
    print("2. Incremental dataflow: Noria's vote count, checked against SQLite", file=out)
    _dataflow(out)
    print("3. Scheduling on the event kernel: an hour of Omega's cluster C", file=out)
    _scheduling(out)
    print("4. The event kernel against queueing theory", file=out)
    _validation(out)
