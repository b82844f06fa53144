import random
from collections import Counter

import pytest

from dcsys.core.dataflow import EMPTY, DataflowError, State


def test_insert_remove_with_multiplicities_and_lookup():
    s = State([(0,), (1, 2)])
    s.insert((1, "a", None), 3)
    s.insert((1, "b", None))
    s.insert((2, "a", None))
    assert len(s) == 5 and s.distinct_count() == 3
    assert dict(s.lookup((0,), (1,))) == {(1, "a", None): 3, (1, "b", None): 1}
    assert dict(s.lookup((1, 2), ("a", None))) == {(1, "a", None): 3, (2, "a", None): 1}
    s.remove((1, "a", None), 2)
    assert s.count((1, "a", None)) == 1
    s.remove((1, "a", None))
    assert (1, "a", None) not in s
    assert dict(s.lookup((1, 2), ("a", None))) == {(2, "a", None): 1}
    assert s.lookup((0,), (99,)) is EMPTY
    assert sorted(s.keys((0,))) == [(1,), (2,)]


def test_removing_more_than_held_raises_and_changes_nothing():
    s = State([(0,)])
    s.insert((1, 2), 2)
    with pytest.raises(DataflowError, match="cannot remove 3 copies"):
        s.remove((1, 2), 3)
    with pytest.raises(DataflowError):
        s.remove((9, 9))
    assert s.count((1, 2)) == 2 and len(s) == 2


def test_zero_and_negative_multiplicities():
    s = State()
    s.insert((1,), 0)
    s.remove((1,), 0)
    assert len(s) == 0 and s.distinct_count() == 0
    with pytest.raises(DataflowError):
        s.insert((1,), -1)
    with pytest.raises(DataflowError):
        s.remove((1,), -1)


def test_default_index_is_everything_and_unindexed_lookup_raises():
    s = State()
    assert s.indexes == ((),)
    s.apply([((1, 2), 1), ((3, 4), 2), ((1, 2), -1)])
    assert dict(s.lookup((), ())) == {(3, 4): 2}
    with pytest.raises(DataflowError, match="no index on columns"):
        s.lookup((0,), (3,))
    s.add_index((0,))
    assert dict(s.lookup((0,), (3,))) == {(3, 4): 2}
    with pytest.raises(DataflowError, match="already has an index"):
        s.add_index([0])
    with pytest.raises(DataflowError):
        s.add_index((-1,))


def test_full_lookup_without_empty_index_and_list_cols():
    s = State([(1,)])
    s.insert(("a", 1))
    s.insert(("b", 2))
    assert dict(s.lookup((), ())) == {("a", 1): 1, ("b", 2): 1}
    assert dict(s.lookup([1], (2,))) == {("b", 2): 1}


def test_iteration_rows_clear_and_repr():
    s = State([(0,)])
    s.apply([((1, "x"), 2), ((2, "y"), 1)])
    assert sorted(s) == [(1, "x"), (1, "x"), (2, "y")]
    assert sorted(s.rows()) == sorted(s)
    assert "rows=3" in repr(s)
    s.clear()
    assert len(s) == 0 and list(s.items()) == [] and s.lookup((0,), (1,)) is EMPTY


def test_non_contiguous_and_reordered_indexes():
    s = State([(2, 0), (1,)])
    s.insert(("a", "b", "c"))
    assert dict(s.lookup((2, 0), ("c", "a"))) == {("a", "b", "c"): 1}
    assert s.lookup((2, 0), ("a", "c")) is EMPTY


@pytest.mark.parametrize("seed", range(30))
def test_random_changes_match_a_counter(seed):
    rng = random.Random(seed)
    s = State([(0,), (1,), (0, 1), ()])
    model = Counter()
    for step in range(150):
        row = (rng.randrange(4), rng.choice([None, "a", "b"]), rng.randrange(3))
        if model[row] and rng.random() < 0.45:
            m = rng.randint(1, model[row])
            s.remove(row, m)
            model[row] -= m
        else:
            m = rng.randint(1, 3)
            s.insert(row, m)
            model[row] += m
        if step == 70:
            s.add_index((2, 1))
        model = +model
        assert len(s) == sum(model.values())
        assert dict(s.items()) == dict(model)
        for cols in s.indexes:
            k = tuple(row[c] for c in cols)
            expected = {r: m for r, m in model.items() if tuple(r[c] for c in cols) == k}
            assert dict(s.lookup(cols, k)) == expected
