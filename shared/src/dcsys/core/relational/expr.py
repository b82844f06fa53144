"""The expression base class, the leaves (column references, literals, parameters) and traversal.

Expressions are small frozen dataclasses, compared structurally and hashable, so a planner can
match a ``GROUP BY`` expression against a ``SELECT`` item with ``==``. Every expression has a
``type`` (:class:`~dcsys.core.relational.types.ColumnType`) and a ``nullable`` flag inferred from
its children. A :class:`ColumnRef` points at a position of its operator's input row; the name,
table and type it carries are only for printing and type inference.

The other expression classes live in :mod:`~dcsys.core.relational.scalar` (arithmetic, casts,
``CASE``, scalar functions), :mod:`~dcsys.core.relational.predicates` (comparisons, boolean
logic, ``IN``, ``BETWEEN``, ``LIKE``, ``IS NULL``) and :mod:`~dcsys.core.relational.aggregates`.

Examples:
    >>> from dcsys.core.relational.scalar import Arithmetic
    >>> e = Arithmetic("+", ColumnRef(0, "a", ColumnType.INT), Literal(1))
    >>> str(e), e.type
    ('(a + 1)', <ColumnType.INT: 'INT'>)
    >>> str(remap_columns(e, {0: 3}))
    '(a + 1)'
    >>> columns_used(remap_columns(e, {0: 3}))
    {3}
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, ClassVar

from dcsys.core.errors import SchemaError
from dcsys.core.relational.types import ColumnType

if TYPE_CHECKING:
    from dcsys.core.relational.schema import Schema

__all__ = [
    "ColumnRef",
    "Expr",
    "Literal",
    "Param",
    "columns_used",
    "contains_aggregate",
    "params_used",
    "remap_columns",
    "shift_columns",
    "transform",
    "walk",
]


class Expr:
    """Base class of IR expressions.

    Subclasses are frozen dataclasses. They list their child fields in ``_children`` as
    ``(field, kind)`` pairs, kind one of ``"one"`` (an :class:`Expr`), ``"opt"`` (an
    :class:`Expr` or ``None``), ``"many"`` (a tuple of them) or ``"pairs"`` (a tuple of
    ``(Expr, Expr)``), which is all :meth:`children` and :meth:`with_children` need.

    Every subclass provides ``type`` (a :class:`ColumnType`) and ``nullable`` (a bool).
    """

    _children: ClassVar[tuple[tuple[str, str], ...]] = ()
    type: ColumnType
    nullable: bool

    def children(self) -> tuple[Expr, ...]:
        """The direct sub-expressions, in order."""
        out: list[Expr] = []
        for name, kind in self._children:
            value = getattr(self, name)
            if kind == "one":
                out.append(value)
            elif kind == "opt":
                if value is not None:
                    out.append(value)
            elif kind == "many":
                out.extend(value)
            else:
                for a, b in value:
                    out.extend((a, b))
        return tuple(out)

    def with_children(self, children: tuple[Expr, ...] | list[Expr]) -> Expr:
        """A copy of this expression with its sub-expressions replaced, in :meth:`children` order.

        Args:
            children: the new sub-expressions; as many as :meth:`children` returns.

        Returns:
            The new expression (``self`` if nothing changed).
        """
        if not self._children:
            return self
        it = iter(children)
        changes: dict[str, Any] = {}
        for name, kind in self._children:
            value = getattr(self, name)
            if kind == "one":
                changes[name] = next(it)
            elif kind == "opt":
                changes[name] = None if value is None else next(it)
            elif kind == "many":
                changes[name] = tuple(next(it) for _ in value)
            else:
                changes[name] = tuple((next(it), next(it)) for _ in value)
        if all(_same(changes[k], getattr(self, k)) for k in changes):
            return self  # nothing replaced: keep the (shared) original
        kwargs = {f.name: getattr(self, f.name) for f in fields(self) if f.init}  # type: ignore[arg-type]
        kwargs.update(changes)
        return type(self)(**kwargs)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a is b


@dataclass(frozen=True)
class ColumnRef(Expr):
    """A reference to position ``index`` of the input row.

    Attributes:
        index: the input column position (0-based).
        name: the column's name, for printing.
        type: the column's type.
        table: the table or alias qualifying the column, for printing.
        nullable: whether the column may be ``NULL``.
    """

    index: int
    name: str = ""
    type: ColumnType = ColumnType.UNKNOWN
    table: str | None = None
    nullable: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.index, int) or self.index < 0:
            raise SchemaError(f"a column reference needs a position >= 0, got {self.index!r}")

    @classmethod
    def of(cls, schema: Schema, index: int) -> ColumnRef:
        """A reference to column ``index`` of ``schema``, carrying its name, table and type.

        Raises:
            SchemaError: if ``index`` is out of range.
        """
        if not 0 <= index < len(schema):
            raise SchemaError(
                f"column position {index} out of range for a {len(schema)}-column row"
            )
        c = schema[index]
        return cls(index, c.name, c.type, c.table, c.nullable)

    def __str__(self) -> str:
        if not self.name:
            return f"#{self.index}"
        return f"{self.table}.{self.name}" if self.table else self.name


@dataclass(frozen=True)
class Literal(Expr):
    """A constant: ``int``, ``float``, ``str``, ``bool`` or ``None`` (SQL ``NULL``).

    Attributes:
        value: the constant.
        type: its type, derived from ``value`` when not given.
    """

    value: Any
    type: ColumnType = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.type is None:
            object.__setattr__(self, "type", ColumnType.of_value(self.value))

    @property
    def nullable(self) -> bool:  # type: ignore[override]
        """Only the ``NULL`` literal is nullable."""
        return self.value is None

    def __str__(self) -> str:
        v = self.value
        if v is None:
            return "NULL"
        if isinstance(v, bool):
            return "TRUE" if v else "FALSE"
        if isinstance(v, str):
            return "'" + v.replace("'", "''") + "'"
        return repr(v)


@dataclass(frozen=True)
class Param(Expr):
    """The ``index``-th query parameter (a ``?`` placeholder; 0-based, in textual order).

    Attributes:
        index: the parameter's position in the parameter tuple.
    """

    index: int

    type: ClassVar[ColumnType] = ColumnType.UNKNOWN  # type: ignore[misc]
    nullable: ClassVar[bool] = True  # type: ignore[misc]

    def __post_init__(self) -> None:
        if not isinstance(self.index, int) or self.index < 0:
            raise SchemaError(f"a parameter needs an index >= 0, got {self.index!r}")

    def __str__(self) -> str:
        return f"?{self.index}"


# -- traversal -------------------------------------------------------------------------------


def walk(expr: Expr) -> Iterator[Expr]:
    """Yield ``expr`` and every sub-expression, parents before children (pre-order).

    Examples:
        >>> from dcsys.core.relational.predicates import Comparison
        >>> [type(e).__name__ for e in walk(Comparison("=", ColumnRef(0), Param(0)))]
        ['Comparison', 'ColumnRef', 'Param']
    """
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children()))


def transform(expr: Expr, fn: Callable[[Expr], Expr]) -> Expr:
    """Rebuild ``expr`` bottom-up, replacing every node ``n`` by ``fn(n)``.

    ``fn`` sees each node after its children have been transformed; returning the node
    unchanged keeps it.

    Args:
        expr: the expression.
        fn: the rewrite of one node.

    Returns:
        The rewritten expression.
    """
    children = expr.children()
    if children:
        expr = expr.with_children([transform(c, fn) for c in children])
    return fn(expr)


def remap_columns(expr: Expr, mapping: Mapping[int, int] | Callable[[int], int]) -> Expr:
    """Re-point every :class:`ColumnRef` at a new position.

    Args:
        expr: the expression.
        mapping: old position → new position (a mapping or a function); positions missing from
            a mapping are kept.

    Returns:
        The rewritten expression.
    """
    get = mapping if callable(mapping) else (lambda i: mapping.get(i, i))  # type: ignore[union-attr]

    def fix(node: Expr) -> Expr:
        if isinstance(node, ColumnRef):
            new = get(node.index)
            if new != node.index:
                return ColumnRef(new, node.name, node.type, node.table, node.nullable)
        return node

    return transform(expr, fix)


def shift_columns(expr: Expr, offset: int) -> Expr:
    """Add ``offset`` to every column position (e.g. to move a predicate onto a join's right side)."""
    return remap_columns(expr, lambda i: i + offset)


def columns_used(expr: Expr) -> set[int]:
    """The input positions ``expr`` reads."""
    return {e.index for e in walk(expr) if isinstance(e, ColumnRef)}


def params_used(expr: Expr) -> set[int]:
    """The parameter indices ``expr`` reads."""
    return {e.index for e in walk(expr) if isinstance(e, Param)}


def contains_aggregate(expr: Expr) -> bool:
    """Whether an aggregate call occurs anywhere in ``expr``."""
    from dcsys.core.relational.aggregates import AggCall

    return any(isinstance(e, AggCall) for e in walk(expr))
