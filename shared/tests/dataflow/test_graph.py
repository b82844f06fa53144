from collections import Counter

import pytest

from dcsys.core.dataflow import (
    EMPTY,
    Agg,
    Aggregate,
    DataflowError,
    Filter,
    Graph,
    Identity,
    Join,
    Operator,
    Project,
    State,
    TopK,
    Union,
)
from dcsys.core.errors import ConfigError, SchemaError, UnknownNameError


class Recorder(Operator):
    """A pass-through operator that records every call (port, batch)."""

    def __init__(self, n_inputs=1):
        super().__init__()
        self.n_inputs = n_inputs
        self.calls = []

    def _bind(self, arities):
        return arities[0]

    def on_input(self, port, batch):
        self.calls.append((port, list(batch)))
        return batch

    def lookup(self, cols, key, parents):
        return list(parents(0, cols, key))


def test_each_node_processed_once_per_push_in_port_order():
    g = Graph()
    g.add_base("t", 1)
    g.add_operator("a", Identity(), ["t"])
    g.add_operator("b", Filter(lambda r: True), ["t"])
    rec = Recorder(n_inputs=3)
    g.add_operator("m", rec, ["b", "a", "t"])  # parents added in a different order than ports
    g.insert("t", [(1,)])
    assert [port for port, _ in rec.calls] == [0, 1, 2]
    g.push_many({"t": [((2,), 1)]})
    assert len(rec.calls) == 6


def test_fan_out_to_many_children_and_untouched_branches():
    g = Graph()
    g.add_base("a", 1)
    g.add_base("b", 1)
    ra = Recorder()
    rb = Recorder()
    g.add_operator("ra", ra, ["a"])
    g.add_operator("rb", rb, ["b"])
    views = [g.add_reader(f"v{i}", "ra") for i in range(3)]
    g.insert("a", [(1,)])
    assert all(v.rows() == [(1,)] for v in views)
    assert rb.calls == []  # nothing reachable from b ran
    g.insert("a", [])  # empty push: nothing runs
    assert len(ra.calls) == 1


def test_push_many_propagates_both_sides_in_one_pass():
    g = Graph()
    g.add_base("l", 2)
    g.add_base("r", 2)
    g.add_operator("j", Join(0, 0), ["l", "r"])
    v = g.add_reader("v", "j")
    seen = []
    g.add_sink("s", "j", seen.append)
    g.push_many({"l": [((1, "a"), 1)], "r": [((1, "x"), 1), ((1, "y"), 1)]})
    assert sorted(v.rows()) == [(1, "a", 1, "x"), (1, "a", 1, "y")]
    assert len(seen) == 1 and len(seen[0]) == 2
    g.push_many({"l": [((1, "a"), -1), ((1, "b"), 1)], "r": [((1, "x"), -1)]})
    assert v.rows() == [(1, "b", 1, "y")]


def test_sink_not_called_without_change():
    g = Graph()
    g.add_base("t", 1)
    g.add_operator("f", Filter(lambda r: r[0] > 0), ["t"])
    seen = []
    g.add_sink("s", "f", seen.append)
    g.insert("t", [(-1,)])
    assert seen == []
    with pytest.raises(ConfigError):
        g.add_sink("s2", "f", 42)
    with pytest.raises(DataflowError, match="sink"):
        g.contents("s")


def test_validation_rejects_bad_pushes_without_changing_anything():
    g = Graph()
    g.add_base("t", 2)
    g.add_base("u", 1)
    v = g.add_reader("v", "t")
    g.insert("t", [(1, "a")])
    with pytest.raises(UnknownNameError, match="base table 'nope'"):
        g.insert("nope", [(1,)])
    with pytest.raises(UnknownNameError):
        g.insert("v", [(1, "a")])
    with pytest.raises(SchemaError, match="has 1 columns"):
        g.insert("t", [(1,)])
    with pytest.raises(SchemaError, match="tuples"):
        g.insert("t", [[1, "a"]])
    with pytest.raises(SchemaError, match="hashable"):
        g.insert("t", [(1, ["x"])])
    with pytest.raises(DataflowError, match="pairs"):
        g.push("t", [(1, "a", 3)])
    with pytest.raises(DataflowError, match="int"):
        g.push("t", [((1, "a"), 1.5)])
    with pytest.raises(DataflowError, match="cannot delete 1 copies"):
        g.push_many({"u": [((5,), 1)], "t": [((1, "a"), 1), ((2, "b"), -1)]})
    assert v.rows() == [(1, "a")] and len(g.state("u")) == 0
    # a delete and insert of the same absent row cancel out and are accepted
    g.push("t", [((3, "c"), -1), ((3, "c"), 1)])
    assert v.rows() == [(1, "a")]


def test_building_errors():
    g = Graph()
    g.add_base("t", 2)
    with pytest.raises(ConfigError, match="already has a node"):
        g.add_base("t", 1)
    with pytest.raises(ConfigError):
        g.add_base("", 1)
    with pytest.raises(ConfigError):
        g.add_base("x", -1)
    with pytest.raises(ConfigError, match="out of range"):
        g.add_base("x", 1, indexes=[(1,)])
    with pytest.raises(UnknownNameError, match="parent node 'zz'"):
        g.add_operator("f", Identity(), ["zz"])
    with pytest.raises(ConfigError, match="takes 2 input"):
        g.add_operator("j", Join(0, 0), ["t"])
    with pytest.raises(ConfigError, match="expected an Operator"):
        g.add_operator("f", lambda r: r, ["t"])
    op = Identity()
    g.add_operator("i", op, "t")
    with pytest.raises(DataflowError, match="already bound"):
        g.add_operator("i2", op, ["t"])
    g.add_reader("r", "i")
    with pytest.raises(DataflowError, match="cannot feed"):
        g.add_operator("after_reader", Identity(), ["r"])
    with pytest.raises(ConfigError):
        g.add_reader("r2", "t", key=[2])


def test_remove_leaves_first_and_cascade():
    g = Graph()
    g.add_base("t", 2)
    g.add_operator("c", Aggregate([0], [Agg("count")]), ["t"])
    g.add_operator("k", TopK([(1, "desc")], 1), ["c"])
    r = g.add_reader("r", "k")
    other = g.add_reader("other", "t")
    with pytest.raises(DataflowError, match="it feeds k"):
        g.remove("c")
    assert g.remove("c", cascade=True) == ["r", "k", "c"]
    assert g.nodes() == ["t", "other"]
    with pytest.raises(DataflowError, match="removed"):
        r.lookup()
    g.insert("t", [(1, 1)])
    assert other.rows() == [(1, 1)]
    # the name can be reused: the new query is built from the current data
    g.add_operator("c", Aggregate([0], [Agg("count")]), ["t"])
    assert g.add_reader("r", "c").rows() == [(1, 1)]
    assert g.remove("r") == ["r"]
    with pytest.raises(UnknownNameError):
        g.remove("r")


def test_nodes_added_later_start_from_current_contents(ref):
    g = Graph()
    g.add_base("a", 2)
    g.add_base("b", 2)
    rows_a = [(1, "x"), (2, "y"), (2, "y"), (3, None)]
    rows_b = [(2, 10), (2, 20), (3, 5)]
    g.insert("a", rows_a)
    g.insert("b", rows_b)
    g.add_operator("j", Join(0, 0, kind="left"), ["a", "b"])
    g.add_operator("agg", Aggregate([0], [Agg("count"), Agg("max", 3)]), ["j"])
    g.add_operator("glob", Aggregate([], [Agg("count"), Agg("sum", 1)]), ["b"])
    g.add_operator("top", TopK([(2, "desc")], 1), ["agg"])
    g.add_operator("self", Join(0, 0), ["b", "b"])
    A = ref.bag([(r, 1) for r in rows_a])
    B = ref.bag([(r, 1) for r in rows_b])
    J = ref.join(A, B, [0], [0], "left", 2)
    AGG = ref.aggregate(J, [0], [("count", None, False, ","), ("max", 3, False, ",")])
    expected = {
        "j": J,
        "agg": AGG,
        "glob": Counter({(3, 35): 1}),
        "top": ref.topk(AGG, [(2, True)], 1),
        "self": ref.join(B, B, [0], [0]),
    }
    readers = {n: g.add_reader(f"{n}_r", n) for n in expected}
    for n, exp in expected.items():
        ref.assert_bag(readers[n].items(), exp)
        ref.assert_bag(g.contents(n), exp)
    # and they keep being maintained
    g.delete("b", [(2, 10), (2, 20)])
    B = ref.bag([((3, 5), 1)])
    J = ref.join(A, B, [0], [0], "left", 2)
    ref.assert_bag(readers["j"].items(), J)
    ref.assert_bag(readers["glob"].items(), Counter({(1, 5): 1}))


def test_unmaterialised_base():
    g = Graph()
    g.add_base("stream", 1, materialized=False)
    g.add_operator("c", Aggregate([], [Agg("count")]), ["stream"])
    v = g.add_reader("v", "c")
    g.insert("stream", [(1,), (2,)])
    assert v.rows() == [(2,)]
    with pytest.raises(DataflowError, match="not materialised"):
        g.add_operator("late", Identity(), ["stream"])
    with pytest.raises(DataflowError, match="not materialised"):
        g.contents("c")
    with pytest.raises(DataflowError, match="no node-level state"):
        g.state("stream")


def test_lookup_indexes_on_demand_and_normalises_keys(ref):
    g = Graph()
    g.add_base("t", 3)
    g.add_operator("p", Project([0, 0, 2]), ["t"])
    g.insert("t", [(1, "a", "x"), (2, "b", "y"), (1, "c", "x")])
    assert g.lookup("t", [2, 0], ("x", 1)) == [((1, "a", "x"), 1), ((1, "c", "x"), 1)]
    assert g.state("t").has_index((0, 2))
    assert g.lookup("p", (0, 1), (1, 1)) == [((1, 1, "x"), 2)]  # consolidated
    assert g.lookup("p", (0, 1), (1, 2)) == []  # contradictory key
    with pytest.raises(ConfigError, match="out of range"):
        g.lookup("p", (3,), (1,))
    with pytest.raises(ConfigError, match="key values"):
        g.lookup("p", (0,), (1, 2))


def test_introspection():
    g = Graph()
    g.add_base("t", 2)
    g.add_operator("u", Union(2), ["t", "t"])
    g.add_reader("r", "u", key=[0])
    info = g.info("u")
    assert (info.kind, info.arity, info.parents, info.children) == (
        "operator",
        2,
        ("t", "t"),
        ("r",),
    )
    assert "Union" in repr(info) and "u" in g and len(g) == 3
    assert g.nodes() == ["t", "u", "r"]
    assert isinstance(g.operator("u"), Union)
    assert g.reader("r").key == (0,)
    assert "Union" in g.describe() and "nodes=3" in repr(g)
    with pytest.raises(DataflowError):
        g.operator("t")
    with pytest.raises(DataflowError):
        g.reader("u")


class HoleyState(State):
    """A toy partial state: keys listed in ``holes`` are missing (lookups return None and are
    recorded as misses; changes to them are dropped)."""

    def __init__(self, indexes=((),)):
        super().__init__(indexes)
        self.holes = set()
        self.misses = []

    def _hole(self, row):
        return any(tuple(row[c] for c in cols) in self.holes for cols in self.indexes if cols)

    def lookup(self, cols, key):
        if key in self.holes:
            self.misses.append(key)
            return None
        return super().lookup(cols, key)

    def insert(self, row, mult=1):
        if not self._hole(row):
            super().insert(row, mult)

    def remove(self, row, mult=1):
        if not self._hole(row):
            super().remove(row, mult)


def test_partial_state_hook_drops_holes_and_fills_by_upquery(ref):
    g = Graph()
    g.add_base("vote", 2)
    agg = Aggregate([0], [Agg("count"), Agg("max", 1)], state_factory=HoleyState)
    g.add_operator("c", agg, ["vote"])
    v = g.add_reader("v", "c", key=[0])
    for s in agg.states.values():
        s.holes.add(("b",))
    g.insert("vote", [("a", 1), ("b", 5), ("b", 7), ("a", 3)])
    assert v.rows() == [("a", 2, 3)]  # deltas for the hole were dropped
    assert ("b",) in agg.groups.misses
    # fill the hole the way an upquery would: compute from the parent, then replay into state
    answer = g.lookup("c", (0,), ("b",))
    assert answer == [(("b", 2, 7), 1)]
    for s in agg.states.values():
        s.holes.discard(("b",))
    replay = agg.on_input(0, g.lookup("vote", (0,), ("b",)))
    assert replay == [(("b", 2, 7), 1)]
    v.state.apply(replay)  # the replay continues along its path to the reader
    g.insert("vote", [("b", 9)])
    assert v.lookup("b") == [("b", 3, 9)]


def test_partial_state_hook_in_join_and_topk():
    j = Join(0, 0, state_factory=HoleyState)
    j.bind([2, 2])
    j.right.holes.add((1,))
    assert j.on_input(0, [((1, "a"), 1), ((2, "b"), 1)]) == []
    assert j.right.misses == [(1,)]
    # a right delta needs only a left lookup (no hole there), so it is joined; the right
    # state itself decides to drop the row for its hole
    assert j.on_input(1, [((2, "x"), 1), ((1, "y"), 1)]) == [
        ((2, "b", 2, "x"), 1),
        ((1, "a", 1, "y"), 1),
    ]
    assert j.right.count((1, "y")) == 0
    j.left.holes.add((2,))
    assert j.on_input(1, [((2, "z"), 1)]) == []
    k = TopK([0], 1, group_by=[1], state_factory=HoleyState)
    k.bind([2])
    k.state.holes.add(("g",))
    assert k.on_input(0, [((1, "g"), 1), ((1, "h"), 1)]) == [((1, "h"), 1)]
    assert k.state.lookup((1,), ("zz",)) is EMPTY
