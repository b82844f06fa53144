"""Scheduler agents and the placement plug-in interface.

* :class:`PlacementPolicy` — the plug-in: where a job's tasks go on a view of the cell;
  :class:`RandomFirstFit` is the paper's and the default;
* :class:`MonolithicScheduler`, :class:`OmegaScheduler`, :class:`MesosFramework` with
  :class:`MesosAllocator` — the architectures' agents.
"""

from dcsys.omega.schedulers.base import JobRun, PlacementPolicy, QueueScheduler, RandomFirstFit
from dcsys.omega.schedulers.mesos import MesosAllocator, MesosFramework
from dcsys.omega.schedulers.monolithic import MonolithicScheduler
from dcsys.omega.schedulers.shared_state import OmegaScheduler

__all__ = [
    "JobRun",
    "MesosAllocator",
    "MesosFramework",
    "MonolithicScheduler",
    "OmegaScheduler",
    "PlacementPolicy",
    "QueueScheduler",
    "RandomFirstFit",
]
