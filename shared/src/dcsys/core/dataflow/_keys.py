"""Private helpers: fast key extraction and a total SQL ordering of values.

Key getters turn a row into the tuple of some of its columns at C speed (``operator.itemgetter``
or a slice), so keys are always tuples — also for one column and for no columns (``()``).

The ordering follows SQLite (and MySQL for NULL): ``NULL`` sorts before every value, numbers
(``bool``, ``int``, ``float``, ``Decimal``, ``Fraction``) before text, text before bytes, and any
other type after those, grouped by type name. :func:`sort_key` maps a value to a tuple that
Python compares in that order; ``descending=True`` gives the exact reverse order (so ``NULL`` comes
last), matching ``ORDER BY col DESC`` in MySQL and SQLite.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

__all__: list[str] = []

KeyGetter = Callable[[tuple[Any, ...]], tuple[Any, ...]]


def _empty_key(_row: tuple[Any, ...]) -> tuple[Any, ...]:
    return ()


def key_getter(cols: Sequence[int]) -> KeyGetter:
    """Return a function mapping a row to ``tuple(row[c] for c in cols)``, built for speed."""
    cols = tuple(cols)
    if not cols:
        return _empty_key
    first = cols[0]
    if first >= 0 and cols == tuple(range(first, first + len(cols))):
        return itemgetter(slice(first, first + len(cols)))  # a contiguous run: one slice
    if len(cols) == 1:
        return itemgetter(slice(first, first + 1)) if first >= 0 else _one(first)
    return itemgetter(*cols)


def _one(col: int) -> KeyGetter:
    def get(row: tuple[Any, ...]) -> tuple[Any, ...]:
        return (row[col],)

    return get


class _Rev:
    """Wraps a value so that it compares in reverse order (for DESC on non-numeric values)."""

    __slots__ = ("v",)

    def __init__(self, v: Any) -> None:
        self.v = v

    def __lt__(self, other: _Rev) -> bool:
        return other.v < self.v

    def __gt__(self, other: _Rev) -> bool:
        return other.v > self.v

    def __le__(self, other: _Rev) -> bool:
        return other.v <= self.v

    def __ge__(self, other: _Rev) -> bool:
        return other.v >= self.v

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Rev) and self.v == other.v

    def __hash__(self) -> int:
        return hash(self.v)

    def __repr__(self) -> str:
        return f"_Rev({self.v!r})"


_NULL_ASC = (0,)
_NULL_DESC = (0,)


def sort_key(value: Any, descending: bool = False) -> tuple[Any, ...]:
    """Map ``value`` to a tuple whose natural order is the SQL order (NULL lowest).

    Ascending ranks are NULL 0, numbers 1, text 2, bytes 3, other 4; descending negates the rank
    (so NULL, rank 0, sorts after every value) and reverses the order within a rank.
    """
    t = type(value)
    if value is None:
        return _NULL_DESC if descending else _NULL_ASC
    if t is int or t is float or t is bool:
        return (-1, -value) if descending else (1, value)
    if t is str:
        return (-2, _Rev(value)) if descending else (2, value)
    if isinstance(value, numbers.Number):
        return (-1, -value) if descending else (1, value)
    if isinstance(value, str):
        return (-2, _Rev(value)) if descending else (2, value)
    if isinstance(value, bytes | bytearray):
        return (-3, _Rev(value)) if descending else (3, value)
    name = t.__name__
    return (-4, _Rev(name), _Rev(value)) if descending else (4, name, value)


def row_sort_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """The ascending SQL order of a whole row, column by column (used to break ties)."""
    return tuple([sort_key(v) for v in row])


def order_key(order: Sequence[tuple[int, bool]]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """Return a row → key function for ``ORDER BY`` columns, ties broken by the whole row.

    Args:
        order: ``(column, descending)`` pairs.
    """
    order = tuple(order)

    def key(row: tuple[Any, ...]) -> tuple[Any, ...]:
        return (*[sort_key(row[c], d) for c, d in order], row_sort_key(row))

    return key
