"""Writes/s through Noria's vote graph on the dataflow engine, beside a bare dict loop, in one run.

The graph is the paper's running example: ``vote(article_id, user)`` → ``COUNT(*) GROUP BY
article_id`` → ``article LEFT JOIN counts`` → project ``(id, title, votes)`` → a reader keyed on
``id``. Articles are loaded first; then votes (article ids drawn Zipf-like, seed 0) are pushed in
batches of several sizes and every vote is propagated all the way to the reader. The bare loop
maintains the same view with plain dicts (``counts[a] += 1; view[a] = (a, title, n)``) — the
floor any Python implementation pays. Reads are ``reader.lookup(id)`` calls.

    python shared/benchmarks/bench_dataflow.py [--votes N] [--articles N] [--out DIR] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import time
from pathlib import Path

import numpy as np

from dcsys.core.dataflow import Agg, Aggregate, Graph, Join, Project


def build(n_articles: int) -> tuple[Graph, object]:
    g = Graph()
    g.add_base("article", 2)
    g.add_base("vote", 2)
    g.add_operator("vote_count", Aggregate([0], [Agg("count")]), ["vote"])
    g.add_operator("awv", Join(0, 0, kind="left"), ["article", "vote_count"])
    g.add_operator("awv_p", Project([0, 1, 3]), ["awv"])
    reader = g.add_reader("article_with_votes", "awv_p", key=[0])
    g.insert("article", [(i, f"Article #{i}") for i in range(n_articles)])
    return g, reader


def votes(n_votes: int, n_articles: int, seed: int = 0) -> list[tuple[int, int]]:
    rng = np.random.default_rng(seed)
    ids = (rng.zipf(1.15, size=n_votes) - 1) % n_articles
    users = rng.integers(0, 1_000_000, size=n_votes)
    return list(zip(ids.tolist(), users.tolist(), strict=True))


def dataflow_writes(rows: list[tuple[int, int]], n_articles: int, batch: int) -> float:
    g, reader = build(n_articles)
    batches = [[(r, 1) for r in rows[i : i + batch]] for i in range(0, len(rows), batch)]
    push = g.push
    start = time.perf_counter()
    for b in batches:
        push("vote", b)
    elapsed = time.perf_counter() - start
    total = sum(row[2] or 0 for row in reader.rows())
    assert total == len(rows), (total, len(rows))
    return elapsed


def bare_writes(rows: list[tuple[int, int]], n_articles: int, batch: int) -> float:
    titles = {i: f"Article #{i}" for i in range(n_articles)}
    counts: dict[int, int] = {}
    view: dict[int, tuple] = {i: (i, titles[i], None) for i in titles}
    batches = [rows[i : i + batch] for i in range(0, len(rows), batch)]
    start = time.perf_counter()
    for b in batches:
        for a, _user in b:
            n = counts.get(a, 0) + 1
            counts[a] = n
            view[a] = (a, titles[a], n)
    return time.perf_counter() - start


def reads_per_s(n_articles: int, rows: list[tuple[int, int]], n_reads: int = 200_000) -> float:
    g, reader = build(n_articles)
    g.push("vote", [(r, 1) for r in rows])
    keys = np.random.default_rng(1).integers(0, n_articles, size=n_reads).tolist()
    lookup = reader.lookup
    start = time.perf_counter()
    for k in keys:
        lookup(k)
    return n_reads / (time.perf_counter() - start)


def run_benchmark(
    n_votes: int = 200_000, n_articles: int = 10_000, batches=(1, 10, 100, 1000), repeats: int = 3
) -> dict:
    rows = votes(n_votes, n_articles)
    result: dict = {
        "benchmark": "dataflow_vote_graph",
        "votes": n_votes,
        "articles": n_articles,
        "seed": 0,
        "target_writes_per_s": 20_000,
        "by_batch": {},
    }
    for batch in batches:
        ours = min(dataflow_writes(rows, n_articles, batch) for _ in range(repeats))
        bare = min(bare_writes(rows, n_articles, batch) for _ in range(repeats))
        result["by_batch"][str(batch)] = {
            "dataflow_writes_per_s": n_votes / ours,
            "bare_dict_writes_per_s": n_votes / bare,
            "ratio_dataflow_to_bare": bare / ours,
        }
    result["reads_per_s"] = reads_per_s(n_articles, rows[: n_votes // 4])
    result["edge_deltas_per_write"] = edge_deltas_per_write(rows[:20_000], n_articles)
    return result


def edge_deltas_per_write(rows: list[tuple[int, int]], n_articles: int) -> float:
    """Deltas emitted by every node (base included) per vote, counted by sinks (untimed)."""
    g, _reader = build(n_articles)
    count = [0]

    def tally(batch: list) -> None:
        count[0] += len(batch)

    for node in ("vote", "vote_count", "awv", "awv_p"):
        g.add_sink(f"count_{node}", node, tally)
    for i in range(0, len(rows), 100):
        g.push("vote", [(r, 1) for r in rows[i : i + 100]])
    return count[0] / len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, default=200_000)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--profile", action="store_true", help="cProfile one batch-100 run")
    args = parser.parse_args()
    if args.profile:
        rows = votes(args.votes, args.articles)
        cProfile.runctx(
            "dataflow_writes(rows, n, 100)",
            globals(),
            {"rows": rows, "n": args.articles},
            "/tmp/bench_dataflow.prof",
        )
        pstats.Stats("/tmp/bench_dataflow.prof").sort_stats("tottime").print_stats(15)
        return
    result = run_benchmark(args.votes, args.articles)
    for batch, r in result["by_batch"].items():
        print(
            f"batch {batch:>5}: dataflow {r['dataflow_writes_per_s']:>10,.0f} writes/s; bare dict "
            f"{r['bare_dict_writes_per_s']:>12,.0f} writes/s; ratio {r['ratio_dataflow_to_bare']:.3f}"
        )
    print(
        f"target >= {result['target_writes_per_s']:,} writes/s; each write emits "
        f"{result['edge_deltas_per_write']:.2f} deltas across the graph's edges"
    )
    print(f"reader lookups: {result['reads_per_s']:,.0f} reads/s")
    print(json.dumps(result))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "dataflow.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
