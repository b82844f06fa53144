import numpy as np
import pytest

from dcsys.core.errors import ConfigError
from dcsys.core.scheduling import Cluster
from dcsys.omega import ThinkTime, mesos, monolithic, omega, simulate
from dcsys.omega.architectures import Architecture

SMALL = {"cluster": "C", "machines": 400, "hours": 2.0}


def test_same_seed_same_result_and_every_architecture_sees_the_same_jobs():
    a = simulate(arch=omega(), seed=3, **SMALL)
    b = simulate(arch=omega(), seed=3, **SMALL)
    assert a.workloads == b.workloads and a.schedulers == b.schedulers
    m = simulate(arch=monolithic(), seed=3, **SMALL)
    assert m.workloads["batch"]["jobs"] == a.workloads["batch"]["jobs"] > 10
    assert simulate(arch=omega(), seed=4, **SMALL).workloads != a.workloads


def test_monolithic_has_no_conflicts_and_busyness_grows_with_decision_time():
    fast = simulate(arch=monolithic(service=ThinkTime(0.01, 0.0)), seed=0, **SMALL)
    slow = simulate(arch=monolithic(service=ThinkTime(1.0, 0.0)), seed=0, **SMALL)
    assert fast.schedulers["monolithic"]["failed"] == 0
    assert slow.schedulers["monolithic"]["busyness"] > 5 * fast.schedulers["monolithic"]["busyness"]


def test_head_of_line_blocking_in_multi_path_but_not_in_omega():
    params = {"cluster": "C", "hours": 2.0, "seed": 0}
    slow_service = ThinkTime(t_job=30.0)
    multi = simulate(arch=monolithic(single_path=False, service=slow_service), **params)
    shared = simulate(arch=omega(service=slow_service), **params)
    assert multi.workloads["batch"]["wait_mean"] > 3 * shared.workloads["batch"]["wait_mean"]
    assert shared.schedulers["batch-0"]["busyness"] < 0.5


def test_more_batch_schedulers_share_the_load():
    one = simulate(arch=omega(n_batch=1), seed=0, load={"batch": 4.0}, **SMALL)
    four = simulate(arch=omega(n_batch=4), seed=0, load={"batch": 4.0}, **SMALL)
    b1 = one.schedulers["batch-0"]["busyness_mean"]
    b4 = np.mean([four.schedulers[f"batch-{i}"]["busyness_mean"] for i in range(4)])
    assert b4 < 0.5 * b1
    assert (
        sum(four.schedulers[f"batch-{i}"]["transactions"] for i in range(4))
        >= one.schedulers["batch-0"]["transactions"] * 0.9
    )


def test_coarse_conflict_detection_conflicts_more():
    # four batch schedulers at the preset load: coarse (sequence numbers) also rejects claims on
    # machines that still had room, so it conflicts more than fine (resource-fit) detection
    for seed in (0, 1):
        params = {"cluster": "C", "hours": 2.0, "seed": seed}
        fine = simulate(arch=omega(n_batch=4), **params)
        coarse = simulate(arch=omega(n_batch=4, conflict="sequence-numbers"), **params)
        assert (
            coarse.by_kind("batch")["conflict_fraction"]
            > fine.by_kind("batch")["conflict_fraction"]
            > 0
        )


def test_mesos_runs_and_locks_offers():
    r = simulate(arch=mesos(service=ThinkTime(10.0)), seed=0, **SMALL)
    assert r.workloads["batch"]["jobs_attempted"] > 0
    assert set(r.schedulers) == {"service", "batch-0"}


def test_cell_never_overcommits():
    from dcsys.core.scheduling import CLUSTER_C, prefill
    from dcsys.omega.simulator import CellSimulator

    cell = Cluster.homogeneous(200, cpu=4, mem=16)
    running = prefill(cell, CLUSTER_C.specs, 0.6, seed=0)
    workload = CLUSTER_C.workload(3600.0, seed=0, load=0.2)
    sim = CellSimulator(
        cell, workload, omega(n_batch=3, service=ThinkTime(2.0)), 3600.0, 0, running=running
    )
    sim.run()
    assert (cell.allocated <= cell.capacity + 1e-9).all() and (cell.allocated >= -1e-9).all()


def test_bad_input():
    with pytest.raises(ConfigError, match="unknown cluster 'Z'"):
        simulate("Z", omega(), hours=1)
    with pytest.raises(ConfigError, match="exactly one of days= or hours="):
        simulate("C", omega())
    with pytest.raises(ConfigError, match="simulated time must be > 0"):
        simulate("C", omega(), hours=-1)
    with pytest.raises(ConfigError, match="machines must be >= 1"):
        simulate("C", omega(), hours=1, machines=0)
    with pytest.raises(ConfigError, match="n_batch"):
        omega(n_batch=0)
    with pytest.raises(ConfigError, match="decision times"):
        ThinkTime(-1.0)
    with pytest.raises(ConfigError, match="architecture kind"):
        Architecture("lottery")


def test_machine_failures_lose_and_rerun_tasks():
    r = simulate("C", omega(), hours=2.0, seed=0, machines=400, mtbf_days=1.0, repair_hours=0.5)
    assert r.extra["machine_failures"] > 10  # 400 machines / 1 day MTBF → ≈ 33 failures in 2 h
    assert r.extra["tasks_lost"] > 0
    calm = simulate("C", omega(), hours=2.0, seed=0, machines=400)
    assert calm.extra["machine_failures"] == 0


def test_constraints_on_heterogeneous_machines():
    import numpy as np

    from dcsys.core.scheduling import CLUSTER_C
    from dcsys.omega.simulator import _make_cell

    cell = _make_cell(CLUSTER_C, 1000, True, np.random.default_rng(0))
    assert set(np.unique(cell.attributes["platform"]).tolist()) == {0, 1, 2}
    assert sorted(set(cell.capacity[:, 0].tolist())) == [2.0, 4.0, 8.0]
    r = simulate(
        "C", omega(), hours=1.0, seed=0, machines=400, heterogeneous=True, constrained_fraction=0.5
    )
    assert r.workloads["batch"]["jobs_fully_scheduled"] > 0
    with pytest.raises(ConfigError, match="needs heterogeneous"):
        simulate("C", omega(), hours=1.0, constrained_fraction=0.5)


def test_constrained_jobs_land_on_their_platform():
    import numpy as np

    from dcsys.core.scheduling import Job
    from dcsys.omega import RandomFirstFit

    cell = Cluster(np.full((30, 2), 4.0), attributes={"platform": np.arange(30) % 3})
    job = Job(1, 0.0, "batch", 20, [0.5, 0.5], 10.0, constraints={"platform": 2})
    machines = RandomFirstFit().place(job, 20, cell, np.random.default_rng(0))
    assert len(machines) == 20 and set((machines % 3).tolist()) == {2}


def test_service_preempts_batch_when_the_cell_is_full():
    from dcsys.core.scheduling import Job, Workload
    from dcsys.omega.simulator import CellSimulator

    batch = Job(1, 0.0, "batch", 200, [1.0, 1.0], 10_000.0)  # fills every machine
    service = Job(2, 10.0, "service", 20, [2.0, 2.0], 10_000.0, priority=10)
    for preempt in (False, True):
        cell = Cluster.homogeneous(50, cpu=4, mem=16)
        sim = CellSimulator(cell, Workload([batch, service]), omega(preemption=preempt), 600.0, 0)
        r = sim.run()
        if not preempt:
            assert r.extra["tasks_preempted"] == 0
        placed_service = r.workloads["service"]["jobs_fully_scheduled"]
        assert placed_service == (1 if preempt else 0)
        if preempt:
            assert r.extra["tasks_preempted"] >= 20  # ≥ 2 batch tasks evicted per service task
        assert (cell.allocated <= cell.capacity + 1e-9).all()


def test_opportunistic_mapreduce_speeds_up_jobs_on_an_idle_cell():
    import numpy as np

    base = dict(cluster="C", hours=1.0, seed=0, machines=1000, mapreduce_fraction=0.2)
    none = simulate(arch=omega(), **base)
    assert none.extra["mapreduce_speedups"] == []
    greedy = simulate(arch=omega(), mapreduce="max_parallelism", **base)
    capped = simulate(arch=omega(), mapreduce="relative_size", **base)
    g = np.asarray(greedy.extra["mapreduce_speedups"])
    c = np.asarray(capped.extra["mapreduce_speedups"])
    assert g.size > 5 and (g > 1).mean() > 0.5
    assert c.max() <= 4.0 + 1e-9 and np.quantile(g, 0.8) >= np.quantile(c, 0.8)
    with pytest.raises(ConfigError, match="mapreduce needs mapreduce_fraction"):
        simulate("C", omega(), hours=1, mapreduce="max_parallelism")
    with pytest.raises(ConfigError, match="policy must be one of"):
        simulate("C", omega(), hours=1, mapreduce="greedy", mapreduce_fraction=0.2)
