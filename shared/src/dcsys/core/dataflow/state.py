"""Materialised operator state: a multiset of rows with one or more hash indexes.

Every stateful operator keeps what it remembers in :class:`State` objects (a join keeps one per
side, an aggregate one for its per-group accumulators, a top-k one for each group's rows), and
base tables and readers keep their contents in one. Operators create their states through a
*state factory* (``State`` by default), so a system can substitute its own kind — Noria's partial
state with holes, upqueries and eviction — without changing the operators.

An index is a tuple of column positions; its keys are tuples of those columns' values (``()`` is
the index whose only key ``()`` holds every row). Each index maps a key to a *bucket*,
``{row: multiplicity}``. Buckets keep insertion order, so iteration is deterministic.

Contract with operators (what a replacement state must honour):

* :meth:`State.lookup` returns the bucket for a key, or an empty mapping if no row has that key.
  A replacement may return ``None`` to say "this key is a *hole* (not materialised)": operators then
  drop the deltas that needed the key and emit nothing for it; recording the miss and issuing an
  upquery is the replacement's job (it knows which keys it was asked for).
* :meth:`State.insert` / :meth:`State.remove` are called for every change, holes included; a
  partial state may ignore changes to keys it does not hold.
* Returned buckets are read-only views; callers must not keep them across a change to the state.

Examples:
    >>> s = State([(0,), (1,)])
    >>> s.insert((1, "a"), 2)
    >>> s.insert((2, "a"))
    >>> dict(s.lookup((1,), ("a",)))
    {(1, 'a'): 2, (2, 'a'): 1}
    >>> s.remove((1, "a"))
    >>> s.count((1, "a")), len(s)
    (1, 2)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from dcsys.core.dataflow._keys import key_getter
from dcsys.core.dataflow.delta import DataflowError, Delta, Row

__all__ = ["EMPTY", "State", "StateFactory"]

EMPTY: Mapping[Row, int] = MappingProxyType({})
"""The (immutable) bucket returned for a key that has no rows."""

StateFactory = Callable[[Sequence[Sequence[int]]], "State"]
"""Builds a state from its list of indexes; ``State`` itself is the default factory."""


class State:
    """A bag of rows with hash indexes on column tuples.

    Args:
        indexes: the column tuples to index; the first is the *primary* index, used for
            :meth:`count` and iteration. Defaults to ``[()]`` (one bucket holding all rows).

    Raises:
        DataflowError: if an index names a negative column or is given twice.

    Examples:
        >>> s = State([(0,)])
        >>> s.apply([((1, "x"), 1), ((1, "y"), 1), ((1, "x"), -1)])
        >>> list(s.items())
        [((1, 'y'), 1)]
        >>> s.add_index((1,))
        >>> dict(s.lookup((1,), ("y",)))
        {(1, 'y'): 1}
    """

    __slots__ = ("_cols", "_idx", "_by_cols", "_total")

    def __init__(self, indexes: Iterable[Sequence[int]] = ((),)) -> None:
        self._cols: list[tuple[int, ...]] = []
        self._idx: list[tuple[Callable[[Row], tuple[Any, ...]], dict[tuple[Any, ...], dict]]] = []
        self._by_cols: dict[tuple[int, ...], dict[tuple[Any, ...], dict]] = {}
        self._total = 0
        for cols in indexes:
            self.add_index(cols)
        if not self._idx:
            self.add_index(())

    # -- indexes ---------------------------------------------------------------------------

    @property
    def indexes(self) -> tuple[tuple[int, ...], ...]:
        """The indexed column tuples, primary index first."""
        return tuple(self._cols)

    def has_index(self, cols: Sequence[int]) -> bool:
        """Whether ``cols`` is indexed (``()`` counts as always available for lookups)."""
        return tuple(cols) in self._by_cols

    def add_index(self, cols: Sequence[int]) -> None:
        """Add an index on ``cols`` and fill it from the rows already held.

        Args:
            cols: column positions.

        Raises:
            DataflowError: if ``cols`` is already indexed or names a negative column.
        """
        cols = tuple(int(c) for c in cols)
        if cols in self._by_cols:
            raise DataflowError(f"state already has an index on columns {cols}")
        if any(c < 0 for c in cols):
            raise DataflowError(f"index columns must be non-negative, got {cols}")
        get = key_getter(cols)
        index: dict[tuple[Any, ...], dict] = {}
        if self._idx:
            for row, mult in self.items():
                bucket = index.get(k := get(row))
                if bucket is None:
                    index[k] = {row: mult}
                else:
                    bucket[row] = mult
        self._cols.append(cols)
        self._idx.append((get, index))
        self._by_cols[cols] = index

    # -- changes ---------------------------------------------------------------------------

    def insert(self, row: Row, mult: int = 1) -> None:
        """Add ``mult`` copies of ``row`` (``mult`` > 0; zero does nothing).

        Raises:
            DataflowError: if ``mult`` is negative.
        """
        if mult <= 0:
            if mult == 0:
                return
            raise DataflowError(f"insert multiplicity must be positive, got {mult}")
        for get, index in self._idx:
            bucket = index.get(k := get(row))
            if bucket is None:
                index[k] = {row: mult}
            else:
                bucket[row] = bucket.get(row, 0) + mult
        self._total += mult

    def remove(self, row: Row, mult: int = 1) -> None:
        """Remove ``mult`` copies of ``row`` (``mult`` > 0; zero does nothing).

        Raises:
            DataflowError: if fewer than ``mult`` copies are held (nothing is changed) or
                ``mult`` is negative.
        """
        if mult <= 0:
            if mult == 0:
                return
            raise DataflowError(f"remove multiplicity must be positive, got {mult}")
        get, index = self._idx[0]
        bucket = index.get(get(row))
        have = bucket.get(row, 0) if bucket is not None else 0
        if have < mult:
            raise DataflowError(f"cannot remove {mult} copies of row {row!r}: state holds {have}")
        left = have - mult
        for get, index in self._idx:
            k = get(row)
            bucket = index[k]
            if left:
                bucket[row] = left
            else:
                del bucket[row]
                if not bucket:
                    del index[k]
        self._total -= mult

    def apply(self, batch: Iterable[Delta]) -> None:
        """Apply deltas in order (positive inserts, negative removes, zero is ignored).

        Raises:
            DataflowError: on removing more copies than are held; earlier deltas of the batch
                stay applied, so validate first where atomicity matters.
        """
        cls = type(self)
        if cls.insert is not State.insert or cls.remove is not State.remove:
            insert, remove = self.insert, self.remove  # a subclass sees every change
            for row, mult in batch:
                if mult > 0:
                    insert(row, mult)
                elif mult < 0:
                    remove(row, -mult)
            return
        idx = self._idx
        if len(idx) != 1:
            insert, remove = self.insert, self.remove
            for row, mult in batch:
                if mult > 0:
                    insert(row, mult)
                elif mult < 0:
                    remove(row, -mult)
            return
        # fast path: one index, inlined
        get, index = idx[0]
        total = 0
        try:
            for row, mult in batch:
                k = get(row)
                bucket = index.get(k)
                if mult > 0:
                    if bucket is None:
                        index[k] = {row: mult}
                    else:
                        bucket[row] = bucket.get(row, 0) + mult
                    total += mult
                elif mult < 0:
                    have = bucket.get(row, 0) if bucket is not None else 0
                    left = have + mult
                    if left > 0:
                        bucket[row] = left  # type: ignore[index]
                    elif left == 0:
                        del bucket[row]  # type: ignore[attr-defined]
                        if not bucket:
                            del index[k]
                    else:
                        raise DataflowError(
                            f"cannot remove {-mult} copies of row {row!r}: state holds {have}"
                        )
                    total += mult
        finally:
            self._total += total

    def clear(self) -> None:
        """Remove every row (indexes are kept)."""
        for _get, index in self._idx:
            index.clear()
        self._total = 0

    # -- reads -----------------------------------------------------------------------------

    def lookup(self, cols: Sequence[int], key: tuple[Any, ...]) -> Mapping[Row, int] | None:
        """Return the rows whose ``cols`` equal ``key``, as a read-only ``{row: count}`` bucket.

        Args:
            cols: an indexed column tuple, or ``()`` for every row.
            key: a tuple of values, one per column.

        Returns:
            The bucket (:data:`EMPTY` if no row matches). This class never returns ``None``;
            partial replacements return ``None`` for a hole (see the module docstring).

        Raises:
            DataflowError: if ``cols`` is not indexed (see :meth:`add_index`).
        """
        try:
            index = self._by_cols[cols]
        except (KeyError, TypeError):
            cols = tuple(cols)
            index = self._by_cols.get(cols)
            if index is None:
                if not cols:
                    return dict(self.items())
                raise DataflowError(
                    f"state has no index on columns {cols} (indexes: {self.indexes}); "
                    "add one with add_index"
                ) from None
        return index.get(key, EMPTY)

    def count(self, row: Row) -> int:
        """How many copies of ``row`` are held."""
        get, index = self._idx[0]
        bucket = index.get(get(row))
        return bucket.get(row, 0) if bucket is not None else 0

    def items(self) -> Iterator[tuple[Row, int]]:
        """Every distinct row with its multiplicity, bucket by bucket of the primary index."""
        for bucket in self._idx[0][1].values():
            yield from bucket.items()

    def rows(self) -> list[Row]:
        """Every row, repeated by multiplicity."""
        return [row for row, mult in self.items() for _ in range(mult)]

    def keys(self, cols: Sequence[int]) -> list[tuple[Any, ...]]:
        """The keys present in the index on ``cols``."""
        index = self._by_cols.get(tuple(cols))
        if index is None:
            raise DataflowError(f"state has no index on columns {tuple(cols)}")
        return list(index)

    def distinct_count(self) -> int:
        """The number of distinct rows held."""
        return sum(len(bucket) for bucket in self._idx[0][1].values())

    def __len__(self) -> int:
        """The number of rows held, counting multiplicity."""
        return self._total

    def __contains__(self, row: object) -> bool:
        return isinstance(row, tuple) and self.count(row) > 0

    def __iter__(self) -> Iterator[Row]:
        for row, mult in self.items():
            for _ in range(mult):
                yield row

    def __repr__(self) -> str:
        return f"<{type(self).__name__} rows={self._total} indexes={self.indexes}>"
