"""Private: build plans for DDL and DML statements."""

from __future__ import annotations

from sqlglot import exp

from dcsys.core.errors import SchemaError
from dcsys.core.relational.expr import Literal
from dcsys.core.relational.operators import PlanNode, Scan
from dcsys.core.relational.plan import count_params
from dcsys.core.relational.schema import Column, TableSchema
from dcsys.core.relational.statements import (
    CreateTable,
    CreateView,
    Delete,
    DropTable,
    Insert,
    Update,
)
from dcsys.core.relational.types import ColumnType

from ._expressions import ExprBuilder, Scope, Source, describe, sql_type, unsupported
from ._select import Env, build_query

__all__ = ["build_statement"]

_IGNORED_COLUMN_CONSTRAINTS = (
    exp.UniqueColumnConstraint,
    exp.CommentColumnConstraint,
    exp.CollateColumnConstraint,
    exp.CharacterSetColumnConstraint,
    exp.OnUpdateColumnConstraint,
    exp.Reference,
)
_IGNORED_TABLE_ITEMS = (
    exp.UniqueColumnConstraint,
    exp.IndexColumnConstraint,
    exp.ForeignKey,
)


def build_statement(node: exp.Expr, env: Env) -> PlanNode:
    """Build the plan of a non-query statement."""
    if isinstance(node, exp.Create):
        return _create(node, env)
    if isinstance(node, exp.Drop):
        kind = (node.args.get("kind") or "").upper()
        if kind not in ("TABLE", "VIEW"):
            raise unsupported(f"DROP {kind}")
        tables = node.args.get("tables") or ([node.this] if node.this is not None else [])
        if len(tables) != 1:
            raise unsupported(f"DROP {kind} of {len(tables)} tables")
        return DropTable(tables[0].name, bool(node.args.get("exists")))
    if isinstance(node, exp.Insert):
        return _insert(node, env)
    if isinstance(node, exp.Update):
        return _update(node, env)
    if isinstance(node, exp.Delete):
        return _delete(node, env)
    raise unsupported(f"statement {describe(node, env.dialect)}")


def _create(node: exp.Create, env: Env) -> PlanNode:
    kind = (node.args.get("kind") or "").upper()
    if kind == "VIEW":
        name = node.this.name if isinstance(node.this, exp.Table) else node.this.this.name
        query = build_query(node.expression, env)
        if count_params(query):
            raise unsupported("parameters in a view")
        return CreateView(name, query)
    if kind != "TABLE":
        raise unsupported(f"CREATE {kind}")
    if node.expression is not None:
        raise unsupported("CREATE TABLE ... AS SELECT")
    if node.args.get("replace"):
        raise unsupported("CREATE OR REPLACE TABLE")
    schema = node.this
    if not isinstance(schema, exp.Schema):
        raise unsupported("CREATE TABLE without columns")
    name = schema.this.name
    columns: list[Column] = []
    primary_key: list[str] = []
    for item in schema.expressions:
        if isinstance(item, exp.ColumnDef):
            column, is_key = _column(item, env)
            columns.append(column)
            if is_key:
                primary_key.append(column.name)
        elif isinstance(item, exp.PrimaryKey):
            primary_key.extend(_key_names(item))
        elif isinstance(item, exp.Constraint):
            for inner in item.expressions:
                if isinstance(inner, exp.PrimaryKey):
                    primary_key.extend(_key_names(inner))
                elif isinstance(inner, exp.CheckColumnConstraint):
                    raise unsupported("CHECK constraint")
        elif isinstance(item, _IGNORED_TABLE_ITEMS):
            continue
        elif isinstance(item, exp.CheckColumnConstraint):
            raise unsupported("CHECK constraint")
        else:
            raise unsupported(f"table element {describe(item, env.dialect)}")
    if len(set(k.casefold() for k in primary_key)) != len(primary_key):
        raise SchemaError(f"table {name!r} declares its primary key more than once")
    table = TableSchema(name, tuple(columns), tuple(primary_key))
    return CreateTable(table, bool(node.args.get("exists")))


def _key_names(item: exp.PrimaryKey) -> list[str]:
    out = []
    for e in item.expressions:
        while isinstance(e, exp.Ordered):
            e = e.this
        out.append(e.name)
    return out


def _column(item: exp.ColumnDef, env: Env) -> tuple[Column, bool]:
    kind = item.args.get("kind")
    ctype = ColumnType.UNKNOWN if kind is None else sql_type(kind, env.dialect)
    nullable, is_key, auto, default = True, False, False, None
    for c in item.constraints:
        k = c.kind
        if isinstance(k, exp.NotNullColumnConstraint):
            nullable = bool(k.args.get("allow_null"))
        elif isinstance(k, exp.PrimaryKeyColumnConstraint):
            is_key = True
        elif isinstance(
            k, exp.AutoIncrementColumnConstraint | exp.GeneratedAsIdentityColumnConstraint
        ):
            auto = True
        elif isinstance(k, exp.DefaultColumnConstraint):
            value = ExprBuilder(Scope([]), env.dialect, "DEFAULT").build(k.this)
            if not isinstance(value, Literal):
                raise unsupported(f"DEFAULT {k.this.sql(dialect=env.dialect)} (only constants)")
            default = value.value
        elif isinstance(k, exp.CheckColumnConstraint):
            raise unsupported("CHECK constraint")
        elif isinstance(k, _IGNORED_COLUMN_CONSTRAINTS):
            continue
        else:
            raise unsupported(f"column constraint {describe(c, env.dialect)}")
    return Column(item.name, ctype, nullable, None, default, auto), is_key


def _target(table: exp.Expr, env: Env) -> TableSchema:
    if not isinstance(table, exp.Table):
        raise unsupported(f"target {describe(table, env.dialect)}")
    return env.catalog.table(table.name)


def _insert(node: exp.Insert, env: Env) -> PlanNode:
    for arg, what in (
        ("conflict", "INSERT ... ON CONFLICT"),
        ("returning", "RETURNING"),
        ("overwrite", "INSERT OVERWRITE"),
        ("ignore", "INSERT IGNORE"),
        ("alternative", "INSERT OR ..."),
        ("where", "INSERT ... WHERE"),
        ("partition", "INSERT ... PARTITION"),
    ):
        if node.args.get(arg):
            raise unsupported(what)
    target = node.this
    table_node = target.this if isinstance(target, exp.Schema) else target
    table = _target(table_node, env)
    columns: tuple[str, ...] = ()
    if isinstance(target, exp.Schema):
        columns = tuple(i.name for i in target.expressions)
    elif table.name.casefold() in env.inferred:
        raise SchemaError(f"INSERT into {table.name!r} without a column list needs a catalog")
    source = node.expression
    if isinstance(source, exp.Values):
        builder = ExprBuilder(Scope([]), env.dialect, "VALUES")
        rows = []
        for row in source.expressions:
            items = row.expressions if isinstance(row, exp.Tuple) else [row]
            for e in items:
                if isinstance(e, exp.Var) and e.name.upper() == "DEFAULT":
                    raise unsupported("DEFAULT in VALUES")
            rows.append(tuple(builder.build(e) for e in items))
        return Insert(table, columns, tuple(rows))
    if source is None:
        raise unsupported("INSERT without VALUES or SELECT")
    return Insert(table, columns, query=build_query(source, env))


def _dml_scope(table_node: exp.Expr, env: Env) -> tuple[TableSchema, Scope]:
    table = _target(table_node, env)
    alias = table_node.alias or None
    scan = Scan(table, alias if alias and alias != table.name else None)
    return table, Scope([Source(alias or table.name, scan)])


def _update(node: exp.Update, env: Env) -> PlanNode:
    for arg, what in (
        ("from_", "UPDATE ... FROM"),
        ("returning", "RETURNING"),
        ("order", "UPDATE ... ORDER BY"),
        ("limit", "UPDATE ... LIMIT"),
        ("with_", "WITH ... UPDATE"),
    ):
        if node.args.get(arg):
            raise unsupported(what)
    table, scope = _dml_scope(node.this, env)
    builder = ExprBuilder(scope, env.dialect, "UPDATE")
    assignments = []
    for eq in node.expressions:
        if not isinstance(eq, exp.EQ) or not isinstance(eq.this, exp.Column):
            raise unsupported(f"assignment {describe(eq, env.dialect)}")
        index = table.schema.index(eq.this.name)
        assignments.append((index, builder.build(eq.expression)))
    where = node.args.get("where")
    predicate = ExprBuilder(scope, env.dialect, "WHERE").build(where.this) if where else None
    return Update(table, tuple(assignments), predicate)


def _delete(node: exp.Delete, env: Env) -> PlanNode:
    for arg, what in (
        ("using", "DELETE ... USING"),
        ("returning", "RETURNING"),
        ("limit", "DELETE ... LIMIT"),
        ("order", "DELETE ... ORDER BY"),
        ("with_", "WITH ... DELETE"),
        ("tables", "multi-table DELETE"),
    ):
        if node.args.get(arg):
            raise unsupported(what)
    table, scope = _dml_scope(node.this, env)
    where = node.args.get("where")
    predicate = ExprBuilder(scope, env.dialect, "WHERE").build(where.this) if where else None
    return Delete(table, predicate)
