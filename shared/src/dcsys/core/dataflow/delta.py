"""Rows, deltas and batches: the values that flow along dataflow edges.

A *row* is a plain tuple. A *delta* is a ``(row, multiplicity)`` pair: ``+k`` adds ``k`` copies of
the row to a relation, ``-k`` removes ``k`` copies. A *batch* is a list of deltas applied in order;
an update is a delete of the old row plus an insert of the new one in the same batch (as in Noria,
paper §3). Relations are bags (multisets), as in SQL.

Deltas are plain tuples rather than objects so that operators allocate as little as possible per
row; the aliases below exist for type hints and documentation.

Examples:
    >>> from dcsys.core.dataflow.delta import consolidate, deletes, inserts, update
    >>> batch = inserts([(1, "a"), (2, "b")]) + update((1, "a"), (1, "z")) + deletes([(2, "b")])
    >>> batch
    [((1, 'a'), 1), ((2, 'b'), 1), ((1, 'a'), -1), ((1, 'z'), 1), ((2, 'b'), -1)]
    >>> consolidate(batch)
    [((1, 'z'), 1)]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeAlias

from dcsys.core.errors import DcsysError

__all__ = [
    "Batch",
    "DataflowError",
    "Delta",
    "Row",
    "consolidate",
    "deletes",
    "inserts",
    "negate",
    "to_bag",
    "update",
]

Row: TypeAlias = tuple[Any, ...]
"""A row: a tuple of column values; ``None`` is SQL ``NULL``."""

Delta: TypeAlias = tuple[Row, int]
"""A change to a relation: ``(row, multiplicity)``, positive to insert, negative to delete."""

Batch: TypeAlias = list[Delta]
"""A list of deltas, applied in order."""


class DataflowError(DcsysError, ValueError):
    """A dataflow misuse.

    For example deleting rows that are not there, removing a node that has children, looking up
    an index that does not exist, or reusing an operator in two nodes.
    """


def inserts(rows: Iterable[Row]) -> Batch:
    """Return a batch that inserts each row once.

    Args:
        rows: the rows to insert (repeats insert several copies).

    Returns:
        ``[(row, 1), ...]``.

    Examples:
        >>> inserts([(1,), (1,)])
        [((1,), 1), ((1,), 1)]
    """
    return [(row, 1) for row in rows]


def deletes(rows: Iterable[Row]) -> Batch:
    """Return a batch that deletes each row once.

    Args:
        rows: the rows to delete.

    Returns:
        ``[(row, -1), ...]``.

    Examples:
        >>> deletes([(1, "a")])
        [((1, 'a'), -1)]
    """
    return [(row, -1) for row in rows]


def update(old: Row, new: Row) -> Batch:
    """Return the batch that replaces one copy of ``old`` with ``new`` (a delete and an insert).

    Args:
        old: the row as it is now.
        new: the row it becomes.

    Returns:
        ``[(old, -1), (new, 1)]``.

    Examples:
        >>> update((7, 1), (7, 2))
        [((7, 1), -1), ((7, 2), 1)]
    """
    return [(old, -1), (new, 1)]


def negate(batch: Iterable[Delta]) -> Batch:
    """Return the batch that undoes ``batch``: every multiplicity with its sign flipped.

    Args:
        batch: the deltas to undo.

    Returns:
        The negated deltas, in reverse order (so applying them in order is always valid).

    Examples:
        >>> negate([((1,), 2), ((2,), -1)])
        [((2,), 1), ((1,), -2)]
    """
    return [(row, -mult) for row, mult in reversed(list(batch))]


def to_bag(batch: Iterable[Delta]) -> dict[Row, int]:
    """Sum the multiplicities of each row; rows whose total is zero are left out.

    Args:
        batch: the deltas.

    Returns:
        ``{row: total multiplicity}`` in order of first appearance.

    Examples:
        >>> to_bag([((1,), 1), ((2,), 1), ((1,), 2), ((2,), -1)])
        {(1,): 3}
    """
    acc: dict[Row, int] = {}
    get = acc.get
    for row, mult in batch:
        acc[row] = get(row, 0) + mult
    return {row: mult for row, mult in acc.items() if mult}


def consolidate(batch: Iterable[Delta]) -> Batch:
    """Merge the deltas of equal rows and drop those that cancel out.

    Args:
        batch: the deltas.

    Returns:
        One delta per row whose multiplicities do not sum to zero, in order of first appearance.

    Examples:
        >>> consolidate([((1,), 1), ((2,), 1), ((1,), -1), ((2,), 1)])
        [((2,), 2)]
    """
    acc: dict[Row, int] = {}
    get = acc.get
    for row, mult in batch:
        acc[row] = get(row, 0) + mult
    return [(row, mult) for row, mult in acc.items() if mult]
