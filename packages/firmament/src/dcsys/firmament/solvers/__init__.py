"""Min-cost flow solvers, behind one front door: :func:`min_cost_flow` (``solver=`` picks one).

Experimental: only successive shortest path (the reference) exists so far; cost scaling,
relaxation, their incremental variants and racing are still to come (issue #5).

Examples:
    >>> from dcsys.firmament.network import FlowNetwork
    >>> net = FlowNetwork.from_arcs(3, [2, 0, -2], [(1, 2, 0, 2, 1), (2, 3, 0, 2, 1), (1, 3, 0, 1, 3)])
    >>> min_cost_flow(net).cost
    4
"""

from __future__ import annotations

from collections.abc import Callable

from dcsys.core.errors import UnknownNameError
from dcsys.firmament.network import FlowNetwork, FlowSolution
from dcsys.firmament.solvers.successive_shortest_path import successive_shortest_path

__all__ = ["DEFAULT_SOLVER", "SOLVERS", "min_cost_flow", "successive_shortest_path"]

SOLVERS: dict[str, Callable[[FlowNetwork], FlowSolution]] = {
    "successive_shortest_path": successive_shortest_path,
    "ssp": successive_shortest_path,
}
DEFAULT_SOLVER = "successive_shortest_path"


def min_cost_flow(net: FlowNetwork, solver: str | None = None) -> FlowSolution:
    """Solve a min-cost flow problem with the named solver (default: successive shortest path).

    Raises:
        UnknownNameError: an unknown solver name.
    """
    name = solver or DEFAULT_SOLVER
    if name not in SOLVERS:
        raise UnknownNameError("solver", name, list(SOLVERS))
    return SOLVERS[name](net)
