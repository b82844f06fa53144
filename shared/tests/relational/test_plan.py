import pytest

from dcsys.core.errors import SchemaError
from dcsys.core.relational import (
    Column,
    ColumnType,
    Comparison,
    CreateTable,
    Filter,
    Join,
    Literal,
    Param,
    ParamKey,
    Plan,
    Project,
    Scan,
    TableSchema,
    Union,
    count_params,
    explain,
    topological_order,
    walk_plan,
)

T = ColumnType
TABLE = TableSchema("t", [Column("id", T.INT), Column("v", T.TEXT)], ["id"])


def _dag():
    scan = Scan(TABLE)
    left = Filter(scan, Comparison("=", scan.schema.ref("id"), Param(0)))
    right = Filter(scan, Comparison(">", scan.schema.ref("id"), Param(2)))
    return scan, left, right, Union((left, right), all=True)


def test_walk_and_topological_order_visit_shared_nodes_once():
    scan, left, right, root = _dag()
    assert list(walk_plan(root)) == [root, left, scan, right]
    order = topological_order(root)
    assert order[0] is scan and order[-1] is root and len(order) == 4
    assert order.index(left) < order.index(root) and order.index(right) < order.index(root)


def test_explain_marks_shared_nodes():
    *_, root = _dag()
    assert explain(root) == (
        "Union all\n"
        "  Filter (t.id = ?0)\n"
        "    [#1] Scan t\n"
        "  Filter (t.id > ?2)\n"
        "    [#1] (shared) Scan t"
    )


def test_param_count_and_keys():
    *_, root = _dag()
    assert count_params(root) == 3
    plan = Plan(root, param_keys=(ParamKey(0, 0, "id", "t", T.INT),))
    assert plan.param_count == 3 and plan.key_columns == (0,)
    assert plan.is_query and plan.schema.names == ("id", "v")
    assert "keys: ?0 -> id (column 0)" in plan.explain()
    assert str(plan) == plan.explain()
    assert len(plan.nodes()) == 4
    assert Plan(root, param_count=5).param_count == 5
    with pytest.raises(SchemaError, match="uses 3 parameters"):
        Plan(root, param_count=1)
    with pytest.raises(SchemaError, match="PlanNode"):
        Plan("SELECT 1")  # type: ignore[arg-type]


def test_statement_plans():
    plan = Plan(CreateTable(TABLE))
    assert not plan.is_query and plan.param_count == 0 and len(plan.schema) == 0


def test_deep_plans_are_walked_iteratively():
    node = Scan(TABLE)
    for _ in range(3000):
        node = Project(node, (node.schema.ref("id"), node.schema.ref("v")))
    assert len(topological_order(node)) == 3001
    assert sum(1 for _ in walk_plan(node)) == 3001


def test_join_explain():
    a, b = Scan(TABLE, "a"), Scan(TABLE, "b")
    j = Join(a, b, "inner", (0,), (0,), Comparison("!=", Literal(1), Literal(2)))
    assert explain(j).splitlines()[0] == "Join inner on a.id = b.id residual (1 != 2)"
