"""DIMACS min-cost-flow files: problems in, solutions out (Firmament's solver interface, §1.7).

Problem lines: ``c ...`` comments (``c EOI`` ends a problem in Firmament's stream), one
``p min NODES ARCS``, ``n ID SUPPLY [TYPE]`` for nodes with non-zero supply (Firmament adds its node
type), and ``a TAIL HEAD LOW CAP COST [TYPE]`` arcs. Solutions: ``s COST`` then ``f TAIL HEAD FLOW``
for every arc with flow, as cs2 and Flowlessly print them.

Examples:
    >>> net = read_problem(["p min 2 1", "n 1 3", "n 2 -3", "a 1 2 0 5 7"])
    >>> net.n_nodes, net.cap.tolist(), net.supply.tolist()
    (2, [5], [0, 3, -3])
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from dcsys.core.errors import ConfigError
from dcsys.firmament.network import FlowNetwork, FlowSolution

__all__ = ["DimacsError", "read_problem", "write_problem", "write_solution"]


class DimacsError(ConfigError):
    """A malformed DIMACS line; the message names the line number."""


def _ints(parts: list[str], lineno: int, what: str, n: int, optional: int = 0) -> list[int]:
    if not n <= len(parts) <= n + optional:
        raise DimacsError(
            f"line {lineno}: {what} needs {n}{f'-{n + optional}' if optional else ''} numbers, got {len(parts)}"
        )
    try:
        return [int(p) for p in parts]
    except ValueError:
        raise DimacsError(
            f"line {lineno}: {what} fields must be integers, got {' '.join(parts)!r}"
        ) from None


def read_problem(source: str | Path | Iterable[str]) -> FlowNetwork:
    """Parse a DIMACS min-cost-flow problem from a path, a text, or an iterable of lines.

    A ``str`` is read as DIMACS text when it spans several lines or starts with a DIMACS line
    type (``c``, ``p``, ``n``, ``a``); otherwise it is a path.

    Raises:
        DimacsError: a malformed line (with its number), a missing or repeated ``p`` line, arcs
            before it, or a node outside the declared range.
    """
    is_text = isinstance(source, str) and (
        "\n" in source or source.split(maxsplit=1)[:1] in (["p"], ["c"], ["n"], ["a"])
    )
    if isinstance(source, str | Path) and not is_text:
        path = Path(source)
        if not path.exists():
            raise DimacsError(f"{path}: no such file")
        lines: Iterable[str] = path.read_text().splitlines()
    elif isinstance(source, str):
        lines = io.StringIO(source).read().splitlines()
    else:
        lines = source
    n_nodes = n_arcs = None
    supplies: dict[int, int] = {}
    types: dict[int, int] = {}
    arcs: list[list[int]] = []
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("c"):
            if line == "c EOI" and n_nodes is not None:
                break
            continue
        kind, *parts = line.split()
        if kind == "p":
            if n_nodes is not None:
                raise DimacsError(f"line {lineno}: a second 'p' line")
            if len(parts) != 3 or parts[0] != "min":
                raise DimacsError(f"line {lineno}: expected 'p min NODES ARCS', got {line!r}")
            n_nodes, n_arcs = _ints(parts[1:], lineno, "p", 2)
        elif kind in ("n", "a"):
            if n_nodes is None:
                raise DimacsError(f"line {lineno}: '{kind}' line before the 'p min' line")
            if kind == "n":
                node, supply, *rest = _ints(parts, lineno, "n", 2, optional=1)
                if not 1 <= node <= n_nodes:
                    raise DimacsError(f"line {lineno}: node {node} outside 1..{n_nodes}")
                supplies[node] = supplies.get(node, 0) + supply
                if rest:
                    types[node] = rest[0]
            else:
                vals = _ints(parts, lineno, "a", 5, optional=1)
                if not (1 <= vals[0] <= n_nodes and 1 <= vals[1] <= n_nodes):
                    raise DimacsError(
                        f"line {lineno}: arc {vals[0]} -> {vals[1]} names a node outside 1..{n_nodes}"
                    )
                if vals[2] < 0 or vals[2] > vals[3]:
                    raise DimacsError(
                        f"line {lineno}: arc bounds [{vals[2]}, {vals[3]}] are invalid"
                    )
                arcs.append(vals[:5])
        else:
            raise DimacsError(f"line {lineno}: unknown line type {kind!r}")
    if n_nodes is None:
        raise DimacsError("no 'p min NODES ARCS' line")
    if n_arcs is not None and len(arcs) != n_arcs:
        raise DimacsError(f"the 'p' line declares {n_arcs} arcs but {len(arcs)} were given")
    supply = np.zeros(n_nodes + 1, dtype=np.int64)
    for node, s in supplies.items():
        supply[node] = s
    node_type = np.zeros(n_nodes + 1, dtype=np.int64)
    for node, t in types.items():
        node_type[node] = t
    net = FlowNetwork.from_rows(n_nodes, supply, arcs, node_type)
    total = int(supply.sum())
    if total != 0:
        raise DimacsError(f"supplies sum to {total}, not 0")
    return net


def write_problem(net: FlowNetwork) -> str:
    """The network as DIMACS text (ending in ``c EOI``)."""
    out = [f"p min {net.n_nodes} {net.n_arcs}"]
    for node in np.flatnonzero(net.supply).tolist():
        out.append(f"n {node} {int(net.supply[node])}")
    out += [
        f"a {t} {h} {lo} {c} {w}"
        for t, h, lo, c, w in zip(
            net.tail.tolist(),
            net.head.tolist(),
            net.low.tolist(),
            net.cap.tolist(),
            net.cost.tolist(),
            strict=True,
        )
    ]
    out.append("c EOI")
    return "\n".join(out) + "\n"


def write_solution(net: FlowNetwork, solution: FlowSolution) -> str:
    """``s COST`` and one ``f TAIL HEAD FLOW`` line per arc with flow (or ``s INFEASIBLE``)."""
    if not solution.feasible:
        return "s INFEASIBLE\n"
    out = [f"c ALGORITHM {solution.algorithm}", f"s {solution.cost}"]
    for i in np.flatnonzero(solution.flow).tolist():
        out.append(f"f {int(net.tail[i])} {int(net.head[i])} {int(solution.flow[i])}")
    return "\n".join(out) + "\n"
