"""Workflow nodes beyond SQL: user-defined functions and loops (Musketeer's UDF and WHILE).

* :class:`UDF` applies a named Python function to each row (a flat map: each row gives zero or
  more output rows) or to each partition of rows (all rows, or the rows sharing the values of
  ``partition_by`` columns), with a declared output schema.
* :class:`Loop` iterates a body plan: the body reads the current state through a
  :class:`LoopInput` leaf of the same name; the state starts as the ``init`` plan's result and
  is replaced by the body's result each iteration, until it stops changing (a fixpoint, compared
  as a multiset) or ``max_iterations`` have run. It is a plan-level node: the reference
  interpreter runs it, SQL cannot express it.

Examples:
    >>> from dcsys.core.relational.schema import Column, Schema, TableSchema
    >>> from dcsys.core.relational.types import ColumnType
    >>> from dcsys.core.relational.operators import Project, Scan
    >>> from dcsys.core.relational.scalar import Arithmetic
    >>> from dcsys.core.relational.expr import ColumnRef, Literal
    >>> nums = Scan(TableSchema("nums", [Column("n", ColumnType.INT)]))
    >>> split = UDF(nums, "twice", lambda row: [row, row], nums.schema)
    >>> state = LoopInput("x", nums.schema)
    >>> step = Project(state, (Arithmetic("+", ColumnRef(0, "n", ColumnType.INT), Literal(1)),), ("n",))
    >>> loop = Loop(nums, step, "x", max_iterations=3, until_fixpoint=False)
    >>> loop.describe(), split.describe()
    ('Loop x (max 3 iterations)', 'UDF twice per row')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from dcsys.core.errors import ConfigError, SchemaError
from dcsys.core.relational.operators import PlanNode, _schema_field
from dcsys.core.relational.schema import Schema

__all__ = ["UDF", "Loop", "LoopInput"]


@dataclass(frozen=True, eq=False, repr=False)
class UDF(PlanNode):
    """A named Python function applied per row or per partition.

    Attributes:
        input: the input.
        name: the function's name (for plans, explain output and engine choice).
        fn: ``per="row"``: ``fn(row) -> iterable of rows``; ``per="partition"``:
            ``fn(rows: list[tuple]) -> iterable of rows``.
        output: the declared output schema (every produced row must have its width).
        per: ``"row"`` or ``"partition"``.
        partition_by: for ``per="partition"``, the input positions whose values define a
            partition (``()``: the whole input is one partition).
    """

    input: PlanNode
    name: str
    fn: Callable[..., Iterable[tuple[Any, ...]]]
    output: Schema
    per: str = "row"
    partition_by: tuple[int, ...] = ()
    schema: Schema = _schema_field()
    _inputs: ClassVar = ("input",)

    def _infer_schema(self) -> Schema:
        if self.per not in ("row", "partition"):
            raise ConfigError(f"UDF per must be 'row' or 'partition', got {self.per!r}")
        if not callable(self.fn):
            raise ConfigError(f"UDF {self.name!r}: fn must be callable, got {self.fn!r}")
        output = self.output if isinstance(self.output, Schema) else Schema(tuple(self.output))
        object.__setattr__(self, "output", output)
        keys = tuple(self.partition_by)
        object.__setattr__(self, "partition_by", keys)
        if keys and self.per != "partition":
            raise ConfigError(f"UDF {self.name!r}: partition_by needs per='partition'")
        for k in keys:
            if not 0 <= k < len(self.input.schema):
                raise SchemaError(f"UDF {self.name!r}: partition column #{k} out of range")
        return output

    def describe(self) -> str:
        """One line describing the node (see :meth:`PlanNode.describe`)."""
        by = f" by {list(self.partition_by)}" if self.partition_by else ""
        return f"UDF {self.name} per {self.per}{by}"


@dataclass(frozen=True, eq=False, repr=False)
class LoopInput(PlanNode):
    """The loop state as seen by a :class:`Loop` body (a leaf).

    Attributes:
        name: the loop variable's name (the :class:`Loop`'s ``name``).
        columns: the state's schema (the loop's ``init`` schema).
    """

    name: str
    columns: Schema
    schema: Schema = _schema_field()

    def _infer_schema(self) -> Schema:
        return self.columns

    def describe(self) -> str:
        """One line describing the node (see :meth:`PlanNode.describe`)."""
        return f"LoopInput {self.name}"


@dataclass(frozen=True, eq=False, repr=False)
class Loop(PlanNode):
    """Iterate ``body`` from ``init`` until a fixpoint or ``max_iterations``.

    Attributes:
        init: the plan giving the initial state.
        body: the plan computing the next state; it reads the current state through
            :class:`LoopInput` leaves named ``name`` (and may read any other node).
        name: the loop variable's name.
        max_iterations: the most iterations to run (``None``: no bound; then
            ``until_fixpoint`` must be true).
        until_fixpoint: stop as soon as an iteration leaves the state unchanged.
    """

    init: PlanNode
    body: PlanNode
    name: str
    max_iterations: int | None = None
    until_fixpoint: bool = True
    schema: Schema = _schema_field()
    _inputs: ClassVar = ("init", "body")

    def _infer_schema(self) -> Schema:
        if self.max_iterations is None and not self.until_fixpoint:
            raise ConfigError("a Loop needs max_iterations or until_fixpoint (or both)")
        if self.max_iterations is not None and (
            not isinstance(self.max_iterations, int) or self.max_iterations < 0
        ):
            raise ConfigError(
                f"max_iterations must be an integer >= 0, got {self.max_iterations!r}"
            )
        if len(self.body.schema) != len(self.init.schema):
            raise SchemaError(
                f"Loop {self.name!r}: body gives {len(self.body.schema)} columns, "
                f"init {len(self.init.schema)}"
            )
        return self.init.schema

    def describe(self) -> str:
        """One line describing the node (see :meth:`PlanNode.describe`)."""
        parts = []
        if self.max_iterations is not None:
            parts.append(f"max {self.max_iterations} iterations")
        if self.until_fixpoint:
            parts.append("until fixpoint")
        return f"Loop {self.name} ({', '.join(parts)})"
