from __future__ import annotations

import numpy as np
import pytest

from dcsys.core.errors import ConfigError, UnknownNameError
from dcsys.core.scheduling import (
    CLUSTER_A,
    CLUSTER_B,
    CLUSTER_C,
    DAY,
    GOOGLE_TRACE,
    PRESETS,
    ClusterPreset,
    get_preset,
    omega_preset,
)

OMEGA = (CLUSTER_A, CLUSTER_B, CLUSTER_C)
MINUTE = 60.0


def test_registry():
    assert set(PRESETS) == {"A", "B", "C", "google_trace"}
    assert get_preset("C") is CLUSTER_C and isinstance(CLUSTER_C, ClusterPreset)
    with pytest.raises(UnknownNameError, match="cluster preset 'Z'"):
        get_preset("Z")
    with pytest.raises(UnknownNameError, match="job kind"):
        GOOGLE_TRACE.spec("interactive")


def test_cluster_c_is_the_trace_cell_and_sizes_are_ordered():
    assert CLUSTER_C.machines == 12_500 and CLUSTER_C.cluster().n_machines == 12_500
    assert CLUSTER_A.machines < CLUSTER_C.machines < CLUSTER_B.machines  # medium, trace, large
    for p in OMEGA:
        c = p.cluster()
        assert c.total().tolist() == [4.0 * p.machines, 16.0 * p.machines]
        assert p.prefill_utilisation == pytest.approx(0.6)


@pytest.mark.parametrize("preset", OMEGA, ids=lambda p: p.name)
def test_omega_presets_follow_the_notes(preset):
    batch, service = preset.spec("batch"), preset.spec("service")
    s = preset.steady_state()
    assert s["batch_job_fraction"] > 0.8  # paper: > 80 % of jobs are batch
    assert 0.55 <= s["service_share"] <= 0.80  # paper: 55–80 % of resources go to service
    assert s["utilisation"]["cpu"] == pytest.approx(0.6, rel=1e-3)  # ≈ the prefill level
    assert 0.3 < s["utilisation"]["mem"] < 0.9
    tol = 1e-6
    assert 4.0 - tol <= batch.interarrival.quantile(0.8) <= 7.0 + tol  # Fig. 3 reading: 4–7 s
    assert 2 * MINUTE - tol <= service.interarrival.quantile(0.8) <= 15 * MINUTE + tol  # 2–15 min
    assert 12 * MINUTE - tol <= batch.duration.quantile(0.8) <= 20 * MINUTE + tol  # 12–20 min
    month = (
        1
        - np.searchsorted(
            np.sort(service.duration.sample(np.random.default_rng(0), 200_000)), 30 * DAY
        )
        / 200_000
    )
    assert 0.2 <= month <= 0.4  # paper: 20–40 % of service jobs run longer than a month
    assert abs(batch.tasks.quantile(0.95) - 100) <= 2  # Fig. 4: 95th percentile ≈ 100 tasks
    assert service.mean_tasks < batch.mean_tasks  # service jobs have fewer tasks
    assert batch.cpu.high < 4.0 and batch.mem.high < 16.0  # < 3.9 cores / 15.9 GB
    assert service.priority > batch.priority
    assert "assumed" in " ".join(preset.notes.values()) and "§" in " ".join(preset.notes.values())


def test_fig8_order_busiest_batch_arrivals_in_a():
    rates = [p.spec("batch").mean_rate() for p in OMEGA]
    assert rates[0] > rates[1] > rates[2]


def test_a_day_of_cluster_c_has_the_papers_mix():
    w = CLUSTER_C.workload(horizon=DAY, seed=0)
    batch, service = w.of_kind("batch"), w.of_kind("service")
    assert len(batch) / len(w) > 0.8
    assert abs(len(batch) / (CLUSTER_C.spec("batch").mean_rate() * DAY) - 1) < 0.05
    tasks = np.array([j.n_tasks for j in batch])
    assert abs((tasks > 100).mean() - 0.05) < 0.01
    assert abs(np.mean([j.demand[0] for j in batch]) / CLUSTER_C.spec("batch").cpu.mean - 1) < 0.05
    assert len(service) > 50


def test_google_trace_preset_matches_firmaments_cluster():
    p = GOOGLE_TRACE
    cell = p.cluster()
    assert cell.n_machines == 12_500 and p.machines_per_rack == 48 and cell.n_racks == 261
    assert cell.total()[0] == 12_500 * 24  # slots
    s = p.steady_state()
    assert s["tasks"] == pytest.approx(150_000) and s["jobs"] == pytest.approx(1_800)
    assert s["utilisation"]["cpu"] == pytest.approx(0.5) and p.prefill_utilisation == 0.5
    batch = p.spec("batch")
    assert abs(1001**-0.64 - 0.012) < 0.001  # P[> 1,000 tasks] = 1.2 %
    assert batch.tasks.quantile(0.9999) > 20_000  # some jobs have > 20,000 tasks
    assert batch.duration.quantile(0.5) == pytest.approx(420.0)
    assert batch.duration.quantile(0.9) == pytest.approx(3_600.0)
    assert {j.demand.tolist()[0] for j in p.workload(600.0, seed=1)} == {1.0}  # one slot each


def test_scaled_presets_are_as_busy():
    small = CLUSTER_B.scaled(300)
    assert small.machines == 300 and small.cluster().n_machines == 300
    assert small.steady_state()["utilisation"]["cpu"] == pytest.approx(0.6, rel=1e-3)
    assert small.spec("batch").tasks is CLUSTER_B.spec("batch").tasks
    with pytest.raises(ConfigError, match="machines"):
        CLUSTER_B.scaled(0)


def test_workloads_are_deterministic_and_streamable():
    a = CLUSTER_A.workload(1800.0, seed=4)
    b = list(CLUSTER_A.iter_jobs(1800.0, seed=4))
    assert [(j.submit_time, j.n_tasks) for j in a] == [(j.submit_time, j.n_tasks) for j in b]
    doubled = CLUSTER_A.workload(1800.0, seed=4, load={"batch": 2.0})
    assert abs(len(doubled.of_kind("batch")) / len(a.of_kind("batch")) - 2) < 0.15


def test_omega_preset_factory():
    p = omega_preset(
        "tiny",
        100,
        batch_interarrival_p80=60.0,
        service_interarrival_p80=3_600.0,
        service_share=0.7,
    )
    s = p.steady_state()
    assert s["utilisation"]["cpu"] == pytest.approx(0.6, rel=1e-3)
    assert s["service_share"] == pytest.approx(0.7, rel=1e-3)
    with pytest.raises(ConfigError):
        omega_preset(
            "bad", 10, batch_interarrival_p80=1, service_interarrival_p80=1, service_share=1.5
        )
    with pytest.raises(ConfigError, match="prefill_utilisation"):
        ClusterPreset("x", 1, 1.0, 1.0, 1, p.specs, prefill_utilisation=1.0)
    with pytest.raises(ConfigError, match="cannot hold"):  # a huge cell fed by a trickle of jobs
        omega_preset(
            "idle",
            10**6,
            batch_interarrival_p80=600,
            service_interarrival_p80=86_400,
            service_share=0.7,
        )
