r"""Firmament's incremental ("extended DIMACS") stream: a full problem, then rounds of changes.

After the first problem (terminated by ``c EOI``), Firmament sends each scheduling round's graph
changes, each round again terminated by ``c EOI`` (``firmament.md`` §1.7):

* ``n ID EXCESS [TYPE]`` — add a node (or set an existing node's supply);
* ``a TAIL HEAD LOW CAP COST [TYPE]`` — add an arc;
* ``x TAIL HEAD LOW CAP COST [TYPE] OLD_COST`` — change the arc TAIL→HEAD whose cost is OLD_COST
  (the old cost tells parallel arcs apart); capacity 0 deletes it;
* ``r ID`` — remove a node and its arcs.

:func:`read_rounds` applies each round to the previous graph and yields one complete
:class:`FlowNetwork` per round, so any solver can solve every round; incremental solvers will reuse
the previous round's flow and potentials.

Examples:
    >>> text = "p min 2 1\nn 1 1\nn 2 -1\na 1 2 0 1 5\nc EOI\nx 1 2 0 1 3 0 5\nc EOI\n"
    >>> [int(net.cost[0]) for net in read_rounds(text)]
    [5, 3]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from dcsys.firmament.dimacs import DimacsError, _ints, read_problem
from dcsys.firmament.network import FlowNetwork

__all__ = ["read_rounds"]


def _split_rounds(lines: Iterable[str]) -> Iterator[list[tuple[int, str]]]:
    current: list[tuple[int, str]] = []
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if line == "c EOS":
            break
        if line == "c EOI":
            yield current
            current = []
            continue
        current.append((lineno, line))
    if any(line and not line.startswith("c") for _, line in current):
        yield current


def read_rounds(source: str | Path | Iterable[str]) -> Iterator[FlowNetwork]:
    """Yield the complete network of every round of an incremental DIMACS stream.

    Raises:
        DimacsError: a malformed line (with its number), or a change naming a missing node or arc.
    """
    if isinstance(source, Path) or (
        isinstance(source, str) and "\n" not in source and Path(source).exists()
    ):
        lines: Iterable[str] = Path(source).read_text().splitlines()
    elif isinstance(source, str):
        lines = source.splitlines()
    else:
        lines = source
    rounds = _split_rounds(lines)
    first = next(rounds, None)
    if first is None:
        raise DimacsError("the stream holds no problem")
    net = read_problem([line for _, line in first])
    yield net
    supply = net.supply.tolist()
    arcs = net.arcs()
    for changes in rounds:
        removed: set[int] = set()
        for lineno, line in changes:
            if not line or line.startswith("c"):
                continue
            kind, *parts = line.split()
            if kind == "n":
                node, excess, *_ = _ints(parts, lineno, "n", 2, optional=1)
                if node >= len(supply):
                    supply.extend([0] * (node + 1 - len(supply)))
                supply[node] = excess
            elif kind == "a":
                t, h, lo, cap, cost, *_ = _ints(parts, lineno, "a", 5, optional=1)
                if max(t, h) >= len(supply) or min(t, h) < 1:
                    raise DimacsError(
                        f"line {lineno}: arc {t} -> {h} names a node that does not exist"
                    )
                arcs.append([t, h, lo, cap, cost])
            elif kind == "x":
                vals = _ints(parts, lineno, "x", 6, optional=1)
                t, h, lo, cap, cost, old = vals[0], vals[1], vals[2], vals[3], vals[4], vals[-1]
                match = next(
                    (a for a in arcs if a[0] == t and a[1] == h and a[4] == old and a[3] >= 0), None
                )
                if match is None:
                    raise DimacsError(f"line {lineno}: no arc {t} -> {h} with cost {old} to change")
                match[2:5] = [lo, cap, cost] if cap > 0 else [0, -1, 0]  # cap 0 deletes it
            elif kind == "r":
                (node,) = _ints(parts, lineno, "r", 1)
                if not 1 <= node < len(supply):
                    raise DimacsError(f"line {lineno}: node {node} does not exist")
                removed.add(node)
                supply[node] = 0
            else:
                raise DimacsError(f"line {lineno}: unknown change type {kind!r}")
        arcs = [a for a in arcs if a[3] >= 0 and a[0] not in removed and a[1] not in removed]
        s = np.asarray(supply, dtype=np.int64)
        if int(s.sum()) != 0:
            raise DimacsError(
                f"after the round ending before line {changes[-1][0] + 1 if changes else '?'}, supplies sum to {int(s.sum())}, not 0"
            )
        net = FlowNetwork.from_rows(len(supply) - 1, s, arcs)
        yield net
