"""The cluster model shared by the schedulers: resources, machines, jobs, workloads, presets.

Used by Omega (shared-state scheduling over one cell), Firmament (flow scheduling over racks,
machines and slots) and CIEL/Musketeer (engine and placement choices).

* :mod:`~dcsys.core.scheduling.resources` — :class:`Resources`, named resource dimensions;
* :mod:`~dcsys.core.scheduling.cluster` — :class:`Cluster` (alias :data:`CellState`): machines ×
  resources as numpy arrays, with sequence numbers, racks, attributes, failures, task counts;
* :mod:`~dcsys.core.scheduling.placement` — :func:`random_first_fit`, Omega's placement, vectorised;
* :mod:`~dcsys.core.scheduling.jobs` — :class:`Job`, :class:`Task`, :class:`Placement`,
  :class:`Workload`;
* :mod:`~dcsys.core.scheduling.distributions` — seeded samplers, heavy tails, and
  :class:`EmpiricalDistribution` (Omega's 1,001-quantile DistCache);
* :mod:`~dcsys.core.scheduling.arrivals` — Poisson, renewal and diurnally modulated arrivals;
* :mod:`~dcsys.core.scheduling.workloads` — :class:`WorkloadSpec`, :func:`generate_workload`,
  :func:`iter_jobs`;
* :mod:`~dcsys.core.scheduling.presets` — Omega's clusters A, B, C, Firmament's Google-trace cell;
* :mod:`~dcsys.core.scheduling.prefill` — :func:`prefill`, a cell ≈60 % full at t = 0;
* :mod:`~dcsys.core.scheduling.traces` — :func:`read_google_trace`, jobs from the Google 2011
  cluster trace's event files.

Examples:
    >>> import numpy as np
    >>> from dcsys.core.scheduling import CLUSTER_C, prefill, random_first_fit
    >>> preset = CLUSTER_C.scaled(1_250)            # a tenth of cluster C, as busy
    >>> cell = preset.cluster()
    >>> running = prefill(cell, preset, 0.6, np.random.default_rng(0))
    >>> round(float(cell.utilisation()[0]), 2)
    0.6
    >>> job = next(preset.iter_jobs(horizon=3600.0, seed=0))
    >>> machines = random_first_fit(cell, job.demand, job.n_tasks, np.random.default_rng(1))
    >>> cell.claim_many(machines, job.demand)
"""

from dcsys.core.scheduling.arrivals import (
    DAY,
    arrival_times,
    candidate_chunks,
    diurnal_rate,
    poisson_arrivals,
)
from dcsys.core.scheduling.cluster import EPSILON, CapacityError, CellState, Cluster
from dcsys.core.scheduling.distributions import (
    Constant,
    Discrete,
    Distribution,
    Empirical,
    EmpiricalDistribution,
    Exponential,
    LogNormal,
    Mixture,
    Pareto,
    Rounded,
    Scaled,
    Uniform,
)
from dcsys.core.scheduling.jobs import BATCH, SERVICE, Job, JobKind, Placement, Task, Workload
from dcsys.core.scheduling.placement import random_first_fit
from dcsys.core.scheduling.prefill import RunningJob, prefill
from dcsys.core.scheduling.presets import (
    CLUSTER_A,
    CLUSTER_B,
    CLUSTER_C,
    GOOGLE_TRACE,
    PRESETS,
    ClusterPreset,
    get_preset,
    omega_preset,
)
from dcsys.core.scheduling.resources import DEFAULT_RESOURCES, Resources, UnknownResourceError
from dcsys.core.scheduling.traces import read_google_trace, read_google_trace_dir
from dcsys.core.scheduling.workloads import (
    MIN_DURATION,
    WorkloadSpec,
    generate_workload,
    iter_jobs,
    job_fractions,
    spawn_generators,
)

__all__ = [
    "BATCH",
    "CLUSTER_A",
    "CLUSTER_B",
    "CLUSTER_C",
    "DAY",
    "DEFAULT_RESOURCES",
    "EPSILON",
    "GOOGLE_TRACE",
    "MIN_DURATION",
    "PRESETS",
    "SERVICE",
    "CapacityError",
    "CellState",
    "Cluster",
    "ClusterPreset",
    "Constant",
    "Discrete",
    "Distribution",
    "Empirical",
    "EmpiricalDistribution",
    "Exponential",
    "Job",
    "JobKind",
    "LogNormal",
    "Mixture",
    "Pareto",
    "Placement",
    "Resources",
    "Rounded",
    "RunningJob",
    "Scaled",
    "Task",
    "Uniform",
    "UnknownResourceError",
    "Workload",
    "WorkloadSpec",
    "arrival_times",
    "candidate_chunks",
    "diurnal_rate",
    "generate_workload",
    "get_preset",
    "iter_jobs",
    "job_fractions",
    "omega_preset",
    "poisson_arrivals",
    "prefill",
    "random_first_fit",
    "read_google_trace",
    "read_google_trace_dir",
    "spawn_generators",
]
