import random

import pytest

from dcsys.core.dataflow import Agg, Aggregate, DataflowError, Graph
from dcsys.core.errors import ConfigError, UnknownNameError


def make(group_by, aggs, arity):
    op = Aggregate(group_by, aggs)
    op.bind([arity])
    return op


def test_agg_spec_validation_and_normalisation():
    assert Agg("COUNT") == Agg("count")
    assert Agg("count_distinct", 1) == Agg("count", 1, distinct=True)
    assert str(Agg("sum", 2, distinct=True)) == "sum(distinct c2)"
    with pytest.raises(UnknownNameError, match="median"):
        Agg("median", 0)
    with pytest.raises(ConfigError, match="needs a column"):
        Agg("sum")
    with pytest.raises(ConfigError):
        Agg("count", distinct=True)
    with pytest.raises(ConfigError):
        Agg("max", "x")
    with pytest.raises(ConfigError):
        Agg("group_concat", 0, separator=1)
    with pytest.raises(ConfigError):
        Aggregate([0], [])
    with pytest.raises(ConfigError):
        Aggregate([0], ["count"])
    with pytest.raises(ConfigError, match="out of range"):
        Aggregate([0], [Agg("sum", 5)]).bind([2])


def test_count_emits_old_and_new_and_group_disappears():
    op = make([0], [Agg("count")], 2)
    assert op.on_input(0, [(("a", 1), 1)]) == [(("a", 1), 1)]
    assert op.on_input(0, [(("a", 2), 1), (("b", 1), 1)]) == [
        (("a", 1), -1),
        (("a", 2), 1),
        (("b", 1), 1),
    ]
    assert op.on_input(0, [(("b", 1), -1)]) == [(("b", 1), -1)]
    assert op.on_input(0, [(("a", 3), 1), (("a", 3), -1)]) == []


def test_null_handling_per_function():
    aggs = [
        Agg("count"),
        Agg("count", 1),
        Agg("sum", 1),
        Agg("avg", 1),
        Agg("min", 1),
        Agg("max", 1),
        Agg("group_concat", 1, separator="|"),
        Agg("count_distinct", 1),
    ]
    op = make([0], aggs, 2)
    out = op.on_input(0, [(("g", None), 1), (("g", None), 1)])
    assert out == [(("g", 2, 0, None, None, None, None, None, 0), 1)]
    out = op.on_input(0, [(("g", 4), 1), (("g", 2), 1), (("g", 4), 1)])
    assert out[-1] == (("g", 5, 3, 10, 10 / 3, 2, 4, "2|4|4", 2), 1)


def test_max_under_deletes_falls_back_to_next_value():
    op = make([0], [Agg("max", 1), Agg("min", 1)], 2)
    op.on_input(0, [((0, v), 1) for v in (5, 9, 9, 1)])
    assert op.on_input(0, [((0, 9), -1)]) == []  # one 9 remains
    assert op.on_input(0, [((0, 9), -1)]) == [((0, 9, 1), -1), ((0, 5, 1), 1)]
    assert op.on_input(0, [((0, 1), -1)]) == [((0, 5, 1), -1), ((0, 5, 5), 1)]
    # Noria extremum.rs: +10 and -10 in one batch emits nothing
    assert op.on_input(0, [((0, 10), 1), ((0, 10), -1)]) == []


def test_global_aggregate_has_one_row_even_when_empty(ref):
    g = Graph()
    g.add_base("t", 1)
    g.add_operator("c", Aggregate([], [Agg("count"), Agg("sum", 0), Agg("max", 0)]), ["t"])
    v = g.add_reader("v", "c")
    assert v.rows() == [(0, None, None)]  # SQL: COUNT(*) over an empty input is 0
    g.insert("t", [(3,), (None,)])
    assert v.rows() == [(2, 3, 3)]
    g.delete("t", [(3,), (None,)])
    assert v.rows() == [(0, None, None)]
    assert g.contents("c") == [((0, None, None), 1)]
    assert g.operator("c").initial_output() == [((0, None, None), 1)]


def test_grouped_aggregate_over_empty_input_has_no_rows():
    g = Graph()
    g.add_base("t", 2)
    g.add_operator("c", Aggregate([0], [Agg("count")]), ["t"])
    assert g.add_reader("v", "c").rows() == []
    assert g.operator("c").initial_output() == []


def test_constant_group_key_global_count():
    # Noria full_aggregation_with_bogokey: project a literal as the group key, then COUNT.
    from dcsys.core.dataflow import Project

    g = Graph()
    g.add_base("t", 1)
    g.add_operator("p", Project([lambda r: 0, 0]), ["t"])
    g.add_operator("c", Aggregate([0], [Agg("count")]), ["p"])
    v = g.add_reader("v", "c", key=[0])
    g.insert("t", [(i,) for i in range(5)])
    assert v.lookup(0) == [(0, 5)]


def test_group_concat_order_is_ascending_sql_order():
    op = make([], [Agg("group_concat", 0), Agg("group_concat", 0, distinct=True, separator=";")], 1)
    op.on_input(0, [(("b",), 1), ((2,), 1), (("a",), 1), ((10,), 1), ((2,), 1)])
    assert op.on_input(0, [((1,), 1)])[-1] == (("1,2,2,10,a,b", "1;2;10;a;b"), 1)


def test_distinct_variants():
    op = make(
        [],
        [
            Agg("count", 0, distinct=True),
            Agg("sum", 0, distinct=True),
            Agg("avg", 0, distinct=True),
        ],
        1,
    )
    op.on_input(0, [((3,), 2), ((5,), 1)])
    assert op.on_input(0, [((3,), -1)]) == []
    assert op.on_input(0, [((3,), -1)]) == [((2, 8, 4.0), -1), ((1, 5, 5.0), 1)]


def test_removing_absent_rows_raises():
    op = make([0], [Agg("count")], 1)
    with pytest.raises(DataflowError, match="removed"):
        op.on_input(0, [((1,), -1)])
    op2 = make([0], [Agg("min", 1)], 2)
    op2.on_input(0, [((1, 5), 1)])
    with pytest.raises(DataflowError):
        op2.on_input(0, [((1, 6), -1), ((1, 5), 1)])


def test_states_and_resolve():
    op = make([1], [Agg("count"), Agg("max", 0), Agg("min", 0)], 2)
    assert set(op.states) == {"groups", "values[0]"}
    assert op.resolve(0) == [(0, 1)] and op.resolve(1) is None
    assert "group_by=[1]" in repr(op)


AGG_SETS = [
    [Agg("count"), Agg("count", 2), Agg("sum", 2), Agg("avg", 2)],
    [Agg("min", 2), Agg("max", 2), Agg("min", 1), Agg("max", 1)],
    [Agg("count_distinct", 2), Agg("sum", 2, distinct=True), Agg("avg", 2, distinct=True)],
    [Agg("group_concat", 2), Agg("group_concat", 1, separator="-", distinct=True)],
]
DOM = [[0, 1, 2], ["x", "y", "z"], [-3, 0, 1, 2, 5, 7]]


@pytest.mark.parametrize("aggs", range(len(AGG_SETS)))
@pytest.mark.parametrize("group_by", [(), (0,), (1, 0)])
@pytest.mark.parametrize("seed", range(12))
def test_aggregate_differential(seed, group_by, aggs, ref):
    specs = AGG_SETS[aggs]
    g = Graph()
    g.add_base("t", 3)
    g.add_operator("a", Aggregate(group_by, specs), ["t"])
    table = ref.Table(random.Random(seed), 3, DOM, null_rate=0.25)
    ref.drive(
        g,
        {"t": table},
        {"a": lambda b: ref.aggregate(b["t"], group_by, [ref.spec_of(s) for s in specs])},
        seed=seed,
        steps=20,
        approx=True,
    )
