"""Figs. 15 and 16: an opportunistic MapReduce scheduler on Omega.

20 % of batch jobs are MapReduce jobs; an Omega MapReduce scheduler grants them extra workers when
the cell has room, with linear speed-up up to the job's full parallelism, under three policies
(max-parallelism, a global 60 % utilisation cap, at most 4× the requested workers). The paper:
50–70 % of MapReduce jobs benefit and the 80th-percentile speed-up is 3–4× with max-parallelism;
the global cap only helps on the lightly loaded cluster D; utilisation becomes more variable
(Fig. 16). Cluster D (≈¼ of C, lightly loaded) is modelled as cluster C's workload on a quarter of
its machines at half the load.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dcsys.core.experiments import Experiment, Reference, Scale
from dcsys.omega.architectures import omega
from dcsys.omega.simulator import simulate

__all__ = ["EXPERIMENT"]

_CLUSTERS = {"A": ("A", None, 1.0), "C": ("C", None, 1.0), "D": ("C", 3_125, 0.5)}
_NOTE = "worker counts, map-task counts and cluster D are assumptions (see dcsys.omega.mapreduce)"


def _point(params: dict[str, Any], seed: int) -> dict[str, Any]:
    preset, machines, load = _CLUSTERS[params["cluster"]]
    policy = None if params["policy"] == "none" else params["policy"]
    duration = {"days": params["days"]} if "days" in params else {"hours": params["hours"]}
    r = simulate(
        preset,
        omega(),
        seed=seed,
        machines=machines,
        load=load,
        mapreduce=policy,
        mapreduce_fraction=0.2,
        **duration,
    )
    speedups = np.asarray(r.extra["mapreduce_speedups"] or [1.0])
    util = np.asarray(r.extra["cpu_utilisation_series"] or [0.0])
    return {
        "mr_jobs": int(len(r.extra["mapreduce_speedups"])),
        "fraction_benefiting": float((speedups > 1.0).mean()),
        "speedup_p50": float(np.quantile(speedups, 0.5)),
        "speedup_p80": float(np.quantile(speedups, 0.8)),
        "cpu_util_mean": float(util.mean()),
        "cpu_util_std": float(util.std()),
        "batch_wait_mean": r.workloads["batch"]["wait_mean"],
        "speedups": ";".join(f"{x:.3g}" for x in speedups[:5000]),
        "util_series": ";".join(f"{x:.3f}" for x in util),
    }


def _plot(rows: list[dict[str, Any]], summary: Any) -> dict[str, Any]:
    from dcsys.core.experiments.figures import new_figure

    clusters = sorted({r["cluster"] for r in rows})
    fig, axes = new_figure(ncols=len(clusters))
    axes = np.atleast_1d(axes)
    for ax, cluster in zip(axes, clusters, strict=True):
        for r in rows:
            if r["cluster"] != cluster or r["policy"] == "none":
                continue
            s = np.sort([float(x) for x in r["speedups"].split(";") if x])
            ax.plot(s, np.linspace(0, 1, s.size), label=r["policy"])
        ax.set_xscale("log")
        ax.set_xlabel("per-job speed-up")
        ax.set_ylabel("CDF of MapReduce jobs")
        ax.set_title(f"cluster {cluster}")
        ax.legend(fontsize=7)
    fig2, ax2 = new_figure(width=8)
    for r in rows:
        if r["cluster"] == "C" and r["policy"] in ("none", "max_parallelism"):
            u = [float(x) for x in r["util_series"].split(";") if x]
            ax2.plot(np.arange(len(u)) / 60.0, u, label=r["policy"])
    ax2.set_xlabel("time [h]")
    ax2.set_ylabel("CPU utilisation")
    ax2.legend()
    return {"fig15_speedup_cdf": fig, "fig16_utilisation": fig2}


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out = {}
    for r in rows:
        out[f"{r['cluster']}_{r['policy']}_speedup_p80"] = r["speedup_p80"]
        out[f"{r['cluster']}_{r['policy']}_fraction_benefiting"] = r["fraction_benefiting"]
    return out


EXPERIMENT = Experiment(
    name="fig15_16_mapreduce",
    title="Opportunistic MapReduce scheduling: speed-ups and utilisation (Figs. 15, 16)",
    run=_point,
    quick=Scale.grid(
        cluster=["C"],
        policy=["none", "max_parallelism", "global_cap", "relative_size"],
        hours=[2.0],
    ),
    full=Scale.grid(
        cluster=["A", "C", "D"],
        policy=["none", "max_parallelism", "global_cap", "relative_size"],
        days=[7.0],
    ),
    references=(
        Reference("C_max_parallelism_speedup_p80", 3.5, source="Fig. 15 (3–4× at p80)", note=_NOTE),
        Reference("C_max_parallelism_fraction_benefiting", 0.6, source="§6 (50–70 %)", note=_NOTE),
        Reference("C_relative_size_speedup_p80", "< max-parallelism", source="Fig. 15", note=_NOTE),
    ),
    summarize=_summary,
    plot=_plot,
    description=__doc__ or "",
    paper="Omega, EuroSys 2013, §6",
)
