"""Incremental equi-join: inner and left outer (Noria's ``Join`` operator).

Output rows are the left row's columns followed by the right row's columns. The join keeps one
:class:`~dcsys.core.dataflow.state.State` per side, indexed on that side's join columns: a
change on one side is joined with the current state of the other side and then applied to its own
side. Within one propagation the graph delivers the left input first and the right input second,
so the output is ``ΔL ⋈ R + L' ⋈ ΔR`` (with ``L' = L + ΔL``) and simultaneous changes to both
sides are counted exactly once.

SQL semantics: a ``NULL`` in any join column never matches (not even another ``NULL``). A left
join emits a left row padded with ``NULL`` right columns while it has no match, retracts the padded
row when the first match appears, and emits it again when the last match disappears (paper §3,
thesis §4 on left joins).

Examples:
    >>> j = Join(0, 0, kind="left")
    >>> j.bind([2, 2])
    4
    >>> j.on_input(0, [((1, "article"), 1)])
    [((1, 'article', None, None), 1)]
    >>> j.on_input(1, [((1, 42), 1)])
    [((1, 'article', 1, 42), 1), ((1, 'article', None, None), -1)]
    >>> j.on_input(1, [((1, 42), -1)])
    [((1, 'article', 1, 42), -1), ((1, 'article', None, None), 1)]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from dcsys.core.dataflow._keys import key_getter
from dcsys.core.dataflow.base import Operator, ParentLookup, check_columns, filter_by_key
from dcsys.core.dataflow.delta import Batch, Row
from dcsys.core.dataflow.state import State, StateFactory
from dcsys.core.errors import ConfigError

__all__ = ["Join"]

_KINDS = ("inner", "left")


def _cols(spec: int | Sequence[int]) -> tuple[int, ...]:
    if hasattr(spec, "__index__") and not isinstance(spec, bool):
        return (spec.__index__(),)  # type: ignore[union-attr]
    return tuple(spec)  # type: ignore[arg-type]


class Join(Operator):
    """Equi-join of input 0 (left) with input 1 (right).

    Args:
        left_on: the left join column(s).
        right_on: the right join column(s), paired with ``left_on`` in order.
        kind: ``"inner"`` or ``"left"`` (left outer join).
        state_factory: builds the two side states (``State`` by default).

    Raises:
        ConfigError: on an unknown kind, key lists of different lengths, or (at bind) a join
            column out of range.

    Examples:
        >>> j = Join([0], [1])
        >>> j.bind([2, 2])
        4
        >>> j.on_input(1, [(("x", 7), 1)])
        []
        >>> j.on_input(0, [((7, "a"), 1), ((None, "b"), 1)])
        [((7, 'a', 'x', 7), 1)]
    """

    n_inputs = 2

    def __init__(
        self,
        left_on: int | Sequence[int],
        right_on: int | Sequence[int],
        *,
        kind: Literal["inner", "left"] = "inner",
        state_factory: StateFactory = State,
    ) -> None:
        super().__init__(state_factory=state_factory)
        self.left_on = _cols(left_on)
        self.right_on = _cols(right_on)
        if len(self.left_on) != len(self.right_on):
            raise ConfigError(
                f"join needs as many left as right key columns, got {self.left_on} and "
                f"{self.right_on}"
            )
        if not self.left_on:
            raise ConfigError(
                "join needs at least one key column (use a constant column for a cross product)"
            )
        if kind not in _KINDS:
            raise ConfigError(f"unknown join kind {kind!r} (known: {', '.join(_KINDS)})")
        self.kind = kind
        self.left: State = State()
        self.right: State = State()
        self._pad: Row = ()

    def _bind(self, input_arities: tuple[int, ...]) -> int:
        la, ra = input_arities
        self.left_on = check_columns("left join key", self.left_on, la)
        self.right_on = check_columns("right join key", self.right_on, ra)
        self.left = self.state_factory([self.left_on])
        self.right = self.state_factory([self.right_on])
        self._lget = key_getter(self.left_on)
        self._rget = key_getter(self.right_on)
        self._pad = (None,) * ra
        return la + ra

    @property
    def states(self) -> dict[str, State]:
        """``{"left": ..., "right": ...}``: each side's rows indexed on its join columns."""
        return {"left": self.left, "right": self.right}

    # -- processing ------------------------------------------------------------------------

    def on_input(self, port: int, batch: Batch) -> Batch:
        """Join a left (port 0) or right (port 1) change with the other side's state."""
        return self._on_left(batch) if port == 0 else self._on_right(batch)

    def _on_left(self, batch: Batch) -> Batch:
        out: Batch = []
        append = out.append
        lget, rcols, pad = self._lget, self.right_on, self._pad
        lookup = self.right.lookup
        insert, remove = self.left.insert, self.left.remove
        outer = self.kind == "left"
        for row, mult in batch:
            if not mult:
                continue
            k = lget(row)
            if None in k:
                if outer:
                    append((row + pad, mult))
                continue
            matches = lookup(rcols, k)
            if matches is None:  # a hole in a partial state: the caller upqueries
                pass
            elif matches:
                for r, c in matches.items():
                    append((row + r, mult * c))
            elif outer:
                append((row + pad, mult))
            if mult > 0:
                insert(row, mult)
            elif mult < 0:
                remove(row, -mult)
        return out

    def _on_right(self, batch: Batch) -> Batch:
        out: Batch = []
        append = out.append
        rget, lcols, rcols, pad = self._rget, self.left_on, self.right_on, self._pad
        llookup, rlookup = self.left.lookup, self.right.lookup
        insert, remove = self.right.insert, self.right.remove
        outer = self.kind == "left"
        for row, mult in batch:
            k = rget(row)
            if None in k or not mult:
                continue
            if outer:
                before = rlookup(rcols, k)
                if before is None:  # a hole: nothing to join against
                    was_empty = now_empty = None
                elif mult > 0:
                    was_empty, now_empty = not before, False
                else:
                    was_empty = not before
                    now_empty = len(before) == 1 and before.get(row, 0) + mult <= 0
            if mult > 0:
                insert(row, mult)
            elif mult < 0:
                remove(row, -mult)
            matches = llookup(lcols, k)
            if not matches:  # no left rows (or a hole)
                continue
            if not outer:
                for lrow, c in matches.items():
                    append((lrow + row, c * mult))
                continue
            if was_empty is None:
                continue
            for lrow, c in matches.items():
                append((lrow + row, c * mult))
                if was_empty and not now_empty:
                    append((lrow + pad, -c))
                elif now_empty and not was_empty:
                    append((lrow + pad, c))
        return out

    # -- upqueries -------------------------------------------------------------------------

    def lookup(self, cols: tuple[int, ...], key: tuple[Any, ...], parents: ParentLookup) -> Batch:
        """Join the parents' rows for ``key``.

        When every key column comes from the left input (or, for an inner join, every one comes
        from the right input or is a join column), only the matching rows of that side are
        fetched and each distinct join key is looked up on the other side; otherwise the whole
        join is computed and filtered.
        """
        la = self.input_arities[0]
        if cols and all(c < la for c in cols):
            return self._from_left(parents, cols, key)
        if cols and self.kind == "inner":
            rcols = []
            for c in cols:
                if c >= la:
                    rcols.append(c - la)
                elif c in self.left_on:
                    rcols.append(self.right_on[self.left_on.index(c)])
                else:
                    break
            else:
                return self._from_right(parents, tuple(rcols), key)
        return filter_by_key(self._from_left(parents, (), ()), cols, key)

    def _from_left(
        self, parents: ParentLookup, cols: tuple[int, ...], key: tuple[Any, ...]
    ) -> Batch:
        lrows = list(parents(0, cols, key))
        out: Batch = []
        cache: dict[tuple[Any, ...], list] = {}
        if not cols and lrows:  # whole join: fetch the right side once
            for r, c in parents(1, (), ()):
                k = self._rget(r)
                if None not in k:
                    cache.setdefault(k, []).append((r, c))
        outer, pad = self.kind == "left", self._pad
        for row, m in lrows:
            k = self._lget(row)
            if None in k:
                matches = []
            elif k in cache or not cols:
                matches = cache.get(k, [])
            else:
                matches = cache[k] = list(parents(1, self.right_on, k))
            if matches:
                out.extend((row + r, m * c) for r, c in matches)
            elif outer:
                out.append((row + pad, m))
        return out

    def _from_right(
        self, parents: ParentLookup, rcols: tuple[int, ...], key: tuple[Any, ...]
    ) -> Batch:
        out: Batch = []
        cache: dict[tuple[Any, ...], list] = {}
        for row, m in parents(1, rcols, key):
            k = self._rget(row)
            if None in k:
                continue
            if k not in cache:
                cache[k] = list(parents(0, self.left_on, k))
            out.extend((lrow + row, c * m) for lrow, c in cache[k])
        return out

    def resolve(self, col: int) -> list[tuple[int, int]] | None:
        """The side and column ``col`` comes from; an inner join's key columns come from both."""
        la = self.input_arities[0]
        if col < la:
            if self.kind == "inner" and col in self.left_on:
                return [(0, col), (1, self.right_on[self.left_on.index(col)])]
            return [(0, col)]
        rc = col - la
        if self.kind == "inner" and rc in self.right_on:
            return [(1, rc), (0, self.left_on[self.right_on.index(rc)])]
        return [(1, rc)]

    def describe(self) -> str:
        """Kind and key columns."""
        return f"{self.kind}, left_on={list(self.left_on)}, right_on={list(self.right_on)}"
