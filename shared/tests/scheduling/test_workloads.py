from __future__ import annotations

import numpy as np
import pytest

from dcsys.core.errors import ConfigError
from dcsys.core.scheduling import (
    CLUSTER_A,
    CLUSTER_C,
    GOOGLE_TRACE,
    PRESETS,
    Constant,
    Discrete,
    Empirical,
    Exponential,
    Job,
    LogNormal,
    Pareto,
    WorkloadSpec,
    generate_workload,
    prefill,
)


def test_distribution_shapes():
    rng = np.random.default_rng(0)
    n = 400_000
    assert abs(Exponential(5.0).sample(rng, n).mean() - 5.0) < 0.05
    ln = LogNormal.from_quantile(60.0, 0.9, 600.0)
    s = ln.sample(rng, n)
    assert abs(np.median(s) / 60.0 - 1) < 0.02 and abs(np.quantile(s, 0.9) / 600.0 - 1) < 0.03
    p = Pareto(1.0, 0.65, high=5_000).sample(rng, n)
    assert p.min() >= 1.0 and p.max() <= 5_000 and abs((p > 100).mean() - 0.05) < 0.003
    d = Discrete((5, 11, 200, 1000), (4, 3, 2, 1)).sample(rng, n)
    assert abs((d == 5).mean() - 0.4) < 0.005
    assert Constant(3.0).sample(rng, 2).tolist() == [3.0, 3.0]


def test_empirical_interpolates_and_can_reproduce_omegas_bug():
    values = np.random.default_rng(1).lognormal(0, 1, 50_000)
    good = Empirical(values).sample(np.random.default_rng(2), 200_000)
    assert abs(np.median(good) / np.median(values) - 1) < 0.03
    assert good.min() >= values.min() and good.max() <= values.max()
    buggy = Empirical(values, omega_interpolation_bug=True).sample(
        np.random.default_rng(2), 200_000
    )
    assert buggy.mean() > 1.3 * good.mean()  # below + frac·(below + above) inflates samples


def test_generation_is_deterministic_and_load_scales_one_kind_only():
    spec_b = WorkloadSpec(
        "batch",
        Exponential(10.0),
        Pareto(1, 0.8, high=100),
        LogNormal(60, 1),
        Constant(0.5),
        Constant(1),
    )
    spec_s = WorkloadSpec(
        "service",
        Exponential(100.0),
        Constant(2),
        Constant(1e5),
        Constant(1),
        Constant(4),
        priority=5,
    )
    a = generate_workload([spec_b, spec_s], 100_000, seed=3)
    b = generate_workload([spec_b, spec_s], 100_000, seed=3)
    assert [(j.submit_time, j.n_tasks) for j in a] == [(j.submit_time, j.n_tasks) for j in b]
    double = generate_workload([spec_b, spec_s], 100_000, seed=3, load={"batch": 2.0})
    assert abs(len(double.of_kind("batch")) / len(a.of_kind("batch")) - 2.0) < 0.1
    assert [j.submit_time for j in double.of_kind("service")] == [
        j.submit_time for j in a.of_kind("service")
    ]
    assert all(j.priority == 5 for j in a.of_kind("service"))
    assert [j.id for j in a] == list(range(len(a)))


def test_diurnal_modulation():
    spec = WorkloadSpec(
        "batch", Exponential(10.0), Constant(1), Constant(1), Constant(1), Constant(1)
    )
    w = generate_workload([spec], 10 * 86_400, seed=0, diurnal_amplitude=0.8)
    phase = np.array([j.submit_time % 86_400 for j in w])
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
    with pytest.raises(ConfigError, match="diurnal_amplitude"):
        generate_workload([spec], 10.0, diurnal_amplitude=1.5)
    with pytest.raises(ConfigError, match="n_tasks"):
        Job(0, 0.0, "batch", 0, [1, 1], 1.0)
    with pytest.raises(ConfigError, match="duration"):
        Job(0, 0.0, "batch", 1, [1, 1], -1.0)


def test_omega_presets_match_the_papers_mix():
    w = CLUSTER_C.workload(horizon=7 * 86_400, seed=0)
    batch, service = w.of_kind("batch"), w.of_kind("service")
    assert len(batch) / len(w) > 0.8  # paper: > 80 % of jobs are batch

    def core_seconds(ws):  # resources used inside the window
        return sum(
            j.n_tasks * j.demand[0] * min(j.duration, 7 * 86_400 - j.submit_time) for j in ws
        )

    share = core_seconds(service) / (core_seconds(service) + core_seconds(batch))
    assert 0.5 < share < 0.9  # paper: 55–80 % of resources go to service jobs
    assert set(PRESETS) == {"A", "B", "C", "google_trace"}
    assert CLUSTER_A.spec("batch").mean_rate() > CLUSTER_C.spec("batch").mean_rate()


def test_prefill_reaches_the_target():
    cell = CLUSTER_C.cluster()
    running = prefill(cell, CLUSTER_C.specs, 0.6, seed=1)
    assert abs(cell.utilisation()[0] - 0.6) < 0.01
    assert all(j.id < 0 and len(m) == j.n_tasks for j, m in running)
    held = {
        k: sum(j.n_tasks * j.demand[0] for j, _ in running if j.kind == k)
        for k in ("batch", "service")
    }
    assert held["service"] > held["batch"]  # a running cell is mostly long-lived service work
    slot_cell = GOOGLE_TRACE.cluster()
    assert slot_cell.n_machines == 12_500 and slot_cell.n_racks == 625
