"""Arrival processes: Poisson, renewal (any inter-arrival distribution) and diurnal modulation.

Arrival times are generated in fixed-size chunks of candidates from one generator, so the
arrivals before a horizon do not depend on the horizon: a longer run extends a shorter one with the
same seed (:func:`candidate_chunks` lets job generators keep that property for job attributes).

Trace-shaped load (``diurnal_amplitude`` a > 0) modulates the arrival rate over the day as
``rate(t) = mean · (1 + a·sin(2π (t − phase) / period))`` by thinning: candidates are drawn at the
peak rate ``mean·(1 + a)`` and each is kept with probability ``rate(t) / peak``. For Poisson
arrivals this is exactly a non-homogeneous Poisson process; for other inter-arrival laws it keeps
their short-range shape and imposes the daily cycle. The mean rate over whole periods is unchanged.

Examples:
    >>> rng = np.random.default_rng(0)
    >>> t = poisson_arrivals(rate=2.0, horizon=10_000.0, rng=rng)
    >>> bool(19_000 < t.size < 21_000), bool((np.diff(t) >= 0).all())
    (True, True)
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from dcsys.core.errors import ConfigError
from dcsys.core.scheduling.distributions import Distribution, Exponential

__all__ = ["CHUNK", "DAY", "arrival_times", "candidate_chunks", "diurnal_rate", "poisson_arrivals"]

DAY = 86_400.0
"""Seconds in a day (the default diurnal period)."""

CHUNK = 4096
"""Candidate arrivals drawn per chunk."""


def diurnal_rate(
    t: np.ndarray | float, amplitude: float, period: float = DAY, phase: float = 0.0
) -> np.ndarray | float:
    """The relative arrival rate ``1 + a·sin(2π (t − phase) / period)`` (mean 1 over a period).

    Examples:
        >>> float(diurnal_rate(DAY / 4, 0.5)), float(diurnal_rate(3 * DAY / 4, 0.5))
        (1.5, 0.5)
    """
    return 1.0 + amplitude * np.sin(2 * math.pi * (np.asarray(t) - phase) / period)


def _check(horizon: float, start: float, load: float, amplitude: float, period: float) -> None:
    if not (math.isfinite(start) and start >= 0):
        raise ConfigError(f"start must be finite and >= 0, got {start}")
    if not (horizon > start and horizon < math.inf):
        raise ConfigError(f"horizon ({horizon}) must be finite and after start ({start})")
    if not 0 < load < math.inf:
        raise ConfigError(f"load must be finite and > 0, got {load}")
    if not 0 <= amplitude < 1:
        raise ConfigError(f"diurnal_amplitude must be in [0, 1), got {amplitude}")
    if not 0 < period < math.inf:
        raise ConfigError(f"diurnal_period must be finite and > 0, got {period}")


def candidate_chunks(
    interarrival: Distribution,
    horizon: float,
    rng: np.random.Generator,
    *,
    start: float = 0.0,
    load: float = 1.0,
    diurnal_amplitude: float = 0.0,
    diurnal_period: float = DAY,
    diurnal_phase: float = 0.0,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Candidate arrival times in fixed-size chunks, each with the mask of those that arrive.

    Every chunk holds :data:`CHUNK` ascending candidate times; the mask drops candidates thinned
    by the diurnal modulation and those at or after ``horizon``. Callers that draw per-arrival
    attributes from the same ``rng`` should draw them for the whole chunk and then apply the mask,
    so that a longer horizon extends a shorter one draw for draw.

    Args:
        interarrival: gaps between arrivals at load 1 (its mean is the mean gap).
        horizon: end of the window (exclusive).
        rng: the generator.
        start: beginning of the window; the first arrival is one gap after it.
        load: rate multiplier (gaps are divided by it).
        diurnal_amplitude: a in [0, 1); 0 is a constant rate.
        diurnal_period: length of the cycle in seconds.
        diurnal_phase: shift of the cycle in seconds.

    Raises:
        ConfigError: a bad window, load or modulation, or negative gaps.
    """
    _check(horizon, start, load, diurnal_amplitude, diurnal_period)
    peak = load * (1.0 + diurnal_amplitude)
    t = float(start)
    while t < horizon:
        gaps = interarrival.sample(rng, CHUNK)
        if (gaps < 0).any() or not np.isfinite(gaps).all():
            raise ConfigError("the inter-arrival distribution produced negative or infinite gaps")
        if not gaps.any():
            raise ConfigError("the inter-arrival distribution produced only zero gaps")
        times = t + np.cumsum(gaps / peak)
        t = float(times[-1])
        keep = times < horizon
        if diurnal_amplitude > 0:
            keep &= rng.random(CHUNK) * (1.0 + diurnal_amplitude) < diurnal_rate(
                times, diurnal_amplitude, diurnal_period, diurnal_phase
            )
        yield times, keep


def arrival_times(
    interarrival: Distribution,
    horizon: float,
    rng: np.random.Generator,
    *,
    start: float = 0.0,
    load: float = 1.0,
    diurnal_amplitude: float = 0.0,
    diurnal_period: float = DAY,
    diurnal_phase: float = 0.0,
) -> np.ndarray:
    """All arrival times in ``[start, horizon)`` of a renewal process, optionally modulated.

    Arguments as for :func:`candidate_chunks`.

    Examples:
        >>> from dcsys.core.scheduling.distributions import LogNormal
        >>> t = arrival_times(LogNormal(2.0, 1.0), 3600.0, np.random.default_rng(1))
        >>> bool(t.min() >= 0 and t.max() < 3600.0)
        True
    """
    chunks = [
        times[keep]
        for times, keep in candidate_chunks(
            interarrival,
            horizon,
            rng,
            start=start,
            load=load,
            diurnal_amplitude=diurnal_amplitude,
            diurnal_period=diurnal_period,
            diurnal_phase=diurnal_phase,
        )
    ]
    return np.concatenate(chunks) if chunks else np.empty(0)


def poisson_arrivals(
    rate: float,
    horizon: float,
    rng: np.random.Generator,
    *,
    start: float = 0.0,
    diurnal_amplitude: float = 0.0,
    diurnal_period: float = DAY,
    diurnal_phase: float = 0.0,
) -> np.ndarray:
    """Arrival times of a Poisson process of ``rate`` per second in ``[start, horizon)``.

    Raises:
        ConfigError: a rate that is not finite and > 0, or a bad window.
    """
    if not 0 < rate < math.inf:
        raise ConfigError(f"rate must be finite and > 0, got {rate}")
    return arrival_times(
        Exponential(1.0 / rate),
        horizon,
        rng,
        start=start,
        diurnal_amplitude=diurnal_amplitude,
        diurnal_period=diurnal_period,
        diurnal_phase=diurnal_phase,
    )
