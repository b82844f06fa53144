"""Private: IR expressions → sqlglot expressions (for :func:`dcsys.core.sql.to_sql`)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import cache

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect

from dcsys.core.errors import SchemaError
from dcsys.core.relational.aggregates import AggCall
from dcsys.core.relational.expr import ColumnRef, Expr, Literal, Param
from dcsys.core.relational.predicates import (
    And,
    Between,
    Comparison,
    InList,
    IsNull,
    Like,
    Not,
    Or,
)
from dcsys.core.relational.scalar import Arithmetic, Case, Cast, Func, Negate
from dcsys.core.relational.types import ColumnType

from ._expressions import CASE_SENSITIVE_LIKE

__all__ = ["MARKER", "ExprRenderer", "identifier", "data_type"]

MARKER = "dcsysparam"
_SAFE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_COMPARISONS = {"=": exp.EQ, "!=": exp.NEQ, "<": exp.LT, "<=": exp.LTE, ">": exp.GT, ">=": exp.GTE}
_ARITHMETIC = {"+": exp.Add, "-": exp.Sub, "*": exp.Mul, "%": exp.Mod}
_FUNCS = {"ABS": exp.Abs, "LOWER": exp.Lower, "UPPER": exp.Upper, "LENGTH": exp.Length}
_AGGS = {"SUM": exp.Sum, "AVG": exp.Avg, "MIN": exp.Min, "MAX": exp.Max}
_LEAVES = (
    exp.Column,
    exp.Literal,
    exp.Null,
    exp.Boolean,
    exp.Placeholder,
    exp.Parameter,
    exp.Func,
    exp.Paren,
)


@cache
def _keywords(dialect: str) -> frozenset[str]:
    d = Dialect.get_or_raise(dialect)
    words = set(d.tokenizer_class.KEYWORDS)
    words |= set(getattr(d.generator_class, "RESERVED_KEYWORDS", ()) or ())
    # Multi-word keywords ("ORDER BY", "GROUP BY") make each of their words unsafe too.
    return frozenset(part.upper() for w in words for part in w.split() if _SAFE.match(part))


def identifier(name: str, dialect: str) -> exp.Identifier:
    """An identifier, quoted only if it must be (a keyword or unusual characters)."""
    quoted = not _SAFE.match(name) or name.upper() in _keywords(dialect)
    return exp.Identifier(this=name, quoted=quoted)


def data_type(ctype: ColumnType, dialect: str) -> exp.DataType | None:
    """The SQL type of a column type (``None``: leave untyped, SQLite's ``UNKNOWN``)."""
    if ctype in (ColumnType.UNKNOWN, ColumnType.NULL) and dialect == "sqlite":
        return None
    return exp.DataType.build(ctype.sql_name())


_PRECEDENCE: tuple[tuple[tuple[type, ...], int], ...] = (
    ((exp.Or,), 1),
    ((exp.And,), 2),
    ((exp.Not,), 3),
    (
        (
            exp.EQ,
            exp.NEQ,
            exp.LT,
            exp.LTE,
            exp.GT,
            exp.GTE,
            exp.Is,
            exp.In,
            exp.Between,
            exp.Like,
            exp.ILike,
            exp.Glob,
        ),
        4,
    ),
    ((exp.Add, exp.Sub), 6),
    ((exp.Mul, exp.Div, exp.Mod, exp.IntDiv), 7),
    ((exp.DPipe,), 8),
)


def _precedence(e: exp.Expr) -> int:
    for classes, level in _PRECEDENCE:
        if isinstance(e, classes):
            return level
    return 10 if isinstance(e, _LEAVES) else 0


def _paren(e: exp.Expr, parent: int = 9, right: bool = False) -> exp.Expr:
    """Parenthesise ``e`` as an operand of an operator of precedence ``parent``."""
    level = _precedence(e)
    if level > parent or (level == parent and not right and level != 4):
        return e
    return exp.Paren(this=e)


def _like_to_glob(pattern: str) -> str:
    out = []
    for ch in pattern:
        if ch == "%":
            out.append("*")
        elif ch == "_":
            out.append("?")
        elif ch in "*?[":
            out.append(f"[{ch}]")
        else:
            out.append(ch)
    return "".join(out)


class ExprRenderer:
    """Renders IR expressions whose column references point into ``cols``.

    Args:
        dialect: the target dialect.
        params: collects the parameter indices in the order they are rendered.
    """

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect

    def render(self, e: Expr, cols: Sequence[exp.Expr]) -> exp.Expr:
        r = lambda x: self.render(x, cols)  # noqa: E731
        p = lambda x, level=9, right=False: _paren(self.render(x, cols), level, right)  # noqa: E731
        if isinstance(e, ColumnRef):
            if e.index >= len(cols):
                raise SchemaError(f"column #{e.index} out of range while writing SQL")
            return cols[e.index].copy()
        if isinstance(e, Literal):
            return self.literal(e.value)
        if isinstance(e, Param):
            return exp.Placeholder(this=f"{MARKER}{e.index}")
        if isinstance(e, Comparison):
            return _COMPARISONS[e.op](this=p(e.left, 4), expression=p(e.right, 4, True))
        if isinstance(e, And | Or):
            cls, level = (exp.And, 2) if isinstance(e, And) else (exp.Or, 1)
            out = p(e.args[0], level)
            for a in e.args[1:]:
                out = cls(this=out, expression=p(a, level, True))
            return out
        if isinstance(e, Not):
            return exp.Not(this=p(e.arg, 3))
        if isinstance(e, IsNull):
            node = exp.Is(this=p(e.operand, 4), expression=exp.Null())
            return exp.Not(this=exp.Paren(this=node)) if e.negated else node
        if isinstance(e, InList):
            node = exp.In(this=p(e.operand, 4), expressions=[r(i) for i in e.items])
            return exp.Not(this=exp.Paren(this=node)) if e.negated else node
        if isinstance(e, Between):
            node = exp.Between(this=p(e.operand, 4), low=p(e.low, 5), high=p(e.high, 5))
            return exp.Not(this=exp.Paren(this=node)) if e.negated else node
        if isinstance(e, Like):
            node = self.like(e, cols)
            return exp.Not(this=exp.Paren(this=node)) if e.negated else node
        if isinstance(e, Arithmetic):
            return self.arithmetic(e, cols)
        if isinstance(e, Negate):
            return exp.Neg(this=exp.Paren(this=r(e.operand)))
        if isinstance(e, Cast):
            to = data_type(e.to, self.dialect) or exp.DataType.build("TEXT")
            return exp.Cast(this=r(e.operand), to=to)
        if isinstance(e, Case):
            ifs = [exp.If(this=r(c), true=r(v)) for c, v in e.whens]
            return exp.Case(
                this=None if e.operand is None else r(e.operand),
                ifs=ifs,
                default=None if e.default is None else r(e.default),
            )
        if isinstance(e, Func):
            return self.func(e, cols)
        if isinstance(e, AggCall):
            return self.aggregate(e, cols)
        raise SchemaError(f"cannot write {type(e).__name__} as SQL")

    def literal(self, value: object) -> exp.Expr:
        if value is None:
            return exp.Null()
        if isinstance(value, bool):
            return exp.Boolean(this=value)
        if isinstance(value, int):
            lit = exp.Literal.number(abs(value))
            return exp.Neg(this=lit) if value < 0 else lit
        if isinstance(value, float):
            if math.isnan(value):
                return exp.Null()
            lit = exp.Literal.number(repr(abs(value)) if math.isfinite(value) else "1e999")
            return exp.Paren(this=exp.Neg(this=lit)) if value < 0 else lit
        if isinstance(value, str):
            return exp.Literal.string(value)
        raise SchemaError(f"cannot write the literal {value!r} as SQL")

    def arithmetic(self, e: Arithmetic, cols: Sequence[exp.Expr]) -> exp.Expr:
        level = {"+": 6, "-": 6, "*": 7, "/": 7, "%": 7, "||": 8}[e.op]
        left = _paren(self.render(e.left, cols), level)
        right = _paren(self.render(e.right, cols), level, True)
        if e.op in _ARITHMETIC:
            return _ARITHMETIC[e.op](this=left, expression=right)
        if e.op == "||":
            return exp.DPipe(this=left, expression=right, safe=True)
        # "/" has SQLite semantics: integers truncate, division by zero is NULL.
        ints = e.left.type in (ColumnType.INT, ColumnType.BOOL) and e.right.type in (
            ColumnType.INT,
            ColumnType.BOOL,
        )
        if self.dialect == "mysql" and ints:
            return exp.IntDiv(this=left, expression=right)
        if self.dialect in ("duckdb",) and ints:
            return exp.IntDiv(
                this=left, expression=exp.Nullif(this=right, expression=exp.Literal.number(0))
            )
        return exp.Div(this=left, expression=right, typed=True, safe=True)

    def like(self, e: Like, cols: Sequence[exp.Expr]) -> exp.Expr:
        left = _paren(self.render(e.operand, cols), 4)
        pattern = _paren(self.render(e.pattern, cols), 4, True)
        dialect_sensitive = self.dialect in CASE_SENSITIVE_LIKE
        if e.case_sensitive == dialect_sensitive:
            return exp.Like(this=left, expression=pattern)
        if not e.case_sensitive:
            return exp.ILike(this=left, expression=pattern)
        if (
            self.dialect == "sqlite"
            and isinstance(e.pattern, Literal)
            and isinstance(e.pattern.value, str)
        ):
            return exp.Glob(
                this=left, expression=exp.Literal.string(_like_to_glob(e.pattern.value))
            )
        return exp.Like(this=left, expression=pattern)  # best effort: the dialect folds case

    def func(self, e: Func, cols: Sequence[exp.Expr]) -> exp.Expr:
        args = [self.render(a, cols) for a in e.args]
        if e.name == "COALESCE":
            return args[0] if len(args) == 1 else exp.Coalesce(this=args[0], expressions=args[1:])
        if e.name == "NULLIF":
            return exp.Nullif(this=args[0], expression=args[1])
        if e.name == "ROUND":
            return exp.Round(this=args[0], decimals=args[1] if len(args) > 1 else None)
        if e.name == "SUBSTR":
            return exp.Substring(
                this=args[0], start=args[1], length=args[2] if len(args) > 2 else None
            )
        return _FUNCS[e.name](this=args[0])

    def aggregate(self, e: AggCall, cols: Sequence[exp.Expr]) -> exp.Expr:
        if e.arg is None:
            return exp.Count(this=exp.Star())
        arg = self.render(e.arg, cols)
        if e.func == "GROUP_CONCAT" and self.dialect in ("postgres", "duckdb"):
            arg = exp.Cast(this=arg, to=exp.DataType.build("TEXT"))  # STRING_AGG takes text
        if e.distinct:
            arg = exp.Distinct(expressions=[arg])
        if e.func == "COUNT":
            return exp.Count(this=arg)
        if e.func == "GROUP_CONCAT":
            sep = e.separator if e.separator is not None else ","
            separator = None if self.dialect == "sqlite" and sep == "," else exp.Literal.string(sep)
            return exp.GroupConcat(this=arg, separator=separator)
        return _AGGS[e.func](this=arg)
