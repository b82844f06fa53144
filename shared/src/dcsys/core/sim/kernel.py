"""A deterministic discrete-event simulation kernel.

Events are callbacks scheduled at simulated times and kept in a binary heap of
``(time, sequence, event)`` entries. Ties at the same time run in the order they were scheduled
(first in, first out), so a run is a pure function of its seed and inputs. Cancellation is lazy: a
cancelled event stays in the heap, marked dead, and is skipped when it surfaces; the heap is
compacted in place when dead entries outnumber live ones.

The callback path is kept short because simulators built on it (Omega's week of a 12,500-machine
cell, Firmament's trace replay, QJUMP's packets) fire millions of events: an :class:`Event` is a
small list (callback, args, time) rather than an object with attributes, and :meth:`Simulation.run`
has a separate loop for unbounded runs. ``benchmarks/bench_sim.py`` compares it with a bare
``heapq`` loop in the same run.

Examples:
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
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import numpy as np

from dcsys.core.errors import ConfigError, DcsysError

if TYPE_CHECKING:
    from dcsys.core.sim.process import Process

__all__ = ["Event", "Simulation", "SimulationError"]

_INF = math.inf
_push = heapq.heappush
_pop = heapq.heappop


class _Cancelled:
    """Marks a cancelled event's args slot (identity-checked); a class so that it pickles."""

    def __repr__(self) -> str:
        return "<cancelled>"

    def __reduce__(self) -> str:
        return "_CANCELLED"


_CANCELLED: Any = _Cancelled()
_COMPACT_MIN_DEAD = 1024


class SimulationError(DcsysError, RuntimeError):
    """The kernel was driven wrongly, e.g. :meth:`Simulation.run` called from inside a callback."""


class Event(list):  # type: ignore[type-arg]
    """A scheduled callback, returned by :meth:`Simulation.schedule`; pass it to ``cancel``.

    It is a three-item list ``[callback, args, time]`` for speed; treat it as opaque and use the
    properties. Once it has fired or been cancelled its callback slot is cleared.

    Examples:
        >>> sim = Simulation()
        >>> e = sim.schedule(3.0, print, "hi")
        >>> e.time, e.pending, e.cancelled
        (3.0, True, False)
        >>> sim.cancel(e), e.pending, e.cancelled
        (True, False, True)
    """

    __slots__ = ()

    @property
    def time(self) -> float:
        """When it fires (or was due to fire)."""
        return self[2]

    @property
    def pending(self) -> bool:
        """True until the event has fired or been cancelled."""
        return self[0] is not None

    @property
    def cancelled(self) -> bool:
        """True if it was cancelled before it fired."""
        return self[1] is _CANCELLED

    @property
    def args(self) -> tuple[Any, ...]:
        """The positional arguments the callback is (or was) called with (empty once cancelled)."""
        args = self[1]
        return () if args is _CANCELLED else args

    def __repr__(self) -> str:
        state = "pending" if self.pending else ("cancelled" if self.cancelled else "fired")
        cb = self[0]
        name = "" if cb is None else " " + getattr(cb, "__qualname__", repr(cb))
        return f"<Event t={self[2]:g}{name} {state}>"

    # list equality would compare callbacks and args; events are equal only to themselves
    __eq__ = object.__eq__  # type: ignore[assignment]
    __ne__ = object.__ne__  # type: ignore[assignment]
    __hash__ = object.__hash__  # type: ignore[assignment]


class Simulation:
    """The simulation clock, event heap and seeded random generator.

    Args:
        seed: seeds :attr:`rng`; record it with results.
        start: the initial simulated time.

    Attributes:
        rng: a :class:`numpy.random.Generator` seeded from ``seed``. Draw every random number of
            a model from it (or from generators spawned from it) to keep runs reproducible.
        seed: the seed.

    Raises:
        ConfigError: ``seed`` is not an integer >= 0, or ``start`` not a finite number.

    Examples:
        >>> sim = Simulation(seed=7, start=100.0)
        >>> _ = sim.schedule_at(150.0, lambda: None)
        >>> sim.pending, sim.step(), sim.now, sim.events_run
        (1, True, 150.0, 1)
    """

    def __init__(self, seed: int = 0, start: float = 0.0) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
            raise ConfigError(f"seed must be an integer >= 0, got {seed!r}")
        if not isinstance(start, int | float | np.number) or not math.isfinite(start):
            raise ConfigError(f"start must be a finite time, got {start!r}")
        self.seed = int(seed)
        self.rng: np.random.Generator = np.random.default_rng(seed)
        self._now = float(start)
        self._heap: list[tuple[float, int, Event]] = []
        self._seq = 0
        self._dead = 0
        self._cancelled = 0
        self._stopped = False
        self._running = False

    # -- state -----------------------------------------------------------------------------
    @property
    def now(self) -> float:
        """The current simulated time."""
        return self._now

    @property
    def pending(self) -> int:
        """Number of scheduled events that have neither fired nor been cancelled."""
        return len(self._heap) - self._dead

    @property
    def events_run(self) -> int:
        """How many events have fired (or are firing), over all runs and steps."""
        # every scheduled event is pending, cancelled or fired: no counter in the hot loop
        return self._seq - (len(self._heap) - self._dead) - self._cancelled

    def peek(self) -> float:
        """The time of the next pending event (``inf`` if there is none).

        Examples:
            >>> sim = Simulation()
            >>> sim.peek()
            inf
            >>> _ = sim.schedule(4.0, print)
            >>> sim.peek()
            4.0
        """
        heap = self._heap
        while heap and heap[0][2][0] is None:
            heapq.heappop(heap)
            self._dead -= 1
        return heap[0][0] if heap else _INF

    # -- scheduling ------------------------------------------------------------------------
    def schedule(self, delay: float, callback: Callable[..., Any], *args: Any) -> Event:
        """Call ``callback(*args)`` after ``delay`` simulated time units.

        Args:
            delay: time from :attr:`now`, finite and >= 0.
            callback: what to call.
            *args: its positional arguments.

        Returns:
            The event, for :meth:`cancel`.

        Raises:
            ConfigError: ``delay`` is negative, NaN or infinite.

        Examples:
            >>> sim = Simulation()
            >>> sim.schedule(-1.0, print)
            Traceback (most recent call last):
            ...
            dcsys.core.errors.ConfigError: delay must be a finite number >= 0, got -1.0
        """
        if not 0.0 <= delay < _INF:
            raise ConfigError(f"delay must be a finite number >= 0, got {delay!r}")
        time = self._now + delay
        event = Event((callback, args, time))
        self._seq = seq = self._seq + 1
        _push(self._heap, (time, seq, event))
        return event

    def schedule_at(self, time: float, callback: Callable[..., Any], *args: Any) -> Event:
        """Call ``callback(*args)`` at absolute simulated ``time`` (not before :attr:`now`).

        Raises:
            ConfigError: ``time`` is before :attr:`now`, NaN or infinite.

        Examples:
            >>> sim = Simulation(start=5.0)
            >>> sim.schedule_at(4.0, print)
            Traceback (most recent call last):
            ...
            dcsys.core.errors.ConfigError: time must be finite and >= now (5.0), got 4.0
        """
        if not self._now <= time < _INF:
            raise ConfigError(f"time must be finite and >= now ({self._now}), got {time!r}")
        time = float(time)
        event = Event((callback, args, time))
        self._seq = seq = self._seq + 1
        _push(self._heap, (time, seq, event))
        return event

    def cancel(self, event: Event) -> bool:
        """Cancel a pending event so that it never fires.

        Args:
            event: an event returned by :meth:`schedule` or :meth:`schedule_at` of this
                simulation (an event of another simulation corrupts the counts).

        Returns:
            True if it was pending; False if it had already fired or been cancelled.

        Raises:
            ConfigError: ``event`` is not an :class:`Event`.
        """
        if not isinstance(event, Event):
            raise ConfigError(f"cancel() needs an Event returned by schedule(), got {event!r}")
        if event[0] is None:
            return False
        event[0] = None
        event[1] = _CANCELLED
        self._dead += 1
        self._cancelled += 1
        if self._dead > _COMPACT_MIN_DEAD and self._dead * 2 > len(self._heap):
            self._compact()
        return True

    def _compact(self) -> None:
        # in place: a running loop holds a reference to this very list
        self._heap[:] = [entry for entry in self._heap if entry[2][0] is not None]
        heapq.heapify(self._heap)
        self._dead = 0

    def process(self, generator: Generator[float, Any, Any], delay: float = 0.0) -> Process:
        """Run a generator as a process: each value it yields is a delay before it resumes.

        Args:
            generator: a started-or-not generator yielding delays (finite, >= 0).
            delay: when its first step runs, from :attr:`now`.

        Returns:
            The :class:`~dcsys.core.sim.Process`; its ``value`` is the generator's return value.

        Examples:
            >>> sim = Simulation()
            >>> def clock(log):
            ...     for _ in range(3):
            ...         log.append(sim.now)
            ...         yield 2.0
            ...     return "done"
            >>> log = []
            >>> p = sim.process(clock(log))
            >>> _ = sim.run()
            >>> log, p.done, p.value
            ([0.0, 2.0, 4.0], True, 'done')
        """
        from dcsys.core.sim.process import Process

        return Process(self, generator, delay)

    # -- running ---------------------------------------------------------------------------
    def stop(self) -> None:
        """Make the current :meth:`run` return after the event being processed."""
        self._stopped = True

    def step(self) -> bool:
        """Fire the next pending event.

        Returns:
            False if there was none.

        Raises:
            SimulationError: called from inside a callback of a running simulation.
        """
        if self._running:
            raise SimulationError("step() called from inside a running simulation's callback")
        heap = self._heap
        self._running = True
        try:
            while heap:
                time, _, event = heapq.heappop(heap)
                callback = event[0]
                if callback is None:
                    self._dead -= 1
                    continue
                event[0] = None
                self._now = time
                callback(*event[1])
                return True
            return False
        finally:
            self._running = False

    def run(self, until: float | None = None) -> int:
        """Fire events in time order until none is left, ``until`` is passed, or :meth:`stop`.

        Events scheduled by callbacks during the run are fired by the same run if they fall
        within it. An exception raised by a callback ends the run and propagates; the clock stays
        at that event's time and the remaining events stay scheduled.

        Args:
            until: fire only events with time <= ``until``; afterwards :attr:`now` is ``until``
                unless :meth:`stop` ended the run earlier. None (or ``inf``) runs until no event is
                left and leaves the clock at the last event.

        Returns:
            The number of events fired by this call.

        Raises:
            ConfigError: ``until`` is before :attr:`now` or NaN.
            SimulationError: called from inside a callback of a running simulation.
        """
        if until is not None:
            if not until >= self._now:
                raise ConfigError(f"until ({until!r}) is before now ({self._now}) or not a number")
            if until == _INF:
                until = None
        if self._running:
            raise SimulationError("run() called from inside a running simulation's callback")
        self._stopped = False
        self._running = True
        start = self.events_run
        try:
            if until is None:
                self._run_all()
            elif self._run_until(float(until)):
                self._now = max(self._now, float(until))
        finally:
            self._running = False
        return self.events_run - start

    def _run_all(self) -> None:
        heap = self._heap
        pop = _pop
        while heap:
            time, _, event = pop(heap)
            callback = event[0]
            if callback is None:
                self._dead -= 1
                continue
            event[0] = None
            self._now = time
            callback(*event[1])
            if self._stopped:
                return

    def _run_until(self, limit: float) -> bool:
        """Run events up to ``limit``; True unless stopped early."""
        heap = self._heap
        pop = _pop
        while heap:
            if heap[0][0] > limit:
                break
            time, _, event = pop(heap)
            callback = event[0]
            if callback is None:
                self._dead -= 1
                continue
            event[0] = None
            self._now = time
            callback(*event[1])
            if self._stopped:
                return False
        return True

    def __repr__(self) -> str:
        return (
            f"<Simulation seed={self.seed} now={self._now:g} pending={self.pending} "
            f"events_run={self.events_run}>"
        )
