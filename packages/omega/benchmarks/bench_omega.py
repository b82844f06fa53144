"""Simulation speed of Omega's lightweight simulator on cluster C (≈12,500 machines).

Runs Omega with 1 and with 16 batch schedulers for N simulated days (default 7, the paper's run
length) and reports simulated seconds per wall second and jobs per wall second, beside the
paper's lightweight simulator (≈ 5 minutes of wall time per simulated day, Table 2 of the paper:
288× real time) and the issue's target (7 days in under 2 minutes: ≥ 5,040× real time).

    python packages/omega/benchmarks/bench_omega.py [--days 7] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from dcsys.omega import omega, simulate

PAPER_SPEEDUP = 86_400 / 300  # 5 minutes per simulated day
TARGET_SPEEDUP = 7 * 86_400 / 120


def run(days: float, n_batch: int, seed: int = 0) -> dict:
    r = simulate("C", omega(n_batch=n_batch), days=days, seed=seed)
    return {
        "n_batch": n_batch,
        "simulated_days": days,
        "wall_s": r.wall_time_s,
        "jobs": r.jobs,
        "events": r.events,
        "sim_seconds_per_wall_second": r.horizon / r.wall_time_s,
        "jobs_per_wall_second": r.jobs / r.wall_time_s,
        "ratio_to_paper_simulator": (r.horizon / r.wall_time_s) / PAPER_SPEEDUP,
        "meets_target": r.horizon / r.wall_time_s >= TARGET_SPEEDUP,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=7.0)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    results = [run(args.days, n) for n in (1, 16)]
    for r in results:
        print(
            f"omega, cluster C, {r['n_batch']:>2} batch scheduler(s): {r['simulated_days']:g} days in "
            f"{r['wall_s']:.1f} s = {r['sim_seconds_per_wall_second']:,.0f}× real time "
            f"({r['jobs_per_wall_second']:,.0f} jobs/s; paper's simulator {PAPER_SPEEDUP:.0f}×, "
            f"ratio {r['ratio_to_paper_simulator']:.1f}; target ≥ {TARGET_SPEEDUP:,.0f}×: "
            f"{'met' if r['meets_target'] else 'NOT met'})"
        )
    doc = {
        "benchmark": "omega_simulation_speed",
        "paper_speedup": PAPER_SPEEDUP,
        "target_speedup": TARGET_SPEEDUP,
        "runs": results,
    }
    print(json.dumps(doc))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "omega.json").write_text(json.dumps(doc, indent=2) + "\n")


if __name__ == "__main__":
    main()
