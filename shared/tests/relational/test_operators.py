import pytest

from dcsys.core.errors import ConfigError, SchemaError
from dcsys.core.relational import (
    UDF,
    AggCall,
    Aggregate,
    Arithmetic,
    Column,
    ColumnRef,
    ColumnType,
    Comparison,
    Distinct,
    Filter,
    Join,
    Limit,
    Literal,
    Loop,
    LoopInput,
    Param,
    Project,
    Scan,
    Schema,
    Sort,
    SortKey,
    TableSchema,
    Union,
    Values,
)

T = ColumnType
USERS = Scan(TableSchema("users", [Column("id", T.INT), Column("name", T.TEXT)], ["id"]), "u")
POSTS = Scan(
    TableSchema("posts", [Column("pid", T.INT), Column("author", T.INT), Column("score", T.FLOAT)])
)


def test_scan_qualifies_by_alias():
    assert USERS.schema[0].table == "u" and POSTS.schema[0].table == "posts"
    assert USERS.describe() == "Scan users AS u" and USERS.children() == ()


def test_values():
    v = Values(((Literal(1), Literal(None)), (Literal(2.5), Literal("x"))))
    assert v.schema.names == ("column1", "column2")
    assert v.schema.types == (T.FLOAT, T.TEXT) and v.schema[1].nullable and not v.schema[0].nullable
    assert Values(((),)).schema.names == ()
    assert Values((), names=("a",)).schema.names == ("a",)
    with pytest.raises(SchemaError, match="VALUES rows"):
        Values(((Literal(1),), (Literal(1), Literal(2))))
    with pytest.raises(SchemaError, match="reads column"):
        Values(((ColumnRef(0),),))


def test_filter_checks_columns_and_aggregates():
    Filter(USERS, Comparison("=", USERS.schema.ref("id"), Param(0)))
    with pytest.raises(SchemaError, match="reads column #5"):
        Filter(USERS, Comparison("=", ColumnRef(5), Literal(1)))
    with pytest.raises(SchemaError, match="aggregate not allowed"):
        Filter(USERS, Comparison(">", AggCall("count"), Literal(1)))


def test_project_names_types_and_qualifiers():
    p = Project(
        USERS, (USERS.schema.ref("name"), Arithmetic("+", USERS.schema.ref("id"), Literal(1)))
    )
    assert p.schema.names == ("name", "(u.id + 1)")
    assert p.schema[0].table == "u" and p.schema[1].table is None
    assert p.schema.types == (T.TEXT, T.INT)
    renamed = Project(USERS, (USERS.schema.ref("id"),), ("uid",))
    assert renamed.schema[0].table is None
    aliased = Project(USERS, (USERS.schema.ref("id"),), table="sub")
    assert aliased.schema[0].qualified_name == "sub.id"
    assert Project(USERS, (ColumnRef(0), ColumnRef(1))).is_identity()
    with pytest.raises(SchemaError, match="2 expressions but 1 names"):
        Project(USERS, (ColumnRef(0), ColumnRef(1)), ("a",))


def test_join_schema_keys_and_validation():
    j = Join(USERS, POSTS, "left", (0,), (1,))
    assert j.schema.names == ("id", "name", "pid", "author", "score")
    assert not j.schema[0].nullable and j.schema[2].nullable
    assert j.describe() == "Join left on u.id = posts.author"
    assert Join(USERS, POSTS).describe() == "Join inner (cross)"
    residual = Join(
        USERS, POSTS, residual=Comparison(">", ColumnRef(4, type=T.FLOAT), Literal(1.0))
    )
    assert "residual" in residual.describe()
    with pytest.raises(SchemaError, match="kind"):
        Join(USERS, POSTS, "full")
    with pytest.raises(SchemaError, match="1 left keys but 2 right keys"):
        Join(USERS, POSTS, "inner", (0,), (1, 2))
    with pytest.raises(SchemaError, match="out of range"):
        Join(USERS, POSTS, "inner", (7,), (0,))
    with pytest.raises(SchemaError, match="reads column"):
        Join(USERS, POSTS, residual=Comparison("=", ColumnRef(9), Literal(1)))


def test_aggregate_schema():
    a = Aggregate(
        POSTS,
        (POSTS.schema.ref("author"),),
        (AggCall("count"), AggCall("avg", POSTS.schema.ref("score"))),
    )
    assert a.schema.names == ("author", "COUNT(*)", "AVG(posts.score)")
    assert a.schema.types == (T.INT, T.INT, T.FLOAT)
    assert not a.schema[1].nullable and a.schema[2].nullable
    named = Aggregate(POSTS, (), (AggCall("count"),), names=("n",))
    assert named.schema.names == ("n",)
    with pytest.raises(SchemaError, match="aggregate not allowed"):
        Aggregate(POSTS, (AggCall("count"),), ())
    with pytest.raises(SchemaError, match="AggCall"):
        Aggregate(POSTS, (), (Literal(1),))  # type: ignore[arg-type]


def test_union_sort_limit_distinct():
    left = Project(USERS, (USERS.schema.ref("id"),))
    right = Project(POSTS, (POSTS.schema.ref("score"),))
    u = Union((left, right), all=True)
    assert (
        u.schema.types == (T.FLOAT,) and u.schema[0].table is None and u.describe() == "Union all"
    )
    with pytest.raises(SchemaError, match="must match"):
        Union((USERS, POSTS))
    with pytest.raises(SchemaError, match="at least two"):
        Union((USERS,))
    s = Sort(USERS, (SortKey(USERS.schema.ref("name"), descending=True),))
    assert s.keys[0].nulls_first is False and str(s.keys[0]) == "u.name DESC"
    assert str(SortKey(ColumnRef(0, "x"), nulls_first=False)) == "x ASC NULLS LAST"
    assert Sort(USERS, (ColumnRef(0),)).keys[0] == SortKey(
        ColumnRef(0)
    )  # bare expressions accepted
    assert Limit(s, 10, 2).describe() == "Limit 10 offset 2"
    assert Limit(s).describe() == "Limit ALL"
    with pytest.raises(SchemaError, match="LIMIT must be"):
        Limit(s, -1)
    with pytest.raises(SchemaError, match="OFFSET must be"):
        Limit(s, 1, True)  # type: ignore[arg-type]
    assert Distinct(USERS).schema is USERS.schema


def test_with_inputs_rebuilds_and_rechecks():
    f = Filter(USERS, Comparison("=", ColumnRef(0), Literal(1)))
    g = f.with_inputs(POSTS)
    assert g.children() == (POSTS,) and g.predicate == f.predicate and g.schema == POSTS.schema
    u = Union((USERS, USERS))
    assert u.with_inputs(USERS, USERS).children() == (USERS, USERS)
    with pytest.raises(SchemaError):
        Project(POSTS, (ColumnRef(2),)).with_inputs(USERS)


def test_nodes_compare_by_identity():
    a, b = Scan(USERS.table), Scan(USERS.table)
    assert a != b and a == a and len({a, b}) == 2


def test_udf_and_loop_nodes():
    out = Schema([Column("x", T.INT)])
    u = UDF(POSTS, "explode", lambda r: [(r[0],)], out)
    assert u.schema is out and u.describe() == "UDF explode per row"
    part = UDF(
        POSTS, "top", lambda rows: rows[:1], POSTS.schema, per="partition", partition_by=(1,)
    )
    assert part.describe() == "UDF top per partition by [1]"
    with pytest.raises(ConfigError, match="per must be"):
        UDF(POSTS, "f", lambda r: [], out, per="batch")
    with pytest.raises(ConfigError, match="callable"):
        UDF(POSTS, "f", 3, out)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="partition_by needs"):
        UDF(POSTS, "f", lambda r: [], out, partition_by=(0,))
    with pytest.raises(SchemaError, match="out of range"):
        UDF(POSTS, "f", lambda r: [], out, per="partition", partition_by=(9,))
    state = LoopInput("s", out)
    loop = Loop(Project(POSTS, (ColumnRef(0, "pid", T.INT),)), state, "s", max_iterations=3)
    assert loop.schema.names == ("pid",) and loop.children()[1] is state
    with pytest.raises(ConfigError, match="max_iterations or until_fixpoint"):
        Loop(USERS, USERS, "s", until_fixpoint=False)
    with pytest.raises(ConfigError, match="max_iterations must be"):
        Loop(USERS, USERS, "s", max_iterations=-1)
    with pytest.raises(SchemaError, match="body gives"):
        Loop(USERS, POSTS, "s", max_iterations=1)
