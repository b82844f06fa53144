import sqlite3
from collections import Counter

import pytest
import sqlglot

from dcsys.core.errors import ConfigError, UnsupportedSQLError
from dcsys.core.relational import (
    AggCall,
    Aggregate,
    Arithmetic,
    Column,
    ColumnRef,
    ColumnType,
    Comparison,
    CreateTable,
    Distinct,
    Filter,
    Join,
    Like,
    Limit,
    Literal,
    Param,
    Project,
    Scan,
    Sort,
    SortKey,
    TableSchema,
    Union,
    Values,
    evaluate,
)
from dcsys.core.sql import catalog_from_sql, parse, to_sql, to_sql_with_params

T = ColumnType
DIALECTS = ["sqlite", "postgres", "mysql", "duckdb"]
A = TableSchema("a", [Column("id", T.INT), Column("g", T.TEXT), Column("v", T.FLOAT)], ["id"])
B = TableSchema("b", [Column("id", T.INT), Column("a_id", T.INT), Column("w", T.INT)], ["id"])
DATA = {
    "a": [(1, "x", 1.5), (2, "y", None), (3, "x", -2.0), (4, None, 0.5)],
    "b": [(1, 1, 10), (2, 1, 20), (3, 3, None), (4, 7, 5)],
}


@pytest.fixture(scope="module")
def conn():
    c = sqlite3.connect(":memory:")
    for table in (A, B):
        c.execute(to_sql(CreateTable(table)))
        c.executemany(f"INSERT INTO {table.name} VALUES (?, ?, ?)", DATA[table.name])
    yield c
    c.close()


def check(conn, plan, params=(), ordered=False):
    """Run to_sql(plan) on SQLite and evaluate(plan): the results must agree."""
    sql, order = to_sql_with_params(plan, "sqlite")
    theirs = conn.execute(sql, [params[i] for i in order]).fetchall()
    ours = evaluate(plan, DATA, params)
    if ordered:
        assert ours == theirs, sql
    else:
        assert Counter(ours) == Counter(theirs), sql
    for d in DIALECTS:
        sqlglot.parse_one(to_sql_with_params(plan, d)[0], read=d)
    return sql


def test_placeholders_per_dialect():
    plan = parse(
        "SELECT a.g FROM a WHERE a.id = ? AND a.v > ?", catalog_from_sql(to_sql(CreateTable(A)))
    )
    assert to_sql(plan, "sqlite").endswith("WHERE a.id = ? AND a.v > ?")
    assert to_sql(plan, "mysql").endswith("WHERE a.id = ? AND a.v > ?")
    assert to_sql(plan, "duckdb").endswith("WHERE a.id = ? AND a.v > ?")
    assert to_sql(plan, "postgres").endswith("WHERE a.id = $1 AND a.v > $2")


def test_out_of_order_parameters(conn):
    scan = Scan(A)
    f = Filter(scan, Comparison("=", scan.schema.ref("id"), Param(0)))
    plan = Project(f, (Arithmetic("+", scan.schema.ref("v"), Param(1)),), ("w",))
    assert to_sql(plan, "sqlite") == "SELECT a.v + ?2 AS w FROM a WHERE a.id = ?1"
    assert "a.v + $2" in to_sql(plan, "duckdb") and "a.id = $1" in to_sql(plan, "postgres")
    with pytest.raises(UnsupportedSQLError, match="to_sql_with_params"):
        to_sql(plan, "mysql")
    sql, order = to_sql_with_params(plan, "mysql")
    assert order == [1, 0] and sql == "SELECT a.v + ? AS w FROM a WHERE a.id = ?"
    assert conn.execute(to_sql(plan, "sqlite"), (3, 1.0)).fetchall() == [(-1.0,)]
    check(conn, plan, (3, 1.0))


def test_reserved_words_are_quoted():
    t = TableSchema("order", [Column("group", T.INT), Column("my col", T.TEXT)])
    for d in DIALECTS:
        text = to_sql(
            Project(
                Scan(t),
                (ColumnRef(0, "group", T.INT, "order"), ColumnRef(1, "my col", T.TEXT, "order")),
            ),
            d,
        )
        tree = sqlglot.parse_one(text, read=d)
        assert tree.sql(dialect=d) == text
    c = sqlite3.connect(":memory:")
    c.execute(to_sql(CreateTable(t)))
    c.execute(
        to_sql(
            parse("INSERT INTO \"order\" VALUES (1, 'x')", catalog_from_sql(to_sql(CreateTable(t))))
        )
    )
    assert c.execute(to_sql(Scan(t))).fetchall() == [(1, "x")]


def test_operator_shapes_agree_with_sqlite(conn):
    a, b = Scan(A), Scan(B)
    j = Join(a, b, "left", (0,), (1,))
    agg = Aggregate(
        j,
        (ColumnRef(1, "g", T.TEXT),),
        (AggCall("count"), AggCall("sum", ColumnRef(5, "w", T.INT))),
    )
    check(conn, agg)
    check(conn, Filter(agg, Comparison(">", ColumnRef(1, "n", T.INT), Literal(1))))
    # a join of two aggregates wraps both
    per_a = Aggregate(
        b, (ColumnRef(1, "a_id", T.INT),), (AggCall("max", ColumnRef(2, "w", T.INT)),)
    )
    check(conn, Join(agg, per_a, "inner", (1,), (1,)))
    # a filter above a limit keeps the limit's rows
    top = Limit(Sort(a, (SortKey(ColumnRef(2, "v", T.FLOAT), descending=True),)), 2)
    sql = check(
        conn, Filter(top, Comparison(">", ColumnRef(2, "v", T.FLOAT), Literal(1.0))), ordered=True
    )
    assert "LIMIT 2" in sql
    # an ORDER BY survives wrapping: a projection then a sort on a computed column
    p = Project(
        a, (ColumnRef(1, "g", T.TEXT), Arithmetic("*", ColumnRef(2, "v", T.FLOAT), Param(0)))
    )
    s = Sort(p, (SortKey(ColumnRef(1), nulls_first=False), SortKey(ColumnRef(0), descending=True)))
    check(conn, Limit(s, 3, 1), (2.0,), ordered=True)
    check(conn, Project(s, (ColumnRef(0, "g", T.TEXT),)), (2.0,), ordered=True)
    check(conn, Distinct(Project(s, (ColumnRef(0, "g", T.TEXT),))), (2.0,))
    # union inputs with their own order and limit
    first = Limit(Sort(Project(a, (ColumnRef(0, "id", T.INT),)), (SortKey(ColumnRef(0), True),)), 2)
    second = Project(b, (ColumnRef(2, "w", T.INT),))
    u = Union((first, second, first))
    check(conn, u)
    check(conn, Sort(u, (SortKey(ColumnRef(0), True),)), ordered=True)
    check(conn, Filter(u, Comparison(">", ColumnRef(0, type=T.INT), Literal(2))))
    # a sort over a sort: the earlier one breaks ties
    two = Sort(Sort(a, (SortKey(ColumnRef(0), True),)), (SortKey(ColumnRef(1)),))
    assert check(conn, two, ordered=True).endswith("ORDER BY a.g ASC, a.id DESC")


def test_values_and_constants(conn):
    v = Values(((Literal(1), Literal("a")), (Literal(2), Literal(None))), names=("n", "s"))
    check(conn, v)
    check(conn, Filter(v, Comparison(">", ColumnRef(0, "n", T.INT), Literal(1))))
    check(conn, Values(((Literal(1.5),),)))
    check(conn, Values((), names=("n",)))
    # sorting or grouping by a constant must not turn into a position
    const = Project(Scan(A), (Literal(7), ColumnRef(0, "id", T.INT)))
    check(conn, Sort(const, (SortKey(ColumnRef(0)), SortKey(ColumnRef(1), True))), ordered=True)
    check(conn, Aggregate(const, (ColumnRef(0),), (AggCall("count"),)))


def test_case_sensitive_like_per_dialect(conn):
    a = Scan(A)
    sensitive = Filter(a, Like(ColumnRef(1, "g", T.TEXT), Literal("X%"), case_sensitive=True))
    insensitive = Filter(a, Like(ColumnRef(1, "g", T.TEXT), Literal("X%")))
    assert "GLOB 'X*'" in to_sql(sensitive, "sqlite") and "ILIKE" in to_sql(insensitive, "postgres")
    assert " LIKE 'X%'" in to_sql(sensitive, "postgres")
    check(conn, sensitive)
    check(conn, insensitive)
    assert evaluate(sensitive, DATA) == [] and len(evaluate(insensitive, DATA)) == 2


def test_division_per_dialect():
    div = Project(
        Scan(B), (Arithmetic("/", ColumnRef(1, "a_id", T.INT), ColumnRef(2, "w", T.INT)),)
    )
    assert "DIV" in to_sql(div, "mysql")
    assert "NULLIF(b.w, 0)" in to_sql(div, "postgres")
    assert to_sql(div, "sqlite").startswith("SELECT b.a_id / b.w")


def test_statements_round_trip():
    cat = catalog_from_sql(to_sql(CreateTable(A)) + ";" + to_sql(CreateTable(B)))
    for text in [
        "INSERT INTO a (id, g) VALUES (1, ?), (2, 'b')",
        "UPDATE a SET v = v * 2 WHERE g = ?",
        "DELETE FROM b WHERE w IS NULL",
        "DROP TABLE IF EXISTS b",
        "CREATE TABLE c (k TEXT PRIMARY KEY, n INT NOT NULL DEFAULT 3)",
    ]:
        plan = parse(text, cat)
        for d in DIALECTS:
            again = to_sql(plan, d)
            sqlglot.parse_one(again, read=d)
        assert parse(to_sql(plan), cat).root.describe() == plan.root.describe()


def test_create_table_per_dialect():
    t = TableSchema(
        "t", [Column("id", T.INT, auto_increment=True), Column("b", T.BOOL), Column("u")], ["id"]
    )
    assert to_sql(CreateTable(t)) == "CREATE TABLE t (id INTEGER PRIMARY KEY, b INTEGER, u)"
    assert "AUTO_INCREMENT" in to_sql(CreateTable(t), "mysql")
    assert "PRIMARY KEY (id)" in to_sql(CreateTable(t), "postgres")


def test_pretty_and_errors():
    plan = parse("SELECT t.a FROM t WHERE t.b = 1")
    assert "\n" in to_sql(plan, pretty=True)
    with pytest.raises(ConfigError, match="unknown SQL dialect"):
        to_sql(plan, "nosuch")


def test_group_by_constant_keeps_its_meaning(conn):
    a = Scan(A)
    by_const = Aggregate(a, (Literal(1),), (AggCall("count"),))
    assert check(conn, by_const) and evaluate(by_const, DATA) == [(1, 4)]
    empty = Aggregate(
        Filter(a, Comparison("<", ColumnRef(0, "id", T.INT), Literal(0))),
        (Literal(1),),
        (AggCall("count"),),
    )
    sql = check(conn, empty)
    assert evaluate(empty, DATA) == [] and conn.execute(sql).fetchall() == []
