"""Incremental grouped aggregation: COUNT, COUNT(DISTINCT), SUM, AVG, MIN, MAX, GROUP_CONCAT.

Output rows are the group columns (in ``group_by`` order) followed by one value per aggregate.
For every group a batch touches, the operator emits ``-old`` and ``+new`` output rows — nothing
when the value did not change (e.g. ``+10, -10`` in one batch).

SQL semantics, as in MySQL and SQLite:

* ``COUNT(*)`` (``Agg("count")``) counts rows; ``COUNT(col)`` counts non-``NULL`` values;
  ``COUNT(DISTINCT col)`` counts distinct non-``NULL`` values.
* ``SUM``, ``AVG``, ``MIN``, ``MAX`` and ``GROUP_CONCAT`` ignore ``NULL`` and are ``NULL`` when the
  group has no non-``NULL`` value. ``AVG`` is ``SUM / COUNT`` with true division (a float).
  ``distinct=True`` makes ``SUM``/``AVG``/``GROUP_CONCAT`` use each distinct value once.
* ``GROUP_CONCAT`` joins ``str(value)`` with the separator (``","`` by default), values in
  **ascending SQL order** (``NULL`` < numbers < text < bytes, as ``ORDER BY col`` would sort
  them), repeated by multiplicity — a deterministic order, as in Noria, where MySQL leaves it
  unspecified without an ``ORDER BY``.
* With ``group_by`` columns, a group exists while it has at least one row: when its last row is
  deleted its output row is retracted. **Without** ``group_by`` (a global aggregate) there is
  always exactly one output row, also over an empty input: ``COUNT`` is 0 and every other
  aggregate ``NULL``; :meth:`Aggregate.initial_output` returns that row (ReadySet instead returns
  no row; dcsys follows SQL).

State: ``groups`` holds one accumulator row per group (the group key, one accumulator per
aggregate, and the group's row count last), indexed on the group columns. Aggregates that must
survive deletes — ``MIN``/``MAX`` (a deleted minimum is replaced by the next one), ``DISTINCT``
variants and ``GROUP_CONCAT`` — also keep the multiset of each group's non-``NULL`` values of
their column, one state per column, as ``(group..., value)`` rows. Sums of floats accumulate
rounding error as values come and go (an empty group's sum resets to exactly 0).

Examples:
    >>> agg = Aggregate([0], [Agg("count"), Agg("max", 1)])
    >>> agg.bind([2])
    3
    >>> agg.on_input(0, [(("a", 5), 1), (("a", 9), 1)])
    [(('a', 2, 9), 1)]
    >>> agg.on_input(0, [(("a", 9), -1)])
    [(('a', 2, 9), -1), (('a', 1, 5), 1)]
    >>> agg.on_input(0, [(("a", 5), -1)])
    [(('a', 1, 5), -1)]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from dcsys.core.dataflow._keys import key_getter, sort_key
from dcsys.core.dataflow.base import Operator, ParentLookup, check_columns, filter_by_key
from dcsys.core.dataflow.delta import Batch, DataflowError, Delta, Row
from dcsys.core.dataflow.state import State, StateFactory
from dcsys.core.errors import ConfigError, UnknownNameError

__all__ = ["Agg", "Aggregate"]

_FUNCS = ("count", "sum", "avg", "min", "max", "group_concat")
_COUNT, _SUM, _AVG, _MIN, _MAX, _CONCAT = range(6)


@dataclass(frozen=True)
class Agg:
    """One aggregate function applied to one input column.

    Args:
        func: ``"count"``, ``"sum"``, ``"avg"``, ``"min"``, ``"max"``, ``"group_concat"``, or
            ``"count_distinct"`` (the same as ``"count"`` with ``distinct=True``);
            case-insensitive.
        column: the input column; ``None`` only for ``COUNT(*)``.
        distinct: aggregate each distinct value once (``COUNT(DISTINCT col)`` and so on).
        separator: the ``GROUP_CONCAT`` separator.

    Raises:
        UnknownNameError: for an unknown function.
        ConfigError: for a missing column, or a column or separator of the wrong type.

    Examples:
        >>> Agg("COUNT_DISTINCT", 2)
        Agg(func='count', column=2, distinct=True, separator=',')
    """

    func: str
    column: int | None = None
    distinct: bool = False
    separator: str = ","

    def __post_init__(self) -> None:
        func = self.func.lower() if isinstance(self.func, str) else self.func
        if func == "count_distinct":
            func = "count"
            object.__setattr__(self, "distinct", True)
        if func not in _FUNCS:
            raise UnknownNameError(
                "aggregate function", str(self.func), (*_FUNCS, "count_distinct")
            )
        object.__setattr__(self, "func", func)
        if self.column is None:
            if func != "count" or self.distinct:
                raise ConfigError(
                    f"aggregate {func}{'(distinct)' if self.distinct else ''} needs "
                    "a column (only COUNT(*) has none)"
                )
        elif isinstance(self.column, bool) or not hasattr(self.column, "__index__"):
            raise ConfigError(f"aggregate column must be an int position, got {self.column!r}")
        else:
            object.__setattr__(self, "column", self.column.__index__())
        if not isinstance(self.separator, str):
            raise ConfigError(f"group_concat separator must be a str, got {self.separator!r}")

    @property
    def needs_values(self) -> bool:
        """Whether the operator must keep this aggregate's column values per group."""
        return self.distinct or self.func in ("min", "max", "group_concat")

    def __str__(self) -> str:
        arg = "*" if self.column is None else f"c{self.column}"
        return f"{self.func}({'distinct ' if self.distinct else ''}{arg})"


class Aggregate(Operator):
    """Grouped aggregation (one input).

    Args:
        group_by: the input columns to group by (``[]`` for one global group).
        aggregates: the aggregates, in output order.
        state_factory: builds the operator's states (``State`` by default).

    Raises:
        ConfigError: on no aggregates or (at bind) a column out of range.

    Examples:
        >>> total = Aggregate([], [Agg("count"), Agg("sum", 0)])
        >>> total.bind([1])
        2
        >>> total.initial_output()
        [((0, None), 1)]
        >>> total.on_input(0, [((4,), 1), ((None,), 1)])
        [((0, None), -1), ((2, 4), 1)]
    """

    def __init__(
        self,
        group_by: Sequence[int],
        aggregates: Sequence[Agg],
        *,
        state_factory: StateFactory = State,
    ) -> None:
        super().__init__(state_factory=state_factory)
        self.group_by = tuple(group_by)
        self.aggregates = tuple(aggregates)
        if not self.aggregates:
            raise ConfigError("an aggregate needs at least one aggregate function")
        for a in self.aggregates:
            if not isinstance(a, Agg):
                raise ConfigError(f"aggregates must be Agg objects, got {a!r}")
        self.groups: State = State()
        self.values: dict[int, State] = {}

    def _bind(self, input_arities: tuple[int, ...]) -> int:
        (arity,) = input_arities
        self.group_by = check_columns("group by", self.group_by, arity)
        check_columns(
            "aggregate", [a.column for a in self.aggregates if a.column is not None], arity
        )
        g = len(self.group_by)
        self._g = g
        self._gcols = tuple(range(g))
        self._gget = key_getter(self.group_by)
        self._codes = [(_FUNCS.index(a.func), a.column, a.distinct, a) for a in self.aggregates]
        self.groups = self.state_factory([self._gcols])
        value_cols = sorted({a.column for a in self.aggregates if a.needs_values})
        self.values = {c: self.state_factory([self._gcols]) for c in value_cols}  # type: ignore[misc]
        self._initial_slots = tuple(
            0 if code == _COUNT else (0, 0) if code in (_SUM, _AVG) else None
            for code, *_ in self._codes
        )
        self._plain = all(code not in (_SUM, _AVG) for code, *_ in self._codes)
        if g == 0:
            self.groups.insert((*self._initial_slots, 0))
        return g + len(self.aggregates)

    @property
    def states(self) -> dict[str, State]:
        """``groups`` (accumulator rows) and ``values[c]`` (value multisets of column ``c``)."""
        out = {"groups": self.groups}
        out.update({f"values[{c}]": s for c, s in self.values.items()})
        return out

    def initial_output(self) -> Batch:
        """A global aggregate's row over an empty input; nothing for a grouped one."""
        if self._g:
            return []
        return [(self._finalize((*self._initial_slots, 0)), 1)]

    # -- processing ------------------------------------------------------------------------

    def _finalize(self, acc: Row) -> Row:
        if self._plain:  # every accumulator is already the output value
            return acc[:-1]
        g = self._g
        vals: list[Any] = list(acc[:g])
        for (code, *_), slot in zip(self._codes, acc[g:-1], strict=True):
            if code == _SUM:
                vals.append(slot[0] if slot[1] else None)
            elif code == _AVG:
                vals.append(slot[0] / slot[1] if slot[1] else None)
            else:
                vals.append(slot)
        return tuple(vals)

    def on_input(self, port: int, batch: Batch) -> Batch:
        """Update the groups the batch touches; emit ``-old, +new`` for each changed group."""
        gget = self._gget
        by_group: dict[tuple[Any, ...], list[Delta]] = {}
        for d in batch:
            k = gget(d[0])
            lst = by_group.get(k)
            if lst is None:
                by_group[k] = [d]
            else:
                lst.append(d)
        out: Batch = []
        gcols, g, lookup = self._gcols, self._g, self.groups.lookup
        for k, deltas in by_group.items():
            bucket = lookup(gcols, k)
            if bucket is None:  # a hole in a partial state
                continue
            old = next(iter(bucket)) if bucket else None
            n_old = old[-1] if old is not None else 0
            n_new = n_old
            for d in deltas:
                n_new += d[1]
            if n_new < 0:
                raise DataflowError(
                    f"aggregate group {k!r}: {n_old} rows held but {n_old - n_new} removed"
                )
            changes = self._update_values(k, deltas) if self.values else {}
            if changes is None:  # a hole in a value state
                continue
            if n_new == 0 and g:
                new = None
            elif n_new == 0:
                new = (*self._initial_slots, 0)
            else:
                old_slots = old[g:-1] if old is not None else self._initial_slots
                new = (*k, *self._slots(n_new - n_old, deltas, old_slots, changes), n_new)
            if new == old:
                continue
            if old is not None:
                self.groups.remove(old)
            if new is not None:
                self.groups.insert(new)
            old_out = self._finalize(old) if old is not None else None
            new_out = self._finalize(new) if new is not None else None
            if old_out != new_out:
                if old_out is not None:
                    out.append((old_out, -1))
                if new_out is not None:
                    out.append((new_out, 1))
        return out

    def _update_values(
        self, k: tuple[Any, ...], deltas: list[Delta]
    ) -> dict[int, tuple[dict, dict[Row, int]]] | None:
        """Apply the group's deltas to each value state.

        Returns ``{column: ({value row: (before, after)}, bucket after)}``, or ``None`` on a hole.
        """
        gcols = self._gcols
        plans = []
        for c, vs in self.values.items():
            bucket = vs.lookup(gcols, k)
            if bucket is None:
                return None
            touched: dict[Row, list[int]] = {}
            for row, m in deltas:
                v = row[c]
                if v is None or not m:
                    continue
                vrow = (*k, v)
                t = touched.get(vrow)
                if t is None:
                    touched[vrow] = t = [bucket.get(vrow, 0), 0]
                t[1] += m
            for vrow, (before, delta) in touched.items():
                if before + delta < 0:
                    raise DataflowError(
                        f"aggregate group {k!r}: value {vrow[-1]!r} removed "
                        "more often than inserted"
                    )
            plans.append((c, vs, touched))
        changes = {}
        for c, vs, touched in plans:  # validated: now apply
            for vrow, (_before, delta) in touched.items():
                if delta > 0:
                    vs.insert(vrow, delta)
                elif delta < 0:
                    vs.remove(vrow, -delta)
            after = vs.lookup(gcols, k) or {}
            changes[c] = ({v: (t[0], t[0] + t[1]) for v, t in touched.items()}, after)
        return changes

    def _slots(
        self,
        dn: int,
        deltas: list[Delta],
        old_slots: Sequence[Any],
        changes: dict[int, tuple[dict, Any]],
    ) -> list[Any]:
        slots = []
        for (code, c, distinct, spec), slot in zip(self._codes, old_slots, strict=True):
            if c is None:  # COUNT(*)
                slots.append(slot + dn)
                continue
            if not (distinct or code in (_MIN, _MAX, _CONCAT)):
                if code == _COUNT:
                    slots.append(slot + sum(m for r, m in deltas if r[c] is not None))
                else:
                    s, n = slot
                    for r, m in deltas:
                        v = r[c]
                        if v is not None:
                            s += v * m
                            n += m
                    slots.append((s, n) if n else (0, 0))
                continue
            touched, after = changes[c]
            if code == _COUNT:
                slots.append(len(after))
            elif code in (_SUM, _AVG):
                s = slot[0]
                for vrow, (before, now) in touched.items():
                    if before == 0 and now > 0:
                        s += vrow[-1]
                    elif before > 0 and now == 0:
                        s -= vrow[-1]
                slots.append((s, len(after)) if after else (0, 0))
            elif code in (_MIN, _MAX):
                slots.append(self._extreme(code == _MAX, slot, touched, after))
            elif any(before != now for before, now in touched.values()):
                slots.append(_concat(after, spec))
            else:
                slots.append(slot)
        return slots

    @staticmethod
    def _extreme(is_max: bool, cur: Any, touched: dict, after: dict) -> Any:
        if not after:
            return None
        lost = any(
            before > 0 and now == 0 and vrow[-1] == cur for vrow, (before, now) in touched.items()
        )
        if lost or cur is None:
            pick = max if is_max else min
            return pick((vrow[-1] for vrow in after), key=sort_key)
        cur_key = sort_key(cur)
        for vrow, (before, now) in touched.items():
            if before == 0 and now > 0:
                vk = sort_key(vrow[-1])
                if (vk > cur_key) if is_max else (vk < cur_key):
                    cur, cur_key = vrow[-1], vk
        return cur

    # -- upqueries -------------------------------------------------------------------------

    def lookup(self, cols: tuple[int, ...], key: tuple[Any, ...], parents: ParentLookup) -> Batch:
        """Aggregate the parent's rows of the groups whose ``cols`` equal ``key``.

        Group columns are looked up in the parent directly; a key on aggregate values makes the
        operator aggregate the whole input and filter.
        """
        if cols and all(c < self._g for c in cols):
            pcols = tuple(self.group_by[c] for c in cols)
            return self.compute(parents(0, pcols, key))
        return filter_by_key(self.compute(parents(0, (), ())), cols, key)

    def compute(self, rows: Iterable[Delta]) -> Batch:
        """Aggregate a whole input from scratch (used by :meth:`lookup`).

        Args:
            rows: ``(row, multiplicity)`` pairs of the input.

        Returns:
            The output rows, each with multiplicity 1.
        """
        gget = self._gget
        groups: dict[tuple[Any, ...], list[Delta]] = {}
        for row, m in rows:
            groups.setdefault(gget(row), []).append((row, m))
        if not self._g and not groups:
            groups[()] = []
        out: Batch = []
        for k, lst in groups.items():
            if self._g and sum(m for _, m in lst) <= 0:
                continue
            out.append(((*k, *[_scratch(a, lst) for a in self.aggregates]), 1))
        return out

    def resolve(self, col: int) -> list[tuple[int, int]] | None:
        """Group columns copy input columns; aggregate columns are computed."""
        return [(0, self.group_by[col])] if col < len(self.group_by) else None

    def describe(self) -> str:
        """Group columns and aggregates."""
        return f"group_by={list(self.group_by)}, {', '.join(str(a) for a in self.aggregates)}"


def _concat(bucket: dict[Row, int], spec: Agg) -> str | None:
    if not bucket:
        return None
    items = sorted(bucket.items(), key=lambda it: sort_key(it[0][-1]))
    if spec.distinct:
        return spec.separator.join(str(row[-1]) for row, _ in items)
    return spec.separator.join(str(row[-1]) for row, m in items for _ in range(m))


def _scratch(spec: Agg, rows: list[Delta]) -> Any:
    """One aggregate of one group computed from its rows."""
    if spec.column is None:
        return sum(m for _, m in rows)
    c = spec.column
    bag: dict[Any, int] = {}
    for row, m in rows:
        if row[c] is not None:
            bag[row[c]] = bag.get(row[c], 0) + m
    bag = {v: m for v, m in bag.items() if m > 0}
    if spec.distinct:
        bag = dict.fromkeys(bag, 1)
    func = spec.func
    if func == "count":
        return sum(bag.values())
    if not bag:
        return None
    if func == "sum":
        return sum(v * m for v, m in bag.items())
    if func == "avg":
        return sum(v * m for v, m in bag.items()) / sum(bag.values())
    if func == "min":
        return min(bag, key=sort_key)
    if func == "max":
        return max(bag, key=sort_key)
    return _concat({(v,): m for v, m in bag.items()}, spec)
