"""Plans: a root node plus what a caller needs to run it, and DAG traversal and printing.

A :class:`Plan` wraps the root of an operator DAG with the number of ``?`` parameters it takes
and its *parameter keys*: the parameters compared by equality with a column (``WHERE a.id = ?``)
and the output column each one keys. A Noria-style reader view indexes its rows on those
columns and answers ``lookup(params)``; a parameter whose column is not in the output has
``column=None``.

Examples:
    >>> from dcsys.core.relational.schema import Column, TableSchema
    >>> from dcsys.core.relational.types import ColumnType
    >>> from dcsys.core.relational.operators import Filter, Project, Scan
    >>> from dcsys.core.relational.predicates import Comparison
    >>> from dcsys.core.relational.expr import Param
    >>> scan = Scan(TableSchema("t", [Column("id", ColumnType.INT), Column("v")]))
    >>> f = Filter(scan, Comparison("=", scan.schema.ref("id"), Param(0)))
    >>> plan = Plan(Project(f, (f.schema.ref("v"),)))
    >>> plan.param_count
    1
    >>> print(plan.explain())
    Project [t.v]
      Filter (t.id = ?0)
        Scan t
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dcsys.core.errors import SchemaError
from dcsys.core.relational.expr import Expr, params_used
from dcsys.core.relational.operators import PlanNode
from dcsys.core.relational.schema import Schema
from dcsys.core.relational.statements import Statement
from dcsys.core.relational.types import ColumnType

__all__ = [
    "ParamKey",
    "Plan",
    "count_params",
    "explain",
    "node_expressions",
    "topological_order",
    "walk_plan",
]


@dataclass(frozen=True)
class ParamKey:
    """A parameter compared by equality with a column: a lookup key of the query.

    Attributes:
        param: the parameter's index.
        column: the output position whose value equals the parameter in every result row, or
            ``None`` if no output column carries it.
        name: the column's name (the output name if visible, else the source column's name).
        table: the source column's table (or alias).
        type: the source column's type.
    """

    param: int
    column: int | None
    name: str
    table: str | None = None
    type: ColumnType = ColumnType.UNKNOWN


def walk_plan(root: PlanNode) -> Iterator[PlanNode]:
    """Yield every node reachable from ``root`` once, parents before children (pre-order)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        stack.extend(reversed(node.children()))


def topological_order(root: PlanNode) -> list[PlanNode]:
    """Every node reachable from ``root`` once, each after all of its inputs (``root`` last).

    Examples:
        >>> from dcsys.core.relational.schema import TableSchema, Column
        >>> from dcsys.core.relational.operators import Scan, Union
        >>> s = Scan(TableSchema("t", [Column("a")]))
        >>> [n.describe() for n in topological_order(Union((s, s), all=True))]
        ['Scan t', 'Union all']
    """
    order: list[PlanNode] = []
    done: set[int] = set()
    stack: list[tuple[PlanNode, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if id(node) in done:
            continue
        if expanded:
            done.add(id(node))
            order.append(node)
            continue
        stack.append((node, True))
        for child in reversed(node.children()):
            if id(child) not in done:
                stack.append((child, False))
    return order


def node_expressions(node: PlanNode) -> tuple[Expr, ...]:
    """The expressions a node holds (its predicate, projections, keys, values...)."""
    return node.expressions()


def count_params(root: PlanNode) -> int:
    """One more than the highest parameter index used anywhere in the DAG (0 if none)."""
    highest = -1
    for node in walk_plan(root):
        for e in node.expressions():
            used = params_used(e)
            if used:
                highest = max(highest, max(used))
    return highest + 1


def explain(root: PlanNode) -> str:
    """A readable tree of the plan, one node per line, inputs indented below their parent.

    A node read by several parents is printed in full once, marked ``[#n]``; later
    occurrences show only ``[#n] (shared)``.
    """
    parents: dict[int, int] = {}
    for node in walk_plan(root):
        for child in node.children():
            parents[id(child)] = parents.get(id(child), 0) + 1
    labels: dict[int, int] = {}
    printed: set[int] = set()
    lines: list[str] = []

    def visit(node: PlanNode, depth: int) -> None:
        pad = "  " * depth
        label = ""
        if parents.get(id(node), 0) > 1:
            labels.setdefault(id(node), len(labels) + 1)
            label = f"[#{labels[id(node)]}] "
            if id(node) in printed:
                lines.append(f"{pad}{label}(shared) {node.describe()}")
                return
        printed.add(id(node))
        lines.append(f"{pad}{label}{node.describe()}")
        for child in node.children():
            visit(child, depth + 1)

    visit(root, 0)
    return "\n".join(lines)


@dataclass(frozen=True)
class Plan:
    """A query or statement plan.

    Attributes:
        root: the root node.
        param_count: how many parameters the plan takes (computed from the expressions when
            not given).
        param_keys: the equality-lookup parameters and the output columns they key.
        sql: the SQL text the plan was parsed from, if any.
    """

    root: PlanNode
    param_count: int | None = None
    param_keys: tuple[ParamKey, ...] = ()
    sql: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.root, PlanNode):
            raise SchemaError(f"a Plan's root must be a PlanNode, got {self.root!r}")
        used = count_params(self.root)
        if self.param_count is None:
            object.__setattr__(self, "param_count", used)
        elif self.param_count < used:
            raise SchemaError(
                f"the plan uses {used} parameters but param_count is {self.param_count}"
            )
        object.__setattr__(self, "param_keys", tuple(self.param_keys))

    @property
    def schema(self) -> Schema:
        """The output schema (empty for a statement)."""
        return self.root.schema

    @property
    def is_query(self) -> bool:
        """Whether the plan returns rows (is not a DDL/DML statement)."""
        return not isinstance(self.root, Statement)

    @property
    def key_columns(self) -> tuple[int | None, ...]:
        """The output column keyed by each parameter key, in key order."""
        return tuple(k.column for k in self.param_keys)

    def nodes(self) -> list[PlanNode]:
        """Every node, inputs before the nodes that read them (see :func:`topological_order`)."""
        return topological_order(self.root)

    def explain(self) -> str:
        """The plan as a readable tree (see :func:`explain`), with its parameter keys."""
        text = explain(self.root)
        if self.param_keys:
            keys = ", ".join(
                f"?{k.param} -> {k.name}"
                + (f" (column {k.column})" if k.column is not None else " (not in output)")
                for k in self.param_keys
            )
            text += f"\nkeys: {keys}"
        return text

    def __str__(self) -> str:
        return self.explain()
