import random
from collections import Counter

import pytest

from dcsys.core.dataflow import DataflowError, consolidate, deletes, inserts, negate, to_bag, update
from dcsys.core.errors import DcsysError


def test_helpers_build_batches():
    assert inserts([(1,), (2,)]) == [((1,), 1), ((2,), 1)]
    assert deletes([(1,)]) == [((1,), -1)]
    assert update((1, "a"), (1, "b")) == [((1, "a"), -1), ((1, "b"), 1)]
    assert negate([((1,), 2), ((2,), -1)]) == [((2,), 1), ((1,), -2)]


def test_consolidate_cancels_and_keeps_first_appearance_order():
    batch = [((2,), 1), ((1,), 1), ((2,), -1), ((3,), 2), ((1,), 1), ((3,), -2), ((None,), 1)]
    assert consolidate(batch) == [((1,), 2), ((None,), 1)]
    assert consolidate([]) == []
    assert to_bag(batch) == {(1,): 2, (None,): 1}


def test_update_then_consolidate_is_net_change():
    batch = inserts([(1, "a")]) + update((1, "a"), (1, "b")) + update((1, "b"), (1, "c"))
    assert consolidate(batch) == [((1, "c"), 1)]


@pytest.mark.parametrize("seed", range(20))
def test_consolidate_matches_counter(seed):
    rng = random.Random(seed)
    batch = [
        ((rng.randrange(5), rng.choice([None, "x"])), rng.choice([-2, -1, 1, 3]))
        for _ in range(rng.randrange(30))
    ]
    expected = Counter()
    for row, m in batch:
        expected[row] += m
    assert dict(consolidate(batch)) == {r: m for r, m in expected.items() if m}
    assert to_bag(batch + negate(batch)) == {}


def test_dataflow_error_is_a_user_error():
    assert issubclass(DataflowError, DcsysError)
    assert issubclass(DataflowError, ValueError)
