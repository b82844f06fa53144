"""Columns, schemas, table schemas and the catalog.

A :class:`Schema` is the ordered list of columns an operator produces. Columns are looked up by
name, optionally qualified by the table (or alias) they come from — ``"id"`` or ``"a.id"`` —
case-insensitively, as SQL does for unquoted names. A name that matches no column raises
:class:`~dcsys.core.errors.UnknownNameError`; one that matches several raises
:class:`AmbiguousColumnError`.

A :class:`TableSchema` is a named base table with a primary key; a :class:`Catalog` holds the
tables (and named views) a query may read.

Examples:
    >>> users = TableSchema("users", [Column("id", ColumnType.INT), Column("name", ColumnType.TEXT)],
    ...                     primary_key=["id"])
    >>> posts = TableSchema("posts", [Column("id", ColumnType.INT), Column("author", ColumnType.INT)])
    >>> both = users.schema + posts.schema
    >>> both.index("posts.id"), both.index("name")
    (2, 1)
    >>> both.index("id")
    Traceback (most recent call last):
    ...
    dcsys.core.relational.schema.AmbiguousColumnError: ambiguous column 'id' (users.id, posts.id)
    >>> Catalog([users]).table("user")
    Traceback (most recent call last):
    ...
    dcsys.core.errors.UnknownNameError: unknown table 'user' (known: users)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from dcsys.core.errors import SchemaError, UnknownNameError
from dcsys.core.relational.types import ColumnType

if TYPE_CHECKING:
    from dcsys.core.relational.expr import ColumnRef
    from dcsys.core.relational.operators import PlanNode

__all__ = ["AmbiguousColumnError", "Catalog", "Column", "Schema", "TableSchema"]


class AmbiguousColumnError(SchemaError):
    """A column name that matches more than one column of a schema; qualify it with its table."""


def _fold(name: str) -> str:
    return name.casefold()


@dataclass(frozen=True)
class Column:
    """One column: its name, type, whether it may hold ``NULL``, and its table (or alias).

    Attributes:
        name: the column name.
        type: the column type.
        nullable: whether the column may hold ``NULL``.
        table: the table or alias that qualifies the column, or ``None``.
        default: the value an ``INSERT`` that omits the column stores (base tables only).
        auto_increment: whether an ``INSERT`` of ``NULL`` (or none) stores the next integer.
    """

    name: str
    type: ColumnType = ColumnType.UNKNOWN
    nullable: bool = True
    table: str | None = None
    default: Any = None
    auto_increment: bool = False

    @property
    def qualified_name(self) -> str:
        """``table.name``, or ``name`` for an unqualified column."""
        return f"{self.table}.{self.name}" if self.table else self.name

    def __str__(self) -> str:
        null = "" if self.nullable else " NOT NULL"
        return f"{self.qualified_name} {self.type}{null}"


@dataclass(frozen=True)
class Schema:
    """An ordered tuple of columns with lookup by (qualified) name.

    Args:
        columns: the columns, in order.

    Examples:
        >>> s = Schema([Column("a", ColumnType.INT, table="t"), Column("b", table="t")])
        >>> len(s), s.names, s.index("t.b")
        (2, ('a', 'b'), 1)
        >>> s.ref("a")
        ColumnRef(index=0, name='a', type=<ColumnType.INT: 'INT'>, table='t', nullable=True)
    """

    columns: tuple[Column, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.columns, tuple):
            object.__setattr__(self, "columns", tuple(self.columns))
        for column in self.columns:
            if not isinstance(column, Column):
                raise SchemaError(f"a schema holds Column objects, got {column!r}")

    def __len__(self) -> int:
        return len(self.columns)

    def __iter__(self) -> Iterator[Column]:
        return iter(self.columns)

    def __getitem__(self, index: int) -> Column:
        return self.columns[index]

    def __add__(self, other: Schema) -> Schema:
        return Schema(self.columns + other.columns)

    def __str__(self) -> str:
        return "(" + ", ".join(str(c) for c in self.columns) + ")"

    @property
    def names(self) -> tuple[str, ...]:
        """The column names, in order."""
        return tuple(c.name for c in self.columns)

    @property
    def types(self) -> tuple[ColumnType, ...]:
        """The column types, in order."""
        return tuple(c.type for c in self.columns)

    @cached_property
    def _by_name(self) -> dict[str, list[int]]:
        index: dict[str, list[int]] = {}
        for i, column in enumerate(self.columns):
            index.setdefault(_fold(column.name), []).append(i)
        return index

    def find_all(self, name: str, table: str | None = None) -> list[int]:
        """The positions of every column called ``name`` (in ``table``, if given).

        Args:
            name: a column name, or ``"table.column"`` when ``table`` is not given.
            table: the table or alias that must qualify the column.

        Returns:
            The matching positions, possibly empty.
        """
        if table is None and "." in name:
            table, name = name.rsplit(".", 1)
        hits = self._by_name.get(_fold(name), [])
        if table is None:
            return list(hits)
        folded = _fold(table)
        return [i for i in hits if self.columns[i].table and _fold(self.columns[i].table) == folded]

    def index(self, name: str, table: str | None = None) -> int:
        """The position of the column ``name`` (qualified by ``table``, or as ``"table.name"``).

        Args:
            name: the column name, or ``"table.column"``.
            table: the qualifying table or alias, if any.

        Returns:
            The column's position.

        Raises:
            UnknownNameError: if no column matches.
            AmbiguousColumnError: if several columns match.
        """
        hits = self.find_all(name, table)
        if len(hits) == 1:
            return hits[0]
        shown = f"{table}.{name}" if table else name
        if not hits:
            known = sorted({c.qualified_name for c in self.columns})
            raise UnknownNameError("column", shown, known)
        owners = ", ".join(self.columns[i].qualified_name for i in hits)
        raise AmbiguousColumnError(f"ambiguous column {shown!r} ({owners})")

    def column(self, name: str, table: str | None = None) -> Column:
        """The column called ``name``; see :meth:`index`."""
        return self.columns[self.index(name, table)]

    def ref(self, name: str, table: str | None = None) -> ColumnRef:
        """A :class:`~dcsys.core.relational.expr.ColumnRef` to the column called ``name``."""
        from dcsys.core.relational.expr import ColumnRef

        return ColumnRef.of(self, self.index(name, table))

    def qualified(self, table: str | None) -> Schema:
        """The same columns, all qualified by ``table`` (``None`` drops the qualifier)."""
        return Schema(tuple(replace(c, table=table) for c in self.columns))

    def nullable(self) -> Schema:
        """The same columns, all nullable (the padded side of an outer join)."""
        return Schema(tuple(replace(c, nullable=True) for c in self.columns))


@dataclass(frozen=True)
class TableSchema:
    """A named base table: its columns and primary key.

    Args:
        name: the table name.
        columns: its columns (their ``table`` is set to ``name``).
        primary_key: the names of the primary-key columns (possibly empty); they are made
            ``NOT NULL``.

    Raises:
        SchemaError: on a duplicate column name or a primary key naming an unknown column.

    Examples:
        >>> t = TableSchema("t", [Column("id", ColumnType.INT)], primary_key=["id"])
        >>> t.schema[0]
        Column(name='id', type=<ColumnType.INT: 'INT'>, nullable=False, table='t', default=None, auto_increment=False)
        >>> t.key_indices
        (0,)
    """

    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.name:
            raise SchemaError("a table needs a name")
        pk = tuple(self.primary_key)
        seen: dict[str, int] = {}
        columns = []
        for i, column in enumerate(self.columns):
            if isinstance(column, str):
                column = Column(column)
            key = _fold(column.name)
            if key in seen:
                raise SchemaError(f"duplicate column {column.name!r} in table {self.name!r}")
            seen[key] = i
            columns.append(column)
        for key_column in pk:
            if _fold(key_column) not in seen:
                raise SchemaError(
                    f"primary key column {key_column!r} is not a column of table {self.name!r}"
                )
        folded_pk = {_fold(k) for k in pk}
        columns = [
            replace(
                c,
                table=self.name,
                nullable=c.nullable and _fold(c.name) not in folded_pk,
            )
            for c in columns
        ]
        object.__setattr__(self, "columns", tuple(columns))
        object.__setattr__(self, "primary_key", pk)

    @cached_property
    def schema(self) -> Schema:
        """The table's columns as a :class:`Schema`, qualified by the table name."""
        return Schema(self.columns)

    @property
    def key_indices(self) -> tuple[int, ...]:
        """Positions of the primary-key columns."""
        return tuple(self.schema.index(k) for k in self.primary_key)

    def __str__(self) -> str:
        cols = ", ".join(
            f"{c.name} {c.type}{'' if c.nullable else ' NOT NULL'}" for c in self.columns
        )
        key = f", PRIMARY KEY ({', '.join(self.primary_key)})" if self.primary_key else ""
        return f"{self.name}({cols}{key})"


class Catalog:
    """The tables and named views a query can read, looked up case-insensitively by name.

    Args:
        tables: the initial tables.
        views: the initial views, name → plan node.

    Examples:
        >>> cat = Catalog()
        >>> cat.add(TableSchema("t", [Column("a", ColumnType.INT)]))
        >>> "T" in cat, cat.table("t").columns[0].name
        (True, 'a')
    """

    def __init__(
        self, tables: Iterable[TableSchema] = (), views: Mapping[str, PlanNode] | None = None
    ) -> None:
        self._tables: dict[str, TableSchema] = {}
        self._views: dict[str, tuple[str, PlanNode]] = {}
        for table in tables:
            self.add(table)
        for name, node in (views or {}).items():
            self.add_view(name, node)

    def __repr__(self) -> str:
        return f"Catalog(tables={self.table_names()!r}, views={self.view_names()!r})"

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and (_fold(name) in self._tables or _fold(name) in self._views)

    def __iter__(self) -> Iterator[TableSchema]:
        return iter(list(self._tables.values()))

    def __len__(self) -> int:
        return len(self._tables)

    def __getitem__(self, name: str) -> TableSchema:
        return self.table(name)

    def table_names(self) -> list[str]:
        """The names of the tables, in the order they were added."""
        return [t.name for t in self._tables.values()]

    def view_names(self) -> list[str]:
        """The names of the views, in the order they were added."""
        return [name for name, _ in self._views.values()]

    def add(self, table: TableSchema, *, replace: bool = False) -> None:
        """Add a table.

        Args:
            table: the table.
            replace: replace a table of the same name instead of failing.

        Raises:
            SchemaError: if a table or view of that name exists and ``replace`` is false.
        """
        key = _fold(table.name)
        if not replace and (key in self._tables or key in self._views):
            raise SchemaError(f"table {table.name!r} already exists")
        self._views.pop(key, None)
        self._tables[key] = table

    def add_view(self, name: str, node: PlanNode, *, replace: bool = False) -> None:
        """Add a named view: a plan that queries reading ``name`` share (a DAG, not a copy).

        Args:
            name: the view name.
            node: the root of the view's plan.
            replace: replace a table or view of the same name instead of failing.

        Raises:
            SchemaError: if the name is taken and ``replace`` is false.
        """
        key = _fold(name)
        if not replace and (key in self._tables or key in self._views):
            raise SchemaError(f"view {name!r} already exists")
        self._tables.pop(key, None)
        self._views[key] = (name, node)

    def drop(self, name: str) -> None:
        """Remove a table or view.

        Raises:
            UnknownNameError: if there is none of that name.
        """
        key = _fold(name)
        if key in self._tables:
            del self._tables[key]
        elif key in self._views:
            del self._views[key]
        else:
            raise UnknownNameError("table", name, self.table_names() + self.view_names())

    def table(self, name: str) -> TableSchema:
        """The table called ``name``.

        Raises:
            UnknownNameError: if there is no such table.
        """
        try:
            return self._tables[_fold(name)]
        except KeyError:
            raise UnknownNameError("table", name, self.table_names() + self.view_names()) from None

    def view(self, name: str) -> PlanNode | None:
        """The plan of the view called ``name``, or ``None`` if there is no such view."""
        entry = self._views.get(_fold(name))
        return entry[1] if entry else None

    def get(self, name: str) -> TableSchema | None:
        """The table called ``name``, or ``None``."""
        return self._tables.get(_fold(name))

    def copy(self) -> Catalog:
        """A new catalog with the same tables and views (which are immutable, so shared)."""
        new = Catalog(list(self._tables.values()))
        for name, node in self._views.values():
            new.add_view(name, node)
        return new
