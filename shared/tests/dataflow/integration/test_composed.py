"""Composed graphs (join → aggregate → top-k and friends) checked against recomputation."""

import random

import pytest

from dcsys.core.dataflow import (
    Agg,
    Aggregate,
    Distinct,
    Filter,
    Graph,
    Join,
    Project,
    TopK,
    Union,
)

ART = [[0, 1, 2, 3, 4], ["t0", "t1", "t2"]]
VOTE = [[0, 1, 2, 3, 4, 5], ["u0", "u1", "u2", "u3"]]


@pytest.mark.parametrize("seed", range(25))
def test_vote_graph(seed, ref):
    """Noria's vote example: count votes per article, left join with articles, top articles."""
    rng = random.Random(seed)
    g = Graph()
    g.add_base("article", 2)
    g.add_base("vote", 2)
    g.add_operator("vc", Aggregate([0], [Agg("count")]), ["vote"])
    g.add_operator("awv", Join(0, 0, kind="left"), ["article", "vc"])
    g.add_operator("awvp", Project([0, 1, 3]), ["awv"])
    g.add_operator("top", TopK([(2, "desc"), 0], 2), ["awvp"])
    g.add_operator("by_title", TopK([(2, "desc")], 1, group_by=[1]), ["awvp"])

    def awvp(b):
        vc = ref.aggregate(b["vote"], [0], [("count", None, False, ",")])
        return ref.project(
            ref.join(b["article"], vc, [0], [0], "left", 2), lambda r: (r[0], r[1], r[3])
        )

    ref.drive(
        g,
        {
            "article": ref.Table(rng, 2, ART, null_rate=0.1),
            "vote": ref.Table(rng, 2, VOTE, null_rate=0.1),
        },
        {
            "awvp": awvp,
            "top": lambda b: ref.topk(awvp(b), [(2, True), (0, False)], 2),
            "by_title": lambda b: ref.topk(awvp(b), [(2, True)], 1, 0, (1,)),
        },
        seed=seed,
        steps=25,
    )


D3 = [[0, 1, 2], [0, 1, 2, 3], ["a", "b"]]


@pytest.mark.parametrize("seed", range(25))
def test_join_aggregate_topk_and_diamond(seed, ref):
    rng = random.Random(seed)
    g = Graph()
    g.add_base("a", 3)
    g.add_base("b", 3)
    g.add_operator("j", Join(0, 0), ["a", "b"])
    g.add_operator("agg", Aggregate([2], [Agg("count"), Agg("sum", 4), Agg("min", 1)]), ["j"])
    g.add_operator("k", TopK([(1, True)], 1), ["agg"])
    # a diamond over one base: two branches re-joined
    g.add_operator("hi", Filter(lambda r: r[1] is not None and r[1] >= 2), ["a"])
    g.add_operator("lo", Project([0, 2]), ["a"])
    g.add_operator("dj", Join(0, 0, kind="left"), ["lo", "hi"])
    g.add_operator("dd", Distinct(), ["dj"])
    # union of two filters of one base, then aggregate
    g.add_operator("f1", Filter(lambda r: r[2] == "a"), ["b"])
    g.add_operator("f2", Filter(lambda r: r[1] is None), ["b"])
    g.add_operator("u", Union(2), ["f1", "f2"])
    g.add_operator("ua", Aggregate([0], [Agg("count"), Agg("max", 1)]), ["u"])

    def agg(bags):
        j = ref.join(bags["a"], bags["b"], [0], [0])
        return ref.aggregate(
            j, [2], [("count", None, False, ","), ("sum", 4, False, ","), ("min", 1, False, ",")]
        )

    def dj(bags):
        hi = ref.filter(bags["a"], lambda r: r[1] is not None and r[1] >= 2)
        lo = ref.project(bags["a"], lambda r: (r[0], r[2]))
        return ref.join(lo, hi, [0], [0], "left", 3)

    def u(bags):
        return ref.union(
            ref.filter(bags["b"], lambda r: r[2] == "a"),
            ref.filter(bags["b"], lambda r: r[1] is None),
        )

    ref.drive(
        g,
        {"a": ref.Table(rng, 3, D3), "b": ref.Table(rng, 3, D3)},
        {
            "agg": agg,
            "k": lambda bags: ref.topk(agg(bags), [(1, True)], 1),
            "dj": dj,
            "dd": lambda bags: ref.distinct(dj(bags)),
            "ua": lambda bags: ref.aggregate(
                u(bags), [0], [("count", None, False, ","), ("max", 1, False, ",")]
            ),
        },
        seed=seed,
        steps=20,
    )


@pytest.mark.parametrize("seed", range(15))
def test_queries_added_and_removed_mid_stream(seed, ref):
    rng = random.Random(seed)
    g = Graph()
    g.add_base("a", 3)
    g.add_base("b", 3)
    tables = {"a": ref.Table(rng, 3, D3), "b": ref.Table(rng, 3, D3)}
    for _ in range(10):
        n = rng.choice("ab")
        g.push(n, tables[n].batch(4))
    g.add_operator("j", Join(1, 1, kind="left"), ["a", "b"])
    g.add_operator("c", Aggregate([0], [Agg("count", 3), Agg("max", 4)]), ["j"])
    g.add_operator("t", TopK([(2, True)], 2, offset=1), ["c"])
    doomed = g.add_reader("doomed", "c")
    for _ in range(5):
        n = rng.choice("ab")
        g.push(n, tables[n].batch(4))
    g.remove("doomed")
    assert doomed.removed

    def c(bags):
        return ref.aggregate(
            ref.join(bags["a"], bags["b"], [1], [1], "left", 3),
            [0],
            [("count", 3, False, ","), ("max", 4, False, ",")],
        )

    ref.drive(
        g,
        tables,
        {"c": c, "t": lambda bags: ref.topk(c(bags), [(2, True)], 2, 1)},
        seed=seed,
        steps=15,
    )


# -- random DAGs -------------------------------------------------------------------------------

VALUES = [0, 1, 2, 3]


def _build_random_graph(rng, ref, n_ops):
    """Random operators over two bases of int columns; returns the graph and expected fns."""
    g = Graph()
    arity = {"a": 3, "b": 2}
    g.add_base("a", 3)
    g.add_base("b", 2)
    fns = {"a": lambda bags: bags["a"], "b": lambda bags: bags["b"]}
    names = ["a", "b"]
    for i in range(n_ops):
        name = f"n{i}"
        kind = rng.choice(["filter", "project", "join", "aggregate", "topk", "distinct", "union"])
        p = rng.choice(names)
        w = arity[p]
        pf = fns[p]
        if kind == "filter":
            c, t = rng.randrange(w), rng.choice(VALUES)

            def pred(r, c=c, t=t):
                return r[c] is None or r[c] >= t

            op, fn, out_w = Filter(pred), (lambda b, pf=pf, pred=pred: ref.filter(pf(b), pred)), w
        elif kind == "project":
            cols = [rng.randrange(w) for _ in range(rng.randint(1, 3))]
            if rng.random() < 0.3:
                c = rng.randrange(w)

                def f(r, c=c):
                    return None if r[c] is None else r[c] % 3

                spec = [*cols, f]
            else:
                spec = cols

            def proj(r, spec=tuple(spec)):
                return tuple(r[s] if isinstance(s, int) else s(r) for s in spec)

            op = Project(spec)
            fn = lambda b, pf=pf, proj=proj: ref.project(pf(b), proj)  # noqa: E731
            out_w = len(spec)
        elif kind == "join":
            q = rng.choice(names)
            if arity[p] + arity[q] > 6:
                continue
            lc, rc = rng.randrange(arity[p]), rng.randrange(arity[q])
            jk = rng.choice(["inner", "left"])
            op = Join(lc, rc, kind=jk)
            qf, qw = fns[q], arity[q]
            fn = lambda b, pf=pf, qf=qf, lc=lc, rc=rc, jk=jk, qw=qw: ref.join(  # noqa: E731
                pf(b), qf(b), [lc], [rc], jk, qw
            )
            g.add_operator(name, op, [p, q])
            arity[name], fns[name] = arity[p] + arity[q], fn
            names.append(name)
            continue
        elif kind == "aggregate":
            gb = sorted(rng.sample(range(w), rng.randint(0, min(2, w))))
            specs = []
            for _ in range(rng.randint(1, 2)):
                func = rng.choice(["count", "sum", "min", "max", "count_distinct"])
                specs.append(
                    Agg(func, None if func == "count" and rng.random() < 0.5 else rng.randrange(w))
                )
            op = Aggregate(gb, specs)
            sp = [ref.spec_of(s) for s in specs]
            fn = lambda b, pf=pf, gb=gb, sp=sp: ref.aggregate(pf(b), gb, sp)  # noqa: E731
            out_w = len(gb) + len(specs)
        elif kind == "topk":
            order = [(rng.randrange(w), rng.random() < 0.5) for _ in range(rng.randint(0, 2))]
            limit = rng.choice([None, 1, 2, 3])
            offset = rng.choice([0, 0, 1])
            gb = tuple(sorted(rng.sample(range(w), rng.randint(0, min(1, w)))))
            op = TopK(order, limit, offset=offset, group_by=gb)
            fn = lambda b, pf=pf, o=order, lim=limit, off=offset, gb=gb: ref.topk(  # noqa: E731
                pf(b), o, lim, off, gb
            )
            out_w = w
        elif kind == "distinct":
            op, fn, out_w = Distinct(), (lambda b, pf=pf: ref.distinct(pf(b))), w
        else:
            q = rng.choice(names)
            k = min(w, arity[q])
            sel_p = [rng.randrange(w) for _ in range(k)]
            sel_q = [rng.randrange(arity[q]) for _ in range(k)]
            op = Union(columns=[sel_p, sel_q])
            qf = fns[q]
            fn = lambda b, pf=pf, qf=qf, sp=tuple(sel_p), sq=tuple(sel_q): ref.union(  # noqa: E731
                ref.project(pf(b), lambda r: tuple(r[c] for c in sp)),
                ref.project(qf(b), lambda r: tuple(r[c] for c in sq)),
            )
            g.add_operator(name, op, [p, q])
            arity[name], fns[name] = k, fn
            names.append(name)
            continue
        g.add_operator(name, op, [p])
        arity[name], fns[name] = out_w, fn
        names.append(name)
    return g, {n: fns[n] for n in names if n not in ("a", "b")}


@pytest.mark.parametrize("seed", range(60))
def test_random_graphs(seed, ref):
    rng = random.Random(1000 + seed)
    g, views = _build_random_graph(rng, ref, n_ops=rng.randint(3, 7))
    tables = {"a": ref.Table(rng, 3, [VALUES] * 3), "b": ref.Table(rng, 2, [VALUES] * 2)}
    ref.drive(g, tables, views, seed=seed, steps=12, max_batch=4, lookups=1)
