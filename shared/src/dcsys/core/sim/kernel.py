"""A deterministic discrete-event simulation kernel.

Events are callbacks scheduled at simulated times and kept in a binary heap of
``(time, sequence, event)`` entries. Ties at the same time run in the order they were scheduled
(first in, first out), so a run is a pure function of its seed and inputs. Cancellation is lazy: a
cancelled event stays in the heap, marked dead, and is skipped when it surfaces; the heap is
compacted when dead entries outnumber live ones.

Example:
    >>> sim = Simulation(seed=1)
    >>> log = []
    >>> _ = sim.schedule(2.0, log.append, "b")
    >>> first = sim.schedule(1.0, log.append, "a")
    >>> late = sim.schedule(5.0, log.append, "never")
    >>> sim.cancel(late)
    True
    >>> sim.run(until=10.0)
    2
    >>> log, sim.now
    (['a', 'b'], 10.0)
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from dcsys.core.errors import ConfigError

__all__ = ["Event", "Simulation"]


class Event:
    """A scheduled callback; returned by :meth:`Simulation.schedule` and used to cancel it.

    Attributes:
        time: when it fires.
        callback: what it calls, with ``args``.
    """

    __slots__ = ("time", "callback", "args", "alive")

    def __init__(self, time: float, callback: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.time = time
        self.callback = callback
        self.args = args
        self.alive = True

    @property
    def pending(self) -> bool:
        """True until the event has fired or been cancelled."""
        return self.alive

    def __repr__(self) -> str:
        state = "pending" if self.alive else "done/cancelled"
        name = getattr(self.callback, "__qualname__", repr(self.callback))
        return f"<Event t={self.time:g} {name} {state}>"


class Simulation:
    """The simulation clock, event heap and seeded random generator.

    Args:
        seed: seeds :attr:`rng`; recorded with results.
        start: the initial simulated time.

    Attributes:
        rng: a :class:`numpy.random.Generator` seeded from ``seed`` — draw every random number
            of a model from it (or from generators spawned from it) to keep runs reproducible.
        seed: the seed.
        events_run: how many events have fired.
    """

    def __init__(self, seed: int = 0, start: float = 0.0) -> None:
        if not math.isfinite(start):
            raise ConfigError(f"start must be a finite time, got {start}")
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self._now = float(start)
        self._heap: list[tuple[float, int, Event]] = []
        self._seq = 0
        self._dead = 0
        self._stopped = False
        self.events_run = 0

    @property
    def now(self) -> float:
        """The current simulated time."""
        return self._now

    @property
    def pending(self) -> int:
        """Number of scheduled events that have neither fired nor been cancelled."""
        return len(self._heap) - self._dead

    def schedule(self, delay: float, callback: Callable[..., Any], *args: Any) -> Event:
        """Call ``callback(*args)`` after ``delay`` simulated time units.

        Raises:
            ConfigError: ``delay`` is negative or not finite.
        """
        if not delay >= 0.0 or delay == math.inf:
            raise ConfigError(f"delay must be a finite number >= 0, got {delay}")
        time = self._now + delay
        event = Event(time, callback, args)
        self._seq += 1
        heapq.heappush(self._heap, (time, self._seq, event))
        return event

    def schedule_at(self, time: float, callback: Callable[..., Any], *args: Any) -> Event:
        """Call ``callback(*args)`` at absolute simulated ``time`` (not before :attr:`now`).

        Raises:
            ConfigError: ``time`` is in the past or not finite.
        """
        if not (time >= self._now and math.isfinite(time)):
            raise ConfigError(f"time must be finite and >= now ({self._now}), got {time}")
        event = Event(float(time), callback, args)
        self._seq += 1
        heapq.heappush(self._heap, (event.time, self._seq, event))
        return event

    def cancel(self, event: Event) -> bool:
        """Cancel a pending event. Returns True if it was pending, False if it already ran."""
        if not event.alive:
            return False
        event.alive = False
        self._dead += 1
        if self._dead > 1024 and self._dead * 2 > len(self._heap):
            self._compact()
        return True

    def _compact(self) -> None:
        self._heap = [entry for entry in self._heap if entry[2].alive]
        heapq.heapify(self._heap)
        self._dead = 0

    def stop(self) -> None:
        """Make the current :meth:`run` return after the event being processed."""
        self._stopped = True

    def step(self) -> bool:
        """Fire the next pending event. Returns False if there was none."""
        heap = self._heap
        while heap:
            time, _, event = heapq.heappop(heap)
            if not event.alive:
                self._dead -= 1
                continue
            event.alive = False
            self._now = time
            self.events_run += 1
            event.callback(*event.args)
            return True
        return False

    def run(self, until: float | None = None) -> int:
        """Fire events in time order until none is left, ``until`` is passed, or :meth:`stop`.

        Args:
            until: fire only events with time <= ``until``; afterwards :attr:`now` is ``until``
                (unless the run was stopped early). None runs until no event is left.

        Returns:
            The number of events fired by this call.
        """
        if until is not None and until < self._now:
            raise ConfigError(f"until ({until}) is before now ({self._now})")
        limit = math.inf if until is None else until
        heap = self._heap
        pop = heapq.heappop
        fired = 0
        self._stopped = False
        while heap:
            entry = heap[0]
            if entry[0] > limit:
                break
            pop(heap)
            event = entry[2]
            if not event.alive:
                self._dead -= 1
                continue
            event.alive = False
            self._now = entry[0]
            fired += 1
            self.events_run += 1
            event.callback(*event.args)
            if self._stopped:
                return fired
        if until is not None:
            self._now = max(self._now, until)
        return fired
