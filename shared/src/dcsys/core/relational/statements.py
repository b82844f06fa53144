"""Statements: ``CREATE TABLE``, ``CREATE VIEW``, ``DROP TABLE``, ``INSERT``, ``UPDATE``, ``DELETE``.

Statements are plan nodes with an empty output schema. :func:`apply_ddl` applies the DDL ones to
a :class:`~dcsys.core.relational.schema.Catalog`; the reference interpreter's
:func:`~dcsys.core.relational.interpreter.execute` applies the DML ones to in-memory tables.
Expressions of ``UPDATE`` and ``DELETE`` read a row of the target table.

Examples:
    >>> from dcsys.core.relational.schema import Catalog, Column, TableSchema
    >>> from dcsys.core.relational.types import ColumnType
    >>> from dcsys.core.relational.expr import Literal, Param
    >>> t = TableSchema("t", [Column("id", ColumnType.INT), Column("v")], primary_key=["id"])
    >>> catalog = Catalog()
    >>> apply_ddl(CreateTable(t), catalog)
    True
    >>> Insert(t, ("id", "v"), rows=((Literal(1), Param(0)),)).describe()
    'Insert into t (id, v) 1 rows'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from dcsys.core.errors import SchemaError
from dcsys.core.relational.expr import Expr
from dcsys.core.relational.operators import PlanNode, _schema_field, check_expression
from dcsys.core.relational.schema import Catalog, Schema, TableSchema

__all__ = [
    "CreateTable",
    "CreateView",
    "Delete",
    "DropTable",
    "Insert",
    "Statement",
    "Update",
    "apply_ddl",
]


class Statement(PlanNode):
    """Base class of statements (plan roots with no output rows)."""

    def _infer_schema(self) -> Schema:
        self._check()
        return Schema()

    def _check(self) -> None:
        """Validate the statement (subclasses override)."""


def _stmt(cls: type) -> type:
    return dataclass(frozen=True, eq=False, repr=False)(cls)


@_stmt
class CreateTable(Statement):
    """``CREATE TABLE``.

    Attributes:
        table: the new table's schema.
        if_not_exists: do nothing if the table exists.
    """

    table: TableSchema
    if_not_exists: bool = False
    schema: Schema = _schema_field()

    def describe(self) -> str:
        """One line describing the node (see :meth:`PlanNode.describe`)."""
        return f"CreateTable {self.table}"


@_stmt
class CreateView(Statement):
    """``CREATE VIEW name AS query``.

    Attributes:
        name: the view's name.
        query: the view's plan.
    """

    name: str
    query: PlanNode
    schema: Schema = _schema_field()
    _inputs: ClassVar = ("query",)

    def describe(self) -> str:
        """One line describing the node (see :meth:`PlanNode.describe`)."""
        return f"CreateView {self.name}"


@_stmt
class DropTable(Statement):
    """``DROP TABLE`` (or ``DROP VIEW``).

    Attributes:
        name: the table's name.
        if_exists: do nothing if there is no such table.
    """

    name: str
    if_exists: bool = False
    schema: Schema = _schema_field()

    def describe(self) -> str:
        """One line describing the node (see :meth:`PlanNode.describe`)."""
        return f"DropTable {self.name}"


@_stmt
class Insert(Statement):
    """``INSERT INTO table (columns) VALUES rows`` or ``... SELECT``.

    Attributes:
        table: the target table.
        columns: the target column names (all the table's columns, in order, by default).
        rows: the inserted rows: tuples of column-free expressions (literals, parameters).
        query: instead of ``rows``, a plan whose result rows are inserted.
    """

    table: TableSchema
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Expr, ...], ...] = ()
    query: PlanNode | None = None
    schema: Schema = _schema_field()
    _inputs: ClassVar = ("query",)

    def _check(self) -> None:
        columns = tuple(self.columns) or self.table.schema.names
        object.__setattr__(self, "columns", columns)
        object.__setattr__(self, "rows", tuple(tuple(r) for r in self.rows))
        for name in columns:
            self.table.schema.index(name)
        if len({c.casefold() for c in columns}) != len(columns):
            raise SchemaError(f"INSERT into {self.table.name!r} names a column twice")
        if self.query is not None and self.rows:
            raise SchemaError("INSERT takes rows or a query, not both")
        width = len(columns)
        if self.query is not None and len(self.query.schema) != width:
            raise SchemaError(
                f"INSERT into {self.table.name!r}: {width} columns but the query gives "
                f"{len(self.query.schema)}"
            )
        for row in self.rows:
            if len(row) != width:
                raise SchemaError(
                    f"INSERT into {self.table.name!r}: {width} columns but a row has {len(row)} values"
                )
            for e in row:
                check_expression(e, Schema(), "INSERT value")

    @property
    def column_indices(self) -> tuple[int, ...]:
        """Positions in the table of the target columns."""
        return tuple(self.table.schema.index(c) for c in self.columns)

    def expressions(self) -> tuple[Expr, ...]:
        """The node's expressions (see :meth:`PlanNode.expressions`)."""
        return tuple(e for row in self.rows for e in row)

    def describe(self) -> str:
        """One line describing the node (see :meth:`PlanNode.describe`)."""
        source = "from query" if self.query is not None else f"{len(self.rows)} rows"
        return f"Insert into {self.table.name} ({', '.join(self.columns)}) {source}"


@_stmt
class Update(Statement):
    """``UPDATE table SET column = expr, ... [WHERE predicate]``.

    Attributes:
        table: the target table.
        assignments: ``(column position, new value)`` pairs; values read the old row.
        predicate: which rows to update (all when ``None``).
    """

    table: TableSchema
    assignments: tuple[tuple[int, Expr], ...]
    predicate: Expr | None = None
    schema: Schema = _schema_field()

    def _check(self) -> None:
        assignments = tuple((int(i), e) for i, e in self.assignments)
        object.__setattr__(self, "assignments", assignments)
        if not assignments:
            raise SchemaError("UPDATE needs at least one assignment")
        width = len(self.table.schema)
        for i, e in assignments:
            if not 0 <= i < width:
                raise SchemaError(f"UPDATE of {self.table.name!r}: column #{i} out of range")
            check_expression(e, self.table.schema, "UPDATE value")
        if self.predicate is not None:
            check_expression(self.predicate, self.table.schema, "UPDATE predicate")

    def expressions(self) -> tuple[Expr, ...]:
        """The node's expressions (see :meth:`PlanNode.expressions`)."""
        exprs = tuple(e for _, e in self.assignments)
        return exprs + (() if self.predicate is None else (self.predicate,))

    def describe(self) -> str:
        """One line describing the node (see :meth:`PlanNode.describe`)."""
        cols = self.table.schema
        sets = ", ".join(f"{cols[i].name} = {e}" for i, e in self.assignments)
        where = f" where {self.predicate}" if self.predicate is not None else ""
        return f"Update {self.table.name} set {sets}{where}"


@_stmt
class Delete(Statement):
    """``DELETE FROM table [WHERE predicate]``.

    Attributes:
        table: the target table.
        predicate: which rows to delete (all when ``None``).
    """

    table: TableSchema
    predicate: Expr | None = None
    schema: Schema = _schema_field()

    def _check(self) -> None:
        if self.predicate is not None:
            check_expression(self.predicate, self.table.schema, "DELETE predicate")

    def expressions(self) -> tuple[Expr, ...]:
        """The node's expressions (see :meth:`PlanNode.expressions`)."""
        return () if self.predicate is None else (self.predicate,)

    def describe(self) -> str:
        """One line describing the node (see :meth:`PlanNode.describe`)."""
        where = f" where {self.predicate}" if self.predicate is not None else ""
        return f"Delete from {self.table.name}{where}"


def apply_ddl(statement: PlanNode, catalog: Catalog) -> bool:
    """Apply a ``CREATE TABLE``, ``CREATE VIEW`` or ``DROP TABLE`` to ``catalog``.

    Args:
        statement: the statement (a :class:`~dcsys.core.relational.plan.Plan`'s root); other
            nodes are ignored.
        catalog: the catalog to change.

    Returns:
        Whether ``statement`` was DDL (and so was applied).

    Raises:
        SchemaError: creating a table that exists (without ``IF NOT EXISTS``).
        UnknownNameError: dropping a table that does not exist (without ``IF EXISTS``).
    """
    root = getattr(statement, "root", statement)
    if isinstance(root, CreateTable):
        if not (root.if_not_exists and root.table.name in catalog):
            catalog.add(root.table)
        return True
    if isinstance(root, CreateView):
        catalog.add_view(root.name, root.query)
        return True
    if isinstance(root, DropTable):
        if not (root.if_exists and root.name not in catalog):
            catalog.drop(root.name)
        return True
    return False
