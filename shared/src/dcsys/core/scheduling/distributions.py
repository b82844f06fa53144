"""Seeded samplers for inter-arrival times, task counts, durations and task sizes.

Every distribution samples from a :class:`numpy.random.Generator` passed in by the caller and
states its mean where it has one. :class:`Empirical` is Omega's ``DistCache``: it keeps 1,001
quantiles of observed values and samples by linear interpolation between them — correctly; the
released Scala code computes ``below + frac·(below + above)`` (``omega.md`` §1.4), which
``omega_interpolation_bug=True`` reproduces for comparison.

Example:
    >>> rng = np.random.default_rng(0)
    >>> round(float(Exponential(10.0).sample(rng, 100_000).mean()))
    10
    >>> round(LogNormal.from_quantile(median=60.0, q=0.8, value=600.0).quantile(0.8), 6)
    600.0
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dcsys.core.errors import ConfigError

__all__ = [
    "Constant",
    "Discrete",
    "Distribution",
    "Empirical",
    "Exponential",
    "LogNormal",
    "Pareto",
    "Scaled",
]

_Z = {
    0.5: 0.0,
    0.8: 0.8416212335729143,
    0.9: 1.2815515655446004,
    0.95: 1.6448536269514722,
    0.99: 2.3263478740408408,
}


class Distribution(ABC):
    """A distribution of non-negative values."""

    @abstractmethod
    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` values."""

    @property
    @abstractmethod
    def mean(self) -> float:
        """The expected value (``inf`` for heavy tails without one)."""


@dataclass(frozen=True)
class Constant(Distribution):
    """Always ``value``."""

    value: float

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # noqa: D102
        return np.full(n, float(self.value))

    @property
    def mean(self) -> float:  # noqa: D102
        return float(self.value)


@dataclass(frozen=True)
class Exponential(Distribution):
    """Exponential with the given mean (Poisson arrivals have exponential gaps)."""

    scale: float

    def __post_init__(self) -> None:
        if not self.scale > 0:
            raise ConfigError(f"exponential mean must be > 0, got {self.scale}")

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # noqa: D102
        return rng.exponential(self.scale, n)

    @property
    def mean(self) -> float:  # noqa: D102
        return self.scale


@dataclass(frozen=True)
class LogNormal(Distribution):
    """Log-normal with ``median`` and log-space standard deviation ``sigma``; optionally clipped."""

    median: float
    sigma: float
    low: float = 0.0
    high: float = math.inf

    def __post_init__(self) -> None:
        if not (self.median > 0 and self.sigma >= 0):
            raise ConfigError(
                f"log-normal needs median > 0 and sigma >= 0, got {self.median}, {self.sigma}"
            )

    @classmethod
    def from_quantile(
        cls, median: float, q: float, value: float, low: float = 0.0, high: float = math.inf
    ) -> LogNormal:
        """The log-normal with this median whose ``q``-quantile is ``value`` (q in 0.8/0.9/0.95/0.99)."""
        if q not in _Z or q == 0.5:
            raise ConfigError(f"q must be one of {sorted(k for k in _Z if k != 0.5)}, got {q}")
        if not value > median > 0:
            raise ConfigError(f"need value > median > 0, got value={value}, median={median}")
        return cls(median, math.log(value / median) / _Z[q], low, high)

    def quantile(self, q: float) -> float:
        """The ``q``-quantile (q in 0.5/0.8/0.9/0.95/0.99), before clipping."""
        return self.median * math.exp(self.sigma * _Z[q])

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # noqa: D102
        return np.clip(rng.lognormal(math.log(self.median), self.sigma, n), self.low, self.high)

    @property
    def mean(self) -> float:  # noqa: D102  (before clipping)
        return self.median * math.exp(self.sigma**2 / 2)


@dataclass(frozen=True)
class Pareto(Distribution):
    """Pareto (type I) with minimum ``xm`` and tail index ``alpha``; optionally capped at ``high``."""

    xm: float
    alpha: float
    high: float = math.inf

    def __post_init__(self) -> None:
        if not (self.xm > 0 and self.alpha > 0):
            raise ConfigError(f"pareto needs xm > 0 and alpha > 0, got {self.xm}, {self.alpha}")

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # noqa: D102
        return np.minimum(self.xm * (1.0 + rng.pareto(self.alpha, n)), self.high)

    @property
    def mean(self) -> float:  # noqa: D102  (uncapped)
        return math.inf if self.alpha <= 1 else self.alpha * self.xm / (self.alpha - 1)


@dataclass(frozen=True)
class Discrete(Distribution):
    """Values drawn with given probabilities (e.g. MapReduce worker counts 5, 11, 200, 1,000)."""

    values: tuple[float, ...]
    weights: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.values) != len(self.weights) or not self.values:
            raise ConfigError("discrete distribution needs as many weights as values (>= 1)")
        if min(self.weights) < 0 or sum(self.weights) <= 0:
            raise ConfigError("discrete weights must be >= 0 and not all 0")

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # noqa: D102
        p = np.asarray(self.weights, dtype=float)
        return rng.choice(np.asarray(self.values, dtype=float), size=n, p=p / p.sum())

    @property
    def mean(self) -> float:  # noqa: D102
        p = np.asarray(self.weights, dtype=float)
        return float(np.dot(self.values, p / p.sum()))


@dataclass(frozen=True)
class Scaled(Distribution):
    """``base`` multiplied by ``factor`` (e.g. inter-arrival times divided by a load factor)."""

    base: Distribution
    factor: float

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # noqa: D102
        return self.base.sample(rng, n) * self.factor

    @property
    def mean(self) -> float:  # noqa: D102
        return self.base.mean * self.factor


class Empirical(Distribution):
    """Samples from observed values by interpolating between 1,001 quantiles (Omega's DistCache).

    Args:
        values: the observations.
        omega_interpolation_bug: reproduce the released simulator's ``below + frac·(below + above)``.

    Example:
        >>> e = Empirical(np.arange(1.0, 10_001.0))
        >>> s = e.sample(np.random.default_rng(1), 100_000)
        >>> bool(s.min() >= 1.0 and s.max() <= 10_000.0), round(float(s.mean()), -2)
        (True, 5000.0)
    """

    def __init__(
        self, values: Sequence[float] | np.ndarray, *, omega_interpolation_bug: bool = False
    ) -> None:
        v = np.sort(np.asarray(values, dtype=np.float64))
        if v.size == 0 or not np.isfinite(v).all():
            raise ConfigError("an empirical distribution needs at least one finite value")
        idx = ((v.size - 1) * np.arange(1001)) // 1000
        self.quantiles = v[idx]
        self.omega_interpolation_bug = omega_interpolation_bug

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # noqa: D102
        u = rng.random(n) * 1000.0
        lo = np.floor(u).astype(np.int64)
        hi = np.minimum(lo + 1, 1000)
        frac = u - lo
        below, above = self.quantiles[lo], self.quantiles[hi]
        if self.omega_interpolation_bug:
            return below + frac * (below + above)
        return below + frac * (above - below)

    @property
    def mean(self) -> float:  # noqa: D102  (of the interpolated distribution)
        q = self.quantiles
        return float(((q[:-1] + q[1:]) / 2).mean())
