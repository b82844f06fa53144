from __future__ import annotations

import numpy as np
import pytest

from dcsys.core.errors import ConfigError
from dcsys.core.scheduling import (
    MIN_DURATION,
    Constant,
    Exponential,
    LogNormal,
    Pareto,
    Resources,
    Rounded,
    Uniform,
    WorkloadSpec,
    generate_workload,
    iter_jobs,
    job_fractions,
)

BATCH_SPEC = WorkloadSpec(
    "batch",
    Exponential(10.0),
    Pareto(1, 0.8, high=100),
    LogNormal(60, 1),
    Constant(0.5),
    Constant(1),
)
SERVICE_SPEC = WorkloadSpec(
    "service", Exponential(100.0), Constant(2), Constant(1e5), Constant(1), Constant(4), priority=5
)


def _rows(w):
    return [(j.id, j.submit_time, j.kind, j.n_tasks, j.demand.tolist(), j.duration) for j in w]


def test_generation_is_deterministic_by_seed():
    a = generate_workload([BATCH_SPEC, SERVICE_SPEC], 100_000, seed=3)
    b = generate_workload([BATCH_SPEC, SERVICE_SPEC], 100_000, seed=3)
    assert _rows(a) == _rows(b)
    assert _rows(a) != _rows(generate_workload([BATCH_SPEC, SERVICE_SPEC], 100_000, seed=4))
    g = generate_workload([BATCH_SPEC], 1_000, seed=np.random.default_rng(5))
    h = generate_workload([BATCH_SPEC], 1_000, seed=np.random.default_rng(5))
    assert _rows(g) == _rows(h)


def test_load_scales_one_kind_only():
    a = generate_workload([BATCH_SPEC, SERVICE_SPEC], 100_000, seed=3)
    double = generate_workload([BATCH_SPEC, SERVICE_SPEC], 100_000, seed=3, load={"batch": 2.0})
    assert abs(len(double.of_kind("batch")) / len(a.of_kind("batch")) - 2.0) < 0.1
    assert _rows(double.of_kind("service"))[0][1:] == _rows(a.of_kind("service"))[0][1:]
    assert [j.submit_time for j in double.of_kind("service")] == [
        j.submit_time for j in a.of_kind("service")
    ]
    assert all(j.priority == 5 for j in a.of_kind("service"))
    assert [j.id for j in a] == list(range(len(a)))


def test_a_longer_horizon_extends_a_shorter_one_and_the_stream_matches():
    short = generate_workload([BATCH_SPEC, SERVICE_SPEC], 20_000, seed=1)
    long = generate_workload([BATCH_SPEC, SERVICE_SPEC], 200_000, seed=1)
    assert _rows(long)[: len(short)] == _rows(short)
    streamed = list(iter_jobs([BATCH_SPEC, SERVICE_SPEC], 200_000, seed=1))
    assert _rows(streamed) == _rows(long)


def test_window_ids_and_shapes():
    w = generate_workload([BATCH_SPEC], 50_000, seed=0, start=10_000.0, first_id=100)
    assert w[0].id == 100 and w[0].submit_time >= 10_000.0 and w[-1].submit_time < 50_000.0
    tasks = np.array([j.n_tasks for j in w])
    assert tasks.min() >= 1 and tasks.max() <= 100 and (tasks == np.ceil(tasks)).all()
    assert all(j.demand.tolist() == [0.5, 1.0] for j in w)
    capped = WorkloadSpec(
        "batch", Constant(1.0), Constant(50.0), Constant(1), Constant(1), Constant(1), max_tasks=7
    )
    assert {j.n_tasks for j in generate_workload([capped], 10.0)} == {7}
    tiny = WorkloadSpec(
        "batch", Constant(1.0), Constant(1), Uniform(0.0, 1e-9), Constant(1), Constant(1)
    )
    assert min(j.duration for j in generate_workload([tiny], 10.0)) == MIN_DURATION


def test_extra_resource_dimensions():
    spec = WorkloadSpec(
        "batch",
        Exponential(1.0),
        Constant(1),
        Constant(1),
        Constant(1),
        Constant(2),
        other={"disk": Constant(5.0)},
    )
    w = generate_workload([spec, SERVICE_SPEC], 100.0, seed=0)
    assert w[0].demand.size == 3
    assert {tuple(j.demand.tolist()) for j in w.of_kind("batch")} == {(1.0, 2.0, 5.0)}
    ordered = generate_workload([spec], 10.0, resources=Resources("disk", "mem", "cpu", "net"))
    assert ordered[0].demand.tolist() == [5.0, 2.0, 1.0, 0.0]
    with pytest.raises(ConfigError, match=r"draws \['disk'\]"):
        generate_workload([spec], 10.0, resources=("cpu", "mem"))
    with pytest.raises(ConfigError, match="new dimension"):
        WorkloadSpec(
            "batch",
            Constant(1),
            Constant(1),
            Constant(1),
            Constant(1),
            Constant(1),
            other={"cpu": Constant(1)},
        )


def test_spec_helpers():
    assert BATCH_SPEC.mean_rate() == 0.1
    rounded = WorkloadSpec(
        "batch",
        Constant(10.0),
        Rounded(Pareto(1, 1.5, high=1000), "floor", 1),
        Constant(1),
        Constant(1),
        Constant(1),
    )
    draws = generate_workload([rounded], 500_000.0, seed=2)
    assert abs(np.mean([j.n_tasks for j in draws]) / rounded.mean_tasks - 1) < 0.03
    assert SERVICE_SPEC.offered_load("cpu") == pytest.approx(0.01 * 2 * 1 * 1e5)
    assert SERVICE_SPEC.offered_load("disk") == 0.0
    faster = BATCH_SPEC.with_rate(1.0)
    assert faster.mean_rate() == pytest.approx(1.0) and faster.tasks is BATCH_SPEC.tasks
    assert job_fractions([BATCH_SPEC, SERVICE_SPEC]) == pytest.approx(
        {"batch": 10 / 11, "service": 1 / 11}
    )


def test_diurnal_workloads():
    spec = WorkloadSpec(
        "batch", Exponential(10.0), Constant(1), Constant(1), Constant(1), Constant(1)
    )
    w = generate_workload([spec], 10 * 86_400, seed=0, diurnal_amplitude=0.8)
    phase = w.submit_times % 86_400
    peak = ((phase > 0.15 * 86_400) & (phase < 0.35 * 86_400)).sum()
    trough = ((phase > 0.65 * 86_400) & (phase < 0.85 * 86_400)).sum()
    assert peak > 3 * trough
    assert abs(len(w) / (10 * 8640) - 1) < 0.05  # the mean rate is unchanged


def test_bad_arguments():
    spec = WorkloadSpec(
        "batch", Exponential(1.0), Constant(1), Constant(1), Constant(1), Constant(1)
    )
    with pytest.raises(ConfigError, match="horizon"):
        generate_workload([spec], 0.0)
    with pytest.raises(ConfigError, match="load for 'batch'"):
        generate_workload([spec], 10.0, load=0.0)
    with pytest.raises(ConfigError, match="no spec has"):
        generate_workload([spec], 10.0, load={"service": 2.0})
    with pytest.raises(ConfigError, match="diurnal_amplitude"):
        generate_workload([spec], 10.0, diurnal_amplitude=1.5)
    with pytest.raises(ConfigError, match="at least one spec"):
        generate_workload([], 10.0)
    with pytest.raises(ConfigError, match="kind must be one of"):
        WorkloadSpec(
            "mapreduce", Exponential(1.0), Constant(1), Constant(1), Constant(1), Constant(1)
        )
    with pytest.raises(ConfigError, match="must be a Distribution"):
        WorkloadSpec("batch", 1.0, Constant(1), Constant(1), Constant(1), Constant(1))
    with pytest.raises(ConfigError, match="seed"):
        generate_workload([spec], 10.0, seed="x")
    negative = WorkloadSpec(
        "batch", Exponential(1.0), Constant(1), Constant(1), Constant(-1.0), Constant(1)
    )
    with pytest.raises(ConfigError, match="resource distribution"):
        generate_workload([negative], 10.0)
