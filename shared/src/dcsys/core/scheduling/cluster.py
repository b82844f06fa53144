"""Cluster (cell) state held in numpy arrays: capacity, allocation, sequence numbers, racks.

One :class:`Cluster` describes M machines with R resource dimensions as ``M × R`` arrays, so that a
cell of 12,500 machines is a handful of arrays rather than 12,500 Python objects, and questions
such as "which machines can take this task?" are one vectorised expression.

Besides capacity and allocation it keeps what the schedulers built on it need:

* a per-machine **sequence number**, incremented by every claim — Omega's coarse-grained conflict
  detection compares it with the number recorded in a scheduler's private snapshot;
* rack ids (Firmament's and Quincy's rack aggregators), machine attributes (placement
  constraints), up/down flags (machine failures) and running-task counts (load spreading).

Example:
    >>> import numpy as np
    >>> c = Cluster.homogeneous(4, cpu=4.0, mem=16.0, machines_per_rack=2)
    >>> c.claim(0, np.array([3.0, 4.0]))
    >>> c.fits(np.array([2.0, 1.0])).tolist()
    [False, True, True, True]
    >>> c.seq.tolist(), c.rack.tolist()
    ([1, 0, 0, 0], [0, 0, 1, 1])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from dcsys.core.errors import ConfigError, DcsysError

__all__ = ["DEFAULT_RESOURCES", "CapacityError", "Cluster"]

DEFAULT_RESOURCES = ("cpu", "mem")
_EPS = 1e-9


class CapacityError(DcsysError, ValueError):
    """A claim that would over-commit a machine, or a release of more than was claimed."""


class Cluster:
    """Machines and their resources, as numpy arrays.

    Args:
        capacity: ``M × R`` array of each machine's capacity per resource.
        resources: the R resource names (default ``("cpu", "mem")``).
        rack: length-M rack id per machine (default: every machine in rack 0).
        attributes: optional named length-M arrays (machine platform, kernel, ...), used by
            placement constraints.

    Attributes:
        capacity: ``M × R`` float64 capacities.
        allocated: ``M × R`` float64 claimed resources.
        seq: length-M int64 sequence numbers, +1 on every claim.
        up: length-M bools, False for failed machines (they fit nothing).
        tasks: length-M int64 running-task counts.
        rack: length-M int64 rack ids.
        attributes: named per-machine arrays.
    """

    def __init__(
        self,
        capacity: np.ndarray,
        resources: Sequence[str] = DEFAULT_RESOURCES,
        rack: np.ndarray | None = None,
        attributes: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        cap = np.array(capacity, dtype=np.float64, copy=True)
        if cap.ndim != 2 or cap.shape[0] == 0:
            raise ConfigError(
                f"capacity must be a non-empty machines × resources array, got shape {cap.shape}"
            )
        if cap.shape[1] != len(resources):
            raise ConfigError(
                f"capacity has {cap.shape[1]} resource columns but {len(resources)} names {tuple(resources)}"
            )
        if (cap < 0).any() or not np.isfinite(cap).all():
            raise ConfigError("capacity must be finite and >= 0")
        m = cap.shape[0]
        self.resources = tuple(resources)
        self.capacity = cap
        self.allocated = np.zeros_like(cap)
        self.seq = np.zeros(m, dtype=np.int64)
        self.up = np.ones(m, dtype=bool)
        self.tasks = np.zeros(m, dtype=np.int64)
        self.rack = (
            np.zeros(m, dtype=np.int64) if rack is None else np.asarray(rack, dtype=np.int64).copy()
        )
        if self.rack.shape != (m,):
            raise ConfigError(
                f"rack must have one id per machine ({m}), got shape {self.rack.shape}"
            )
        self.attributes = {k: np.asarray(v).copy() for k, v in (attributes or {}).items()}
        for name, values in self.attributes.items():
            if values.shape[0] != m:
                raise ConfigError(f"attribute {name!r} must have one value per machine ({m})")

    @classmethod
    def homogeneous(
        cls, machines: int, *, cpu: float = 4.0, mem: float = 16.0, machines_per_rack: int = 48
    ) -> Cluster:
        """A cluster of identical machines, ``machines_per_rack`` to a rack.

        Example:
            >>> Cluster.homogeneous(100, cpu=8, mem=32).total().tolist()
            [800.0, 3200.0]
        """
        if machines < 1:
            raise ConfigError(f"machines must be >= 1, got {machines}")
        if machines_per_rack < 1:
            raise ConfigError(f"machines_per_rack must be >= 1, got {machines_per_rack}")
        cap = np.tile(np.array([cpu, mem], dtype=np.float64), (machines, 1))
        return cls(cap, rack=np.arange(machines) // machines_per_rack)

    # -- shape -----------------------------------------------------------------------------
    @property
    def n_machines(self) -> int:
        """Number of machines M."""
        return self.capacity.shape[0]

    @property
    def n_racks(self) -> int:
        """Number of distinct racks."""
        return int(self.rack.max()) + 1

    def resource_index(self, name: str) -> int:
        """Column of resource ``name``."""
        try:
            return self.resources.index(name)
        except ValueError:
            from dcsys.core.errors import UnknownNameError

            raise UnknownNameError("resource", name, self.resources) from None

    def demand(self, **amounts: float) -> np.ndarray:
        """A demand vector from named amounts; unnamed resources are 0.

        Example:
            >>> Cluster.homogeneous(1).demand(cpu=0.5).tolist()
            [0.5, 0.0]
        """
        vec = np.zeros(len(self.resources))
        for name, value in amounts.items():
            vec[self.resource_index(name)] = value
        return vec

    # -- queries ---------------------------------------------------------------------------
    def free(self) -> np.ndarray:
        """``M × R`` free resources; failed machines have none."""
        free = self.capacity - self.allocated
        free[~self.up] = 0.0
        return free

    def fits(self, demand: np.ndarray, machines: np.ndarray | None = None) -> np.ndarray:
        """Boolean mask of machines (all, or the given indices) with room for ``demand``."""
        d = np.asarray(demand, dtype=np.float64)
        if machines is None:
            return self.up & ((self.capacity - self.allocated) + _EPS >= d).all(axis=1)
        idx = np.asarray(machines)
        return self.up[idx] & ((self.capacity[idx] - self.allocated[idx]) + _EPS >= d).all(axis=1)

    def slots(self, demand: np.ndarray, machines: np.ndarray | None = None) -> np.ndarray:
        """How many tasks of ``demand`` each machine (all, or the given ones) has room for (0 if down)."""
        d = np.asarray(demand, dtype=np.float64)
        if machines is None:
            cap, alloc, up = self.capacity, self.allocated, self.up
        else:
            idx = np.asarray(machines)
            cap, alloc, up = self.capacity[idx], self.allocated[idx], self.up[idx]
        k = np.full(cap.shape[0], float(np.iinfo(np.int32).max))
        for r in np.flatnonzero(d > 0):
            np.minimum(k, (cap[:, r] - alloc[:, r] + _EPS) // d[r], out=k)
        k[~up] = 0
        return np.maximum(k, 0).astype(np.int64)

    def total(self) -> np.ndarray:
        """Total capacity per resource over machines that are up."""
        return self.capacity[self.up].sum(axis=0)

    def utilisation(self) -> np.ndarray:
        """Allocated ÷ capacity per resource over machines that are up."""
        cap = self.capacity[self.up].sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(
                cap > 0, self.allocated[self.up].sum(axis=0) / np.where(cap > 0, cap, 1), 0.0
            )

    # -- changes ---------------------------------------------------------------------------
    def claim(self, machine: int, demand: np.ndarray, count: int = 1) -> None:
        """Claim ``count`` tasks' worth of ``demand`` on ``machine``.

        Raises:
            CapacityError: the machine is down or lacks room.
        """
        d = np.asarray(demand, dtype=np.float64) * count
        if not self.up[machine]:
            raise CapacityError(f"machine {machine} is down")
        if (self.allocated[machine] + d > self.capacity[machine] + _EPS).any():
            raise CapacityError(
                f"claim of {d.tolist()} over-commits machine {machine} "
                f"(free {(self.capacity[machine] - self.allocated[machine]).tolist()})"
            )
        self.allocated[machine] += d
        self.tasks[machine] += count
        self.seq[machine] += 1

    def release(self, machine: int, demand: np.ndarray, count: int = 1) -> None:
        """Release ``count`` tasks' worth of ``demand`` on ``machine``.

        Raises:
            CapacityError: more is released than is allocated.
        """
        d = np.asarray(demand, dtype=np.float64) * count
        after = self.allocated[machine] - d
        if (after < -_EPS).any() or self.tasks[machine] < count:
            raise CapacityError(
                f"release of {d.tolist()} on machine {machine} exceeds what is claimed"
            )
        self.allocated[machine] = np.maximum(after, 0.0)
        self.tasks[machine] -= count

    def claim_many(self, machines: np.ndarray, demand: np.ndarray) -> None:
        """Claim ``demand`` (one row, or one row per entry) on each listed machine, all or nothing.

        Machines may repeat (several tasks on one machine). Raises :class:`CapacityError` and
        changes nothing if any machine would be over-committed.
        """
        idx = np.asarray(machines, dtype=np.int64)
        d = np.broadcast_to(np.asarray(demand, dtype=np.float64), (idx.size, len(self.resources)))
        add = np.zeros_like(self.allocated)
        np.add.at(add, idx, d)
        touched = np.unique(idx)
        if not self.up[touched].all():
            raise CapacityError(f"machines {touched[~self.up[touched]].tolist()} are down")
        over = (self.allocated[touched] + add[touched] > self.capacity[touched] + _EPS).any(axis=1)
        if over.any():
            raise CapacityError(f"claims over-commit machines {touched[over].tolist()}")
        self.allocated[touched] += add[touched]
        np.add.at(self.tasks, idx, 1)
        np.add.at(self.seq, idx, 1)

    def release_many(self, machines: np.ndarray, demand: np.ndarray) -> None:
        """Release ``demand`` (one row, or one row per entry) on each listed machine."""
        idx = np.asarray(machines, dtype=np.int64)
        d = np.broadcast_to(np.asarray(demand, dtype=np.float64), (idx.size, len(self.resources)))
        sub = np.zeros_like(self.allocated)
        np.add.at(sub, idx, d)
        count = np.bincount(idx, minlength=self.n_machines)
        if (self.allocated - sub < -_EPS).any() or (self.tasks < count).any():
            raise CapacityError("release exceeds what is claimed")
        self.allocated = np.maximum(self.allocated - sub, 0.0)
        self.tasks -= count

    def fail(self, machine: int) -> None:
        """Mark a machine as failed: it fits nothing until :meth:`recover`."""
        self.up[machine] = False
        self.seq[machine] += 1

    def recover(self, machine: int) -> None:
        """Bring a failed machine back (empty: the caller has released its tasks)."""
        self.up[machine] = True
        self.seq[machine] += 1

    # -- snapshots -------------------------------------------------------------------------
    def copy(self) -> Cluster:
        """An independent copy (numpy copies of every array)."""
        other = Cluster.__new__(Cluster)
        other.resources = self.resources
        other.capacity = self.capacity  # capacity never changes in place; shared
        other.allocated = self.allocated.copy()
        other.seq = self.seq.copy()
        other.up = self.up.copy()
        other.tasks = self.tasks.copy()
        other.rack = self.rack
        other.attributes = self.attributes
        return other

    def changed_since(self, snapshot: Cluster, machines: np.ndarray | None = None) -> np.ndarray:
        """Mask of machines whose sequence number moved since ``snapshot`` was copied."""
        if machines is None:
            return self.seq != snapshot.seq
        idx = np.asarray(machines)
        return self.seq[idx] != snapshot.seq[idx]

    def __repr__(self) -> str:
        util = ", ".join(
            f"{n}={u:.0%}" for n, u in zip(self.resources, self.utilisation(), strict=True)
        )
        return f"<Cluster {self.n_machines} machines, {self.n_racks} racks, {util}>"
