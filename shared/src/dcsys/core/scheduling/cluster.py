"""Cluster (cell) state held in numpy arrays: capacity, allocation, sequence numbers, racks.

One :class:`Cluster` describes M machines with R resource dimensions as ``M × R`` arrays, so that a
cell of 12,500 machines is a handful of arrays rather than 12,500 Python objects, and questions
such as "which machines can take this task?" are one vectorised expression.

Besides capacity and allocation it keeps what the schedulers built on it need:

* a per-machine **sequence number**, incremented by every claim (one per task claimed), not by a
  release — Omega's coarse-grained conflict detection compares it with the number recorded in a
  scheduler's private snapshot (``omega.md`` §1.2, ``ClaimDelta.apply``);
* rack ids (Firmament's and Quincy's rack aggregators, ``firmament.md`` §1.4), machine attributes
  (placement constraints), up/down flags (machine failures) and running-task counts (Firmament's
  load-spreading policy, ``firmament.md`` §1.5).

A :meth:`Cluster.copy` is a few numpy copies (Omega's per-decision sync of the whole cell state);
capacity, racks and attributes never change in place and are shared between copies.

Examples:
    >>> import numpy as np
    >>> c = Cluster.homogeneous(4, cpu=4.0, mem=16.0, machines_per_rack=2)
    >>> snap = c.snapshot()
    >>> c.claim(0, np.array([3.0, 4.0]))
    >>> c.fits(np.array([2.0, 1.0])).tolist()
    [False, True, True, True]
    >>> c.seq.tolist(), c.rack.tolist(), c.changed_since(snap).tolist()
    ([1, 0, 0, 0], [0, 0, 1, 1], [True, False, False, False])
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np

from dcsys.core.errors import ConfigError, DcsysError, UnknownNameError
from dcsys.core.scheduling.resources import DEFAULT_RESOURCES, Resources

__all__ = ["EPSILON", "CapacityError", "CellState", "Cluster"]

EPSILON = 1e-9
"""Tolerance of every capacity comparison (sums of float demands are not exact)."""

_UNBOUNDED_SLOTS = np.iinfo(np.int32).max


class CapacityError(DcsysError, ValueError):
    """A claim that would over-commit a machine or use a failed one, or an over-release."""


def _readonly(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


class Cluster:
    """Machines and their resources, as numpy arrays.

    Args:
        capacity: ``M × R`` array of each machine's capacity per resource.
        resources: the R resource names (a :class:`Resources` or a sequence of names).
        rack: length-M rack id per machine, ids 0..K-1 (default: every machine in rack 0).
        attributes: optional named length-M arrays (platform, kernel version, ...), used by
            placement constraints (:meth:`candidates`).

    Attributes:
        resources: the :class:`Resources` (a tuple of names).
        capacity: ``M × R`` float64 capacities (read-only).
        allocated: ``M × R`` float64 claimed resources.
        seq: length-M int64 sequence numbers, +1 per task claimed.
        up: length-M bools, False for failed machines (they fit nothing).
        tasks: length-M int64 running-task counts.
        rack: length-M int64 rack ids (read-only).
        attributes: name → length-M array (read-only arrays).

    Raises:
        ConfigError: shapes or values that do not describe a cluster.
    """

    def __init__(
        self,
        capacity: np.ndarray | Sequence[Sequence[float]],
        resources: Resources | Sequence[str] = DEFAULT_RESOURCES,
        rack: np.ndarray | Sequence[int] | None = None,
        attributes: Mapping[str, np.ndarray | Sequence[Any]] | None = None,
    ) -> None:
        self.resources = Resources(resources)
        cap = np.array(capacity, dtype=np.float64, copy=True)
        if cap.ndim != 2 or cap.shape[0] == 0:
            raise ConfigError(
                f"capacity must be a non-empty machines × resources array, got shape {cap.shape}"
            )
        if cap.shape[1] != len(self.resources):
            raise ConfigError(
                f"capacity has {cap.shape[1]} resource columns but there are "
                f"{len(self.resources)} resource names {self.resources.names}"
            )
        if not np.isfinite(cap).all() or (cap < 0).any():
            raise ConfigError("capacity must be finite and >= 0")
        m = cap.shape[0]
        self.capacity = _readonly(cap)
        self.allocated = np.zeros_like(cap)
        self.seq = np.zeros(m, dtype=np.int64)
        self.up = np.ones(m, dtype=bool)
        self.tasks = np.zeros(m, dtype=np.int64)
        racks = np.zeros(m, dtype=np.int64) if rack is None else np.array(rack, dtype=np.int64)
        if racks.shape != (m,):
            raise ConfigError(f"rack must have one id per machine ({m}), got shape {racks.shape}")
        if (racks < 0).any():
            raise ConfigError("rack ids must be >= 0")
        self.rack = _readonly(racks)
        self.attributes: dict[str, np.ndarray] = {}
        for name, values in (attributes or {}).items():
            arr = np.array(values)
            if arr.shape[:1] != (m,):
                raise ConfigError(
                    f"attribute {name!r} must have one value per machine ({m}), "
                    f"got shape {arr.shape}"
                )
            self.attributes[name] = _readonly(arr)

    @classmethod
    def homogeneous(
        cls,
        machines: int,
        *,
        cpu: float = 4.0,
        mem: float = 16.0,
        machines_per_rack: int = 48,
        attributes: Mapping[str, np.ndarray | Sequence[Any]] | None = None,
        **other_resources: float,
    ) -> Cluster:
        """A cluster of identical machines, ``machines_per_rack`` to a rack.

        Args:
            machines: M.
            cpu: cores (or slots) per machine.
            mem: GB per machine.
            machines_per_rack: rack size; the last rack may be smaller.
            attributes: per-machine attribute arrays.
            **other_resources: further dimensions and their per-machine capacity, in order
                (``disk=2000.0, net=10.0``).

        Raises:
            ConfigError: fewer than one machine or machine per rack, or a bad capacity.

        Examples:
            >>> c = Cluster.homogeneous(100, cpu=8, mem=32, disk=500)
            >>> c.resources, c.total().tolist(), c.n_racks
            (Resources('cpu', 'mem', 'disk'), [800.0, 3200.0, 50000.0], 3)
        """
        if not (isinstance(machines, int | np.integer) and machines >= 1):
            raise ConfigError(f"machines must be an integer >= 1, got {machines!r}")
        if not (isinstance(machines_per_rack, int | np.integer) and machines_per_rack >= 1):
            raise ConfigError(f"machines_per_rack must be an integer >= 1, got {machines_per_rack}")
        names = Resources("cpu", "mem", *other_resources)
        row = np.array([cpu, mem, *other_resources.values()], dtype=np.float64)
        cap = np.broadcast_to(row, (int(machines), row.size))
        return cls(cap, names, np.arange(machines) // machines_per_rack, attributes)

    # -- shape -----------------------------------------------------------------------------
    @property
    def n_machines(self) -> int:
        """Number of machines M."""
        return self.capacity.shape[0]

    @property
    def n_resources(self) -> int:
        """Number of resource dimensions R."""
        return self.capacity.shape[1]

    @property
    def n_racks(self) -> int:
        """Number of racks (largest rack id + 1)."""
        return int(self.rack.max()) + 1

    def resource_index(self, name: str) -> int:
        """Column of resource ``name``.

        Raises:
            UnknownResourceError: no such resource.
        """
        return self.resources.index(name)

    def demand(self, **amounts: float) -> np.ndarray:
        """A demand vector from named amounts; unnamed resources are 0.

        Examples:
            >>> Cluster.homogeneous(1).demand(cpu=0.5).tolist()
            [0.5, 0.0]
        """
        return self.resources.vector(**amounts)

    # -- queries ---------------------------------------------------------------------------
    def free(self) -> np.ndarray:
        """``M × R`` free resources (never negative); failed machines have none."""
        free = np.maximum(self.capacity - self.allocated, 0.0)
        free[~self.up] = 0.0
        return free

    def fits(self, demand: Any, machines: Any = None) -> np.ndarray:
        """Boolean mask of machines (all, or the given indices) with room for ``demand``.

        Examples:
            >>> c = Cluster.homogeneous(3, cpu=2, mem=8)
            >>> c.fits([2, 8]).tolist(), c.fits([3, 1]).tolist(), c.fits([1, 1], [2, 0]).tolist()
            ([True, True, True], [False, False, False], [True, True])
        """
        d = self.resources.coerce(demand)
        if machines is None:
            return self.up & (self.allocated + d <= self.capacity + EPSILON).all(axis=1)
        idx = self._indices(machines)
        return self.up[idx] & (self.allocated[idx] + d <= self.capacity[idx] + EPSILON).all(axis=1)

    def slots(self, demand: Any, machines: Any = None) -> np.ndarray:
        """How many tasks of ``demand`` each machine (all, or the given ones) has room for.

        Failed machines have 0; a demand of all zeros fits ``2**31 - 1`` times.

        Examples:
            >>> c = Cluster.homogeneous(2, cpu=4, mem=16)
            >>> c.claim(0, [1.0, 10.0])
            >>> c.slots([1.0, 2.0]).tolist()
            [3, 4]
        """
        d = self.resources.coerce(demand)
        if machines is None:
            cap, alloc, up = self.capacity, self.allocated, self.up
        else:
            idx = self._indices(machines)
            cap, alloc, up = self.capacity[idx], self.allocated[idx], self.up[idx]
        k = np.full(cap.shape[0], float(_UNBOUNDED_SLOTS))
        with np.errstate(over="ignore"):  # a tiny demand overflows to inf: unbounded
            for r in np.flatnonzero(d > 0):
                np.minimum(k, np.floor((cap[:, r] - alloc[:, r] + EPSILON) / d[r]), out=k)
        k[~up] = 0
        return np.maximum(k, 0).astype(np.int64)

    def total(self) -> np.ndarray:
        """Total capacity per resource over machines that are up."""
        return self.capacity[self.up].sum(axis=0)

    def used(self) -> np.ndarray:
        """Allocated resources per resource over machines that are up."""
        return self.allocated[self.up].sum(axis=0)

    def utilisation(self) -> np.ndarray:
        """Allocated ÷ capacity per resource over machines that are up (0 where no capacity)."""
        cap = self.total()
        return np.where(cap > 0, self.used() / np.where(cap > 0, cap, 1.0), 0.0)

    def machine_utilisation(self) -> np.ndarray:
        """``M × R`` allocated ÷ capacity per machine (0 where a machine has no capacity)."""
        cap = self.capacity
        return np.where(cap > 0, self.allocated / np.where(cap > 0, cap, 1.0), 0.0)

    def candidates(self, constraints: Mapping[str, Any] | None = None) -> np.ndarray:
        """Indices of machines that are up and satisfy every attribute constraint.

        Args:
            constraints: attribute name → required value. A scalar must be equal; a list, tuple,
                set or array is a set of allowed values; a callable receives the attribute array
                and returns a boolean mask.

        Raises:
            UnknownNameError: a constraint names an attribute the machines do not have.

        Examples:
            >>> c = Cluster.homogeneous(4, attributes={"platform": [0, 1, 1, 2]})
            >>> c.candidates({"platform": 1}).tolist(), c.candidates({"platform": [0, 2]}).tolist()
            ([1, 2], [0, 3])
        """
        mask = self.up.copy()
        for name, want in (constraints or {}).items():
            if name not in self.attributes:
                raise UnknownNameError("machine attribute", name, tuple(self.attributes))
            values = self.attributes[name]
            if callable(want):
                mask &= np.asarray(want(values), dtype=bool)
            elif isinstance(want, Collection) and not isinstance(want, str | bytes):
                mask &= np.isin(values, list(want))
            else:
                mask &= values == want
        return np.flatnonzero(mask)

    def machines_in_rack(self, rack: int) -> np.ndarray:
        """Indices of the machines in ``rack``."""
        return np.flatnonzero(self.rack == rack)

    def per_rack(self, values: np.ndarray) -> np.ndarray:
        """Sum a per-machine quantity (e.g. :meth:`slots`) over each rack.

        Examples:
            >>> c = Cluster.homogeneous(5, cpu=4, machines_per_rack=2)
            >>> c.per_rack(c.slots([1.0, 0.0])).tolist()
            [8, 8, 4]
        """
        v = np.asarray(values)
        out = np.bincount(self.rack, weights=v, minlength=self.n_racks)
        return out.astype(v.dtype) if np.issubdtype(v.dtype, np.integer) else out

    # -- changes ---------------------------------------------------------------------------
    def claim(self, machine: int, demand: Any, count: int = 1) -> None:
        """Claim ``count`` tasks' worth of ``demand`` on ``machine``; seq moves by ``count``.

        Raises:
            CapacityError: the machine is down or lacks room.
            ConfigError: a bad machine index, demand or count.
        """
        m = self._index(machine)
        n = self._count(count)
        d = self.resources.coerce(demand) * n
        if not self.up[m]:
            raise CapacityError(f"machine {m} is down")
        if (self.allocated[m] + d > self.capacity[m] + EPSILON).any():
            free = self.resources.format(np.maximum(self.capacity[m] - self.allocated[m], 0))
            raise CapacityError(
                f"claim of {self.resources.format(d)} over-commits machine {m} (free {free})"
            )
        self.allocated[m] += d
        self.tasks[m] += n
        self.seq[m] += n

    def release(self, machine: int, demand: Any, count: int = 1) -> None:
        """Release ``count`` tasks' worth of ``demand`` on ``machine`` (up or down).

        Raises:
            CapacityError: more is released than is claimed.
            ConfigError: a bad machine index, demand or count.
        """
        m = self._index(machine)
        n = self._count(count)
        d = self.resources.coerce(demand) * n
        after = self.allocated[m] - d
        if (after < -EPSILON).any() or self.tasks[m] < n:
            raise CapacityError(
                f"release of {n} task(s) with {self.resources.format(d)} on machine {m} exceeds "
                f"what is claimed ({self.tasks[m]} task(s), "
                f"{self.resources.format(self.allocated[m])})"
            )
        self.tasks[m] -= n
        self.allocated[m] = np.maximum(after, 0.0) if self.tasks[m] else 0.0

    def claim_many(self, machines: Any, demand: Any) -> None:
        """Claim one task of ``demand`` per entry of ``machines``, all or nothing.

        Args:
            machines: machine indices; repeats put several tasks on one machine.
            demand: one task's vector for all, or one row per entry.

        Raises:
            CapacityError: a machine is down or would be over-committed; nothing changes.
            ConfigError: bad indices or demand.

        Examples:
            >>> c = Cluster.homogeneous(2, cpu=2, mem=8)
            >>> c.claim_many([0, 0, 1], [1.0, 1.0])
            >>> c.tasks.tolist(), c.seq.tolist(), c.free()[:, 0].tolist()
            ([2, 1], [2, 1], [0.0, 1.0])
        """
        idx = self._indices(machines)
        if idx.size == 0:
            return
        uniq, counts, add = self._group(idx, demand)
        down = ~self.up[uniq]
        if down.any():
            raise CapacityError(f"machines {uniq[down].tolist()} are down")
        over = (self.allocated[uniq] + add > self.capacity[uniq] + EPSILON).any(axis=1)
        if over.any():
            raise CapacityError(f"claims over-commit machines {uniq[over].tolist()}")
        self.allocated[uniq] += add
        self.tasks[uniq] += counts
        self.seq[uniq] += counts

    def release_many(self, machines: Any, demand: Any) -> None:
        """Release one task of ``demand`` per entry of ``machines``, all or nothing.

        Raises:
            CapacityError: more would be released than is claimed on some machine.
            ConfigError: bad indices or demand.
        """
        idx = self._indices(machines)
        if idx.size == 0:
            return
        uniq, counts, sub = self._group(idx, demand)
        after = self.allocated[uniq] - sub
        bad = (after < -EPSILON).any(axis=1) | (self.tasks[uniq] < counts)
        if bad.any():
            raise CapacityError(f"release exceeds what is claimed on machines {uniq[bad].tolist()}")
        tasks = self.tasks[uniq] - counts
        np.maximum(after, 0.0, out=after)
        after[tasks == 0] = 0.0  # an empty machine holds nothing: no float drift accumulates
        self.allocated[uniq] = after
        self.tasks[uniq] = tasks

    def fail(self, machine: int | Any) -> None:
        """Mark machine(s) as failed: they fit nothing until :meth:`recover`; seq moves.

        The caller decides what happens to their tasks (release them, or keep them counted).
        """
        idx = np.unique(self._indices(np.atleast_1d(machine)))
        self.up[idx] = False
        self.seq[idx] += 1

    def recover(self, machine: int | Any) -> None:
        """Bring failed machine(s) back; seq moves."""
        idx = np.unique(self._indices(np.atleast_1d(machine)))
        self.up[idx] = True
        self.seq[idx] += 1

    # -- snapshots -------------------------------------------------------------------------
    def copy(self) -> Cluster:
        """An independent copy of the mutable state; capacity, racks and attributes are shared."""
        other = Cluster.__new__(Cluster)
        other.resources = self.resources
        other.capacity = self.capacity
        other.allocated = self.allocated.copy()
        other.seq = self.seq.copy()
        other.up = self.up.copy()
        other.tasks = self.tasks.copy()
        other.rack = self.rack
        other.attributes = self.attributes
        return other

    snapshot = copy  # Omega: a scheduler syncs a private copy of the cell state

    def changed_since(self, snapshot: Cluster, machines: Any = None) -> np.ndarray:
        """Mask of machines whose sequence number moved since ``snapshot`` was taken.

        Args:
            snapshot: an earlier :meth:`copy` of this cluster.
            machines: only these indices (the mask is aligned with them); all by default.
        """
        if snapshot.n_machines != self.n_machines:
            raise ConfigError(
                f"snapshot has {snapshot.n_machines} machines, this cluster {self.n_machines}"
            )
        if machines is None:
            return self.seq != snapshot.seq
        idx = self._indices(machines)
        return self.seq[idx] != snapshot.seq[idx]

    # -- helpers ---------------------------------------------------------------------------
    def _index(self, machine: Any) -> int:
        if isinstance(machine, bool) or not isinstance(machine, int | np.integer):
            raise ConfigError(f"machine must be an integer index, got {machine!r}")
        if not 0 <= machine < self.capacity.shape[0]:
            raise ConfigError(
                f"machine {machine} is out of range (the cluster has {self.n_machines} machines)"
            )
        return int(machine)

    def _indices(self, machines: Any) -> np.ndarray:
        idx = np.asarray(machines)
        if idx.size == 0:
            return np.empty(0, dtype=np.int64)
        if idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer):
            raise ConfigError(f"machines must be a 1-D array of integer indices, got {idx!r}")
        if idx.min() < 0 or idx.max() >= self.capacity.shape[0]:
            raise ConfigError(
                f"machine indices must be in 0..{self.n_machines - 1}, "
                f"got {int(idx.min())}..{int(idx.max())}"
            )
        return idx.astype(np.int64, copy=False)

    @staticmethod
    def _count(count: Any) -> int:
        if isinstance(count, bool) or not isinstance(count, int | np.integer) or count < 1:
            raise ConfigError(f"count must be an integer >= 1, got {count!r}")
        return int(count)

    def _group(self, idx: np.ndarray, demand: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Unique machines, tasks per machine and summed demand per machine."""
        d = self.resources.coerce_rows(demand, idx.size)
        if d.ndim == 1:
            uniq, counts = np.unique(idx, return_counts=True)
            return uniq, counts, counts[:, None] * d
        uniq, inverse, counts = np.unique(idx, return_inverse=True, return_counts=True)
        total = np.zeros((uniq.size, d.shape[1]))
        np.add.at(total, inverse, d)
        return uniq, counts, total

    def __repr__(self) -> str:
        util = " ".join(
            f"{n}={u:.0%}" for n, u in zip(self.resources, self.utilisation(), strict=True)
        )
        down = int((~self.up).sum())
        return (
            f"<Cluster {self.n_machines} machines, {self.n_racks} racks, {util}"
            + (f", {down} down" if down else "")
            + ">"
        )


CellState = Cluster
"""Omega's name for the shared cluster state."""
