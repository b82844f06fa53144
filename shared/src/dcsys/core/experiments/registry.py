"""Find experiments through the ``dcsys.experiments`` entry-point group and reproduce a system.

A package registers an experiment in its ``pyproject.toml``::

    [project.entry-points."dcsys.experiments"]
    fig5_wait_time = "dcsys.omega.experiments.fig5:EXPERIMENT"

The entry's name is the experiment's name; its system is the declaring distribution's
(``dcsys-omega`` → ``omega``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from dcsys.core.errors import DcsysError, UnknownNameError
from dcsys.core.experiments.report import comparison_table
from dcsys.core.experiments.runner import ExperimentResult, run_experiment
from dcsys.core.experiments.spec import Experiment
from dcsys.core.plugins import EXPERIMENTS, PluginEntry, entries, installed_systems

__all__ = ["experiment_entries", "load_experiment", "reproduce"]


def experiment_entries(system: str | None = None) -> list[PluginEntry]:
    """List the registered experiments (not loaded), optionally of one system.

    Raises:
        UnknownNameError: ``system`` is not an installed dcsys system.
    """
    if system is not None and system not in installed_systems():
        raise UnknownNameError("system", system, list(installed_systems()))
    return [e for e in entries(EXPERIMENTS) if system is None or e.system == system]


def load_experiment(system: str, name: str) -> Experiment:
    """Load one experiment by system and name.

    Raises:
        UnknownNameError: unknown system or experiment.
        DcsysError: the entry point does not name an :class:`Experiment`.
    """
    for entry in experiment_entries(system):
        if entry.name == name:
            obj = entry.load()
            if not isinstance(obj, Experiment):
                raise DcsysError(
                    f"{entry.value} (experiment {name!r} of {system}) is not an Experiment"
                )
            return obj
    raise UnknownNameError(
        f"experiment of {system}", name, [e.name for e in experiment_entries(system)]
    )


def reproduce(
    system: str,
    experiment: str | None = None,
    *,
    full: bool = False,
    out: str | Path = "results",
    executor: str = "local",
    workers: int | None = None,
    seed: int = 0,
    progress: TextIO | None = sys.stderr,
) -> list[ExperimentResult]:
    """Run one or all experiments of ``system`` and write ``out/<system>/report.md``.

    Args:
        system: an installed system, e.g. ``"omega"`` (``"core"`` has the kernel's own checks).
        experiment: one experiment's name; all of the system's when None.
        full: the paper's scale instead of the quick one.
        out: the results root folder.
        executor: ``"local"`` or ``"ray"``.
        workers: parallel runs at most.
        seed: base seed.
        progress: where progress lines go (None for silence).

    Returns:
        One result per experiment run.
    """
    names = [experiment] if experiment else [e.name for e in experiment_entries(system)]
    loaded = [
        load_experiment(system, n) for n in names
    ]  # fail on a bad name before running anything
    if not loaded:
        raise DcsysError(f"system {system!r} registers no experiments")
    results = [
        run_experiment(
            exp,
            system=system,
            scale="full" if full else "quick",
            out=out,
            executor=executor,
            workers=workers,
            seed=seed,
            progress=progress,
        )
        for exp in loaded
    ]
    if experiment is None:
        _write_index(Path(out) / system, system, results)
    return results


def _write_index(directory: Path, system: str, results: list[ExperimentResult]) -> None:
    lines = [f"# {system}: reproduction report", ""]
    for res in results:
        lines += [
            f"## [{res.experiment.title}]({res.experiment.name}/report.md)",
            "",
            f"Scale {res.scale}, {len(res.rows)} rows, {res.wall_time_s:.1f} s.",
            "",
            comparison_table(res.comparisons) if res.comparisons else "_No paper numbers._",
            "",
        ]
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / ".report.md.tmp"
    tmp.write_text("\n".join(lines))
    tmp.replace(directory / "report.md")
