import pytest

from dcsys.core.dataflow import DataflowError, Graph


def make():
    g = Graph()
    g.add_base("t", 3)
    r = g.add_reader("r", "t", key=[0, 1], indexes=[(2,), (0, 1)])
    return g, r


def test_lookup_by_key_tuple_and_counts():
    g, r = make()
    g.insert("t", [(1, "a", None), (1, "a", None), (1, "b", 3)])
    assert r.lookup((1, "a")) == [(1, "a", None), (1, "a", None)]
    assert r.lookup_counts((1, "a")) == {(1, "a", None): 2}
    assert r.lookup((9, "z")) == [] and r.lookup_counts((9, "z")) == {}
    assert r.lookup_by((2,), None) == [(1, "a", None), (1, "a", None)]
    assert sorted(r.keys()) == [(1, "a"), (1, "b")]
    assert len(r) == 3 and r.count((1, "a", None)) == 2 and (1, "b", 3) in r
    assert sorted(r.rows()) == sorted([(1, "a", None), (1, "a", None), (1, "b", 3)], key=str)
    assert dict(r.items()) == {(1, "a", None): 2, (1, "b", 3): 1}
    assert r.state.indexes == ((0, 1), (2,))
    assert "rows=3" in repr(r)


def test_key_arity_errors():
    g, r = make()
    with pytest.raises(DataflowError, match="pass a tuple"):
        r.lookup(1)
    with pytest.raises(DataflowError, match="has 1 values"):
        r.lookup((1,))


def test_scalar_key_for_single_column_and_unkeyed_reader():
    g = Graph()
    g.add_base("t", 2)
    r = g.add_reader("r", "t", key=[1])
    everything = g.add_reader("all", "t")
    g.insert("t", [(1, "x"), (2, "y")])
    assert r.lookup("y") == [(2, "y")]
    assert r.lookup(("y",)) == [(2, "y")]
    assert sorted(everything.lookup()) == [(1, "x"), (2, "y")]


def test_reader_of_removed_node_raises():
    g, r = make()
    g.remove("r")
    with pytest.raises(DataflowError, match="removed"):
        r.lookup((1, "a"))
    with pytest.raises(DataflowError):
        r.rows()
