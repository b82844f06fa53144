"""Experiments: declare them, register them, run their sweeps, and report the paper beside ours.

A system declares each paper figure or table as an :class:`Experiment` (``spec``), registers it
in the ``dcsys.experiments`` entry-point group (``registry``), and ``dcsys reproduce <system>``
runs it (``runner``): the sweep's points run in parallel on an executor with per-run seeds, and
``results/<system>/<experiment>/`` receives ``results.csv``, ``results.json`` (with versions, git
commit, machine, seed and wall time), figures as PNG and SVG, and ``report.md``.

Examples:
    >>> from dcsys.core.experiments import Experiment, Reference, Scale, run_experiment
    >>> def point(params, seed):
    ...     return {"double": 2 * params["x"]}
    >>> exp = Experiment("double", "Doubling", point, Scale.grid(x=[1, 2]), Scale.grid(x=[1, 2, 3]),
    ...                  references=(Reference("double", 4, where={"x": 2}, source="Eq. 1"),))
    >>> res = run_experiment(exp, out=None, progress=None, workers=1)
    >>> [r["double"] for r in res.rows], res.comparisons[0].ratio
    ([2, 4], 1.0)
"""

from dcsys.core.experiments.registry import experiment_entries, load_experiment, reproduce
from dcsys.core.experiments.report import Comparison, compare
from dcsys.core.experiments.runner import ExperimentResult, run_experiment, run_seed
from dcsys.core.experiments.spec import Experiment, Reference, Scale

__all__ = [
    "Comparison",
    "Experiment",
    "ExperimentResult",
    "Reference",
    "Scale",
    "compare",
    "experiment_entries",
    "load_experiment",
    "reproduce",
    "run_experiment",
    "run_seed",
]
