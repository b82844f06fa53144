"""Benchmark: generated Python code (``compile_expression``) against composed closures.

Run: ``cd /work/main && .venv/bin/python shared/tests/relational/bench_codegen.py``
(not collected by pytest). The closure compiler below is the classic alternative — one Python
function per expression node, calling its children — limited to the node types used here, with
the same SQL semantics (three-valued logic, NULL propagation).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from dcsys.core.relational import (
    And,
    Arithmetic,
    Column,
    ColumnRef,
    ColumnType,
    Comparison,
    Expr,
    IsNull,
    Literal,
    Or,
    Param,
    Schema,
    compile_predicate,
    compile_projection,
)

Fn = Callable[[tuple[Any, ...], tuple[Any, ...]], Any]
_OPS = {
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "=": lambda a, b: a == b,
    "+": lambda a, b: a + b,
    "*": lambda a, b: a * b,
}


def closure(e: Expr) -> Fn:
    """Compose closures for ``e`` (the subset of node types this benchmark uses)."""
    if isinstance(e, ColumnRef):
        i = e.index
        return lambda row, params: row[i]
    if isinstance(e, Literal):
        v = e.value
        return lambda row, params: v
    if isinstance(e, Param):
        j = e.index
        return lambda row, params: params[j]
    if isinstance(e, Comparison | Arithmetic):
        f, g, op = closure(e.left), closure(e.right), _OPS[e.op]

        def binary(row: tuple[Any, ...], params: tuple[Any, ...]) -> Any:
            a = f(row, params)
            if a is None:
                return None
            b = g(row, params)
            return None if b is None else op(a, b)

        return binary
    if isinstance(e, And | Or):
        parts = [closure(a) for a in e.args]
        stop = isinstance(e, Or)

        def logic(row: tuple[Any, ...], params: tuple[Any, ...]) -> Any:
            unknown = False
            for p in parts:
                v = p(row, params)
                if v is None:
                    unknown = True
                elif v is stop:
                    return stop
            return None if unknown else not stop

        return logic
    if isinstance(e, IsNull):
        f = closure(e.operand)
        return lambda row, params: f(row, params) is None
    raise TypeError(f"not in the benchmark subset: {e}")


def _time(fn: Callable[[], Any], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main(n: int = 200_000, seed: int = 0) -> list[tuple[str, float, float]]:
    rng = random.Random(seed)
    rows = [
        (rng.choice([None, *range(20)]), rng.choice([None, *range(20)]), rng.random())
        for _ in range(n)
    ]
    schema = Schema(
        [Column("a", ColumnType.INT), Column("b", ColumnType.INT), Column("c", ColumnType.FLOAT)]
    )
    a, b, c = schema.ref("a"), schema.ref("b"), schema.ref("c")
    params = (5,)
    cases = {
        "filter a > ? AND b < 10": And(
            (Comparison(">", a, Param(0)), Comparison("<", b, Literal(10)))
        ),
        "filter (a = 1 OR b = 2) AND c > 0.5": And(
            (
                Or((Comparison("=", a, Literal(1)), Comparison("=", b, Literal(2)))),
                Comparison(">", c, Literal(0.5)),
            )
        ),
    }
    results = []
    for name, pred in cases.items():
        gen = compile_predicate(pred, schema)
        clo = closure(pred)
        t_gen = _time(lambda gen=gen: [r for r in rows if gen(r, params)])
        t_clo = _time(lambda clo=clo: [r for r in rows if clo(r, params) is True])
        results.append((name, t_gen, t_clo))
    proj = [Arithmetic("+", Arithmetic("*", a, Literal(2)), b), IsNull(a), Arithmetic("*", c, c)]
    gen_p = compile_projection(proj, schema)
    clos = [closure(e) for e in proj]
    t_gen = _time(lambda: [gen_p(r, params) for r in rows])
    t_clo = _time(lambda: [tuple(f(r, params) for f in clos) for r in rows])
    results.append(("project (a*2+b, a IS NULL, c*c)", t_gen, t_clo))
    return results


if __name__ == "__main__":
    N = 200_000
    print(f"{'case':40s} {'codegen ns/row':>15s} {'closures ns/row':>16s} {'speed-up':>9s}")
    for name, t_gen, t_clo in main(N):
        print(f"{name:40s} {t_gen / N * 1e9:15.0f} {t_clo / N * 1e9:16.0f} {t_clo / t_gen:8.1f}x")
