"""Events per second of the simulation kernel beside a bare heapq loop, in one run.

The event pattern is the classic *hold* model: N concurrent entities, each event schedules its
entity's next event after an exponential delay. The bare loop does the same with (time, seq,
callback, args) tuples in a list managed by heapq — the floor any Python heap-based kernel pays.

    python shared/benchmarks/bench_sim.py [--events N] [--out DIR]
"""

from __future__ import annotations

import argparse
import heapq
import json
import time
from pathlib import Path

import numpy as np

from dcsys.core.sim import Simulation


def bare_heapq(n_events: int, delays: np.ndarray, entities: int) -> float:
    heap: list = []
    seq = 0
    d = iter(delays.tolist())
    count = [0]

    def hold(entity: int, now: float) -> None:
        nonlocal seq
        count[0] += 1
        seq += 1
        heapq.heappush(heap, (now + next(d), seq, hold, (entity,)))

    for e in range(entities):
        seq += 1
        heapq.heappush(heap, (next(d), seq, hold, (e,)))
    start = time.perf_counter()
    while heap and count[0] < n_events:
        t, _, cb, args = heapq.heappop(heap)
        cb(*args, t)
    return time.perf_counter() - start


def kernel(n_events: int, delays: np.ndarray, entities: int) -> float:
    sim = Simulation(seed=0)
    d = iter(delays.tolist())
    count = [0]

    def hold(entity: int) -> None:
        count[0] += 1
        if count[0] >= n_events:
            sim.stop()
        sim.schedule(next(d), hold, entity)

    for e in range(entities):
        sim.schedule(next(d), hold, e)
    start = time.perf_counter()
    sim.run()
    return time.perf_counter() - start


def run_benchmark(n_events: int = 1_000_000, entities: int = 1000, repeats: int = 3) -> dict:
    """Run both loops ``repeats`` times on the same delays; report the best events/s of each."""
    delays = np.random.default_rng(0).exponential(1.0, size=n_events + entities + 10)
    bare = min(bare_heapq(n_events, delays, entities) for _ in range(repeats))
    ours = min(kernel(n_events, delays, entities) for _ in range(repeats))
    return {
        "benchmark": "sim_hold_model",
        "events": n_events,
        "entities": entities,
        "bare_heapq_events_per_s": n_events / bare,
        "kernel_events_per_s": n_events / ours,
        "ratio_kernel_to_bare": bare / ours,
        "target_ratio": 0.5,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    result = run_benchmark(args.events)
    print(
        f"sim kernel: {result['kernel_events_per_s']:,.0f} events/s; bare heapq: "
        f"{result['bare_heapq_events_per_s']:,.0f} events/s; ratio {result['ratio_kernel_to_bare']:.2f} "
        f"(target >= {result['target_ratio']})"
    )
    print(json.dumps(result))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "sim.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
