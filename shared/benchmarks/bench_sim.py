"""The event kernel beside a bare heapq loop, and the cluster operations schedulers call most.

1. ``sim_hold_model``: events per second of :class:`dcsys.core.sim.Simulation` and of a bare
   ``heapq`` loop on the same hold-model event pattern, measured in the same run (interleaved,
   best of three), and their ratio (target >= 0.5).
2. ``scheduling_ops``: randomised first-fit of a 1,000-task and a 10-task job, a snapshot copy,
   a 1,000-task claim, a fits mask — on Omega's cluster C (12,500 machines) prefilled to 60 % —
   and the speed of workload generation.

Each prints one JSON line; ``--out DIR`` also writes ``DIR/sim.json``.

    python shared/benchmarks/bench_sim.py [--events N] [--machines M] [--only sim|scheduling]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from dcsys.core.scheduling._bench import run_benchmark as run_scheduling_benchmark
from dcsys.core.sim._bench import run_benchmark


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="events per timed run")
    parser.add_argument("--machines", type=int, default=12_500, help="cell size for scheduling ops")
    parser.add_argument("--only", choices=("sim", "scheduling"), default=None)
    parser.add_argument("--out", type=Path, default=None, help="directory for sim.json")
    args = parser.parse_args()
    results = []
    if args.only in (None, "sim"):
        r = run_benchmark(args.events)
        print(
            f"sim kernel: {r['kernel_events_per_s']:,.0f} events/s; bare heapq: "
            f"{r['bare_heapq_events_per_s']:,.0f} events/s; ratio {r['ratio_kernel_to_bare']:.2f} "
            f"(target >= {r['target_ratio']})"
        )
        print(json.dumps(r))
        results.append(r)
    if args.only in (None, "scheduling"):
        s = run_scheduling_benchmark(args.machines)
        print(
            f"scheduling on {s['machines']:,} machines: first-fit 1,000 tasks "
            f"{s['first_fit_1000_tasks_ms']:.2f} ms ({s['first_fit_1000_tasks_us_per_task']:.2f} "
            f"µs/task), 10 tasks {s['first_fit_10_tasks_us']:.0f} µs, snapshot "
            f"{s['snapshot_copy_us']:.0f} µs, claim 1,000 tasks "
            f"{s['claim_many_1000_tasks_us']:.0f} µs"
        )
        print(json.dumps(s))
        results.append(s)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "sim.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
