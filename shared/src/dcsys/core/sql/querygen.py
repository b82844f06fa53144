"""Seeded random databases and SQL queries, for differential tests.

:func:`random_database` makes a few small tables (an ``INT`` primary key, nullable ``INT``,
``FLOAT`` and ``TEXT`` columns with small domains so joins and groups collide, about one value
in six ``NULL``); :class:`QueryGenerator` writes random queries over such a catalog covering
the subset :func:`~dcsys.core.sql.parse` supports: expressions, predicates, inner/left/comma
joins, sub-queries and CTEs in FROM, grouping with every aggregate, HAVING, DISTINCT,
ORDER BY/LIMIT/OFFSET, UNION [ALL] and ``?`` parameters.

Every query says how to compare its result: as an ordered list when its ORDER BY makes the
order total, else as a multiset; and which output columns hold ``GROUP_CONCAT`` (whose element
order SQL leaves open). Queries are type-correct (no comparison of text with numbers), so
SQLite's column affinities never matter. :func:`normalise_result` puts a result in comparable
form.

Examples:
    >>> db = random_database(seed=7)
    >>> gen = QueryGenerator(db.catalog, seed=7)
    >>> q = gen.query()
    >>> isinstance(q.sql, str) and q.sql.startswith(("SELECT", "WITH"))
    True
    >>> len(db.create_statements()) == len(db.rows)
    True
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dcsys.core.relational.schema import Catalog, Column, TableSchema
from dcsys.core.relational.types import ColumnType

__all__ = [
    "GeneratedQuery",
    "QueryGenerator",
    "RandomDatabase",
    "normalise_result",
    "random_database",
]

_WORDS = [
    "a",
    "b",
    "ab",
    "Ab",
    "ba",
    "abc",
    "B",
    "x_y",
    "x%y",
    "",
    "hello",
    "Hello",
    "zz",
    "é",
    "É",
]
_PATTERNS = ["a%", "%b", "%", "_", "a_", "%a%", "A%", "x\\_y", "x_y", "%%", "h%o", "é%", "", "ab"]
_SEP = "|"


class _Rand:
    """A thin wrapper over a numpy ``Generator`` that returns plain Python values."""

    def __init__(self, seed: int | np.random.Generator) -> None:
        self.rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def int(self, low: int, high: int) -> int:
        """An integer in ``[low, high]``."""
        return int(self.rng.integers(low, high + 1))

    def pick(self, items: Sequence[Any]) -> Any:
        return items[int(self.rng.integers(0, len(items)))]

    def sample(self, items: Sequence[Any], k: int) -> list[Any]:
        idx = self.rng.permutation(len(items))[:k]
        return [items[int(i)] for i in idx]


def _value(r: _Rand, ctype: ColumnType, null_p: float = 0.17) -> Any:
    if r.chance(null_p):
        return None
    if ctype is ColumnType.INT:
        return r.int(-3, 9)
    if ctype is ColumnType.FLOAT:
        return r.int(-20, 20) / 4.0
    return r.pick(_WORDS)


@dataclass
class RandomDatabase:
    """A random catalog and the rows of its tables.

    Attributes:
        catalog: the tables.
        rows: table name → rows.
    """

    catalog: Catalog
    rows: dict[str, list[tuple[Any, ...]]]

    def create_statements(self, dialect: str = "sqlite") -> list[str]:
        """``CREATE TABLE`` statements for the tables, in ``dialect``."""
        from dcsys.core.relational.statements import CreateTable
        from dcsys.core.sql.generator import to_sql

        return [to_sql(CreateTable(t), dialect) for t in self.catalog]

    def load_sqlite(self, connection: Any) -> None:
        """Create and fill the tables in an open ``sqlite3`` connection (and commit)."""
        for statement in self.create_statements("sqlite"):
            connection.execute(statement)
        for table in self.catalog:
            marks = ", ".join("?" for _ in table.columns)
            connection.executemany(
                f"INSERT INTO {table.name} VALUES ({marks})", self.rows[table.name]
            )
        connection.commit()


def random_database(
    seed: int | np.random.Generator, *, tables: int = 3, max_rows: int = 20
) -> RandomDatabase:
    """Random tables ``t0``, ``t1``... with an ``id INT PRIMARY KEY`` and 2-4 typed columns.

    Args:
        seed: the seed (or a numpy ``Generator``).
        tables: how many tables.
        max_rows: the most rows per table (some tables may be empty).

    Returns:
        The catalog and rows.
    """
    r = _Rand(seed)
    catalog = Catalog()
    rows: dict[str, list[tuple[Any, ...]]] = {}
    kinds = [ColumnType.INT, ColumnType.FLOAT, ColumnType.TEXT]
    for t in range(tables):
        columns = [Column("id", ColumnType.INT, nullable=False)]
        ncols = r.int(3, 5)
        for c in range(1, ncols):
            ctype = kinds[(c - 1) % 3] if c <= 3 else r.pick(kinds)
            columns.append(Column(f"c{c}", ctype))
        table = TableSchema(f"t{t}", tuple(columns), ("id",))
        catalog.add(table)
        n = r.int(0, max_rows) if r.chance(0.15) else r.int(max_rows // 2, max_rows)
        rows[table.name] = [(i + 1, *(_value(r, c.type) for c in columns[1:])) for i in range(n)]
    return RandomDatabase(catalog, rows)


@dataclass(frozen=True)
class GeneratedQuery:
    """One random query.

    Attributes:
        sql: the SQL text (SQLite dialect, ``?`` placeholders).
        params: the parameter values, in placeholder order.
        ordered: whether the result order is fully determined (compare as lists).
        concat_columns: output positions holding ``GROUP_CONCAT`` results.
    """

    sql: str
    params: tuple[Any, ...] = ()
    ordered: bool = False
    concat_columns: tuple[int, ...] = ()


@dataclass
class _Col:
    sql: str
    type: ColumnType
    name: str


@dataclass
class _Query:
    """A query being written: pieces of SQL text and the parameter values by marker."""

    params: dict[str, Any] = field(default_factory=dict)


class QueryGenerator:
    """Writes random queries over a catalog.

    Args:
        catalog: the tables (as made by :func:`random_database`: ``INT``/``FLOAT``/``TEXT``).
        seed: the seed (or a numpy ``Generator``).
        params: whether to use ``?`` parameters.
    """

    def __init__(
        self, catalog: Catalog, seed: int | np.random.Generator, *, params: bool = True
    ) -> None:
        self.catalog = catalog
        self.r = _Rand(seed)
        self.use_params = params
        self._q = _Query()
        self._marker = 0

    # -- entry point ---------------------------------------------------------------------

    def query(self) -> GeneratedQuery:
        """A new random query."""
        self._q = _Query()
        r = self.r
        roll = r.rng.random()
        if roll < 0.12:
            text, ordered, concat = self._union()
        else:
            text, ordered, concat = self._select(allow_order=True)
        if r.chance(0.08):
            text, ordered, concat = self._with(text, ordered, concat)
        markers = re.findall(r"\{P\d+\}", text)
        params = tuple(self._q.params[m] for m in markers)
        for m in markers:
            text = text.replace(m, "?", 1)
        return GeneratedQuery(text, params, ordered, concat)

    def statement(self) -> GeneratedQuery:
        """A random ``INSERT``, ``UPDATE`` or ``DELETE`` (values typed like their columns)."""
        self._q = _Query()
        r = self.r
        table = r.pick(list(self.catalog))
        cols = [_Col(c.name, c.type, c.name) for c in table.columns]
        kind = r.pick(["insert", "insert", "update", "delete"])
        if kind == "insert":
            chosen = [c for c in cols[1:] if r.chance(0.7)] or cols[1:2]
            if r.chance(0.3):
                chosen = [cols[0], *chosen]
            rows = []
            for _ in range(r.int(1, 3)):
                values = []
                for c in chosen:
                    if c.name == "id":
                        values.append(str(r.int(1, 40)))
                    elif r.chance(0.1):
                        values.append("NULL")
                    else:
                        values.append(self._lit(c.type))
                rows.append("(" + ", ".join(values) + ")")
            names = ", ".join(c.name for c in chosen)
            text = f"INSERT INTO {table.name} ({names}) VALUES {', '.join(rows)}"
        elif kind == "update":
            targets = r.sample(cols[1:], r.int(1, min(2, len(cols) - 1)))
            sets = []
            for c in targets:
                if c.type is ColumnType.TEXT:
                    e, _ = self._text(cols, 1)
                else:
                    e, _ = self._num([x for x in cols if x.type.is_numeric], 1)
                sets.append(f"{c.name} = {e}")
            text = f"UPDATE {table.name} SET {', '.join(sets)}"
            if r.chance(0.8):
                text += f" WHERE {self._pred(cols, 1)}"
        else:
            text = f"DELETE FROM {table.name}"
            if r.chance(0.85):
                text += f" WHERE {self._pred(cols, 1)}"
        markers = re.findall(r"\{P\d+\}", text)
        params = tuple(self._q.params[m] for m in markers)
        for m in markers:
            text = text.replace(m, "?", 1)
        return GeneratedQuery(text, params)

    # -- scope ---------------------------------------------------------------------------

    def _from(self) -> tuple[str, list[_Col], list[str]]:
        """A FROM clause; returns its text, the columns in scope and WHERE join conditions."""
        r = self.r
        tables = list(self.catalog)
        count = r.pick([1, 1, 2, 2, 2, 3])
        scope: list[_Col] = []
        parts: list[str] = []
        where: list[str] = []
        for i in range(count):
            alias = f"a{i}"
            if r.chance(0.12) and i < 2:
                sub, cols = self._derived(alias)
                source = sub
            else:
                table = r.pick(tables)
                source = f"{table.name} AS {alias}"
                cols = [_Col(f"{alias}.{c.name}", c.type, c.name) for c in table.columns]
            if i == 0:
                parts.append(source)
            else:
                key = self._join_key(scope, cols)
                style = r.pick(["comma", "inner", "inner", "left", "left"])
                if style == "comma" or key is None:
                    parts.append(f", {source}")
                    if key is not None:
                        where.append(key)
                else:
                    on = key
                    if r.chance(0.3):
                        on += " AND " + self._pred(scope + cols, 0)
                    parts.append(f" {'LEFT ' if style == 'left' else ''}JOIN {source} ON {on}")
            scope.extend(cols)
        return "FROM " + "".join(parts), scope, where

    def _join_key(self, left: list[_Col], right: list[_Col]) -> str | None:
        pairs = [
            (a, b)
            for a in left
            for b in right
            if a.type is b.type or (a.type.is_numeric and b.type.is_numeric)
        ]
        if not pairs:
            return None
        ids = [(a, b) for a, b in pairs if b.name == "id" or a.name == "id"]
        a, b = self.r.pick(ids if ids and self.r.chance(0.6) else pairs)
        return f"{b.sql} = {a.sql}" if self.r.chance(0.5) else f"{a.sql} = {b.sql}"

    def _derived(self, alias: str) -> tuple[str, list[_Col]]:
        r = self.r
        table = r.pick(list(self.catalog))
        inner = [_Col(f"{table.name}.{c.name}", c.type, c.name) for c in table.columns]
        exprs = []
        cols = []
        for i in range(r.int(1, 3)):
            e, t = self._expr(inner, 1)
            exprs.append(f"{e} AS d{i}")
            cols.append(_Col(f"{alias}.d{i}", t, f"d{i}"))
        where = f" WHERE {self._pred(inner, 1)}" if r.chance(0.5) else ""
        return f"(SELECT {', '.join(exprs)} FROM {table.name}{where}) AS {alias}", cols

    # -- literals, parameters, expressions ------------------------------------------------

    def _lit(self, ctype: ColumnType) -> str:
        r = self.r
        value = _value(r, ctype, null_p=0.0)
        if self.use_params and r.chance(0.25):
            marker = f"{{P{self._marker}}}"
            self._marker += 1
            self._q.params[marker] = value
            return marker
        if isinstance(value, str):
            return "'" + value.replace("'", "''") + "'"
        return repr(value) if value >= 0 else f"({value!r})"

    def _col(self, scope: list[_Col], types: Iterable[ColumnType]) -> _Col | None:
        wanted = set(types)
        cands = [c for c in scope if c.type in wanted]
        return self.r.pick(cands) if cands else None

    def _num(self, scope: list[_Col], depth: int) -> tuple[str, ColumnType]:
        r = self.r
        col = self._col(scope, (ColumnType.INT, ColumnType.FLOAT))
        roll = r.rng.random()
        if depth <= 0 or roll < 0.35:
            if col is not None and r.chance(0.8):
                return col.sql, col.type
            t = r.pick([ColumnType.INT, ColumnType.FLOAT])
            return self._lit(t), t
        if roll < 0.65:
            a, ta = self._num(scope, depth - 1)
            b, tb = self._num(scope, depth - 1)
            op = r.pick(["+", "-", "*", "/", "%", "+", "*"])
            t = ColumnType.FLOAT if ColumnType.FLOAT in (ta, tb) else ColumnType.INT
            return f"({a} {op} {b})", t
        if roll < 0.72:
            a, ta = self._num(scope, depth - 1)
            return f"ABS({a})", ta
        if roll < 0.79:
            text, _ = self._text(scope, depth - 1)
            return f"LENGTH({text})", ColumnType.INT
        if roll < 0.86:
            a, ta = self._num(scope, depth - 1)
            b, tb = self._num(scope, depth - 1)
            t = ColumnType.FLOAT if ColumnType.FLOAT in (ta, tb) else ColumnType.INT
            return f"CASE WHEN {self._pred(scope, depth - 1)} THEN {a} ELSE {b} END", t
        if roll < 0.9:
            a, ta = self._num(scope, depth - 1)
            return f"COALESCE({a}, {self._lit(ta)})", ta
        if roll < 0.94:
            a, _ = self._num(scope, depth - 1)
            kind = r.pick(["INTEGER", "REAL"])
            return f"CAST({a} AS {kind})", ColumnType.INT if kind == "INTEGER" else ColumnType.FLOAT
        if roll < 0.97 and col is not None and col.type is ColumnType.FLOAT:
            return f"ROUND({col.sql}{r.pick(['', ', 1', ', 0'])})", ColumnType.FLOAT
        a, ta = self._num(scope, depth - 1)
        return f"(-{a})", ta

    def _text(self, scope: list[_Col], depth: int) -> tuple[str, ColumnType]:
        r = self.r
        col = self._col(scope, (ColumnType.TEXT,))
        roll = r.rng.random()
        if depth <= 0 or roll < 0.4:
            if col is not None and r.chance(0.8):
                return col.sql, ColumnType.TEXT
            return self._lit(ColumnType.TEXT), ColumnType.TEXT
        if roll < 0.55:
            a, _ = self._text(scope, depth - 1)
            return f"{r.pick(['LOWER', 'UPPER'])}({a})", ColumnType.TEXT
        if roll < 0.7:
            a, _ = self._text(scope, depth - 1)
            b, _ = self._expr(scope, depth - 1)
            return f"({a} || {b})", ColumnType.TEXT
        if roll < 0.8:
            a, _ = self._text(scope, depth - 1)
            start = r.pick(["1", "2", "0", "-2"])
            length = r.pick(["", ", 2", ", 1", ", -1"])
            return f"SUBSTR({a}, {start}{length})", ColumnType.TEXT
        if roll < 0.9:
            a, _ = self._text(scope, depth - 1)
            return f"COALESCE({a}, {self._lit(ColumnType.TEXT)})", ColumnType.TEXT
        a, _ = self._num(scope, depth - 1)
        return f"CAST({a} AS TEXT)", ColumnType.TEXT

    def _expr(self, scope: list[_Col], depth: int) -> tuple[str, ColumnType]:
        if self.r.chance(0.62):
            return self._num(scope, depth)
        return self._text(scope, depth)

    def _pred(self, scope: list[_Col], depth: int) -> str:
        r = self.r
        roll = r.rng.random()
        if depth > 0 and roll < 0.25:
            a, b = self._pred(scope, depth - 1), self._pred(scope, depth - 1)
            return f"({a} {r.pick(['AND', 'OR'])} {b})"
        if depth > 0 and roll < 0.3:
            return f"NOT ({self._pred(scope, depth - 1)})"
        kind = r.pick(["cmp", "cmp", "cmp", "in", "between", "like", "null"])
        numeric = r.chance(0.6)
        a, _ = self._num(scope, depth - 1) if numeric else self._text(scope, depth - 1)
        lit = ColumnType.INT if numeric else ColumnType.TEXT
        if kind == "cmp":
            op = r.pick(["=", "!=", "<>", "<", "<=", ">", ">="])
            if r.chance(0.4):
                b, _ = self._num(scope, depth - 1) if numeric else self._text(scope, depth - 1)
            else:
                b = self._lit(r.pick([ColumnType.INT, ColumnType.FLOAT]) if numeric else lit)
            return f"{a} {op} {b}"
        if kind == "in":
            items = [self._lit(lit) for _ in range(r.int(1, 4))]
            if r.chance(0.2):
                items.append("NULL")
            return f"{a} {r.pick(['', 'NOT '])}IN ({', '.join(items)})"
        if kind == "between":
            if not numeric:
                return f"{a} {r.pick(['', 'NOT '])}BETWEEN {self._lit(lit)} AND {self._lit(lit)}"
            return f"{a} {r.pick(['', 'NOT '])}BETWEEN {self._lit(lit)} AND {self._lit(lit)}"
        if kind == "like":
            text, _ = self._text(scope, depth - 1)
            pattern = r.pick(_PATTERNS).replace("'", "''")
            return f"{text} {r.pick(['', 'NOT '])}LIKE '{pattern}'"
        return f"{a} IS {r.pick(['', 'NOT '])}NULL"

    # -- queries -------------------------------------------------------------------------

    def _select(
        self, *, allow_order: bool, width: int | None = None, types: list[ColumnType] | None = None
    ) -> tuple[str, bool, tuple[int, ...]]:
        r = self.r
        from_sql, scope, joins = self._from()
        where = list(joins)
        if r.chance(0.6):
            where.append(self._pred(scope, 2))
        grouped = width is None and r.chance(0.35)
        items: list[str] = []
        item_types: list[ColumnType] = []
        concat: list[int] = []
        group_sql = having_sql = ""
        if grouped:
            keys = r.sample(scope, r.pick([0, 1, 1, 2]))
            key_sql = [k.sql for k in keys]
            if keys and r.chance(0.2) and keys[0].type.is_numeric:
                key_sql[0] = f"({keys[0].sql} % 3)"
            for k, ks in zip(keys, key_sql, strict=True):
                items.append(ks if r.chance(0.7) else f"{ks} AS g{len(items)}")
                item_types.append(k.type)
            for _ in range(r.int(1, 3)):
                e, t, is_concat = self._aggregate(scope, allow_concat=not concat)
                if is_concat:
                    concat.append(len(items))
                items.append(f"{e} AS x{len(items)}" if r.chance(0.5) else e)
                item_types.append(t)
            if key_sql:
                group_sql = " GROUP BY " + ", ".join(key_sql)
            if r.chance(0.35):
                agg, t, _ = self._aggregate(scope, allow_concat=False)
                if t.is_numeric:
                    having_sql = f" HAVING {agg} {r.pick(['>', '>=', '<', '!='])} {self._lit(ColumnType.INT)}"
                else:
                    having_sql = f" HAVING {agg} IS NOT NULL"
        else:
            n = width if width is not None else r.int(1, 4)
            for i in range(n):
                want = types[i] if types else None
                if want is ColumnType.TEXT:
                    e, t = self._text(scope, 2)
                elif want is not None:
                    e, t = self._num(scope, 2)
                else:
                    e, t = self._expr(scope, 2)
                items.append(f"{e} AS x{i}" if r.chance(0.4) else e)
                item_types.append(t)
        distinct = "DISTINCT " if r.chance(0.15) and not concat else ""
        text = f"SELECT {distinct}{', '.join(items)} {from_sql}"
        if where:
            text += " WHERE " + " AND ".join(where)
        text += group_sql + having_sql
        ordered = False
        if allow_order and not concat and r.chance(0.45):
            positions = list(range(1, len(items) + 1))
            order = []
            for p in r.sample(positions, len(positions)):
                d = r.pick(["", " ASC", " DESC"])
                nulls = r.pick(["", "", "", " NULLS FIRST", " NULLS LAST"])
                order.append(f"{p}{d}{nulls}")
            text += " ORDER BY " + ", ".join(order)
            ordered = True
            if r.chance(0.6):
                text += f" LIMIT {r.int(0, 8)}"
                if r.chance(0.4):
                    text += f" OFFSET {r.int(0, 4)}"
        elif allow_order and not grouped and not distinct and r.chance(0.15):
            # an ORDER BY term that is not an output column (never a constant: SQLite would
            # read an integer as a position)
            col = r.pick(scope)
            e = col.sql
            if col.type.is_numeric and r.chance(0.5):
                other, _ = self._num(scope, 1)
                e = f"({col.sql} + {other})"
            text += f" ORDER BY {e} DESC"
        return text, ordered, tuple(concat)

    def _aggregate(self, scope: list[_Col], *, allow_concat: bool) -> tuple[str, ColumnType, bool]:
        r = self.r
        kind = r.pick(["count*", "count", "countd", "sum", "avg", "min", "max", "concat", "expr"])
        if kind == "concat" and not allow_concat:
            kind = "count"
        if kind == "count*":
            return "COUNT(*)", ColumnType.INT, False
        if kind in ("count", "countd"):
            e, _ = self._expr(scope, 1)
            distinct = "DISTINCT " if kind == "countd" else ""
            return f"COUNT({distinct}{e})", ColumnType.INT, False
        if kind in ("sum", "avg"):
            e, t = self._num(scope, 1)
            distinct = "DISTINCT " if r.chance(0.2) else ""
            result = ColumnType.FLOAT if kind == "avg" else t
            return f"{kind.upper()}({distinct}{e})", result, False
        if kind in ("min", "max"):
            e, t = self._expr(scope, 1)
            return f"{kind.upper()}({e})", t, False
        if kind == "concat":
            e, _ = self._expr(scope, 0)
            if r.chance(0.5):
                return f"GROUP_CONCAT({e}, '{_SEP}')", ColumnType.TEXT, True
            return f"GROUP_CONCAT({e})", ColumnType.TEXT, True
        inner, t, _ = self._aggregate(scope, allow_concat=False)
        if t.is_numeric:
            return f"({inner} + {self._lit(ColumnType.INT)})", t, False
        return inner, t, False

    def _union(self) -> tuple[str, bool, tuple[int, ...]]:
        r = self.r
        width = r.int(1, 3)
        types = [r.pick([ColumnType.INT, ColumnType.FLOAT, ColumnType.TEXT]) for _ in range(width)]
        parts = [
            self._select(allow_order=False, width=width, types=types)[0] for _ in range(r.int(2, 3))
        ]
        text = parts[0]
        for p in parts[1:]:
            text += f" {r.pick(['UNION', 'UNION ALL'])} {p}"
        ordered = False
        if r.chance(0.5):
            text += " ORDER BY " + ", ".join(
                f"{i}{r.pick(['', ' DESC'])}" for i in r.sample(list(range(1, width + 1)), width)
            )
            ordered = True
            if r.chance(0.5):
                text += f" LIMIT {r.int(0, 6)}"
        return text, ordered, ()

    def _with(
        self, text: str, ordered: bool, concat: tuple[int, ...]
    ) -> tuple[str, bool, tuple[int, ...]]:
        # Wrap the query as a CTE and select everything from it (keeping its order).
        if ordered:
            return text, ordered, concat
        return f"WITH w AS ({text}) SELECT * FROM w", False, concat


def normalise_result(
    rows: Iterable[Sequence[Any]], *, ordered: bool = False, concat_columns: Sequence[int] = ()
) -> list[tuple[Any, ...]] | Counter[tuple[Any, ...]]:
    """A result in comparable form.

    Floats are rounded to 9 significant digits, booleans become integers, ``GROUP_CONCAT``
    values are sorted, and the rows become a multiset (a ``Counter``) unless ``ordered``.
    """

    def norm(i: int, v: Any) -> Any:
        if isinstance(v, bool):
            return int(v)
        if isinstance(v, float):
            if math.isnan(v) or math.isinf(v):
                return v
            return float(f"{v:.9g}") + 0.0
        if i in concat_columns and isinstance(v, str):
            return _SEP.join(sorted(v.replace(",", _SEP).split(_SEP)))
        return v

    out = [tuple(norm(i, v) for i, v in enumerate(row)) for row in rows]
    return out if ordered else Counter(out)
