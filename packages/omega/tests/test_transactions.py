import numpy as np
import pytest

from dcsys.core.errors import ConfigError
from dcsys.core.scheduling import Cluster
from dcsys.omega import commit

D = np.array([1.0, 1.0])


def setup():
    cell = Cluster.homogeneous(3, cpu=2, mem=8)
    snap = cell.copy()
    cell.claim(0, D)  # someone else commits on machine 0 after the snapshot
    return cell, snap


def test_fine_grained_incremental_commits_what_still_fits():
    cell, snap = setup()
    r = commit(cell, np.array([0, 0, 1, 2]), D, snap, "resource-fit", "incremental")
    assert sorted(r.committed.tolist()) == [0, 1, 2] and r.conflicts == 1 and not r.succeeded
    assert cell.tasks.tolist() == [2, 1, 1]


def test_coarse_grained_rejects_any_touched_machine():
    cell, snap = setup()
    r = commit(cell, np.array([0, 1, 2]), D, snap, "sequence-numbers", "incremental")
    assert sorted(r.committed.tolist()) == [1, 2] and r.conflicts == 1
    # machine 0 still had room, but its sequence number moved: coarse detection is pessimistic
    assert cell.tasks[0] == 1


def test_all_or_nothing_rolls_back():
    cell, snap = setup()
    before = cell.allocated.copy()
    r = commit(cell, np.array([0, 0, 1]), D, snap, "resource-fit", "all-or-nothing")
    assert r.committed.size == 0 and r.conflicts == 3
    np.testing.assert_array_equal(cell.allocated, before)


def test_no_conflict_is_success():
    cell = Cluster.homogeneous(2)
    snap = cell.copy()
    r = commit(cell, np.array([0, 1, 1]), D, snap, "sequence-numbers", "all-or-nothing")
    assert r.succeeded and r.committed.size == 3


def test_down_machine_conflicts():
    cell = Cluster.homogeneous(2)
    snap = cell.copy()
    cell.fail(1)
    for mode in ("resource-fit", "sequence-numbers"):
        r = commit(cell, np.array([1]), D, snap, mode, "incremental")
        assert r.conflicts == 1 and r.committed.size == 0


def test_bad_modes():
    cell = Cluster.homogeneous(1)
    with pytest.raises(ConfigError, match="'optimistic' is not a valid ConflictMode"):
        commit(cell, np.array([0]), D, cell.copy(), "optimistic")
