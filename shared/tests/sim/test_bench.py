from __future__ import annotations

from dcsys.core.sim._bench import bare_heapq_hold, kernel_hold, run_benchmark


def test_benchmark_reports_both_rates_and_their_ratio():
    # no timing assertions: only that both loops run the same pattern and the report is complete
    r = run_benchmark(5_000, entities=50, repeats=1)
    assert r["events"] == 5_000 and r["target_ratio"] == 0.5
    assert r["kernel_events_per_s"] > 0 and r["bare_heapq_events_per_s"] > 0
    expected = r["kernel_events_per_s"] / r["bare_heapq_events_per_s"]
    assert abs(r["ratio_kernel_to_bare"] - expected) < 1e-9


def test_both_loops_fire_exactly_n_events():
    delays = [1.0] * 200
    assert bare_heapq_hold(100, delays, 10) >= 0
    assert kernel_hold(100, delays, 10) >= 0  # asserts events_run == n internally
