"""Firmament: fast centralised cluster scheduling as min-cost max-flow (Gog et al., OSDI 2016).

Experimental — this package is being built (issue #5). Available now: the flow-network model
(:class:`FlowNetwork`), DIMACS problem/solution I/O (:mod:`dcsys.firmament.dimacs`), the reference
successive-shortest-path solver compiled with numba, and ``dcsys firmament solve FILE``. Still to
come: cost models, cost scaling, relaxation, incremental solving, racing, the scheduler and the
paper's experiments.
"""

from dcsys.firmament.changes import read_rounds
from dcsys.firmament.dimacs import DimacsError, read_problem, write_problem, write_solution
from dcsys.firmament.network import FlowNetwork, FlowSolution
from dcsys.firmament.solvers import min_cost_flow, successive_shortest_path

__all__ = [
    "DimacsError",
    "FlowNetwork",
    "FlowSolution",
    "min_cost_flow",
    "read_problem",
    "read_rounds",
    "successive_shortest_path",
    "write_problem",
    "write_solution",
]
