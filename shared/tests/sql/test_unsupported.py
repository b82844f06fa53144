"""Every construct outside the supported subset raises UnsupportedSQLError naming it."""

import pytest

from dcsys.core.errors import DcsysError, UnsupportedSQLError
from dcsys.core.relational import UDF, Column, Loop, LoopInput, Scan, Schema, TableSchema
from dcsys.core.sql import SQLSyntaxError, catalog_from_sql, parse, to_sql

CAT_DDL = "CREATE TABLE t (a INT, b TEXT); CREATE TABLE u (x INT, y TEXT)"

CASES = [
    (
        "SELECT ROW_NUMBER() OVER (ORDER BY a) FROM t",
        None,
        "window function ROW_NUMBER() OVER (...)",
    ),
    ("SELECT SUM(a) OVER () FROM t", None, "window function SUM(a) OVER (...)"),
    ("SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.x = t.a)", None, "sub-query in WHERE"),
    ("SELECT a FROM t WHERE a IN (SELECT x FROM u)", None, "sub-query in WHERE (IN (SELECT ...))"),
    ("SELECT (SELECT MAX(x) FROM u) FROM t", None, "sub-query in SELECT list"),
    (
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r",
        None,
        "recursive CTE",
    ),
    ("SELECT 1 FROM t FULL JOIN u ON u.x = t.a", None, "FULL JOIN"),
    ("SELECT 1 FROM t RIGHT JOIN u ON u.x = t.a", None, "RIGHT JOIN"),
    ("SELECT 1 FROM t NATURAL JOIN u", None, "NATURAL JOIN"),
    ("SELECT 1 FROM t JOIN u USING (a)", None, "JOIN ... USING"),
    ("SELECT 1 FROM t SEMI JOIN u ON u.x = t.a", "duckdb", "SEMI JOIN"),
    ("SELECT 1 FROM t, LATERAL (SELECT 1) AS l", "postgres", "LATERAL"),
    ("SELECT 1 FROM (t JOIN u ON u.x = t.a)", None, "parenthesised join"),
    ("SELECT * FROM generate_series(1, 3)", "postgres", "table function GENERATE_SERIES"),
    ("SELECT a FROM t TABLESAMPLE (10 PERCENT)", "postgres", "TABLESAMPLE"),
    ("SELECT a FROM t INTERSECT SELECT x FROM u", None, "INTERSECT"),
    ("SELECT a FROM t EXCEPT SELECT x FROM u", None, "EXCEPT"),
    ("SELECT a FROM t UNION BY NAME SELECT x FROM u", "duckdb", "UNION BY NAME"),
    ("SELECT foo(a) FROM t", None, "function FOO"),
    ("SELECT MAX(a, 2) FROM t", None, "function GREATEST"),
    ("SELECT b LIKE 'a!%' ESCAPE '!' FROM t", None, "LIKE ... ESCAPE"),
    ("SELECT a IS TRUE FROM t", None, "IS TRUE (only IS [NOT] NULL)"),
    ("SELECT a IS DISTINCT FROM 1 FROM t", "postgres", "IS DISTINCT FROM"),
    ("SELECT a <=> 1 FROM t", "mysql", "<=>"),
    ("SELECT (a, b) IN ((1, 'x')) FROM t", None, "Tuple"),
    ("SELECT a BETWEEN SYMMETRIC 1 AND 2 FROM t", "postgres", "BETWEEN SYMMETRIC"),
    ("SELECT a, COUNT(*) FROM t GROUP BY ROLLUP (a)", "postgres", "GROUP BY ROLLUP"),
    ("SELECT a, COUNT(*) FROM t GROUP BY CUBE (a)", "postgres", "GROUP BY CUBE"),
    ("SELECT DISTINCT ON (a) a FROM t", "postgres", "DISTINCT ON"),
    ("SELECT GROUP_CONCAT(b ORDER BY b) FROM t", "mysql", "GROUP_CONCAT with ORDER BY"),
    ("SELECT COUNT(DISTINCT a, b) FROM t", "mysql", "COUNT(DISTINCT with 2 expressions)"),
    ("SELECT COUNT(*) FILTER (WHERE a > 1) FROM t", "postgres", "aggregate FILTER"),
    ("SELECT b, COUNT(*) FROM t GROUP BY a", None, "column t.b must appear in GROUP BY"),
    ("SELECT a FROM t UNION SELECT x FROM u ORDER BY a + 1", None, "on a compound SELECT"),
    (
        "SELECT DISTINCT b FROM t ORDER BY a",
        None,
        "ORDER BY a term not in the SELECT DISTINCT list",
    ),
    ("SELECT a FROM t LIMIT ?", None, "LIMIT with a non-constant value"),
    ("SELECT a FROM t ORDER BY a LIMIT 1 + 1", None, "LIMIT with a non-constant value"),
    ("SELECT a FROM t FETCH FIRST 3 ROWS ONLY", "postgres", "FETCH FIRST"),
    ("SELECT a FROM t FOR UPDATE", "postgres", "FOR UPDATE"),
    ("SELECT a FROM t WINDOW w AS (ORDER BY a)", "postgres", "WINDOW clause"),
    ("SELECT a FROM t QUALIFY ROW_NUMBER() OVER (ORDER BY a) = 1", "duckdb", "QUALIFY"),
    ("SELECT a FROM t WHERE a = :name", None, "named parameter :name"),
    ("INSERT INTO t (a) VALUES (1) ON CONFLICT DO NOTHING", None, "INSERT ... ON CONFLICT"),
    ("INSERT OR REPLACE INTO t (a) VALUES (1)", None, "INSERT OR ..."),
    ("INSERT INTO t (a) VALUES (DEFAULT)", None, "DEFAULT in VALUES"),
    ("INSERT INTO t (a) VALUES (1) RETURNING a", "postgres", "RETURNING"),
    ("UPDATE t SET a = 1 FROM u WHERE u.x = t.a", "postgres", "UPDATE ... FROM"),
    ("DELETE FROM t USING u WHERE u.x = t.a", "postgres", "DELETE ... USING"),
    ("CREATE INDEX i ON t (a)", None, "CREATE INDEX"),
    ("DROP INDEX i", None, "DROP INDEX"),
    ("CREATE TABLE z AS SELECT * FROM t", None, "CREATE TABLE ... AS SELECT"),
    ("CREATE TABLE z (a INT CHECK (a > 0))", None, "CHECK constraint"),
    ("CREATE TABLE z (a BLOB)", None, "data type BLOB"),
    ("SELECT CAST(a AS BLOB) FROM t", None, "data type BLOB"),
    ("CREATE TABLE z (a TEXT DEFAULT CURRENT_TIMESTAMP)", None, "function CURRENT_TIMESTAMP"),
    ("CREATE VIEW v AS SELECT a FROM t WHERE a = ?", None, "parameters in a view"),
    ("ALTER TABLE t ADD COLUMN c INT", None, "statement ALTER TABLE"),
    ("TRUNCATE TABLE t", None, "statement TRUNCATE TABLE t"),
]


@pytest.mark.parametrize("sql, dialect, message", CASES, ids=[c[2] for c in CASES])
def test_unsupported_construct_is_named(sql, dialect, message):
    cat = catalog_from_sql(CAT_DDL)
    with pytest.raises(UnsupportedSQLError) as err:
        parse(sql, cat, dialect=dialect)
    text = str(err.value)
    assert text.startswith("unsupported SQL: ")
    assert message in text
    assert isinstance(err.value, DcsysError)


def test_syntax_errors_are_not_unsupported():
    with pytest.raises(SQLSyntaxError) as err:
        parse("SELECT FROM WHERE")
    assert not isinstance(err.value, UnsupportedSQLError)


def test_plans_sql_cannot_express():
    t = Scan(TableSchema("t", [Column("a")]))
    with pytest.raises(UnsupportedSQLError, match="cannot write UDF f per row as SQL"):
        to_sql(UDF(t, "f", lambda r: [r], t.schema))
    state = LoopInput("s", Schema([Column("a")]))
    with pytest.raises(UnsupportedSQLError, match="cannot write Loop s"):
        to_sql(Loop(t, state, "s", max_iterations=2))
