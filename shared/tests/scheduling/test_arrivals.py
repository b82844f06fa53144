from __future__ import annotations

import math

import numpy as np
import pytest

from dcsys.core.errors import ConfigError
from dcsys.core.scheduling import (
    DAY,
    Constant,
    LogNormal,
    arrival_times,
    candidate_chunks,
    diurnal_rate,
    poisson_arrivals,
)


def test_poisson_counts_and_gaps():
    t = poisson_arrivals(2.0, 50_000.0, np.random.default_rng(0), start=100.0)
    assert t.min() > 100.0 and t.max() < 50_000.0 and (np.diff(t) >= 0).all()
    expected = 2.0 * (50_000.0 - 100.0)
    assert abs(t.size - expected) < 4 * math.sqrt(expected)
    gaps = np.diff(t)
    assert abs(gaps.mean() - 0.5) < 0.01 and abs(gaps.std() / gaps.mean() - 1) < 0.02  # CV = 1


def test_renewal_arrivals_follow_the_gap_distribution():
    gaps = LogNormal(2.0, 1.0)
    t = arrival_times(gaps, 200_000.0, np.random.default_rng(1))
    assert abs(np.diff(t).mean() / gaps.mean - 1) < 0.03
    assert abs(np.median(np.diff(t)) / 2.0 - 1) < 0.03
    doubled = arrival_times(gaps, 200_000.0, np.random.default_rng(1), load=2.0)
    assert abs(doubled.size / t.size - 2.0) < 0.05


def test_a_longer_horizon_extends_a_shorter_one():
    a = poisson_arrivals(1.0, 1_000.0, np.random.default_rng(4))
    b = poisson_arrivals(1.0, 30_000.0, np.random.default_rng(4))
    assert b[: a.size].tolist() == a.tolist() and b[a.size] >= 1_000.0
    c = arrival_times(
        LogNormal(1.0, 1.0), 30_000.0, np.random.default_rng(4), diurnal_amplitude=0.5
    )
    d = arrival_times(LogNormal(1.0, 1.0), 5_000.0, np.random.default_rng(4), diurnal_amplitude=0.5)
    assert c[: d.size].tolist() == d.tolist()


def test_diurnal_modulation_shapes_the_day_and_keeps_the_mean():
    a = 0.8
    t = poisson_arrivals(0.1, 20 * DAY, np.random.default_rng(0), diurnal_amplitude=a)
    phase = (t % DAY) / DAY
    peak = ((phase > 0.2) & (phase < 0.3)).sum()  # the rate peaks at a quarter day
    trough = ((phase > 0.7) & (phase < 0.8)).sum()
    expected_ratio = float(diurnal_rate(0.25 * DAY, a)) / float(diurnal_rate(0.75 * DAY, a))
    assert expected_ratio == pytest.approx(9.0)
    assert 0.8 * expected_ratio < peak / trough < 1.2 * expected_ratio
    assert abs(t.size / (0.1 * 20 * DAY) - 1) < 0.02  # the mean rate is unchanged
    shifted = poisson_arrivals(
        0.1, 20 * DAY, np.random.default_rng(0), diurnal_amplitude=a, diurnal_phase=DAY / 2
    )
    sphase = (shifted % DAY) / DAY
    assert ((sphase > 0.7) & (sphase < 0.8)).sum() > 3 * ((sphase > 0.2) & (sphase < 0.3)).sum()


def test_chunks_are_fixed_size_sorted_and_cover_the_window():
    chunks = list(candidate_chunks(Constant(1.0), 10_000.5, np.random.default_rng(0)))
    assert all(t.size == 4096 and k.dtype == bool for t, k in chunks)
    times = np.concatenate([t[k] for t, k in chunks])
    assert times.tolist() == [float(i) for i in range(1, 10_001)]


def test_bad_arguments():
    rng = np.random.default_rng(0)
    with pytest.raises(ConfigError, match="rate"):
        poisson_arrivals(0.0, 10.0, rng)
    with pytest.raises(ConfigError, match="horizon"):
        poisson_arrivals(1.0, 10.0, rng, start=10.0)
    with pytest.raises(ConfigError, match="horizon"):
        poisson_arrivals(1.0, math.inf, rng)
    with pytest.raises(ConfigError, match="diurnal_amplitude"):
        poisson_arrivals(1.0, 10.0, rng, diurnal_amplitude=1.0)
    with pytest.raises(ConfigError, match="load"):
        arrival_times(Constant(1.0), 10.0, rng, load=0.0)
    with pytest.raises(ConfigError, match="only zero gaps"):
        arrival_times(Constant(0.0), 10.0, rng)
    with pytest.raises(ConfigError, match="diurnal_period"):
        arrival_times(Constant(1.0), 10.0, rng, diurnal_period=0.0)
