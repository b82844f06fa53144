import pytest

from dcsys.core.errors import ConfigError, SchemaError, UnknownNameError
from dcsys.core.relational import (
    UDF,
    AggCall,
    Aggregate,
    Arithmetic,
    Column,
    ColumnRef,
    ColumnType,
    Comparison,
    CreateTable,
    Delete,
    Distinct,
    DropTable,
    Filter,
    Insert,
    Join,
    Limit,
    Literal,
    Loop,
    LoopInput,
    Param,
    Plan,
    Project,
    Scan,
    Schema,
    Sort,
    SortKey,
    TableSchema,
    Union,
    Update,
    Values,
    evaluate,
    execute,
)

T = ColumnType
USERS_T = TableSchema("users", [Column("id", T.INT), Column("name", T.TEXT)], ["id"])
POSTS_T = TableSchema(
    "posts", [Column("pid", T.INT), Column("author", T.INT), Column("score", T.FLOAT)]
)
USERS, POSTS = Scan(USERS_T), Scan(POSTS_T)
DATA = {
    "users": [(1, "ann"), (2, "bob"), (3, None)],
    "posts": [(10, 1, 2.5), (11, 1, None), (12, 2, 1.0), (13, None, 4.0), (14, 9, 0.5)],
}


def test_scan_filter_project():
    f = Filter(POSTS, Comparison(">", POSTS.schema.ref("score"), Param(0)))
    p = Project(
        f, (POSTS.schema.ref("pid"), Arithmetic("*", POSTS.schema.ref("score"), Literal(2)))
    )
    assert evaluate(p, DATA, [1.0]) == [(10, 5.0), (13, 8.0)]
    assert evaluate(Plan(p), DATA, (0.6,)) == [(10, 5.0), (12, 2.0), (13, 8.0)]


def test_joins_skip_null_keys_and_pad_left_rows():
    inner = Join(USERS, POSTS, "inner", (0,), (1,))
    assert evaluate(inner, DATA) == [
        (1, "ann", 10, 1, 2.5),
        (1, "ann", 11, 1, None),
        (2, "bob", 12, 2, 1.0),
    ]
    left = Join(POSTS, USERS, "left", (1,), (0,))
    rows = evaluate(left, DATA)
    assert (
        (13, None, 4.0, None, None) in rows and (14, 9, 0.5, None, None) in rows and len(rows) == 5
    )
    residual = Join(
        USERS,
        POSTS,
        "left",
        (0,),
        (1,),
        Comparison(">", ColumnRef(4, "score", T.FLOAT), Literal(2.0)),
    )
    assert evaluate(residual, DATA) == [
        (1, "ann", 10, 1, 2.5),
        (2, "bob", None, None, None),
        (3, None, None, None, None),
    ]
    cross = Join(USERS, USERS)
    assert len(evaluate(cross, DATA)) == 9


def test_aggregates():
    s = POSTS.schema
    agg = Aggregate(
        POSTS,
        (s.ref("author"),),
        (
            AggCall("count"),
            AggCall("count", s.ref("score")),
            AggCall("sum", s.ref("score")),
            AggCall("avg", s.ref("pid")),
            AggCall("max", s.ref("score")),
            AggCall("group_concat", s.ref("pid"), separator="|"),
        ),
    )
    assert evaluate(agg, DATA) == [
        (1, 2, 1, 2.5, 10.5, 2.5, "10|11"),
        (2, 1, 1, 1.0, 12.0, 1.0, "12"),
        (None, 1, 1, 4.0, 13.0, 4.0, "13"),
        (9, 1, 1, 0.5, 14.0, 0.5, "14"),
    ]
    total = Aggregate(
        POSTS, (), (AggCall("count"), AggCall("sum", s.ref("pid")), AggCall("min", s.ref("score")))
    )
    assert evaluate(total, DATA) == [(5, 60, 0.5)]
    empty = {"posts": []}
    assert evaluate(total, empty) == [(0, None, None)]
    assert evaluate(agg, empty) == []
    distinct = Aggregate(
        Values(tuple((Literal(v),) for v in [3, 1, 3, None, 1.0, "x", "a"])),
        (),
        (
            AggCall("count", ColumnRef(0), distinct=True),
            AggCall("group_concat", ColumnRef(0), distinct=True),
            AggCall("min", ColumnRef(0)),
            AggCall("max", ColumnRef(0)),
        ),
    )
    assert evaluate(distinct, {}) == [(4, "1,3,a,x", 1, "x")]


def test_distinct_union_sort_limit():
    names = Project(USERS, (USERS.schema.ref("name"),))
    assert evaluate(Union((names, names)), DATA) == [("ann",), ("bob",), (None,)]
    assert len(evaluate(Union((names, names), all=True), DATA)) == 6
    assert evaluate(Distinct(Union((names, names), all=True)), DATA) == [
        ("ann",),
        ("bob",),
        (None,),
    ]
    s = POSTS.schema
    by_score = Sort(POSTS, (SortKey(s.ref("score")),))
    assert [r[0] for r in evaluate(by_score, DATA)] == [11, 14, 12, 10, 13]
    desc = Sort(POSTS, (SortKey(s.ref("score"), descending=True),))
    assert [r[0] for r in evaluate(desc, DATA)] == [13, 10, 12, 14, 11]
    nulls_last = Sort(POSTS, (SortKey(s.ref("score"), nulls_first=False),))
    assert [r[0] for r in evaluate(nulls_last, DATA)] == [14, 12, 10, 13, 11]
    two_keys = Sort(
        POSTS,
        (SortKey(s.ref("author"), descending=True, nulls_first=True), SortKey(s.ref("pid"), True)),
    )
    assert [r[0] for r in evaluate(two_keys, DATA)] == [13, 14, 12, 11, 10]
    assert [r[0] for r in evaluate(Limit(by_score, 2, 1), DATA)] == [14, 12]
    assert [r[0] for r in evaluate(Limit(by_score, None, 3), DATA)] == [10, 13]
    mixed = Values(
        ((Literal("b"),), (Literal(2),), (Literal(None),), (Literal(1.5),), (Literal("a"),))
    )
    assert evaluate(Sort(mixed, (ColumnRef(0),)), {}) == [(None,), (1.5,), (2,), ("a",), ("b",)]


def test_shared_nodes_are_evaluated_once():
    calls = []

    def spy(row):
        calls.append(row)
        return [row]

    shared = UDF(USERS, "spy", spy, USERS.schema)
    both = Union((shared, Filter(shared, Comparison("=", ColumnRef(0), Literal(1)))), all=True)
    assert len(evaluate(both, DATA)) == 4
    assert len(calls) == 3


def test_udf_per_row_and_partition():
    s = POSTS.schema
    explode = UDF(POSTS, "twice", lambda r: [(r[0],), (r[0],)], Schema([Column("pid", T.INT)]))
    assert len(evaluate(explode, DATA)) == 10
    best = UDF(
        POSTS,
        "best",
        lambda rows: [max(rows, key=lambda r: r[0])],
        s,
        per="partition",
        partition_by=(1,),
    )
    assert evaluate(best, DATA) == [(11, 1, None), (12, 2, 1.0), (13, None, 4.0), (14, 9, 0.5)]
    whole = UDF(POSTS, "n", lambda rows: [(len(rows),)], Schema([Column("n")]), per="partition")
    assert evaluate(whole, DATA) == [(5,)] and evaluate(whole, {"posts": []}) == [(0,)]
    bad = UDF(POSTS, "bad", lambda r: [(1, 2)], Schema([Column("x")]))
    with pytest.raises(SchemaError, match="produced a 2-column row"):
        evaluate(bad, DATA)


def test_loop_until_fixpoint_transitive_closure():
    edges_t = TableSchema("edges", [Column("src", T.INT), Column("dst", T.INT)])
    edges = Scan(edges_t)
    start = Project(
        Filter(edges, Comparison("=", edges.schema.ref("src"), Literal(1))),
        (edges.schema.ref("dst"),),
        ("node",),
    )
    state = LoopInput("reach", start.schema)
    step = Project(
        Join(state, edges, "inner", (0,), (0,)), (ColumnRef(2, "dst", T.INT),), ("node",)
    )
    body = Distinct(Union((state, step), all=True))
    loop = Loop(start, body, "reach")
    data = {"edges": [(1, 2), (2, 3), (3, 1), (3, 4), (5, 6)]}
    assert sorted(evaluate(loop, data)) == [(1,), (2,), (3,), (4,)]
    bounded = Loop(start, body, "reach", max_iterations=1)
    assert sorted(evaluate(bounded, data)) == [(2,), (3,)]


def test_loop_counts_iterations():
    x = Values(((Literal(0),),), names=("x",))
    state = LoopInput("s", x.schema)
    step = Project(state, (Arithmetic("+", ColumnRef(0, "x", T.INT), Literal(1)),), ("x",))
    assert evaluate(Loop(x, step, "s", max_iterations=5, until_fixpoint=False), {}) == [(5,)]
    assert evaluate(Loop(x, step, "s", max_iterations=0), {}) == [(0,)]
    with pytest.raises(ConfigError, match="outside its Loop"):
        evaluate(step, {})


def test_evaluate_errors():
    f = Filter(USERS, Comparison("=", ColumnRef(0), Param(1)))
    with pytest.raises(ConfigError, match="takes 2 parameters, got 1"):
        evaluate(f, DATA, [1])
    with pytest.raises(UnknownNameError, match="unknown table 'users'"):
        evaluate(USERS, {"posts": []})
    with pytest.raises(SchemaError, match="has 2 columns but a row has 3"):
        evaluate(USERS, {"users": [(1, "a", "extra")]})
    with pytest.raises(ConfigError, match="use execute"):
        evaluate(CreateTable(USERS_T), {})
    assert evaluate(USERS, {"USERS": [(1, "a")]}) == [
        (1, "a")
    ]  # table names match case-insensitively


def test_execute_insert_update_delete():
    t = TableSchema(
        "t", [Column("id", T.INT), Column("v", T.TEXT, default="d"), Column("n", T.INT)], ["id"]
    )
    tables: dict = {}
    assert execute(CreateTable(t), tables) == 0 and tables == {"t": []}
    with pytest.raises(SchemaError, match="already exists"):
        execute(CreateTable(t), tables)
    assert execute(CreateTable(t, if_not_exists=True), tables) == 0
    rows = tables["t"]
    assert execute(Insert(t, ("n",), rows=((Literal(1),), (Param(0),))), tables, [2]) == 2
    assert rows == [(1, "d", 1), (2, "d", 2)]  # an INT primary key numbers itself, defaults fill in
    assert execute(Insert(t, rows=((Literal(7), Literal("x"), Literal(None)),)), tables) == 1
    assert execute(Insert(t, ("n",), rows=((Literal(3),),)), tables) == 1
    assert rows[-1] == (8, "d", 3)
    s = t.schema
    upd = Update(
        t, ((2, Arithmetic("*", s.ref("n"), Literal(10))),), Comparison(">", s.ref("id"), Param(0))
    )
    assert execute(upd, tables, [1]) == 3
    assert rows == [(1, "d", 1), (2, "d", 20), (7, "x", None), (8, "d", 30)]
    assert execute(Delete(t, Comparison("=", s.ref("v"), Literal("d"))), tables) == 3
    assert rows == [(7, "x", None)] and tables["t"] is rows  # changed in place
    assert execute(Delete(t), tables) == 1 and rows == []
    query = Project(
        Values(((Literal(5), Literal("q"), Literal(0)),)),
        (ColumnRef(0), ColumnRef(1), ColumnRef(2)),
    )
    assert execute(Insert(t, query=query), tables) == 1 and rows == [(5, "q", 0)]
    assert execute(DropTable("T"), tables) == 0 and tables == {}
    assert execute(DropTable("t", if_exists=True), tables) == 0
    with pytest.raises(UnknownNameError):
        execute(DropTable("t"), tables)


def test_execute_checks_constraints_atomically():
    t = TableSchema("t", [Column("k", T.TEXT), Column("v", T.INT, nullable=False)], ["k"])
    tables = {"t": [("a", 1)]}
    with pytest.raises(SchemaError, match="UNIQUE constraint failed"):
        execute(Insert(t, rows=((Literal("b"), Literal(2)), (Literal("a"), Literal(3)))), tables)
    with pytest.raises(SchemaError, match="NOT NULL constraint failed: t.v"):
        execute(Insert(t, ("k",), rows=((Literal("c"),),)), tables)
    with pytest.raises(SchemaError, match="NOT NULL constraint failed: t.k"):
        execute(Insert(t, ("v",), rows=((Literal(1),),)), tables)  # a TEXT key is not numbered
    with pytest.raises(SchemaError, match="UNIQUE"):
        execute(Update(t, ((0, Literal("z")),)), {"t": [("a", 1), ("b", 2)]})
    assert tables == {"t": [("a", 1)]}  # nothing half-written
    with pytest.raises(ConfigError, match="use evaluate"):
        execute(Scan(t), tables)
