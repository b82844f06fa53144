"""Shared point function and helpers for the Omega experiments.

Every experiment point runs :func:`dcsys.omega.simulate` once and flattens the result into one
row: per job kind the mean and 90th-percentile wait and the unscheduled/abandoned jobs, and per
scheduler type the busyness (median of daily values, ± MAD) and conflict fraction.

Quick scale keeps the full cell and workload rates (scheduler load depends on the arrival rate,
so shrinking the cell would change what is measured) and simulates hours instead of days; full
scale is the paper's: 7 simulated days (Mesos 1 day).
"""

from __future__ import annotations

import math
from typing import Any

from dcsys.omega.architectures import Architecture, ThinkTime, mesos, monolithic, omega
from dcsys.omega.simulator import simulate

__all__ = [
    "ARCHITECTURES",
    "SLO_S",
    "build_architecture",
    "plot_by_arch",
    "run_point",
    "saturation",
]

SLO_S = 30.0
ARCHITECTURES = ("single_path", "multi_path", "mesos", "omega")


def build_architecture(params: dict[str, Any]) -> Architecture:
    """The architecture a point names, with its swept decision times."""
    service = ThinkTime(params.get("t_job_service", 0.1), params.get("t_task_service", 0.005))
    batch = ThinkTime(params.get("t_job_batch", 0.1), params.get("t_task_batch", 0.005))
    arch = params["arch"]
    if arch == "single_path":
        return monolithic(single_path=True, service=service)
    if arch == "multi_path":
        return monolithic(single_path=False, batch=batch, service=service)
    if arch == "mesos":
        return mesos(params.get("n_batch", 1), batch=batch, service=service)
    if arch == "omega":
        return omega(
            params.get("n_batch", 1),
            batch=batch,
            service=service,
            conflict=params.get("conflict", "resource-fit"),
            commit=params.get("commit", "incremental"),
            preemption=params.get("preemption", False),
        )
    raise ValueError(f"unknown architecture {arch!r}")


def run_point(params: dict[str, Any], seed: int) -> dict[str, Any]:
    """Simulate one point and flatten the metrics into a row."""
    arch = build_architecture(params)
    duration = {"days": params["days"]} if "days" in params else {"hours": params["hours"]}
    result = simulate(
        params["cluster"],
        arch,
        seed=seed,
        load={"batch": params.get("batch_load", 1.0), "service": params.get("service_load", 1.0)},
        machines=params.get("machines"),
        diurnal_amplitude=params.get("diurnal", 0.0),
        **duration,
    )
    row: dict[str, Any] = {
        "events": result.events,
        "sim_wall_s": result.wall_time_s,
        "cpu_util": result.utilisation["cpu"],
    }
    failed = sum(s["failed"] for s in result.schedulers.values())
    succeeded = sum(s["successful"] for s in result.schedulers.values())
    row["all_conflict_fraction"] = failed / succeeded if succeeded else math.nan
    row["all_busyness"] = sum(s["busyness_mean"] for s in result.schedulers.values()) / len(
        result.schedulers
    )
    for kind in ("batch", "service"):
        w = result.workloads[kind]
        row[f"{kind}_jobs"] = w["jobs"]
        row[f"{kind}_wait_mean"] = w["wait_mean"]
        row[f"{kind}_wait_p90"] = w["wait_p90"]
        row[f"{kind}_unscheduled"] = w["jobs_unscheduled"] / w["jobs"] if w["jobs"] else 0.0
        row[f"{kind}_abandoned"] = w["jobs_abandoned"]
        s = result.by_kind(kind)
        row[f"{kind}_busyness"] = s.get("busyness", math.nan)
        row[f"{kind}_busyness_mad"] = s.get("busyness_mad", math.nan)
        row[f"{kind}_conflict_fraction"] = s.get("conflict_fraction", math.nan)
    return row


def saturation(
    rows: list[dict[str, Any]], x: str, group: str, kind: str = "batch"
) -> dict[Any, float]:
    """Per ``group`` value, the smallest ``x`` at which ``kind`` saturates.

    Saturated means the scheduler is busy ≥ 95 % of the time or > 5 % of the jobs were not fully
    scheduled by the end. Returns ``inf`` for groups that never saturate on the swept range.
    """
    out: dict[Any, float] = {}
    for g in sorted({r[group] for r in rows}, key=str):
        pts = sorted((r[x], r) for r in rows if r[group] == g)
        hit = [
            v for v, r in pts if r[f"{kind}_busyness"] >= 0.95 or r[f"{kind}_unscheduled"] > 0.05
        ]
        out[g] = float(min(hit)) if hit else math.inf
    return out


def plot_by_arch(
    panels: list[tuple[Any, str]],
    rows: list[dict[str, Any]],
    archs: list[str],
    x: str = "t_job_service",
) -> None:
    """Draw one line per (architecture, job kind) of ``metric`` on each ``(axis, metric)`` panel.

    Batch is solid, service dashed; wait times are floored at 1 ms so they show on log axes.
    """
    for arch, marker in zip(archs, "os^vD", strict=False):
        pts = sorted((r[x], r) for r in rows if r["arch"] == arch)
        xs = [v for v, _ in pts]
        for kind, linestyle in (("batch", "-"), ("service", "--")):
            for ax, metric in panels:
                ys = [r[f"{kind}_{metric}"] for _, r in pts]
                if metric == "wait_mean":
                    ys = [max(y, 1e-3) for y in ys]
                ax.plot(xs, ys, marker=marker, linestyle=linestyle, label=f"{arch} {kind}")
