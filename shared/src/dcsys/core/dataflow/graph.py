"""A dataflow graph: base tables feed operators, operators feed readers and sinks.

Nodes are added parents-first, so the order nodes are added in is a topological order. One
:meth:`Graph.push` (or :meth:`Graph.push_many` for several bases at once) validates the batch,
applies it to the base's state and propagates it: every node reachable from the changed bases is
processed **once**, in topological order, after all of its parents; a node with several inputs
receives its inputs in port order, which gives joins the ``ΔL ⋈ R + L' ⋈ ΔR`` discipline. A node's
output fans out to all its children (the same batch object; operators never mutate their input).

Nodes added to a graph that already holds data are initialised from their parents' current
contents (computed through :meth:`Operator.lookup <dcsys.core.dataflow.base.Operator.lookup>`
down to the base tables), like Noria's full replay when a query is added; removing a query removes
its nodes leaves-first (:meth:`Graph.remove`).

The graph is single-threaded: calls must not overlap. If a push fails part-way (only possible
for an operator bug, or invalid deletes pushed to a base that is not materialised), the graph's
states are inconsistent and it should be rebuilt.

Examples:
    >>> from dcsys.core.dataflow import Agg, Aggregate, Graph, Join
    >>> g = Graph()
    >>> _ = g.add_base("article", 2)            # (id, title)
    >>> _ = g.add_base("vote", 2)               # (article_id, user)
    >>> _ = g.add_operator("votes", Aggregate([0], [Agg("count")]), ["vote"])
    >>> _ = g.add_operator("awv", Join(0, 0, kind="left"), ["article", "votes"])
    >>> view = g.add_reader("awv_by_id", "awv", key=[0])
    >>> g.insert("article", [(1, "Hello"), (2, "World")])
    >>> g.insert("vote", [(1, "ann"), (1, "bob")])
    >>> view.lookup(1), view.lookup(2)
    ([(1, 'Hello', 1, 2)], [(2, 'World', None, None)])
"""

from __future__ import annotations

import operator as _operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from dcsys.core.dataflow.base import Operator, check_columns
from dcsys.core.dataflow.delta import Batch, DataflowError, Delta, Row, consolidate
from dcsys.core.dataflow.reader import Reader
from dcsys.core.dataflow.state import State
from dcsys.core.errors import ConfigError, SchemaError, UnknownNameError

__all__ = ["Graph", "NodeInfo"]

_BASE, _OPERATOR, _READER, _SINK = "base", "operator", "reader", "sink"


class _Node:
    __slots__ = (
        "id",
        "name",
        "kind",
        "arity",
        "parents",
        "children",
        "op",
        "state",
        "reader",
        "callback",
        "has_data",
    )

    def __init__(
        self, nid: int, name: str, kind: str, arity: int, parents: tuple[int, ...]
    ) -> None:
        self.id, self.name, self.kind, self.arity, self.parents = nid, name, kind, arity, parents
        self.children: list[tuple[int, int]] = []
        self.op: Operator | None = None
        self.state: State | None = None
        self.reader: Reader | None = None
        self.callback: Callable[[Batch], Any] | None = None
        self.has_data = False


class NodeInfo:
    """A read-only description of one node (returned by :meth:`Graph.info`).

    Attributes:
        name: the node's name.
        kind: ``"base"``, ``"operator"``, ``"reader"`` or ``"sink"``.
        arity: the width of its output rows.
        parents: parent names in port order.
        children: child names.
        operator: the operator of an operator node, else ``None``.
    """

    __slots__ = ("name", "kind", "arity", "parents", "children", "operator")

    def __init__(
        self,
        name: str,
        kind: str,
        arity: int,
        parents: tuple[str, ...],
        children: tuple[str, ...],
        operator: Operator | None,
    ) -> None:
        self.name, self.kind, self.arity = name, kind, arity
        self.parents, self.children, self.operator = parents, children, operator

    def __repr__(self) -> str:
        what = repr(self.operator) if self.operator is not None else self.kind
        return f"<{self.name}: {what} arity={self.arity} parents={list(self.parents)}>"


class Graph:
    """A dataflow graph of base tables, operators, readers and sinks.

    Examples:
        >>> from dcsys.core.dataflow import Filter, Graph
        >>> g = Graph()
        >>> _ = g.add_base("t", 1)
        >>> _ = g.add_operator("pos", Filter(lambda r: r[0] > 0), ["t"])
        >>> seen = []
        >>> _ = g.add_sink("log", "pos", seen.append)
        >>> g.push("t", [((5,), 1), ((-1,), 1)])
        >>> seen
        [[((5,), 1)]]
        >>> g.contents("pos")
        [((5,), 1)]
    """

    def __init__(self) -> None:
        self._nodes: dict[int, _Node] = {}
        self._ids: dict[str, int] = {}
        self._next_id = 0
        self._plans: dict[tuple[int, ...], list[int]] = {}

    # -- building --------------------------------------------------------------------------

    def _new(self, name: str, kind: str, arity: int, parents: tuple[int, ...]) -> _Node:
        node = _Node(self._next_id, name, kind, arity, parents)
        self._next_id += 1
        for port, pid in enumerate(parents):
            self._nodes[pid].children.append((node.id, port))
        self._nodes[node.id] = node
        self._ids[name] = node.id
        self._plans.clear()
        return node

    def _check_name(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise ConfigError(f"node names must be non-empty strings, got {name!r}")
        if name in self._ids:
            raise ConfigError(f"the graph already has a node named {name!r}")

    def _id(self, name: str, kind: str = "node") -> int:
        nid = self._ids.get(name) if isinstance(name, str) else None
        if nid is None:
            raise UnknownNameError(kind, str(name), list(self._ids))
        return nid

    def _parent_ids(self, parents: Sequence[str]) -> tuple[int, ...]:
        if isinstance(parents, str):
            parents = [parents]
        ids = tuple(self._id(p, "parent node") for p in parents)
        for pid in ids:
            if self._nodes[pid].kind in (_READER, _SINK):
                raise DataflowError(
                    f"{self._nodes[pid].name!r} is a {self._nodes[pid].kind}, "
                    "which cannot feed other nodes"
                )
        return ids

    def add_base(
        self,
        name: str,
        arity: int,
        *,
        indexes: Sequence[Sequence[int]] = (),
        materialized: bool = True,
    ) -> str:
        """Add a base table (an input of the graph).

        Args:
            name: the node name.
            arity: the width of its rows.
            indexes: column tuples to index its state on (lookups add indexes on demand too).
            materialized: keep its rows (default). A base that is not materialised cannot have
                deletes validated, nor serve lookups or the initialisation of nodes added after
                data was pushed.

        Returns:
            ``name``.

        Raises:
            ConfigError: on a duplicate name, a negative arity or a bad index column.
        """
        self._check_name(name)
        if isinstance(arity, bool) or not isinstance(arity, int) or arity < 0:
            raise ConfigError(f"base {name!r}: arity must be a non-negative int, got {arity!r}")
        idx = [check_columns(f"base {name!r} index", cols, arity) for cols in indexes]
        node = self._new(name, _BASE, arity, ())
        if materialized:
            node.state = State(list(dict.fromkeys(idx)) or [()])
        return name

    def add_operator(self, name: str, op: Operator, parents: Sequence[str]) -> str:
        """Add an operator node fed by ``parents`` (in port order).

        The operator is bound to its parents' arities and, if the graph already holds data,
        initialised from its parents' current contents.

        Args:
            name: the node name.
            op: a fresh (unbound) operator.
            parents: the parent node names, one per input port.

        Returns:
            ``name``.

        Raises:
            ConfigError: on a duplicate name or a bad operator configuration.
            UnknownNameError: for an unknown parent.
            DataflowError: if a parent is a reader or sink, the operator is already bound, or a
                parent's contents are unavailable (a base that is not materialised).
        """
        self._check_name(name)
        if not isinstance(op, Operator):
            raise ConfigError(f"node {name!r}: expected an Operator, got {op!r}")
        pids = self._parent_ids(parents)
        arity = op.bind([self._nodes[p].arity for p in pids])
        initial = [self._lookup(pid, (), ()) for pid in pids]
        for port, rows in enumerate(initial):
            if rows:
                op.on_input(port, rows)
        node = self._new(name, _OPERATOR, arity, pids)
        node.op = op
        return name

    def add_reader(
        self,
        name: str,
        parent: str,
        key: Sequence[int] = (),
        *,
        indexes: Sequence[Sequence[int]] = (),
    ) -> Reader:
        """Add a reader that materialises ``parent``'s output indexed on ``key``.

        Args:
            name: the node name.
            parent: the node to read.
            key: the lookup columns (``()`` to read everything).
            indexes: further column tuples to index.

        Returns:
            The :class:`~dcsys.core.dataflow.reader.Reader`, already filled.

        Raises:
            ConfigError: on a duplicate name or a key column out of range.
            UnknownNameError: for an unknown parent.
        """
        self._check_name(name)
        (pid,) = self._parent_ids([parent])
        arity = self._nodes[pid].arity
        key = check_columns(f"reader {name!r} key", key, arity)
        extra = [check_columns(f"reader {name!r} index", cols, arity) for cols in indexes]
        reader = Reader(name, key, arity, extra)
        reader.state.apply(self._lookup(pid, (), ()))
        node = self._new(name, _READER, arity, (pid,))
        node.reader = reader
        node.state = reader.state
        return reader

    def add_sink(self, name: str, parent: str, callback: Callable[[Batch], Any]) -> str:
        """Add a sink: ``callback(batch)`` is called once per push in which ``parent`` changes.

        Args:
            name: the node name.
            parent: the node whose output deltas are delivered.
            callback: receives the (non-empty) batch; it must not modify it.

        Returns:
            ``name``.
        """
        self._check_name(name)
        if not callable(callback):
            raise ConfigError(f"sink {name!r}: callback must be callable, got {callback!r}")
        (pid,) = self._parent_ids([parent])
        node = self._new(name, _SINK, self._nodes[pid].arity, (pid,))
        node.callback = callback
        return name

    def remove(self, name: str, *, cascade: bool = False) -> list[str]:
        """Remove a node (for a dropped query), and with ``cascade`` everything below it.

        Args:
            name: the node to remove.
            cascade: also remove every node that depends on it.

        Returns:
            The removed node names, leaves first.

        Raises:
            UnknownNameError: for an unknown node.
            DataflowError: if the node has children and ``cascade`` is false.
        """
        nid = self._id(name)
        node = self._nodes[nid]
        if node.children and not cascade:
            kids = sorted({self._nodes[c].name for c, _ in node.children})
            raise DataflowError(
                f"cannot remove {name!r}: it feeds {', '.join(kids)}; remove "
                "those first or pass cascade=True"
            )
        doomed = {nid}
        for other in sorted(self._nodes):
            if other > nid and any(p in doomed for p in self._nodes[other].parents):
                doomed.add(other)
        removed = []
        for did in sorted(doomed, reverse=True):
            dead = self._nodes.pop(did)
            for pid in set(dead.parents):
                parent = self._nodes.get(pid)
                if parent is not None:
                    parent.children = [(c, p) for c, p in parent.children if c != did]
            del self._ids[dead.name]
            if dead.reader is not None:
                dead.reader.removed = True
            removed.append(dead.name)
        self._plans.clear()
        return removed

    # -- writes ----------------------------------------------------------------------------

    def _validate(self, node: _Node, batch: Iterable[Delta]) -> Batch:
        arity, name = node.arity, node.name
        acc: dict[Row, Any] = {}
        get = acc.get
        for d in batch:
            try:
                row, mult = d
            except (TypeError, ValueError):
                raise DataflowError(
                    f"push to {name!r}: expected (row, multiplicity) pairs, got {d!r}"
                ) from None
            if not isinstance(row, tuple):
                raise SchemaError(f"push to {name!r}: rows must be tuples, got {row!r}")
            if len(row) != arity:
                raise SchemaError(
                    f"push to {name!r}: row {row!r} has {len(row)} columns, the base has {arity}"
                )
            try:
                acc[row] = get(row, 0) + mult
            except TypeError:
                raise SchemaError(
                    f"push to {name!r}: bad delta {d!r} (values must be hashable, "
                    "multiplicities ints)"
                ) from None
        out: Batch = []
        state = node.state
        for row, mult in acc.items():
            if type(mult) is not int:
                try:
                    mult = _operator.index(mult)
                except TypeError:
                    raise DataflowError(
                        f"push to {name!r}: multiplicity of {row!r} must be an int, got {mult!r}"
                    ) from None
            if not mult:
                continue
            if mult < 0 and state is not None and state.count(row) + mult < 0:
                raise DataflowError(
                    f"push to {name!r}: cannot delete {-mult} copies of {row!r}: "
                    f"the base holds {state.count(row)}"
                )
            out.append((row, mult))
        return out

    def push(self, base: str, batch: Iterable[Delta]) -> None:
        """Apply a batch to a base table and propagate it through the graph.

        The batch is validated and consolidated first (equal rows merged); if it is invalid
        nothing changes.

        Args:
            base: the base table.
            batch: ``(row, multiplicity)`` pairs.

        Raises:
            UnknownNameError: if ``base`` is not a base table of this graph.
            SchemaError: for a row that is not a tuple of the base's width.
            DataflowError: for deleting rows the base does not hold, or a bad multiplicity.
        """
        self.push_many({base: batch})

    def push_many(self, batches: Mapping[str, Iterable[Delta]]) -> None:
        """Apply batches to several base tables and propagate them together, once.

        Args:
            batches: ``{base name: batch}``.

        Raises:
            UnknownNameError, SchemaError, DataflowError: as for :meth:`push`; all batches are
                validated before any is applied.
        """
        prepared = []
        for name, batch in batches.items():
            nid = self._ids.get(name) if isinstance(name, str) else None
            if nid is None or self._nodes[nid].kind != _BASE:
                bases = [n.name for n in self._nodes.values() if n.kind == _BASE]
                raise UnknownNameError("base table", str(name), bases)
            node = self._nodes[nid]
            prepared.append((node, self._validate(node, batch)))
        pending: dict[int, list[tuple[int, Batch]]] = {}
        roots = []
        for node, batch in prepared:
            if not batch:
                continue
            if node.state is not None:
                node.state.apply(batch)
            node.has_data = True
            roots.append(node.id)
            for cid, port in node.children:
                pending.setdefault(cid, []).append((port, batch))
        if pending:
            self._propagate(pending, self._plan(tuple(sorted(roots))))

    def insert(self, base: str, rows: Iterable[Row]) -> None:
        """Insert rows into a base table (see :meth:`push`)."""
        self.push_many({base: [(row, 1) for row in rows]})

    def delete(self, base: str, rows: Iterable[Row]) -> None:
        """Delete rows from a base table (see :meth:`push`)."""
        self.push_many({base: [(row, -1) for row in rows]})

    def _plan(self, roots: tuple[int, ...]) -> list[int]:
        plan = self._plans.get(roots)
        if plan is None:
            seen: set[int] = set()
            stack = list(roots)
            while stack:
                for cid, _port in self._nodes[stack.pop()].children:
                    if cid not in seen:
                        seen.add(cid)
                        stack.append(cid)
            plan = self._plans[roots] = sorted(seen)
        return plan

    def _propagate(self, pending: dict[int, list[tuple[int, Batch]]], plan: list[int]) -> None:
        nodes = self._nodes
        pop = pending.pop
        for nid in plan:
            inputs = pop(nid, None)
            if inputs is None:
                continue
            node = nodes[nid]
            op = node.op
            if op is not None:
                if len(inputs) == 1:
                    out = op.on_input(inputs[0][0], inputs[0][1])
                else:
                    inputs.sort(key=_first)
                    out = []
                    for port, batch in inputs:
                        out.extend(op.on_input(port, batch))
                if out:
                    for cid, port in node.children:
                        lst = pending.get(cid)
                        if lst is None:
                            pending[cid] = [(port, out)]
                        else:
                            lst.append((port, out))
            elif node.kind == _READER:
                apply = node.state.apply  # type: ignore[union-attr]
                for _port, batch in inputs:
                    apply(batch)
            else:
                merged = inputs[0][1] if len(inputs) == 1 else [d for _, b in inputs for d in b]
                node.callback(merged)  # type: ignore[misc]

    # -- reads -----------------------------------------------------------------------------

    def lookup(self, name: str, cols: Sequence[int], key: Sequence[Any]) -> Batch:
        """The rows of a node's output whose columns ``cols`` equal ``key``.

        Bases and readers answer from their state (adding an index on ``cols`` if missing);
        operators compute the answer from their parents (Noria's upquery / query-through).

        Args:
            name: any base, operator or reader node.
            cols: output columns (``()`` for everything).
            key: one value per column.

        Returns:
            Consolidated ``(row, multiplicity)`` pairs.

        Raises:
            UnknownNameError: for an unknown node.
            ConfigError: for a column out of range or a key of the wrong length.
            DataflowError: for a sink, or if the answer needs a base that is not materialised.
        """
        nid = self._id(name)
        cols = check_columns(f"lookup on {name!r}", cols, self._nodes[nid].arity)
        key = tuple(key)
        if len(key) != len(cols):
            raise ConfigError(f"lookup on {name!r}: {len(key)} key values for columns {cols}")
        return self._lookup(nid, cols, key)

    def contents(self, name: str) -> Batch:
        """Every row of a node's output with its multiplicity (``lookup(name, (), ())``)."""
        return self.lookup(name, (), ())

    def _lookup(self, nid: int, cols: tuple[int, ...], key: tuple[Any, ...]) -> Batch:
        if len(cols) > 1:
            pairs: dict[int, Any] = {}
            for c, v in zip(cols, key, strict=True):
                if c in pairs and pairs[c] != v:
                    return []
                pairs[c] = v
            cols, key = tuple(sorted(pairs)), tuple(pairs[c] for c in sorted(pairs))
        node = self._nodes[nid]
        if node.kind == _SINK:
            raise DataflowError(f"{node.name!r} is a sink; it keeps no rows to look up")
        state = node.state
        if state is not None:
            if cols and not state.has_index(cols):
                state.add_index(cols)
            bucket = state.lookup(cols, key)
            return list(bucket.items()) if bucket else []
        if node.kind == _BASE:
            if node.has_data:
                raise DataflowError(
                    f"base {node.name!r} is not materialised, so its rows cannot "
                    "be looked up (needed to answer or initialise a node)"
                )
            return []
        parents = node.parents

        def parent_lookup(port: int, pcols: tuple[int, ...], pkey: tuple[Any, ...]) -> Batch:
            return self._lookup(parents[port], tuple(pcols), tuple(pkey))

        rows = node.op.lookup(cols, key, parent_lookup)  # type: ignore[union-attr]
        return [(r, m) for r, m in consolidate(rows) if m > 0]

    # -- introspection ---------------------------------------------------------------------

    def __contains__(self, name: object) -> bool:
        return name in self._ids

    def __len__(self) -> int:
        return len(self._nodes)

    def nodes(self) -> list[str]:
        """All node names in topological order (the order they were added)."""
        return [self._nodes[i].name for i in sorted(self._nodes)]

    def info(self, name: str) -> NodeInfo:
        """A description of one node."""
        node = self._nodes[self._id(name)]
        return NodeInfo(
            node.name,
            node.kind,
            node.arity,
            tuple(self._nodes[p].name for p in node.parents),
            tuple(dict.fromkeys(self._nodes[c].name for c, _ in node.children)),
            node.op,
        )

    def operator(self, name: str) -> Operator:
        """The operator of an operator node."""
        node = self._nodes[self._id(name)]
        if node.op is None:
            raise DataflowError(f"{name!r} is a {node.kind}, not an operator node")
        return node.op

    def reader(self, name: str) -> Reader:
        """The reader of a reader node."""
        node = self._nodes[self._id(name, "reader")]
        if node.reader is None:
            raise DataflowError(f"{name!r} is a {node.kind}, not a reader")
        return node.reader

    def state(self, name: str) -> State:
        """The state of a materialised base or a reader."""
        node = self._nodes[self._id(name)]
        if node.state is None:
            raise DataflowError(
                f"{name!r} ({node.kind}) has no node-level state; operator "
                "states are in graph.operator(name).states"
            )
        return node.state

    def describe(self) -> str:
        """One line per node, in topological order."""
        return "\n".join(repr(self.info(n)) for n in self.nodes())

    def __repr__(self) -> str:
        return f"<Graph nodes={len(self._nodes)}>"


def _first(item: tuple[int, Batch]) -> int:
    return item[0]
