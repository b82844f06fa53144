from __future__ import annotations

import math

import numpy as np
import pytest

from dcsys.core.errors import ConfigError
from dcsys.core.scheduling import (
    Constant,
    Discrete,
    Empirical,
    EmpiricalDistribution,
    Exponential,
    LogNormal,
    Mixture,
    Pareto,
    Rounded,
    Scaled,
    Uniform,
)

N = 400_000


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def test_exponential_and_uniform(rng):
    s = Exponential(5.0).sample(rng, N)
    assert abs(s.mean() / 5.0 - 1) < 0.01 and abs(s.std() / 5.0 - 1) < 0.02
    assert abs(Exponential(5.0).quantile(0.5) - 5.0 * math.log(2)) < 1e-12
    u = Uniform(2.0, 6.0).sample(rng, N)
    assert u.min() >= 2.0 and u.max() < 6.0 and abs(u.mean() - 4.0) < 0.01
    assert Uniform(2.0, 6.0).quantile([0.0, 0.25, 1.0]).tolist() == [2.0, 3.0, 6.0]


def test_lognormal_median_quantile_and_clipped_mean(rng):
    ln = LogNormal.from_quantile(60.0, 0.9, 600.0)
    s = ln.sample(rng, N)
    assert abs(np.median(s) / 60.0 - 1) < 0.02 and abs(np.quantile(s, 0.9) / 600.0 - 1) < 0.03
    assert abs(s.mean() / ln.mean - 1) < 0.05
    low = LogNormal.from_quantile(60.0, 0.1, 6.0)  # a quantile below the median
    assert abs(low.quantile(0.1) - 6.0) < 1e-6 and abs(low.sigma - ln.sigma) < 1e-9
    clipped = LogNormal(60.0, 1.5, low=10.0, high=500.0)
    c = clipped.sample(rng, N)
    assert c.min() == 10.0 and c.max() == 500.0
    assert abs(c.mean() / clipped.mean - 1) < 0.005  # the mean accounts for clipping exactly
    assert clipped.quantile(0.999) == 500.0 and clipped.quantile(0.0) == 10.0
    assert LogNormal(5.0, 0.0, high=3.0).mean == 3.0
    for q, value in ((0.5, 100.0), (0.9, 10.0), (1.0, 100.0)):
        with pytest.raises(ConfigError):
            LogNormal.from_quantile(60.0, q, value)


def test_pareto_tail_and_capped_mean(rng):
    p = Pareto(1.0, 0.65, high=5_000)
    s = p.sample(rng, N)
    assert s.min() >= 1.0 and s.max() <= 5_000 and abs((s > 100).mean() - 100**-0.65) < 0.003
    assert abs(s.mean() / p.mean - 1) < 0.05  # finite although alpha < 1, because of the cap
    assert abs(p.quantile(0.95) - 20 ** (1 / 0.65)) < 1e-6
    assert Pareto(2.0, 2.5).mean == pytest.approx(2.0 * 2.5 / 1.5)
    assert Pareto(1.0, 0.5).mean == math.inf
    assert Pareto(1.0, 1.0, high=100.0).mean == pytest.approx(1 + math.log(100))
    light = Pareto(2.0, 3.0, high=10.0)
    assert abs(light.sample(rng, N).mean() / light.mean - 1) < 0.005


def test_rounded_discrete_scaled_mixture_constant(rng):
    r = Rounded(Pareto(1.0, 0.65, high=5_000), "floor", 1)
    s = r.sample(rng, N)
    assert (s == np.floor(s)).all() and s.min() == 1.0
    assert abs((s == 1).mean() - (1 - 2**-0.65)) < 0.003  # most jobs have one task
    assert abs(s.mean() / r.mean - 1) < 0.05
    up = Rounded(LogNormal(3.0, 1.0), "ceil")
    assert abs(up.sample(rng, N).mean() / up.mean - 1) < 0.01
    d = Discrete((5, 11, 200, 1000), (4, 3, 2, 1))
    ds = d.sample(rng, N)
    assert abs((ds == 5).mean() - 0.4) < 0.005 and abs(ds.mean() / d.mean - 1) < 0.02
    assert d.quantile([0.0, 0.4, 0.41, 0.95]).tolist() == [5.0, 5.0, 11.0, 1000.0]
    sc = Scaled(Exponential(2.0), 0.5)
    assert sc.mean == 1.0 and abs(sc.sample(rng, N).mean() - 1.0) < 0.01
    m = Mixture([Constant(1.0), Exponential(10.0)], [3, 1])
    assert abs(m.sample(rng, N).mean() / m.mean - 1) < 0.02 and m.mean == 3.25
    assert (
        Constant(3.0).sample(rng, 2).tolist() == [3.0, 3.0] and Constant(3.0).quantile(0.2) == 3.0
    )
    with pytest.raises(NotImplementedError):
        m.quantile(0.5)


def test_every_distribution_is_deterministic_by_seed():
    dists = [
        Exponential(1.0),
        Uniform(0, 1),
        LogNormal(1.0, 1.0),
        Pareto(1, 1.5),
        Discrete((1, 2), (1, 1)),
        Rounded(Exponential(3.0)),
        Mixture([Constant(0.0), Exponential(1.0)], [1, 1]),
        EmpiricalDistribution([1.0, 5.0, 9.0]),
    ]
    for d in dists:
        a = d.sample(np.random.default_rng(9), 100)
        b = d.sample(np.random.default_rng(9), 100)
        assert a.tolist() == b.tolist() and a.dtype == np.float64 and a.shape == (100,)


def test_bad_parameters():
    for make in (
        lambda: Exponential(0.0),
        lambda: Exponential(math.inf),
        lambda: LogNormal(0.0, 1.0),
        lambda: LogNormal(1.0, -1.0),
        lambda: LogNormal(1.0, 1.0, low=5.0, high=1.0),
        lambda: Pareto(1.0, 0.0),
        lambda: Pareto(2.0, 1.0, high=1.0),
        lambda: Uniform(3.0, 1.0),
        lambda: Discrete((1, 2), (1,)),
        lambda: Discrete((1, 2), (0, 0)),
        lambda: Rounded(Constant(1.0), "up"),
        lambda: Mixture([Constant(1.0)], [-1.0]),
        lambda: Scaled(Constant(1.0), -2.0),
    ):
        with pytest.raises(ConfigError):
            make()
    with pytest.raises(ConfigError, match="sample size"):
        Exponential(1.0).sample(np.random.default_rng(0), -1)
    with pytest.raises(ConfigError, match="probabilities"):
        Exponential(1.0).quantile(1.5)


# --- EmpiricalDistribution: Omega's DistCache ------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 7, 1000, 1001, 1002, 4321])
def test_empirical_keeps_omegas_1001_quantiles(n):
    data = np.random.default_rng(n).lognormal(0, 1, n)
    e = EmpiricalDistribution(data)
    s = np.sort(data)
    # released code: element floor((n-1) * i / 1000.0) of the sorted data, i = 0..1000
    expected = [s[int((n - 1) * i / 1000.0)] for i in range(1001)]
    assert e.quantiles.shape == (1001,) and e.quantiles.tolist() == expected


def test_empirical_sampling_is_linear_interpolation_and_the_bug_is_reproducible():
    data = np.random.default_rng(1).lognormal(0, 1, 50_000)
    good, buggy = Empirical(data), Empirical(data, omega_interpolation_bug=True)
    u = np.random.default_rng(2).random(1000)
    pos = u * 1000
    lo, frac = np.floor(pos).astype(int), pos - np.floor(pos)
    below, above = good.quantiles[lo], good.quantiles[np.minimum(lo + 1, 1000)]
    np.testing.assert_allclose(
        good.sample(np.random.default_rng(2), 1000), below + frac * (above - below)
    )
    np.testing.assert_allclose(
        buggy.sample(np.random.default_rng(2), 1000), below + frac * (below + above)
    )
    big = good.sample(np.random.default_rng(3), 400_000)
    assert big.min() >= data.min() and big.max() <= data.max()
    for q in (0.1, 0.5, 0.9, 0.99):  # sample quantiles follow the data's
        assert abs(np.quantile(big, q) / np.quantile(data, q) - 1) < 0.03
    assert abs(big.mean() / good.mean - 1) < 0.01 and abs(good.mean / data.mean() - 1) < 0.05
    assert buggy.sample(np.random.default_rng(3), 400_000).mean() > 1.3 * big.mean()


def test_empirical_from_quantiles_and_from_cdf():
    e = EmpiricalDistribution.from_quantiles([0.0, 100.0])
    assert e.quantiles.shape == (1001,) and e.quantile(0.25) == 25.0 and e.mean == 50.0
    s = e.sample(np.random.default_rng(0), 200_000)
    assert abs(s.mean() - 50.0) < 0.3 and s.max() < 100.0
    # a CDF read off a figure: 50 % below 10 s, 90 % below 100 s, all below 1,000 s
    cdf = EmpiricalDistribution.from_cdf([1.0, 10.0, 100.0, 1000.0], [0.0, 0.5, 0.9, 1.0])
    assert cdf.quantile(0.5) == pytest.approx(10.0) and cdf.quantile(0.9) == pytest.approx(100.0)
    draws = cdf.sample(np.random.default_rng(1), 200_000)
    assert abs((draws <= 10.0).mean() - 0.5) < 0.005 and abs((draws <= 100.0).mean() - 0.9) < 0.005
    flat = EmpiricalDistribution.from_cdf([1.0, 2.0, 3.0], [0.0, 0.0, 1.0])  # no mass below 2
    assert flat.quantile(0.0) == 2.0
    assert "median" in repr(cdf)


def test_empirical_bad_input():
    for make in (
        lambda: EmpiricalDistribution([]),
        lambda: EmpiricalDistribution([1.0, np.nan]),
        lambda: EmpiricalDistribution.from_quantiles([1.0]),
        lambda: EmpiricalDistribution.from_quantiles([2.0, 1.0]),
        lambda: EmpiricalDistribution.from_cdf([1.0, 2.0], [0.0, 0.9]),
        lambda: EmpiricalDistribution.from_cdf([2.0, 1.0], [0.0, 1.0]),
        lambda: EmpiricalDistribution.from_cdf([1.0, 2.0], [0.5]),
    ):
        with pytest.raises(ConfigError):
            make()
