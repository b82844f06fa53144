import pytest

from dcsys.core.errors import ConfigError, DcsysError, SchemaError, UnknownNameError
from dcsys.core.relational import (
    AmbiguousColumnError,
    Catalog,
    ColumnType,
    CreateTable,
    CreateView,
    Delete,
    DropTable,
    Filter,
    Insert,
    Join,
    Limit,
    Literal,
    Param,
    Project,
    Scan,
    Sort,
    Union,
    Update,
    apply_ddl,
    evaluate,
    walk_plan,
)
from dcsys.core.sql import SQLSyntaxError, catalog_from_sql, parse, parse_script

T = ColumnType
DDL = """
CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, karma INT DEFAULT 0);
CREATE TABLE stories (id INTEGER, author INT, title TEXT, score REAL, PRIMARY KEY (id));
CREATE TABLE votes (user_id INT NOT NULL, story_id INT NOT NULL, up BOOLEAN);
"""


@pytest.fixture
def cat():
    return catalog_from_sql(DDL)


def nodes(plan, kind):
    return [n for n in walk_plan(plan.root) if isinstance(n, kind)]


def test_catalog_from_sql(cat):
    users = cat.table("users")
    assert users.primary_key == ("id",) and not users.schema[0].nullable
    assert users.schema.types == (T.INT, T.TEXT, T.INT)
    assert not users.schema.column("name").nullable and users.schema.column("karma").default == 0
    assert cat.table("stories").primary_key == ("id",)
    assert cat.table("votes").schema.column("up").type is T.BOOL


def test_mysql_ddl():
    cat = catalog_from_sql(
        "CREATE TABLE t (id int unsigned NOT NULL AUTO_INCREMENT, d datetime, x decimal(20,19), "
        "name varchar(10) COLLATE utf8mb4_bin, KEY foo (d), UNIQUE KEY u (name), PRIMARY KEY (id)) "
        "ENGINE=InnoDB",
        dialect="mysql",
    )
    t = cat.table("t")
    assert t.schema.types == (T.INT, T.TEXT, T.FLOAT, T.TEXT)
    assert t.schema[0].auto_increment and t.primary_key == ("id",)


def test_select_star_expands_with_types(cat):
    plan = parse("SELECT * FROM users", cat)
    assert plan.schema.names == ("id", "name", "karma")
    assert plan.schema.types == (T.INT, T.TEXT, T.INT)
    assert [s.describe() for s in nodes(plan, Scan)] == ["Scan users"]
    star = parse("SELECT u.*, s.title FROM users u JOIN stories s ON s.author = u.id", cat)
    assert star.schema.names == ("id", "name", "karma", "title")


def test_join_keys_from_on_and_where(cat):
    plan = parse(
        "SELECT u.name, s.title FROM users u, stories s, votes v "
        "WHERE v.story_id = s.id AND s.author = u.id AND v.up AND u.karma > ?",
        cat,
    )
    joins = nodes(plan, Join)
    assert [j.describe() for j in joins] == [
        "Join inner on s.id = v.story_id",
        "Join inner on u.id = s.author",
    ]
    (f,) = nodes(plan, Filter)
    assert str(f.predicate) == "(v.up AND (u.karma > ?0))"
    left = parse(
        "SELECT u.id FROM users u LEFT JOIN stories s ON s.author = u.id AND s.score > 1 WHERE s.id IS NULL",
        cat,
    )
    (j,) = nodes(left, Join)
    assert j.kind == "left" and j.left_keys == (0,) and j.right_keys == (1,)
    assert str(j.residual) == "(s.score > 1)"
    assert str(nodes(left, Filter)[0].predicate) == "(s.id IS NULL)"


def test_on_clause_only_sees_earlier_tables(cat):
    with pytest.raises(UnknownNameError, match="unknown table 'v'"):
        parse(
            "SELECT 1 FROM users u JOIN stories s ON s.author = v.user_id JOIN votes v ON 1 = 1",
            cat,
        )


def test_unknown_and_ambiguous_names(cat):
    with pytest.raises(UnknownNameError, match="unknown table 'nope'"):
        parse("SELECT * FROM nope", cat)
    with pytest.raises(UnknownNameError, match="unknown column 'nick'"):
        parse("SELECT nick FROM users", cat)
    with pytest.raises(UnknownNameError, match="unknown column 'u.title'"):
        parse("SELECT u.title FROM users u", cat)
    with pytest.raises(AmbiguousColumnError, match="ambiguous column 'id'"):
        parse("SELECT id FROM users u JOIN stories s ON s.author = u.id", cat)


def test_grouping(cat):
    plan = parse(
        "SELECT s.author, COUNT(*) AS n, SUM(s.score) + 1, GROUP_CONCAT(s.title, ';') "
        "FROM stories s GROUP BY s.author HAVING COUNT(*) > 1 AND MAX(s.score) < ?",
        cat,
    )
    assert plan.explain().splitlines() == [
        "Project [s.author, COUNT(*) AS n, (SUM(s.score) + 1) AS SUM(s.score) + 1, "
        "GROUP_CONCAT(s.title, ';')]",
        "  Filter ((COUNT(*) > 1) AND (MAX(s.score) < ?0))",
        "    Aggregate group_by=[s.author] aggregates=[COUNT(*), SUM(s.score), "
        "GROUP_CONCAT(s.title, ';'), MAX(s.score)]",
        "      Scan stories AS s",
    ]
    assert plan.schema.types == (T.INT, T.INT, T.FLOAT, T.TEXT)


def test_group_by_position_alias_and_expression(cat):
    by_pos = parse("SELECT karma % 10 AS k, COUNT(*) FROM users GROUP BY 1", cat)
    by_alias = parse("SELECT karma % 10 AS k, COUNT(*) FROM users GROUP BY k", cat)
    by_expr = parse("SELECT karma % 10 AS k, COUNT(*) FROM users GROUP BY karma % 10", cat)
    assert by_pos.explain() == by_alias.explain() == by_expr.explain()
    assert parse("SELECT COUNT(*) FROM users HAVING COUNT(*) > 0", cat).schema.names == (
        "COUNT(*)",
    )


def test_bare_column_outside_group_by_is_rejected(cat):
    with pytest.raises(DcsysError, match="name must appear in GROUP BY"):
        parse("SELECT name, COUNT(*) FROM users GROUP BY karma", cat)
    with pytest.raises(SchemaError, match="not allowed in WHERE"):
        parse("SELECT id FROM users WHERE COUNT(*) > 1", cat)
    with pytest.raises(SchemaError, match="nested aggregate"):
        parse("SELECT SUM(COUNT(*)) FROM users", cat)


def test_order_by_alias_position_hidden_column_and_limit(cat):
    plan = parse("SELECT name AS n, karma FROM users ORDER BY n DESC, 2 LIMIT 3 OFFSET 1", cat)
    (sort,) = nodes(plan, Sort)
    assert [str(k) for k in sort.keys] == ["n DESC", "users.karma ASC"]
    (limit,) = nodes(plan, Limit)
    assert (limit.limit, limit.offset) == (3, 1)
    hidden = parse("SELECT name FROM users ORDER BY karma", cat)
    assert hidden.schema.names == ("name",)
    assert hidden.explain().splitlines()[:2] == ["Project [users.name]", "  Sort [_order0 ASC]"]
    nulls = parse("SELECT name FROM users ORDER BY name DESC NULLS FIRST", cat)
    assert nodes(nulls, Sort)[0].keys[0].nulls_first
    assert (
        not nodes(parse("SELECT name FROM users ORDER BY 1", cat, dialect="postgres"), Sort)[0]
        .keys[0]
        .nulls_first
    )


def test_distinct_union_and_subqueries(cat):
    plan = parse(
        "SELECT DISTINCT t.a FROM (SELECT author AS a FROM stories WHERE score > 1) AS t "
        "UNION ALL SELECT id FROM users ORDER BY 1 DESC LIMIT 2",
        cat,
    )
    lines = plan.explain().splitlines()
    assert lines[:4] == ["Limit 2", "  Sort [a DESC]", "    Union all", "      Distinct"]
    assert "Project [a] AS t" in plan.explain()
    (u,) = nodes(plan, Union)
    mixed = parse("SELECT 1 UNION SELECT 2 UNION ALL SELECT 3", cat)
    assert mixed.explain().splitlines()[:2] == ["Union all", "  Union distinct"]
    with pytest.raises(SchemaError, match="must match"):
        parse("SELECT 1 UNION SELECT 1, 2", cat)
    assert u.all


def test_cte_is_shared(cat):
    plan = parse(
        "WITH top AS (SELECT author, COUNT(*) AS n FROM stories GROUP BY author) "
        "SELECT a.author FROM top a JOIN top b ON a.n = b.n",
        cat,
    )
    assert "(shared)" in plan.explain()
    with pytest.raises(DcsysError, match="recursive CTE"):
        parse(
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r", cat
        )


def test_views_from_the_catalog_are_shared(cat):
    (create,) = parse_script("CREATE VIEW karma_by_name AS SELECT name, karma FROM users", cat)
    assert isinstance(create.root, CreateView) and "karma_by_name" in cat
    plan = parse(
        "SELECT k.name FROM karma_by_name k JOIN karma_by_name j ON k.karma = j.karma", cat
    )
    assert "(shared)" in plan.explain()
    assert evaluate(plan, {"users": [(1, "a", 5), (2, "b", 5)]}) == [("a",), ("a",), ("b",), ("b",)]


def test_parameters_numbered_in_text_order(cat):
    plan = parse(
        "SELECT ? + karma FROM users WHERE id = ? AND name LIKE ? ORDER BY karma * ? LIMIT 3", cat
    )
    assert plan.param_count == 4
    assert evaluate(plan, {"users": [(1, "ann", 2), (2, "bo", 3)]}, [10, 1, "a%", -1]) == [(12,)]
    pg = parse("SELECT $2 FROM users WHERE id = $1", cat, dialect="postgres")
    assert pg.param_count == 2
    assert [k.param for k in pg.param_keys] == [0]
    assert isinstance(pg.root.exprs[0], Param) and pg.root.exprs[0].index == 1


def test_param_keys(cat):
    plan = parse(
        "SELECT s.id, s.title, u.name FROM stories s JOIN users u ON u.id = s.author "
        "WHERE s.author = ? AND u.karma > ? AND ? = s.title",
        cat,
    )
    assert [(k.param, k.column, k.name) for k in plan.param_keys] == [
        (0, None, "author"),
        (2, 1, "title"),
    ]
    via_join = parse(
        "SELECT s.id, u.id AS uid FROM stories s JOIN users u ON u.id = s.author WHERE s.author = ?",
        cat,
    )
    assert [(k.param, k.column, k.name, k.type) for k in via_join.param_keys] == [
        (0, 1, "uid", T.INT)
    ]
    grouped = parse(
        "SELECT story_id, COUNT(*) FROM votes WHERE story_id = ? GROUP BY story_id", cat
    )
    assert [(k.column, k.name) for k in grouped.param_keys] == [(0, "story_id")]


def test_without_catalog_columns_are_inferred():
    plan = parse(
        "SELECT u.name, s.title FROM users u JOIN stories s ON s.author = u.id WHERE u.id = ?"
    )
    assert plan.schema.types == (T.UNKNOWN, T.UNKNOWN)
    (users,) = [n for n in nodes(plan, Scan) if n.table.name == "users"]
    assert users.table.schema.names == ("name", "id")
    one = parse("SELECT title FROM stories WHERE author = 3")
    assert nodes(one, Scan)[0].table.schema.names == ("title", "author")
    derived = parse("SELECT t.n FROM (SELECT COUNT(*) AS n FROM votes) AS t")
    assert derived.schema.names == ("n",)
    with pytest.raises(SchemaError, match="ambiguous without a catalog"):
        parse("SELECT name FROM users u JOIN stories s ON s.author = u.id")
    with pytest.raises(SchemaError, match="needs a catalog"):
        parse("SELECT * FROM users")
    with pytest.raises(SchemaError, match="needs a catalog"):
        parse("INSERT INTO users VALUES (1, 'a')")
    assert parse("INSERT INTO users (id, name) VALUES (?, ?)").param_count == 2


def test_statements(cat):
    ins = parse("INSERT INTO users (id, name) VALUES (1, 'a'), (?, ?)", cat)
    assert isinstance(ins.root, Insert) and ins.root.rows[1] == (Param(0), Param(1))
    assert ins.param_count == 2 and not ins.is_query
    sel = parse("INSERT INTO users SELECT id, title, 0 FROM stories", cat)
    assert isinstance(sel.root.query, Project)
    upd = parse("UPDATE users SET karma = karma + ? WHERE id = ?", cat)
    assert isinstance(upd.root, Update) and upd.root.assignments[0][0] == 2
    assert str(upd.root.predicate) == "(users.id = ?1)"
    dele = parse("DELETE FROM votes WHERE up IS NULL", cat)
    assert isinstance(dele.root, Delete)
    drop = parse("DROP TABLE IF EXISTS votes", cat)
    assert isinstance(drop.root, DropTable) and drop.root.if_exists
    apply_ddl(drop, cat)
    assert "votes" not in cat
    create = parse("CREATE TABLE IF NOT EXISTS t (a INT)")
    assert isinstance(create.root, CreateTable) and create.root.if_not_exists
    with pytest.raises(UnknownNameError, match="unknown column"):
        parse("UPDATE users SET nope = 1", cat)


def test_parse_script_applies_ddl_in_order():
    cat = Catalog()
    plans = parse_script(
        "CREATE TABLE a (x INT); CREATE VIEW v AS SELECT x FROM a; INSERT INTO a VALUES (?); "
        "SELECT * FROM v; DROP VIEW v",
        cat,
    )
    assert [type(p.root).__name__ for p in plans] == [
        "CreateTable",
        "CreateView",
        "Insert",
        "Project",
        "DropTable",
    ]
    assert cat.table_names() == ["a"] and cat.view_names() == []
    assert plans[3].schema.names == ("x",)
    inferred = parse_script("SELECT t.a FROM t; SELECT u.b FROM u")
    assert [p.schema.names for p in inferred] == [("a",), ("b",)]
    with pytest.raises(ConfigError, match="CREATE statements only"):
        catalog_from_sql("CREATE TABLE a (x INT); SELECT 1")


def test_syntax_errors_and_statement_count():
    with pytest.raises(SQLSyntaxError, match="SQL syntax error: .*Line 1") as err:
        parse("SELEC 1")
    assert isinstance(err.value, DcsysError)
    with pytest.raises(SQLSyntaxError):
        parse("SELECT (1")
    with pytest.raises(ConfigError, match="got 2"):
        parse("SELECT 1; SELECT 2")
    with pytest.raises(ConfigError, match="unknown SQL dialect"):
        parse("SELECT 1", dialect="klingon")
    with pytest.raises(ConfigError, match="must be a str"):
        parse(b"SELECT 1")  # type: ignore[arg-type]


def test_dialect_specific_parsing(cat):
    mysql = parse("SELECT karma / 2, karma DIV 2 FROM users", cat, dialect="mysql")
    assert evaluate(mysql, {"users": [(1, "a", 7)]}) == [(3.5, 3)]
    sqlite = parse("SELECT karma / 2 FROM users", cat)
    assert evaluate(sqlite, {"users": [(1, "a", 7)]}) == [(3,)]
    pg = parse("SELECT name LIKE 'A%', name ILIKE 'A%' FROM users", cat, dialect="postgres")
    assert evaluate(pg, {"users": [(1, "ann", 7)]}) == [(False, True)]
    assert evaluate(parse("SELECT name LIKE 'A%' FROM users", cat), {"users": [(1, "ann", 7)]}) == [
        (True,)
    ]
    concat = parse("SELECT CONCAT(name, NULL, 'x') FROM users", cat, dialect="postgres")
    assert evaluate(concat, {"users": [(1, "ann", 7)]}) == [("annx",)]


def test_select_without_from_and_values():
    assert evaluate(parse("SELECT 1 + 2 AS three, 'x' || 'y'"), {}) == [(3, "xy")]
    values = parse("SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v(n, s) WHERE v.n > 1")
    assert values.schema.names == ("n", "s") and evaluate(values, {}) == [(2, "b")]
    assert evaluate(parse("SELECT -1, -(2), +3, TRUE, NULL"), {}) == [(-1, -2, 3, True, None)]
    assert parse("SELECT 1.5e3").root.exprs[0] == Literal(1500.0)
