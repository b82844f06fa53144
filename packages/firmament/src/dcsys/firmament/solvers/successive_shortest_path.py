"""Successive shortest path: the reference min-cost flow solver (compiled with numba).

A super source feeds every node with positive supply and a super sink drains every node with
negative supply. Starting from Bellman-Ford potentials, each round runs Dijkstra on reduced costs
(non-negative under the potentials), raises the potentials by the distances, and augments along the
cheapest source-to-sink path. Lower bounds are removed first by the usual transformation. The final
potentials certify optimality (complementary slackness). O(U · (M log N)) for total supply U, which
suits Firmament's unit-supply task graphs; the paper's Table 1 lists it as O(N²U log N).
"""

from __future__ import annotations

import heapq

import numpy as np
from numba import njit

from dcsys.core.errors import ConfigError
from dcsys.firmament.network import FlowNetwork, FlowSolution

__all__ = ["successive_shortest_path"]

_INF = np.iinfo(np.int64).max // 4


@njit(cache=True)
def _solve(n, tail, head, cap, cost, supply):  # pragma: no cover - compiled
    m = tail.size
    source = n + 1
    sink = n + 2
    size = n + 3
    k = 0
    for v in range(1, n + 1):
        if supply[v] != 0:
            k += 1
    e_total = m + k
    frm = np.empty(2 * e_total, np.int64)
    to = np.empty(2 * e_total, np.int64)
    rcap = np.zeros(2 * e_total, np.int64)
    rcost = np.empty(2 * e_total, np.int64)
    for e in range(m):
        frm[2 * e] = tail[e]
        to[2 * e] = head[e]
        rcap[2 * e] = cap[e]
        rcost[2 * e] = cost[e]
        frm[2 * e + 1] = head[e]
        to[2 * e + 1] = tail[e]
        rcost[2 * e + 1] = -cost[e]
    e = m
    need = 0
    for v in range(1, n + 1):
        s = supply[v]
        if s > 0:
            a, b = source, v
            need += s
        elif s < 0:
            a, b = v, sink
            s = -s
        else:
            continue
        frm[2 * e] = a
        to[2 * e] = b
        rcap[2 * e] = s
        rcost[2 * e] = 0
        frm[2 * e + 1] = b
        to[2 * e + 1] = a
        rcost[2 * e + 1] = 0
        e += 1
    # adjacency (CSR) of residual arcs by their tail
    order = np.argsort(frm, kind="mergesort")
    start = np.zeros(size + 1, np.int64)
    for i in range(2 * e_total):
        start[frm[i] + 1] += 1
    for v in range(size):
        start[v + 1] += start[v]
    # Bellman-Ford potentials from a virtual root at distance 0 to every node
    pot = np.zeros(size, np.int64)
    for _ in range(size):
        changed = False
        for i in range(2 * e_total):
            if rcap[i] > 0 and pot[frm[i]] + rcost[i] < pot[to[i]]:
                pot[to[i]] = pot[frm[i]] + rcost[i]
                changed = True
        if not changed:
            break
    else:
        return np.zeros(m, np.int64), 0, False, pot, True  # negative-cost cycle
    dist = np.empty(size, np.int64)
    parent = np.empty(size, np.int64)
    done = np.zeros(size, np.bool_)
    sent = 0
    while sent < need:
        dist[:] = _INF
        parent[:] = -1
        done[:] = False
        dist[source] = 0
        heap = [(np.int64(0), np.int64(source))]
        while len(heap) > 0:
            d, u = heapq.heappop(heap)
            if done[u]:
                continue
            done[u] = True
            for j in range(start[u], start[u + 1]):
                i = order[j]
                if rcap[i] <= 0:
                    continue
                v = to[i]
                nd = d + rcost[i] + pot[u] - pot[v]
                if nd < dist[v]:
                    dist[v] = nd
                    parent[v] = i
                    heapq.heappush(heap, (nd, v))
        if dist[sink] >= _INF:
            break
        limit = dist[sink]
        for v in range(size):
            pot[v] += dist[v] if dist[v] < limit else limit
        push = need - sent
        v = sink
        while v != source:
            i = parent[v]
            if rcap[i] < push:
                push = rcap[i]
            v = frm[i]
        v = sink
        while v != source:
            i = parent[v]
            rcap[i] -= push
            rcap[i ^ 1] += push
            v = frm[i]
        sent += push
    flow = np.empty(m, np.int64)
    total = 0
    for e in range(m):
        flow[e] = rcap[2 * e + 1]
        total += flow[e] * cost[e]
    return flow, total, sent == need, pot, False


def successive_shortest_path(net: FlowNetwork) -> FlowSolution:
    """Solve ``net`` exactly.

    Raises:
        ConfigError: the network has a negative-cost cycle of positive capacity (SSP needs none;
            Firmament's graphs are acyclic).
    """
    low = net.low
    supply = net.supply.copy()
    if low.any():  # remove lower bounds: pre-send `low` on every arc
        np.subtract.at(supply, net.tail, low)
        np.add.at(supply, net.head, low)
    flow, cost, feasible, pot, negative_cycle = _solve(
        net.n_nodes, net.tail, net.head, net.cap - low, net.cost, supply
    )
    if negative_cycle:
        raise ConfigError(
            "the network has a negative-cost cycle; successive shortest path needs none"
        )
    flow = flow + low
    total = int(cost + int((low * net.cost).sum()))
    return FlowSolution(
        total, flow, bool(feasible), "successive_shortest_path", pot[: net.n_nodes + 1]
    )
