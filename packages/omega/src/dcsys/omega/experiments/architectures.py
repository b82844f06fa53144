"""Figs. 5 and 6: job wait time and scheduler busyness vs the service decision time.

Single-path monolithic (every job takes the swept decision time), multi-path monolithic (batch
jobs keep the fast 0.1 s + 5 ms/task path) and Omega (one service and one batch scheduler on
shared state) run the same workload while ``t_job(service)`` sweeps a log axis from 10 ms to
100 s. The paper's findings: single-path wait time and busyness rise with t_job until saturation;
multi-path is much lower but batch jobs queue behind slow service decisions (head-of-line
blocking); Omega matches multi-path for service and keeps batch unaffected.
"""

from __future__ import annotations

from typing import Any

from dcsys.core.experiments import Experiment, Reference, Scale
from dcsys.omega.experiments._common import SLO_S, plot_by_arch, run_point

__all__ = ["EXPERIMENT"]

_ARCHS = ["single_path", "multi_path", "omega"]
_QUICK_T = [0.01, 0.1, 1.0, 10.0, 100.0]
_FULL_T = [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0]


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for cluster in sorted({r["cluster"] for r in rows}):
        for arch in _ARCHS:
            pts = sorted(
                (r["t_job_service"], r)
                for r in rows
                if r["cluster"] == cluster and r["arch"] == arch
            )
            ok = [
                t
                for t, r in pts
                if r["batch_wait_mean"] <= SLO_S and r["service_wait_mean"] <= SLO_S
            ]
            out[f"{cluster}_{arch}_max_t_job_within_slo"] = max(ok) if ok else 0.0
        at10 = {
            a: [
                r
                for r in rows
                if r["cluster"] == cluster and r["arch"] == a and r["t_job_service"] == 10.0
            ]
            for a in _ARCHS
        }
        if all(at10.values()):
            out[f"{cluster}_batch_wait_ratio_multi_over_omega_at_10s"] = at10["multi_path"][0][
                "batch_wait_mean"
            ] / max(at10["omega"][0]["batch_wait_mean"], 1e-9)
    return out


def _plot(rows: list[dict[str, Any]], summary: Any) -> dict[str, Any]:
    from dcsys.core.experiments.figures import new_figure

    figs = {}
    for cluster in sorted({r["cluster"] for r in rows}):
        fig, (ax_w, ax_b) = new_figure(ncols=2)
        cluster_rows = [r for r in rows if r["cluster"] == cluster]
        plot_by_arch([(ax_w, "wait_mean"), (ax_b, "busyness")], cluster_rows, _ARCHS)
        ax_w.axhline(SLO_S, color="red", lw=0.8)
        for ax in (ax_w, ax_b):
            ax.set_xscale("log")
            ax.set_xlabel("t_job(service) [s]")
        ax_w.set_yscale("log")
        ax_w.set_ylabel("mean job wait time [s]")
        ax_b.set_ylabel("scheduler busyness (median daily)")
        ax_b.set_ylim(0, 1)
        ax_b.legend(fontsize=6)
        fig.suptitle(f"cluster {cluster}: single-path vs multi-path vs Omega (Figs. 5, 6)")
        figs[f"fig5_6_cluster_{cluster}"] = fig
    return figs


EXPERIMENT = Experiment(
    name="fig5_6_architectures",
    title="Wait time and busyness: monolithic single-path, multi-path and Omega (Figs. 5-6)",
    run=run_point,
    quick=Scale.grid(cluster=["B"], arch=_ARCHS, t_job_service=_QUICK_T, hours=[2.0]),
    full=Scale.grid(cluster=["A", "B", "C"], arch=_ARCHS, t_job_service=_FULL_T, days=[7.0]),
    references=(
        Reference(
            "service_wait_mean",
            "≈ multi-path",
            where={"cluster": "B", "arch": "omega", "t_job_service": 10.0},
            source="Fig. 5c",
            note="qualitative: Omega's service wait matches multi-path's",
        ),
        Reference(
            "batch_wait_mean",
            "unaffected by t_job(service)",
            where={"cluster": "B", "arch": "omega", "t_job_service": 100.0},
            source="Fig. 5c",
            note="no head-of-line blocking: batch has its own scheduler",
        ),
        Reference(
            "B_batch_wait_ratio_multi_over_omega_at_10s",
            "> 1 (head-of-line blocking)",
            source="Fig. 5b vs 5c",
            note="multi-path batch jobs queue behind 10 s service decisions",
        ),
    ),
    summarize=_summary,
    plot=_plot,
    description=__doc__ or "",
    paper="Omega, EuroSys 2013, §4.1",
)
