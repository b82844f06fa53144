"""Shared helpers for the dataflow tests: a from-scratch evaluator and random update streams.

The evaluator is written independently of the operators (nested loops, comparator-based sorting,
no shared helpers) so that differential tests compare two implementations, not one with itself.
Tests get it through the ``ref`` fixture.
"""

from __future__ import annotations

import functools
import random
import types
from collections import Counter

import pytest

# -- SQL value order (NULL lowest, numbers < text), written as a comparator -------------------


def _rank(v):
    if v is None:
        return 0
    if isinstance(v, (int, float)):
        return 1
    if isinstance(v, str):
        return 2
    return 3


def cmp_values(a, b) -> int:
    ra, rb = _rank(a), _rank(b)
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == 0:
        return 0
    return (a > b) - (a < b)


def cmp_rows(order, a, b) -> int:
    """Compare rows by ORDER BY ``order`` [(col, desc)], ties broken by the whole row ascending."""
    for col, desc in order:
        c = cmp_values(a[col], b[col])
        if c:
            return -c if desc else c
    for x, y in zip(a, b, strict=True):
        c = cmp_values(x, y)
        if c:
            return c
    return 0


# -- from-scratch operators over bags (Counter row -> count) ----------------------------------


def bag(items) -> Counter:
    out = Counter()
    for row, m in items:
        out[row] += m
    return Counter({r: m for r, m in out.items() if m})


def s_filter(b, pred):
    return Counter({r: m for r, m in b.items() if pred(r)})


def s_project(b, fn):
    out = Counter()
    for r, m in b.items():
        out[fn(r)] += m
    return out


def s_union(*bags):
    out = Counter()
    for b in bags:
        for r, m in b.items():
            out[r] += m
    return out


def s_join(left, right, lon, ron, kind="inner", right_arity=None):
    out = Counter()
    if right_arity is None:
        right_arity = len(next(iter(right))) if right else 0
    for lrow, lm in left.items():
        matched = False
        for rrow, rm in right.items():
            if all(
                lrow[a] is not None and lrow[a] == rrow[b] for a, b in zip(lon, ron, strict=True)
            ):
                out[lrow + rrow] += lm * rm
                matched = True
        if not matched and kind == "left":
            out[lrow + (None,) * right_arity] += lm
    return out


def s_distinct(b):
    return Counter({r: 1 for r, m in b.items() if m > 0})


def _agg_value(spec, rows):
    """rows: list of input rows (expanded by multiplicity)."""
    func, col, distinct, sep = spec
    if col is None:
        return len(rows)
    vals = [r[col] for r in rows if r[col] is not None]
    if distinct:
        uniq = []
        for v in vals:
            if v not in uniq:
                uniq.append(v)
        vals = uniq
    if func == "count":
        return len(vals)
    if not vals:
        return None
    if func == "sum":
        return sum(vals)
    if func == "avg":
        return sum(vals) / len(vals)
    ordered = sorted(vals, key=functools.cmp_to_key(cmp_values))
    if func == "min":
        return ordered[0]
    if func == "max":
        return ordered[-1]
    assert func == "group_concat"
    return sep.join(str(v) for v in ordered)


def s_aggregate(b, group_by, specs):
    """specs: (func, col, distinct, separator) tuples; SQL semantics incl. the global row."""
    groups: dict = {}
    for r, m in b.items():
        groups.setdefault(tuple(r[c] for c in group_by), []).extend([r] * m)
    if not group_by and not groups:
        groups[()] = []
    return Counter({k + tuple(_agg_value(s, rows) for s in specs): 1 for k, rows in groups.items()})


def s_topk(b, order, limit, offset=0, group_by=()):
    groups: dict = {}
    for r, m in b.items():
        groups.setdefault(tuple(r[c] for c in group_by), []).extend([r] * m)
    out = Counter()
    key = functools.cmp_to_key(lambda x, y: cmp_rows(order, x, y))
    for rows in groups.values():
        rows.sort(key=key)
        end = None if limit is None else offset + limit
        for r in rows[offset:end]:
            out[r] += 1
    return out


def s_lookup(b, cols, key):
    return Counter({r: m for r, m in b.items() if tuple(r[c] for c in cols) == tuple(key)})


def spec_of(agg):
    return (agg.func, agg.column, agg.distinct, agg.separator)


# -- random update streams --------------------------------------------------------------------


class Table:
    """A model of one base table's current bag plus a generator of valid random batches."""

    def __init__(self, rng: random.Random, arity: int, domains, null_rate: float = 0.15):
        self.rng = rng
        self.arity = arity
        self.domains = domains  # per column: a list of values
        self.null_rate = null_rate
        self.bag: Counter = Counter()

    def random_row(self):
        rng = self.rng
        return tuple(
            None if rng.random() < self.null_rate else rng.choice(self.domains[c])
            for c in range(self.arity)
        )

    def batch(self, size: int):
        """A batch of inserts, deletes and updates (delete + insert), valid for the current bag."""
        rng = self.rng
        out = []
        live = Counter(self.bag)
        for _ in range(size):
            r = rng.random()
            present = [row for row, m in live.items() if m > 0]
            if r < 0.5 or not present:
                row = rng.choice(present) if present and rng.random() < 0.2 else self.random_row()
                out.append((row, 1))
                live[row] += 1
            elif r < 0.75:
                row = rng.choice(present)
                out.append((row, -1))
                live[row] -= 1
            else:
                old = rng.choice(present)
                new = list(old)
                c = rng.randrange(self.arity)
                new[c] = None if rng.random() < self.null_rate else rng.choice(self.domains[c])
                new = tuple(new)
                out += [(old, -1), (new, 1)]
                live[old] -= 1
                live[new] += 1
        if rng.random() < 0.1 and out:  # sometimes a batch that cancels itself out
            out += [(row, -m) for row, m in reversed(out)]
            live = Counter(self.bag)
        self.bag = Counter({row: m for row, m in live.items() if m > 0})
        return out


def assert_bag(actual_items, expected: Counter, approx: bool = False):
    got = bag(actual_items)
    exp = Counter({r: m for r, m in expected.items() if m})
    if approx:
        got, exp = _round(got), _round(exp)
    assert got == exp, _diff(got, exp)


def _round(b):
    return Counter(
        {tuple(round(v, 6) if isinstance(v, float) else v for v in r): m for r, m in b.items()}
    )


def _diff(got, exp):
    missing = exp - got
    extra = got - exp
    return f"missing {dict(missing)}; unexpected {dict(extra)}"


def drive(graph, tables, views, *, seed, steps=25, max_batch=5, lookups=2, approx=False):
    """Push random batches to the tables' bases and check every view after every push.

    Args:
        graph: the graph under test; each base named as in ``tables``.
        tables: ``{base name: Table}``.
        views: ``{node name: fn(bags) -> expected Counter}``; a reader is added for each.
        seed: seeds the choice of base, batch sizes and lookup keys.
        steps: how many pushes.
        max_batch: the largest number of operations per batch.
        lookups: how many random ``graph.lookup`` checks per view and step.
        approx: compare floats rounded to 6 digits.
    """
    rng = random.Random(seed)
    readers = {name: graph.add_reader(f"{name}__all", name) for name in views}
    names = list(tables)

    def check():
        bags = {n: t.bag for n, t in tables.items()}
        for name, fn in views.items():
            expected = fn(bags)
            assert_bag(readers[name].items(), expected, approx)
            arity = graph.info(name).arity
            for _ in range(lookups):
                if not arity:
                    break
                cols = tuple(sorted(rng.sample(range(arity), rng.randint(1, min(2, arity)))))
                pool = list(expected) or [tuple([None] * arity)]
                row = rng.choice(pool)
                key = tuple(row[c] for c in cols)
                if rng.random() < 0.2:
                    key = tuple(rng.choice([None, 0, 1, "zz"]) for _ in cols)
                assert_bag(graph.lookup(name, cols, key), s_lookup(expected, cols, key), approx)

    check()
    for _ in range(steps):
        if len(names) > 1 and rng.random() < 0.3:
            chosen = rng.sample(names, rng.randint(2, len(names)))
            graph.push_many({n: tables[n].batch(rng.randint(1, max_batch)) for n in chosen})
        else:
            n = rng.choice(names)
            graph.push(n, tables[n].batch(rng.randint(1, max_batch)))
        check()


@pytest.fixture(scope="session")
def ref():
    """The from-scratch evaluator and stream helpers as one namespace."""
    return types.SimpleNamespace(
        bag=bag,
        filter=s_filter,
        project=s_project,
        union=s_union,
        join=s_join,
        distinct=s_distinct,
        aggregate=s_aggregate,
        topk=s_topk,
        lookup=s_lookup,
        spec_of=spec_of,
        Table=Table,
        assert_bag=assert_bag,
        cmp_values=cmp_values,
        cmp_rows=cmp_rows,
        drive=drive,
    )
