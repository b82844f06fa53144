from __future__ import annotations

import numpy as np

from dcsys.core.scheduling import Cluster, random_first_fit


def test_placements_fit_and_use_all_room_when_needed():
    rng = np.random.default_rng(3)
    for _ in range(200):
        m = int(rng.integers(1, 40))
        c = Cluster.homogeneous(m, cpu=4, mem=16)
        for machine in range(m):  # random pre-existing load
            c.claim(machine, np.array([rng.uniform(0, 3), rng.uniform(0, 12)]))
        d = np.array([rng.uniform(0.1, 2), rng.uniform(0.1, 6)])
        n = int(rng.integers(0, 100))
        room = int(c.slots(d).sum())
        placed = random_first_fit(c, d, n, rng)
        assert len(placed) == min(n, room)  # places all when there is room, else fills it
        c.claim_many(placed, d)  # never over-commits


def test_candidates_restrict_the_pool():
    c = Cluster.homogeneous(100)
    placed = random_first_fit(
        c, np.array([1.0, 1.0]), 20, np.random.default_rng(0), candidates=np.arange(10, 15)
    )
    assert set(placed.tolist()) <= set(range(10, 15)) and len(placed) == 20


def test_spread_is_uniform_over_machines():
    c = Cluster.homogeneous(10, cpu=1e6, mem=4e6)
    counts = np.bincount(
        random_first_fit(c, np.array([1.0, 1.0]), 100_000, np.random.default_rng(1)), minlength=10
    )
    assert counts.min() > 9_500 and counts.max() < 10_500


def test_deterministic_by_seed():
    c = Cluster.homogeneous(500)
    a = random_first_fit(c, np.array([0.5, 1.0]), 300, np.random.default_rng(7))
    b = random_first_fit(c, np.array([0.5, 1.0]), 300, np.random.default_rng(7))
    assert a.tolist() == b.tolist()


def test_large_job_on_a_large_cell():
    c = Cluster.homogeneous(12_500)
    placed = random_first_fit(c, np.array([0.5, 1.0]), 1_000, np.random.default_rng(0))
    assert len(placed) == 1_000
