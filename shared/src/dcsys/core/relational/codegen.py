"""Compile IR expressions to fast Python functions with SQL (SQLite) semantics.

:func:`compile_expression` turns an expression into ``fn(row, params=()) -> value``;
:func:`compile_predicate` into ``fn(row, params=()) -> bool`` (``True`` only when the predicate
is ``TRUE``, as a ``WHERE`` clause keeps rows); :func:`compile_projection` into
``fn(row, params=()) -> tuple`` computing several expressions at once.

How: the expression is translated once into Python source — one expression, with ``:=``
temporaries for ``NULL`` checks and short-circuit ``AND``/``OR`` — and ``compile``-d. Where the
operand types are known (from the schema) numbers and strings are compared and added inline;
otherwise, and as a fallback if the data does not match the declared types, small helpers
implement SQLite's rules. Very deep expressions are split into several functions. (Generated
code ran 2-4x faster than composed closures on filters and projections in
``shared/tests/relational/bench_codegen.py``.)

Semantics (SQLite's): three-valued logic (``NULL AND FALSE`` is ``FALSE``, ``NULL AND TRUE``
is ``NULL``); ``INT / INT`` truncates toward zero and ``x / 0`` is ``NULL``; ``%`` keeps the
dividend's sign; ``LIKE`` matches ``%`` and ``_`` and ignores the case of ASCII letters;
numbers sort before text; ``NULL = NULL`` is ``NULL``. Comparisons do not apply SQLite's column
affinities (``'1' = 1`` is false), and integers do not overflow to floats.

Examples:
    >>> from dcsys.core.relational.schema import Column, Schema
    >>> from dcsys.core.relational.types import ColumnType
    >>> from dcsys.core.relational.predicates import And, Comparison, Like
    >>> from dcsys.core.relational.scalar import Arithmetic
    >>> from dcsys.core.relational.expr import Literal, Param
    >>> s = Schema([Column("a", ColumnType.INT), Column("name", ColumnType.TEXT)])
    >>> half = compile_expression(Arithmetic("/", s.ref("a"), Literal(2)), s)
    >>> half((7, "x")), half((-7, "x")), half((None, "x"))
    (3, -3, None)
    >>> p = compile_predicate(And((Comparison(">", s.ref("a"), Param(0)),
    ...                            Like(s.ref("name"), Literal("b%")))), s)
    >>> p((5, "Bob"), (1,)), p((5, "alice"), (1,)), p((None, "bob"), (1,))
    (True, False, False)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from typing import Any

from dcsys.core.errors import SchemaError
from dcsys.core.relational import _runtime as rt
from dcsys.core.relational.aggregates import AggCall
from dcsys.core.relational.expr import ColumnRef, Expr, Literal, Param
from dcsys.core.relational.predicates import (
    And,
    Between,
    Comparison,
    InList,
    IsNull,
    Like,
    Not,
    Or,
)
from dcsys.core.relational.scalar import Arithmetic, Case, Cast, Func, Negate
from dcsys.core.relational.schema import Schema
from dcsys.core.relational.types import ColumnType

__all__ = ["compile_expression", "compile_predicate", "compile_projection", "expression_source"]

_MAX_DEPTH = 40  # nesting depth at which a sub-expression becomes its own function
_CHUNK = 12  # CASE / COALESCE arms handled per nested level

_HELPERS: dict[str, Any] = {
    "_truth": rt.truth,
    "_lt": rt.lt,
    "_le": rt.le,
    "_gt": rt.gt,
    "_ge": rt.ge,
    "_add": rt.add,
    "_sub": rt.sub,
    "_mul": rt.mul,
    "_div": rt.div,
    "_mod": rt.mod,
    "_neg": rt.neg,
    "_concat": rt.concat,
    "_in_list": rt.in_list,
    "_not3": rt.not3,
    "_like": rt.like,
    "_cast_int": rt.cast_int,
    "_cast_float": rt.cast_float,
    "_cast_text": rt.to_text,
    "_cast_bool": rt.cast_bool,
    "_abs": rt.f_abs,
    "_lower": rt.f_lower,
    "_upper": rt.f_upper,
    "_length": rt.f_length,
    "_nullif": rt.f_nullif,
    "_round": rt.f_round,
    "_substr": rt.f_substr,
}
_ORDER_HELPERS = {"<": "_lt", "<=": "_le", ">": "_gt", ">=": "_ge"}
_ARITH_HELPERS = {"+": "_add", "-": "_sub", "*": "_mul", "/": "_div", "%": "_mod", "||": "_concat"}
_CAST_HELPERS = {
    ColumnType.INT: "_cast_int",
    ColumnType.FLOAT: "_cast_float",
    ColumnType.TEXT: "_cast_text",
    ColumnType.BOOL: "_cast_bool",
}
_BOOLEAN_NODES = (Comparison, And, Or, Not, InList, Between, Like, IsNull)
_NUMERIC = (ColumnType.INT, ColumnType.FLOAT, ColumnType.BOOL)


def _is_boolean(e: Expr) -> bool:
    """Whether ``e`` always evaluates to ``True``, ``False`` or ``None`` (a Python bool)."""
    if isinstance(e, _BOOLEAN_NODES):
        return True
    return isinstance(e, Literal) and (e.value is None or isinstance(e.value, bool))


def _nonnull_literal(e: Expr) -> bool:
    return isinstance(e, Literal) and e.value is not None


class _Generator:
    """Translates expressions to Python source; one per compiled function."""

    def __init__(self, fast: bool) -> None:
        self.fast = fast
        self.tag = "f" if fast else "g"  # the two passes share one namespace: distinct names
        self.used_fast_path = False
        self.namespace: dict[str, Any] = dict(_HELPERS)
        self.functions: list[str] = []
        self._names = itertools.count()

    def name(self, prefix: str) -> str:
        return f"{prefix}{self.tag}{next(self._names)}"

    def const(self, value: Any) -> str:
        name = self.name("_k")
        self.namespace[name] = value
        return name

    # -- entry point ---------------------------------------------------------------------

    def code(self, e: Expr) -> str:
        text, depth = self.gen(e)
        return text

    def gen(self, e: Expr) -> tuple[str, int]:
        text, depth = self._gen(e)
        if depth > _MAX_DEPTH:
            fn = self.name("_sub")
            self.functions.append(f"def {fn}(row, params):\n    return {text}\n")
            return f"{fn}(row, params)", 1
        return text, depth

    def boolean(self, e: Expr) -> tuple[str, int]:
        """Code giving the three-valued truth of ``e`` (``True``/``False``/``None``)."""
        text, depth = self.gen(e)
        if _is_boolean(e):
            return text, depth
        return f"_truth({text})", depth + 1

    # -- per node ------------------------------------------------------------------------

    def _gen(self, e: Expr) -> tuple[str, int]:
        if isinstance(e, ColumnRef):
            return f"row[{e.index}]", 0
        if isinstance(e, Literal):
            return self._literal(e.value), 0
        if isinstance(e, Param):
            return f"params[{e.index}]", 0
        if isinstance(e, Comparison):
            return self._comparison(e)
        if isinstance(e, And | Or):
            return self._logic(e)
        if isinstance(e, Not):
            x, d = self.boolean(e.arg)
            t = self.name("_t")
            return f"(None if ({t} := {x}) is None else not {t})", d + 2
        if isinstance(e, IsNull):
            if isinstance(e.operand, Literal):  # constant (and no "is" with a literal)
                return repr((e.operand.value is None) != e.negated), 0
            x, d = self.gen(e.operand)
            t = self.name("_t")  # a temporary: "is" on a constant-folded operand would warn
            return f"(({t} := {x}) is {'not ' if e.negated else ''}None)", d + 1
        if isinstance(e, Arithmetic):
            return self._arithmetic(e)
        if isinstance(e, Negate):
            x, d = self.gen(e.operand)
            if self.fast and e.operand.type in _NUMERIC:
                self.used_fast_path = True
                t = self.name("_t")
                return f"(None if ({t} := {x}) is None else -{t})", d + 2
            return f"_neg({x})", d + 1
        if isinstance(e, InList):
            return self._in_list(e)
        if isinstance(e, Between):
            return self._between(e)
        if isinstance(e, Like):
            return self._like(e)
        if isinstance(e, Case):
            return self._case(e)
        if isinstance(e, Cast):
            x, d = self.gen(e.operand)
            return f"{_CAST_HELPERS[e.to]}({x})", d + 1
        if isinstance(e, Func):
            return self._func(e)
        if isinstance(e, AggCall):
            raise SchemaError(f"aggregate {e} can only be evaluated by an Aggregate node")
        raise SchemaError(f"cannot compile expression {e!r}")

    def _literal(self, value: Any) -> str:
        if value is None or isinstance(value, bool | str):
            return repr(value)
        if isinstance(value, int):
            return repr(value) if value >= 0 else f"({value!r})"
        if isinstance(value, float) and math.isfinite(value):
            return repr(value) if value >= 0 else f"({value!r})"
        return self.const(value)

    def _null_guard(self, parts: Sequence[tuple[bool, str]]) -> tuple[str, list[str]]:
        """Bind each operand that may be ``NULL`` to a temporary.

        Args:
            parts: ``(may_be_null, code)`` per operand.

        Returns:
            The ``... is None or ...`` test (empty if nothing can be ``NULL``) and the names
            (or code) to use for the operands.
        """
        tests, names = [], []
        for may_be_null, code in parts:
            if not may_be_null:
                names.append(code)
                continue
            t = self.name("_t")
            tests.append(f"({t} := {code}) is None")
            names.append(t)
        return " or ".join(tests), names

    def _compare(
        self, op: str, left: tuple[ColumnType, bool, str], right: tuple[ColumnType, bool, str]
    ) -> str:
        """Code for ``left op right``; each side is ``(type, may_be_null, code)``."""
        (lt, ln, a), (rt_, rn, b) = left, right
        if op in ("=", "!="):
            py = "==" if op == "=" else "!="
        elif self.fast and ((lt in _NUMERIC and rt_ in _NUMERIC) or (lt is rt_ is ColumnType.TEXT)):
            self.used_fast_path = True
            py = op
        else:
            return f"{_ORDER_HELPERS[op]}({a}, {b})"
        test, (x, y) = self._null_guard(((ln, a), (rn, b)))
        body = f"{x} {py} {y}"
        return f"(None if {test} else {body})" if test else f"({body})"

    def _comparison(self, e: Comparison) -> tuple[str, int]:
        (a, da), (b, db) = self.gen(e.left), self.gen(e.right)
        left = (e.left.type, not _nonnull_literal(e.left), a)
        right = (e.right.type, not _nonnull_literal(e.right), b)
        return self._compare(e.op, left, right), max(da, db) + 2

    def _logic(self, e: And | Or) -> tuple[str, int]:
        args = list(e.args)
        if len(args) > 2:  # balance the tree so deep chains stay shallow
            mid = len(args) // 2
            left = args[0] if mid == 1 else type(e)(tuple(args[:mid]))
            right = args[mid] if len(args) - mid == 1 else type(e)(tuple(args[mid:]))
            args = [left, right]
        (a, da), (b, db) = self.boolean(args[0]), self.boolean(args[1])
        t1, t2 = self.name("_t"), self.name("_t")
        stop, other = ("False", "True") if isinstance(e, And) else ("True", "False")
        code = (
            f"({stop} if ({t1} := {a}) is {stop} or ({t2} := {b}) is {stop} "
            f"else (None if {t1} is None or {t2} is None else {other}))"
        )
        return code, max(da, db) + 3

    def _arithmetic(self, e: Arithmetic) -> tuple[str, int]:
        (a, da), (b, db) = self.gen(e.left), self.gen(e.right)
        depth = max(da, db) + 2
        if (
            self.fast
            and e.op in ("+", "-", "*")
            and e.left.type in _NUMERIC
            and e.right.type in _NUMERIC
        ):
            self.used_fast_path = True
            test, (x, y) = self._null_guard(
                ((not _nonnull_literal(e.left), a), (not _nonnull_literal(e.right), b))
            )
            # Unary plus makes text (or any non-number) raise TypeError, so data that does not
            # match the declared types takes the generic path instead of concatenating strings.
            x = x if _nonnull_literal(e.left) else f"(+{x})"
            y = y if _nonnull_literal(e.right) else f"(+{y})"
            body = f"{x} {e.op} {y}"
            return (f"(None if {test} else {body})" if test else f"({body})"), depth
        return f"{_ARITH_HELPERS[e.op]}({a}, {b})", depth

    def _in_list(self, e: InList) -> tuple[str, int]:
        x, d = self.gen(e.operand)
        items = e.items
        if all(isinstance(i, Literal) for i in items):
            values = [i.value for i in items]  # type: ignore[attr-defined]
            has_null = any(v is None for v in values)
            try:
                members = self.const(frozenset(v for v in values if v is not None))
            except TypeError:
                members = ""
            if members:
                t = self.name("_t")
                if not e.negated:
                    hit = (
                        f"(True if {t} in {members} else None)" if has_null else f"{t} in {members}"
                    )
                else:
                    hit = (
                        f"(False if {t} in {members} else None)"
                        if has_null
                        else f"{t} not in {members}"
                    )
                return f"(None if ({t} := {x}) is None else {hit})", d + 3
        codes = [self.gen(i) for i in items]
        depth = max([d] + [c[1] for c in codes]) + 2
        tup = "(" + ", ".join(c[0] for c in codes) + ",)"
        code = f"_in_list({x}, {tup})"
        return (f"_not3({code})" if e.negated else code), depth + 1

    def _between(self, e: Between) -> tuple[str, int]:
        x, d = self.gen(e.operand)
        (lo, dl), (hi, dh) = self.gen(e.low), self.gen(e.high)
        t = self.name("_t")
        probe = (e.operand.type, False, t)  # bound and known not NULL below
        a = self._compare(">=", probe, (e.low.type, not _nonnull_literal(e.low), lo))
        b = self._compare("<=", probe, (e.high.type, not _nonnull_literal(e.high), hi))
        t1, t2 = self.name("_t"), self.name("_t")
        both = (
            f"(False if ({t1} := {a}) is False or ({t2} := {b}) is False "
            f"else (None if {t1} is None or {t2} is None else True))"
        )
        if e.negated:
            both = f"_not3({both})"
        return f"(None if ({t} := {x}) is None else {both})", max(d, dl, dh) + 6

    def _like(self, e: Like) -> tuple[str, int]:
        x, d = self.gen(e.operand)
        t = self.name("_t")
        neg = "not " if e.negated else ""
        if isinstance(e.pattern, Literal) and e.pattern.value is not None:
            regex = self.const(rt.like_regex(rt.to_text(e.pattern.value), e.case_sensitive))  # type: ignore[arg-type]
            text = f"({t} if type({t}) is str else _cast_text({t}))"
            code = f"(None if ({t} := {x}) is None else {neg}{regex}.fullmatch({text}) is not None)"
            return code, d + 3
        p, dp = self.gen(e.pattern)
        cache = self.const({})
        code = f"_like({x}, {p}, {e.case_sensitive!r}, {cache})"
        return (f"_not3({code})" if e.negated else code), max(d, dp) + 2

    def _case(self, e: Case) -> tuple[str, int]:
        whens = e.whens
        default = e.default
        if len(whens) > _CHUNK:
            default = Case(whens[_CHUNK:], e.default, e.operand)
            whens = whens[:_CHUNK]
        tail, depth = self.gen(default) if default is not None else ("None", 0)
        if e.operand is not None:
            op, dop = self.gen(e.operand)
            t = self.name("_t")
            for i in range(len(whens) - 1, -1, -1):
                value, result = whens[i]
                v, dv = self.gen(value)
                r, dr = self.gen(result)
                bind = f"({t} := {op})" if i == 0 else t  # the first test binds the operand
                tail = f"({r} if {bind} is not None and {t} == {v} else {tail})"
                depth = max(depth, dv, dr) + 1
            return tail, max(depth, dop) + 2
        for cond, result in reversed(whens):
            c, dc = self.boolean(cond)
            r, dr = self.gen(result)
            t = self.name("_t")
            tail = f"({r} if ({t} := {c}) is True else {tail})"
            depth = max(depth, dc, dr) + 1
        return tail, depth

    def _func(self, e: Func) -> tuple[str, int]:
        name, args = e.name, e.args
        if name == "COALESCE":
            if len(args) > _CHUNK:
                args = (*args[: _CHUNK - 1], Func("COALESCE", args[_CHUNK - 1 :]))
            tail, depth = self.gen(args[-1])
            for arg in reversed(args[:-1]):
                a, da = self.gen(arg)
                t = self.name("_t")
                tail = f"({t} if ({t} := {a}) is not None else {tail})"
                depth = max(depth, da) + 1
            return tail, depth + 1
        codes = [self.gen(a) for a in args]
        depth = max(c[1] for c in codes) + 1
        return f"_{name.lower()}({', '.join(c[0] for c in codes)})", depth


def _build(
    kind: str, exprs: Sequence[Expr], schema: Schema | None, fn_name: str
) -> tuple[str, dict[str, Any]]:
    if schema is not None:
        for e in exprs:
            if not isinstance(e, Expr):
                raise SchemaError(f"expected an expression, got {e!r}")
            for node in _walk(e):
                if isinstance(node, ColumnRef) and node.index >= len(schema):
                    raise SchemaError(
                        f"{e} reads column #{node.index} but the row has {len(schema)} columns"
                    )
    bodies = []
    namespace: dict[str, Any] = {}
    functions: list[str] = []
    used_fast = False
    for fast in (True, False):
        gen = _Generator(fast)
        if kind == "predicate":
            code, _ = gen.boolean(exprs[0])
            body = f"(_result := {code}) is True"
        elif kind == "projection":
            body = "(" + "".join(f"{gen.code(e)}, " for e in exprs) + ")"
        else:
            body = gen.code(exprs[0])
        bodies.append(body)
        namespace.update(gen.namespace)
        functions.extend(gen.functions)
        if fast:
            used_fast = gen.used_fast_path
            if not used_fast:
                break
    if used_fast:
        main = (
            f"def {fn_name}(row, params=()):\n    try:\n        return {bodies[0]}\n"
            f"    except TypeError:\n        return {bodies[1]}\n"
        )
    else:
        main = f"def {fn_name}(row, params=()):\n    return {bodies[0]}\n"
    return "\n".join([*functions, main]), namespace


def _walk(e: Expr):  # local import-free walk (avoids a cycle with expr.walk's aggregates import)
    stack = [e]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.children())


def _compile(kind: str, exprs: Sequence[Expr], schema: Schema | None) -> Callable[..., Any]:
    fn_name = f"_dcsys_{kind}"
    source, namespace = _build(kind, exprs, schema, fn_name)
    exec(compile(source, f"<dcsys {kind}>", "exec"), namespace)  # noqa: S102 - our own code
    fn = namespace[fn_name]
    fn.__doc__ = f"Compiled {kind}: " + ", ".join(str(e) for e in exprs)
    fn._dcsys_source = source  # type: ignore[attr-defined]
    return fn


def compile_expression(expr: Expr, schema: Schema | None = None) -> Callable[..., Any]:
    """Compile ``expr`` to ``fn(row, params=()) -> value``.

    Args:
        expr: the expression (no aggregate calls).
        schema: the schema of the rows it will see; checks that column positions are in range.

    Returns:
        The compiled function. ``row`` is a tuple (or any sequence) of the input columns,
        ``params`` the query parameters.

    Raises:
        SchemaError: for a column position outside ``schema`` or an aggregate call.

    Examples:
        >>> from dcsys.core.relational.scalar import Case
        >>> from dcsys.core.relational.predicates import IsNull
        >>> from dcsys.core.relational.expr import ColumnRef, Literal
        >>> f = compile_expression(Case(((IsNull(ColumnRef(0)), Literal("none")),), ColumnRef(0)))
        >>> f((None,)), f(("x",))
        ('none', 'x')
    """
    return _compile("expression", [expr], schema)


def compile_predicate(expr: Expr, schema: Schema | None = None) -> Callable[..., bool]:
    """Compile a predicate to ``fn(row, params=()) -> bool``: ``True`` only when it is ``TRUE``.

    Args:
        expr: the predicate.
        schema: the input schema, for checking.

    Returns:
        The compiled test (``NULL`` and ``FALSE`` both give ``False``).

    Examples:
        >>> from dcsys.core.relational.predicates import Comparison
        >>> from dcsys.core.relational.expr import ColumnRef, Literal
        >>> p = compile_predicate(Comparison("!=", ColumnRef(0), Literal(3)))
        >>> p((4,)), p((3,)), p((None,))
        (True, False, False)
    """
    return _compile("predicate", [expr], schema)


def compile_projection(
    exprs: Sequence[Expr], schema: Schema | None = None
) -> Callable[..., tuple[Any, ...]]:
    """Compile several expressions to one ``fn(row, params=()) -> tuple`` of their values.

    Examples:
        >>> from dcsys.core.relational.scalar import Arithmetic
        >>> from dcsys.core.relational.expr import ColumnRef, Literal
        >>> f = compile_projection([ColumnRef(1), Arithmetic("*", ColumnRef(0), Literal(10))])
        >>> f((2, "b"))
        ('b', 20)
    """
    return _compile("projection", list(exprs), schema)


def expression_source(expr: Expr, schema: Schema | None = None) -> str:
    """The Python source :func:`compile_expression` generates for ``expr`` (for debugging)."""
    return _build("expression", [expr], schema, "_dcsys_expression")[0]
