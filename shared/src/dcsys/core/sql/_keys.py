"""Private: find the parameters a query looks rows up by (Noria's reader keys)."""

from __future__ import annotations

from dcsys.core.relational.expr import ColumnRef, Param
from dcsys.core.relational.plan import ParamKey
from dcsys.core.relational.predicates import Comparison

from ._select import SelectInfo

__all__ = ["param_keys"]


def _classes(pairs: list[tuple[int, int]]) -> dict[int, int]:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in list(parent)}


def param_keys(info: SelectInfo) -> tuple[ParamKey, ...]:
    """The ``column = ?`` conjuncts of a SELECT's WHERE clause as :class:`ParamKey` objects.

    A key's ``column`` is the output position that carries the compared column, or a column
    an inner join made equal to it; ``None`` if the output has neither.
    """
    assert info.scope is not None
    schema = info.scope.schema
    classes = _classes(info.equalities)
    keys = []
    for p in info.where:
        if not (isinstance(p, Comparison) and p.op == "="):
            continue
        col, param = p.left, p.right
        if isinstance(col, Param):
            col, param = param, col
        if not (isinstance(col, ColumnRef) and isinstance(param, Param)):
            continue
        target = classes.get(col.index, col.index)
        position = None
        for j, source in info.visible:
            if source == col.index:
                position = j
                break
        if position is None:
            for j, source in info.visible:
                if classes.get(source, source) == target:
                    position = j
                    break
        column = schema[col.index]
        name = info.output_names[position] if position is not None else column.name
        keys.append(ParamKey(param.index, position, name, column.table, column.type))
    keys.sort(key=lambda k: k.param)
    return tuple(keys)
