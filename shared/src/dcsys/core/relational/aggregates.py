"""Aggregate calls: ``COUNT``, ``SUM``, ``AVG``, ``MIN``, ``MAX``, ``GROUP_CONCAT``.

The forms are ``COUNT(*)``, ``COUNT([DISTINCT] x)``, ``SUM``/``AVG``/``MIN``/``MAX([DISTINCT] x)``
and ``GROUP_CONCAT([DISTINCT] x [, sep])``.

An :class:`AggCall` appears in the ``aggregates`` of an
:class:`~dcsys.core.relational.operators.Aggregate` node, its argument evaluated over the
aggregate's input row. (While a query is being planned an ``AggCall`` may also sit inside a
larger expression; the planner replaces it by a reference to the aggregate's output.)

Semantics (SQL, as SQLite): every function but ``COUNT(*)`` ignores ``NULL``; over no
non-``NULL`` value ``COUNT`` is 0 and the others are ``NULL``; ``SUM`` of integers is an
integer; ``AVG`` is a float; ``MIN``/``MAX`` use SQL ordering (numbers before text);
``GROUP_CONCAT`` joins the text forms with ``sep`` (``","`` by default). ``distinct=True`` uses
each distinct value once.

Examples:
    >>> from dcsys.core.relational.expr import ColumnRef
    >>> str(AggCall("count")), str(AggCall("sum", ColumnRef(1, "v"), distinct=True))
    ('COUNT(*)', 'SUM(DISTINCT v)')
    >>> AggCall("avg", ColumnRef(1, "v", ColumnType.INT)).type
    <ColumnType.FLOAT: 'FLOAT'>
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from dcsys.core.errors import SchemaError, UnsupportedSQLError
from dcsys.core.relational.expr import Expr
from dcsys.core.relational.types import ColumnType

__all__ = ["AGGREGATE_FUNCTIONS", "AggCall"]

AGGREGATE_FUNCTIONS = ("COUNT", "SUM", "AVG", "MIN", "MAX", "GROUP_CONCAT")
"""The aggregate function names (``AggCall.func`` is one of these)."""


@dataclass(frozen=True)
class AggCall(Expr):
    """One aggregate function call.

    Attributes:
        func: one of :data:`AGGREGATE_FUNCTIONS` (given in any case, stored upper-case).
        arg: the argument; ``None`` only for ``COUNT(*)``.
        distinct: aggregate each distinct value once.
        separator: the ``GROUP_CONCAT`` separator (``","`` when ``None``).

    Raises:
        UnsupportedSQLError: for an unknown function.
        SchemaError: for a missing argument, or a separator outside ``GROUP_CONCAT``.
    """

    func: str
    arg: Expr | None = None
    distinct: bool = False
    separator: str | None = None

    _children: ClassVar = (("arg", "opt"),)

    def __post_init__(self) -> None:
        func = self.func.upper()
        if func == "STRING_AGG":
            func = "GROUP_CONCAT"
        if func not in AGGREGATE_FUNCTIONS:
            raise UnsupportedSQLError(f"unsupported SQL: aggregate function {self.func.upper()}")
        object.__setattr__(self, "func", func)
        if self.arg is None and (func != "COUNT" or self.distinct):
            raise SchemaError(f"{func}({'DISTINCT ' if self.distinct else ''}*) is not allowed")
        if self.separator is not None and func != "GROUP_CONCAT":
            raise SchemaError(f"{func} takes no separator")

    @property
    def is_count_star(self) -> bool:
        """Whether this is ``COUNT(*)``."""
        return self.arg is None

    @property
    def type(self) -> ColumnType:  # type: ignore[override]
        """The result type.

        ``COUNT`` gives ``INT``, ``AVG`` ``FLOAT`` and ``GROUP_CONCAT`` ``TEXT``; ``SUM``, ``MIN``
        and ``MAX`` follow the argument.
        """
        if self.func == "COUNT":
            return ColumnType.INT
        if self.func == "AVG":
            return ColumnType.FLOAT
        if self.func == "GROUP_CONCAT":
            return ColumnType.TEXT
        assert self.arg is not None
        t = self.arg.type
        if self.func == "SUM":
            if t in (ColumnType.INT, ColumnType.BOOL):
                return ColumnType.INT
            return ColumnType.FLOAT if t is ColumnType.FLOAT else ColumnType.UNKNOWN
        return t

    @property
    def nullable(self) -> bool:  # type: ignore[override]
        """Only ``COUNT`` is never ``NULL``."""
        return self.func != "COUNT"

    def __str__(self) -> str:
        if self.arg is None:
            return "COUNT(*)"
        distinct = "DISTINCT " if self.distinct else ""
        sep = ""
        if self.separator is not None:
            sep = ", '" + self.separator.replace("'", "''") + "'"
        return f"{self.func}({distinct}{self.arg}{sep})"
