"""Omega's demo (``dcsys demo omega``): four scheduler architectures on the same cell and jobs.

Two simulated hours of cluster C (12,500 machines, ≈60 % busy at the start) with service
decisions slowed to 30 s per job: the single-path monolithic scheduler saturates, multi-path
queues batch jobs behind slow service decisions, Mesos holds offers during them, and Omega's
batch scheduler carries on unaffected.
"""

from __future__ import annotations

import sys
from typing import TextIO

from dcsys.omega.architectures import ThinkTime, mesos, monolithic, omega
from dcsys.omega.simulator import simulate

__all__ = ["run_demo"]


def run_demo(out: TextIO = sys.stdout) -> None:
    """Run the demo, printing a table to ``out``."""
    slow = ThinkTime(t_job=30.0)
    archs = [
        monolithic(single_path=True, service=slow),
        monolithic(single_path=False, service=slow),
        mesos(service=slow),
        omega(n_batch=1, service=slow),
    ]
    print("Omega demo: cluster C, 2 simulated hours, t_job(service) = 30 s", file=out)
    print(
        f"  {'architecture':42s} {'batch wait':>11s} {'service wait':>13s} {'busiest':>8s} {'conflicts':>9s}",
        file=out,
    )
    for arch in archs:
        r = simulate("C", arch, hours=2.0, seed=0)
        busiest = max(s["busyness"] for s in r.schedulers.values())
        conflicts = max(s["conflict_fraction"] for s in r.schedulers.values())
        print(
            f"  {arch.label:42s} {r.workloads['batch']['wait_mean']:>10.2f}s "
            f"{r.workloads['service']['wait_mean']:>12.2f}s {busiest:>8.2f} {conflicts:>9.3f}",
            file=out,
        )
