"""A small, fast, deterministic discrete-event simulation kernel.

Used by Omega's and Firmament's cluster simulators and QJUMP's packet simulator. A
:class:`Simulation` holds the clock, a heap of pending :class:`Event` callbacks and a seeded
random generator; ties at equal times fire in scheduling order, so every run is reproducible from
its seed. Generator-based :class:`Process` es (``sim.process(gen)``, the generator yields delays)
run on the same events.

* :mod:`~dcsys.core.sim.kernel` — :class:`Simulation`, :class:`Event`, :class:`SimulationError`;
* :mod:`~dcsys.core.sim.process` — :class:`Process`.

Examples:
    >>> from dcsys.core.sim import Simulation
    >>> sim = Simulation(seed=0)
    >>> ticks = []
    >>> def tick():
    ...     ticks.append(sim.now)
    ...     if sim.now < 3:
    ...         sim.schedule(1.0, tick)
    >>> _ = sim.schedule(0.0, tick)
    >>> sim.run()
    4
    >>> ticks
    [0.0, 1.0, 2.0, 3.0]
"""

from dcsys.core.sim.kernel import Event, Simulation, SimulationError
from dcsys.core.sim.process import Process

__all__ = ["Event", "Process", "Simulation", "SimulationError"]
