"""Incremental top-k per group: ``ORDER BY ... LIMIT k OFFSET o``, optionally per group.

The output is the input rows at positions ``offset .. offset+limit-1`` of each group's sorted
order (rows counted with multiplicity; output rows keep the input's columns). The operator keeps
*every* row of each group (:attr:`TopK.state`, plus a sorted list per group), so when a row in
the window is deleted the next row is pulled in from the retained state — unlike Noria, which
keeps only the top rows and re-queries its parent.

Order: ``NULL`` sorts before every value (so first in ascending and last in descending order, as
in MySQL and SQLite), numbers before text before bytes. Rows that tie on every ``ORDER BY``
column are ordered by their whole row, ascending, so the result is deterministic (SQL leaves it
unspecified).

Examples:
    >>> top = TopK(order_by=[(1, "desc")], limit=2)
    >>> top.bind([2])
    2
    >>> top.on_input(0, [(("a", 3), 1), (("b", 9), 1), (("c", 5), 1)])
    [(('b', 9), 1), (('c', 5), 1)]
    >>> top.on_input(0, [(("b", 9), -1)])
    [(('b', 9), -1), (('a', 3), 1)]
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dcsys.core.dataflow._keys import key_getter, order_key
from dcsys.core.dataflow.base import Operator, ParentLookup, check_columns, filter_by_key
from dcsys.core.dataflow.delta import Batch, DataflowError, Delta, Row
from dcsys.core.dataflow.state import State, StateFactory
from dcsys.core.errors import ConfigError

__all__ = ["TopK"]

OrderSpec = int | tuple[int, str] | tuple[int, bool]


def _parse_order(order_by: Sequence[OrderSpec]) -> tuple[tuple[int, bool], ...]:
    out = []
    for item in order_by:
        if hasattr(item, "__index__") and not isinstance(item, bool):
            out.append((item.__index__(), False))
            continue
        if isinstance(item, tuple) and len(item) == 2:
            col, direction = item
            if isinstance(direction, bool):
                out.append((col, direction))
                continue
            if isinstance(direction, str) and direction.lower() in ("asc", "desc"):
                out.append((col, direction.lower() == "desc"))
                continue
        raise ConfigError(f"order_by entries are a column or (column, 'asc'|'desc'), got {item!r}")
    return tuple(out)


class TopK(Operator):
    """Keeps the rows at positions ``offset .. offset+limit-1`` of each group (one input).

    Args:
        order_by: the sort columns: ``col`` (ascending), ``(col, "asc" | "desc")``, or
            ``(col, descending: bool)``.
        limit: how many rows per group (``None`` for no limit).
        offset: how many leading rows of each group to skip.
        group_by: the columns that form a group (``()`` for one global top-k).
        state_factory: builds the state (``State`` by default).

    Raises:
        ConfigError: on a negative limit or offset, or a bad column.

    Examples:
        >>> top = TopK(order_by=[0], limit=1, offset=1, group_by=[1])
        >>> top.bind([2])
        2
        >>> top.on_input(0, [((5, "x"), 1), ((1, "x"), 1), ((7, "y"), 1)])
        [((5, 'x'), 1)]
    """

    def __init__(
        self,
        order_by: Sequence[OrderSpec],
        limit: int | None,
        *,
        offset: int = 0,
        group_by: Sequence[int] = (),
        state_factory: StateFactory = State,
    ) -> None:
        super().__init__(state_factory=state_factory)
        self.order_by = _parse_order(order_by)
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int) or limit < 0
        ):
            raise ConfigError(f"limit must be a non-negative int or None, got {limit!r}")
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise ConfigError(f"offset must be a non-negative int, got {offset!r}")
        self.limit = limit
        self.offset = offset
        self.group_by = tuple(group_by)
        self.state: State = State()
        self._sorted: dict[tuple[Any, ...], tuple[Mapping[Row, int], list]] = {}
        self._key = order_key(self.order_by)

    def _bind(self, input_arities: tuple[int, ...]) -> int:
        (arity,) = input_arities
        cols = check_columns("order by", [c for c, _ in self.order_by], arity)
        self.order_by = tuple(zip(cols, [d for _, d in self.order_by], strict=True))
        self._key = order_key(self.order_by)
        self.group_by = check_columns("group by", self.group_by, arity)
        self.state = self.state_factory([self.group_by])
        self._gget = key_getter(self.group_by)
        self._hi = None if self.limit is None else self.offset + self.limit
        return arity

    @property
    def states(self) -> dict[str, State]:
        """``{"input": ...}``: every input row, indexed on the group columns."""
        return {"input": self.state}

    # -- processing ------------------------------------------------------------------------

    def _window(self, entries: list, bucket: Mapping[Row, int]) -> dict[Row, int]:
        lo, hi = self.offset, self._hi
        if hi is not None and hi <= lo:
            return {}
        win: dict[Row, int] = {}
        pos = 0
        for _k, row in entries:
            end = pos + bucket[row]
            start = lo if pos < lo else pos
            stop = end if hi is None or end < hi else hi
            if stop > start:
                win[row] = stop - start
            pos = end
            if hi is not None and pos >= hi:
                break
        return win

    def on_input(self, port: int, batch: Batch) -> Batch:
        """Update each touched group and emit the change of its window."""
        gget = self._gget
        by_group: dict[tuple[Any, ...], dict[Row, int]] = {}
        for row, mult in batch:
            net = by_group.get(k := gget(row))
            if net is None:
                by_group[k] = {row: mult}
            else:
                net[row] = net.get(row, 0) + mult
        out: Batch = []
        st, gcols, skey, cache = self.state, self.group_by, self._key, self._sorted
        for k, net in by_group.items():
            bucket = st.lookup(gcols, k)
            if bucket is None:  # a hole in a partial state
                continue
            entry = cache.get(k)
            if entry is not None and entry[0] is bucket:
                entries = entry[1]
            else:
                entries = sorted((skey(r), r) for r in bucket)
            before = {row: bucket.get(row, 0) for row in net}
            for row, mult in net.items():
                if before[row] + mult < 0:
                    raise DataflowError(
                        f"top-k: cannot remove {-mult} copies of {row!r}: {before[row]} held"
                    )
            old = self._window(entries, bucket)
            for row, mult in net.items():
                if mult > 0:
                    st.insert(row, mult)
                elif mult < 0:
                    st.remove(row, -mult)
            for row, mult in net.items():
                b, a = before[row], before[row] + mult
                if b == 0 and a > 0:
                    insort(entries, (skey(row), row))
                elif b > 0 and a == 0:
                    i = bisect_left(entries, (skey(row), row))
                    del entries[i]
            after = st.lookup(gcols, k) or {}
            if after:
                cache[k] = (after, entries)
            else:
                cache.pop(k, None)
            new = self._window(entries, after)
            for row, c in old.items():
                d = new.get(row, 0) - c
                if d < 0:
                    out.append((row, d))
            for row, c in new.items():
                d = c - old.get(row, 0)
                if d > 0:
                    out.append((row, d))
        return out

    # -- upqueries -------------------------------------------------------------------------

    def compute(self, rows: Iterable[Delta]) -> Batch:
        """The top-k of a whole input computed from scratch (used by :meth:`lookup`).

        Args:
            rows: ``(row, multiplicity)`` pairs of the input.

        Returns:
            The window rows of every group with their multiplicities.
        """
        groups: dict[tuple[Any, ...], dict[Row, int]] = {}
        for row, m in rows:
            bag = groups.setdefault(self._gget(row), {})
            bag[row] = bag.get(row, 0) + m
        out: Batch = []
        for bag in groups.values():
            bag = {r: m for r, m in bag.items() if m > 0}
            entries = sorted((self._key(r), r) for r in bag)
            out.extend(self._window(entries, bag).items())
        return out

    def lookup(self, cols: tuple[int, ...], key: tuple[Any, ...], parents: ParentLookup) -> Batch:
        """The window rows whose ``cols`` equal ``key``, from the parent's rows.

        If the key columns are group columns, or include all of them, only the matching groups
        are fetched; otherwise the whole input is ranked and filtered.
        """
        gset = set(self.group_by)
        if cols and set(cols) <= gset:
            return self.compute(parents(0, cols, key))
        if self.group_by and gset <= set(cols):
            gkey = tuple(key[cols.index(c)] for c in self.group_by)
            rows = self.compute(parents(0, self.group_by, gkey))
            return filter_by_key(rows, cols, key)
        return filter_by_key(self.compute(parents(0, (), ())), cols, key)

    def resolve(self, col: int) -> list[tuple[int, int]] | None:
        """Every column is the input column of the same position."""
        return [(0, col)]

    def describe(self) -> str:
        """Order, limit, offset and groups."""
        order = ", ".join(f"{c} {'desc' if d else 'asc'}" for c, d in self.order_by)
        return (
            f"order_by=[{order}], limit={self.limit}, offset={self.offset}, "
            f"group_by={list(self.group_by)}"
        )
