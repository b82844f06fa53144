"""The reference interpreter: run a plan over in-memory tables with SQL semantics.

:func:`evaluate` computes a query plan's result from tables given as lists of tuples; it is the
oracle the dcsys systems test their incremental, distributed or secure executions against.
:func:`execute` applies a statement (``INSERT``/``UPDATE``/``DELETE``/``CREATE``/``DROP``) to a
mutable mapping of such tables. Everything is plain Python: hash joins, dictionaries of groups,
stable sorts. Expressions run through :mod:`~dcsys.core.relational.codegen`.

Semantics are SQLite's (see :mod:`~dcsys.core.relational.codegen` for expressions), with these
choices where SQL leaves the result open: a node's rows come out in a deterministic order (scan
order, left rows of a join in order, groups in order of first appearance), and
``GROUP_CONCAT`` joins its values in ascending SQL order (as
:mod:`dcsys.core.dataflow` does), where SQLite uses the order it happens to read them.

Examples:
    >>> from dcsys.core.relational.schema import Column, TableSchema
    >>> from dcsys.core.relational.types import ColumnType
    >>> from dcsys.core.relational.operators import Aggregate, Scan
    >>> from dcsys.core.relational.aggregates import AggCall
    >>> votes = Scan(TableSchema("votes", [Column("story", ColumnType.INT), Column("user", ColumnType.INT)]))
    >>> per_story = Aggregate(votes, (votes.schema.ref("story"),), (AggCall("count"),))
    >>> evaluate(per_story, {"votes": [(1, 10), (1, 11), (2, 10)]})
    [(1, 2), (2, 1)]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from typing import Any

from dcsys.core.errors import ConfigError, SchemaError, UnknownNameError
from dcsys.core.relational import _runtime as rt
from dcsys.core.relational.aggregates import AggCall
from dcsys.core.relational.codegen import compile_predicate, compile_projection
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
    Union,
    Values,
)
from dcsys.core.relational.plan import Plan, count_params
from dcsys.core.relational.statements import (
    CreateTable,
    CreateView,
    Delete,
    DropTable,
    Insert,
    Statement,
    Update,
)
from dcsys.core.relational.types import ColumnType
from dcsys.core.relational.workflow import UDF, Loop, LoopInput

__all__ = ["evaluate", "execute"]

Row = tuple[Any, ...]


def _find_table(tables: Mapping[str, Any], name: str) -> str:
    if name in tables:
        return name
    folded = name.casefold()
    for key in tables:
        if key.casefold() == folded:
            return key
    raise UnknownNameError("table", name, [str(k) for k in tables])


def _check_params(root: PlanNode, params: Sequence[Any], declared: int | None = None) -> None:
    need = count_params(root) if declared is None else declared
    if len(params) < need:
        raise ConfigError(f"the plan takes {need} parameters, got {len(params)}")


class _Evaluator:
    def __init__(
        self,
        tables: Mapping[str, Sequence[Sequence[Any]]],
        params: Sequence[Any],
        bindings: Mapping[str, list[Row]] | None = None,
    ) -> None:
        self.tables = tables
        self.params = tuple(params)
        self.bindings = dict(bindings or {})
        self.memo: dict[int, list[Row]] = {}

    def run(self, node: PlanNode) -> list[Row]:
        """Evaluate ``node`` (inputs first, iteratively: deep plans do not exhaust the stack)."""
        stack: list[tuple[PlanNode, bool]] = [(node, False)]
        while stack:
            n, ready = stack.pop()
            if id(n) in self.memo:
                continue
            if ready:
                self.memo[id(n)] = self._loop(n) if isinstance(n, Loop) else self._node(n)
                continue
            stack.append((n, True))
            inputs = (n.init,) if isinstance(n, Loop) else n.children()  # a body runs per iteration
            stack.extend((c, False) for c in reversed(inputs) if id(c) not in self.memo)
        return self.memo[id(node)]

    def _rows(self, node: PlanNode) -> list[Row]:
        rows = self.memo.get(id(node))
        return rows if rows is not None else self.run(node)

    def _node(self, node: PlanNode) -> list[Row]:
        p = self.params
        if isinstance(node, Scan):
            key = _find_table(self.tables, node.table.name)
            width = len(node.schema)
            rows = [tuple(r) for r in self.tables[key]]
            for r in rows:
                if len(r) != width:
                    raise SchemaError(
                        f"table {node.table.name!r} has {width} columns but a row has {len(r)}: {r!r}"
                    )
            return rows
        if isinstance(node, Values):
            return [compile_projection(row)((), p) for row in node.rows]
        if isinstance(node, Filter):
            test = compile_predicate(node.predicate, node.input.schema)
            return [r for r in self._rows(node.input) if test(r, p)]
        if isinstance(node, Project):
            proj = compile_projection(node.exprs, node.input.schema)
            return [proj(r, p) for r in self._rows(node.input)]
        if isinstance(node, Join):
            return self._join(node)
        if isinstance(node, Aggregate):
            return self._aggregate(node)
        if isinstance(node, Distinct):
            return list(dict.fromkeys(self._rows(node.input)))
        if isinstance(node, Union):
            out = [r for child in node.inputs for r in self._rows(child)]
            return out if node.all else list(dict.fromkeys(out))
        if isinstance(node, Sort):
            return self._sort(node)
        if isinstance(node, Limit):
            rows = self._rows(node.input)
            end = None if node.limit is None else node.offset + node.limit
            return rows[node.offset : end]
        if isinstance(node, UDF):
            return self._udf(node)
        if isinstance(node, LoopInput):
            if node.name not in self.bindings:
                raise ConfigError(f"LoopInput {node.name!r} read outside its Loop")
            return self.bindings[node.name]
        if isinstance(node, Statement):
            raise ConfigError(f"evaluate() runs queries; use execute() for {node.describe()}")
        raise ConfigError(f"the interpreter cannot run {node.describe()}")

    def _join(self, node: Join) -> list[Row]:
        left, right = self._rows(node.left), self._rows(node.right)
        p = self.params
        residual = (
            compile_predicate(node.residual, node.schema) if node.residual is not None else None
        )
        pad = (None,) * len(node.right.schema)
        lk, rk = node.left_keys, node.right_keys
        out: list[Row] = []
        if lk:
            index: dict[Row, list[Row]] = {}
            for r in right:
                key = tuple(r[i] for i in rk)
                if None not in key:
                    index.setdefault(key, []).append(r)
            for l_row in left:
                key = tuple(l_row[i] for i in lk)
                matches = index.get(key, ()) if None not in key else ()
                found = False
                for r in matches:
                    row = l_row + r
                    if residual is None or residual(row, p):
                        out.append(row)
                        found = True
                if not found and node.kind == "left":
                    out.append(l_row + pad)
            return out
        for l_row in left:
            found = False
            for r in right:
                row = l_row + r
                if residual is None or residual(row, p):
                    out.append(row)
                    found = True
            if not found and node.kind == "left":
                out.append(l_row + pad)
        return out

    def _aggregate(self, node: Aggregate) -> list[Row]:
        rows = self._rows(node.input)
        p = self.params
        group_of = compile_projection(node.group_by, node.input.schema)
        arg_exprs = [a.arg for a in node.aggregates if a.arg is not None]
        args_of = compile_projection(arg_exprs, node.input.schema)
        slots = []
        j = 0
        for a in node.aggregates:
            slots.append(None if a.arg is None else j)
            j += a.arg is not None
        groups: dict[Row, list[list[Any]]] = {}
        counts: dict[Row, int] = {}
        for r in rows:
            key = group_of(r, p)
            values = groups.get(key)
            if values is None:
                values = groups[key] = [[] for _ in arg_exprs]
                counts[key] = 0
            counts[key] += 1
            for bucket, v in zip(values, args_of(r, p), strict=True):
                bucket.append(v)
        if not groups and not node.group_by:
            groups[()] = [[] for _ in arg_exprs]
            counts[()] = 0
        out = []
        for key, values in groups.items():
            results = [
                counts[key] if slot is None else _finish(agg, values[slot])
                for agg, slot in zip(node.aggregates, slots, strict=True)
            ]
            out.append(key + tuple(results))
        return out

    def _sort(self, node: Sort) -> list[Row]:
        rows = self._rows(node.input)
        keys_of = compile_projection([k.expr for k in node.keys], node.input.schema)
        decorated = [(keys_of(r, self.params), r) for r in rows]
        for i in range(len(node.keys) - 1, -1, -1):
            k = node.keys[i]
            # Within one pass NULL must sort lowest exactly when it should come out first
            # ascending, or last descending.
            null_low = k.nulls_first != k.descending

            def key(item: tuple[Row, Row], i: int = i, null_low: bool = null_low) -> Any:
                v = item[0][i]
                if v is None:
                    return (0,) if null_low else (2,)
                return (1, rt.sort_key(v))

            decorated.sort(key=key, reverse=k.descending)
        return [r for _, r in decorated]

    def _udf(self, node: UDF) -> list[Row]:
        rows = self._rows(node.input)
        width = len(node.schema)
        out: list[Row] = []
        if node.per == "row":
            produced = (o for r in rows for o in node.fn(r))
        else:
            parts: dict[Row, list[Row]] = {}
            for r in rows:
                parts.setdefault(tuple(r[i] for i in node.partition_by), []).append(r)
            if not parts and not node.partition_by:
                parts[()] = []
            produced = (o for part in parts.values() for o in node.fn(part))
        for o in produced:
            o = tuple(o)
            if len(o) != width:
                raise SchemaError(
                    f"UDF {node.name!r} produced a {len(o)}-column row, declared {width}"
                )
            out.append(o)
        return out

    def _loop(self, node: Loop) -> list[Row]:
        state = self._rows(node.init)
        iteration = 0
        while node.max_iterations is None or iteration < node.max_iterations:
            inner = _Evaluator(self.tables, self.params, {**self.bindings, node.name: state})
            new = inner.run(node.body)
            iteration += 1
            if node.until_fixpoint and Counter(new) == Counter(state):
                state = new
                break
            state = new
        return state


def _finish(agg: AggCall, values: list[Any]) -> Any:
    vals = [v for v in values if v is not None]
    if agg.distinct:
        vals = list(dict.fromkeys(vals))
    func = agg.func
    if func == "COUNT":
        return len(vals)
    if not vals:
        return None
    if func == "SUM" or func == "AVG":
        nums = [rt.to_number(v) for v in vals]
        if func == "AVG":
            return float(sum(float(n) for n in nums)) / len(nums)  # type: ignore[arg-type]
        if all(type(n) is int for n in nums):
            return sum(nums)  # type: ignore[arg-type]
        return float(sum(float(n) for n in nums))  # type: ignore[arg-type]
    if func == "MIN":
        return min(vals, key=rt.sort_key)
    if func == "MAX":
        return max(vals, key=rt.sort_key)
    sep = "," if agg.separator is None else agg.separator
    return sep.join(rt.to_text(v) for v in sorted(vals, key=rt.sort_key))  # type: ignore[misc]


def evaluate(
    plan: Plan | PlanNode,
    tables: Mapping[str, Sequence[Sequence[Any]]],
    params: Sequence[Any] = (),
) -> list[Row]:
    """Run a query plan over in-memory tables.

    Args:
        plan: a :class:`~dcsys.core.relational.plan.Plan` or a plan node.
        tables: table name → rows (tuples in the table's column order); names match
            case-insensitively.
        params: the values of the ``?`` parameters, in order.

    Returns:
        The result rows, as tuples.

    Raises:
        ConfigError: too few parameters, or a statement instead of a query.
        UnknownNameError: a scanned table missing from ``tables``.
        SchemaError: a table row of the wrong width, or a UDF producing one.

    Examples:
        >>> from dcsys.core.relational.schema import Column, TableSchema
        >>> from dcsys.core.relational.operators import Filter, Scan
        >>> from dcsys.core.relational.predicates import Comparison
        >>> from dcsys.core.relational.expr import Param
        >>> t = Scan(TableSchema("t", [Column("k"), Column("v")]))
        >>> evaluate(Filter(t, Comparison("=", t.schema.ref("k"), Param(0))),
        ...          {"t": [("a", 1), ("b", 2), (None, 3)]}, params=["b"])
        [('b', 2)]
    """
    root = plan.root if isinstance(plan, Plan) else plan
    _check_params(root, params, plan.param_count if isinstance(plan, Plan) else None)
    if isinstance(root, Statement):
        raise ConfigError(f"evaluate() runs queries; use execute() for {root.describe()}")
    return list(_Evaluator(tables, params).run(root))


def _constraint_check(table: Any, rows: list[Row], changed: list[Row] | None = None) -> None:
    schema = table.schema
    for row in rows if changed is None else changed:
        for i, c in enumerate(schema):
            if row[i] is None and not c.nullable:
                raise SchemaError(f"NOT NULL constraint failed: {table.name}.{c.name}")
    keys = table.key_indices
    if keys:
        seen: set[Row] = set()
        for row in rows:
            key = tuple(row[i] for i in keys)
            if key in seen:
                cols = ", ".join(f"{table.name}.{k}" for k in table.primary_key)
                raise SchemaError(f"UNIQUE constraint failed: {cols} = {key!r}")
            seen.add(key)


_AFFINITY = {
    ColumnType.INT: "int",
    ColumnType.BOOL: "int",
    ColumnType.FLOAT: "real",
    ColumnType.TEXT: "text",
}


def _coerce(table: Any, row: list[Any]) -> tuple[Any, ...]:
    """Store a row as SQLite would in columns of the table's types (type affinity)."""
    return tuple(
        rt.store(v, _AFFINITY.get(c.type, "")) for v, c in zip(row, table.schema, strict=True)
    )


def _auto_column(table: Any) -> int | None:
    for i, c in enumerate(table.schema):
        if c.auto_increment:
            return i
    if len(table.primary_key) == 1:
        i = table.key_indices[0]
        if table.schema[i].type is ColumnType.INT:
            return i  # SQLite's INTEGER PRIMARY KEY: a NULL key takes the next rowid
    return None


def execute(
    plan: Plan | PlanNode,
    tables: MutableMapping[str, list[Row]],
    params: Sequence[Any] = (),
) -> int:
    """Apply a statement to in-memory tables (changed in place; all or nothing).

    ``INSERT`` fills omitted columns with their default (or ``NULL``), numbers an
    auto-increment column (or a single ``INT`` primary key) left ``NULL``, and checks
    ``NOT NULL`` and primary-key uniqueness, as SQLite does. Stored values are converted as
    SQLite's type affinity converts them: ``'12'`` or ``12.0`` into an ``INT`` column is ``12``,
    ``3`` into a ``FLOAT`` column is ``3.0``, a number into a ``TEXT`` column is text.

    Args:
        plan: a statement plan (``CREATE TABLE``, ``CREATE VIEW``, ``DROP TABLE``, ``INSERT``,
            ``UPDATE``, ``DELETE``).
        tables: table name → list of rows; changed in place.
        params: the values of the ``?`` parameters.

    Returns:
        The number of rows inserted, updated or deleted (0 for DDL).

    Raises:
        ConfigError: for a query (use :func:`evaluate`) or too few parameters.
        SchemaError: a constraint violation, or creating a table that exists.
        UnknownNameError: a statement on a table missing from ``tables``.

    Examples:
        >>> from dcsys.core.relational.schema import Column, TableSchema
        >>> from dcsys.core.relational.statements import Delete, Insert
        >>> from dcsys.core.relational.predicates import Comparison
        >>> from dcsys.core.relational.expr import Literal, Param
        >>> t = TableSchema("t", [Column("id", ColumnType.INT), Column("v")], primary_key=["id"])
        >>> data = {"t": [(1, "a")]}
        >>> execute(Insert(t, ("v",), rows=((Param(0),),)), data, ["b"])
        1
        >>> execute(Delete(t, Comparison("=", t.schema.ref("v"), Literal("a"))), data)
        1
        >>> data
        {'t': [(2, 'b')]}
    """
    root = plan.root if isinstance(plan, Plan) else plan
    _check_params(root, params, plan.param_count if isinstance(plan, Plan) else None)
    if isinstance(root, CreateTable):
        name = root.table.name
        exists = any(k.casefold() == name.casefold() for k in tables)
        if exists and not root.if_not_exists:
            raise SchemaError(f"table {name!r} already exists")
        if not exists:
            tables[name] = []
        return 0
    if isinstance(root, DropTable):
        try:
            del tables[_find_table(tables, root.name)]
        except UnknownNameError:
            if not root.if_exists:
                raise
        return 0
    if isinstance(root, CreateView):
        return 0
    if isinstance(root, Insert):
        return _insert(root, tables, tuple(params))
    if isinstance(root, Update | Delete):
        key = _find_table(tables, root.table.name)
        rows = tables[key]
        test: Callable[..., bool] | None = None
        if root.predicate is not None:
            test = compile_predicate(root.predicate, root.table.schema)
        p = tuple(params)
        hit = [test is None or test(r, p) for r in rows]
        count = sum(hit)
        if isinstance(root, Delete):
            rows[:] = [r for r, h in zip(rows, hit, strict=True) if not h]
            return count
        positions = [i for i, _ in root.assignments]
        compute = compile_projection([e for _, e in root.assignments], root.table.schema)
        new_rows, changed = [], []
        for r, h in zip(rows, hit, strict=True):
            if h:
                values = list(r)
                for i, v in zip(positions, compute(r, p), strict=True):
                    values[i] = v
                r = _coerce(root.table, values)
                changed.append(r)
            new_rows.append(r)
        _constraint_check(root.table, new_rows, changed)
        rows[:] = new_rows
        return count
    if isinstance(root, Statement):
        raise ConfigError(f"execute() cannot run {root.describe()}")
    raise ConfigError("execute() applies statements; use evaluate() for queries")


def _insert(stmt: Insert, tables: MutableMapping[str, list[Row]], params: Row) -> int:
    key = _find_table(tables, stmt.table.name)
    rows = tables[key]
    table = stmt.table
    if stmt.query is not None:
        source = _Evaluator(tables, params).run(stmt.query)
    else:
        source = [compile_projection(r)((), params) for r in stmt.rows]
    positions = stmt.column_indices
    defaults = tuple(c.default for c in table.schema)
    auto = _auto_column(table)
    top = (
        max((r[auto] for r in rows if isinstance(r[auto], int)), default=0)
        if auto is not None
        else 0
    )
    new_rows = []
    for values in source:
        row = list(defaults)
        for i, v in zip(positions, values, strict=True):
            row[i] = v
        row = list(_coerce(table, row))
        if auto is not None:
            if row[auto] is None:
                top += 1
                row[auto] = top
            elif isinstance(row[auto], int):
                top = max(top, row[auto])
        new_rows.append(tuple(row))
    _constraint_check(table, rows + new_rows, new_rows)
    rows.extend(new_rows)
    return len(new_rows)
