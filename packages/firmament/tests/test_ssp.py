"""Successive shortest path against networkx on random, scheduling-shaped and edge-case networks."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from dcsys.core.errors import ConfigError, UnknownNameError
from dcsys.firmament import FlowNetwork, min_cost_flow


def random_network(rng, n, m, max_cap=10, max_cost=20, low_prob=0.0):
    """A random acyclic network (tail < head) with a feasible-or-not supply vector."""
    arcs = []
    for _ in range(m):
        u, v = sorted(rng.choice(np.arange(1, n + 1), 2, replace=False))
        cap = int(rng.integers(0, max_cap + 1))
        low = int(rng.integers(0, cap + 1)) if rng.random() < low_prob else 0
        arcs.append((int(u), int(v), low, cap, int(rng.integers(-max_cost // 4, max_cost))))
    supply = np.zeros(n, dtype=np.int64)
    for _ in range(int(rng.integers(1, 4))):
        s, t = sorted(rng.choice(n, 2, replace=False))
        amount = int(rng.integers(1, 6))
        supply[s] += amount
        supply[t] -= amount
    return FlowNetwork.from_arcs(n, supply.tolist(), arcs)


def networkx_cost(net):
    """Optimal cost by networkx (lower bounds removed by transformation), or None if infeasible."""
    g = nx.MultiDiGraph()
    demand = {v: 0 for v in range(1, net.n_nodes + 1)}
    base = 0
    for v in range(1, net.n_nodes + 1):
        demand[v] = -int(net.supply[v])
    for t, h, lo, c, w in zip(net.tail, net.head, net.low, net.cap, net.cost, strict=True):
        t, h, lo, c, w = int(t), int(h), int(lo), int(c), int(w)
        demand[t] += lo
        demand[h] -= lo
        base += lo * w
        g.add_edge(t, h, capacity=c - lo, weight=w)
    for v, d in demand.items():
        g.add_node(v, demand=d)
    try:
        return base + nx.min_cost_flow_cost(g)
    except nx.NetworkXUnfeasible:
        return None


def check_flow(net, sol):
    assert ((sol.flow >= net.low) & (sol.flow <= net.cap)).all()
    balance = np.zeros(net.n_nodes + 1, dtype=np.int64)
    np.add.at(balance, net.tail, sol.flow)
    np.subtract.at(balance, net.head, sol.flow)
    assert (balance == net.supply).all()
    assert sol.cost == int((sol.flow * net.cost).sum())


@pytest.mark.parametrize("seed", range(120))
def test_matches_networkx_on_random_networks(seed):
    rng = np.random.default_rng(seed)
    net = random_network(
        rng,
        int(rng.integers(2, 25)),
        int(rng.integers(1, 80)),
        low_prob=0.2 if seed % 3 == 0 else 0.0,
    )
    sol = min_cost_flow(net)
    expected = networkx_cost(net)
    assert sol.feasible == (expected is not None)
    if expected is not None:
        assert sol.cost == expected
        check_flow(net, sol)
        # complementary slackness: arcs with positive reduced cost carry their lower bound,
        # arcs with negative reduced cost are saturated
        p = sol.potentials
        rc = net.cost + p[net.tail] - p[net.head]
        assert (sol.flow[rc > 0] == net.low[rc > 0]).all() and (
            sol.flow[rc < 0] == net.cap[rc < 0]
        ).all()


def test_scheduling_shaped_network():
    # tasks -> (unscheduled aggregator | machines) -> sink; each machine has 2 slots
    rng = np.random.default_rng(0)
    tasks, machines = 30, 8
    sink, unsched = tasks + machines + 2, tasks + machines + 1
    arcs = []
    for t in range(1, tasks + 1):
        arcs.append((t, unsched, 0, 1, 50))
        for m in rng.choice(machines, 3, replace=False):
            arcs.append((t, tasks + 1 + int(m), 0, 1, int(rng.integers(1, 20))))
    for m in range(machines):
        arcs.append((tasks + 1 + m, sink, 0, 2, 0))
    arcs.append((unsched, sink, 0, tasks, 0))
    supply = [1] * tasks + [0] * (machines + 1) + [-tasks]
    net = FlowNetwork.from_arcs(sink, supply, arcs)
    sol = min_cost_flow(net)
    assert sol.feasible and sol.cost == networkx_cost(net)
    check_flow(net, sol)


def test_infeasible_and_zero_capacity():
    net = FlowNetwork.from_arcs(2, [3, -3], [(1, 2, 0, 2, 1), (1, 2, 0, 0, 0)])
    sol = min_cost_flow(net)
    assert not sol.feasible and networkx_cost(net) is None


def test_negative_cycle_is_refused():
    net = FlowNetwork.from_arcs(2, [0, 0], [(1, 2, 0, 1, -5), (2, 1, 0, 1, 1)])
    with pytest.raises(ConfigError, match="negative-cost cycle"):
        min_cost_flow(net)


def test_bad_inputs():
    with pytest.raises(ConfigError, match="sum to 0"):
        FlowNetwork.from_arcs(2, [1, 0], [(1, 2, 0, 1, 1)])
    with pytest.raises(ConfigError, match="outside 1..2"):
        FlowNetwork.from_arcs(2, [0, 0], [(1, 3, 0, 1, 1)])
    with pytest.raises(UnknownNameError, match="unknown solver 'magic'"):
        min_cost_flow(FlowNetwork.from_arcs(1, [0], []), "magic")
