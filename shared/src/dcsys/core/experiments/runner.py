"""Run an experiment's sweep in parallel and write its results, figures and report.

Each (point, repeat) pair is one run with its own seed, derived from the base seed and the pair's
position, so a run's result does not depend on how many workers ran the sweep or in what order.
Runs are spread over an executor (local processes by default, or Ray). Everything is written to a
temporary folder first and moved into place at the end, so an interrupted run never leaves a
half-written result folder behind.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from dcsys.core.errors import ConfigError
from dcsys.core.experiments.environment import describe_environment
from dcsys.core.experiments.report import Comparison, compare, write_csv, write_json, write_report
from dcsys.core.experiments.spec import Experiment

__all__ = ["ExperimentResult", "run_experiment", "run_seed"]


def run_seed(base_seed: int, point_index: int, repeat: int) -> int:
    """Derive the seed of one run from the base seed and its position in the sweep.

    Examples:
        >>> run_seed(0, 1, 0) == run_seed(0, 1, 0) != run_seed(0, 1, 1)
        True
    """
    return int(np.random.SeedSequence([base_seed, point_index, repeat]).generate_state(1)[0])


@dataclass
class ExperimentResult:
    """What one experiment run produced.

    Attributes:
        system: the system the experiment belongs to.
        experiment: the experiment.
        scale: ``"quick"`` or ``"full"``.
        rows: one dict per result row (parameters, ``repeat``, ``seed``, ``wall_time_s``, metrics).
        summary: metrics derived from all rows.
        comparisons: the paper's numbers beside ours.
        directory: where the files were written (None if nothing was written).
        wall_time_s: the whole run's wall time.
    """

    system: str
    experiment: Experiment
    scale: str
    rows: list[dict[str, Any]]
    summary: dict[str, Any]
    comparisons: list[Comparison]
    directory: Path | None
    wall_time_s: float
    meta: dict[str, Any] = field(default_factory=dict)


def _run_point(
    run: Callable[[dict[str, Any], int], Any], params: dict[str, Any], seed: int
) -> tuple[list[dict[str, Any]], float]:
    start = time.perf_counter()
    out = run(dict(params), seed)
    elapsed = time.perf_counter() - start
    rows = [dict(out)] if isinstance(out, Mapping) else [dict(r) for r in out]
    return rows, elapsed


def _progress(stream: TextIO | None, text: str) -> None:
    if stream is not None:
        print(text, file=stream, flush=True)


def run_experiment(
    experiment: Experiment,
    *,
    system: str = "",
    scale: str = "quick",
    out: str | Path | None = "results",
    executor: str = "local",
    workers: int | None = None,
    seed: int = 0,
    progress: TextIO | None = sys.stderr,
) -> ExperimentResult:
    """Run every point of ``experiment`` at ``scale`` and write its files.

    Args:
        experiment: what to run.
        system: the system it belongs to (names the output folder ``out/<system>/<name>``).
        scale: ``"quick"`` (default) or ``"full"``.
        out: the results root; None runs without writing files.
        executor: ``"local"`` (processes on this machine) or ``"ray"``.
        workers: parallel runs at most (default: all cores).
        seed: the base seed; every run's seed derives from it.
        progress: where to print one line per finished run (None for silence).

    Returns:
        The rows, summary and comparisons, and the folder they were written to.

    Raises:
        ConfigError: a bad scale, seed or worker count.
        UnknownNameError: an unknown executor.
    """
    the_scale = experiment.scale(scale)
    if workers is not None and workers < 1:
        raise ConfigError(f"workers must be >= 1, got {workers}")
    if seed < 0:
        raise ConfigError(f"seed must be >= 0, got {seed}")
    label = f"{system}.{experiment.name}" if system else experiment.name
    jobs = [
        (i, r, dict(point), run_seed(seed, i, r))
        for i, point in enumerate(the_scale.points)
        for r in range(the_scale.repeats)
    ]
    started = time.perf_counter()
    results: dict[tuple[int, int], tuple[list[dict[str, Any]], float]] = {}
    parallel = min(workers or os.cpu_count() or 1, len(jobs))
    _progress(
        progress, f"{label}: {len(jobs)} runs at {scale} scale on {parallel} worker(s) ({executor})"
    )
    if parallel <= 1 and executor == "local":
        for done, (i, r, params, s) in enumerate(jobs, 1):
            results[(i, r)] = _run_point(experiment.run, params, s)
            _progress(
                progress, f"  [{done}/{len(jobs)}] {params} seed={s} {results[(i, r)][1]:.2f}s"
            )
    else:
        from dcsys.core.execution import as_completed, get_executor

        with get_executor(executor, max_workers=parallel) as pool:
            futures = {
                pool.submit(_run_point, experiment.run, params, s): (i, r, params, s)
                for i, r, params, s in jobs
            }
            for done, fut in enumerate(as_completed(futures), 1):
                i, r, params, s = futures[fut]
                results[(i, r)] = fut.result()
                _progress(
                    progress, f"  [{done}/{len(jobs)}] {params} seed={s} {results[(i, r)][1]:.2f}s"
                )

    rows: list[dict[str, Any]] = []
    for i, r, params, s in jobs:
        point_rows, elapsed = results[(i, r)]
        for row in point_rows:
            rows.append({**params, "repeat": r, "seed": s, "wall_time_s": elapsed, **row})
    summary = dict(experiment.summarize(rows)) if experiment.summarize else {}
    comparisons = compare(experiment.references, rows, summary)
    wall = time.perf_counter() - started
    meta = {
        "system": system,
        "experiment": experiment.name,
        "title": experiment.title,
        "paper": experiment.paper,
        "scale": scale,
        "seed": seed,
        "executor": executor,
        "workers": parallel,
        "wall_time_s": wall,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(time.time() - wall)),
        "environment": describe_environment(),
    }
    directory = None
    if out is not None:
        directory = _write(
            Path(out) / (system or "_") / experiment.name,
            experiment,
            system,
            scale,
            rows,
            summary,
            comparisons,
            meta,
        )
        _progress(progress, f"{label}: wrote {directory}/report.md ({wall:.1f}s)")
    return ExperimentResult(
        system, experiment, scale, rows, summary, comparisons, directory, wall, meta
    )


def _write(
    target: Path,
    experiment: Experiment,
    system: str,
    scale: str,
    rows: Sequence[dict[str, Any]],
    summary: Mapping[str, Any],
    comparisons: Sequence[Comparison],
    meta: Mapping[str, Any],
) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        param_names = list(dict.fromkeys(k for p in experiment.scale(scale).points for k in p))
        write_csv(tmp / "results.csv", rows, param_names)
        figure_names: list[str] = []
        if experiment.plot is not None:
            from dcsys.core.experiments.figures import save_figure

            for name, fig in experiment.plot(list(rows), summary).items():
                save_figure(fig, tmp, name)
                figure_names.append(name)
        write_json(
            tmp / "results.json",
            {
                "meta": meta,
                "summary": summary,
                "comparisons": [
                    {
                        "metric": c.reference.metric,
                        "where": c.reference.where,
                        "source": c.reference.source,
                        "paper": c.reference.value,
                        "ours": c.ours,
                        "spread": c.spread,
                        "ratio": c.ratio,
                        "within_tolerance": c.within,
                        "note": c.reference.note,
                    }
                    for c in comparisons
                ],
                "figures": figure_names,
                "rows": list(rows),
            },
        )
        write_report(
            tmp / "report.md",
            experiment,
            system=system,
            scale=scale,
            rows=rows,
            summary=summary,
            comparisons=comparisons,
            figures=figure_names,
            meta=meta,
        )
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target
