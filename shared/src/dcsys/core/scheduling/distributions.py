"""Seeded samplers for inter-arrival times, task counts, durations and task sizes.

Every distribution draws from a :class:`numpy.random.Generator` passed in by the caller (never a
global one), states its exact mean — including the effect of clipping or capping, which matters
for heavy tails — and, where there is a closed form, its quantile function.

:class:`EmpiricalDistribution` is Omega's ``DistCache`` (``omega.md`` §1.4): it keeps 1,001
quantiles of observed values, element ``⌊(n−1)·i/1000⌋`` of the sorted data for i = 0..1000, and
samples u ~ U[0, 1) by linear interpolation between quantiles ``⌊1000u⌋`` and ``⌈1000u⌉`` —
correctly; the released Scala code computes ``below + frac·(below + above)`` instead of
``below + frac·(above − below)``, which ``omega_interpolation_bug=True`` reproduces for
comparison.

Examples:
    >>> rng = np.random.default_rng(0)
    >>> round(float(Exponential(10.0).sample(rng, 100_000).mean()))
    10
    >>> round(LogNormal.from_quantile(median=60.0, q=0.8, value=600.0).quantile(0.8), 6)
    600.0
    >>> round(Pareto(1.0, 0.5, high=100.0).mean, 6)  # capped: finite although alpha <= 1
    19.0
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from statistics import NormalDist
from typing import Any

import numpy as np

from dcsys.core.errors import ConfigError

__all__ = [
    "Constant",
    "Discrete",
    "Distribution",
    "Empirical",
    "EmpiricalDistribution",
    "Exponential",
    "LogNormal",
    "Mixture",
    "Pareto",
    "Rounded",
    "Scaled",
    "Uniform",
]

_STD_NORMAL = NormalDist()
_GRID = (np.arange(200_000) + 0.5) / 200_000  # midpoints for quantile-integrated means

# Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9)
_A = (
    -3.969683028665376e01,
    2.209460984245205e02,
    -2.759285104469687e02,
    1.383577518672690e02,
    -3.066479806614716e01,
    2.506628277459239e00,
)
_B = (
    -5.447609879822406e01,
    1.615858368580409e02,
    -1.556989798598866e02,
    6.680131188771972e01,
    -1.328068155288572e01,
)
_C = (
    -7.784894002430293e-03,
    -3.223964580411365e-01,
    -2.400758277161838e00,
    -2.549732539343734e00,
    4.374664141464968e00,
    2.938163982698783e00,
)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)


def _norm_ppf(p: np.ndarray) -> np.ndarray:
    """Standard normal quantiles of an array of probabilities (±inf at 0 and 1).

    Exact (the standard library's) for a few values; Acklam's approximation, vectorised, for
    the large grids that integrate means.
    """
    p = np.asarray(p, dtype=np.float64)
    if p.size <= 64:
        flat = [
            _STD_NORMAL.inv_cdf(x) if 0 < x < 1 else math.copysign(math.inf, x - 0.5)
            for x in p.ravel().tolist()
        ]
        return np.array(flat, dtype=np.float64).reshape(p.shape)
    out = np.empty_like(p)
    lo, hi = p < 0.02425, p > 1 - 0.02425
    mid = ~(lo | hi)
    q = p[mid] - 0.5
    r = q * q
    num = ((((_A[0] * r + _A[1]) * r + _A[2]) * r + _A[3]) * r + _A[4]) * r + _A[5]
    den = ((((_B[0] * r + _B[1]) * r + _B[2]) * r + _B[3]) * r + _B[4]) * r + 1
    out[mid] = q * num / den
    for mask, sign in ((lo, 1.0), (hi, -1.0)):
        tail = p[mask] if sign > 0 else 1 - p[mask]
        with np.errstate(divide="ignore"):
            t = np.sqrt(-2 * np.log(tail))
        num = ((((_C[0] * t + _C[1]) * t + _C[2]) * t + _C[3]) * t + _C[4]) * t + _C[5]
        den = (((_D[0] * t + _D[1]) * t + _D[2]) * t + _D[3]) * t + 1
        with np.errstate(invalid="ignore"):
            out[mask] = sign * num / den
    out[p == 0.0] = -np.inf
    out[p == 1.0] = np.inf
    return out


def _check_n(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise ConfigError(f"sample size must be an integer >= 0, got {n!r}")
    return int(n)


def _probabilities(p: Any) -> np.ndarray:
    q = np.asarray(p, dtype=np.float64)
    if not ((q >= 0) & (q <= 1)).all():
        raise ConfigError(f"probabilities must be in [0, 1], got {p!r}")
    return q


def _out(x: np.ndarray, like: Any) -> Any:
    return float(x) if np.ndim(like) == 0 else x


class Distribution(ABC):
    """A distribution of non-negative values."""

    @abstractmethod
    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` values (a float64 array)."""

    @property
    @abstractmethod
    def mean(self) -> float:
        """The expected value of :meth:`sample` (``inf`` for heavy tails without one)."""

    def quantile(self, p: Any) -> Any:
        """The ``p``-quantile(s) of :meth:`sample`, for p in [0, 1] (scalar or array).

        Raises:
            NotImplementedError: this distribution has no closed-form quantile.
        """
        raise NotImplementedError(f"{type(self).__name__} has no quantile function")


@dataclass(frozen=True)
class Constant(Distribution):
    """Always ``value``."""

    value: float

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # noqa: D102
        return np.full(_check_n(n), float(self.value))

    @property
    def mean(self) -> float:  # noqa: D102
        return float(self.value)

    def quantile(self, p: Any) -> Any:  # noqa: D102
        q = _probabilities(p)
        return _out(np.full(q.shape, float(self.value)), p)


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform on ``[low, high)``."""

    low: float
    high: float

    def __post_init__(self) -> None:
        if not (0 <= self.low <= self.high < math.inf):
            raise ConfigError(f"uniform needs 0 <= low <= high < inf, got {self.low}, {self.high}")

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # noqa: D102
        return rng.uniform(self.low, self.high, _check_n(n))

    @property
    def mean(self) -> float:  # noqa: D102
        return (self.low + self.high) / 2

    def quantile(self, p: Any) -> Any:  # noqa: D102
        return _out(self.low + _probabilities(p) * (self.high - self.low), p)


@dataclass(frozen=True)
class Exponential(Distribution):
    """Exponential with mean ``scale`` (Poisson arrivals have exponential gaps)."""

    scale: float

    def __post_init__(self) -> None:
        if not 0 < self.scale < math.inf:
            raise ConfigError(f"exponential mean must be finite and > 0, got {self.scale}")

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # noqa: D102
        return rng.exponential(self.scale, _check_n(n))

    @property
    def mean(self) -> float:  # noqa: D102
        return float(self.scale)

    def quantile(self, p: Any) -> Any:  # noqa: D102
        with np.errstate(divide="ignore"):
            return _out(-self.scale * np.log1p(-_probabilities(p)), p)


@dataclass(frozen=True)
class LogNormal(Distribution):
    """Log-normal with ``median`` and log-space deviation ``sigma``, clipped to [low, high].

    Clipping moves the mass outside the bounds onto them (the mean accounts for it).
    """

    median: float
    sigma: float
    low: float = 0.0
    high: float = math.inf

    def __post_init__(self) -> None:
        if not (0 < self.median < math.inf and 0 <= self.sigma < math.inf):
            raise ConfigError(
                f"log-normal needs median > 0 and sigma >= 0, got {self.median}, {self.sigma}"
            )
        if not 0 <= self.low <= self.high:
            raise ConfigError(f"log-normal needs 0 <= low <= high, got {self.low}, {self.high}")

    @classmethod
    def from_quantile(
        cls, median: float, q: float, value: float, low: float = 0.0, high: float = math.inf
    ) -> LogNormal:
        """The log-normal with this median whose ``q``-quantile (before clipping) is ``value``.

        Raises:
            ConfigError: q outside (0, 1) or equal to 0.5, or ``value`` on the wrong side of the
                median.

        Examples:
            >>> round(LogNormal.from_quantile(10.0, 0.9, 100.0).sigma, 4)
            1.7967
        """
        if not (0 < q < 1) or q == 0.5:
            raise ConfigError(f"q must be in (0, 1) and not 0.5, got {q}")
        if not (median > 0 and value > 0) or (value > median) != (q > 0.5):
            raise ConfigError(
                f"the {q}-quantile ({value}) must be {'above' if q > 0.5 else 'below'} the "
                f"median ({median}), both > 0"
            )
        return cls(median, math.log(value / median) / _STD_NORMAL.inv_cdf(q), low, high)

    def quantile(self, p: Any) -> Any:  # noqa: D102  (after clipping)
        z = _norm_ppf(_probabilities(p))
        with np.errstate(over="ignore", invalid="ignore"):
            raw = self.median * np.exp(self.sigma * z)
        raw = np.where(np.isnan(raw), self.median, raw)  # sigma = 0 at p in {0, 1}
        return _out(np.clip(raw, self.low, self.high), p)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # noqa: D102
        raw = rng.lognormal(math.log(self.median), self.sigma, _check_n(n))
        return np.clip(raw, self.low, self.high)

    @property
    def mean(self) -> float:  # noqa: D102  (of the clipped distribution)
        mu, s, a, b = math.log(self.median), self.sigma, self.low, self.high
        if s == 0:
            return min(max(self.median, a), b)

        def cdf(x: float, shift: float = 0.0) -> float:
            if x <= 0:
                return 0.0
            if x == math.inf:
                return 1.0
            return _STD_NORMAL.cdf((math.log(x) - mu - shift) / s)

        body = math.exp(mu + s * s / 2) * (cdf(b, s * s) - cdf(a, s * s))
        upper = 0.0 if b == math.inf else b * (1 - cdf(b))
        return a * cdf(a) + body + upper


@dataclass(frozen=True)
class Pareto(Distribution):
    """Pareto (type I) with minimum ``xm`` and tail index ``alpha``, capped at ``high``.

    ``P[X > x] = (xm / x)^alpha`` for x >= xm; smaller alpha is a heavier tail. The cap moves the
    tail mass onto ``high``, so the mean is finite even for alpha <= 1.
    """

    xm: float
    alpha: float
    high: float = math.inf

    def __post_init__(self) -> None:
        if not (0 < self.xm < math.inf and 0 < self.alpha < math.inf):
            raise ConfigError(f"pareto needs xm > 0 and alpha > 0, got {self.xm}, {self.alpha}")
        if not self.high >= self.xm:
            raise ConfigError(f"pareto cap high ({self.high}) must be >= xm ({self.xm})")

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # noqa: D102
        return np.minimum(self.xm * (1.0 + rng.pareto(self.alpha, _check_n(n))), self.high)

    def quantile(self, p: Any) -> Any:  # noqa: D102
        q = _probabilities(p)
        with np.errstate(divide="ignore"):
            return _out(np.minimum(self.xm * (1.0 - q) ** (-1.0 / self.alpha), self.high), p)

    @property
    def mean(self) -> float:  # noqa: D102  (of the capped distribution)
        xm, a, h = self.xm, self.alpha, self.high
        if h == math.inf:
            return math.inf if a <= 1 else a * xm / (a - 1)
        if a == 1:
            return xm + xm * math.log(h / xm)
        return xm + xm * ((h / xm) ** (1 - a) - 1) / (1 - a)


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

    def _p(self) -> np.ndarray:
        p = np.asarray(self.weights, dtype=float)
        return p / p.sum()

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # noqa: D102
        return rng.choice(np.asarray(self.values, dtype=float), size=_check_n(n), p=self._p())

    @property
    def mean(self) -> float:  # noqa: D102
        return float(np.dot(np.asarray(self.values, dtype=float), self._p()))

    def quantile(self, p: Any) -> Any:  # noqa: D102
        order = np.argsort(self.values, kind="stable")
        vals = np.asarray(self.values, dtype=float)[order]
        cum = np.cumsum(self._p()[order])
        idx = np.searchsorted(cum, _probabilities(p) - 1e-12, side="left")
        return _out(vals[np.minimum(idx, vals.size - 1)], p)


@dataclass(frozen=True)
class Scaled(Distribution):
    """``base`` multiplied by ``factor`` (e.g. inter-arrival times divided by a load factor)."""

    base: Distribution
    factor: float

    def __post_init__(self) -> None:
        if not 0 <= self.factor < math.inf:
            raise ConfigError(f"scale factor must be finite and >= 0, got {self.factor}")

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # noqa: D102
        return self.base.sample(rng, n) * self.factor

    @property
    def mean(self) -> float:  # noqa: D102
        return self.base.mean * self.factor

    def quantile(self, p: Any) -> Any:  # noqa: D102
        return _out(np.asarray(self.base.quantile(p)) * self.factor, p)


@dataclass(frozen=True)
class Rounded(Distribution):
    """``base`` rounded to integers (``"ceil"``, ``"floor"`` or ``"round"``), at least ``minimum``.

    Task counts: Omega's generators take the ceiling of a continuous draw (``omega.md`` §1.4);
    a floored Pareto from 1 gives the mostly-single-task jobs of the Google trace.
    """

    base: Distribution
    mode: str = "ceil"
    minimum: float = 0.0

    def __post_init__(self) -> None:
        if self.mode not in ("ceil", "floor", "round"):
            raise ConfigError(f"mode must be 'ceil', 'floor' or 'round', got {self.mode!r}")

    def _round(self, x: np.ndarray) -> np.ndarray:
        fn = {"ceil": np.ceil, "floor": np.floor, "round": np.rint}[self.mode]
        return np.maximum(fn(x), self.minimum)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # noqa: D102
        return self._round(self.base.sample(rng, n))

    def quantile(self, p: Any) -> Any:  # noqa: D102
        return _out(self._round(np.asarray(self.base.quantile(p), dtype=float)), p)

    @cached_property
    def mean(self) -> float:  # noqa: D102  (by integrating the quantile function, else ±0.5)
        try:
            return float(self._round(np.asarray(self.base.quantile(_GRID))).mean())
        except NotImplementedError:
            shift = {"ceil": 0.5, "floor": -0.5, "round": 0.0}[self.mode]
            return max(self.base.mean + shift, self.minimum)


class Mixture(Distribution):
    """Draw from ``components[i]`` with probability ``weights[i]``.

    Examples:
        >>> m = Mixture([Constant(1.0), Constant(10.0)], [3, 1])
        >>> m.mean
        3.25
    """

    def __init__(self, components: Sequence[Distribution], weights: Sequence[float]) -> None:
        if len(components) != len(weights) or not components:
            raise ConfigError("a mixture needs as many weights as components (>= 1)")
        w = np.asarray(weights, dtype=float)
        if (w < 0).any() or w.sum() <= 0 or not np.isfinite(w).all():
            raise ConfigError("mixture weights must be finite, >= 0 and not all 0")
        self.components = tuple(components)
        self.weights = w / w.sum()

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # noqa: D102
        n = _check_n(n)
        which = rng.choice(len(self.components), size=n, p=self.weights)
        out = np.empty(n)
        for i, comp in enumerate(self.components):
            mask = which == i
            out[mask] = comp.sample(rng, int(mask.sum()))
        return out

    @property
    def mean(self) -> float:  # noqa: D102
        return float(sum(w * c.mean for w, c in zip(self.weights, self.components, strict=True)))

    def __repr__(self) -> str:
        return f"Mixture({list(self.components)!r}, {self.weights.tolist()!r})"


class EmpiricalDistribution(Distribution):
    """Samples observed values by interpolating between 1,001 quantiles (Omega's ``DistCache``).

    Args:
        values: the observations (at least one, all finite).
        omega_interpolation_bug: reproduce the released simulator's ``below + frac·(below +
            above)`` when sampling (``omega.md`` §1.4); :attr:`mean` and :meth:`quantile` then
            describe the buggy samples' source quantiles, not the samples.

    Attributes:
        quantiles: the 1,001 stored quantiles, ascending.

    Raises:
        ConfigError: no values, or non-finite ones.

    Examples:
        >>> e = EmpiricalDistribution(np.arange(1.0, 10_001.0))
        >>> s = e.sample(np.random.default_rng(1), 100_000)
        >>> bool(s.min() >= 1.0 and s.max() <= 10_000.0), round(float(s.mean()), -2)
        (True, 5000.0)
        >>> e.quantiles[:3].tolist(), float(e.quantile(0.5))
        ([1.0, 10.0, 20.0], 5000.0)
    """

    N_QUANTILES = 1001

    def __init__(
        self, values: Sequence[float] | np.ndarray, *, omega_interpolation_bug: bool = False
    ) -> None:
        v = np.sort(np.asarray(values, dtype=np.float64).ravel())
        if v.size == 0 or not np.isfinite(v).all():
            raise ConfigError("an empirical distribution needs at least one value, all finite")
        idx = ((v.size - 1) * np.arange(self.N_QUANTILES)) // (self.N_QUANTILES - 1)
        self.quantiles = v[idx]
        self.quantiles.flags.writeable = False
        self.omega_interpolation_bug = bool(omega_interpolation_bug)

    @classmethod
    def from_quantiles(
        cls, quantiles: Sequence[float] | np.ndarray, *, omega_interpolation_bug: bool = False
    ) -> EmpiricalDistribution:
        """From equally spaced quantiles q(0), ..., q(1).

        Give 1,001 of them, or any number >= 2, which are linearly interpolated onto the
        1,001-point grid.

        Raises:
            ConfigError: fewer than two, not ascending, or not finite.

        Examples:
            >>> EmpiricalDistribution.from_quantiles([0.0, 100.0]).quantile(0.25)
            25.0
        """
        q = np.asarray(quantiles, dtype=np.float64).ravel()
        if q.size < 2 or not np.isfinite(q).all() or (np.diff(q) < 0).any():
            raise ConfigError("quantiles must be at least two finite values in ascending order")
        grid = np.linspace(0.0, 1.0, cls.N_QUANTILES)
        out = cls.__new__(cls)
        out.quantiles = np.interp(grid, np.linspace(0.0, 1.0, q.size), q)
        out.quantiles.flags.writeable = False
        out.omega_interpolation_bug = bool(omega_interpolation_bug)
        return out

    @classmethod
    def from_cdf(
        cls,
        values: Sequence[float] | np.ndarray,
        probabilities: Sequence[float] | np.ndarray,
        *,
        omega_interpolation_bug: bool = False,
    ) -> EmpiricalDistribution:
        """From points of a CDF (read off a paper's figure, say), linear between the points.

        Args:
            values: x, ascending.
            probabilities: P[X <= x], ascending from >= 0 to 1.
            omega_interpolation_bug: as for the constructor.

        Raises:
            ConfigError: mismatched, unsorted or out-of-range points.

        Examples:
            >>> e = EmpiricalDistribution.from_cdf([1, 10, 100], [0.0, 0.5, 1.0])
            >>> float(e.quantile(0.5)), float(e.quantile(0.75))
            (10.0, 55.0)
        """
        x = np.asarray(values, dtype=np.float64).ravel()
        p = np.asarray(probabilities, dtype=np.float64).ravel()
        if x.size != p.size or x.size < 2:
            raise ConfigError("a CDF needs as many probabilities as values (>= 2 points)")
        if not (np.isfinite(x).all() and (np.diff(x) >= 0).all() and (np.diff(p) >= 0).all()):
            raise ConfigError(
                "CDF points must be finite and ascending in both value and probability"
            )
        if p[0] < 0 or p[-1] != 1.0:
            raise ConfigError(
                f"CDF probabilities must start >= 0 and end at 1, got {p[0]}..{p[-1]}"
            )
        grid = np.linspace(0.0, 1.0, cls.N_QUANTILES)
        # the inverse CDF: for flat stretches of p take the largest x (right-continuity)
        keep = np.r_[np.diff(p) > 0, True]
        return cls.from_quantiles(
            np.interp(grid, p[keep], x[keep]), omega_interpolation_bug=omega_interpolation_bug
        )

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:  # noqa: D102
        pos = rng.random(_check_n(n)) * (self.N_QUANTILES - 1)
        lo = pos.astype(np.int64)  # floor: pos >= 0
        hi = np.minimum(lo + 1, self.N_QUANTILES - 1)
        frac = pos - lo
        below, above = self.quantiles[lo], self.quantiles[hi]
        if self.omega_interpolation_bug:
            return below + frac * (below + above)
        return below + frac * (above - below)

    def quantile(self, p: Any) -> Any:  # noqa: D102  (of the correctly interpolated samples)
        grid = np.arange(self.N_QUANTILES, dtype=np.float64)
        return _out(np.interp(_probabilities(p) * (self.N_QUANTILES - 1), grid, self.quantiles), p)

    @property
    def mean(self) -> float:  # noqa: D102  (of the correctly interpolated samples)
        q = self.quantiles
        return float(((q[:-1] + q[1:]) / 2).mean())

    def __repr__(self) -> str:
        q = self.quantiles
        return f"EmpiricalDistribution(min={q[0]:g}, median={q[500]:g}, max={q[-1]:g})"


Empirical = EmpiricalDistribution
"""Short alias of :class:`EmpiricalDistribution`."""
