import random

import pytest

from dcsys.core.dataflow import Filter, Graph, Join, Project, consolidate
from dcsys.core.errors import ConfigError


def test_inner_join_both_orders():
    j = Join(0, 1)
    assert j.bind([2, 2]) == 4
    assert j.on_input(0, [((1, "a"), 1), ((1, "b"), 2)]) == []
    out = j.on_input(1, [(("x", 1), 1), (("y", 2), 1)])
    assert out == [((1, "a", "x", 1), 1), ((1, "b", "x", 1), 2)]
    assert j.on_input(0, [((1, "a"), -1)]) == [((1, "a", "x", 1), -1)]
    assert j.states["left"].count((1, "b")) == 2


def test_null_keys_never_match():
    j = Join(0, 0)
    j.bind([1, 1])
    j.on_input(1, [((None,), 1)])
    assert j.on_input(0, [((None,), 1)]) == []
    lj = Join(0, 0, kind="left")
    lj.bind([2, 1])
    assert lj.on_input(0, [((None, "x"), 1)]) == [((None, "x", None), 1)]
    assert lj.on_input(1, [((None,), 1)]) == []
    assert lj.on_input(0, [((None, "x"), -1)]) == [((None, "x", None), -1)]


def test_left_join_pads_then_revokes_like_noria():
    # Noria join.rs it_works: NULL-padded row first, revoked when the right side arrives.
    j = Join(0, 0, kind="left")
    j.bind([2, 2])
    assert j.on_input(0, [((1, "a"), 1)]) == [((1, "a", None, None), 1)]
    out = j.on_input(1, [((1, "x"), 1)])
    assert consolidate(out) == [((1, "a", 1, "x"), 1), ((1, "a", None, None), -1)]
    # a second match only adds a row
    assert j.on_input(1, [((1, "y"), 1)]) == [((1, "a", 1, "y"), 1)]
    # removing one of two matches does not re-pad
    assert j.on_input(1, [((1, "x"), -1)]) == [((1, "a", 1, "x"), -1)]
    out = j.on_input(1, [((1, "y"), -1)])
    assert consolidate(out) == [((1, "a", 1, "y"), -1), ((1, "a", None, None), 1)]


def test_multi_column_keys_and_config_errors():
    j = Join([0, 1], [1, 0])
    j.bind([3, 2])
    j.on_input(1, [(("b", 1), 1)])
    assert j.on_input(0, [((1, "b", "z"), 1), ((1, "c", "z"), 1)]) == [((1, "b", "z", "b", 1), 1)]
    with pytest.raises(ConfigError):
        Join([0], [0, 1])
    with pytest.raises(ConfigError):
        Join([], [])
    with pytest.raises(ConfigError, match="unknown join kind"):
        Join(0, 0, kind="outer")
    with pytest.raises(ConfigError, match="out of range"):
        Join(2, 0).bind([2, 2])


def test_resolve_provenance():
    j = Join(1, 0)
    j.bind([2, 2])
    assert j.resolve(0) == [(0, 0)]
    assert j.resolve(1) == [(0, 1), (1, 0)]
    assert j.resolve(2) == [(1, 0), (0, 1)]
    lj = Join(1, 0, kind="left")
    lj.bind([2, 2])
    assert lj.resolve(2) == [(1, 0)]


def test_simultaneous_changes_to_both_sides_counted_once(ref):
    # The diamond: one base feeds both sides; each base change changes both inputs at once.
    g = Graph()
    g.add_base("t", 2)
    g.add_operator("l", Filter(lambda r: r[1] != "skip"), ["t"])
    g.add_operator("r", Project([0, 1]), ["t"])
    g.add_operator("j", Join(0, 0), ["l", "r"])
    v = g.add_reader("v", "j")
    g.insert("t", [(1, "a")])
    assert v.items() == [((1, "a", 1, "a"), 1)]
    g.insert("t", [(1, "b"), (1, "c")])
    assert ref.bag(v.items()) == ref.join(
        ref.bag([(r, 1) for r in [(1, "a"), (1, "b"), (1, "c")]]),
        ref.bag([(r, 1) for r in [(1, "a"), (1, "b"), (1, "c")]]),
        [0],
        [0],
    )
    assert len(v) == 9
    g.delete("t", [(1, "a"), (1, "b"), (1, "c")])
    assert len(v) == 0


def test_self_join_on_one_parent():
    g = Graph()
    g.add_base("e", 2)  # edges (src, dst)
    g.add_operator("two_hop", Join(1, 0), ["e", "e"])
    v = g.add_reader("v", "two_hop")
    g.insert("e", [(1, 2), (2, 3), (2, 2)])
    assert sorted(v.rows()) == sorted([(1, 2, 2, 3), (1, 2, 2, 2), (2, 2, 2, 3), (2, 2, 2, 2)])
    g.delete("e", [(2, 2)])
    assert v.rows() == [(1, 2, 2, 3)]


DOM = [[0, 1, 2], ["a", "b"], [0, 1, 2, 3]]


@pytest.mark.parametrize("kind", ["inner", "left"])
@pytest.mark.parametrize("seed", range(40))
def test_join_differential(seed, kind, ref):
    rng = random.Random(seed)
    g = Graph()
    g.add_base("l", 3)
    g.add_base("r", 2)
    g.add_operator("j", Join(0, 0, kind=kind), ["l", "r"])
    g.add_operator("j2", Join([0, 1], [0, 1], kind=kind), ["l", "r"])
    g.add_operator("jr", Join(0, 2, kind=kind), ["r", "l"])
    left = ref.Table(rng, 3, DOM, null_rate=0.2)
    right = ref.Table(rng, 2, [DOM[0], DOM[1]], null_rate=0.2)
    ref.drive(
        g,
        {"l": left, "r": right},
        {
            "j": lambda b: ref.join(b["l"], b["r"], [0], [0], kind, 2),
            "j2": lambda b: ref.join(b["l"], b["r"], [0, 1], [0, 1], kind, 2),
            "jr": lambda b: ref.join(b["r"], b["l"], [0], [2], kind, 3),
        },
        seed=seed,
        steps=20,
    )


def test_zero_multiplicity_deltas_are_ignored():
    j = Join(0, 0, kind="left")
    j.bind([1, 2])
    j.on_input(0, [((1,), 1)])
    j.on_input(1, [((1, "x"), 1)])
    assert j.on_input(1, [((1, "y"), 0)]) == []
    assert j.on_input(0, [((1,), 0)]) == []
