"""SQL front and back end of the relational IR, via sqlglot.

* :func:`parse` — SQL text → :class:`~dcsys.core.relational.plan.Plan` (with a catalog:
  ``*`` expanded and types inferred; without: columns inferred from the query);
* :func:`parse_script`, :func:`catalog_from_sql` — several statements, DDL applied in order;
* :func:`to_sql`, :func:`to_sql_with_params` — a plan → SQL in any sqlglot dialect
  (``sqlite``, ``duckdb``, ``postgres``, ``mysql``...), ``?`` parameters kept as placeholders;
* :class:`SQLSyntaxError` — text that does not parse (other problems raise
  :class:`~dcsys.core.errors.UnsupportedSQLError`, ``UnknownNameError`` or ``SchemaError``);
* :mod:`~dcsys.core.sql.querygen` — seeded random schemas, data and queries for differential
  tests.

Examples:
    >>> from dcsys.core.sql import parse, to_sql
    >>> plan = parse("SELECT u.name FROM users u WHERE u.id = ?")
    >>> plan.param_keys[0].name, to_sql(plan, "mysql")
    ('id', 'SELECT u.name FROM users AS u WHERE u.id = ?')
"""

from dcsys.core.sql.generator import to_sql, to_sql_with_params
from dcsys.core.sql.parser import SQLSyntaxError, catalog_from_sql, parse, parse_script

__all__ = [
    "SQLSyntaxError",
    "catalog_from_sql",
    "parse",
    "parse_script",
    "to_sql",
    "to_sql_with_params",
]
