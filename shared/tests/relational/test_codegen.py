"""compile_expression against SQLite: fixed cases and random expressions (hypothesis)."""

import math
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dcsys.core.errors import SchemaError
from dcsys.core.relational import (
    AggCall,
    And,
    Arithmetic,
    Between,
    Case,
    Cast,
    Catalog,
    Column,
    ColumnRef,
    ColumnType,
    Comparison,
    Func,
    InList,
    IsNull,
    Like,
    Literal,
    Negate,
    Not,
    Or,
    Param,
    Project,
    Scan,
    Schema,
    TableSchema,
    compile_expression,
    compile_predicate,
    compile_projection,
    expression_source,
)
from dcsys.core.sql import parse, to_sql_with_params

T = ColumnType
UNTYPED = TableSchema("r", [Column("a"), Column("b"), Column("c")])
TYPED = TableSchema("r", [Column("a", T.INT), Column("b", T.FLOAT), Column("c", T.TEXT)])


@pytest.fixture(scope="module")
def conn():
    c = sqlite3.connect(":memory:")
    c.execute("CREATE TABLE r (a, b, c)")  # no declared types: no affinity conversions
    yield c
    c.close()


def _norm(v):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, float) and not math.isnan(v):
        return float(f"{v:.12g}") + 0.0
    return v


def sqlite_value(conn, table, expr, row, params):
    sql, order = to_sql_with_params(Project(Scan(table), (expr,)), "sqlite")
    conn.execute("DELETE FROM r")
    conn.execute("INSERT INTO r VALUES (?, ?, ?)", row)
    return conn.execute(sql, [params[i] for i in order]).fetchone()[0]


# -- fixed cases: the SQLite behaviours the IR promises --------------------------------------

CASES = [
    ("a / b", (7, 2, None), 3),
    ("a / b", (-7, 2, None), -3),
    ("a / b", (7, 0, None), None),
    ("a / b", (7.0, 2, None), 3.5),
    ("a % b", (-7, 3, None), -1),
    ("a % b", (5.5, 2, None), 1.0),
    ("a % b", (5, 0.5, None), None),
    ("a + b", ("3", 4, None), 7),
    ("a + b", ("1.5e3x", 0, None), 1500.0),
    ("a || b", ("x", 1.5, None), "x1.5"),
    ("a || b", ("x", 1e20, None), "x1.0e+20"),
    ("a || b", ("x", 1 / 3, None), "x0.333333333333333"),
    ("a || b", ("x", None, None), None),
    ("a < b", (1, "a", None), 1),
    ("a = b", (1, "1", None), 0),
    ("a = b", (1, 1.0, None), 1),
    ("a AND b", (None, 0, None), 0),
    ("a AND b", (None, 1, None), None),
    ("a OR b", (None, 1, None), 1),
    ("a OR b", (None, 0, None), None),
    ("NOT a", ("abc", None, None), 1),
    ("a IN (1, NULL)", (2, None, None), None),
    ("a NOT IN (1, 2)", (2, None, None), 0),
    ("a BETWEEN b AND c", (2, 1, None), None),
    ("a BETWEEN b AND c", (0, 1, None), 0),
    ("a LIKE 'A_c%'", ("abcd", None, None), 1),
    ("a LIKE 'é'", ("É", None, None), 0),
    ("a LIKE b", (15, "1%", None), 1),
    ("UPPER(a) || LOWER(b)", ("àb", "ÀB", None), "àBÀb"),
    ("LENGTH(a)", ("héllo", None, None), 5),
    ("LENGTH(a)", (1.5, None, None), 3),
    ("ABS(a)", ("-5", None, None), 5.0),
    ("ROUND(a)", (-2.5, None, None), -3.0),
    ("ROUND(a, 2)", (2.675, None, None), 2.68),
    ("ROUND(a, b)", (2.5, None, None), None),
    ("SUBSTR(a, -3, 2)", ("hello", None, None), "ll"),
    ("SUBSTR(a, 0, 2)", ("hello", None, None), "h"),
    ("SUBSTR(a, 2, -1)", ("hello", None, None), "h"),
    ("SUBSTR(a, 2)", (12345, None, None), "2345"),
    ("CAST(a AS INTEGER)", ("12.7abc", None, None), 12),
    ("CAST(a AS INTEGER)", (-3.7, None, None), -3),
    ("CAST(a AS REAL)", ("x", None, None), 0.0),
    ("CAST(a AS TEXT)", (5.0, None, None), "5.0"),
    ("COALESCE(a, b, c)", (None, None, "z"), "z"),
    ("NULLIF(a, b)", (1, 1.0, None), None),
    (
        "CASE a WHEN 1 THEN 'one' WHEN NULL THEN 'null' ELSE 'other' END",
        (None, None, None),
        "other",
    ),
    ("CASE WHEN a THEN 'yes' END", ("0.0", None, None), None),
    ("a IS NULL OR b IS NOT NULL", (1, None, None), 0),
    ("-a", ("abc", None, None), 0),
]


@pytest.mark.parametrize("text, row, expected", CASES)
def test_sqlite_semantics(conn, text, row, expected):
    plan = parse(f"SELECT {text} FROM r", Catalog([UNTYPED]))
    expr = plan.root.exprs[0]
    ours = compile_expression(expr, UNTYPED.schema)(row)
    theirs = sqlite_value(conn, UNTYPED, expr, row, ())
    assert _norm(theirs) == _norm(expected), "SQLite itself disagrees with the expected value"
    assert _norm(ours) == _norm(expected)


# -- random expressions --------------------------------------------------------------------

VALUES = st.one_of(
    st.none(),
    st.integers(-40, 40),
    st.integers(-80, 80).map(lambda i: i / 4),
    st.sampled_from(["", "a", "Ab", "abc", "12", " 7", "1.5e2x", "x_y", "%", "É", "-3"]),
)
PATTERNS = st.sampled_from(["a%", "%b%", "_", "A_", "%", "", "1%", "x\\_y", "%É%"]).map(Literal)


def _leaf(columns):
    return st.one_of(
        st.sampled_from(columns),
        VALUES.map(Literal),
        st.sampled_from([Param(0), Param(1)]),
    )


def _expressions(columns):
    def extend(children):
        two = st.tuples(children, children)
        return st.one_of(
            st.builds(
                Arithmetic, st.sampled_from(["+", "-", "*", "/", "%", "||"]), children, children
            ),
            st.builds(Negate, children),
            st.builds(
                Comparison, st.sampled_from(["=", "!=", "<", "<=", ">", ">="]), children, children
            ),
            two.map(And),
            two.map(Or),
            st.builds(Not, children),
            st.builds(IsNull, children, st.booleans()),
            st.builds(
                InList,
                children,
                st.lists(children, min_size=1, max_size=3).map(tuple),
                st.booleans(),
            ),
            st.builds(Between, children, children, children, st.booleans()),
            st.builds(Like, children, st.one_of(PATTERNS, children), st.booleans()),
            st.builds(
                Case,
                st.lists(st.tuples(children, children), min_size=1, max_size=2).map(tuple),
                st.one_of(st.none(), children),
                st.one_of(st.none(), children),
            ),
            # COALESCE(CAST(...), NULL) is the cast without the cast's SQLite column affinity,
            # which the IR does not emulate (see dcsys.core.relational.codegen).
            st.builds(
                lambda a, t: Func("COALESCE", (Cast(a, t), Literal(None))),
                children,
                st.sampled_from([T.INT, T.FLOAT, T.TEXT]),
            ),
            st.lists(children, min_size=2, max_size=3).map(lambda a: Func("COALESCE", tuple(a))),
            two.map(lambda a: Func("NULLIF", a)),
            st.builds(
                lambda a, f: Func(f, (a,)),
                children,
                st.sampled_from(["ABS", "LOWER", "UPPER", "LENGTH"]),
            ),
            st.builds(lambda a, n: Func("SUBSTR", (a, Literal(n))), children, st.integers(-4, 4)),
            st.builds(
                lambda a, n, m: Func("SUBSTR", (a, Literal(n), Literal(m))),
                children,
                st.integers(-4, 4),
                st.integers(-3, 3),
            ),
        )

    return st.recursive(_leaf(columns), extend, max_leaves=10)


# Deterministic (seeded) and without a local example database, so CI runs are reproducible.
SETTINGS = dict(
    deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)
UNTYPED_COLS = [ColumnRef.of(UNTYPED.schema, i) for i in range(3)]
TYPED_COLS = [ColumnRef.of(TYPED.schema, i) for i in range(3)]
TYPED_ROWS = st.tuples(
    st.one_of(st.none(), st.integers(-40, 40)),
    st.one_of(st.none(), st.integers(-80, 80).map(lambda i: i / 4)),
    st.one_of(st.none(), st.sampled_from(["", "a", "Ab", "abc", "12", "x_y", "É"])),
)


@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")
@settings(**SETTINGS, max_examples=250)
@given(
    expr=_expressions(UNTYPED_COLS),
    row=st.tuples(VALUES, VALUES, VALUES),
    params=st.tuples(VALUES, VALUES),
)
def test_random_untyped_expressions_match_sqlite(conn, expr, row, params):
    ours = compile_expression(expr, UNTYPED.schema)(row, params)
    assert _norm(ours) == _norm(sqlite_value(conn, UNTYPED, expr, row, params))


@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")
@settings(**SETTINGS, max_examples=200)
@given(expr=_expressions(TYPED_COLS), row=TYPED_ROWS, params=st.tuples(VALUES, VALUES))
def test_random_typed_expressions_match_sqlite(conn, expr, row, params):
    # Declared types enable the inline fast paths; SQLite's table stays untyped (no affinity).
    ours = compile_expression(expr, TYPED.schema)(row, params)
    assert _norm(ours) == _norm(sqlite_value(conn, TYPED, expr, row, params))


# -- the compiled functions themselves ------------------------------------------------------


def test_predicate_only_true_passes():
    s = TYPED.schema
    p = compile_predicate(Comparison(">", s.ref("a"), Param(0)), s)
    assert p((5, None, None), (1,)) is True
    assert p((None, None, None), (1,)) is False
    assert p((0, None, None), (1,)) is False
    assert compile_predicate(Literal(None))(()) is False


def test_projection_builds_tuples():
    s = TYPED.schema
    f = compile_projection([s.ref("c"), Arithmetic("*", s.ref("a"), Literal(2)), Literal(None)], s)
    assert f((3, 1.0, "x")) == ("x", 6, None)
    assert compile_projection([])((1,)) == ()


def test_fast_path_falls_back_when_data_does_not_match_declared_types():
    s = TYPED.schema
    f = compile_expression(Arithmetic("+", s.ref("a"), s.ref("b")), s)
    assert f((2, 0.5, None)) == 2.5
    assert f(("3", "1.5", None)) == 4.5  # text in numeric columns: the generic SQLite path


def test_deep_and_wide_expressions_compile():
    a = ColumnRef(0, "a", T.INT)
    wide = And(tuple(Comparison("<", a, Literal(i)) for i in range(3000)))
    assert compile_predicate(wide)((-1,)) is True
    assert compile_predicate(wide)((5,)) is False
    deep = a
    for _ in range(120):
        deep = Arithmetic("+", deep, Literal(1))
    assert compile_expression(deep)((1,)) == 121
    many = Case(
        tuple((Comparison("=", a, Literal(i)), Literal(i * 2)) for i in range(200)), Literal(-1)
    )
    assert compile_expression(many)((150,)) == 300
    simple = Case(tuple((Literal(i), Literal(-i)) for i in range(200)), None, a)
    assert compile_expression(simple)((150,)) == -150
    assert compile_expression(simple)((None,)) is None


def test_errors():
    s = Schema([Column("a")])
    with pytest.raises(SchemaError, match="reads column #3"):
        compile_expression(ColumnRef(3), s)
    with pytest.raises(SchemaError, match="aggregate"):
        compile_expression(AggCall("count"))


def test_source_is_inspectable():
    src = expression_source(Comparison("=", ColumnRef(0, "a", T.INT), Literal(1)))
    assert "def _dcsys_expression(row, params=()):" in src and "row[0]" in src
