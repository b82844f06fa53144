"""Column types of the relational IR and the rules that combine them.

The IR has four value types, as SQLite stores them (a ``BOOL`` is an integer 0/1 there), plus
``NULL`` — the type of the ``NULL`` literal — and ``UNKNOWN``, used when no catalog says what a
column holds (a query parsed without one) or when two different types meet (a ``UNION`` of an
``INT`` and a ``TEXT`` column).

Python values: ``INT`` is :class:`int`, ``FLOAT`` :class:`float`, ``TEXT`` :class:`str`, ``BOOL``
:class:`bool` (or ``0``/``1``), and SQL ``NULL`` is ``None`` in every type.

Examples:
    >>> ColumnType.from_sql_name("varchar(20)")
    <ColumnType.TEXT: 'TEXT'>
    >>> ColumnType.of_value(2.5)
    <ColumnType.FLOAT: 'FLOAT'>
    >>> ColumnType.INT.unify(ColumnType.FLOAT), ColumnType.INT.unify(ColumnType.TEXT)
    (<ColumnType.FLOAT: 'FLOAT'>, <ColumnType.UNKNOWN: 'UNKNOWN'>)
"""

from __future__ import annotations

import enum
import re
from typing import Any

from dcsys.core.errors import UnsupportedSQLError

__all__ = ["ColumnType"]

_INT_NAMES = frozenset(
    [
        "int",
        "integer",
        "bigint",
        "smallint",
        "tinyint",
        "mediumint",
        "int2",
        "int4",
        "int8",
        "uint",
        "ubigint",
        "usmallint",
        "utinyint",
        "umediumint",
        "hugeint",
        "uhugeint",
        "serial",
        "bigserial",
        "smallserial",
        "signed",
        "unsigned",
    ]
)
_FLOAT_NAMES = frozenset(
    [
        "real",
        "float",
        "float4",
        "float8",
        "double",
        "decimal",
        "numeric",
        "number",
        "money",
        "smallmoney",
    ]
)
_TEXT_NAMES = frozenset(
    [
        "text",
        "varchar",
        "char",
        "character",
        "nchar",
        "nvarchar",
        "string",
        "tinytext",
        "mediumtext",
        "longtext",
        "clob",
        "uuid",
        "date",
        "datetime",
        "time",
        "timestamp",
        "timestamptz",
        "year",
        "enum",
        "json",
    ]
)
_BOOL_NAMES = frozenset({"bool", "boolean", "bit"})


class ColumnType(enum.Enum):
    """The type of a column or expression.

    ``INT``, ``FLOAT``, ``TEXT`` and ``BOOL`` are value types; ``NULL`` is the type of the
    ``NULL`` literal (it unifies with anything); ``UNKNOWN`` means "not known statically".
    """

    INT = "INT"
    FLOAT = "FLOAT"
    TEXT = "TEXT"
    BOOL = "BOOL"
    NULL = "NULL"
    UNKNOWN = "UNKNOWN"

    def __str__(self) -> str:
        return self.value

    @property
    def is_numeric(self) -> bool:
        """True for ``INT``, ``FLOAT`` and ``BOOL`` (a boolean is an integer in SQL arithmetic)."""
        return self in (ColumnType.INT, ColumnType.FLOAT, ColumnType.BOOL)

    @property
    def is_known(self) -> bool:
        """True for the four value types (not ``NULL`` or ``UNKNOWN``)."""
        return self not in (ColumnType.NULL, ColumnType.UNKNOWN)

    def unify(self, other: ColumnType) -> ColumnType:
        """The type of a column that holds values of both types (``UNION``, ``CASE``, ``COALESCE``).

        ``NULL`` gives way to the other type; ``INT`` and ``FLOAT`` give ``FLOAT``; ``BOOL`` and
        ``INT`` give ``INT``; any other mix gives ``UNKNOWN``.

        Args:
            other: the other type.

        Returns:
            The combined type.
        """
        if self is other:
            return self
        if self is ColumnType.NULL:
            return other
        if other is ColumnType.NULL:
            return self
        if self.is_numeric and other.is_numeric:
            if ColumnType.FLOAT in (self, other):
                return ColumnType.FLOAT
            return ColumnType.INT
        return ColumnType.UNKNOWN

    @classmethod
    def from_sql_name(cls, name: str) -> ColumnType:
        """Map a SQL type name (any common dialect's spelling, with or without size) to a type.

        Date and time types map to ``TEXT`` (SQLite stores them as text); ``DECIMAL`` and
        ``NUMERIC`` map to ``FLOAT``.

        Args:
            name: e.g. ``"INTEGER"``, ``"varchar(20)"``, ``"int unsigned"``, ``"DOUBLE PRECISION"``.

        Returns:
            The column type.

        Raises:
            UnsupportedSQLError: for a type outside the IR (e.g. ``BLOB``, arrays).
        """
        words = re.sub(r"\(.*?\)", " ", name.lower()).replace("_", " ").split()
        if not words:
            raise UnsupportedSQLError(f"unsupported SQL: empty data type {name!r}")
        for word in words:
            if word in _BOOL_NAMES:
                return cls.BOOL
            if word in _INT_NAMES:
                return cls.INT
            if word in _FLOAT_NAMES:
                return cls.FLOAT
            if word in _TEXT_NAMES:
                return cls.TEXT
            if word in ("null", "unknown"):
                return cls.NULL if word == "null" else cls.UNKNOWN
        raise UnsupportedSQLError(f"unsupported SQL: data type {name.upper()}")

    @classmethod
    def of_value(cls, value: Any) -> ColumnType:
        """The type of a Python value (``None`` → ``NULL``; anything else odd → ``UNKNOWN``)."""
        if value is None:
            return cls.NULL
        if isinstance(value, bool):
            return cls.BOOL
        if isinstance(value, int):
            return cls.INT
        if isinstance(value, float):
            return cls.FLOAT
        if isinstance(value, str):
            return cls.TEXT
        return cls.UNKNOWN

    def sql_name(self) -> str:
        """A portable SQL name for the type (``INTEGER``, ``DOUBLE``, ``TEXT``, ``BOOLEAN``)."""
        return _SQL_NAMES[self]


_SQL_NAMES = {
    ColumnType.INT: "INTEGER",
    ColumnType.FLOAT: "DOUBLE",
    ColumnType.TEXT: "TEXT",
    ColumnType.BOOL: "BOOLEAN",
    ColumnType.NULL: "TEXT",
    ColumnType.UNKNOWN: "TEXT",
}
