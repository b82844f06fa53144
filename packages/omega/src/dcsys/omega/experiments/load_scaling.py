"""Fig. 8: Omega under growing batch load — where does the batch scheduler saturate?

The batch arrival rate is multiplied by a relative load factor (1× = the preset) while the service
workload stays as it is; saturation is the smallest factor at which the batch scheduler is busy
≥ 95 % of the time or leaves > 5 % of the jobs unscheduled. The paper reports saturation at
≈ 2.5× (cluster A), 6× (B) and 9.5× (C).
"""

from __future__ import annotations

from typing import Any

from dcsys.core.experiments import Experiment, Reference, Scale
from dcsys.omega.experiments._common import run_point, saturation

__all__ = ["EXPERIMENT"]

_NOTE = (
    "the cells' workloads are not published; our presets' batch arrival rates are assumptions "
    "(core scheduling presets), so the saturation factor follows from them, not from Google's cells"
)


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {f"saturation_{c}": v for c, v in saturation(rows, "batch_load", "cluster").items()}


def _plot(rows: list[dict[str, Any]], summary: Any) -> dict[str, Any]:
    from dcsys.core.experiments.figures import new_figure

    fig, (ax_w, ax_b) = new_figure(ncols=2)
    for cluster in sorted({r["cluster"] for r in rows}):
        pts = sorted((r["batch_load"], r) for r in rows if r["cluster"] == cluster)
        xs = [x for x, _ in pts]
        ax_w.plot(
            xs, [max(r["batch_wait_mean"], 1e-3) for _, r in pts], "-o", label=f"{cluster} batch"
        )
        ax_b.plot(xs, [r["batch_busyness"] for _, r in pts], "-o", label=f"{cluster} batch")
        ax_b.plot(xs, [r["service_busyness"] for _, r in pts], "--", label=f"{cluster} service")
        sat = summary.get(f"saturation_{cluster}")
        if sat and sat != float("inf"):
            ax_b.axvline(sat, ls=":", color="gray")
    ax_w.set_yscale("log")
    for ax in (ax_w, ax_b):
        ax.set_xlabel("relative batch arrival rate")
    ax_w.set_ylabel("mean batch wait [s]")
    ax_b.set_ylabel("busyness")
    ax_b.legend(fontsize=7)
    fig.suptitle("Omega load scaling (Fig. 8)")
    return {"fig8_load_scaling": fig}


EXPERIMENT = Experiment(
    name="fig8_load_scaling",
    title="Omega load scaling and saturation points (Fig. 8)",
    run=run_point,
    quick=Scale.grid(cluster=["A", "C"], arch=["omega"], batch_load=[1.0, 4.0, 16.0], hours=[1.0]),
    full=Scale.grid(
        cluster=["A", "B", "C"],
        arch=["omega"],
        batch_load=[1, 2, 3, 4, 6, 8, 10, 12, 16, 20],
        days=[7.0],
    ),
    references=(
        Reference("saturation_A", 2.5, source="Fig. 8 (cluster A)", note=_NOTE),
        Reference("saturation_B", 6.0, source="Fig. 8 (cluster B)", note=_NOTE),
        Reference("saturation_C", 9.5, source="Fig. 8 (cluster C)", note=_NOTE),
    ),
    summarize=_summary,
    plot=_plot,
    description=__doc__ or "",
    paper="Omega, EuroSys 2013, §4.3",
)
