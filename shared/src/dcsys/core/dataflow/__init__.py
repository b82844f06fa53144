"""Incremental dataflow: deltas, operators with replaceable state, and a graph that runs them.

This is the engine under Noria's partially-stateful views (base tables → operators → readers),
Musketeer's in-process back end and Conclave's cleartext steps. It follows the Noria paper's model
(§3–4): rows are tuples, changes are ``(row, ±multiplicity)`` deltas, operators turn input
deltas into output deltas, and stateful operators keep their memory in
:class:`~dcsys.core.dataflow.state.State` objects that a partial-state layer can replace.

Modules:
    delta: row/delta/batch types and helpers (:func:`consolidate`, :func:`inserts`, ...).
    state: :class:`State`, a bag of rows with hash indexes (and the hole contract).
    base: the :class:`Operator` interface (``on_input``, ``lookup``, ``resolve``).
    stateless: :class:`Identity`, :class:`Filter`, :class:`Project`, :class:`Union`.
    join: :class:`Join` (inner and left equi-join).
    aggregate: :class:`Aggregate` with :class:`Agg` (COUNT, SUM, AVG, MIN, MAX, GROUP_CONCAT).
    distinct: :class:`Distinct`.
    topk: :class:`TopK` (ORDER BY / LIMIT / OFFSET per group).
    reader: :class:`Reader`, a key-indexed materialised view.
    graph: :class:`Graph`, topological propagation, initialisation and removal of nodes.

Examples:
    >>> from dcsys.core.dataflow import Agg, Aggregate, Graph, TopK
    >>> g = Graph()
    >>> _ = g.add_base("vote", 2)                                   # (article, user)
    >>> _ = g.add_operator("count", Aggregate([0], [Agg("count")]), ["vote"])
    >>> _ = g.add_operator("top", TopK([(1, "desc")], limit=1), ["count"])
    >>> best = g.add_reader("best", "top")
    >>> g.insert("vote", [(7, "a"), (7, "b"), (8, "c")])
    >>> best.rows()
    [(7, 2)]
    >>> g.delete("vote", [(7, "a"), (7, "b")])
    >>> best.rows()
    [(8, 1)]
"""

from dcsys.core.dataflow.aggregate import Agg, Aggregate
from dcsys.core.dataflow.base import Operator, ParentLookup, check_columns, filter_by_key
from dcsys.core.dataflow.delta import (
    Batch,
    DataflowError,
    Delta,
    Row,
    consolidate,
    deletes,
    inserts,
    negate,
    to_bag,
    update,
)
from dcsys.core.dataflow.distinct import Distinct
from dcsys.core.dataflow.graph import Graph, NodeInfo
from dcsys.core.dataflow.join import Join
from dcsys.core.dataflow.reader import Reader
from dcsys.core.dataflow.state import EMPTY, State, StateFactory
from dcsys.core.dataflow.stateless import Filter, Identity, Project, Union
from dcsys.core.dataflow.topk import TopK

__all__ = [
    "EMPTY",
    "Agg",
    "Aggregate",
    "Batch",
    "DataflowError",
    "Delta",
    "Distinct",
    "Filter",
    "Graph",
    "Identity",
    "Join",
    "NodeInfo",
    "Operator",
    "ParentLookup",
    "Project",
    "Reader",
    "Row",
    "State",
    "StateFactory",
    "TopK",
    "Union",
    "check_columns",
    "consolidate",
    "deletes",
    "filter_by_key",
    "inserts",
    "negate",
    "to_bag",
    "update",
]
