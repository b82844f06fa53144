"""The cluster model shared by the schedulers: resources, machines, jobs, workloads.

* :class:`Cluster` — machines × resources as numpy arrays, with sequence numbers, racks, failures;
* :func:`random_first_fit` — Omega's randomised first-fit placement, vectorised;
* :class:`Job`, :class:`Task`, :class:`Placement`, :class:`Workload` — the records;
* distributions and :func:`generate_workload` — seeded, heavy-tailed, diurnal workloads;
* presets — Omega's clusters A/B/C and Firmament's Google-trace cell, and :func:`prefill`;
* :func:`read_google_trace` — jobs from the Google 2011 cluster trace's event files.

Example:
    >>> import numpy as np
    >>> from dcsys.core.scheduling import CLUSTER_A, random_first_fit
    >>> cell = CLUSTER_A.cluster()
    >>> running = prefill(cell, CLUSTER_A.specs, 0.6, seed=0)
    >>> round(float(cell.utilisation()[0]), 1)
    0.6
"""

from dcsys.core.scheduling.cluster import DEFAULT_RESOURCES, CapacityError, Cluster
from dcsys.core.scheduling.distributions import (
    Constant,
    Discrete,
    Distribution,
    Empirical,
    Exponential,
    LogNormal,
    Pareto,
    Scaled,
)
from dcsys.core.scheduling.jobs import BATCH, SERVICE, Job, Placement, Task, Workload
from dcsys.core.scheduling.placement import random_first_fit
from dcsys.core.scheduling.presets import (
    CLUSTER_A,
    CLUSTER_B,
    CLUSTER_C,
    GOOGLE_TRACE,
    PRESETS,
    ClusterPreset,
    prefill,
)
from dcsys.core.scheduling.traces import read_google_trace, read_google_trace_dir
from dcsys.core.scheduling.workloads import WorkloadSpec, generate_workload, spawn_generators

__all__ = [
    "BATCH",
    "CLUSTER_A",
    "CLUSTER_B",
    "CLUSTER_C",
    "DEFAULT_RESOURCES",
    "GOOGLE_TRACE",
    "PRESETS",
    "SERVICE",
    "CapacityError",
    "Cluster",
    "ClusterPreset",
    "Constant",
    "Discrete",
    "Distribution",
    "Empirical",
    "Exponential",
    "Job",
    "LogNormal",
    "Pareto",
    "Placement",
    "Scaled",
    "Task",
    "Workload",
    "WorkloadSpec",
    "generate_workload",
    "prefill",
    "random_first_fit",
    "read_google_trace",
    "read_google_trace_dir",
    "spawn_generators",
]
