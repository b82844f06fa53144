"""Fig. 11: the service scheduler's busyness over t_job(service) × t_task(service), cluster C.

The paper ran this on its high-fidelity simulator over the 29-day public trace of cluster C and
found the service scheduler's busyness low over almost the whole plane. We run Omega on cluster C
with a trace-shaped workload (the preset's distributions with a ±30 % diurnal swing in arrival
rates — an assumption); with the Google 2011 trace on disk the same sweep can replay it through
``dcsys omega simulate --trace-dir``.
"""

from __future__ import annotations

from typing import Any

from dcsys.core.experiments import Experiment, Reference, Scale
from dcsys.omega.experiments._common import run_point

__all__ = ["EXPERIMENT"]


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    low = [r for r in rows if r["service_busyness"] < 0.5]
    return {"fraction_of_plane_below_50pct_busy": len(low) / len(rows) if rows else 0.0}


def _plot(rows: list[dict[str, Any]], summary: Any) -> dict[str, Any]:
    import numpy as np

    from dcsys.core.experiments.figures import new_figure

    fig, ax = new_figure()
    xs = sorted({r["t_job_service"] for r in rows})
    ys = sorted({r["t_task_service"] for r in rows})
    grid = np.full((len(ys), len(xs)), np.nan)
    for r in rows:
        grid[ys.index(r["t_task_service"]), xs.index(r["t_job_service"])] = r["service_busyness"]
    im = ax.imshow(grid, origin="lower", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(xs)), [f"{x:g}" for x in xs])
    ax.set_yticks(range(len(ys)), [f"{y:g}" for y in ys])
    ax.set_xlabel("t_job(service) [s]")
    ax.set_ylabel("t_task(service) [s]")
    fig.colorbar(im, ax=ax, label="service busyness")
    ax.set_title("Omega service scheduler, cluster C (Fig. 11)")
    return {"fig11_service_surface": fig}


EXPERIMENT = Experiment(
    name="fig11_service_surface",
    title="Service scheduler busyness over t_job × t_task, cluster C (Fig. 11)",
    run=run_point,
    quick=Scale.grid(
        cluster=["C"],
        arch=["omega"],
        t_job_service=[0.1, 10.0],
        t_task_service=[0.005, 1.0],
        diurnal=[0.3],
        hours=[2.0],
    ),
    full=Scale.grid(
        cluster=["C"],
        arch=["omega"],
        t_job_service=[0.01, 0.1, 1.0, 10.0, 100.0],
        t_task_service=[0.001, 0.01, 0.1, 1.0],
        diurnal=[0.3],
        days=[29.0],
    ),
    references=(
        Reference(
            "fraction_of_plane_below_50pct_busy",
            "almost all",
            source="Fig. 11",
            note="trace-shaped generated workload instead of the 29-day trace replay",
        ),
    ),
    summarize=_summary,
    plot=_plot,
    description=__doc__ or "",
    paper="Omega, EuroSys 2013, §5",
)
