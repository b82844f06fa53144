"""SQL text → typed relational plans (via sqlglot).

:func:`parse` reads one statement: a query (``SELECT``, ``UNION``, ``VALUES``, ``WITH``) becomes
a plan of :mod:`dcsys.core.relational` operators; ``CREATE TABLE``/``VIEW``, ``DROP``,
``INSERT``, ``UPDATE`` and ``DELETE`` become statements. With a
:class:`~dcsys.core.relational.schema.Catalog`, ``*`` is expanded and column types are known;
without one, the tables' columns are inferred from the query (typed ``UNKNOWN``), so every
column must be qualified or unambiguous. :func:`parse_script` reads several statements, applying
DDL as it goes; :func:`catalog_from_sql` builds a catalog from ``CREATE TABLE`` text.

Supported: SELECT lists with expressions and aliases; WHERE with AND/OR/NOT, comparisons, IN
lists, BETWEEN, LIKE, IS [NOT] NULL, CASE, CAST and the scalar functions of
:data:`~dcsys.core.relational.scalar.SCALAR_FUNCTIONS`; inner and left equi-joins (``JOIN ...
ON``, or comma joins with equalities in WHERE); GROUP BY with COUNT, COUNT(DISTINCT), SUM, AVG,
MIN, MAX, GROUP_CONCAT; HAVING; DISTINCT; ORDER BY with LIMIT/OFFSET; UNION [ALL];
sub-queries in FROM; non-recursive WITH; ``?`` (or ``$n``) parameters. Anything else raises
:class:`~dcsys.core.errors.UnsupportedSQLError` naming the construct; text that does not parse
raises :class:`SQLSyntaxError`.

Parameters are numbered in textual order. The plan's ``param_keys`` list the ``column = ?``
conditions of the top-level WHERE clause and the output column each one keys (the reader key
of a Noria view).

A plan parsed without a catalog knows only the columns the statement mentions, so its scans
read rows of exactly those columns (in order of first mention); give a catalog to evaluate it
over full tables.

Examples:
    >>> from dcsys.core.sql import catalog_from_sql, parse
    >>> cat = catalog_from_sql("CREATE TABLE stories (id INT PRIMARY KEY, title TEXT);"
    ...                        "CREATE TABLE votes (story_id INT, user_id INT)")
    >>> plan = parse("SELECT s.id, s.title, COUNT(*) AS votes FROM stories s "
    ...              "JOIN votes v ON v.story_id = s.id WHERE s.id = ? GROUP BY s.id, s.title", cat)
    >>> print(plan.explain())
    Project [s.id, s.title, COUNT(*) AS votes]
      Aggregate group_by=[s.id, s.title] aggregates=[COUNT(*)]
        Filter (s.id = ?0)
          Join inner on s.id = v.story_id
            Scan stories AS s
            Scan votes AS v
    keys: ?0 -> id (column 0)
    >>> plan.schema.types
    (<ColumnType.INT: 'INT'>, <ColumnType.TEXT: 'TEXT'>, <ColumnType.INT: 'INT'>)
"""

from __future__ import annotations

from sqlglot import exp

from dcsys.core.errors import ConfigError
from dcsys.core.relational.plan import Plan, count_params
from dcsys.core.relational.schema import Catalog
from dcsys.core.relational.statements import apply_ddl

from ._infer import infer_catalog
from ._keys import param_keys
from ._parse import SQLSyntaxError, assign_params, dialect_name, parse_statements
from ._select import Env, SelectInfo, build_query
from ._statements import build_statement

__all__ = ["SQLSyntaxError", "catalog_from_sql", "parse", "parse_script"]


def _env(statement: exp.Expr, catalog: Catalog | None, dialect: str, infer: bool) -> Env:
    if catalog is not None and not infer:
        return Env(catalog, dialect)
    inferred_catalog, inferred = infer_catalog(statement)
    merged = catalog.copy() if catalog is not None else Catalog()
    missing = set()
    for table in inferred_catalog:
        if table.name not in merged:
            merged.add(table)
            missing.add(table.name.casefold())
    return Env(merged, dialect, inferred=frozenset(missing))


def _plan(
    statement: exp.Expr, catalog: Catalog | None, dialect: str, text: str, infer: bool
) -> Plan:
    count = assign_params(statement)
    env = _env(statement, catalog, dialect, infer)
    if isinstance(statement, exp.Query):
        info = SelectInfo()
        root = build_query(statement, env, info)
        keys = param_keys(info) if info.scope is not None else ()
    else:
        root = build_statement(statement, env)
        keys = ()
    return Plan(root, param_count=max(count, count_params(root)), param_keys=keys, sql=text)


def parse(text: str, catalog: Catalog | None = None, dialect: str | None = None) -> Plan:
    """Parse one SQL statement into a plan.

    Args:
        text: the SQL text (one statement; a trailing ``;`` is fine).
        catalog: the tables and views the statement may use; ``None`` infers them from the
            statement (column types ``UNKNOWN``, ``SELECT *`` not possible).
        dialect: the sqlglot dialect of ``text`` (``"sqlite"`` by default).

    Returns:
        The plan, with its parameter count and keys and the original text.

    Raises:
        SQLSyntaxError: the text does not parse.
        UnsupportedSQLError: a construct outside the supported subset (named in the message).
        UnknownNameError: an unknown table or column.
        SchemaError: an ambiguous column, a misplaced aggregate, mismatched UNION widths...
        ConfigError: not exactly one statement, or an unknown dialect.

    Examples:
        >>> plan = parse("SELECT a.x FROM a WHERE a.id = ? AND a.y > 2")
        >>> plan.param_count, [(k.param, k.name, k.column) for k in plan.param_keys]
        (1, [(0, 'id', None)])
    """
    d = dialect_name(dialect)
    statements = parse_statements(text, d)
    if len(statements) != 1:
        raise ConfigError(
            f"parse() takes one SQL statement, got {len(statements)}; use parse_script()"
        )
    return _plan(statements[0], catalog, d, text, infer=catalog is None)


def parse_script(
    text: str, catalog: Catalog | None = None, dialect: str | None = None
) -> list[Plan]:
    """Parse several ``;``-separated statements, applying each DDL statement to the catalog.

    Args:
        text: the SQL text.
        catalog: the catalog to read and to change (``CREATE``/``DROP`` statements are applied
            to it in order); ``None`` starts from an empty one and infers tables the script
            uses without creating them.
        dialect: the sqlglot dialect.

    Returns:
        One plan per statement.

    Examples:
        >>> plans = parse_script("CREATE TABLE t (a INT); INSERT INTO t VALUES (?); SELECT * FROM t")
        >>> [p.root.describe() for p in plans][:2], plans[2].schema.names
        (['CreateTable t(a INT)', 'Insert into t (a) 1 rows'], ('a',))
    """
    d = dialect_name(dialect)
    infer = catalog is None
    cat = catalog if catalog is not None else Catalog()
    plans = []
    for statement in parse_statements(text, d):
        plan = _plan(statement, cat, d, statement.sql(dialect=d), infer)
        apply_ddl(plan, cat)
        plans.append(plan)
    return plans


def catalog_from_sql(text: str, dialect: str | None = None) -> Catalog:
    """A catalog holding the tables (and views) that ``CREATE`` statements in ``text`` define.

    Raises:
        UnknownNameError: a view reading a table the text does not create.
    """
    catalog = Catalog()
    for plan in parse_script(text, catalog, dialect):
        if plan.is_query:
            raise ConfigError("catalog_from_sql() takes CREATE statements only")
    return catalog
