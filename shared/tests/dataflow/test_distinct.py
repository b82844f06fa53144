import random

import pytest

from dcsys.core.dataflow import DataflowError, Distinct, Graph, Project, Union


def test_distinct_emits_first_and_last():
    d = Distinct()
    d.bind([1])
    assert d.on_input(0, [((1,), 2)]) == [((1,), 1)]
    assert d.on_input(0, [((1,), -1)]) == []
    assert d.on_input(0, [((1,), -1), ((2,), 1)]) == [((1,), -1), ((2,), 1)]
    assert d.on_input(0, [((3,), 1), ((3,), -1)]) == []
    with pytest.raises(DataflowError):
        d.on_input(0, [((9,), -1)])
    assert d.states["input"].count((2,)) == 1


def test_distinct_with_index_and_nulls_are_equal():
    d = Distinct(index=[1])
    d.bind([2])
    assert d.on_input(0, [((None, "a"), 1), ((None, "a"), 1)]) == [((None, "a"), 1)]
    assert d.state.indexes == ((1,),)


DOM = [[0, 1], ["a", "b", "c"]]


@pytest.mark.parametrize("seed", range(40))
def test_distinct_and_distinct_union_differential(seed, ref):
    rng = random.Random(seed)
    g = Graph()
    g.add_base("a", 2)
    g.add_base("b", 2)
    g.add_operator("d", Distinct(), ["a"])
    g.add_operator("u", Union(2), ["a", "b"])
    g.add_operator("du", Distinct(), ["u"])  # UNION (distinct) = bag union + distinct
    g.add_operator("p", Project([1]), ["du"])
    g.add_operator("dp", Distinct(), ["p"])
    ref.drive(
        g,
        {"a": ref.Table(rng, 2, DOM), "b": ref.Table(rng, 2, DOM)},
        {
            "d": lambda b: ref.distinct(b["a"]),
            "du": lambda b: ref.distinct(ref.union(b["a"], b["b"])),
            "dp": lambda b: ref.distinct(
                ref.project(ref.distinct(ref.union(b["a"], b["b"])), lambda r: (r[1],))
            ),
        },
        seed=seed,
    )
