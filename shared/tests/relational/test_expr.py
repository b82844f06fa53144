import pytest

from dcsys.core.errors import SchemaError, UnsupportedSQLError
from dcsys.core.relational import (
    AggCall,
    And,
    Arithmetic,
    Between,
    Case,
    Cast,
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
    columns_used,
    conjoin,
    conjuncts,
    contains_aggregate,
    params_used,
    remap_columns,
    shift_columns,
    transform,
    walk,
)

T = ColumnType
A = ColumnRef(0, "a", T.INT, "t", nullable=False)
B = ColumnRef(1, "b", T.FLOAT, "t")
S = ColumnRef(2, "s", T.TEXT, "t")


def test_leaves():
    assert Literal(3).type is T.INT and not Literal(3).nullable
    assert Literal(None).type is T.NULL and Literal(None).nullable
    assert Literal(True) != Literal(1)  # typed, so TRUE and 1 differ structurally
    assert str(Literal("it's")) == "'it''s'" and str(Literal(None)) == "NULL"
    assert str(Literal(False)) == "FALSE" and str(Param(2)) == "?2"
    assert str(ColumnRef(4)) == "#4"
    with pytest.raises(SchemaError):
        ColumnRef(-1)
    with pytest.raises(SchemaError):
        Param(-2)


def test_arithmetic_types_and_nullability():
    assert Arithmetic("+", A, Literal(1)).type is T.INT
    assert not Arithmetic("+", A, Literal(1)).nullable
    assert Arithmetic("/", A, Literal(2)).nullable  # division by zero gives NULL
    assert Arithmetic("*", A, B).type is T.FLOAT
    assert Arithmetic("+", A, S).type is T.UNKNOWN
    assert Arithmetic("||", A, S).type is T.TEXT
    assert Negate(Literal(True)).type is T.INT
    with pytest.raises(SchemaError, match="operator"):
        Arithmetic("^", A, A)


def test_predicates():
    c = Comparison("<>", A, Literal(3))
    assert c.op == "!=" and c.type is T.BOOL and str(c) == "(t.a != 3)"
    assert Comparison("<", A, B).flipped() == Comparison(">", B, A)
    assert not IsNull(B).nullable and B.nullable
    assert str(InList(S, (Literal("x"),), negated=True)) == "(t.s NOT IN ('x'))"
    assert str(Between(A, Literal(1), Literal(2))) == "(t.a BETWEEN 1 AND 2)"
    assert str(Like(S, Literal("a%"), negated=True)) == "(t.s NOT LIKE 'a%')"
    with pytest.raises(SchemaError):
        And((c,))
    with pytest.raises(SchemaError):
        Or(())
    with pytest.raises(SchemaError):
        InList(A, ())
    with pytest.raises(SchemaError):
        Comparison("~", A, A)


def test_functions_and_case():
    assert Func("ifnull", (B, Literal(0))).name == "COALESCE"
    assert Func("substring", (S, Literal(1))).name == "SUBSTR"
    assert Func("LENGTH", (S,)).type is T.INT
    assert Func("ROUND", (B,)).type is T.FLOAT
    assert Func("COALESCE", (B, Literal(0))).type is T.FLOAT
    assert not Func("COALESCE", (B, Literal(0))).nullable
    with pytest.raises(UnsupportedSQLError, match="function FOO"):
        Func("foo", ())
    with pytest.raises(SchemaError, match="NULLIF takes 2 arguments"):
        Func("nullif", (A,))
    case = Case(((Comparison(">", A, Literal(0)), Literal(1)),), Literal(2.5))
    assert case.type is T.FLOAT and not case.nullable
    assert Case(((A, Literal("x")),), operand=B).nullable  # no ELSE
    with pytest.raises(SchemaError):
        Case(())
    assert Cast(S, T.INT).type is T.INT
    with pytest.raises(SchemaError):
        Cast(S, T.UNKNOWN)


def test_aggregates():
    assert str(AggCall("count")) == "COUNT(*)" and AggCall("count").is_count_star
    assert AggCall("sum", A).type is T.INT and AggCall("sum", B).type is T.FLOAT
    assert AggCall("max", S).type is T.TEXT and AggCall("avg", A).type is T.FLOAT
    assert AggCall("string_agg", S, separator="-").func == "GROUP_CONCAT"
    assert str(AggCall("group_concat", S, True, "|")) == "GROUP_CONCAT(DISTINCT t.s, '|')"
    assert not AggCall("count", A).nullable and AggCall("min", A).nullable
    with pytest.raises(UnsupportedSQLError, match="aggregate function MEDIAN"):
        AggCall("median", A)
    with pytest.raises(SchemaError):
        AggCall("sum")
    with pytest.raises(SchemaError):
        AggCall("sum", A, separator=",")
    with pytest.raises(SchemaError):
        AggCall("count", None, distinct=True)


def test_traversal_and_rewrites():
    e = And((Comparison("=", A, Param(0)), Not(IsNull(B)), Like(S, Param(3))))
    assert [type(n).__name__ for n in walk(e)][:3] == ["And", "Comparison", "ColumnRef"]
    assert columns_used(e) == {0, 1, 2}
    assert params_used(e) == {0, 3}
    shifted = shift_columns(e, 10)
    assert columns_used(shifted) == {10, 11, 12}
    assert remap_columns(e, {1: 7}) != e and columns_used(remap_columns(e, {1: 7})) == {0, 7, 2}
    assert remap_columns(e, {}) is e  # unchanged trees are shared, not copied
    doubled = transform(e, lambda n: Param(n.index + 1) if isinstance(n, Param) else n)
    assert params_used(doubled) == {1, 4}
    assert contains_aggregate(Arithmetic("+", AggCall("count"), Literal(1)))
    assert not contains_aggregate(e)
    case = Case(((A, B),), S, operand=Param(0))
    assert case.children() == (Param(0), A, B, S)
    assert case.with_children([Param(1), A, B, S]).operand == Param(1)


def test_conjuncts_and_conjoin():
    p, q, r = (Comparison("=", A, Literal(i)) for i in range(3))
    assert conjuncts(And((p, And((q, r))))) == [p, q, r]
    assert conjuncts(None) == []
    assert conjoin([p]) is p and conjoin([]) is None
    assert conjoin([p, q]) == And((p, q))


def test_expressions_are_hashable_values():
    e1 = Comparison("=", A, Literal(1))
    e2 = Comparison("=", ColumnRef(0, "a", T.INT, "t", nullable=False), Literal(1))
    assert e1 == e2 and hash(e1) == hash(e2) and len({e1, e2}) == 1
