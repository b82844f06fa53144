"""Private: fold plan operators into SQL ``SELECT`` blocks (sqlglot ASTs) for ``to_sql``."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from sqlglot import exp

from dcsys.core.errors import UnsupportedSQLError
from dcsys.core.relational.expr import ColumnRef, Expr, Param
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
from dcsys.core.relational.statements import (
    CreateTable,
    CreateView,
    Delete,
    DropTable,
    Insert,
    Update,
)

from ._render import ExprRenderer, _paren, data_type, identifier

__all__ = ["Writer"]

FROM, WHERE, GROUP, HAVING, SELECT, DISTINCT, ORDER, LIMIT = range(8)
_SAFE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class _Block:
    """A SELECT under construction; ``cols`` compute its output columns in its own scope."""

    cols: list[exp.Expr]
    names: list[str]
    stage: int = FROM
    tables: list[exp.Expr] = field(default_factory=list)
    where: list[exp.Expr] = field(default_factory=list)
    group: list[exp.Expr] | None = None
    having: list[exp.Expr] = field(default_factory=list)
    distinct: bool = False
    order: list[exp.Ordered] = field(default_factory=list)
    limit: int | None = None
    offset: int = 0
    union: exp.Expr | None = None


def _has_param(e: exp.Expr) -> bool:
    return any(isinstance(n, exp.Placeholder) for n in e.walk())


def _conjoin(parts: list[exp.Expr]) -> exp.Expr:
    out = _paren(parts[0], 2)
    for p in parts[1:]:
        out = exp.And(this=out, expression=_paren(p, 2, True))
    return out


def _is_constant(e: exp.Expr) -> bool:
    """Whether ``e`` has no column, parameter or aggregate (so it sorts or groups nothing)."""
    return not any(
        isinstance(n, exp.Column | exp.Placeholder | exp.AggFunc | exp.Star) for n in e.walk()
    )


class Writer:
    """Builds the sqlglot AST of a plan, block by block."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.renderer = ExprRenderer(dialect)
        self.used_aliases: set[str] = set()

    # -- helpers --------------------------------------------------------------------------

    def render(self, e: Expr, cols: list[exp.Expr]) -> exp.Expr:
        return self.renderer.render(e, cols)

    def fresh_alias(self, base: str) -> str:
        name, n = base, 1
        while name.casefold() in self.used_aliases:
            name = f"{base}_{n}"
            n += 1
        self.used_aliases.add(name.casefold())
        return name

    def ident(self, name: str) -> exp.Identifier:
        return identifier(name, self.dialect)

    def substitutable(self, block: _Block, exprs: list[Expr], *, replaces: bool) -> bool:
        """Whether ``exprs`` may be inlined over ``block.cols``.

        A column holding a parameter may be used at most once (so the parameter is written
        once) and, if the result ``replaces`` the columns, exactly once (so it is not lost).
        """
        uses: Counter[int] = Counter()
        for e in exprs:
            for node in _walk(e):
                if isinstance(node, ColumnRef):
                    uses[node.index] += 1
        for i, col in enumerate(block.cols):
            if _has_param(col) and (uses[i] > 1 or (replaces and uses[i] == 0)):
                return False
        return True

    def item(self, col: exp.Expr, name: str) -> exp.Expr:
        if isinstance(col, exp.Column) and col.name == name:
            return col
        if col.sql(dialect=self.dialect) == name:
            return col
        return exp.Alias(this=col, alias=self.ident(name))

    def internal_names(self, names: list[str]) -> list[str]:
        out, seen = [], set()
        for i, n in enumerate(names):
            name = n if _SAFE.match(n) and n.casefold() not in seen else f"_c{i}"
            while name.casefold() in seen:
                name = f"_{name}"
            seen.add(name.casefold())
            out.append(name)
        return out

    # -- blocks → queries -----------------------------------------------------------------

    def query(
        self, b: _Block, names: list[str], extra: list[tuple[exp.Expr, str]] | None = None
    ) -> exp.Query:
        if b.union is not None:
            q = b.union.copy()
            first = q
            while isinstance(first, exp.Union):
                first = first.this
            if isinstance(first, exp.Select):  # name the columns after the first branch
                items = [e.this if isinstance(e, exp.Alias) else e for e in first.expressions]
                first.set(
                    "expressions", [self.item(c, n) for c, n in zip(items, names, strict=True)]
                )
        else:
            if not b.cols:
                raise UnsupportedSQLError("unsupported SQL: a query with no output columns")
            items = [self.item(c, n) for c, n in zip(b.cols, names, strict=True)]
            items += [self.item(c, n) for c, n in extra or []]
            q = exp.Select(expressions=items)
            if b.tables:
                q.set("from_", exp.From(this=b.tables[0]))
                if len(b.tables) > 1:
                    q.set("joins", list(b.tables[1:]))
            if b.where:
                q.set("where", exp.Where(this=_conjoin(b.where)))
            if b.group:
                q.set("group", exp.Group(expressions=b.group))
            if b.having:
                q.set("having", exp.Having(this=_conjoin(b.having)))
            if b.distinct:
                q.set("distinct", exp.Distinct())
        if b.order:
            q.set("order", exp.Order(expressions=b.order))
        limit, offset = b.limit, b.offset
        if offset and limit is None:
            if self.dialect == "sqlite":
                limit = -1
            elif self.dialect == "mysql":
                limit = 2**64 - 1
        if limit is not None:
            q.set("limit", exp.Limit(expression=self.renderer.literal(limit)))
        if offset:
            q.set("offset", exp.Offset(expression=exp.Literal.number(offset)))
        return q

    def wrap(self, b: _Block, hint: str | None = None) -> _Block:
        """Make ``b`` a derived table (aliased ``hint`` if free) of a new block, keeping its order."""
        names = self.internal_names(b.names)
        alias = self.fresh_alias(hint if hint and _SAFE.match(hint) else "_q")
        extra: list[tuple[exp.Expr, str]] = []
        order_names: list[tuple[str, exp.Ordered]] = []
        for o in b.order:
            term = o.this
            if b.union is not None:
                name = names[int(term.this) - 1]
            elif term in b.cols:
                name = names[b.cols.index(term)]
            else:  # expose the sort key as an extra column of the derived table
                name = f"_s{len(extra)}"
                while name.casefold() in {n.casefold() for n in names}:
                    name = "_" + name
                extra.append((term, name))
            order_names.append((name, o))
        inner = b
        if b.order and b.limit is None and not b.offset and b.union is None:
            inner = _Block(**{**b.__dict__, "order": []})  # the outer block sorts
        sub = exp.Subquery(
            this=self.query(inner, names, extra), alias=exp.TableAlias(this=self.ident(alias))
        )
        cols: list[exp.Expr] = [
            exp.Column(this=self.ident(n), table=self.ident(alias)) for n in names
        ]
        outer = _Block(cols, list(b.names), FROM, tables=[sub])
        if order_names:
            outer.order = [
                exp.Ordered(
                    this=exp.Column(this=self.ident(n), table=self.ident(alias)),
                    desc=o.args.get("desc"),
                    nulls_first=o.args.get("nulls_first"),
                )
                for n, o in order_names
            ]
            outer.stage = ORDER
        return outer

    def as_source(self, b: _Block, node: PlanNode) -> _Block:
        """``b`` as a block that is still at its FROM/WHERE stage (wrapping it if needed)."""
        if b.union is not None or b.stage > WHERE or b.group is not None or not b.tables:
            tables = {c.table for c in node.schema}
            b = self.wrap(b, tables.pop() if len(tables) == 1 else None)
            b.order, b.stage = [], FROM  # a join's row order is unspecified
        return b

    # -- nodes ----------------------------------------------------------------------------

    def block(self, node: PlanNode) -> _Block:
        method = getattr(self, f"_{type(node).__name__.lower()}", None)
        if method is None:
            raise UnsupportedSQLError(f"unsupported SQL: cannot write {node.describe()} as SQL")
        return method(node)

    def _scan(self, node: Scan) -> _Block:
        alias = self.fresh_alias(node.alias or node.table.name)
        table = exp.Table(this=self.ident(node.table.name))
        if alias != node.table.name:
            table.set("alias", exp.TableAlias(this=self.ident(alias)))
        cols: list[exp.Expr] = [
            exp.Column(this=self.ident(c.name), table=self.ident(alias)) for c in node.table.columns
        ]
        return _Block(cols, [c.name for c in node.table.columns], FROM, tables=[table])

    def _values(self, node: Values) -> _Block:
        names = list(node.schema.names)
        if not names:
            if len(node.rows) != 1:
                raise UnsupportedSQLError("unsupported SQL: VALUES without columns")
            return _Block([], [], FROM)
        rows = [[self.render(e, []) for e in row] for row in node.rows]
        if not rows:
            block = _Block([exp.Null() for _ in names], names, SELECT)
            block.where = [exp.false()]
            return block
        if len(rows) == 1:
            return _Block(rows[0], names, SELECT)
        internal = self.internal_names(names)
        selects = [
            exp.Select(expressions=[self.item(c, n) for c, n in zip(r, internal, strict=True)])
            for r in rows
        ]
        union: exp.Expr = selects[0]
        for s in selects[1:]:
            union = exp.Union(this=union, expression=s, distinct=False)
        return self.wrap(_Block([exp.column(n) for n in internal], internal, DISTINCT, union=union))

    def _filter(self, node: Filter) -> _Block:
        b = self.block(node.input)
        if b.union is None and b.stage <= HAVING:
            cond = self.render(node.predicate, b.cols)
            if b.group is None:
                b.where.append(cond)
                b.stage = max(b.stage, WHERE)
            else:
                b.having.append(cond)
                b.stage = HAVING
            return b
        if (
            b.union is None
            and b.stage == SELECT
            and self.substitutable(b, [node.predicate], replaces=False)
        ):
            cond = self.render(node.predicate, b.cols)
            (b.where if b.group is None else b.having).append(cond)
            return b
        b = self.wrap(b)
        b.where.append(self.render(node.predicate, b.cols))
        b.stage = max(b.stage, WHERE)
        return b

    def _project(self, node: Project) -> _Block:
        b = self.block(node.input)
        exprs = list(node.exprs)
        ok = (
            b.union is None
            and not b.distinct
            and (b.stage <= SELECT or b.stage in (ORDER, LIMIT))
            and self.substitutable(b, exprs, replaces=True)
            and (b.tables or b.stage >= SELECT or not b.cols)
        )
        if not ok:
            b = self.wrap(b)
        b.cols = [self.render(e, b.cols) for e in exprs]
        b.names = list(node.schema.names)
        b.stage = max(b.stage, SELECT)
        return b

    def _join(self, node: Join) -> _Block:
        left = self.as_source(self.block(node.left), node.left)
        right = self.as_source(self.block(node.right), node.right)
        if len(right.tables) != 1:
            right = self.wrap(right)
        cols = left.cols + right.cols
        conds: list[exp.Expr] = [
            exp.EQ(this=left.cols[a].copy(), expression=right.cols[b].copy())
            for a, b in zip(node.left_keys, node.right_keys, strict=True)
        ]
        if node.residual is not None:
            conds.append(self.render(node.residual, cols))
        conds.extend(right.where)
        item = right.tables[0]
        if node.kind == "left":
            join = exp.Join(this=item, side="LEFT", on=_conjoin(conds) if conds else exp.true())
        elif conds:
            join = exp.Join(this=item, on=_conjoin(conds))
        else:
            join = exp.Join(this=item, kind="CROSS")
        left.tables.append(join)
        left.cols = cols
        left.names = left.names + right.names
        return left

    def _aggregate(self, node: Aggregate) -> _Block:
        constant = [not _refs(g) and not _params(g) for g in node.group_by]
        if any(constant):
            # GROUP BY <constant>: compute the constant as a column first, and group by that
            # column (a literal would be read as a position, and must still group).
            width = len(node.input.schema)
            extra = [g for g, c in zip(node.group_by, constant, strict=True) if c]
            inner = Project(
                node.input,
                tuple(ColumnRef.of(node.input.schema, i) for i in range(width)) + tuple(extra),
                tuple(f"_c{i}" for i in range(width + len(extra))),
            )
            slots = iter(range(width, width + len(extra)))
            group = tuple(
                ColumnRef.of(inner.schema, next(slots)) if c else g
                for g, c in zip(node.group_by, constant, strict=True)
            )
            return self._aggregate(Aggregate(inner, group, node.aggregates, node.schema.names))
        b = self.block(node.input)
        exprs = list(node.group_by) + list(node.aggregates)
        ok = (
            b.union is None
            and b.group is None
            and not b.distinct
            and b.stage <= SELECT
            and self.substitutable(b, exprs, replaces=True)
        )
        if ok and any(_is_constant(self.render(g, b.cols)) for g in node.group_by):
            ok = False  # the column is a constant in this block: group the derived column
        if not ok:
            b = self.wrap(b)
        group = [self.render(g, b.cols) for g in node.group_by]
        aggs = [self.render(a, b.cols) for a in node.aggregates]
        b.group = group
        b.cols = group + aggs
        b.names = list(node.schema.names)
        b.stage = GROUP
        b.order = []  # grouping forgets the order
        return b

    def _distinct(self, node: Distinct) -> _Block:
        b = self.block(node.input)
        if b.union is not None or b.stage > SELECT:
            b = self.wrap(b)
            if not all(o.this in b.cols for o in b.order):
                b.order = []  # SELECT DISTINCT can only sort by its own columns
        b.distinct = True
        b.stage = DISTINCT
        return b

    def _union(self, node: Union) -> _Block:
        parts = []
        names = list(node.schema.names)
        internal = self.internal_names(names)
        for i, child in enumerate(node.inputs):
            b = self.block(child)
            if b.order or b.limit is not None or b.offset or (b.union is not None and i > 0):
                b = self.wrap(b)
                b.order = []  # a UNION branch cannot be sorted
            parts.append(self.query(b, internal if i == 0 else list(b.names)))
        union = parts[0]
        for p in parts[1:]:
            union = exp.Union(this=union, expression=p, distinct=not node.all)
        cols: list[exp.Expr] = [exp.column(n) for n in internal]
        block = _Block(cols, names, DISTINCT, union=union)
        return block

    def _sort(self, node: Sort) -> _Block:
        b = self.block(node.input)
        plain = all(isinstance(k.expr, ColumnRef) for k in node.keys)
        repeats_param = b.stage >= SELECT and any(
            _has_param(b.cols[i]) for k in node.keys for i in _refs(k.expr)
        )
        # MySQL has no NULLS FIRST/LAST; sqlglot sorts by an IS NULL flag, which DISTINCT forbids
        mysql_nulls = self.dialect == "mysql" and any(
            k.nulls_first == k.descending for k in node.keys
        )
        if (
            b.stage > ORDER
            or (b.union is not None and (not plain or mysql_nulls))
            or (b.distinct and (not plain or mysql_nulls))
            or repeats_param
        ):
            b = self.wrap(b)
        order = []
        for k in node.keys:
            if b.union is not None:
                assert isinstance(k.expr, ColumnRef)
                target: exp.Expr = exp.Literal.number(k.expr.index + 1)
            else:
                target = self.render(k.expr, b.cols)
                if _is_constant(target):
                    continue  # sorts nothing (and an integer would be read as a position)
            order.append(exp.Ordered(this=target, desc=k.descending, nulls_first=k.nulls_first))
        b.order = order + b.order  # an earlier order breaks ties, as a stable sort would
        b.stage = max(b.stage, ORDER)
        return b

    def _limit(self, node: Limit) -> _Block:
        b = self.block(node.input)
        if b.stage == LIMIT:
            b = self.wrap(b)
        b.limit, b.offset = node.limit, node.offset
        b.stage = LIMIT
        return b

    # -- statements -----------------------------------------------------------------------

    def table(self, name: str) -> exp.Table:
        return exp.Table(this=self.ident(name))

    def statement(self, node: PlanNode) -> exp.Expr:
        if isinstance(node, CreateTable):
            return self._create_table(node)
        if isinstance(node, CreateView):
            return exp.Create(
                kind="VIEW", this=self.table(node.name), expression=self.full_query(node.query)
            )
        if isinstance(node, DropTable):
            return exp.Drop(kind="TABLE", tables=[self.table(node.name)], exists=node.if_exists)
        if isinstance(node, Insert):
            target = exp.Schema(
                this=self.table(node.table.name), expressions=[self.ident(c) for c in node.columns]
            )
            if node.query is not None:
                source: exp.Expr = self.full_query(node.query)
            else:
                source = exp.Values(
                    expressions=[
                        exp.Tuple(expressions=[self.render(e, []) for e in row])
                        for row in node.rows
                    ]
                )
            return exp.Insert(this=target, expression=source)
        if isinstance(node, Update | Delete):
            cols: list[exp.Expr] = [exp.Column(this=self.ident(c.name)) for c in node.table.columns]
            where = None
            if node.predicate is not None:
                where = exp.Where(this=self.render(node.predicate, cols))
            if isinstance(node, Delete):
                return exp.Delete(this=self.table(node.table.name), where=where)
            sets = [
                exp.EQ(
                    this=exp.Column(this=self.ident(node.table.columns[i].name)),
                    expression=self.render(e, cols),
                )
                for i, e in node.assignments
            ]
            return exp.Update(this=self.table(node.table.name), expressions=sets, where=where)
        raise UnsupportedSQLError(f"unsupported SQL: cannot write {node.describe()} as SQL")

    def _create_table(self, node: CreateTable) -> exp.Expr:
        t = node.table
        defs: list[exp.Expr] = []
        single_int_key = (
            self.dialect == "sqlite"
            and len(t.primary_key) == 1
            and t.schema.column(t.primary_key[0]).type.value == "INT"
        )
        for c in t.columns:
            constraints = []
            is_key = c.name in t.primary_key
            if single_int_key and is_key:
                constraints.append(exp.ColumnConstraint(kind=exp.PrimaryKeyColumnConstraint()))
            if not c.nullable and not (single_int_key and is_key):
                constraints.append(exp.ColumnConstraint(kind=exp.NotNullColumnConstraint()))
            if c.default is not None:
                constraints.append(
                    exp.ColumnConstraint(
                        kind=exp.DefaultColumnConstraint(this=self.renderer.literal(c.default))
                    )
                )
            if c.auto_increment and self.dialect in ("mysql", "postgres"):
                constraints.append(exp.ColumnConstraint(kind=exp.AutoIncrementColumnConstraint()))
            kind = data_type(c.type, self.dialect)
            if single_int_key and is_key:
                kind = exp.DataType.build("INTEGER")
            defs.append(exp.ColumnDef(this=self.ident(c.name), kind=kind, constraints=constraints))
        if t.primary_key and not single_int_key:
            defs.append(exp.PrimaryKey(expressions=[self.ident(k) for k in t.primary_key]))
        schema = exp.Schema(this=self.table(t.name), expressions=defs)
        return exp.Create(kind="TABLE", this=schema, exists=node.if_not_exists)

    def full_query(self, node: PlanNode) -> exp.Query:
        b = self.block(node)
        return self.query(b, list(b.names))


def _refs(e: Expr) -> set[int]:
    return {n.index for n in _walk(e) if isinstance(n, ColumnRef)}


def _params(e: Expr) -> set[int]:
    return {n.index for n in _walk(e) if isinstance(n, Param)}


def _walk(e: Expr):  # noqa: ANN202 - tiny local generator
    stack = [e]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(n.children())
