"""Randomised first-fit placement (the placement algorithm of Omega's lightweight simulator).

Omega's simulator places a job's identical tasks by repeatedly drawing a uniformly random machine
from a candidate pool: if a task fits, it is claimed there and the machine stays in the pool (so
several tasks may share it); if not, the machine is swapped out of the pool. It stops when every
task is placed or the pool is empty (``omega.md`` §1.2, "Placement algorithm").

:func:`random_first_fit` computes that placement two ways, both at numpy speed:

* small jobs on large pools run Omega's loop literally, but check only the machines drawn
  (re-drawing a machine already found full and skipping it is the same as having swapped it
  out), so a 10-task job on 12,500 machines touches about 10 machines;
* large jobs run vectorised rounds: each round draws one uniformly random pool machine for every
  unplaced task, keeps as many draws per machine as it has room for, and drops full machines from
  the pool. Every task still lands on a uniformly random machine among those with room; only the
  correlation between tasks of one round differs from the one-at-a-time loop.

It only chooses machines; the caller claims them (on a private snapshot, or the live cell).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dcsys.core.errors import ConfigError
from dcsys.core.scheduling.cluster import Cluster

__all__ = ["random_first_fit"]

_SEQUENTIAL_MAX_TASKS = 256
_SEQUENTIAL_MIN_POOL_RATIO = 8


def _sequential(
    cluster: Cluster,
    demand: np.ndarray,
    n_tasks: int,
    rng: np.random.Generator,
    pool: np.ndarray,
    cap: int | None,
) -> np.ndarray | None:
    """Omega's draw-one-machine-per-task loop, checking only the machines drawn.

    Gives up (None) after many draws of full machines, e.g. on a nearly full cell, so that the
    caller falls back to the vectorised rounds.
    """
    draws = pool[rng.integers(0, pool.size, size=4 * n_tasks + 16)]
    uniq, inverse = np.unique(draws, return_inverse=True)
    room_arr = cluster.slots(demand, uniq)
    if cap is not None:
        np.minimum(room_arr, cap, out=room_arr)
    room = room_arr.tolist()
    machines = uniq.tolist()
    out: list[int] = []
    for j in inverse.tolist():
        if room[j] > 0:
            room[j] -= 1
            out.append(machines[j])
            if len(out) == n_tasks:
                return np.array(out, dtype=np.int64)
    return None


def random_first_fit(
    cluster: Cluster,
    demand: Any,
    n_tasks: int,
    rng: np.random.Generator,
    candidates: Any = None,
    *,
    max_per_machine: int | None = None,
) -> np.ndarray:
    """Choose machines for up to ``n_tasks`` identical tasks of ``demand``; claims nothing.

    Args:
        cluster: the state to place against (a private snapshot, or the live cell).
        demand: one task's resource vector.
        n_tasks: tasks to place (>= 0).
        rng: the random generator (the only source of randomness).
        candidates: machine indices allowed (placement constraints, Omega's black-listed
            machines left out); duplicates are ignored. All machines by default.
        max_per_machine: at most this many of the tasks on one machine (e.g. 1 for the
            trace's "different machines" restriction); unlimited by default.

    Returns:
        An int64 array of machine indices, one per placed task, in random order; fewer than
        ``n_tasks`` when the pool runs out. Claiming them all on ``cluster`` (``claim_many``)
        never over-commits it.

    Raises:
        ConfigError: a negative task count, a bad demand, candidate index or cap.

    Examples:
        >>> c = Cluster.homogeneous(10, cpu=4, mem=16)
        >>> m = random_first_fit(c, np.array([1.0, 1.0]), 25, np.random.default_rng(0))
        >>> len(m), bool(np.bincount(m, minlength=10).max() <= 4)
        (25, True)
        >>> c.claim_many(m, np.array([1.0, 1.0]))
        >>> len(random_first_fit(c, [1.0, 1.0], 100, np.random.default_rng(1)))  # 40 - 25 left
        15
    """
    if isinstance(n_tasks, bool) or not isinstance(n_tasks, int | np.integer) or n_tasks < 0:
        raise ConfigError(f"n_tasks must be an integer >= 0, got {n_tasks!r}")
    if max_per_machine is not None and not (
        isinstance(max_per_machine, int | np.integer) and max_per_machine >= 1
    ):
        raise ConfigError(f"max_per_machine must be an integer >= 1, got {max_per_machine!r}")
    d = cluster.resources.coerce(demand)
    n_tasks = int(n_tasks)
    if candidates is None:
        pool = np.arange(cluster.n_machines)
    else:
        pool = np.unique(cluster._indices(candidates))
    if n_tasks == 0 or pool.size == 0:
        return np.empty(0, dtype=np.int64)
    cap = None if max_per_machine is None else int(max_per_machine)
    if n_tasks <= _SEQUENTIAL_MAX_TASKS and pool.size >= _SEQUENTIAL_MIN_POOL_RATIO * n_tasks:
        found = _sequential(cluster, d, n_tasks, rng, pool, cap)
        if found is not None:
            return found
    room = cluster.slots(d, None if candidates is None else pool)
    if cap is not None:
        np.minimum(room, cap, out=room)
    keep = room > 0
    pool, room = pool[keep], room[keep]
    placed: list[np.ndarray] = []
    remaining = n_tasks
    while remaining > 0 and pool.size > 0:
        draws = rng.integers(0, pool.size, size=remaining)
        wanted = np.bincount(draws, minlength=pool.size)
        granted = np.minimum(wanted, room)
        got = int(granted.sum())
        if got:
            placed.append(np.repeat(pool, granted))
            remaining -= got
        room -= granted
        alive = room > 0
        pool, room = pool[alive], room[alive]
    if not placed:
        return np.empty(0, dtype=np.int64)
    out = np.concatenate(placed)
    rng.shuffle(out)  # the order tasks were placed in carries no machine bias
    return out.astype(np.int64, copy=False)
