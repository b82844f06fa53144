"""Omega: flexible, scalable schedulers for large compute clusters (Schwarzkopf et al., EuroSys 2013).

Many schedulers share one cluster by giving each the full cell state and committing placements as
optimistic, conflict-checked transactions. This package rebuilds the paper's lightweight
simulator and its four architectures on the dcsys core:

* :func:`monolithic` (single- and multi-path), :func:`mesos` (two-level, DRF offers) and
  :func:`omega` (shared state, N batch schedulers, fine/coarse conflicts, incremental or
  all-or-nothing commits);
* :func:`simulate` — a week of a 12,500-machine cell on the core's event kernel;
* :func:`commit` — the transaction logic on its own;
* :class:`PlacementPolicy` — the plug-in point for placement logic (first-fit by default).

Examples:
    >>> from dcsys.omega import omega, simulate, ThinkTime
    >>> r = simulate("A", omega(service=ThinkTime(t_job=1.0)), hours=0.25, machines=400, seed=1)
    >>> sorted(r.schedulers)
    ['batch-0', 'service']
"""

from dcsys.omega.architectures import Architecture, ThinkTime, mesos, monolithic, omega
from dcsys.omega.schedulers import PlacementPolicy, RandomFirstFit
from dcsys.omega.simulator import SimulationResult, simulate
from dcsys.omega.transactions import CommitMode, CommitResult, ConflictMode, commit

__all__ = [
    "Architecture",
    "CommitMode",
    "CommitResult",
    "ConflictMode",
    "PlacementPolicy",
    "RandomFirstFit",
    "SimulationResult",
    "ThinkTime",
    "commit",
    "mesos",
    "monolithic",
    "omega",
    "simulate",
]
