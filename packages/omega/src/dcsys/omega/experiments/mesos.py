"""Fig. 7: the two-level (Mesos) architecture vs the service decision time (1 simulated day).

The allocator offers all free resources to one framework at a time and locks them while the
framework decides. With long service decisions, the batch framework rarely gets an offer with
resources in it: its busyness rises far above multi-path's, and batch jobs hit the attempt limit
and are abandoned (paper: a large part of the batch workload goes unscheduled at t_job(service)
≥ 10 s).
"""

from __future__ import annotations

from typing import Any

from dcsys.core.experiments import Experiment, Reference, Scale
from dcsys.omega.experiments._common import SLO_S, plot_by_arch, run_point

__all__ = ["EXPERIMENT"]


def _plot(rows: list[dict[str, Any]], summary: Any) -> dict[str, Any]:
    from dcsys.core.experiments.figures import new_figure

    fig, (ax_w, ax_b, ax_u) = new_figure(ncols=3)
    plot_by_arch(
        [(ax_w, "wait_mean"), (ax_b, "busyness"), (ax_u, "unscheduled")],
        rows,
        ["mesos", "multi_path"],
    )
    ax_w.axhline(SLO_S, color="red", lw=0.8)
    for ax, label in (
        (ax_w, "mean wait [s]"),
        (ax_b, "busyness"),
        (ax_u, "fraction of jobs unscheduled"),
    ):
        ax.set_xscale("log")
        ax.set_xlabel("t_job(service) [s]")
        ax.set_ylabel(label)
    ax_w.set_yscale("log")
    ax_u.legend(fontsize=6)
    fig.suptitle("Mesos vs multi-path monolithic (Fig. 7)")
    return {"fig7_mesos": fig}


EXPERIMENT = Experiment(
    name="fig7_mesos",
    title="Two-level scheduling (Mesos): wait, busyness and unscheduled jobs (Fig. 7)",
    run=run_point,
    quick=Scale.grid(
        cluster=["B"], arch=["mesos", "multi_path"], t_job_service=[0.1, 10.0, 100.0], hours=[2.0]
    ),
    full=Scale.grid(
        cluster=["A", "B", "C"],
        arch=["mesos", "multi_path"],
        t_job_service=[0.01, 0.1, 1.0, 10.0, 100.0],
        days=[1.0],
    ),
    references=(
        Reference(
            "batch_busyness",
            "far above multi-path",
            where={"cluster": "B", "arch": "mesos", "t_job_service": 10.0},
            source="Fig. 7b",
        ),
        Reference(
            "batch_unscheduled",
            "large (abandoned at the attempt limit)",
            where={"cluster": "B", "arch": "mesos", "t_job_service": 100.0},
            source="Fig. 7c",
        ),
    ),
    plot=_plot,
    description=__doc__ or "",
    paper="Omega, EuroSys 2013, §4.2",
)
