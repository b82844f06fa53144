"""Generator-based processes on top of the callback kernel.

A process is a generator that yields delays: ``yield 2.5`` suspends it for 2.5 simulated time
units, ``yield 0`` (or a bare ``yield``) lets every other event due now run first. Each resumption
is one ordinary kernel event, so processes and plain callbacks interleave in the same
deterministic (time, FIFO) order. This is the style SimPy made familiar, without its event
objects: a process only waits for time, which is all the cluster simulators need.

Examples:
    >>> from dcsys.core.sim import Simulation
    >>> sim = Simulation()
    >>> log = []
    >>> def worker(name, period):
    ...     while True:
    ...         log.append((sim.now, name))
    ...         yield period
    >>> a = sim.process(worker("a", 2.0))
    >>> b = sim.process(worker("b", 3.0), delay=1.0)
    >>> sim.run(until=6.0)
    6
    >>> log
    [(0.0, 'a'), (1.0, 'b'), (2.0, 'a'), (4.0, 'b'), (4.0, 'a'), (6.0, 'a')]
    >>> a.cancel(), a.alive, b.alive
    (True, False, True)
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from dcsys.core.errors import ConfigError

if TYPE_CHECKING:
    from dcsys.core.sim.kernel import Event, Simulation

__all__ = ["Process"]


class Process:
    """A running generator; made by :meth:`Simulation.process`.

    Attributes:
        done: True once the generator has returned, failed or been cancelled.
        value: the generator's return value (None until it returns).
        name: a label for messages (the generator function's name).
    """

    __slots__ = ("_sim", "_generator", "_event", "done", "value", "name")

    def __init__(
        self, sim: Simulation, generator: Generator[float, Any, Any], delay: float = 0.0
    ) -> None:
        if not isinstance(generator, Generator):
            raise ConfigError(
                f"process needs a generator (a function with 'yield', called), got {generator!r}"
            )
        self._sim = sim
        self._generator = generator
        self.done = False
        self.value: Any = None
        self.name = getattr(generator, "__qualname__", "process")
        self._event: Event | None = sim.schedule(delay, self._resume)

    @property
    def alive(self) -> bool:
        """True while the process is waiting to resume."""
        return not self.done

    def _resume(self) -> None:
        self._event = None
        try:
            delay = self._generator.send(None)
        except StopIteration as stop:
            self.done = True
            self.value = stop.value
            return
        except BaseException:
            self.done = True
            raise
        if self.done:  # the process cancelled itself while it ran
            self._generator.close()
            return
        if delay is None:
            delay = 0.0
        try:
            self._event = self._sim.schedule(delay, self._resume)
        except (ConfigError, TypeError):
            self.done = True
            self._generator.close()
            raise ConfigError(
                f"process {self.name} yielded {delay!r}; a process must yield a delay that is a "
                "finite number >= 0"
            ) from None

    def cancel(self) -> bool:
        """Stop the process: its pending resumption is cancelled and the generator closed.

        Returns:
            True if it was alive.
        """
        if self.done:
            return False
        self.done = True
        if self._event is not None:
            self._sim.cancel(self._event)
            self._event = None
        if self._generator.gi_running:
            return True  # cancelled from inside itself: closed when it next yields
        self._generator.close()
        return True

    def __repr__(self) -> str:
        return f"<Process {self.name} {'done' if self.done else 'alive'}>"
