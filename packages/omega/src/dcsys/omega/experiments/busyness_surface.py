"""Fig. 10: scheduler busyness over t_job(service) × t_task(service), per architecture (cluster B).

The paper's summary figure: monolithic single-path saturates early along both axes, Mesos leaves
much of the workload unscheduled, Omega's busyness stays low over most of the plane. We report the
service scheduler's busyness per point and mark points where > 5 % of jobs went unscheduled.
"""

from __future__ import annotations

from typing import Any

from dcsys.core.experiments import Experiment, Reference, Scale
from dcsys.omega.experiments._common import run_point

__all__ = ["EXPERIMENT"]

_ARCHS = ["single_path", "mesos", "omega"]


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out = {}
    for arch in _ARCHS:
        pts = [r for r in rows if r["arch"] == arch]
        ok = [
            r
            for r in pts
            if r["service_busyness"] < 0.95
            and r["batch_unscheduled"] <= 0.05
            and r["service_unscheduled"] <= 0.05
        ]
        out[f"{arch}_fraction_of_plane_schedulable"] = len(ok) / len(pts) if pts else 0.0
    return out


def _plot(rows: list[dict[str, Any]], summary: Any) -> dict[str, Any]:
    import numpy as np

    from dcsys.core.experiments.figures import new_figure

    fig, axes = new_figure(ncols=len(_ARCHS))
    for ax, arch in zip(axes, _ARCHS, strict=True):
        pts = [r for r in rows if r["arch"] == arch]
        xs = sorted({r["t_job_service"] for r in pts})
        ys = sorted({r["t_task_service"] for r in pts})
        grid = np.full((len(ys), len(xs)), np.nan)
        for r in pts:
            grid[ys.index(r["t_task_service"]), xs.index(r["t_job_service"])] = r[
                "service_busyness"
            ]
        im = ax.imshow(grid, origin="lower", vmin=0, vmax=1, cmap="viridis", aspect="auto")
        for r in pts:
            if r["batch_unscheduled"] > 0.05 or r["service_unscheduled"] > 0.05:
                ax.text(
                    xs.index(r["t_job_service"]),
                    ys.index(r["t_task_service"]),
                    "×",
                    color="red",
                    ha="center",
                    va="center",
                )
        ax.set_xticks(range(len(xs)), [f"{x:g}" for x in xs])
        ax.set_yticks(range(len(ys)), [f"{y:g}" for y in ys])
        ax.set_xlabel("t_job(service) [s]")
        ax.set_ylabel("t_task(service) [s]")
        ax.set_title(arch)
    fig.colorbar(im, ax=list(axes), shrink=0.8, label="service busyness")
    return {"fig10_busyness_surface": fig}


EXPERIMENT = Experiment(
    name="fig10_busyness_surface",
    title="Busyness surfaces over t_job × t_task per architecture (Fig. 10)",
    run=run_point,
    quick=Scale.grid(
        cluster=["B"],
        arch=_ARCHS,
        t_job_service=[0.1, 10.0],
        t_task_service=[0.005, 0.5],
        hours=[1.0],
    ),
    full=Scale.grid(
        cluster=["B"],
        arch=_ARCHS,
        t_job_service=[0.01, 0.1, 1.0, 10.0, 100.0],
        t_task_service=[0.001, 0.01, 0.1, 1.0],
        days=[7.0],
    ),
    references=(
        Reference(
            "omega_fraction_of_plane_schedulable",
            "most of the plane",
            source="Fig. 10",
            note="Omega scales; monolithic does not",
        ),
        Reference("single_path_fraction_of_plane_schedulable", "small", source="Fig. 10"),
    ),
    summarize=_summary,
    plot=_plot,
    description=__doc__ or "",
    paper="Omega, EuroSys 2013, §4.4",
)
