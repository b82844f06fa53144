from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dcsys.core.errors import ConfigError, DcsysError
from dcsys.core.sim import Event, Simulation, SimulationError


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


def test_callback_arguments_are_passed_through():
    sim = Simulation()
    got = []
    sim.schedule(1.0, lambda *a: got.append(a), 1, "two", None)
    sim.schedule(1.0, lambda: got.append(()))
    sim.run()
    assert got == [(1, "two", None), ()]


def test_cancel_and_event_state():
    sim = Simulation()
    log = []
    keep = sim.schedule(1.0, log.append, "keep")
    drop = sim.schedule(1.0, log.append, "drop")
    assert isinstance(keep, Event) and keep.time == 1.0 and keep.args == ("keep",)
    assert keep.pending and not keep.cancelled and sim.pending == 2
    assert sim.cancel(drop) is True and sim.cancel(drop) is False
    assert drop.cancelled and not drop.pending and drop.args == ()
    assert sim.pending == 1
    sim.run()
    assert log == ["keep"]
    assert sim.cancel(keep) is False and not keep.pending and not keep.cancelled
    assert "fired" in repr(keep) and "cancelled" in repr(drop)


def test_a_no_argument_event_that_fired_is_not_reported_cancelled():
    sim = Simulation()
    e = sim.schedule(1.0, lambda: None)
    sim.run()
    assert not e.pending and not e.cancelled


def test_events_compare_by_identity():
    sim = Simulation()
    a = sim.schedule(1.0, print, "x")
    b = sim.schedule(1.0, print, "x")
    assert a != b and a == a and len({a, b}) == 2


def test_cancel_from_a_callback_of_an_event_due_at_the_same_time():
    sim = Simulation()
    log = []
    later = sim.schedule(1.0, log.append, "second")
    sim.schedule(1.0, log.append, "third")
    first = sim.schedule(0.5, sim.cancel, later)
    sim.run()
    assert log == ["third"] and not first.pending and sim.events_run == 2


def test_many_cancellations_compact_the_heap():
    sim = Simulation()
    events = [sim.schedule(float(i), lambda: None) for i in range(5000)]
    for e in events[:4000]:
        sim.cancel(e)
    assert sim.pending == 1000
    assert len(sim._heap) < 5000  # compacted
    assert sim.run() == 1000 and sim.events_run == 1000


def test_compaction_during_a_run_keeps_new_events_and_order():
    sim = Simulation()
    log = []
    victims = [sim.schedule(10.0 + i, log.append, ("victim", i)) for i in range(3000)]

    def killer():
        for v in victims:
            sim.cancel(v)  # compacts the heap while run() is iterating over it
        sim.schedule(1.0, log.append, "new-early")

    sim.schedule(1.0, killer)
    sim.schedule(5.0, log.append, "old-late")
    assert sim.run() == 3
    assert log == ["new-early", "old-late"] and sim.now == 5.0 and sim.pending == 0


def test_run_until_is_inclusive_leaves_later_events_and_advances_clock():
    sim = Simulation()
    log = []
    for t in (1.0, 2.0, 3.0):
        sim.schedule(t, log.append, t)
    assert sim.run(until=2.0) == 2
    assert sim.now == 2.0 and log == [1.0, 2.0] and sim.pending == 1
    assert sim.run(until=2.5) == 0 and sim.now == 2.5
    assert sim.run(until=2.5) == 0  # until == now is allowed
    assert sim.run() == 1 and log == [1.0, 2.0, 3.0] and sim.now == 3.0
    with pytest.raises(ConfigError, match="before now"):
        sim.run(until=1.0)
    with pytest.raises(ConfigError, match="not a number"):
        sim.run(until=math.nan)


def test_run_until_fires_events_scheduled_during_the_run_inside_the_window():
    sim = Simulation()
    log = []

    def chain(i):
        log.append((sim.now, i))
        sim.schedule(1.0, chain, i + 1)

    sim.schedule(0.0, chain, 0)
    assert sim.run(until=3.5) == 4
    assert log == [(0.0, 0), (1.0, 1), (2.0, 2), (3.0, 3)] and sim.now == 3.5
    assert sim.pending == 1 and sim.peek() == 4.0


def test_run_until_infinity_is_a_plain_run():
    sim = Simulation()
    sim.schedule(7.0, lambda: None)
    assert sim.run(until=math.inf) == 1 and sim.now == 7.0


def test_empty_run_until_moves_the_clock():
    sim = Simulation(start=3.0)
    assert sim.run() == 0 and sim.now == 3.0
    assert sim.run(until=9.0) == 0 and sim.now == 9.0


def test_stop_and_step():
    sim = Simulation()
    log = []

    def stopper():
        log.append("stop")
        sim.stop()

    sim.schedule(1.0, stopper)
    sim.schedule(2.0, log.append, "after")
    assert sim.run() == 1 and log == ["stop"] and sim.now == 1.0
    assert sim.step() is True and log == ["stop", "after"] and sim.now == 2.0
    assert sim.step() is False


def test_stop_inside_run_until_leaves_the_clock_at_the_stopping_event():
    sim = Simulation()
    sim.schedule(1.0, sim.stop)
    sim.schedule(2.0, lambda: None)
    assert sim.run(until=10.0) == 1 and sim.now == 1.0 and sim.pending == 1
    assert sim.run(until=10.0) == 1 and sim.now == 10.0  # a later run starts afresh


def test_stop_outside_a_run_does_not_affect_the_next_run():
    sim = Simulation()
    sim.schedule(1.0, lambda: None)
    sim.schedule(2.0, lambda: None)
    sim.stop()
    assert sim.run() == 2


def test_peek_skips_cancelled_events():
    sim = Simulation()
    a = sim.schedule(1.0, print)
    sim.schedule(2.0, print)
    sim.cancel(a)
    assert sim.peek() == 2.0 and sim.pending == 1


def test_bad_times():
    sim = Simulation()
    for bad in (-1.0, -1e-300, math.nan, math.inf):
        with pytest.raises(ConfigError, match="delay"):
            sim.schedule(bad, print)
    sim.schedule(5.0, lambda: None)
    sim.run()
    for bad in (1.0, math.nan, math.inf):
        with pytest.raises(ConfigError, match="time must be"):
            sim.schedule_at(bad, print)
    for bad in (math.nan, math.inf, "0"):
        with pytest.raises(ConfigError, match="start"):
            Simulation(start=bad)
    assert sim.pending == 0  # rejected events were not scheduled
    assert issubclass(ConfigError, DcsysError)
    for bad in (-1, 1.5, None, True, "7"):
        with pytest.raises(ConfigError, match="seed"):
            Simulation(seed=bad)
    with pytest.raises(ConfigError, match="Event"):
        sim.cancel("not an event")


def test_numpy_numbers_are_accepted_as_times():
    sim = Simulation()
    e = sim.schedule(np.float64(1.5), lambda: None)
    sim.schedule_at(np.int64(3), lambda: None)
    sim.run()
    assert e.time == 1.5 and sim.now == 3.0 and isinstance(sim.now, float)


def test_reentrant_run_or_step_is_refused():
    sim = Simulation()
    errors = []

    def nested():
        for call in (sim.run, sim.step):
            try:
                call()
            except SimulationError as exc:
                errors.append(str(exc))

    sim.schedule(1.0, nested)
    sim.run()
    assert len(errors) == 2 and all("inside" in e for e in errors)


def test_an_exception_in_a_callback_propagates_and_the_simulation_can_continue():
    sim = Simulation()
    log = []

    def boom():
        raise ValueError("model bug")

    sim.schedule(1.0, boom)
    sim.schedule(2.0, log.append, "later")
    with pytest.raises(ValueError, match="model bug"):
        sim.run()
    assert sim.now == 1.0 and sim.pending == 1 and sim.events_run == 1
    assert sim.run() == 1 and log == ["later"]


def test_rng_is_seeded_from_seed():
    a, b = Simulation(seed=5), Simulation(seed=5)
    assert a.seed == 5 and isinstance(a.rng, np.random.Generator)
    assert a.rng.random(3).tolist() == b.rng.random(3).tolist()
    assert Simulation(seed=6).rng.random() != Simulation(seed=5).rng.random()


def _trace(seed):
    sim = Simulation(seed=seed)
    out = []

    def arrive(i):
        out.append((sim.now, i))
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


# Differential test: random schedule/cancel/run programs against a sorted-list model.
_ops = st.lists(
    st.one_of(
        st.tuples(st.just("at"), st.integers(0, 20)),
        st.tuples(st.just("cancel"), st.integers(0, 60)),
        st.tuples(st.just("run"), st.integers(0, 25)),
        st.tuples(st.just("step"), st.just(0)),
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(_ops)
def test_kernel_matches_a_sorted_reference_model(ops):
    sim = Simulation()
    fired: list[int] = []
    events: list[Event] = []
    model: list[list] = []  # [time, seq, label, alive]
    model_fired: list[int] = []
    now = 0.0
    for op, x in ops:
        if op == "at":
            t = now + x / 2
            label = len(events)
            events.append(sim.schedule_at(t, fired.append, label))
            model.append([t, label, label, True])
        elif op == "cancel" and events:
            i = x % len(events)
            was = model[i][3] and model[i][2] not in model_fired
            assert sim.cancel(events[i]) is was
            model[i][3] = False
        elif op in ("run", "step"):
            live = sorted(e for e in model if e[3] and e[2] not in model_fired)
            if op == "run":
                until = now + x / 2
                due = [e for e in live if e[0] <= until]
                assert sim.run(until=until) == len(due)
                now = until
            else:
                due = live[:1]
                assert sim.step() is bool(due)
                now = due[0][0] if due else now
            model_fired.extend(e[2] for e in due)
        assert fired == model_fired
        assert sim.now == now
        assert sim.pending == sum(1 for e in model if e[3] and e[2] not in model_fired)
        assert sim.events_run == len(model_fired)
