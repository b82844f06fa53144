"""The relational IR shared by Noria, Musketeer and Conclave.

* types and schemas — :class:`ColumnType`, :class:`Column`, :class:`Schema`,
  :class:`TableSchema`, :class:`Catalog`;
* expressions — frozen dataclasses: :class:`ColumnRef`, :class:`Literal`, :class:`Param`,
  :class:`Arithmetic`, :class:`Comparison`, :class:`And`/:class:`Or`/:class:`Not`,
  :class:`InList`, :class:`Between`, :class:`Like`, :class:`IsNull`, :class:`Case`,
  :class:`Cast`, :class:`Func` and the aggregate :class:`AggCall`;
* plans — a DAG of :class:`PlanNode` operators (:class:`Scan`, :class:`Values`,
  :class:`Filter`, :class:`Project`, :class:`Join`, :class:`Aggregate`, :class:`Distinct`,
  :class:`Union`, :class:`Sort`, :class:`Limit`, :class:`UDF`, :class:`Loop`) and statements
  (:class:`CreateTable`, :class:`Insert`, :class:`Update`, :class:`Delete`...), wrapped in a
  :class:`Plan` with its parameters and lookup keys;
* execution — :func:`compile_expression` (expressions to fast Python functions) and the
  reference interpreter :func:`evaluate` / :func:`execute`.

SQL text is turned into plans (and back) by :mod:`dcsys.core.sql`.

Examples:
    >>> from dcsys.core.relational import (AggCall, Aggregate, Column, ColumnType, Plan,
    ...     Scan, TableSchema, evaluate)
    >>> votes = Scan(TableSchema("votes", [Column("story", ColumnType.INT), Column("user")]))
    >>> plan = Plan(Aggregate(votes, (votes.schema.ref("story"),), (AggCall("count"),)))
    >>> print(plan.explain())
    Aggregate group_by=[votes.story] aggregates=[COUNT(*)]
      Scan votes
    >>> evaluate(plan, {"votes": [(1, "a"), (1, "b"), (7, "a")]})
    [(1, 2), (7, 1)]
"""

from dcsys.core.relational.aggregates import AGGREGATE_FUNCTIONS, AggCall
from dcsys.core.relational.codegen import (
    compile_expression,
    compile_predicate,
    compile_projection,
    expression_source,
)
from dcsys.core.relational.expr import (
    ColumnRef,
    Expr,
    Literal,
    Param,
    columns_used,
    contains_aggregate,
    params_used,
    remap_columns,
    shift_columns,
    transform,
    walk,
)
from dcsys.core.relational.interpreter import evaluate, execute
from dcsys.core.relational.operators import (
    Aggregate,
    Distinct,
    Filter,
    Join,
    Limit,
    PlanNode,
    Project,
    Scan,
    Sort,
    SortKey,
    Union,
    Values,
    check_expression,
)
from dcsys.core.relational.plan import (
    ParamKey,
    Plan,
    count_params,
    explain,
    topological_order,
    walk_plan,
)
from dcsys.core.relational.predicates import (
    COMPARISON_OPS,
    And,
    Between,
    Comparison,
    InList,
    IsNull,
    Like,
    Not,
    Or,
    conjoin,
    conjuncts,
)
from dcsys.core.relational.scalar import (
    ARITHMETIC_OPS,
    SCALAR_FUNCTIONS,
    Arithmetic,
    Case,
    Cast,
    Func,
    Negate,
)
from dcsys.core.relational.schema import AmbiguousColumnError, Catalog, Column, Schema, TableSchema
from dcsys.core.relational.statements import (
    CreateTable,
    CreateView,
    Delete,
    DropTable,
    Insert,
    Statement,
    Update,
    apply_ddl,
)
from dcsys.core.relational.types import ColumnType
from dcsys.core.relational.workflow import UDF, Loop, LoopInput

__all__ = [
    "AGGREGATE_FUNCTIONS",
    "ARITHMETIC_OPS",
    "COMPARISON_OPS",
    "SCALAR_FUNCTIONS",
    "AggCall",
    "Aggregate",
    "AmbiguousColumnError",
    "And",
    "Arithmetic",
    "Between",
    "Case",
    "Cast",
    "Catalog",
    "Column",
    "ColumnRef",
    "ColumnType",
    "Comparison",
    "CreateTable",
    "CreateView",
    "Delete",
    "Distinct",
    "DropTable",
    "Expr",
    "Filter",
    "Func",
    "InList",
    "Insert",
    "IsNull",
    "Join",
    "Like",
    "Limit",
    "Literal",
    "Loop",
    "LoopInput",
    "Negate",
    "Not",
    "Or",
    "Param",
    "ParamKey",
    "Plan",
    "PlanNode",
    "Project",
    "Scan",
    "Schema",
    "Sort",
    "SortKey",
    "Statement",
    "TableSchema",
    "UDF",
    "Union",
    "Update",
    "Values",
    "apply_ddl",
    "check_expression",
    "columns_used",
    "compile_expression",
    "compile_predicate",
    "compile_projection",
    "conjoin",
    "conjuncts",
    "contains_aggregate",
    "count_params",
    "evaluate",
    "execute",
    "explain",
    "expression_source",
    "params_used",
    "remap_columns",
    "shift_columns",
    "topological_order",
    "transform",
    "walk",
    "walk_plan",
]
