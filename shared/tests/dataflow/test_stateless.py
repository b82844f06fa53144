import random

import pytest

from dcsys.core.dataflow import Filter, Graph, Identity, Project, Union
from dcsys.core.errors import ConfigError, SchemaError

DOM = [[0, 1, 2, 3], ["a", "b", "c"], [10, 20, 30, 40]]


def make_table(ref, seed, arity=3):
    return ref.Table(random.Random(seed), arity, DOM[:arity])


def test_filter_drops_null_predicate_results():
    f = Filter(lambda r: None if r[0] is None else r[0] > 1)
    f.bind([1])
    assert f.on_input(0, [((None,), 1), ((1,), 1), ((2,), -1)]) == [((2,), -1)]
    assert f.resolve(0) == [(0, 0)]
    with pytest.raises(ConfigError):
        Filter(42)


def test_project_columns_and_computed():
    p = Project([2, lambda r: r[0] * 2, 2])
    assert p.bind([3]) == 3
    assert p.on_input(0, [((1, "x", "y"), -2)]) == [(("y", 2, "y"), -2)]
    assert p.resolve(0) == [(0, 2)] and p.resolve(1) is None
    single = Project([1])
    single.bind([2])
    assert single.on_input(0, [((1, 2), 1)]) == [((2,), 1)]
    with pytest.raises(ConfigError, match="out of range"):
        Project([3]).bind([3])
    with pytest.raises(ConfigError):
        Project(["a"])
    with pytest.raises(ConfigError):
        Project([True])


def test_project_to_no_columns():
    p = Project([])
    assert p.bind([2]) == 0
    assert p.on_input(0, [((1, 2), 1)]) == [((), 1)]


def test_union_arity_checks_and_selection():
    with pytest.raises(SchemaError, match="different widths"):
        Union(2).bind([2, 3])
    with pytest.raises(ConfigError):
        Union(3, columns=[None, None])
    with pytest.raises(ConfigError):
        Union(0)
    u = Union(columns=[None, (2, 0)])
    assert u.bind([2, 3]) == 2
    batch = [((1, 2), 1)]
    assert u.on_input(0, batch) is batch  # passed through without copying
    assert u.on_input(1, [((1, 2, 3), 1)]) == [((3, 1), 1)]
    assert u.resolve(1) == [(0, 1), (1, 0)]
    assert "*" in repr(u)


def test_identity():
    i = Identity()
    assert i.bind([4]) == 4
    b = [((1, 2, 3, 4), 1)]
    assert i.on_input(0, b) is b


@pytest.mark.parametrize("seed", range(40))
def test_filter_project_differential(seed, ref):
    g = Graph()
    g.add_base("t", 3)

    def pred(r):
        return r[0] is not None and r[0] >= 1 and r[1] != "b"

    def proj(r):
        return (r[2], r[1], None if r[0] is None else r[0] * 10)

    g.add_operator("f", Filter(pred), ["t"])
    g.add_operator("p", Project([2, 1, lambda r: None if r[0] is None else r[0] * 10]), ["f"])
    g.add_operator("p2", Project([1, 1]), ["t"])
    g.add_operator("i", Identity(), ["p"])
    ref.drive(
        g,
        {"t": make_table(ref, seed)},
        {
            "f": lambda b: ref.filter(b["t"], pred),
            "p": lambda b: ref.project(ref.filter(b["t"], pred), proj),
            "p2": lambda b: ref.project(b["t"], lambda r: (r[1], r[1])),
            "i": lambda b: ref.project(ref.filter(b["t"], pred), proj),
        },
        seed=seed,
    )


@pytest.mark.parametrize("seed", range(40))
def test_union_differential(seed, ref):
    g = Graph()
    g.add_base("a", 3)
    g.add_base("b", 2)
    g.add_operator("u", Union(columns=[(0, 1), (0, 1)]), ["a", "b"])
    g.add_operator("self", Union(2), ["b", "b"])
    g.add_operator("mixed", Union(columns=[(1, 0), None]), ["a", "self"])
    rng = random.Random(seed)
    a = ref.Table(rng, 3, DOM)
    b = ref.Table(rng, 2, DOM[:2])

    def proj01(bg):
        return ref.project(bg, lambda r: (r[0], r[1]))

    ref.drive(
        g,
        {"a": a, "b": b},
        {
            "u": lambda bags: ref.union(proj01(bags["a"]), bags["b"]),
            "self": lambda bags: ref.union(bags["b"], bags["b"]),
            "mixed": lambda bags: ref.union(
                ref.project(bags["a"], lambda r: (r[1], r[0])), bags["b"], bags["b"]
            ),
        },
        seed=seed,
    )
