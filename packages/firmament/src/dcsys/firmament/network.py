"""A min-cost flow problem as flat numpy arrays: nodes with supplies, arcs with bounds and costs.

Node ids are 1-based, as in DIMACS; a node's supply is positive at sources (tasks, +1 each in
Firmament) and negative at sinks. Arcs have a lower bound, a capacity and an integer cost; parallel
arcs are allowed (they occur in Firmament's graphs).

Examples:
    >>> net = FlowNetwork.from_arcs(3, [2, 0, -2], [(1, 2, 0, 2, 1), (2, 3, 0, 2, 1), (1, 3, 0, 1, 3)])
    >>> net.n_nodes, net.n_arcs, int(net.supply.sum())
    (3, 3, 0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from dcsys.core.errors import ConfigError

__all__ = ["FlowNetwork", "FlowSolution"]


@dataclass
class FlowNetwork:
    """Nodes 1..n with supplies, and arcs ``tail → head`` with ``[low, cap]`` bounds and a cost.

    Attributes:
        n_nodes: number of nodes (ids 1..n_nodes).
        supply: length n_nodes+1 int64 (index 0 unused).
        tail, head, low, cap, cost: one int64 entry per arc.
        node_type: optional Firmament node type per node (0 other, 1 task, 2 PU, 3 sink, 4 machine...).
    """

    n_nodes: int
    supply: np.ndarray
    tail: np.ndarray
    head: np.ndarray
    low: np.ndarray
    cap: np.ndarray
    cost: np.ndarray
    node_type: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @classmethod
    def from_arcs(
        cls, n_nodes: int, supplies: Sequence[int], arcs: Sequence[tuple[int, int, int, int, int]]
    ) -> FlowNetwork:
        """Build from a supply per node (in id order) and ``(tail, head, low, cap, cost)`` arcs."""
        supply = np.zeros(n_nodes + 1, dtype=np.int64)
        supply[1:] = np.asarray(supplies, dtype=np.int64)
        net = cls.from_rows(n_nodes, supply, arcs)
        net.validate()
        return net

    @classmethod
    def from_rows(
        cls,
        n_nodes: int,
        supply: np.ndarray,
        arcs: Sequence[Sequence[int]],
        node_type: np.ndarray | None = None,
    ) -> FlowNetwork:
        """Build from a full supply array (index 0 unused) and ``(tail, head, low, cap, cost)`` rows.

        Unlike :meth:`from_arcs` this does not validate; callers check what they need.
        """
        a = np.asarray(arcs, dtype=np.int64).reshape(-1, 5)
        cols = [np.ascontiguousarray(a[:, i]) for i in range(5)]
        types = np.zeros(0, dtype=np.int64) if node_type is None else node_type
        return cls(n_nodes, np.asarray(supply, dtype=np.int64), *cols, types)

    def arcs(self) -> list[list[int]]:
        """The arcs as ``[tail, head, low, cap, cost]`` rows."""
        return np.stack([self.tail, self.head, self.low, self.cap, self.cost], axis=1).tolist()

    @property
    def n_arcs(self) -> int:
        """Number of arcs."""
        return int(self.tail.size)

    def validate(self) -> None:
        """Check ids, bounds and balance.

        Raises:
            ConfigError: an arc names a node outside 1..n, a lower bound exceeds the capacity, or
                supplies do not sum to zero.
        """
        if self.n_nodes < 1:
            raise ConfigError(f"a flow network needs at least one node, got {self.n_nodes}")
        if self.n_arcs and (
            min(self.tail.min(), self.head.min()) < 1
            or max(self.tail.max(), self.head.max()) > self.n_nodes
        ):
            raise ConfigError(f"an arc names a node outside 1..{self.n_nodes}")
        if (self.low < 0).any() or (self.low > self.cap).any():
            i = int(np.flatnonzero((self.low < 0) | (self.low > self.cap))[0])
            raise ConfigError(
                f"arc {i} ({self.tail[i]} -> {self.head[i]}) has bounds [{self.low[i]}, {self.cap[i]}]"
            )
        total = int(self.supply.sum())
        if total != 0:
            raise ConfigError(f"supplies must sum to 0, got {total}")


@dataclass
class FlowSolution:
    """A solver's answer.

    Attributes:
        cost: total cost of the flow.
        flow: flow on each arc (same order as the network's arcs).
        feasible: False when no flow satisfies every supply (then ``flow`` is a best effort).
        algorithm: which solver produced it.
        potentials: node potentials (duals) certifying optimality, when the solver has them.
    """

    cost: int
    flow: np.ndarray
    feasible: bool
    algorithm: str
    potentials: np.ndarray | None = None
