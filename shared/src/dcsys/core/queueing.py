"""Single-server queues on the simulation kernel, checked against queueing theory.

This is the core's own experiment (``dcsys reproduce core``): it validates the discrete-event
kernel (:mod:`dcsys.core.sim`) the way a simulator is validated before its results are trusted, by
simulating queues whose answers are known in closed form. Customers arrive as a Poisson process of
rate ``λ = ρ·μ`` (μ = 1) and are served first-come first-served by one server with exponential
(M/M/1) or deterministic (M/D/1) service times. The mean time a customer waits in the queue is

* M/M/1: ``Wq = ρ / (μ − λ)``
* M/D/1 (Pollaczek–Khinchine): ``Wq = ρ / (2 μ (1 − ρ))``

(Kleinrock, *Queueing Systems, Volume 1: Theory*, Wiley 1975, §3.2 and §5.7.)

Examples:
    >>> r = simulate_queue(rho=0.5, service="exp", customers=20_000, seed=1)
    >>> abs(r["mean_wait"] - theoretical_wait(0.5, "exp")) < 0.15
    True
"""

from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np

from dcsys.core.errors import ConfigError
from dcsys.core.experiments.spec import Experiment, Reference, Scale
from dcsys.core.sim import Simulation

__all__ = ["MM1_EXPERIMENT", "simulate_queue", "theoretical_wait"]

_SERVICES = ("exp", "det")


def theoretical_wait(rho: float, service: str) -> float:
    """Mean waiting time in queue for utilisation ``rho`` and service rate 1.

    Examples:
        >>> theoretical_wait(0.5, "exp"), theoretical_wait(0.5, "det")
        (1.0, 0.5)
    """
    if not 0 < rho < 1:
        raise ConfigError(f"rho must be in (0, 1) for a stable queue, got {rho}")
    if service == "exp":
        return rho / (1.0 - rho)
    if service == "det":
        return rho / (2.0 * (1.0 - rho))
    raise ConfigError(f"service must be one of {_SERVICES}, got {service!r}")


def simulate_queue(
    rho: float, service: str = "exp", customers: int = 100_000, seed: int = 0, warmup: float = 0.1
) -> dict[str, Any]:
    """Simulate a FIFO single-server queue and measure waiting times.

    Args:
        rho: utilisation λ/μ, in (0, 1).
        service: ``"exp"`` (M/M/1) or ``"det"`` (M/D/1).
        customers: number of arrivals simulated.
        seed: the kernel's seed.
        warmup: fraction of the first customers whose waits are discarded.

    Returns:
        ``mean_wait``, ``theory_wait``, ``utilisation`` (server busy fraction), ``events`` and
        ``sim_time``.
    """
    theory = theoretical_wait(rho, service)
    if customers < 10:
        raise ConfigError(f"customers must be >= 10, got {customers}")
    sim = Simulation(seed=seed)
    inter = sim.rng.exponential(1.0 / rho, size=customers)
    serve = sim.rng.exponential(1.0, size=customers) if service == "exp" else np.ones(customers)
    queue: deque[tuple[float, float]] = deque()
    waits = np.empty(customers)
    state = {"busy": False, "arrived": 0, "served": 0, "busy_time": 0.0}

    def start(arrived_at: float, service_time: float) -> None:
        waits[state["served"]] = sim.now - arrived_at
        state["served"] += 1
        state["busy"] = True
        state["busy_time"] += service_time
        sim.schedule(service_time, depart)

    def arrive() -> None:
        i = state["arrived"]
        state["arrived"] = i + 1
        if i + 1 < customers:
            sim.schedule(inter[i + 1], arrive)
        if state["busy"]:
            queue.append((sim.now, serve[i]))
        else:
            start(sim.now, serve[i])

    def depart() -> None:
        if queue:
            start(*queue.popleft())
        else:
            state["busy"] = False

    sim.schedule(inter[0], arrive)
    sim.run()
    skip = int(customers * warmup)
    return {
        "mean_wait": float(waits[skip:].mean()),
        "theory_wait": theory,
        "utilisation": state["busy_time"] / sim.now,
        "events": sim.events_run,
        "sim_time": sim.now,
    }


def _point(params: dict[str, Any], seed: int) -> dict[str, Any]:
    return simulate_queue(params["rho"], params["service"], params["customers"], seed)


def _plot(rows: list[dict[str, Any]], summary: Any) -> dict[str, Any]:
    from dcsys.core.experiments.figures import new_figure

    fig, ax = new_figure()
    for service, marker in (("exp", "o"), ("det", "s")):
        pts = sorted((r["rho"], r["mean_wait"]) for r in rows if r["service"] == service)
        if not pts:
            continue
        xs = np.linspace(min(p[0] for p in pts), max(p[0] for p in pts), 100)
        label = "M/M/1" if service == "exp" else "M/D/1"
        ax.plot(xs, [theoretical_wait(x, service) for x in xs], label=f"{label} theory")
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker, label=f"{label} simulated")
    ax.set_xlabel("utilisation ρ")
    ax.set_ylabel("mean wait in queue (service times)")
    ax.set_yscale("log")
    ax.legend()
    return {"mean_wait_vs_load": fig}


def _references(rhos: list[float]) -> tuple[Reference, ...]:
    return tuple(
        Reference(
            "mean_wait",
            round(theoretical_wait(rho, service), 6),
            where={"rho": rho, "service": service},
            source=f"{'M/M/1' if service == 'exp' else 'M/D/1 (P-K)'} closed form",
            note="sampling error grows as ρ → 1 (autocorrelated waits)",
            tolerance=0.1,
        )
        for service in _SERVICES
        for rho in rhos
    )


_QUICK_RHOS = [0.3, 0.5, 0.8]
_FULL_RHOS = [0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95]

MM1_EXPERIMENT = Experiment(
    name="mm1_queue",
    title="Kernel validation: M/M/1 and M/D/1 waiting times against queueing theory",
    run=_point,
    quick=Scale.grid(rho=_QUICK_RHOS, service=list(_SERVICES), customers=[50_000], repeats=2),
    full=Scale.grid(rho=_FULL_RHOS, service=list(_SERVICES), customers=[2_000_000], repeats=5),
    references=_references(_FULL_RHOS),
    plot=_plot,
    description=(
        "Simulates FIFO single-server queues with Poisson arrivals on dcsys.core.sim and compares "
        "the mean waiting time in queue with the closed forms for M/M/1 and M/D/1. The 'paper' "
        "column is queueing theory (Kleinrock 1975)."
    ),
    paper="Kleinrock, Queueing Systems Vol. 1 (1975)",
)
