import pytest

from dcsys.core.dataflow import (
    DataflowError,
    Filter,
    Join,
    Operator,
    Project,
    check_columns,
    filter_by_key,
)
from dcsys.core.errors import ConfigError, SchemaError


class Minimal(Operator):
    def _bind(self, arities):
        return arities[0] + 1

    def on_input(self, port, batch):
        return [(row + (port,), m) for row, m in batch]

    def lookup(self, cols, key, parents):
        return filter_by_key([(r + (0,), m) for r, m in parents(0, (), ())], cols, key)


def test_subclass_contract_and_defaults():
    op = Minimal()
    assert not op.bound
    with pytest.raises(DataflowError, match="not bound"):
        op.arity
    with pytest.raises(DataflowError, match="not bound"):
        op.input_arities
    assert op.bind([2]) == 3
    assert op.bound and op.arity == 3 and op.input_arities == (2,)
    assert op.on_input(0, [((1, 2), 1)]) == [((1, 2, 0), 1)]
    assert op.initial_output() == [] and op.resolve(0) is None
    assert op.states == {} and not op.stateful
    assert repr(op) == "Minimal()"
    with pytest.raises(DataflowError, match="already bound"):
        op.bind([2])
    rows = [((1, 2), 1), ((3, 4), 2)]
    assert op.lookup((0,), (3,), lambda p, c, k: rows) == [((3, 4, 0), 2)]


def test_bind_validates_inputs():
    with pytest.raises(ConfigError, match="takes 1 input"):
        Filter(bool).bind([1, 2])
    with pytest.raises(SchemaError):
        Filter(bool).bind([-1])
    assert Join(0, 0).stateful and "inner" in repr(Join(0, 0))
    assert repr(Project([0, lambda r: 1])) == "Project(0, f)"


def test_check_columns_and_filter_by_key():
    assert check_columns("x", (0, 1), 2) == (0, 1)
    with pytest.raises(ConfigError, match="group by column 2 is out of range"):
        check_columns("group by", [2], 2)
    with pytest.raises(ConfigError, match="int position"):
        check_columns("x", ["a"], 2)
    with pytest.raises(ConfigError):
        check_columns("x", [True], 2)
    batch = [((1, "a"), 1), ((2, "a"), -1), ((1, "b"), 1)]
    assert filter_by_key(batch, (), ()) == batch
    assert filter_by_key(batch, (1, 0), ("a", 1)) == [((1, "a"), 1)]


def test_numpy_integer_positions_are_accepted():
    np = pytest.importorskip("numpy")
    from dcsys.core.dataflow import Agg, Aggregate, Graph, TopK, Union

    g = Graph()
    g.add_base("t", 3)
    g.add_operator("p", Project([np.int64(2), np.int32(0)]), ["t"])
    g.add_operator("j", Join(np.int64(1), [np.int64(0)]), ["p", "t"])
    g.add_operator("a", Aggregate([np.int64(0)], [Agg("sum", np.int64(1))]), ["t"])
    g.add_operator("k", TopK([np.int64(1)], 1, group_by=[np.int64(2)]), ["t"])
    g.add_operator("u", Union(columns=[[np.int64(0)], [np.int64(1)]]), ["t", "t"])
    r = g.add_reader("r", "a", key=[np.int64(0)])
    g.insert("t", [(1, 2, 3), (1, 5, 3)])
    assert r.lookup(1) == [(1, 7)]
    assert g.contents("k") == [((1, 2, 3), 1)]
    assert type(g.operator("a").group_by[0]) is int
    assert Agg("max", np.int64(1)).column == 1
