from __future__ import annotations

import math

import numpy as np
import pytest

from dcsys.core.errors import ConfigError
from dcsys.core.scheduling import (
    CLUSTER_A,
    CLUSTER_C,
    GOOGLE_TRACE,
    Cluster,
    Constant,
    RunningJob,
    WorkloadSpec,
    prefill,
)


@pytest.mark.parametrize("preset", [CLUSTER_C, GOOGLE_TRACE], ids=lambda p: p.name)
def test_prefill_reaches_the_target_within_one_task(preset):
    cell = preset.cluster()
    target = preset.prefill_utilisation
    running = prefill(cell, preset, target, np.random.default_rng(1))
    largest = max(j.demand[0] for j, _ in running) / cell.total()[0]
    assert target <= cell.utilisation()[0] <= target + largest + 1e-12
    assert all(isinstance(r, RunningJob) for r in running)
    expected = np.zeros_like(cell.allocated)
    for job, machines in running:
        assert len(machines) == job.n_tasks and job.submit_time == 0.0 and job.meta["prefill"]
        assert 0 < job.duration <= job.meta["total_duration"]
        np.add.at(expected, machines, job.demand)
    np.testing.assert_allclose(cell.allocated, expected, atol=1e-9)  # every claim is accounted for
    assert [j.id for j, _ in running] == list(range(-1, -len(running) - 1, -1))
    assert cell.tasks.sum() == sum(j.n_tasks for j, _ in running)


def test_prefill_looks_like_a_snapshot_of_the_steady_state():
    preset = CLUSTER_C
    rates = {s.kind.value: s.mean_rate() * s.duration.mean for s in preset.specs}
    service_jobs = rates["service"] / sum(rates.values())  # share of jobs present (Little)
    cell = preset.cluster()
    running = prefill(cell, preset, 0.6, np.random.default_rng(2))
    kinds = np.array([j.kind == "service" for j, _ in running])
    assert abs(kinds.mean() - service_jobs) < 4 * math.sqrt(
        service_jobs * (1 - service_jobs) / kinds.size
    )
    batch = [j for j, _ in running if j.kind == "batch"]
    # length-biased: the jobs a snapshot catches run longer than the average job
    assert (
        np.mean([j.meta["total_duration"] for j in batch]) > 3 * preset.spec("batch").duration.mean
    )
    remaining = np.array([j.duration / j.meta["total_duration"] for j in batch])
    assert 0.4 < remaining.mean() < 0.6  # a uniform fraction is still to run
    held = {
        k: sum(j.n_tasks * j.demand[0] for j, _ in running if j.kind == k)
        for k in ("batch", "service")
    }
    assert held["service"] > held["batch"]


def test_seed_forms_and_determinism():
    a, b, c = (CLUSTER_A.scaled(400).cluster() for _ in range(3))
    ra = prefill(a, CLUSTER_A.scaled(400), 0.6, 7)
    rb = prefill(b, CLUSTER_A.scaled(400), 0.6, seed=7)
    assert [m.tolist() for _, m in ra] == [m.tolist() for _, m in rb]
    assert (a.allocated == b.allocated).all()
    prefill(c, CLUSTER_A.scaled(400).specs, 0.6, np.random.default_rng(7))  # specs work too
    with pytest.raises(ConfigError, match="not both"):
        prefill(c, CLUSTER_A, 0.6, 1, seed=1)


def test_existing_allocation_counts_and_weights_choose_kinds():
    cell = Cluster.homogeneous(200)
    cell.claim_many(np.arange(200), [2.0, 1.0])  # already 50 % full
    running = prefill(cell, CLUSTER_C, 0.6, 0, weights={"batch": 1.0})
    assert 0.6 <= cell.utilisation()[0] < 0.62 and {j.kind for j, _ in running} == {"batch"}
    assert prefill(cell, CLUSTER_C, 0.3, 0) == []  # already above the target: nothing to add


def test_other_resources_and_targets():
    spec = WorkloadSpec(
        "service",
        Constant(10.0),
        Constant(2),
        Constant(100.0),
        Constant(0.1),
        Constant(1.0),
        other={"disk": Constant(10.0)},
    )
    cell = Cluster.homogeneous(50, cpu=4, mem=16, disk=100.0)
    prefill(cell, [spec], 0.5, 0, resource="mem")
    assert abs(cell.utilisation()[1] - 0.5) < 1 / 800 + 1e-12
    assert cell.allocated[:, 2].sum() == pytest.approx(cell.allocated[:, 1].sum() * 10)
    with pytest.raises(ConfigError, match=r"need \['disk'\]"):
        prefill(Cluster.homogeneous(5), [spec], 0.5, 0)


def test_bad_arguments():
    cell = Cluster.homogeneous(10)
    for target in (-0.1, 1.0):
        with pytest.raises(ConfigError, match="target_utilisation"):
            prefill(cell, CLUSTER_C, target, 0)
    with pytest.raises(ConfigError, match="no spec has"):
        prefill(cell, CLUSTER_C, 0.5, 0, weights={"mapreduce": 1.0})
    with pytest.raises(ConfigError, match="not all 0"):
        prefill(cell, CLUSTER_C, 0.5, 0, weights={"batch": 0.0})
    with pytest.raises(ConfigError, match="at least one"):
        prefill(cell, [], 0.5, 0)
