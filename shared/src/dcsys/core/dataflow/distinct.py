"""Incremental ``SELECT DISTINCT``: each distinct input row once.

The operator keeps the input multiset (:attr:`Distinct.state`) and emits ``+row`` when a row's
count rises from zero and ``-row`` when it falls back to zero; other changes emit nothing. A
``UNION`` (distinct) is a :class:`~dcsys.core.dataflow.stateless.Union` followed by a
:class:`Distinct`. ``NULL`` equals ``NULL`` here, as in SQL's ``DISTINCT``.

Examples:
    >>> d = Distinct()
    >>> d.bind([1])
    1
    >>> d.on_input(0, [((1,), 1), ((1,), 1), ((2,), 1)])
    [((1,), 1), ((2,), 1)]
    >>> d.on_input(0, [((1,), -1)])
    []
    >>> d.on_input(0, [((1,), -1)])
    [((1,), -1)]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dcsys.core.dataflow._keys import key_getter
from dcsys.core.dataflow.base import Operator, ParentLookup, check_columns
from dcsys.core.dataflow.delta import Batch, DataflowError, Row
from dcsys.core.dataflow.state import State, StateFactory

__all__ = ["Distinct"]


class Distinct(Operator):
    """Removes duplicate rows (one input).

    Args:
        index: the columns to index the input state on (default ``()``: one bucket). A partial
            state keyed on some columns would pass those here.
        state_factory: builds the state (``State`` by default).

    Examples:
        >>> d = Distinct()
        >>> d.bind([2])
        2
        >>> d.on_input(0, [((1, None), 1), ((1, None), 1), ((1, None), -2)])
        []
    """

    def __init__(self, index: Sequence[int] = (), *, state_factory: StateFactory = State) -> None:
        super().__init__(state_factory=state_factory)
        self.index = tuple(index)
        self.state: State = State()

    def _bind(self, input_arities: tuple[int, ...]) -> int:
        (arity,) = input_arities
        check_columns("distinct index", self.index, arity)
        self.state = self.state_factory([self.index])
        self._get = key_getter(self.index)
        return arity

    @property
    def states(self) -> dict[str, State]:
        """``{"input": ...}``: the input rows with their multiplicities."""
        return {"input": self.state}

    def on_input(self, port: int, batch: Batch) -> Batch:
        """Emit a row's first appearance and its last disappearance."""
        # Net change per row first, so a batch like [+r, -r] on an absent row is a no-op.
        net: dict[Row, int] = {}
        for row, mult in batch:
            net[row] = net.get(row, 0) + mult
        out: Batch = []
        st, cols, get = self.state, self.index, self._get
        for row, mult in net.items():
            if not mult:
                continue
            bucket = st.lookup(cols, get(row))
            if bucket is None:  # a hole in a partial state
                continue
            before = bucket.get(row, 0)
            after = before + mult
            if after < 0:
                raise DataflowError(
                    f"distinct: cannot remove {-mult} copies of {row!r}: {before} held"
                )
            if mult > 0:
                st.insert(row, mult)
            else:
                st.remove(row, -mult)
            if before == 0:
                out.append((row, 1))
            elif after == 0:
                out.append((row, -1))
        return out

    def lookup(self, cols: tuple[int, ...], key: tuple[Any, ...], parents: ParentLookup) -> Batch:
        """The distinct parent rows for ``key``."""
        seen: dict[Row, int] = {}
        for row, m in parents(0, cols, key):
            seen[row] = seen.get(row, 0) + m
        return [(row, 1) for row, m in seen.items() if m > 0]

    def resolve(self, col: int) -> list[tuple[int, int]] | None:
        """Every column is the input column of the same position."""
        return [(0, col)]
