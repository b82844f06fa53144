"""Predicates: comparisons, ``AND``/``OR``/``NOT``, ``IN``, ``BETWEEN``, ``LIKE``, ``IS NULL``.

All use SQL's three-valued logic: a predicate is ``TRUE``, ``FALSE`` or ``NULL`` (unknown), and
a filter keeps a row only when its predicate is ``TRUE``. ``AND``/``OR`` are n-ary.

Examples:
    >>> from dcsys.core.relational.expr import ColumnRef, Literal, Param
    >>> a = ColumnRef(0, "a")
    >>> p = And((Comparison("=", a, Param(0)), Not(IsNull(ColumnRef(1, "b")))))
    >>> str(p)
    '((a = ?0) AND (NOT (b IS NULL)))'
    >>> [str(c) for c in conjuncts(p)]
    ['(a = ?0)', '(NOT (b IS NULL))']
    >>> str(InList(a, (Literal(1), Literal(2)), negated=True))
    '(a NOT IN (1, 2))'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from dcsys.core.errors import SchemaError
from dcsys.core.relational.expr import Expr
from dcsys.core.relational.types import ColumnType

__all__ = [
    "COMPARISON_OPS",
    "And",
    "Between",
    "Comparison",
    "InList",
    "IsNull",
    "Like",
    "Not",
    "Or",
    "conjoin",
    "conjuncts",
]

COMPARISON_OPS = ("=", "!=", "<", "<=", ">", ">=")
"""The operators of :class:`Comparison` (``<>`` is spelled ``!=``)."""

_FLIPPED = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


class _Predicate(Expr):
    type: ClassVar[ColumnType] = ColumnType.BOOL  # type: ignore[misc]

    @property
    def nullable(self) -> bool:  # type: ignore[override]
        """Nullable if any operand is."""
        return any(c.nullable for c in self.children())


@dataclass(frozen=True)
class Comparison(_Predicate):
    """``left op right`` for ``op`` in :data:`COMPARISON_OPS`.

    Attributes:
        op: the operator.
        left: the left operand.
        right: the right operand.
    """

    op: str
    left: Expr
    right: Expr

    _children: ClassVar = (("left", "one"), ("right", "one"))

    def __post_init__(self) -> None:
        op = "!=" if self.op == "<>" else self.op
        if op not in COMPARISON_OPS:
            raise SchemaError(f"unknown comparison operator {self.op!r}")
        object.__setattr__(self, "op", op)

    def flipped(self) -> Comparison:
        """The same comparison with its operands swapped (``a < b`` → ``b > a``)."""
        return Comparison(_FLIPPED[self.op], self.right, self.left)

    def __str__(self) -> str:
        return f"({self.left} {self.op} {self.right})"


@dataclass(frozen=True)
class And(_Predicate):
    """The conjunction of two or more operands.

    Attributes:
        args: the operands.
    """

    args: tuple[Expr, ...]

    _children: ClassVar = (("args", "many"),)

    def __post_init__(self) -> None:
        object.__setattr__(self, "args", tuple(self.args))
        if len(self.args) < 2:
            raise SchemaError("AND needs at least two operands (use conjoin() for any number)")

    def __str__(self) -> str:
        return "(" + " AND ".join(str(a) for a in self.args) + ")"


@dataclass(frozen=True)
class Or(_Predicate):
    """The disjunction of two or more operands.

    Attributes:
        args: the operands.
    """

    args: tuple[Expr, ...]

    _children: ClassVar = (("args", "many"),)

    def __post_init__(self) -> None:
        object.__setattr__(self, "args", tuple(self.args))
        if len(self.args) < 2:
            raise SchemaError("OR needs at least two operands")

    def __str__(self) -> str:
        return "(" + " OR ".join(str(a) for a in self.args) + ")"


@dataclass(frozen=True)
class Not(_Predicate):
    """Logical negation (``NOT NULL`` is ``NULL``).

    Attributes:
        arg: the negated operand.
    """

    arg: Expr

    _children: ClassVar = (("arg", "one"),)

    def __str__(self) -> str:
        return f"(NOT {self.arg})"


@dataclass(frozen=True)
class InList(_Predicate):
    """``operand [NOT] IN (items...)``.

    ``TRUE`` if some item equals the operand; otherwise ``NULL`` if the operand or some item
    is ``NULL``; otherwise ``FALSE`` (negated: the opposite, ``NULL`` staying ``NULL``).

    Attributes:
        operand: the tested expression.
        items: the list.
        negated: ``NOT IN``.
    """

    operand: Expr
    items: tuple[Expr, ...]
    negated: bool = False

    _children: ClassVar = (("operand", "one"), ("items", "many"))

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(self.items))
        if not self.items:
            raise SchemaError("IN needs at least one item")

    def __str__(self) -> str:
        neg = " NOT" if self.negated else ""
        return f"({self.operand}{neg} IN ({', '.join(str(i) for i in self.items)}))"


@dataclass(frozen=True)
class Between(_Predicate):
    """``operand [NOT] BETWEEN low AND high`` (``low <= operand AND operand <= high``).

    Attributes:
        operand: the tested expression.
        low: the lower bound (inclusive).
        high: the upper bound (inclusive).
        negated: ``NOT BETWEEN``.
    """

    operand: Expr
    low: Expr
    high: Expr
    negated: bool = False

    _children: ClassVar = (("operand", "one"), ("low", "one"), ("high", "one"))

    def __str__(self) -> str:
        neg = " NOT" if self.negated else ""
        return f"({self.operand}{neg} BETWEEN {self.low} AND {self.high})"


@dataclass(frozen=True)
class Like(_Predicate):
    """``operand [NOT] LIKE pattern``: ``%`` matches any run of characters, ``_`` exactly one.

    Attributes:
        operand: the tested expression (numbers are compared by their text form).
        pattern: the pattern.
        negated: ``NOT LIKE``.
        case_sensitive: ``False`` (SQLite's and MySQL's ``LIKE``, PostgreSQL's ``ILIKE``)
            folds ASCII letters; ``True`` is PostgreSQL's and DuckDB's ``LIKE``.
    """

    operand: Expr
    pattern: Expr
    negated: bool = False
    case_sensitive: bool = False

    _children: ClassVar = (("operand", "one"), ("pattern", "one"))

    def __str__(self) -> str:
        neg = " NOT" if self.negated else ""
        op = "LIKE" if not self.case_sensitive else "LIKE BINARY"
        return f"({self.operand}{neg} {op} {self.pattern})"


@dataclass(frozen=True)
class IsNull(_Predicate):
    """``operand IS [NOT] NULL`` (never ``NULL`` itself).

    Attributes:
        operand: the tested expression.
        negated: ``IS NOT NULL``.
    """

    operand: Expr
    negated: bool = False

    _children: ClassVar = (("operand", "one"),)

    @property
    def nullable(self) -> bool:  # type: ignore[override]
        """Never nullable."""
        return False

    def __str__(self) -> str:
        return f"({self.operand} IS {'NOT ' if self.negated else ''}NULL)"


def conjuncts(predicate: Expr | None) -> list[Expr]:
    """Split a predicate into its top-level ``AND`` operands (``None`` → ``[]``).

    Args:
        predicate: the predicate, or ``None``.

    Returns:
        The conjuncts, nested ``AND`` flattened.
    """
    if predicate is None:
        return []
    if isinstance(predicate, And):
        out: list[Expr] = []
        for a in predicate.args:
            out.extend(conjuncts(a))
        return out
    return [predicate]


def conjoin(predicates: Iterable[Expr]) -> Expr | None:
    """Combine predicates with ``AND``: ``None`` for none, the predicate itself for one.

    Examples:
        >>> from dcsys.core.relational.expr import Literal
        >>> conjoin([]) is None, str(conjoin([Literal(True)]))
        (True, 'TRUE')
    """
    items = [p for p in predicates if p is not None]
    if not items:
        return None
    return items[0] if len(items) == 1 else And(tuple(items))
