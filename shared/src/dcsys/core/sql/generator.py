"""Relational plans → SQL text in any sqlglot dialect.

:func:`to_sql` builds a sqlglot AST from a plan and lets sqlglot write it in the requested
dialect (``sqlite``, ``duckdb``, ``postgres``, ``mysql``...). Operators are folded into as few
``SELECT`` blocks as SQL's clause order allows (``FROM`` → ``WHERE`` → ``GROUP BY`` → ``HAVING``
→ ``SELECT`` → ``DISTINCT`` → ``ORDER BY`` → ``LIMIT``); an operator that cannot join the current
block (a filter above a ``LIMIT``, a join of two aggregates) wraps it in a derived table.

Semantics are carried over where the dialect differs from the IR (which follows SQLite):
integer division (``DIV`` in MySQL, ``/ NULLIF(b, 0)`` elsewhere), case-insensitive ``LIKE``
(``ILIKE`` in PostgreSQL and DuckDB), ``NULLS FIRST``/``LAST`` where the dialect's default
differs, ``STRING_AGG`` for ``GROUP_CONCAT``. Not carried over: the division of values whose
types the plan does not know (parameters, columns parsed without a catalog) is the dialect's
``/``, which in DuckDB and MySQL never truncates; and casts, collations and affinities follow
the target database.

Parameters are written as ``?`` (``$1, $2...`` for PostgreSQL) when they appear in the text in
parameter order; otherwise as numbered placeholders (``?NNN`` in SQLite, ``$n`` in DuckDB and
PostgreSQL). :func:`to_sql_with_params` always writes positional ``?`` placeholders and returns
which parameter each one binds.

Examples:
    >>> from dcsys.core.sql import parse
    >>> plan = parse("SELECT a.id, COUNT(*) AS n FROM a JOIN b ON b.aid = a.id "
    ...              "WHERE a.kind = ? GROUP BY a.id ORDER BY n DESC LIMIT 5")
    >>> print(to_sql(plan, "sqlite"))
    SELECT a.id, COUNT(*) AS n FROM a JOIN b ON a.id = b.aid WHERE a.kind = ? GROUP BY a.id ORDER BY COUNT(*) DESC LIMIT 5
    >>> print(to_sql(plan, "postgres"))
    SELECT a.id, COUNT(*) AS n FROM a JOIN b ON a.id = b.aid WHERE a.kind = $1 GROUP BY a.id ORDER BY COUNT(*) DESC NULLS LAST LIMIT 5
"""

from __future__ import annotations

import re

from sqlglot import exp

from dcsys.core.errors import UnsupportedSQLError
from dcsys.core.relational.operators import PlanNode
from dcsys.core.relational.plan import Plan
from dcsys.core.relational.statements import Statement

from ._blocks import Writer
from ._parse import dialect_name
from ._render import MARKER

__all__ = ["to_sql", "to_sql_with_params"]


def _ast(plan: Plan | PlanNode, dialect: str) -> exp.Expr:
    root = plan.root if isinstance(plan, Plan) else plan
    writer = Writer(dialect)
    if isinstance(root, Statement):
        return writer.statement(root)
    return writer.full_query(root)


def _marker_order(tree: exp.Expr, dialect: str) -> list[int]:
    text = tree.sql(dialect=dialect)
    return [int(m) for m in re.findall(rf"{MARKER}(\d+)", text)]


def _replace_markers(tree: exp.Expr, make) -> exp.Expr:  # noqa: ANN001
    def fix(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Placeholder) and str(node.this or "").startswith(MARKER):
            return make(int(str(node.this)[len(MARKER) :]))
        return node

    return tree.transform(fix, copy=False)


def to_sql(plan: Plan | PlanNode, dialect: str = "sqlite", *, pretty: bool = False) -> str:
    """Write a plan as SQL in ``dialect``.

    Args:
        plan: a :class:`~dcsys.core.relational.plan.Plan` or a plan node.
        dialect: any sqlglot dialect; ``sqlite``, ``duckdb``, ``postgres`` and ``mysql`` are
            tested.
        pretty: format over several lines.

    Returns:
        The SQL text.

    Raises:
        UnsupportedSQLError: for nodes SQL cannot express (UDF, Loop) or, in MySQL, parameters
            used out of order (use :func:`to_sql_with_params`).
        ConfigError: an unknown dialect.

    Examples:
        >>> from dcsys.core.sql import parse
        >>> to_sql(parse("select x, y from t where x like 'a%' limit 3 offset 1"), "postgres")
        "SELECT t.x, t.y FROM t WHERE t.x ILIKE 'a%' LIMIT 3 OFFSET 1"
    """
    d = dialect_name(dialect)
    tree = _ast(plan, d)
    order = _marker_order(tree, d)
    in_order = order == list(range(len(order)))
    if d == "postgres":
        tree = _replace_markers(tree, lambda i: exp.Parameter(this=exp.Literal.number(i + 1)))
        return tree.sql(dialect=d, pretty=pretty)
    if in_order:
        tree = _replace_markers(tree, lambda i: exp.Placeholder())
        return tree.sql(dialect=d, pretty=pretty)
    if d == "duckdb":
        tree = _replace_markers(tree, lambda i: exp.Placeholder(this=str(i + 1)))
        return tree.sql(dialect=d, pretty=pretty)
    if d == "sqlite":
        text = tree.sql(dialect=d, pretty=pretty)
        return re.sub(rf":{MARKER}(\d+)", lambda m: f"?{int(m.group(1)) + 1}", text)
    raise UnsupportedSQLError(
        f"unsupported SQL: parameters appear out of order ({order}) and {d} has no numbered "
        "placeholders; use to_sql_with_params()"
    )


def to_sql_with_params(plan: Plan | PlanNode, dialect: str = "sqlite") -> tuple[str, list[int]]:
    """Write a plan as SQL with positional ``?`` placeholders, and say what each one binds.

    Returns:
        ``(sql, order)``: bind ``[params[i] for i in order]`` to the placeholders.

    Examples:
        >>> from dcsys.core.sql import parse
        >>> to_sql_with_params(parse("SELECT t.a FROM t WHERE t.b = ? AND t.c = ?"), "mysql")
        ('SELECT t.a FROM t WHERE t.b = ? AND t.c = ?', [0, 1])
    """
    d = dialect_name(dialect)
    tree = _ast(plan, d)
    order = _marker_order(tree, d)
    tree = _replace_markers(tree, lambda i: exp.Placeholder())
    return tree.sql(dialect=d), order
