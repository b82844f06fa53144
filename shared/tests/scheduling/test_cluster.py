from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dcsys.core.errors import ConfigError, UnknownNameError
from dcsys.core.scheduling import EPSILON, CapacityError, CellState, Cluster, Resources


def _check_invariants(c: Cluster) -> None:
    assert (c.allocated >= 0).all()
    assert (c.allocated <= c.capacity + EPSILON).all()
    assert (c.tasks >= 0).all()
    assert ((c.tasks == 0) <= (c.allocated == 0).all(axis=1)).all()  # empty machines hold nothing


def test_random_claims_and_releases_keep_invariants():
    rng = np.random.default_rng(0)
    c = Cluster.homogeneous(50, cpu=4, mem=16, machines_per_rack=10)
    held: list[tuple[int, np.ndarray]] = []
    for _ in range(4000):
        if held and rng.random() < 0.45:
            m, d = held.pop(int(rng.integers(len(held))))
            c.release(m, d)
        else:
            m = int(rng.integers(50))
            d = np.array([rng.uniform(0.1, 2), rng.uniform(0.1, 8)])
            if c.fits(d)[m]:
                c.claim(m, d)
                held.append((m, d))
            else:
                with pytest.raises(CapacityError, match=f"machine {m}"):
                    c.claim(m, d)
        _check_invariants(c)
    expected = np.zeros_like(c.allocated)
    for m, d in held:
        expected[m] += d
    np.testing.assert_allclose(c.allocated, expected, atol=1e-9)
    assert c.tasks.sum() == len(held)


# Differential test: random claim / claim_many / release / release_many / fail / recover
# programs against a model that keeps every claimed task in a Python list.
_op = st.one_of(
    st.tuples(st.just("claim"), st.integers(0, 5), st.integers(1, 3), st.integers(0, 3)),
    st.tuples(st.just("claim_many"), st.lists(st.integers(0, 5), max_size=6), st.integers(0, 3)),
    st.tuples(st.just("release"), st.integers(0, 40)),
    st.tuples(st.just("release_many"), st.lists(st.integers(0, 40), max_size=4)),
    st.tuples(st.just("fail"), st.integers(0, 5)),
    st.tuples(st.just("recover"), st.integers(0, 5)),
)
_DEMANDS = [np.array(d) for d in ([1.0, 2.0], [0.5, 0.25], [2.5, 1.0], [0.0, 7.0])]


@settings(max_examples=200, deadline=None)
@given(st.lists(_op, max_size=40))
def test_cluster_matches_a_task_list_model(ops):
    c = Cluster.homogeneous(6, cpu=4, mem=8, machines_per_rack=3)
    model: list[tuple[int, int]] = []  # (machine, demand index) per running task
    up = [True] * 6
    seq = [0] * 6

    def room_ok(extra: list[tuple[int, int]]) -> bool:
        for m in {m for m, _ in extra}:
            load = sum(_DEMANDS[d] for mm, d in model + extra if mm == m)
            if not up[m] or (load > c.capacity[m] + EPSILON).any():
                return False
        return True

    for op in ops:
        kind = op[0]
        if kind == "claim":
            _, m, count, d = op
            extra = [(m, d)] * count
            if room_ok(extra):
                c.claim(m, _DEMANDS[d], count)
                model.extend(extra)
                seq[m] += count
            else:
                with pytest.raises(CapacityError):
                    c.claim(m, _DEMANDS[d], count)
        elif kind == "claim_many":
            _, machines, d = op
            extra = [(m, d) for m in machines]
            if room_ok(extra):
                c.claim_many(np.array(machines, dtype=np.int64), _DEMANDS[d])
                model.extend(extra)
                for m in machines:
                    seq[m] += 1
            else:
                before = c.allocated.copy()
                with pytest.raises(CapacityError):
                    c.claim_many(np.array(machines, dtype=np.int64), _DEMANDS[d])
                assert (c.allocated == before).all()  # all or nothing
        elif kind == "release" and model:
            m, d = model.pop(op[1] % len(model))
            c.release(m, _DEMANDS[d])
        elif kind == "release_many" and model:
            picks = sorted({i % len(model) for i in op[1]}, reverse=True)
            gone = [model.pop(i) for i in picks]
            if gone and len({d for _, d in gone}) == 1:
                c.release_many(np.array([m for m, _ in gone]), _DEMANDS[gone[0][1]])
            else:
                for m, d in gone:
                    c.release(m, _DEMANDS[d])
        elif kind == "fail":
            c.fail(op[1])
            up[op[1]] = False
            seq[op[1]] += 1
        elif kind == "recover":
            c.recover(op[1])
            up[op[1]] = True
            seq[op[1]] += 1
        expected = np.zeros((6, 2))
        for m, d in model:
            expected[m] += _DEMANDS[d]
        np.testing.assert_allclose(c.allocated, expected, atol=1e-9)
        assert c.tasks.tolist() == [sum(1 for mm, _ in model if mm == m) for m in range(6)]
        assert c.seq.tolist() == seq and c.up.tolist() == up
        assert (c.allocated >= 0).all()


def test_sequence_numbers_move_on_claims_not_releases():
    c = Cluster.homogeneous(3)
    snap = c.snapshot()
    c.claim(1, c.demand(cpu=1))
    c.release(1, c.demand(cpu=1))
    assert c.changed_since(snap).tolist() == [False, True, False]
    assert c.changed_since(snap, [1, 2]).tolist() == [True, False]
    assert c.seq.tolist() == [0, 1, 0]
    c.claim(2, c.demand(cpu=1), count=3)
    assert c.seq.tolist() == [0, 1, 3]  # one per task claimed
    assert snap.allocated.sum() == 0 and snap.seq.sum() == 0  # the copy is independent
    c.fail(0)
    assert c.changed_since(snap).tolist() == [True, True, True]
    with pytest.raises(ConfigError, match="snapshot has 3 machines"):
        Cluster.homogeneous(4).changed_since(snap)


def test_copy_is_independent_and_shares_immutable_arrays():
    c = Cluster.homogeneous(4, attributes={"platform": [0, 1, 0, 1]})
    c.claim(0, [1.0, 1.0])
    d = c.copy()
    d.claim(1, [1.0, 1.0])
    d.fail(2)
    assert c.tasks.tolist() == [1, 0, 0, 0] and c.up.all()
    assert d.capacity is c.capacity and d.rack is c.rack
    with pytest.raises(ValueError):
        c.capacity[0, 0] = 99.0  # capacity never changes in place
    with pytest.raises(ValueError):
        c.attributes["platform"][0] = 5
    assert isinstance(c, CellState)


def test_claim_many_is_all_or_nothing_and_accepts_per_task_rows():
    c = Cluster.homogeneous(2, cpu=2, mem=8)
    with pytest.raises(CapacityError, match=r"over-commit machines \[0\]"):
        c.claim_many(np.array([0, 0, 0, 1]), np.array([1.0, 1.0]))
    assert c.allocated.sum() == 0 and c.seq.sum() == 0 and c.tasks.sum() == 0
    c.claim_many(np.array([0, 0, 1]), np.array([1.0, 1.0]))
    assert c.tasks.tolist() == [2, 1] and c.seq.tolist() == [2, 1]
    c.release_many(np.array([0, 1]), np.array([1.0, 1.0]))
    assert c.tasks.tolist() == [1, 0] and c.allocated[1].tolist() == [0.0, 0.0]
    with pytest.raises(CapacityError, match=r"machines \[1\]"):
        c.release_many(np.array([1]), np.array([1.0, 1.0]))
    c.claim_many([1, 1], [[0.5, 1.0], [1.5, 2.0]])
    assert c.allocated[1].tolist() == [2.0, 3.0]
    c.claim_many([], [1.0, 1.0])  # nothing to do
    with pytest.raises(ConfigError, match="rows"):
        c.claim_many([0, 1], [[0.5, 1.0]] * 3)


def test_release_many_updates_in_place():
    c = Cluster.homogeneous(3)
    view = c.allocated
    c.claim_many([0, 1, 1], [1.0, 2.0])
    c.release_many([1], [1.0, 2.0])
    assert c.allocated is view and view[1].tolist() == [1.0, 2.0]


def test_failures_fit_nothing_and_leave_totals():
    c = Cluster.homogeneous(3)
    c.claim(2, c.demand(cpu=1))
    c.fail(2)
    assert c.fits(c.demand(cpu=0.1)).tolist() == [True, True, False]
    assert c.slots(c.demand(cpu=1.0)).tolist() == [4, 4, 0]
    assert c.total().tolist() == [8.0, 32.0] and c.used().tolist() == [0.0, 0.0]
    assert c.free()[2].tolist() == [0.0, 0.0] and "1 down" in repr(c)
    with pytest.raises(CapacityError, match="down"):
        c.claim(2, c.demand(cpu=1))
    with pytest.raises(CapacityError, match="down"):
        c.claim_many([0, 2], c.demand(cpu=1))
    c.release(2, c.demand(cpu=1))  # tasks of a failed machine can be released
    c.recover(2)
    assert c.fits(c.demand(cpu=0.1)).all()
    c.fail([0, 1])
    assert c.up.tolist() == [False, False, True]


def test_slots_and_utilisation():
    c = Cluster.homogeneous(2, cpu=4, mem=16)
    c.claim(0, np.array([1.0, 10.0]))
    assert c.slots(np.array([1.0, 2.0])).tolist() == [3, 4]
    assert c.slots(np.array([1.0, 2.0]), [1]).tolist() == [4]
    assert c.slots(np.array([0.0, 0.0]))[0] > 10**6  # zero demand fits unboundedly
    assert c.slots([4 / 3, 0.0]).tolist() == [2, 3]  # 4 / (4/3) is 3 up to rounding
    np.testing.assert_allclose(c.utilisation(), [1 / 8, 10 / 32])
    np.testing.assert_allclose(c.machine_utilisation()[0], [0.25, 10 / 16])


def test_exact_fill_is_allowed_and_one_more_is_not():
    c = Cluster.homogeneous(1, cpu=1.0, mem=1.0)
    d = [0.1, 0.1]
    for _ in range(10):  # 10 × 0.1 accumulates float error above 1.0
        c.claim(0, d)
    assert not c.fits(d)[0] and c.slots(d).tolist() == [0]
    with pytest.raises(CapacityError):
        c.claim(0, d)
    for _ in range(10):
        c.release(0, d)
    assert c.allocated.tolist() == [[0.0, 0.0]]  # no drift left behind


def test_bad_inputs_are_rejected_with_clear_errors():
    c = Cluster.homogeneous(3)
    for bad, msg in (
        (-1, "out of range"),
        (3, "out of range"),
        (1.0, "integer"),
        (True, "integer"),
    ):
        with pytest.raises(ConfigError, match=msg):
            c.claim(bad, [1.0, 1.0])
    for demand, msg in (
        ([-1.0, 1.0], ">= 0"),
        ([1.0], "one value per resource"),
        ([np.nan, 1], "finite"),
    ):
        with pytest.raises(ConfigError, match=msg):
            c.claim(0, demand)
        with pytest.raises(ConfigError, match=msg):
            c.release(0, demand)
    with pytest.raises(ConfigError, match="count"):
        c.claim(0, [1.0, 1.0], count=0)
    with pytest.raises(ConfigError, match=r"0\.\.2"):
        c.claim_many([0, 3], [1.0, 1.0])
    with pytest.raises(ConfigError, match="integer indices"):
        c.claim_many([0.5], [1.0, 1.0])
    with pytest.raises(CapacityError, match="exceeds what is claimed"):
        c.release(0, [1.0, 1.0])
    assert c.allocated.sum() == 0 and c.seq.sum() == 0


def test_bad_configuration():
    with pytest.raises(ConfigError, match="shape"):
        Cluster(np.zeros((0, 2)))
    with pytest.raises(ConfigError, match="resource columns"):
        Cluster(np.ones((3, 3)))
    with pytest.raises(ConfigError, match="rack"):
        Cluster(np.ones((3, 2)), rack=np.zeros(2))
    with pytest.raises(ConfigError, match=">= 0"):
        Cluster(np.ones((3, 2)), rack=[0, -1, 0])
    with pytest.raises(ConfigError, match="finite"):
        Cluster([[1.0, np.inf]])
    with pytest.raises(ConfigError, match="attribute 'platform'"):
        Cluster(np.ones((3, 2)), attributes={"platform": [1, 2]})
    with pytest.raises(ConfigError, match="machines"):
        Cluster.homogeneous(0)
    with pytest.raises(UnknownNameError, match="unknown resource 'gpu'"):
        Cluster.homogeneous(1).demand(gpu=1)


def test_extra_resources_racks_and_attributes():
    c = Cluster.homogeneous(
        10, cpu=8, mem=32, machines_per_rack=4, disk=500.0, attributes={"kernel": np.arange(10) % 3}
    )
    assert c.resources == Resources("cpu", "mem", "disk") and c.n_resources == 3
    assert c.demand(disk=10).tolist() == [0.0, 0.0, 10.0]
    assert c.n_racks == 3 and c.machines_in_rack(2).tolist() == [8, 9]
    assert c.per_rack(np.ones(10, dtype=np.int64)).tolist() == [4, 4, 2]
    assert c.per_rack(c.slots([1.0, 0.0, 0.0])).tolist() == [32, 32, 16]
    assert c.candidates().tolist() == list(range(10))
    assert c.candidates({"kernel": 0}).tolist() == [0, 3, 6, 9]
    assert c.candidates({"kernel": {1, 2}}).tolist() == [1, 2, 4, 5, 7, 8]
    assert c.candidates({"kernel": lambda k: k >= 2}).tolist() == [2, 5, 8]
    c.fail(3)
    assert c.candidates({"kernel": 0}).tolist() == [0, 6, 9]  # only machines that are up
    with pytest.raises(UnknownNameError, match="machine attribute 'os'"):
        c.candidates({"os": "linux"})


def test_a_large_cell_is_a_handful_of_arrays():
    c = Cluster.homogeneous(12_500)
    d = np.array([0.5, 1.0])
    assert c.fits(d).shape == (12_500,) and c.free().shape == (12_500, 2)
    c.claim_many(np.arange(0, 12_500, 2), d)
    assert c.fits([3.6, 1.0]).sum() == 6_250
    np.testing.assert_allclose(c.utilisation(), [0.0625, 0.03125])
