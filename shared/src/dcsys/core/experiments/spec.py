"""What an experiment declares: its parameters, scales, the paper's numbers and its figures.

An :class:`Experiment` is a plain description. It names a *point function* that runs one point of
a sweep with one seed and returns metrics, a quick and a full :class:`Scale` (the sweep points and
how many seeded repeats each gets), the :class:`Reference` values from the paper that the report
sets beside ours, and optionally a ``summarize`` function (metrics derived from the whole sweep,
such as a saturation point) and a ``plot`` function (matplotlib figures).

Examples:
    >>> def square(params, seed):
    ...     return {"y": params["x"] ** 2}
    >>> exp = Experiment(
    ...     name="squares",
    ...     title="Squares",
    ...     run=square,
    ...     quick=Scale.grid(x=[1, 2]),
    ...     full=Scale.grid(x=[1, 2, 3]),
    ...     references=(Reference("y", 4.0, where={"x": 2}, source="Table 1"),),
    ... )
    >>> [dict(p) for p in exp.scale("quick").points]
    [{'x': 1}, {'x': 2}]
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dcsys.core.errors import ConfigError

__all__ = ["Experiment", "PlotFunction", "PointFunction", "Reference", "Scale", "SummaryFunction"]

Row = Mapping[str, Any]
PointFunction = Callable[[dict[str, Any], int], Row | Sequence[Row]]
"""``run(params, seed)``: one sweep point, one seed → a metrics row or several rows."""
SummaryFunction = Callable[[list[dict[str, Any]]], Mapping[str, Any]]
"""``summarize(rows)``: metrics derived from the rows of the whole sweep."""
PlotFunction = Callable[[list[dict[str, Any]], Mapping[str, Any]], Mapping[str, Any]]
"""``plot(rows, summary)`` → ``{figure_name: matplotlib.figure.Figure}``."""


@dataclass(frozen=True)
class Scale:
    """The sweep points run at one scale, and how many seeded repeats each gets.

    Attributes:
        points: parameter dictionaries, one per sweep point.
        repeats: independent seeds per point (results are averaged in the report).
    """

    points: tuple[Mapping[str, Any], ...]
    repeats: int = 1

    def __post_init__(self) -> None:
        if self.repeats < 1:
            raise ConfigError(f"repeats must be >= 1, got {self.repeats}")
        if not self.points:
            raise ConfigError("a scale needs at least one sweep point")

    @classmethod
    def grid(cls, repeats: int = 1, **axes: Sequence[Any]) -> Scale:
        """Build the cartesian product of the named axes.

        Examples:
            >>> [dict(p) for p in Scale.grid(a=[1, 2], b=["x"]).points]
            [{'a': 1, 'b': 'x'}, {'a': 2, 'b': 'x'}]
        """
        names = list(axes)
        points = tuple(
            dict(zip(names, combo, strict=True)) for combo in itertools.product(*axes.values())
        )
        return cls(points=points, repeats=repeats)

    @classmethod
    def of(cls, points: Sequence[Mapping[str, Any]], repeats: int = 1) -> Scale:
        """Build a scale from an explicit list of points."""
        return cls(points=tuple(dict(p) for p in points), repeats=repeats)

    @property
    def size(self) -> int:
        """Number of runs: points × repeats."""
        return len(self.points) * self.repeats


@dataclass(frozen=True)
class Reference:
    """One number from the paper, set beside ours in the report.

    Attributes:
        metric: the metric's name: a column of the point rows, or a key of the summary.
        value: the paper's value (a number, or text for a qualitative claim such as ``"> 1.0"``).
        where: the sweep point(s) the number refers to, as a subset of the parameters. Rows
            that match every key are averaged. Empty: the metric is looked up in the summary
            first, then averaged over all rows.
        source: where in the paper, e.g. ``"Fig. 8 (cluster A)"``.
        note: why our number may differ (set-up, scale, machine) — shown in the report.
        tolerance: optional relative tolerance; the report marks the pair within or outside it.
    """

    metric: str
    value: float | str
    where: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""
    note: str = ""
    tolerance: float | None = None


@dataclass(frozen=True)
class Experiment:
    """A reproducible experiment of one system.

    Attributes:
        name: identifier, the same as its entry-point name (e.g. ``"fig5_wait_time"``).
        title: one line for reports and listings.
        run: the point function ``run(params, seed) -> row | rows``. It must be importable
            (module level) so that it can run in worker processes or on Ray.
        quick: the scale used by default, by tests and by CI (seconds to a minute or two).
        full: the paper's scale.
        references: the paper's numbers.
        summarize: optional metrics derived from all rows.
        plot: optional figures.
        description: a paragraph for the report: what is measured and how.
        paper: the paper, e.g. ``"Omega, EuroSys 2013"``.
    """

    name: str
    title: str
    run: PointFunction
    quick: Scale
    full: Scale
    references: tuple[Reference, ...] = ()
    summarize: SummaryFunction | None = None
    plot: PlotFunction | None = None
    description: str = ""
    paper: str = ""

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise ConfigError(f"experiment name must be an identifier, got {self.name!r}")

    def scale(self, which: str) -> Scale:
        """Return the ``"quick"`` or ``"full"`` scale."""
        if which == "quick":
            return self.quick
        if which == "full":
            return self.full
        raise ConfigError(f"scale must be 'quick' or 'full', got {which!r}")
