"""Readers: materialised views of a node's output, indexed for lookups by key.

A :class:`Reader` is a leaf of a :class:`~dcsys.core.dataflow.graph.Graph` (Noria's reader node,
paper §3): it applies every output delta of its parent to a
:class:`~dcsys.core.dataflow.state.State` indexed on its key columns, so reads are hash lookups
and never touch the dataflow. Create readers with :meth:`Graph.add_reader
<dcsys.core.dataflow.graph.Graph.add_reader>`.

Examples:
    >>> from dcsys.core.dataflow.graph import Graph
    >>> g = Graph()
    >>> _ = g.add_base("users", 2)
    >>> by_id = g.add_reader("users_by_id", "users", key=[0])
    >>> g.insert("users", [(1, "ada"), (2, "bob")])
    >>> by_id.lookup(2)
    [(2, 'bob')]
    >>> len(by_id)
    2
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dcsys.core.dataflow.delta import DataflowError, Row
from dcsys.core.dataflow.state import State

__all__ = ["Reader"]


class Reader:
    """A materialised, key-indexed view of one node's output.

    Args:
        name: the reader node's name.
        key: the columns :meth:`lookup` takes values for (``()``: no key, read everything).
        arity: the width of its rows.
        indexes: further column tuples to index (for :meth:`lookup_by`).

    Attributes:
        name: the reader's node name.
        key: the key columns.
        state: the materialised rows (replaceable, e.g. by a partial state).
    """

    def __init__(
        self, name: str, key: Sequence[int], arity: int, indexes: Sequence[Sequence[int]] = ()
    ) -> None:
        self.name = name
        self.key = tuple(key)
        self.arity = arity
        extra = [tuple(i) for i in indexes if tuple(i) != self.key]
        self.state = State([self.key, *dict.fromkeys(extra)])
        self.removed = False

    def _check(self) -> None:
        if self.removed:
            raise DataflowError(f"reader {self.name!r} was removed from its graph")

    def _key(self, key: Any, cols: tuple[int, ...]) -> tuple[Any, ...]:
        if not isinstance(key, tuple):
            if len(cols) != 1:
                raise DataflowError(
                    f"reader {self.name!r} is keyed on {len(cols)} columns {cols}; pass a tuple"
                )
            return (key,)
        if len(key) != len(cols):
            raise DataflowError(
                f"reader {self.name!r}: key {key!r} has {len(key)} values for columns {cols}"
            )
        return key

    def lookup(self, key: Any = ()) -> list[Row]:
        """The rows whose key columns equal ``key``, repeated by multiplicity.

        Args:
            key: a tuple with one value per key column; a bare value for a one-column key.

        Returns:
            The matching rows (a new list; empty if none).

        Raises:
            DataflowError: if the key has the wrong number of values or the reader was removed.
        """
        return self.lookup_by(self.key, key)

    def lookup_by(self, cols: Sequence[int], key: Any) -> list[Row]:
        """Like :meth:`lookup` but on another indexed column tuple ``cols``."""
        self._check()
        cols = tuple(cols)
        bucket = self.state.lookup(cols, self._key(key, cols))
        if bucket is None:
            return []
        return [row for row, mult in bucket.items() for _ in range(mult)]

    def lookup_counts(self, key: Any = ()) -> dict[Row, int]:
        """The rows for ``key`` as ``{row: multiplicity}``."""
        self._check()
        bucket = self.state.lookup(self.key, self._key(key, self.key))
        return dict(bucket) if bucket else {}

    def rows(self) -> list[Row]:
        """Every row of the view, repeated by multiplicity."""
        self._check()
        return self.state.rows()

    def items(self) -> list[tuple[Row, int]]:
        """Every distinct row with its multiplicity."""
        self._check()
        return list(self.state.items())

    def keys(self) -> list[tuple[Any, ...]]:
        """The keys that currently have rows."""
        self._check()
        return self.state.keys(self.key)

    def count(self, row: Row) -> int:
        """How many copies of ``row`` the view holds."""
        return self.state.count(row)

    def __len__(self) -> int:
        """The number of rows in the view, counting multiplicity."""
        return len(self.state)

    def __contains__(self, row: object) -> bool:
        return row in self.state

    def __repr__(self) -> str:
        return f"<Reader {self.name!r} key={self.key} rows={len(self.state)}>"
