"""What the Omega paper measures (§4): job wait time, scheduler busyness and conflict fraction.

* **Job wait time**: from a job's submission to the start of its first scheduling attempt; the
  paper plots the mean against a 30 s SLO.
* **Scheduler busyness**: the fraction of time a scheduler spends deciding, split into *useful*
  time (transactions that committed without conflict) and *wasted* time (transactions that hit a
  conflict, or found no resources); reported as the median of the daily values ± MAD.
* **Conflict fraction**: failed ÷ successful transactions (0: none; 3: four attempts on average).
* **Abandoned jobs**: jobs given up after 1,000 attempts, or 100 attempts that placed nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["DAY", "SchedulerStats", "WorkloadStats", "median_mad"]

DAY = 86_400.0


def median_mad(values: list[float] | np.ndarray) -> tuple[float, float]:
    """Median and median absolute deviation (0, 0 for no values).

    Examples:
        >>> median_mad([1.0, 2.0, 4.0])
        (2.0, 1.0)
    """
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        return 0.0, 0.0
    med = float(np.median(v))
    return med, float(np.median(np.abs(v - med)))


@dataclass
class SchedulerStats:
    """Counters of one scheduler over a run."""

    name: str
    horizon: float
    useful_by_day: list[float] = field(default_factory=list)
    wasted_by_day: list[float] = field(default_factory=list)
    successful: int = 0
    failed: int = 0
    retried: int = 0
    no_resources: int = 0
    tasks_committed: int = 0
    tasks_conflicted: int = 0
    abandoned: int = 0
    jobs_attempted: int = 0

    def __post_init__(self) -> None:
        days = max(1, math.ceil(self.horizon / DAY - 1e-9))
        self.useful_by_day = [0.0] * days
        self.wasted_by_day = [0.0] * days

    def add_busy(self, start: float, length: float, useful: bool) -> None:
        """Record ``length`` seconds of decision time starting at ``start`` (clipped to the horizon)."""
        buckets = self.useful_by_day if useful else self.wasted_by_day
        end = min(start + length, self.horizon)
        t = start
        while t < end:
            day = int(t // DAY)
            if day >= len(buckets):
                break
            step = min(end, (day + 1) * DAY) - t
            buckets[day] += step
            t += step

    def day_lengths(self) -> np.ndarray:
        """Seconds of each (possibly partial, last) day inside the horizon."""
        n = len(self.useful_by_day)
        lengths = np.full(n, DAY)
        lengths[-1] = self.horizon - DAY * (n - 1)
        return lengths

    def summary(self) -> dict[str, Any]:
        """Busyness (median of daily values ± MAD, and mean), conflict fraction and counters."""
        lengths = self.day_lengths()
        busy = (np.array(self.useful_by_day) + np.array(self.wasted_by_day)) / lengths
        wasted = np.array(self.wasted_by_day) / lengths
        med, mad = median_mad(busy)
        return {
            "busyness": med,
            "busyness_mad": mad,
            "busyness_mean": float(
                (np.sum(self.useful_by_day) + np.sum(self.wasted_by_day)) / self.horizon
            ),
            "wasted_fraction": float(np.median(wasted)),
            "conflict_fraction": self.failed / self.successful
            if self.successful
            else (math.inf if self.failed else 0.0),
            "transactions": self.successful + self.failed,
            "successful": self.successful,
            "failed": self.failed,
            "no_resources": self.no_resources,
            "tasks_committed": self.tasks_committed,
            "tasks_conflicted": self.tasks_conflicted,
            "abandoned": self.abandoned,
        }


@dataclass
class WorkloadStats:
    """Per job kind: submissions, waits and outcomes."""

    kind: str
    submitted: int = 0
    waits: list[float] = field(default_factory=list)
    fully_scheduled_after: list[float] = field(default_factory=list)
    abandoned: int = 0

    def summary(self) -> dict[str, Any]:
        """Mean and 90th-percentile wait, and how many jobs were scheduled or abandoned."""
        w = np.asarray(self.waits)
        done = np.asarray(self.fully_scheduled_after)
        return {
            "jobs": self.submitted,
            "jobs_attempted": int(w.size),
            "jobs_fully_scheduled": int(done.size),
            "jobs_abandoned": self.abandoned,
            "jobs_unscheduled": self.submitted - int(done.size),
            "wait_mean": float(w.mean()) if w.size else math.nan,
            "wait_p90": float(np.quantile(w, 0.9)) if w.size else math.nan,
            "schedule_time_mean": float(done.mean()) if done.size else math.nan,
        }
