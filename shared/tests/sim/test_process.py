from __future__ import annotations

import pytest

from dcsys.core.errors import ConfigError
from dcsys.core.sim import Process, Simulation


def test_processes_interleave_with_callbacks_in_time_and_fifo_order():
    sim = Simulation()
    log = []

    def proc(name, delays):
        for d in delays:
            log.append((sim.now, name))
            yield d
        log.append((sim.now, name, "end"))
        return name.upper()

    p = sim.process(proc("p", [1.0, 1.0]))
    sim.schedule(1.0, log.append, (1.0, "callback"))
    q = sim.process(proc("q", [0.5]), delay=0.5)
    sim.run()
    assert isinstance(p, Process)
    assert log == [
        (0.0, "p"),
        (0.5, "q"),
        (1.0, "callback"),
        (1.0, "p"),
        (1.0, "q", "end"),
        (2.0, "p", "end"),
    ]
    assert p.done and p.value == "P" and q.value == "Q" and not p.alive


def test_bare_yield_lets_other_events_due_now_run_first():
    sim = Simulation()
    log = []

    def proc():
        log.append("before")
        yield
        log.append("after")

    sim.process(proc())
    sim.schedule(0.0, log.append, "other")
    sim.run()
    assert log == ["before", "other", "after"] and sim.now == 0.0


def test_cancel_closes_the_generator():
    sim = Simulation()
    log = []

    def proc():
        try:
            while True:
                log.append(sim.now)
                yield 1.0
        finally:
            log.append("closed")

    p = sim.process(proc())
    sim.run(until=2.0)
    assert p.cancel() is True and p.cancel() is False
    assert log == [0.0, 1.0, 2.0, "closed"] and sim.pending == 0
    assert sim.run(until=5.0) == 0


def test_a_process_may_cancel_itself():
    sim = Simulation()
    log = []
    handle = []

    def proc():
        log.append(sim.now)
        handle[0].cancel()
        yield 1.0
        log.append("never")

    handle.append(sim.process(proc()))
    sim.run()
    assert log == [0.0] and handle[0].done and sim.pending == 0


def test_bad_yields_and_arguments():
    sim = Simulation()

    def bad():
        yield -1.0

    sim.process(bad())
    with pytest.raises(ConfigError, match="yielded -1.0"):
        sim.run()

    def worse():
        yield "soon"

    p = sim.process(worse())
    with pytest.raises(ConfigError, match="yielded 'soon'"):
        sim.run()
    assert p.done
    with pytest.raises(ConfigError, match="generator"):
        sim.process(lambda: None)  # type: ignore[arg-type]


def test_an_exception_inside_a_process_propagates():
    sim = Simulation()

    def proc():
        yield 1.0
        raise RuntimeError("inside")

    p = sim.process(proc())
    with pytest.raises(RuntimeError, match="inside"):
        sim.run()
    assert p.done and sim.now == 1.0
