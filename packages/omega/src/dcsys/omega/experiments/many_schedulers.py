"""Fig. 9: many batch schedulers on cluster B — conflicts rise, per-scheduler busyness falls.

Batch jobs are hash-partitioned over N Omega batch schedulers (1 to 32) while the batch load
grows. The paper: the conflict fraction grows with more schedulers, but per-scheduler busyness
falls, so adding schedulers keeps paying off up to 32.
"""

from __future__ import annotations

from typing import Any

from dcsys.core.experiments import Experiment, Reference, Scale
from dcsys.omega.experiments._common import run_point

__all__ = ["EXPERIMENT"]


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    loads = sorted({r["batch_load"] for r in rows})
    top = loads[-1]
    pts = sorted((r["n_batch"], r) for r in rows if r["batch_load"] == top)
    if len(pts) >= 2:
        out["busyness_ratio_many_over_one"] = pts[-1][1]["batch_busyness"] / max(
            pts[0][1]["batch_busyness"], 1e-9
        )
        out["conflicts_many_minus_one"] = (
            pts[-1][1]["batch_conflict_fraction"] - pts[0][1]["batch_conflict_fraction"]
        )
    return out


def _plot(rows: list[dict[str, Any]], summary: Any) -> dict[str, Any]:
    from dcsys.core.experiments.figures import new_figure

    fig, (ax_c, ax_b) = new_figure(ncols=2)
    for n in sorted({r["n_batch"] for r in rows}):
        pts = sorted((r["batch_load"], r) for r in rows if r["n_batch"] == n)
        xs = [x for x, _ in pts]
        ax_c.plot(
            xs, [r["batch_conflict_fraction"] for _, r in pts], "-o", label=f"{n} batch schedulers"
        )
        ax_b.plot(xs, [r["batch_busyness"] for _, r in pts], "-o", label=f"{n}")
    ax_c.set_ylabel("conflict fraction")
    ax_b.set_ylabel("busyness per batch scheduler")
    for ax in (ax_c, ax_b):
        ax.set_xlabel("relative batch arrival rate")
    ax_c.legend(fontsize=7)
    fig.suptitle("Omega with many batch schedulers, cluster B (Fig. 9)")
    return {"fig9_many_schedulers": fig}


EXPERIMENT = Experiment(
    name="fig9_many_schedulers",
    title="Many batch schedulers: conflict fraction and busyness (Fig. 9)",
    run=run_point,
    quick=Scale.grid(
        cluster=["B"], arch=["omega"], n_batch=[1, 4, 16], batch_load=[1.0, 8.0], hours=[1.0]
    ),
    full=Scale.grid(
        cluster=["B"],
        arch=["omega"],
        n_batch=[1, 2, 4, 8, 16, 32],
        batch_load=[1, 2, 4, 6, 8, 10, 15, 20],
        days=[7.0],
    ),
    references=(
        Reference(
            "busyness_ratio_many_over_one",
            "≈ 1/N (falls with N)",
            source="Fig. 9b",
            note="per-scheduler busyness falls as load is shared",
        ),
        Reference("conflicts_many_minus_one", "> 0 (conflicts grow with N)", source="Fig. 9a"),
    ),
    summarize=_summary,
    plot=_plot,
    description=__doc__ or "",
    paper="Omega, EuroSys 2013, §4.3",
)
