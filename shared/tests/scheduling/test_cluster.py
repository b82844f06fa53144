from __future__ import annotations

import numpy as np
import pytest

from dcsys.core.errors import ConfigError, UnknownNameError
from dcsys.core.scheduling import CapacityError, Cluster


def test_random_claims_and_releases_keep_invariants():
    rng = np.random.default_rng(0)
    c = Cluster.homogeneous(50, cpu=4, mem=16, machines_per_rack=10)
    held: list[tuple[int, np.ndarray]] = []
    for _ in range(5000):
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
        assert (c.allocated >= -1e-9).all() and (c.allocated <= c.capacity + 1e-9).all()
    expected = np.zeros_like(c.allocated)
    for m, d in held:
        expected[m] += d
    np.testing.assert_allclose(c.allocated, expected, atol=1e-9)
    assert c.tasks.sum() == len(held)


def test_sequence_numbers_move_on_claims_only():
    c = Cluster.homogeneous(3)
    snap = c.copy()
    c.claim(1, c.demand(cpu=1))
    c.release(1, c.demand(cpu=1))
    assert c.changed_since(snap).tolist() == [False, True, False]
    assert c.seq.tolist() == [0, 1, 0]
    assert snap.allocated.sum() == 0  # the copy is independent


def test_claim_many_is_all_or_nothing():
    c = Cluster.homogeneous(2, cpu=2, mem=8)
    with pytest.raises(CapacityError, match=r"over-commit machines \[0\]"):
        c.claim_many(np.array([0, 0, 0, 1]), np.array([1.0, 1.0]))
    assert c.allocated.sum() == 0
    c.claim_many(np.array([0, 0, 1]), np.array([1.0, 1.0]))
    assert c.tasks.tolist() == [2, 1] and c.seq.tolist() == [2, 1]
    c.release_many(np.array([0, 1]), np.array([1.0, 1.0]))
    assert c.tasks.tolist() == [1, 0]
    with pytest.raises(CapacityError):
        c.release_many(np.array([1]), np.array([1.0, 1.0]))


def test_failures_fit_nothing():
    c = Cluster.homogeneous(3)
    c.fail(2)
    assert c.fits(c.demand(cpu=0.1)).tolist() == [True, True, False]
    assert c.slots(c.demand(cpu=1.0)).tolist() == [4, 4, 0]
    assert c.total().tolist() == [8.0, 32.0]
    with pytest.raises(CapacityError, match="down"):
        c.claim(2, c.demand(cpu=1))
    c.recover(2)
    assert c.fits(c.demand(cpu=0.1)).all()


def test_slots_and_utilisation():
    c = Cluster.homogeneous(2, cpu=4, mem=16)
    c.claim(0, np.array([1.0, 10.0]))
    assert c.slots(np.array([1.0, 2.0])).tolist() == [3, 4]
    assert c.slots(np.array([0.0, 0.0]))[0] > 10**6  # zero demand fits unboundedly
    np.testing.assert_allclose(c.utilisation(), [1 / 8, 10 / 32])


def test_bad_configuration():
    with pytest.raises(ConfigError, match="shape"):
        Cluster(np.zeros((0, 2)))
    with pytest.raises(ConfigError, match="resource columns"):
        Cluster(np.ones((3, 3)))
    with pytest.raises(ConfigError, match="rack"):
        Cluster(np.ones((3, 2)), rack=np.zeros(2))
    with pytest.raises(UnknownNameError, match="unknown resource 'gpu'"):
        Cluster.homogeneous(1).demand(gpu=1)
