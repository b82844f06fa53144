import random

import pytest

from dcsys.core.dataflow import DataflowError, Graph, TopK, consolidate
from dcsys.core.errors import ConfigError


def make(arity=2, **kw):
    op = TopK(**kw)
    op.bind([arity])
    return op


def test_displacing_a_row_emits_one_pair():
    # Noria topk.rs: keeps 3 rows; a new better row emits exactly one -/+ pair.
    op = make(order_by=[(1, "desc")], limit=3)
    op.on_input(0, [((i, v), 1) for i, v in enumerate([5, 3, 8, 1])])
    out = op.on_input(0, [((9, 6), 1)])
    assert out == [((1, 3), -1), ((9, 6), 1)]
    assert op.on_input(0, [((10, 0), 1)]) == []  # below the window: nothing


def test_refill_from_retained_state_on_delete():
    op = make(order_by=[1], limit=2)
    op.on_input(0, [((i, v), 1) for i, v in enumerate([50, 10, 30, 20, 40])])
    assert op.on_input(0, [((1, 10), -1)]) == [((1, 10), -1), ((2, 30), 1)]
    assert op.on_input(0, [((3, 20), -1), ((2, 30), -1)]) == [
        ((3, 20), -1),
        ((2, 30), -1),
        ((4, 40), 1),
        ((0, 50), 1),
    ]


def test_offset_and_multiplicities_count_positions():
    op = make(arity=1, order_by=[0], limit=2, offset=1)
    assert op.on_input(0, [((1,), 2), ((2,), 5)]) == [((1,), 1), ((2,), 1)]
    assert consolidate(op.on_input(0, [((0,), 1)])) == [((2,), -1), ((1,), 1)]


def test_nulls_first_ascending_last_descending_and_ties_by_row():
    asc = make(order_by=[1], limit=1)
    assert asc.on_input(0, [(("a", 1), 1), (("b", None), 1)]) == [(("b", None), 1)]
    desc = make(order_by=[(1, "desc")], limit=1)
    assert desc.on_input(0, [(("a", 1), 1), (("b", None), 1)]) == [(("a", 1), 1)]
    tie = make(order_by=[(1, True)], limit=1)
    assert tie.on_input(0, [(("b", 1), 1), (("a", 1), 1)]) == [(("a", 1), 1)]


def test_mixed_types_order_numbers_before_text():
    op = make(arity=1, order_by=[0], limit=None)
    out = op.on_input(0, [(("b",), 1), ((2.5,), 1), ((None,), 1), ((1,), 1), (("a",), 1)])
    # a new group's window is emitted in window order
    assert out == [((v,), 1) for v in (None, 1, 2.5, "a", "b")]
    top = make(arity=1, order_by=[(0, "desc")], limit=2)
    assert top.on_input(0, out) == [(("b",), 1), (("a",), 1)]


def test_limit_zero_and_config_errors():
    op = make(order_by=[0], limit=0)
    assert op.on_input(0, [((1, 1), 1)]) == []
    for bad in ({"limit": -1}, {"limit": 1, "offset": -1}, {"limit": 1.5}):
        with pytest.raises(ConfigError):
            TopK(order_by=[0], **bad)
    with pytest.raises(ConfigError):
        TopK(order_by=[(0, "up")], limit=1)
    with pytest.raises(ConfigError, match="out of range"):
        TopK(order_by=[3], limit=1).bind([2])
    with pytest.raises(DataflowError):
        make(order_by=[0], limit=1).on_input(0, [((1, 1), -1)])


def test_global_topk_frontpage_shape():
    g = Graph()
    g.add_base("story", 2)  # (id, hotness)
    g.add_operator("front", TopK([(1, "desc"), 0], limit=3), ["story"])
    v = g.add_reader("v", "front")
    g.insert("story", [(i, i % 4) for i in range(10)])
    assert sorted(v.rows()) == [(2, 2), (3, 3), (7, 3)]
    g.push("story", [((3, 3), -1), ((3, 0), 1)])
    assert sorted(v.rows()) == sorted([(7, 3), (2, 2), (6, 2)])


ORDERS = [[(1, False)], [(1, True)], [(2, True), (1, False)], []]
DOM = [[0, 1, 2], [0, 1, 2, 3, 4], ["a", "b", "c"]]


@pytest.mark.parametrize("order", range(len(ORDERS)))
@pytest.mark.parametrize("limit,offset", [(1, 0), (3, 0), (2, 2), (None, 1)])
@pytest.mark.parametrize("group_by", [(), (0,)])
@pytest.mark.parametrize("seed", range(5))
def test_topk_differential(seed, group_by, limit, offset, order, ref):
    spec = ORDERS[order]
    g = Graph()
    g.add_base("t", 3)
    g.add_operator("k", TopK(spec, limit, offset=offset, group_by=group_by), ["t"])
    ref.drive(
        g,
        {"t": ref.Table(random.Random(seed), 3, DOM, null_rate=0.2)},
        {"k": lambda b: ref.topk(b["t"], spec, limit, offset, group_by)},
        seed=seed,
        steps=25,
        max_batch=6,
    )
