from __future__ import annotations

import pytest

from dcsys.core.errors import ConfigError
from dcsys.core.sim import Simulation


def test_time_order_and_fifo_ties():
    sim = Simulation()
    log = []
    for name, t in [("c", 2.0), ("a", 1.0), ("b1", 1.5), ("b2", 1.5), ("b3", 1.5)]:
        sim.schedule(t, log.append, name)
    assert sim.run() == 5
    assert log == ["a", "b1", "b2", "b3", "c"]
    assert sim.now == 2.0 and sim.events_run == 5 and sim.pending == 0


def test_schedule_at_and_events_scheduled_from_callbacks_at_same_time_run_after():
    sim = Simulation(start=10.0)
    log = []

    def first():
        log.append(("first", sim.now))
        sim.schedule(0.0, log.append, ("nested", sim.now))

    sim.schedule_at(12.0, first)
    sim.schedule_at(12.0, log.append, ("second", 12.0))
    sim.run()
    assert log == [("first", 12.0), ("second", 12.0), ("nested", 12.0)]


def test_cancel():
    sim = Simulation()
    log = []
    keep = sim.schedule(1.0, log.append, "keep")
    drop = sim.schedule(1.0, log.append, "drop")
    assert sim.pending == 2
    assert sim.cancel(drop) is True and sim.cancel(drop) is False
    assert sim.pending == 1
    sim.run()
    assert log == ["keep"] and sim.cancel(keep) is False and not keep.pending


def test_many_cancellations_compact_the_heap():
    sim = Simulation()
    events = [sim.schedule(float(i), lambda: None) for i in range(5000)]
    for e in events[:4000]:
        sim.cancel(e)
    assert sim.pending == 1000
    assert len(sim._heap) < 5000  # compacted
    assert sim.run() == 1000


def test_run_until_leaves_later_events_and_advances_clock():
    sim = Simulation()
    log = []
    for t in (1.0, 2.0, 3.0):
        sim.schedule(t, log.append, t)
    assert sim.run(until=2.0) == 2
    assert sim.now == 2.0 and log == [1.0, 2.0] and sim.pending == 1
    assert sim.run(until=2.5) == 0 and sim.now == 2.5
    assert sim.run() == 1 and log == [1.0, 2.0, 3.0]
    with pytest.raises(ConfigError, match="before now"):
        sim.run(until=1.0)


def test_stop_and_step():
    sim = Simulation()
    log = []

    def stopper():
        log.append("stop")
        sim.stop()

    sim.schedule(1.0, stopper)
    sim.schedule(2.0, log.append, "after")
    assert sim.run() == 1 and log == ["stop"] and sim.now == 1.0
    assert sim.step() is True and log == ["stop", "after"]
    assert sim.step() is False


def test_bad_times():
    sim = Simulation()
    for bad in (-1.0, float("nan"), float("inf")):
        with pytest.raises(ConfigError, match="delay"):
            sim.schedule(bad, print)
    sim.schedule(5.0, lambda: None)
    sim.run()
    with pytest.raises(ConfigError, match="time must be"):
        sim.schedule_at(1.0, print)


def _trace(seed):
    sim = Simulation(seed=seed)
    out = []

    def arrive(i):
        out.append((round(sim.now, 12), i))
        if i < 200:
            sim.schedule(float(sim.rng.exponential(1.0)), arrive, i + 1)
            if sim.rng.random() < 0.3:
                sim.schedule(float(sim.rng.exponential(2.0)), out.append, ("side", i))

    sim.schedule(0.0, arrive, 0)
    sim.run()
    return out


def test_determinism_by_seed():
    assert _trace(3) == _trace(3)
    assert _trace(3) != _trace(4)
