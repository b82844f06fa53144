"""Private: build plans for SELECT queries (joins, grouping, ordering, unions, sub-queries)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

from dcsys.core.errors import SchemaError, UnsupportedSQLError
from dcsys.core.relational.aggregates import AggCall
from dcsys.core.relational.expr import ColumnRef, Expr, Literal, Param, contains_aggregate
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
)
from dcsys.core.relational.predicates import Comparison, conjoin, conjuncts
from dcsys.core.relational.schema import Catalog

from ._expressions import ExprBuilder, Scope, Source, describe, unsupported

__all__ = ["Env", "SelectInfo", "build_query"]


@dataclass
class Env:
    """What query building needs besides the AST.

    Attributes:
        catalog: the tables and views.
        dialect: the SQL dialect.
        ctes: common table expressions in scope (folded name → plan).
        inferred: folded names of tables whose columns were inferred (no catalog).
    """

    catalog: Catalog
    dialect: str
    ctes: dict[str, PlanNode] = field(default_factory=dict)
    inferred: frozenset[str] = frozenset()

    def with_ctes(self, ctes: dict[str, PlanNode]) -> Env:
        return Env(self.catalog, self.dialect, {**self.ctes, **ctes}, self.inferred)


@dataclass
class SelectInfo:
    """Facts about a top-level SELECT that parameter-key detection needs.

    Attributes:
        where: the WHERE conjuncts left as filters (over the joined row).
        equalities: pairs of joined-row positions known equal (inner-join keys).
        visible: ``(output position, joined-row position)`` for output columns that pass a
            joined-row column through unchanged.
        output_names: the visible output column names.
        scope: the FROM scope.
    """

    where: list[Expr] = field(default_factory=list)
    equalities: list[tuple[int, int]] = field(default_factory=list)
    visible: list[tuple[int, int]] = field(default_factory=list)
    output_names: tuple[str, ...] = ()
    scope: Scope | None = None


_UNSUPPORTED_SELECT_ARGS = {
    "laterals": "LATERAL",
    "connect": "CONNECT BY",
    "pivots": "PIVOT",
    "qualify": "QUALIFY",
    "windows": "WINDOW clause",
    "sample": "TABLESAMPLE",
    "into": "SELECT INTO",
    "locks": "FOR UPDATE",
    "prewhere": "PREWHERE",
    "distribute": "DISTRIBUTE BY",
    "sort": "SORT BY",
    "cluster": "CLUSTER BY",
    "match": "MATCH_RECOGNIZE",
    "exclude": "SELECT * EXCLUDE",
}


def build_query(node: exp.Expr, env: Env, info: SelectInfo | None = None) -> PlanNode:
    """Build the plan of a query expression (SELECT, UNION, VALUES, parenthesised query)."""
    with_ = node.args.get("with_")
    if with_ is not None:
        env = _with_ctes(with_, env)
    if isinstance(node, exp.Select):
        return _select(node, env, info)
    if isinstance(node, exp.Union):
        return _union(node, env)
    if isinstance(node, exp.Intersect | exp.Except):
        raise unsupported("INTERSECT" if isinstance(node, exp.Intersect) else "EXCEPT")
    if isinstance(node, exp.Subquery):
        inner = build_query(node.this, env, info)
        return _order_limit_on_output(node, inner, env)
    if isinstance(node, exp.Values):
        return _values(node, env)
    raise unsupported(f"query {describe(node, env.dialect)}")


def _with_ctes(with_: exp.With, env: Env) -> Env:
    if with_.args.get("recursive"):
        raise unsupported("recursive CTE (WITH RECURSIVE)")
    for cte in with_.expressions:
        name = cte.alias
        plan = build_query(cte.this, env)
        columns = [c.name for c in cte.args["alias"].columns] if cte.args.get("alias") else []
        plan = _requalify(plan, name, columns)
        env = env.with_ctes({name.casefold(): plan})
    return env


def _requalify(node: PlanNode, alias: str | None, columns: list[str] | None = None) -> PlanNode:
    """Expose ``node``'s columns under ``alias`` (and renamed to ``columns`` if given)."""
    width = len(node.schema)
    names = list(node.schema.names)
    if columns:
        if len(columns) > width:
            raise SchemaError(f"{alias!r} has {width} columns but {len(columns)} column aliases")
        names[: len(columns)] = columns
    exprs = tuple(ColumnRef.of(node.schema, i) for i in range(width))
    return Project(node, exprs, tuple(names), table=alias)


def _values(node: exp.Values, env: Env) -> PlanNode:
    builder = ExprBuilder(Scope([]), env.dialect, "VALUES")
    rows = []
    for row in node.expressions:
        items = row.expressions if isinstance(row, exp.Tuple) else [row]
        rows.append(tuple(builder.build(e) for e in items))
    values = Values(tuple(rows))
    alias = node.args.get("alias")
    if alias is not None:
        return _requalify(values, alias.name or None, [c.name for c in alias.columns])
    return values


# -- FROM ----------------------------------------------------------------------------------


def _from_item(item: exp.Expr, env: Env) -> Source:
    alias_node = item.args.get("alias")
    alias = alias_node.name if alias_node is not None and alias_node.name else None
    columns = [c.name for c in alias_node.columns] if alias_node is not None else []
    if isinstance(item, exp.Table):
        if not isinstance(item.this, exp.Identifier):
            raise unsupported(f"table function {describe(item, env.dialect)}")
        if item.args.get("joins"):
            raise unsupported("parenthesised join")
        for arg, what in (
            ("sample", "TABLESAMPLE"),
            ("pivots", "PIVOT"),
            ("version", "time travel"),
        ):
            if item.args.get(arg):
                raise unsupported(what)
        name = item.name
        shared = env.ctes.get(name.casefold())
        if shared is None:
            shared = env.catalog.view(name)
        if shared is not None:
            qualifier = alias or name
            return Source(qualifier, _requalify(shared, qualifier, columns))
        table = env.catalog.table(name)
        node: PlanNode = Scan(table, alias if alias and alias != table.name else None)
        if columns:
            node = _requalify(node, alias or table.name, columns)
        return Source(alias or table.name, node, inferred=name.casefold() in env.inferred)
    if isinstance(item, exp.Subquery):
        if (
            isinstance(item.this, exp.Table)
            or item.this.args.get("joins")
            and not isinstance(item.this, exp.Query)
        ):
            raise unsupported("parenthesised join")
        inner = build_query(item.this, env)
        inner = _order_limit_on_output(item, inner, env)
        return Source(alias, _requalify(inner, alias, columns))
    if isinstance(item, exp.Values):
        return Source(alias, _values(item, env))
    raise unsupported(f"FROM item {describe(item, env.dialect)}")


def _join_kind(join: exp.Join, env: Env) -> str:
    if join.args.get("method"):
        raise unsupported(f"{join.args['method']} JOIN")
    if join.args.get("using"):
        raise unsupported("JOIN ... USING")
    side = (join.args.get("side") or "").upper()
    kind = (join.args.get("kind") or "").upper()
    if side in ("RIGHT", "FULL"):
        raise unsupported(f"{side} JOIN")
    if kind in ("SEMI", "ANTI", "ASOF", "POSITIONAL", "STRAIGHT_JOIN"):
        raise unsupported(f"{kind} JOIN")
    if side == "LEFT":
        return "left"
    return "inner"


def _split_keys(
    predicates: list[Expr], split: int, width: int
) -> tuple[list[int], list[int], list[Expr]]:
    """Pull ``left col = right col`` equalities out of ``predicates``.

    Left columns are positions ``< split``; right ones ``split <= i < split + width``.
    Returns the left keys, the right keys (relative to the right input) and the rest.
    """
    lk, rk, rest = [], [], []
    for p in predicates:
        if (
            isinstance(p, Comparison)
            and p.op == "="
            and isinstance(p.left, ColumnRef)
            and isinstance(p.right, ColumnRef)
        ):
            a, b = p.left.index, p.right.index
            if b < split <= a < split + width:
                a, b = b, a
            if a < split <= b < split + width:
                lk.append(a)
                rk.append(b - split)
                continue
        rest.append(p)
    return lk, rk, rest


# -- SELECT --------------------------------------------------------------------------------


def _select(sel: exp.Select, env: Env, info: SelectInfo | None) -> PlanNode:
    for arg, what in _UNSUPPORTED_SELECT_ARGS.items():
        if sel.args.get(arg):
            raise unsupported(what)
    distinct = sel.args.get("distinct")
    if distinct is not None and distinct.args.get("on") is not None:
        raise unsupported("DISTINCT ON")
    if sel.args.get("kind"):
        raise unsupported(f"SELECT {sel.args['kind']}")

    # FROM and JOIN sources
    from_ = sel.args.get("from_")
    joins = sel.args.get("joins") or []
    sources: list[Source] = []
    kinds: list[str] = []
    ons: list[exp.Expr | None] = []
    if from_ is not None:
        sources.append(_from_item(from_.this, env))
        for j in joins:
            kinds.append(_join_kind(j, env))
            ons.append(j.args.get("on"))
            sources.append(_from_item(j.this, env))
    scope = Scope(sources)

    # SELECT list (first: aliases may be used by WHERE, GROUP BY, HAVING, ORDER BY)
    items, names = _select_list(sel, scope, env)
    aliases = {}
    for e, n, node in zip(items, names, sel.expressions, strict=False):
        if isinstance(node, exp.Alias):
            aliases.setdefault(n.casefold(), e)

    # WHERE
    where: list[Expr] = []
    if sel.args.get("where") is not None:
        builder = ExprBuilder(scope, env.dialect, "WHERE", aliases=aliases)
        where = conjuncts(builder.build(sel.args["where"].this))

    # the join tree
    equalities: list[tuple[int, int]] = []
    if not sources:
        plan: PlanNode = Values(((),))
    else:
        plan = sources[0].node
        for k in range(1, len(sources)):
            right = sources[k]
            kind, on = kinds[k - 1], ons[k - 1]
            split, width = right.offset, len(right.schema)
            on_preds: list[Expr] = []
            if on is not None:
                prefix = scope.prefix(k + 1)
                on_preds = conjuncts(ExprBuilder(prefix, env.dialect, "ON").build(on))
            lk, rk, residual = _split_keys(on_preds, split, width)
            if kind == "inner":
                wk, wr, where = _split_keys(where, split, width)
                lk += wk
                rk += wr
                equalities.extend((a, b + split) for a, b in zip(lk, rk, strict=True))
            plan = Join(plan, right.node, kind, tuple(lk), tuple(rk), conjoin(residual))
    if where:
        plan = Filter(plan, conjoin(where))  # type: ignore[arg-type]

    # grouping
    group_node = sel.args.get("group")
    having_node = sel.args.get("having")
    order_node = sel.args.get("order")
    agg_builder = ExprBuilder(scope, env.dialect, "HAVING", aggregates=True, aliases=aliases)
    having = agg_builder.build(having_node.this) if having_node is not None else None
    order_terms = order_node.expressions if order_node is not None else []
    grouped = (
        group_node is not None
        or having is not None
        or any(contains_aggregate(e) for e in items)
        or any(isinstance(n, exp.AggFunc) for t in order_terms for n in t.walk())
    )
    lift = None
    group_exprs: list[Expr] = []
    if grouped:
        if group_node is not None:
            for key in ("grouping_sets", "cube", "rollup"):
                if group_node.args.get(key):
                    raise unsupported(f"GROUP BY {key.upper().replace('_', ' ')}")
            group_exprs = [
                _group_expr(g, scope, env, items, aliases) for g in group_node.expressions
            ]
        lift = _Lifter(group_exprs)
        for e in items:
            lift.collect(e)
        if having is not None:
            lift.collect(having)
        order_exprs = [
            _order_expr(o.this, scope, env, aliases, items, names, aggregates=True)
            for o in order_terms
        ]
        for oe in order_exprs:
            if isinstance(oe, Expr):
                lift.collect(oe)
        plan = Aggregate(plan, tuple(group_exprs), tuple(lift.aggs))
        lift.bind(plan)
        if having is not None:
            plan = Filter(plan, lift.lift(having))
        items = [lift.lift(e) for e in items]
        order_exprs = [lift.lift(oe) if isinstance(oe, Expr) else oe for oe in order_exprs]
    else:
        order_exprs = [
            _order_expr(o.this, scope, env, aliases, items, names, aggregates=False)
            for o in order_terms
        ]

    # ORDER BY terms that are not output columns become hidden columns
    exprs = list(items)
    sort_positions: list[int] = []
    for oe in order_exprs:
        if isinstance(oe, int):
            sort_positions.append(oe)
            continue
        try:
            sort_positions.append(exprs.index(oe))
        except ValueError:
            if distinct is not None:
                raise unsupported("ORDER BY a term not in the SELECT DISTINCT list") from None
            exprs.append(oe)
            sort_positions.append(len(exprs) - 1)
    hidden = len(exprs) - len(items)
    out_names = list(names) + [f"_order{i}" for i in range(hidden)]
    plan = Project(plan, tuple(exprs), tuple(out_names))
    if distinct is not None:
        plan = Distinct(plan)
    if order_terms:
        keys = tuple(
            SortKey(
                ColumnRef.of(plan.schema, pos),
                bool(o.args.get("desc")),
                bool(o.args.get("nulls_first")),
            )
            for pos, o in zip(sort_positions, order_terms, strict=True)
        )
        plan = Sort(plan, keys)
    plan = _limit(sel, plan, env)
    if hidden:
        plan = Project(
            plan, tuple(ColumnRef.of(plan.schema, i) for i in range(len(items))), tuple(names)
        )

    if info is not None:
        info.where = where
        info.equalities = equalities
        info.output_names = tuple(names)
        info.scope = scope
        info.visible = []
        for j, e in enumerate(items):
            if not isinstance(e, ColumnRef):
                continue
            if grouped:
                g = group_exprs[e.index] if e.index < len(group_exprs) else None
                if isinstance(g, ColumnRef):
                    info.visible.append((j, g.index))
            else:
                info.visible.append((j, e.index))
    return plan


def _select_list(sel: exp.Select, scope: Scope, env: Env) -> tuple[list[Expr], list[str]]:
    builder = ExprBuilder(scope, env.dialect, "SELECT list", aggregates=True)
    items: list[Expr] = []
    names: list[str] = []
    for node in sel.expressions:
        if isinstance(node, exp.Star) or (
            isinstance(node, exp.Column) and isinstance(node.this, exp.Star)
        ):
            table = node.table if isinstance(node, exp.Column) else None
            sources = [scope.source(table)] if table else scope.sources
            if not sources:
                raise SchemaError("SELECT * needs a FROM clause")
            for src in sources:
                if src.inferred:
                    raise SchemaError(
                        f"SELECT * needs a catalog to know the columns of table {src.alias!r}"
                    )
                for i, c in enumerate(src.schema):
                    items.append(ColumnRef.of(scope.schema, src.offset + i))
                    names.append(c.name)
            continue
        if isinstance(node, exp.Alias):
            items.append(builder.build(node.this))
            names.append(node.alias)
        else:
            items.append(builder.build(node))
            names.append(
                node.name if isinstance(node, exp.Column) else node.sql(dialect=env.dialect)
            )
    return items, names


def _group_expr(
    g: exp.Expr, scope: Scope, env: Env, items: list[Expr], aliases: dict[str, Expr]
) -> Expr:
    if isinstance(g, exp.Literal) and g.is_int:
        pos = int(g.this)
        if not 1 <= pos <= len(items):
            raise SchemaError(
                f"GROUP BY position {pos} is not in the SELECT list (1..{len(items)})"
            )
        e = items[pos - 1]
    else:
        e = ExprBuilder(scope, env.dialect, "GROUP BY", aliases=aliases).build(g)
    if contains_aggregate(e):
        raise SchemaError(f"aggregate {e} not allowed in GROUP BY")
    return e


def _order_expr(
    node: exp.Expr,
    scope: Scope,
    env: Env,
    aliases: dict[str, Expr],
    items: list[Expr],
    names: list[str],
    *,
    aggregates: bool,
) -> Expr | int:
    """An ORDER BY term: an output position (int) or an expression over the FROM row."""
    if isinstance(node, exp.Literal) and node.is_int:
        pos = int(node.this)
        if not 1 <= pos <= len(items):
            raise SchemaError(
                f"ORDER BY position {pos} is not in the SELECT list (1..{len(items)})"
            )
        return pos - 1
    if isinstance(node, exp.Column) and not node.table and isinstance(node.this, exp.Identifier):
        folded = node.name.casefold()
        for j, n in enumerate(names):
            if n.casefold() == folded:
                return j
    return ExprBuilder(
        scope, env.dialect, "ORDER BY", aggregates=aggregates, aliases=aliases
    ).build(node)


def _limit(node: exp.Expr, plan: PlanNode, env: Env) -> PlanNode:
    limit_node, offset_node = node.args.get("limit"), node.args.get("offset")
    if limit_node is None and offset_node is None:
        return plan
    limit = _int_clause(limit_node, "LIMIT") if limit_node is not None else None
    offset = _int_clause(offset_node, "OFFSET") if offset_node is not None else 0
    if limit_node is not None and limit_node.args.get("offset") is not None:
        offset = _int_value(limit_node.args["offset"], "OFFSET")
    if limit is not None and limit < 0:
        limit = None  # SQLite: a negative LIMIT means no limit
    return Limit(plan, limit, max(offset or 0, 0))


def _int_clause(node: exp.Expr, what: str) -> int | None:
    if isinstance(node, exp.Fetch):
        raise unsupported("FETCH FIRST")
    value = node.args.get("expression") if isinstance(node, exp.Limit | exp.Offset) else node
    if value is None:
        value = node.this
    return _int_value(value, what)


def _int_value(value: exp.Expr, what: str) -> int:
    negative = False
    if isinstance(value, exp.Neg):
        negative, value = True, value.this
    if isinstance(value, exp.Literal) and not value.is_string:
        try:
            n = int(value.this)
        except ValueError:
            raise unsupported(f"{what} {value.this}") from None
        return -n if negative else n
    raise unsupported(f"{what} with a non-constant value ({value.sql()})")


def _order_limit_on_output(node: exp.Expr, plan: PlanNode, env: Env) -> PlanNode:
    """ORDER BY / LIMIT attached to a parenthesised query or a UNION: by output column."""
    order = node.args.get("order")
    if order is not None:
        keys = []
        for o in order.expressions:
            target = o.this
            pos = None
            if isinstance(target, exp.Literal) and target.is_int:
                pos = int(target.this) - 1
                if not 0 <= pos < len(plan.schema):
                    raise SchemaError(f"ORDER BY position {pos + 1} is out of range")
            elif isinstance(target, exp.Column) and isinstance(target.this, exp.Identifier):
                hits = plan.schema.find_all(target.name)
                if hits:
                    pos = hits[0]
            if pos is None:
                raise unsupported(
                    f"ORDER BY {target.sql(dialect=env.dialect)} on a compound SELECT "
                    "(name an output column or give its position)"
                )
            keys.append(
                SortKey(
                    ColumnRef.of(plan.schema, pos),
                    bool(o.args.get("desc")),
                    bool(o.args.get("nulls_first")),
                )
            )
        plan = Sort(plan, tuple(keys))
    return _limit(node, plan, env)


def _union(node: exp.Union, env: Env) -> PlanNode:
    branches: list[PlanNode] = []
    all_ = not node.args.get("distinct")
    if node.args.get("by_name"):
        raise unsupported("UNION BY NAME")
    if node.args.get("side") or node.args.get("kind"):
        raise unsupported("UNION with a join side/kind")

    def add(branch: exp.Expr) -> None:
        same = (
            isinstance(branch, exp.Union)
            and (not branch.args.get("distinct")) == all_
            and not any(branch.args.get(k) for k in ("order", "limit", "offset", "with_"))
        )
        if same:
            add(branch.this)
            add(branch.expression)
        else:
            branches.append(build_query(branch, env))

    add(node.this)
    add(node.expression)
    plan: PlanNode = Union(tuple(branches), all=all_)
    return _order_limit_on_output(node, plan, env)


class _Lifter:
    """Rewrites SELECT/HAVING/ORDER BY expressions over an Aggregate's output."""

    def __init__(self, group_exprs: list[Expr]) -> None:
        self.groups = group_exprs
        self.aggs: list[AggCall] = []
        self.node: PlanNode | None = None

    def collect(self, e: Expr) -> None:
        if e in self.groups:
            return
        if isinstance(e, AggCall):
            if e not in self.aggs:
                self.aggs.append(e)
            return
        for c in e.children():
            self.collect(c)

    def bind(self, node: PlanNode) -> None:
        self.node = node

    def lift(self, e: Expr) -> Expr:
        assert self.node is not None
        schema = self.node.schema
        if e in self.groups:
            return ColumnRef.of(schema, self.groups.index(e))
        if isinstance(e, AggCall):
            return ColumnRef.of(schema, len(self.groups) + self.aggs.index(e))
        if isinstance(e, ColumnRef):
            raise UnsupportedSQLError(
                f"unsupported SQL: column {e} must appear in GROUP BY or inside an aggregate"
            )
        if isinstance(e, Literal | Param):
            return e
        return e.with_children([self.lift(c) for c in e.children()])
