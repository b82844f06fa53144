"""Private: infer the tables and columns a statement reads when no catalog is given.

Every base table named in a FROM clause (or as the target of a DML statement) gets the columns
the statement references on it, in order of first reference, with type ``UNKNOWN``. A column
must be qualified, or unambiguous: the only base table in its SELECT (sub-queries in FROM are
checked by the names they output).
"""

from __future__ import annotations

from sqlglot import exp

from dcsys.core.errors import SchemaError
from dcsys.core.relational.schema import Catalog, Column, TableSchema

__all__ = ["infer_catalog"]


class _Tables:
    def __init__(self) -> None:
        self.order: list[str] = []
        self.names: dict[str, str] = {}
        self.columns: dict[str, list[str]] = {}

    def table(self, name: str) -> None:
        key = name.casefold()
        if key not in self.names:
            self.names[key] = name
            self.columns[key] = []
            self.order.append(key)

    def column(self, table: str, column: str) -> None:
        self.table(table)
        cols = self.columns[table.casefold()]
        if column.casefold() not in (c.casefold() for c in cols):
            cols.append(column)

    def catalog(self) -> Catalog:
        return Catalog(
            TableSchema(self.names[k], tuple(Column(c) for c in self.columns[k]))
            for k in self.order
        )


def _output_names(query: exp.Expr) -> set[str] | None:
    """Folded names a sub-query outputs, or ``None`` if unknown (a ``*``)."""
    while isinstance(query, exp.Subquery):
        query = query.this
    if isinstance(query, exp.Union):
        return _output_names(query.this)
    if not isinstance(query, exp.Select):
        return None
    names = set()
    for e in query.expressions:
        if isinstance(e, exp.Star) or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star)):
            return None
        names.add((e.alias_or_name or "").casefold())
    return names


def _own_nodes(root: exp.Expr) -> list[exp.Expr]:
    """The nodes of ``root``'s own clauses (not inside nested queries or CTE bodies)."""

    def prune(node: exp.Expr) -> bool:
        return node is not root and isinstance(node, exp.Query | exp.Subquery | exp.With)

    return list(root.walk(prune=prune))


def _sources(sel: exp.Select, ctes: set[str]) -> list[tuple[str, str | None, set[str] | None]]:
    """``(alias, base table or None, output names of a derived source)`` per FROM item."""
    items = []
    from_ = sel.args.get("from_")
    if from_ is not None:
        items.append(from_.this)
    items.extend(j.this for j in sel.args.get("joins") or [])
    out = []
    for item in items:
        alias = item.alias
        if isinstance(item, exp.Table) and isinstance(item.this, exp.Identifier):
            name = item.name
            if name.casefold() in ctes:
                out.append((alias or name, None, None))
            else:
                out.append((alias or name, name, None))
        elif isinstance(item, exp.Subquery):
            out.append((alias, None, _output_names(item.this)))
        else:
            out.append((alias, None, None))
    return out


def _visit_select(sel: exp.Select, ctes: set[str], tables: _Tables) -> None:
    sources = _sources(sel, ctes)
    for _, base, _ in sources:
        if base is not None:
            tables.table(base)
    aliases = {(e.alias or "").casefold() for e in sel.expressions if isinstance(e, exp.Alias)}
    for node in _own_nodes(sel):
        if not isinstance(node, exp.Column) or isinstance(node.this, exp.Star):
            continue
        name, qualifier = node.name, node.table
        if qualifier:
            for alias, base, _ in sources:
                if alias and alias.casefold() == qualifier.casefold() and base is not None:
                    tables.column(base, name)
            continue
        bases = [base for _, base, _ in sources if base is not None]
        derived = [names for _, base, names in sources if base is None]
        provided = any(names is None or name.casefold() in names for names in derived)
        if len(bases) == 1 and not provided:
            tables.column(bases[0], name)
        elif len(bases) > 1 and not provided and name.casefold() not in aliases:
            raise SchemaError(
                f"column {name!r} is ambiguous without a catalog: qualify it with its table "
                f"(one of {', '.join(bases)})"
            )


def infer_catalog(statement: exp.Expr) -> tuple[Catalog, frozenset[str]]:
    """The catalog a statement implies, and the folded names of the tables in it."""
    tables = _Tables()
    ctes = {cte.alias.casefold() for cte in statement.find_all(exp.CTE)}
    if isinstance(statement, exp.Insert):
        target = statement.this
        table = target.this if isinstance(target, exp.Schema) else target
        tables.table(table.name)
        if isinstance(target, exp.Schema):
            for ident in target.expressions:
                tables.column(table.name, ident.name)
    elif isinstance(statement, exp.Update | exp.Delete):
        table = statement.this
        tables.table(table.name)
        for node in _own_nodes(statement):
            if isinstance(node, exp.Column) and not isinstance(node.this, exp.Star):
                tables.column(table.name, node.name)
    for sel in statement.find_all(exp.Select):
        _visit_select(sel, ctes, tables)
    return tables.catalog(), frozenset(tables.order)
