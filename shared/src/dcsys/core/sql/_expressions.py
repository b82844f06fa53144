"""Private: translate sqlglot expressions into IR expressions over a scope of FROM sources."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from sqlglot import exp

from dcsys.core.errors import SchemaError, UnknownNameError, UnsupportedSQLError
from dcsys.core.relational.aggregates import AggCall
from dcsys.core.relational.expr import ColumnRef, Expr, Literal, Param, contains_aggregate
from dcsys.core.relational.operators import PlanNode
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
from dcsys.core.relational.schema import Schema
from dcsys.core.relational.types import ColumnType

from ._parse import PARAM_KEY

__all__ = ["ExprBuilder", "Scope", "Source", "describe", "unsupported"]

# Dialects whose LIKE is case-sensitive (PostgreSQL-like); elsewhere LIKE folds ASCII case.
CASE_SENSITIVE_LIKE = frozenset(
    [
        "postgres",
        "duckdb",
        "snowflake",
        "bigquery",
        "trino",
        "presto",
        "spark",
        "spark2",
        "databricks",
        "oracle",
        "redshift",
        "hive",
        "clickhouse",
        "materialize",
        "risingwave",
    ]
)

_COMPARISONS: dict[type, str] = {
    exp.EQ: "=",
    exp.NEQ: "!=",
    exp.LT: "<",
    exp.LTE: "<=",
    exp.GT: ">",
    exp.GTE: ">=",
}
_ARITHMETIC: dict[type, str] = {
    exp.Add: "+",
    exp.Sub: "-",
    exp.Mul: "*",
    exp.Mod: "%",
    exp.DPipe: "||",
}
_SIMPLE_FUNCS: dict[type, str] = {
    exp.Abs: "ABS",
    exp.Lower: "LOWER",
    exp.Upper: "UPPER",
    exp.Length: "LENGTH",
}
_AGGREGATES: dict[type, str] = {
    exp.Count: "COUNT",
    exp.Sum: "SUM",
    exp.Avg: "AVG",
    exp.Min: "MIN",
    exp.Max: "MAX",
    exp.GroupConcat: "GROUP_CONCAT",
}


def describe(node: exp.Expr, dialect: str = "sqlite") -> str:
    """A short name of a construct for "unsupported SQL: ..." messages."""
    if isinstance(node, exp.Window):
        inner = node.this
        return f"window function {inner.sql(dialect=dialect)} OVER (...)"
    text = node.sql(dialect=dialect)
    if len(text) > 60:
        text = text[:57] + "..."
    return text


def unsupported(what: str) -> UnsupportedSQLError:
    """An ``UnsupportedSQLError`` naming ``what``."""
    return UnsupportedSQLError(f"unsupported SQL: {what}")


def _raise(what: str) -> Expr:
    raise unsupported(what)


def sql_type(data_type: exp.DataType, dialect: str) -> ColumnType:
    """The column type of a sqlglot data type (named as the dialect spells it on error)."""
    try:
        return ColumnType.from_sql_name(data_type.sql())  # generic: BOOLEAN stays BOOLEAN
    except UnsupportedSQLError:
        raise unsupported(f"data type {data_type.sql(dialect=dialect)}") from None


@dataclass
class Source:
    """One FROM item: its plan, the alias qualifying its columns and its position in the row.

    Attributes:
        alias: the qualifier (table name or alias; ``None`` for an unaliased sub-query).
        node: the item's plan (its schema is qualified by ``alias``).
        offset: position of its first column in the joined row.
        inferred: whether its columns were inferred from the query (no catalog).
    """

    alias: str | None
    node: PlanNode
    offset: int = 0
    inferred: bool = False

    @property
    def schema(self) -> Schema:
        return self.node.schema


class Scope:
    """The FROM sources of one SELECT and the joined row they make."""

    def __init__(self, sources: list[Source]) -> None:
        offset = 0
        for s in sources:
            s.offset = offset
            offset += len(s.schema)
        self.sources = sources
        columns = []
        for s in sources:
            columns.extend(s.schema.columns)
        self.schema = Schema(tuple(columns))

    def prefix(self, count: int) -> Scope:
        """The scope of the first ``count`` sources (what a JOIN's ON clause may see)."""
        return Scope(self.sources[:count])

    def source(self, alias: str) -> Source:
        """The source called ``alias``."""
        folded = alias.casefold()
        hits = [s for s in self.sources if s.alias and s.alias.casefold() == folded]
        if not hits:
            known = [s.alias for s in self.sources if s.alias]
            raise UnknownNameError("table", alias, known)
        if len(hits) > 1:
            raise SchemaError(f"table name {alias!r} is used twice in FROM; give one an alias")
        return hits[0]

    def resolve(self, name: str, table: str | None) -> ColumnRef:
        """The reference to column ``name`` (qualified by ``table``) in the joined row."""
        if table:
            src = self.source(table)
            try:
                index = src.schema.index(name)
            except UnknownNameError:
                raise UnknownNameError(
                    "column", f"{table}.{name}", [c.qualified_name for c in src.schema]
                ) from None
            return ColumnRef.of(self.schema, src.offset + index)
        return ColumnRef.of(self.schema, self.schema.index(name))

    def has_column(self, name: str) -> bool:
        """Whether an unqualified ``name`` matches some column."""
        return bool(self.schema.find_all(name))


class ExprBuilder:
    """Translates sqlglot expressions to IR over a :class:`Scope`.

    Args:
        scope: the FROM sources.
        dialect: the SQL dialect (for ``LIKE`` case sensitivity and division).
        clause: the clause being translated, for error messages (``"WHERE"``...).
        aggregates: whether aggregate calls are allowed.
        aliases: ``SELECT`` aliases (folded name → IR) an unknown column name may refer to.
    """

    def __init__(
        self,
        scope: Scope,
        dialect: str,
        clause: str,
        *,
        aggregates: bool = False,
        aliases: Mapping[str, Expr] | None = None,
    ) -> None:
        self.scope = scope
        self.dialect = dialect
        self.clause = clause
        self.aggregates = aggregates
        self.aliases = aliases or {}
        self._in_aggregate = False

    def build(self, node: exp.Expr) -> Expr:
        handler = _HANDLERS.get(type(node))  # exact types: sqlglot subclasses differ in meaning
        if handler is not None:
            return handler(self, node)
        if isinstance(node, exp.Subquery | exp.Select | exp.Exists | exp.Query):
            raise unsupported(f"sub-query in {self.clause} ({describe(node, self.dialect)})")
        if isinstance(node, exp.Window):
            raise unsupported(describe(node, self.dialect))
        if isinstance(node, exp.Func):
            name = node.name.upper() if isinstance(node, exp.Anonymous) else node.sql_name()
            raise unsupported(f"function {name}")
        raise unsupported(f"{type(node).__name__} ({describe(node, self.dialect)})")

    # -- leaves ---------------------------------------------------------------------------

    def column(self, node: exp.Column) -> Expr:
        if isinstance(node.this, exp.Star):
            raise SchemaError(f"{node.sql()} is only allowed in the SELECT list")
        name, table = node.name, node.table or None
        if table is None and not self.scope.has_column(name):
            alias = self.aliases.get(name.casefold())
            if alias is not None:
                if contains_aggregate(alias) and not self.aggregates:
                    raise SchemaError(
                        f"aggregate {alias} (via alias {name!r}) not allowed in {self.clause}"
                    )
                return alias
        return self.scope.resolve(name, table)

    def literal(self, node: exp.Literal) -> Expr:
        text = node.this
        if node.is_string:
            return Literal(text)
        try:
            return Literal(int(text))
        except ValueError:
            pass
        try:
            return Literal(float(text))
        except ValueError:
            raise unsupported(f"numeric literal {text}") from None

    def param(self, node: exp.Expr) -> Expr:
        index = node.meta.get(PARAM_KEY)
        if index is None:
            raise unsupported(f"parameter {node.sql()}")
        return Param(index)

    # -- operators ------------------------------------------------------------------------

    def comparison(self, node: exp.Binary) -> Expr:
        return Comparison(
            _COMPARISONS[type(node)], self.build(node.this), self.build(node.expression)
        )

    def arithmetic(self, node: exp.Binary) -> Expr:
        return Arithmetic(
            _ARITHMETIC[type(node)], self.build(node.this), self.build(node.expression)
        )

    def div(self, node: exp.Div) -> Expr:
        left, right = self.build(node.this), self.build(node.expression)
        floats = left.type is ColumnType.FLOAT or right.type is ColumnType.FLOAT
        if not node.args.get("typed") and not floats:  # true division (MySQL, DuckDB)
            left = Cast(left, ColumnType.FLOAT)
        return Arithmetic("/", left, right)

    def int_div(self, node: exp.IntDiv) -> Expr:
        return Cast(
            Arithmetic("/", self.build(node.this), self.build(node.expression)), ColumnType.INT
        )

    def neg(self, node: exp.Neg) -> Expr:
        inner = self.build(node.this)
        if (
            isinstance(inner, Literal)
            and isinstance(inner.value, int | float)
            and not isinstance(inner.value, bool)
        ):
            return Literal(-inner.value)
        return Negate(inner)

    def logic(self, node: exp.Connector) -> Expr:
        cls = And if isinstance(node, exp.And) else Or
        args: list[Expr] = []
        for part in node.flatten():  # the operands of a chain of the same connector
            built = self.build(part)
            args.extend(built.args if isinstance(built, cls) else [built])
        return cls(tuple(args))

    def not_(self, node: exp.Not) -> Expr:
        built = self.build(node.this)
        if isinstance(built, InList | Between | Like | IsNull):
            return replace(built, negated=not built.negated)
        return Not(built)

    def paren(self, node: exp.Paren) -> Expr:
        return self.build(node.this)

    def is_(self, node: exp.Is) -> Expr:
        if isinstance(node.expression, exp.Null):
            return IsNull(self.build(node.this))
        raise unsupported(f"IS {node.expression.sql(dialect=self.dialect)} (only IS [NOT] NULL)")

    def in_(self, node: exp.In) -> Expr:
        if node.args.get("query") is not None:
            raise unsupported(f"sub-query in {self.clause} (IN (SELECT ...))")
        if node.args.get("unnest") is not None or node.args.get("field") is not None:
            raise unsupported(describe(node, self.dialect))
        items = node.expressions
        if not items:
            raise unsupported("IN with an empty list")
        return InList(self.build(node.this), tuple(self.build(i) for i in items))

    def between(self, node: exp.Between) -> Expr:
        if node.args.get("symmetric"):
            raise unsupported("BETWEEN SYMMETRIC")
        return Between(
            self.build(node.this), self.build(node.args["low"]), self.build(node.args["high"])
        )

    def like(self, node: exp.Like | exp.ILike) -> Expr:
        sensitive = isinstance(node, exp.Like) and self.dialect in CASE_SENSITIVE_LIKE
        negated = bool(node.args.get("negate"))
        return Like(self.build(node.this), self.build(node.expression), negated, sensitive)

    def escape(self, node: exp.Escape) -> Expr:
        raise unsupported("LIKE ... ESCAPE")

    def case(self, node: exp.Case) -> Expr:
        whens = tuple((self.build(i.this), self.build(i.args["true"])) for i in node.args["ifs"])
        default = node.args.get("default")
        operand = node.this
        return Case(
            whens,
            None if default is None else self.build(default),
            None if operand is None else self.build(operand),
        )

    def if_(self, node: exp.If) -> Expr:
        false = node.args.get("false")
        return Case(
            ((self.build(node.this), self.build(node.args["true"])),),
            None if false is None else self.build(false),
        )

    def cast(self, node: exp.Cast) -> Expr:
        return Cast(self.build(node.this), sql_type(node.to, self.dialect))

    # -- functions ------------------------------------------------------------------------

    def coalesce(self, node: exp.Coalesce) -> Expr:
        args = [node.this, *node.expressions]
        return Func("COALESCE", tuple(self.build(a) for a in args))

    def nullif(self, node: exp.Nullif) -> Expr:
        return Func("NULLIF", (self.build(node.this), self.build(node.expression)))

    def simple_func(self, node: exp.Func) -> Expr:
        return Func(_SIMPLE_FUNCS[type(node)], (self.build(node.this),))

    def round_(self, node: exp.Round) -> Expr:
        args = [self.build(node.this)]
        if node.args.get("decimals") is not None:
            args.append(self.build(node.args["decimals"]))
        if node.args.get("truncate") is not None:
            raise unsupported("ROUND with a truncate argument")
        return Func("ROUND", tuple(args))

    def substring(self, node: exp.Substring) -> Expr:
        args = [self.build(node.this), self.build(node.args.get("start") or exp.Literal.number(1))]
        if node.args.get("length") is not None:
            args.append(self.build(node.args["length"]))
        return Func("SUBSTR", tuple(args))

    def concat(self, node: exp.Concat) -> Expr:
        parts = [self.build(a) for a in node.expressions]
        if node.args.get("coalesce"):  # PostgreSQL's CONCAT skips NULLs
            parts = [Func("COALESCE", (Cast(p, ColumnType.TEXT), Literal(""))) for p in parts]
        out = parts[0]
        for p in parts[1:]:
            out = Arithmetic("||", out, p)
        return out if len(parts) > 1 else Arithmetic("||", out, Literal(""))

    def anonymous(self, node: exp.Anonymous) -> Expr:
        name = node.name.upper()
        if name in ("IIF",) and len(node.expressions) == 3:
            c, a, b = (self.build(e) for e in node.expressions)
            return Case(((c, a),), b)
        if name in (
            "SUBSTR",
            "LENGTH",
            "ABS",
            "LOWER",
            "UPPER",
            "ROUND",
            "NULLIF",
            "IFNULL",
            "COALESCE",
        ):
            return Func(name, tuple(self.build(e) for e in node.expressions))
        raise unsupported(f"function {name}")

    # -- aggregates -----------------------------------------------------------------------

    def aggregate(self, node: exp.AggFunc) -> Expr:
        func = _AGGREGATES[type(node)]
        if not self.aggregates:
            raise SchemaError(
                f"aggregate {node.sql(dialect=self.dialect)} not allowed in {self.clause}"
            )
        if self._in_aggregate:
            raise SchemaError(f"nested aggregate {node.sql(dialect=self.dialect)}")
        if isinstance(node, exp.Min | exp.Max) and node.expressions:
            raise unsupported(f"multi-argument {func}() (use CASE)")
        arg = node.this
        distinct = False
        separator = None
        if isinstance(node, exp.GroupConcat):
            sep = node.args.get("separator")
            if sep is not None:
                if not (isinstance(sep, exp.Literal) and sep.is_string):
                    raise unsupported("GROUP_CONCAT with a non-constant separator")
                separator = sep.this
            if isinstance(arg, exp.Order):
                raise unsupported("GROUP_CONCAT with ORDER BY")
        if isinstance(arg, exp.Distinct):
            if len(arg.expressions) != 1:
                raise unsupported(f"{func}(DISTINCT with {len(arg.expressions)} expressions)")
            distinct, arg = True, arg.expressions[0]
        if isinstance(node, exp.Count) and (arg is None or isinstance(arg, exp.Star)):
            if distinct:
                raise unsupported("COUNT(DISTINCT *)")
            return AggCall("COUNT")
        if isinstance(arg, exp.Star):
            raise SchemaError(f"{func}(*) is not allowed")
        if node.expressions and not isinstance(node, exp.Min | exp.Max):
            raise unsupported(f"{func} with several arguments")
        self._in_aggregate = True
        try:
            built = self.build(arg)
        finally:
            self._in_aggregate = False
        return AggCall(func, built, distinct, separator)

    def agg_filter(self, node: exp.Filter) -> Expr:
        raise unsupported("aggregate FILTER (WHERE ...)")

    def star(self, node: exp.Star) -> Expr:
        raise SchemaError(
            f"* is only allowed in the SELECT list and COUNT(*), not in {self.clause}"
        )


_HANDLERS: dict[type, Callable[[ExprBuilder, exp.Expr], Expr]] = {
    exp.Column: ExprBuilder.column,  # type: ignore[dict-item]
    exp.Literal: ExprBuilder.literal,  # type: ignore[dict-item]
    exp.Null: lambda self, node: Literal(None),
    exp.Boolean: lambda self, node: Literal(bool(node.this)),
    exp.Placeholder: ExprBuilder.param,
    exp.Parameter: ExprBuilder.param,
    exp.Paren: ExprBuilder.paren,  # type: ignore[dict-item]
    exp.Neg: ExprBuilder.neg,  # type: ignore[dict-item]
    exp.Not: ExprBuilder.not_,  # type: ignore[dict-item]
    exp.And: ExprBuilder.logic,  # type: ignore[dict-item]
    exp.Or: ExprBuilder.logic,  # type: ignore[dict-item]
    exp.Is: ExprBuilder.is_,  # type: ignore[dict-item]
    exp.In: ExprBuilder.in_,  # type: ignore[dict-item]
    exp.Between: ExprBuilder.between,  # type: ignore[dict-item]
    exp.Like: ExprBuilder.like,  # type: ignore[dict-item]
    exp.ILike: ExprBuilder.like,  # type: ignore[dict-item]
    exp.Escape: ExprBuilder.escape,  # type: ignore[dict-item]
    exp.Case: ExprBuilder.case,  # type: ignore[dict-item]
    exp.If: ExprBuilder.if_,  # type: ignore[dict-item]
    exp.Cast: ExprBuilder.cast,  # type: ignore[dict-item]
    exp.TryCast: ExprBuilder.cast,  # type: ignore[dict-item]
    exp.Div: ExprBuilder.div,  # type: ignore[dict-item]
    exp.IntDiv: ExprBuilder.int_div,  # type: ignore[dict-item]
    exp.Coalesce: ExprBuilder.coalesce,  # type: ignore[dict-item]
    exp.Nullif: ExprBuilder.nullif,  # type: ignore[dict-item]
    exp.Round: ExprBuilder.round_,  # type: ignore[dict-item]
    exp.Substring: ExprBuilder.substring,  # type: ignore[dict-item]
    exp.Concat: ExprBuilder.concat,  # type: ignore[dict-item]
    exp.Anonymous: ExprBuilder.anonymous,  # type: ignore[dict-item]
    exp.Filter: ExprBuilder.agg_filter,  # type: ignore[dict-item]
    exp.Star: ExprBuilder.star,  # type: ignore[dict-item]
    exp.NullSafeEQ: lambda self, node: _raise("<=> / IS NOT DISTINCT FROM"),
    exp.NullSafeNEQ: lambda self, node: _raise("IS DISTINCT FROM"),
    exp.Rollup: lambda self, node: _raise("GROUP BY ROLLUP"),
    exp.Cube: lambda self, node: _raise("GROUP BY CUBE"),
    exp.GroupingSets: lambda self, node: _raise("GROUP BY GROUPING SETS"),
}
_HANDLERS.update({cls: ExprBuilder.comparison for cls in _COMPARISONS})  # type: ignore[misc]
_HANDLERS.update({cls: ExprBuilder.arithmetic for cls in _ARITHMETIC})  # type: ignore[misc]
_HANDLERS.update({cls: ExprBuilder.simple_func for cls in _SIMPLE_FUNCS})  # type: ignore[misc]
_HANDLERS.update({cls: ExprBuilder.aggregate for cls in _AGGREGATES})  # type: ignore[misc]
