"""Scalar expressions: arithmetic, negation, casts, ``CASE`` and scalar functions.

Semantics follow SQLite (see :mod:`~dcsys.core.relational.codegen`): ``NULL`` in → ``NULL``
out; ``INT / INT`` is integer division truncated toward zero; ``x / 0`` and ``x % 0`` are
``NULL``; ``||`` concatenates the text forms of its operands.

Scalar functions (:data:`SCALAR_FUNCTIONS`): ``COALESCE``, ``NULLIF``, ``ABS``, ``LOWER``,
``UPPER`` (ASCII letters only, as SQLite without ICU), ``LENGTH`` (characters), ``ROUND(x[, n])``
(half away from zero, returns ``FLOAT``) and ``SUBSTR(x, start[, length])`` (1-based, negative
positions count from the end).

Examples:
    >>> from dcsys.core.relational.expr import ColumnRef, Literal
    >>> from dcsys.core.relational.predicates import Comparison
    >>> a = ColumnRef(0, "a", ColumnType.INT)
    >>> str(Func("COALESCE", (a, Literal(0)))), Func("coalesce", (a, Literal(0))).nullable
    ('COALESCE(a, 0)', False)
    >>> Arithmetic("/", a, Literal(2.0)).type
    <ColumnType.FLOAT: 'FLOAT'>
    >>> str(Case(((Comparison(">", a, Literal(0)), Literal("pos")),), Literal("other")))
    "CASE WHEN (a > 0) THEN 'pos' ELSE 'other' END"
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar

from dcsys.core.errors import SchemaError, UnsupportedSQLError
from dcsys.core.relational.expr import Expr
from dcsys.core.relational.types import ColumnType

__all__ = ["ARITHMETIC_OPS", "Arithmetic", "Case", "Cast", "Func", "Negate", "SCALAR_FUNCTIONS"]

ARITHMETIC_OPS = ("+", "-", "*", "/", "%", "||")
"""The binary operators of :class:`Arithmetic` (``||`` is text concatenation)."""

SCALAR_FUNCTIONS = MappingProxyType(
    {
        "COALESCE": (1, None),
        "NULLIF": (2, 2),
        "ABS": (1, 1),
        "LOWER": (1, 1),
        "UPPER": (1, 1),
        "LENGTH": (1, 1),
        "ROUND": (1, 2),
        "SUBSTR": (2, 3),
    }
)
"""Supported scalar functions: name → (minimum, maximum or ``None``) number of arguments."""


def _numeric_result(left: ColumnType, right: ColumnType) -> ColumnType:
    known = [t for t in (left, right) if t is not ColumnType.NULL]
    if not all(t.is_numeric for t in known):
        return ColumnType.UNKNOWN
    if ColumnType.FLOAT in known:
        return ColumnType.FLOAT
    return ColumnType.INT if known else ColumnType.NULL


@dataclass(frozen=True)
class Arithmetic(Expr):
    """A binary operator: ``+ - * / %`` or ``||`` (concatenation).

    Attributes:
        op: the operator, one of :data:`ARITHMETIC_OPS`.
        left: the left operand.
        right: the right operand.
    """

    op: str
    left: Expr
    right: Expr

    _children: ClassVar = (("left", "one"), ("right", "one"))

    def __post_init__(self) -> None:
        if self.op not in ARITHMETIC_OPS:
            raise SchemaError(f"unknown arithmetic operator {self.op!r}")

    @property
    def type(self) -> ColumnType:  # type: ignore[override]
        """``TEXT`` for ``||``; otherwise ``INT`` for integers, ``FLOAT`` if either is a float."""
        if self.op == "||":
            return ColumnType.TEXT
        return _numeric_result(self.left.type, self.right.type)

    @property
    def nullable(self) -> bool:  # type: ignore[override]
        """Nullable if an operand is, and always for ``/`` and ``%`` (division by zero)."""
        return self.op in ("/", "%") or self.left.nullable or self.right.nullable

    def __str__(self) -> str:
        return f"({self.left} {self.op} {self.right})"


@dataclass(frozen=True)
class Negate(Expr):
    """Unary minus.

    Attributes:
        operand: the negated expression.
    """

    operand: Expr

    _children: ClassVar = (("operand", "one"),)

    @property
    def type(self) -> ColumnType:  # type: ignore[override]
        """The operand's type (``BOOL`` becomes ``INT``)."""
        return _numeric_result(self.operand.type, ColumnType.NULL)

    @property
    def nullable(self) -> bool:  # type: ignore[override]
        """Nullable if the operand is."""
        return self.operand.nullable

    def __str__(self) -> str:
        return f"(-{self.operand})"


@dataclass(frozen=True)
class Cast(Expr):
    """``CAST(operand AS to)`` with SQLite's conversions (``'12abc'`` → 12, ``3.7`` → 3).

    Attributes:
        operand: the converted expression.
        to: the target type (``INT``, ``FLOAT``, ``TEXT`` or ``BOOL``).
    """

    operand: Expr
    to: ColumnType

    _children: ClassVar = (("operand", "one"),)

    def __post_init__(self) -> None:
        if not isinstance(self.to, ColumnType) or not self.to.is_known:
            raise SchemaError(f"cannot cast to {self.to!r}")

    @property
    def type(self) -> ColumnType:  # type: ignore[override]
        """The target type."""
        return self.to

    @property
    def nullable(self) -> bool:  # type: ignore[override]
        """Nullable if the operand is."""
        return self.operand.nullable

    def __str__(self) -> str:
        return f"CAST({self.operand} AS {self.to})"


@dataclass(frozen=True)
class Func(Expr):
    """A call of one of the :data:`SCALAR_FUNCTIONS` (the name is stored upper-case).

    Attributes:
        name: the function name.
        args: the arguments.

    Raises:
        UnsupportedSQLError: for an unknown function name.
        SchemaError: for a wrong number of arguments.
    """

    name: str
    args: tuple[Expr, ...]

    _children: ClassVar = (("args", "many"),)

    def __post_init__(self) -> None:
        name = self.name.upper()
        if name == "IFNULL":
            name = "COALESCE"
        if name == "SUBSTRING":
            name = "SUBSTR"
        if name not in SCALAR_FUNCTIONS:
            raise UnsupportedSQLError(f"unsupported SQL: function {self.name.upper()}")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "args", tuple(self.args))
        low, high = SCALAR_FUNCTIONS[name]
        if len(self.args) < low or (high is not None and len(self.args) > high):
            want = f"{low}" if low == high else f"{low} to {high if high is not None else 'any'}"
            raise SchemaError(f"{name} takes {want} arguments, got {len(self.args)}")

    @property
    def type(self) -> ColumnType:  # type: ignore[override]
        """The result type, per function."""
        name, args = self.name, self.args
        if name == "COALESCE":
            result = ColumnType.NULL
            for a in args:
                result = result.unify(a.type)
            return result
        if name == "NULLIF":
            return args[0].type
        if name == "ABS":
            return _numeric_result(args[0].type, ColumnType.NULL)
        if name in ("LOWER", "UPPER", "SUBSTR"):
            return ColumnType.TEXT
        if name == "LENGTH":
            return ColumnType.INT
        return ColumnType.FLOAT  # ROUND

    @property
    def nullable(self) -> bool:  # type: ignore[override]
        """``COALESCE`` is nullable only if every argument is; ``NULLIF`` always is."""
        if self.name == "COALESCE":
            return all(a.nullable for a in self.args)
        if self.name == "NULLIF":
            return True
        return any(a.nullable for a in self.args)

    def __str__(self) -> str:
        return f"{self.name}({', '.join(str(a) for a in self.args)})"


@dataclass(frozen=True)
class Case(Expr):
    """``CASE [operand] WHEN c THEN r ... [ELSE default] END``.

    Without ``operand`` each ``c`` is a condition (the first true one wins); with it, each ``c``
    is a value compared with ``operand`` by ``=`` (``NULL`` matches nothing). No match and no
    ``default`` gives ``NULL``.

    Attributes:
        whens: the ``(condition or value, result)`` pairs.
        default: the ``ELSE`` result, or ``None``.
        operand: the compared expression of a simple ``CASE``, or ``None``.
    """

    whens: tuple[tuple[Expr, Expr], ...]
    default: Expr | None = None
    operand: Expr | None = None

    _children: ClassVar = (("operand", "opt"), ("whens", "pairs"), ("default", "opt"))

    def __post_init__(self) -> None:
        whens = tuple((c, r) for c, r in self.whens)
        if not whens:
            raise SchemaError("CASE needs at least one WHEN")
        object.__setattr__(self, "whens", whens)

    @property
    def type(self) -> ColumnType:  # type: ignore[override]
        """The unified type of the results."""
        result = ColumnType.NULL
        for _, r in self.whens:
            result = result.unify(r.type)
        if self.default is not None:
            result = result.unify(self.default.type)
        return result

    @property
    def nullable(self) -> bool:  # type: ignore[override]
        """Nullable without ``ELSE`` or if any result is."""
        if self.default is None or self.default.nullable:
            return True
        return any(r.nullable for _, r in self.whens)

    def __str__(self) -> str:
        parts = ["CASE"]
        if self.operand is not None:
            parts.append(str(self.operand))
        for c, r in self.whens:
            parts.append(f"WHEN {c} THEN {r}")
        if self.default is not None:
            parts.append(f"ELSE {self.default}")
        parts.append("END")
        return " ".join(parts)
