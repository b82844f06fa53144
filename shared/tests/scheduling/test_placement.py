from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dcsys.core.errors import ConfigError
from dcsys.core.scheduling import Cluster, random_first_fit


def _loaded_cluster(rng: np.random.Generator, m: int) -> Cluster:
    c = Cluster.homogeneous(m, cpu=4, mem=16)
    for machine in range(m):  # random pre-existing load
        c.claim(machine, np.array([rng.uniform(0, 3.9), rng.uniform(0, 15)]))
    return c


def test_placements_fit_and_use_all_room_when_needed():
    rng = np.random.default_rng(3)
    for _ in range(200):
        m = int(rng.integers(1, 40))
        c = _loaded_cluster(rng, m)
        d = np.array([rng.uniform(0.1, 2), rng.uniform(0.1, 6)])
        n = int(rng.integers(0, 100))
        room = int(c.slots(d).sum())
        placed = random_first_fit(c, d, n, rng)
        assert len(placed) == min(n, room)  # places all when there is room, else fills it
        assert placed.dtype == np.int64
        c.claim_many(placed, d)  # never over-commits


@settings(max_examples=120, deadline=None)
@given(
    machines=st.integers(1, 300),
    n_tasks=st.integers(0, 400),
    cpu=st.floats(0.05, 4.0),
    mem=st.floats(0.0, 16.0),
    fill=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32 - 1),
    cap=st.one_of(st.none(), st.integers(1, 5)),
    down=st.floats(0.0, 0.5),
)
def test_first_fit_property(machines, n_tasks, cpu, mem, fill, seed, cap, down):
    rng = np.random.default_rng(seed)
    c = Cluster.homogeneous(machines, cpu=4, mem=16)
    c.claim_many(np.arange(machines), np.array([4.0 * fill, 16.0 * fill]) * 0.999)
    c.fail(np.flatnonzero(rng.random(machines) < down))
    d = np.array([cpu, mem])
    room = c.slots(d)
    if cap is not None:
        room = np.minimum(room, cap)
    placed = random_first_fit(c, d, n_tasks, rng, max_per_machine=cap)
    assert len(placed) == min(n_tasks, int(room.sum()))
    counts = np.bincount(placed, minlength=machines)
    assert (counts <= room).all() and c.up[placed].all()
    c.claim_many(placed, d)  # never over-commits
    assert (c.allocated <= c.capacity + 1e-9).all()


def test_candidates_restrict_the_pool_and_duplicates_do_not_double_count():
    c = Cluster.homogeneous(100)
    rng = np.random.default_rng(0)
    placed = random_first_fit(c, np.array([1.0, 1.0]), 20, rng, candidates=np.arange(10, 15))
    assert set(placed.tolist()) <= set(range(10, 15)) and len(placed) == 20
    placed = random_first_fit(c, np.array([1.0, 1.0]), 50, rng, candidates=[7, 7, 7, 8])
    assert len(placed) == 8 and set(placed.tolist()) == {7, 8}  # 4 each, not 4 per duplicate
    c.claim_many(placed, np.array([1.0, 1.0]))
    assert random_first_fit(c, [1.0, 1.0], 5, rng, candidates=[]).size == 0
    with pytest.raises(ConfigError, match="machine indices"):
        random_first_fit(c, [1.0, 1.0], 5, rng, candidates=[100])


def test_max_per_machine_spreads_tasks():
    c = Cluster.homogeneous(30)
    placed = random_first_fit(c, [0.1, 0.1], 25, np.random.default_rng(2), max_per_machine=1)
    assert len(placed) == 25 and len(set(placed.tolist())) == 25
    placed = random_first_fit(c, [0.1, 0.1], 100, np.random.default_rng(2), max_per_machine=2)
    assert len(placed) == 60 and np.bincount(placed).max() == 2
    with pytest.raises(ConfigError, match="max_per_machine"):
        random_first_fit(c, [0.1, 0.1], 5, np.random.default_rng(2), max_per_machine=0)


def test_spread_is_uniform_over_machines():
    c = Cluster.homogeneous(10, cpu=1e6, mem=4e6)
    counts = np.bincount(
        random_first_fit(c, np.array([1.0, 1.0]), 100_000, np.random.default_rng(1)), minlength=10
    )
    assert counts.min() > 9_500 and counts.max() < 10_500


def test_small_jobs_land_uniformly_on_machines_with_room_only():
    # half the machines are full: Omega's loop swaps them out, so tasks go to the other half
    c = Cluster.homogeneous(1_000)
    c.claim_many(np.arange(0, 1_000, 2), [4.0, 1.0])
    rng = np.random.default_rng(5)
    hits = np.zeros(1_000, dtype=np.int64)
    for _ in range(2_000):
        placed = random_first_fit(c, [1.0, 1.0], 5, rng)  # the per-task (sequential) path
        assert len(placed) == 5 and (placed % 2 == 1).all()
        np.add.at(hits, placed, 1)
    odd = hits[1::2]
    assert abs(odd.mean() - 20.0) < 1e-9 and odd.std() < 2 * np.sqrt(20.0)  # ≈ Poisson(20)


def test_deterministic_by_seed():
    c = Cluster.homogeneous(500)
    for n in (3, 300):  # both code paths
        a = random_first_fit(c, np.array([0.5, 1.0]), n, np.random.default_rng(7))
        b = random_first_fit(c, np.array([0.5, 1.0]), n, np.random.default_rng(7))
        assert a.tolist() == b.tolist()
        assert a.tolist() != random_first_fit(c, [0.5, 1.0], n, np.random.default_rng(8)).tolist()


def test_large_job_on_a_large_cell_and_on_a_nearly_full_one():
    c = Cluster.homogeneous(12_500)
    placed = random_first_fit(c, np.array([0.5, 1.0]), 1_000, np.random.default_rng(0))
    assert len(placed) == 1_000
    # nearly full: only 30 machines have room for one task each, the per-task loop gives up
    c.claim_many(np.arange(12_500), [3.9, 1.0])
    c.release_many(np.arange(30), [3.9, 1.0])
    placed = random_first_fit(c, np.array([0.5, 1.0]), 10, np.random.default_rng(0))
    assert len(placed) == 10 and set(placed.tolist()) <= set(range(30))
    placed = random_first_fit(c, np.array([3.0, 1.0]), 100, np.random.default_rng(0))
    assert sorted(placed.tolist()) == list(range(30))


def test_bad_arguments():
    c = Cluster.homogeneous(5)
    rng = np.random.default_rng(0)
    assert random_first_fit(c, [1.0, 1.0], 0, rng).size == 0
    with pytest.raises(ConfigError, match="n_tasks"):
        random_first_fit(c, [1.0, 1.0], -1, rng)
    with pytest.raises(ConfigError, match="one value per resource"):
        random_first_fit(c, [1.0, 1.0, 1.0], 3, rng)
    with pytest.raises(ConfigError, match=">= 0"):
        random_first_fit(c, [-1.0, 1.0], 3, rng)
