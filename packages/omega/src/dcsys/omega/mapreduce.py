"""Omega's opportunistic MapReduce scheduler (paper §6, Figs. 15 and 16).

About 20 % of Google's jobs are MapReduce jobs, which ask for a fixed number of workers (commonly
5, 11, 200 or 1,000) although they could use more: as many as they have map tasks. With the whole
cell state visible, an Omega MapReduce scheduler can grant such a job extra workers when resources
are idle. The paper assumes linear speed-up up to the job's full parallelism and compares three
policies:

* **max-parallelism**: as many workers as fit, up to the job's map tasks;
* **global cap**: the same, but only while cell utilisation is below 60 %;
* **relative job size**: at most 4× the workers the job asked for.

Assumptions (the paper gives no distribution): MapReduce jobs are 20 % of batch jobs; their worker
counts are 5, 11, 200 or 1,000 with weights 0.4, 0.3, 0.2, 0.1; a job's map tasks are its workers
times a log-uniform factor between 1 and 32.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dcsys.core.errors import ConfigError
from dcsys.core.scheduling import Workload

__all__ = ["POLICIES", "MapReducePolicy", "mark_mapreduce_jobs"]

WORKER_COUNTS = (5, 11, 200, 1_000)
WORKER_WEIGHTS = (0.4, 0.3, 0.2, 0.1)
POLICIES = ("max_parallelism", "global_cap", "relative_size")


@dataclass(frozen=True)
class MapReducePolicy:
    """How many workers an opportunistic MapReduce scheduler may grant a job.

    Examples:
        >>> MapReducePolicy("relative_size").limit(requested=10, map_tasks=100, utilisation=0.9)
        40
        >>> MapReducePolicy("global_cap").limit(10, 100, utilisation=0.7)
        10
    """

    name: str
    util_cap: float = 0.6
    size_factor: float = 4.0

    def __post_init__(self) -> None:
        if self.name not in POLICIES:
            raise ConfigError(f"MapReduce policy must be one of {POLICIES}, got {self.name!r}")

    def limit(self, requested: int, map_tasks: int, utilisation: float) -> int:
        """Most workers to grant a job that asked for ``requested`` and has ``map_tasks``."""
        if self.name == "global_cap" and utilisation >= self.util_cap:
            return requested
        if self.name == "relative_size":
            return max(requested, min(map_tasks, int(self.size_factor * requested)))
        return max(requested, map_tasks)


def mark_mapreduce_jobs(workload: Workload, fraction: float, rng: np.random.Generator) -> int:
    """Turn ``fraction`` of the batch jobs into MapReduce jobs (worker counts and map tasks).

    Returns:
        How many jobs were marked.
    """
    if not 0 <= fraction <= 1:
        raise ConfigError(f"MapReduce fraction must be in [0, 1], got {fraction}")
    p = np.asarray(WORKER_WEIGHTS) / sum(WORKER_WEIGHTS)
    marked = 0
    for job in workload:
        if job.kind != "batch" or rng.random() >= fraction:
            continue
        workers = int(rng.choice(WORKER_COUNTS, p=p))
        job.n_tasks = workers
        job.meta["map_tasks"] = int(workers * np.exp(rng.uniform(0, np.log(32))))
        marked += 1
    return marked
