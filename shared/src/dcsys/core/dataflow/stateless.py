"""Stateless operators: identity, filter, project and bag union.

None of these keeps state: each output delta depends only on the input delta, so a batch maps to
a batch row by row and the operators answer lookups by querying through to their parents
(Noria's ``query_through``). A distinct union is a :class:`Union` followed by a
:class:`~dcsys.core.dataflow.distinct.Distinct`.

Examples:
    >>> from dcsys.core.dataflow.stateless import Project, Union
    >>> p = Project([1, lambda row: row[0] * 10])
    >>> p.bind([2])
    2
    >>> p.on_input(0, [((1, "a"), 1), ((2, "b"), -1)])
    [(('a', 10), 1), (('b', 20), -1)]
    >>> u = Union(columns=[(0, 1), (1, 0)])
    >>> u.bind([2, 2])
    2
    >>> u.on_input(1, [((1, "a"), 1)])
    [(('a', 1), 1)]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from dcsys.core.dataflow._keys import key_getter
from dcsys.core.dataflow.base import Operator, ParentLookup, check_columns, filter_by_key
from dcsys.core.dataflow.delta import Batch, Row
from dcsys.core.errors import ConfigError, SchemaError

__all__ = ["Filter", "Identity", "Project", "Union"]


class Identity(Operator):
    """Passes every delta through unchanged (Noria uses it as plumbing for shared nodes).

    Examples:
        >>> op = Identity()
        >>> op.bind([3])
        3
        >>> op.on_input(0, [((1, 2, 3), 1)])
        [((1, 2, 3), 1)]
    """

    def _bind(self, input_arities: tuple[int, ...]) -> int:
        return input_arities[0]

    def on_input(self, port: int, batch: Batch) -> Batch:
        """Return ``batch`` itself."""
        return batch

    def lookup(self, cols: tuple[int, ...], key: tuple[Any, ...], parents: ParentLookup) -> Batch:
        """The parent's rows for ``key``."""
        return list(parents(0, cols, key))

    def resolve(self, col: int) -> list[tuple[int, int]] | None:
        """Every column is the parent's column of the same position."""
        return [(0, col)]


class Filter(Operator):
    """Keeps the rows for which ``predicate(row)`` is truthy.

    As in SQL ``WHERE``, a predicate that returns ``None`` (unknown, e.g. a comparison with
    NULL) drops the row.

    Args:
        predicate: a function of the whole row.
        description: shown in ``repr`` (e.g. the SQL text of the condition).

    Examples:
        >>> f = Filter(lambda r: r[0] is not None and r[0] >= 2, description="c0 >= 2")
        >>> f.bind([1])
        1
        >>> f.on_input(0, [((1,), 1), ((None,), 1), ((3,), -1)])
        [((3,), -1)]
        >>> f
        Filter(c0 >= 2)
    """

    def __init__(self, predicate: Callable[[Row], Any], *, description: str = "") -> None:
        super().__init__()
        if not callable(predicate):
            raise ConfigError(f"filter predicate must be callable, got {predicate!r}")
        self.predicate = predicate
        self.description = description

    def _bind(self, input_arities: tuple[int, ...]) -> int:
        return input_arities[0]

    def on_input(self, port: int, batch: Batch) -> Batch:
        """Return the deltas whose row passes the predicate."""
        pred = self.predicate
        return [d for d in batch if pred(d[0])]

    def lookup(self, cols: tuple[int, ...], key: tuple[Any, ...], parents: ParentLookup) -> Batch:
        """The parent's rows for ``key`` that pass the predicate (query-through)."""
        pred = self.predicate
        return [d for d in parents(0, cols, key) if pred(d[0])]

    def resolve(self, col: int) -> list[tuple[int, int]] | None:
        """Every column is the parent's column of the same position."""
        return [(0, col)]

    def describe(self) -> str:
        """The description given at construction."""
        return self.description


class Project(Operator):
    """Builds each output row from input columns and computed values.

    Args:
        columns: one entry per output column: an ``int`` copies that input column, a callable
            computes the value from the whole input row (use ``lambda row: 0`` for a literal).

    Raises:
        ConfigError: if an entry is neither an int nor callable, or (at bind) out of range.

    Examples:
        >>> p = Project([2, 0])
        >>> p.bind([3])
        2
        >>> p.on_input(0, [(("a", "b", "c"), 2)])
        [(('c', 'a'), 2)]
        >>> p.resolve(0), p.resolve(1)
        ([(0, 2)], [(0, 0)])
    """

    def __init__(self, columns: Sequence[int | Callable[[Row], Any]]) -> None:
        super().__init__()
        cols: list[int | Callable[[Row], Any]] = []
        for c in columns:
            if callable(c):
                cols.append(c)
            elif hasattr(c, "__index__") and not isinstance(c, bool):
                cols.append(c.__index__())
            else:
                raise ConfigError(f"project column must be an int or a callable, got {c!r}")
        self.columns = tuple(cols)
        self._fn: Callable[[Row], Row] = key_getter(())

    def _bind(self, input_arities: tuple[int, ...]) -> int:
        (arity,) = input_arities
        plain = [c for c in self.columns if isinstance(c, int)]
        check_columns("project", plain, arity)
        if len(plain) == len(self.columns):
            self._fn = key_getter(plain)
        else:
            getters = [itemgetter(c) if isinstance(c, int) else c for c in self.columns]

            def fn(row: Row) -> Row:
                return tuple([g(row) for g in getters])

            self._fn = fn
        return len(self.columns)

    def on_input(self, port: int, batch: Batch) -> Batch:
        """Project every delta's row."""
        fn = self._fn
        return [(fn(row), mult) for row, mult in batch]

    def lookup(self, cols: tuple[int, ...], key: tuple[Any, ...], parents: ParentLookup) -> Batch:
        """Query through when every key column is a copied column; otherwise scan the parent."""
        fn = self._fn
        pcols = [self.columns[c] for c in cols]
        if all(isinstance(c, int) for c in pcols):
            return [(fn(row), m) for row, m in parents(0, tuple(pcols), key)]  # type: ignore[arg-type]
        return filter_by_key([(fn(row), m) for row, m in parents(0, (), ())], cols, key)

    def resolve(self, col: int) -> list[tuple[int, int]] | None:
        """The input column copied to ``col``, or ``None`` if ``col`` is computed."""
        c = self.columns[col]
        return [(0, c)] if isinstance(c, int) else None

    def describe(self) -> str:
        """The column list (``f`` for computed columns)."""
        return ", ".join(str(c) if isinstance(c, int) else "f" for c in self.columns)


class Union(Operator):
    """Bag union of several inputs (SQL ``UNION ALL``), optionally choosing columns per input.

    Args:
        n_inputs: the number of inputs, when every input is passed through whole (their arities
            must then be equal).
        columns: instead of ``n_inputs``, one entry per input: the input columns that form the
            output row, or ``None`` to pass that input's rows through whole. Every entry must
            give rows of the same width.

    Raises:
        ConfigError: on fewer than one input or a bad column.
        SchemaError: (at bind) if the inputs do not give rows of one width.

    Examples:
        >>> u = Union(2)
        >>> u.bind([1, 1])
        1
        >>> u.on_input(0, [((1,), 1)]) + u.on_input(1, [((1,), 1)])
        [((1,), 1), ((1,), 1)]
    """

    def __init__(
        self, n_inputs: int | None = None, *, columns: Sequence[Sequence[int] | None] | None = None
    ) -> None:
        super().__init__()
        if columns is not None:
            if n_inputs is not None and n_inputs != len(columns):
                raise ConfigError(f"union n_inputs={n_inputs} but {len(columns)} column lists")
            self.columns = tuple(None if c is None else tuple(c) for c in columns)
        else:
            self.columns = (None,) * (2 if n_inputs is None else n_inputs)
        if len(self.columns) < 1:
            raise ConfigError("a union needs at least one input")
        self.n_inputs = len(self.columns)
        self._getters: list[Callable[[Row], Row] | None] = []

    def _bind(self, input_arities: tuple[int, ...]) -> int:
        widths = []
        for port, (cols, arity) in enumerate(zip(self.columns, input_arities, strict=True)):
            if cols is None:
                widths.append(arity)
                self._getters.append(None)
            else:
                cols = check_columns(f"union input {port}", cols, arity)
                widths.append(len(cols))
                self._getters.append(key_getter(cols))
        if len(set(widths)) != 1:
            raise SchemaError(f"union inputs give rows of different widths: {widths}")
        return widths[0]

    def on_input(self, port: int, batch: Batch) -> Batch:
        """Pass the deltas through, choosing this input's columns if configured."""
        get = self._getters[port]
        if get is None:
            return batch
        return [(get(row), mult) for row, mult in batch]

    def lookup(self, cols: tuple[int, ...], key: tuple[Any, ...], parents: ParentLookup) -> Batch:
        """The union of every input's rows for ``key`` (query-through on each input)."""
        out: Batch = []
        for port, sel in enumerate(self.columns):
            if sel is None:
                out.extend(parents(port, cols, key))
            else:
                get = self._getters[port]
                pcols = tuple(sel[c] for c in cols)
                out.extend((get(row), m) for row, m in parents(port, pcols, key))  # type: ignore[misc]
        return out

    def resolve(self, col: int) -> list[tuple[int, int]] | None:
        """One ``(port, column)`` pair per input."""
        return [(p, col if sel is None else sel[col]) for p, sel in enumerate(self.columns)]

    def describe(self) -> str:
        """The per-input column lists."""
        return ", ".join("*" if c is None else str(list(c)) for c in self.columns)
