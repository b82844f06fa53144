"""Logical relational operators: the nodes of a query plan.

Every node is a frozen dataclass compared by identity (``eq=False``), so one node object may
feed several parents and a plan is a DAG. Each node infers its output :class:`Schema` when it is
built and checks that its expressions only read columns its input has. Expressions read the
node's *input* row: for a :class:`Join` that is the left row followed by the right row.

=============  ==================================================================================
node           output
=============  ==================================================================================
Scan           the rows of a base table
Values         constant rows (``VALUES``, ``SELECT`` without ``FROM``)
Filter         the input rows whose predicate is ``TRUE``
Project        one row of computed expressions per input row
Join           inner or left equi-join on key columns, with an optional residual predicate
Aggregate      one row per group: the group-by values, then one value per aggregate call
Distinct       the input rows without duplicates
Union          the rows of every input (``all=False`` removes duplicates)
Sort           the input rows ordered by sort keys
Limit          at most ``limit`` rows after skipping ``offset``
=============  ==================================================================================

:mod:`~dcsys.core.relational.workflow` adds ``UDF`` and ``Loop`` nodes and
:mod:`~dcsys.core.relational.statements` the DDL/DML statements.

Examples:
    >>> from dcsys.core.relational.schema import Column, TableSchema
    >>> from dcsys.core.relational.types import ColumnType
    >>> from dcsys.core.relational.predicates import Comparison
    >>> from dcsys.core.relational.expr import Param
    >>> users = Scan(TableSchema("users", [Column("id", ColumnType.INT), Column("name")]))
    >>> posts = Scan(TableSchema("posts", [Column("pid", ColumnType.INT), Column("author", ColumnType.INT)]))
    >>> j = Join(users, posts, "left", left_keys=(0,), right_keys=(1,))
    >>> j.schema.names, j.schema[3].nullable
    (('id', 'name', 'pid', 'author'), True)
    >>> f = Filter(j, Comparison("=", j.schema.ref("users.id"), Param(0)))
    >>> f.describe()
    'Filter (users.id = ?0)'
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from dcsys.core.errors import SchemaError
from dcsys.core.relational.aggregates import AggCall
from dcsys.core.relational.expr import ColumnRef, Expr, columns_used, contains_aggregate
from dcsys.core.relational.schema import Column, Schema, TableSchema
from dcsys.core.relational.types import ColumnType

__all__ = [
    "Aggregate",
    "Distinct",
    "Filter",
    "Join",
    "Limit",
    "PlanNode",
    "Project",
    "Scan",
    "Sort",
    "SortKey",
    "Union",
    "Values",
    "check_expression",
]


def check_expression(expr: Expr, schema: Schema, where: str, *, aggregates: bool = False) -> None:
    """Check that ``expr`` reads only columns of ``schema`` (and no aggregate unless allowed).

    Args:
        expr: the expression.
        schema: the row it is evaluated over.
        where: what the expression is, for the error message.
        aggregates: whether aggregate calls are allowed.

    Raises:
        SchemaError: on a column position out of range or a misplaced aggregate.
    """
    if not isinstance(expr, Expr):
        raise SchemaError(f"{where}: expected an expression, got {expr!r}")
    used = columns_used(expr)
    if used and max(used) >= len(schema):
        raise SchemaError(
            f"{where}: {expr} reads column #{max(used)} but the input has {len(schema)} columns"
        )
    if not aggregates and contains_aggregate(expr):
        raise SchemaError(f"{where}: aggregate not allowed here: {expr}")


class PlanNode:
    """Base class of plan nodes.

    Subclasses name their input fields in ``_inputs`` (a field holding one node, or ``"*"``
    + name for a tuple of nodes) and compute ``schema`` in ``_infer_schema``.

    Attributes:
        schema: the output schema.
    """

    _inputs: ClassVar[tuple[str, ...]] = ()
    schema: Schema

    def __post_init__(self) -> None:
        object.__setattr__(self, "schema", self._infer_schema())

    def _infer_schema(self) -> Schema:
        raise NotImplementedError

    def children(self) -> tuple[PlanNode, ...]:
        """The input nodes, in order."""
        out: list[PlanNode] = []
        for name in self._inputs:
            if name.startswith("*"):
                out.extend(getattr(self, name[1:]))
            else:
                value = getattr(self, name)
                if value is not None:
                    out.append(value)
        return tuple(out)

    def with_inputs(self, *inputs: PlanNode) -> PlanNode:
        """A copy of this node reading from ``inputs`` (in :meth:`children` order).

        The copy re-infers its schema and re-checks its expressions.
        """
        it = iter(inputs)
        changes: dict[str, Any] = {}
        for name in self._inputs:
            if name.startswith("*"):
                changes[name[1:]] = tuple(next(it) for _ in getattr(self, name[1:]))
            elif getattr(self, name) is not None:
                changes[name] = next(it)
        return replace(self, **changes)  # type: ignore[type-var]

    def expressions(self) -> tuple[Expr, ...]:
        """Every expression the node holds (predicates, projections, keys...)."""
        return ()

    def describe(self) -> str:
        """A one-line description (the node's line in :func:`~dcsys.core.relational.plan.explain`)."""
        return type(self).__name__

    def explain(self) -> str:
        """The plan below this node as a readable tree (see :func:`~dcsys.core.relational.plan.explain`)."""
        from dcsys.core.relational.plan import explain

        return explain(self)

    def __repr__(self) -> str:
        return f"<{self.describe()}>"


def _node(cls: type) -> type:
    return dataclass(frozen=True, eq=False, repr=False)(cls)


def _schema_field() -> Any:
    return field(init=False, repr=False, compare=False)


@_node
class Scan(PlanNode):
    """Read a base table.

    Attributes:
        table: the table.
        alias: the name its columns are qualified with (the table name by default).
    """

    table: TableSchema
    alias: str | None = None
    schema: Schema = _schema_field()

    def _infer_schema(self) -> Schema:
        return self.table.schema.qualified(self.alias or self.table.name)

    def describe(self) -> str:
        """One line describing the node (see :meth:`PlanNode.describe`)."""
        alias = f" AS {self.alias}" if self.alias and self.alias != self.table.name else ""
        return f"Scan {self.table.name}{alias}"


@_node
class Values(PlanNode):
    """Constant rows; each row is a tuple of column-free expressions (literals, parameters...).

    Attributes:
        rows: the rows.
        names: the column names (``column1``, ``column2``... by default).
    """

    rows: tuple[tuple[Expr, ...], ...]
    names: tuple[str, ...] | None = None
    schema: Schema = _schema_field()

    def _infer_schema(self) -> Schema:
        rows = tuple(tuple(r) for r in self.rows)
        object.__setattr__(self, "rows", rows)
        width = len(self.names) if self.names is not None else (len(rows[0]) if rows else 0)
        names = (
            tuple(self.names)
            if self.names is not None
            else tuple(f"column{i + 1}" for i in range(width))
        )
        object.__setattr__(self, "names", names)
        types = [ColumnType.NULL] * width
        nullable = [False] * width
        for row in rows:
            if len(row) != width:
                raise SchemaError(f"VALUES rows must all have {width} columns, got {len(row)}")
            for i, e in enumerate(row):
                check_expression(e, Schema(), "VALUES")
                types[i] = types[i].unify(e.type)
                nullable[i] = nullable[i] or e.nullable
        return Schema(
            tuple(Column(n, t, nl) for n, t, nl in zip(names, types, nullable, strict=True))
        )

    def expressions(self) -> tuple[Expr, ...]:
        """The node's expressions (see :meth:`PlanNode.expressions`)."""
        return tuple(e for row in self.rows for e in row)

    def describe(self) -> str:
        """One line describing the node (see :meth:`PlanNode.describe`)."""
        shown = ", ".join("(" + ", ".join(str(e) for e in r) + ")" for r in self.rows[:3])
        more = f", ... {len(self.rows)} rows" if len(self.rows) > 3 else ""
        return f"Values [{shown}{more}]"


@_node
class Filter(PlanNode):
    """Keep the input rows whose predicate is ``TRUE``.

    Attributes:
        input: the input.
        predicate: a boolean expression over the input row.
    """

    input: PlanNode
    predicate: Expr
    schema: Schema = _schema_field()
    _inputs: ClassVar = ("input",)

    def _infer_schema(self) -> Schema:
        check_expression(self.predicate, self.input.schema, "Filter")
        return self.input.schema

    def expressions(self) -> tuple[Expr, ...]:
        """The node's expressions (see :meth:`PlanNode.expressions`)."""
        return (self.predicate,)

    def describe(self) -> str:
        """One line describing the node (see :meth:`PlanNode.describe`)."""
        return f"Filter {self.predicate}"


@_node
class Project(PlanNode):
    """Compute one output row of expressions per input row.

    Attributes:
        input: the input.
        exprs: the output expressions, over the input row.
        names: the output column names (default: a column reference's name, else the
            expression's text).
        table: the qualifier of the output columns (e.g. a sub-query's alias); by default a
            column passed through under its own name keeps its table, other columns have none.
    """

    input: PlanNode
    exprs: tuple[Expr, ...]
    names: tuple[str, ...] | None = None
    table: str | None = None
    schema: Schema = _schema_field()
    _inputs: ClassVar = ("input",)

    def _infer_schema(self) -> Schema:
        exprs = tuple(self.exprs)
        object.__setattr__(self, "exprs", exprs)
        if self.names is None:
            names = tuple(e.name if isinstance(e, ColumnRef) and e.name else str(e) for e in exprs)
        else:
            names = tuple(self.names)
            if len(names) != len(exprs):
                raise SchemaError(f"Project has {len(exprs)} expressions but {len(names)} names")
        object.__setattr__(self, "names", names)
        columns = []
        for e, n in zip(exprs, names, strict=True):
            check_expression(e, self.input.schema, "Project")
            table = self.table
            if table is None and isinstance(e, ColumnRef):
                source = self.input.schema[e.index]
                if source.name == n:  # a column passed through keeps its qualifier
                    table = source.table
            columns.append(Column(n, e.type, e.nullable, table))
        return Schema(tuple(columns))

    def expressions(self) -> tuple[Expr, ...]:
        """The node's expressions (see :meth:`PlanNode.expressions`)."""
        return self.exprs

    def is_identity(self) -> bool:
        """Whether the projection passes every input column through unchanged, in order."""
        return len(self.exprs) == len(self.input.schema) and all(
            isinstance(e, ColumnRef) and e.index == i for i, e in enumerate(self.exprs)
        )

    def describe(self) -> str:
        """One line describing the node (see :meth:`PlanNode.describe`)."""
        assert self.names is not None
        items = []
        for e, n in zip(self.exprs, self.names, strict=True):
            text = str(e)
            plain = isinstance(e, ColumnRef) and e.name == n
            items.append(text if plain or text == n else f"{text} AS {n}")
        table = f" AS {self.table}" if self.table else ""
        return f"Project [{', '.join(items)}]{table}"


@_node
class Join(PlanNode):
    """An inner or left equi-join; output rows are the left row followed by the right row.

    A left row matches a right row when every ``left_keys[i]`` column equals the
    ``right_keys[i]`` column (``NULL`` matches nothing) and the residual predicate (over the
    joined row) is ``TRUE``. A left join also emits every unmatched left row padded with
    ``NULL``. With no keys the join is a cross product filtered by the residual.

    Attributes:
        left: the left input.
        right: the right input.
        kind: ``"inner"`` or ``"left"``.
        left_keys: key positions in the left input.
        right_keys: key positions in the right input.
        residual: an extra join condition over the joined row, or ``None``.
    """

    left: PlanNode
    right: PlanNode
    kind: str = "inner"
    left_keys: tuple[int, ...] = ()
    right_keys: tuple[int, ...] = ()
    residual: Expr | None = None
    schema: Schema = _schema_field()
    _inputs: ClassVar = ("left", "right")

    def _infer_schema(self) -> Schema:
        if self.kind not in ("inner", "left"):
            raise SchemaError(f"join kind must be 'inner' or 'left', got {self.kind!r}")
        lk, rk = tuple(self.left_keys), tuple(self.right_keys)
        object.__setattr__(self, "left_keys", lk)
        object.__setattr__(self, "right_keys", rk)
        if len(lk) != len(rk):
            raise SchemaError(f"join has {len(lk)} left keys but {len(rk)} right keys")
        for keys, side in ((lk, self.left), (rk, self.right)):
            for k in keys:
                if not 0 <= k < len(side.schema):
                    raise SchemaError(f"join key #{k} out of range for {side.describe()}")
        right = self.right.schema if self.kind == "inner" else self.right.schema.nullable()
        schema = self.left.schema + right
        if self.residual is not None:
            check_expression(self.residual, schema, "Join residual")
        return schema

    def expressions(self) -> tuple[Expr, ...]:
        """The node's expressions (see :meth:`PlanNode.expressions`)."""
        return () if self.residual is None else (self.residual,)

    def describe(self) -> str:
        """One line describing the node (see :meth:`PlanNode.describe`)."""
        ls, rs = self.left.schema, self.right.schema
        keys = " AND ".join(
            f"{ls[a].qualified_name} = {rs[b].qualified_name}"
            for a, b in zip(self.left_keys, self.right_keys, strict=True)
        )
        text = f"Join {self.kind}"
        if keys:
            text += f" on {keys}"
        if self.residual is not None:
            text += f" residual {self.residual}"
        return text if keys or self.residual is not None else text + " (cross)"


@_node
class Aggregate(PlanNode):
    """Group the input and aggregate each group.

    Output rows are the ``group_by`` values followed by one value per aggregate call. Without
    ``group_by`` there is exactly one output row, even for an empty input.

    Attributes:
        input: the input.
        group_by: the grouping expressions, over the input row.
        aggregates: the aggregate calls, their arguments over the input row.
        names: the output column names (default: the group columns' names and the calls' text).
    """

    input: PlanNode
    group_by: tuple[Expr, ...] = ()
    aggregates: tuple[AggCall, ...] = ()
    names: tuple[str, ...] | None = None
    schema: Schema = _schema_field()
    _inputs: ClassVar = ("input",)

    def _infer_schema(self) -> Schema:
        group_by, aggs = tuple(self.group_by), tuple(self.aggregates)
        object.__setattr__(self, "group_by", group_by)
        object.__setattr__(self, "aggregates", aggs)
        columns = []
        for e in group_by:
            check_expression(e, self.input.schema, "GROUP BY")
            if isinstance(e, ColumnRef):
                source = self.input.schema[e.index]
                columns.append(Column(source.name, source.type, source.nullable, source.table))
            else:
                columns.append(Column(str(e), e.type, e.nullable))
        for a in aggs:
            if not isinstance(a, AggCall):
                raise SchemaError(f"Aggregate takes AggCall objects, got {a!r}")
            if a.arg is not None:
                check_expression(a.arg, self.input.schema, f"argument of {a.func}")
            columns.append(Column(str(a), a.type, a.nullable))
        if self.names is not None:
            names = tuple(self.names)
            if len(names) != len(columns):
                raise SchemaError(f"Aggregate has {len(columns)} outputs but {len(names)} names")
            columns = [replace(c, name=n) for c, n in zip(columns, names, strict=True)]
        return Schema(tuple(columns))

    def expressions(self) -> tuple[Expr, ...]:
        """The node's expressions (see :meth:`PlanNode.expressions`)."""
        return self.group_by + self.aggregates

    def describe(self) -> str:
        """One line describing the node (see :meth:`PlanNode.describe`)."""
        groups = ", ".join(str(g) for g in self.group_by)
        aggs = ", ".join(str(a) for a in self.aggregates)
        return f"Aggregate group_by=[{groups}] aggregates=[{aggs}]"


@_node
class Distinct(PlanNode):
    """Remove duplicate rows (``NULL`` equals ``NULL`` here).

    Attributes:
        input: the input.
    """

    input: PlanNode
    schema: Schema = _schema_field()
    _inputs: ClassVar = ("input",)

    def _infer_schema(self) -> Schema:
        return self.input.schema


@_node
class Union(PlanNode):
    """The rows of every input; ``all=False`` (``UNION``) also removes duplicates.

    Attributes:
        inputs: the inputs (at least two, all of the same width).
        all: ``UNION ALL`` (keep duplicates).
    """

    inputs: tuple[PlanNode, ...]
    all: bool = False
    schema: Schema = _schema_field()
    _inputs: ClassVar = ("*inputs",)

    def _infer_schema(self) -> Schema:
        inputs = tuple(self.inputs)
        object.__setattr__(self, "inputs", inputs)
        if len(inputs) < 2:
            raise SchemaError("UNION needs at least two inputs")
        width = len(inputs[0].schema)
        columns = list(inputs[0].schema.qualified(None))
        for other in inputs[1:]:
            if len(other.schema) != width:
                raise SchemaError(
                    f"UNION inputs have {width} and {len(other.schema)} columns; they must match"
                )
            columns = [
                replace(c, type=c.type.unify(o.type), nullable=c.nullable or o.nullable)
                for c, o in zip(columns, other.schema, strict=True)
            ]
        return Schema(tuple(columns))

    def describe(self) -> str:
        """One line describing the node (see :meth:`PlanNode.describe`)."""
        return "Union all" if self.all else "Union distinct"


@dataclass(frozen=True)
class SortKey:
    """One ``ORDER BY`` term.

    Attributes:
        expr: the sort expression, over the input row.
        descending: ``DESC``.
        nulls_first: where ``NULL`` sorts; ``None`` means SQLite's default (first when
            ascending, last when descending).
    """

    expr: Expr
    descending: bool = False
    nulls_first: bool | None = None

    def __post_init__(self) -> None:
        if self.nulls_first is None:
            object.__setattr__(self, "nulls_first", not self.descending)

    def __str__(self) -> str:
        text = f"{self.expr} {'DESC' if self.descending else 'ASC'}"
        if self.nulls_first != (not self.descending):
            text += " NULLS FIRST" if self.nulls_first else " NULLS LAST"
        return text


@_node
class Sort(PlanNode):
    """Order the input rows (stably) by the sort keys, in SQL order (numbers before text).

    Attributes:
        input: the input.
        keys: the sort keys, most significant first.
    """

    input: PlanNode
    keys: tuple[SortKey, ...]
    schema: Schema = _schema_field()
    _inputs: ClassVar = ("input",)

    def _infer_schema(self) -> Schema:
        keys = tuple(k if isinstance(k, SortKey) else SortKey(k) for k in self.keys)
        object.__setattr__(self, "keys", keys)
        for k in keys:
            check_expression(k.expr, self.input.schema, "ORDER BY")
        return self.input.schema

    def expressions(self) -> tuple[Expr, ...]:
        """The node's expressions (see :meth:`PlanNode.expressions`)."""
        return tuple(k.expr for k in self.keys)

    def describe(self) -> str:
        """One line describing the node (see :meth:`PlanNode.describe`)."""
        return f"Sort [{', '.join(str(k) for k in self.keys)}]"


@_node
class Limit(PlanNode):
    """Skip ``offset`` rows, then keep at most ``limit`` (all when ``None``).

    Attributes:
        input: the input (usually a :class:`Sort`; together they are a top-k).
        limit: the maximum number of rows, or ``None``.
        offset: the number of rows skipped first.
    """

    input: PlanNode
    limit: int | None = None
    offset: int = 0
    schema: Schema = _schema_field()
    _inputs: ClassVar = ("input",)

    def _infer_schema(self) -> Schema:
        for name in ("limit", "offset"):
            value = getattr(self, name)
            if value is None and name == "limit":
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise SchemaError(f"{name.upper()} must be an integer >= 0, got {value!r}")
        return self.input.schema

    def describe(self) -> str:
        """One line describing the node (see :meth:`PlanNode.describe`)."""
        text = f"Limit {self.limit if self.limit is not None else 'ALL'}"
        return text + (f" offset {self.offset}" if self.offset else "")
