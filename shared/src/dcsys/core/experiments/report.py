"""Results files and the paper-vs-ours report of one experiment run.

* ``results.csv``: one line per (point, repeat, row) with the parameters, the seed and the metrics;
* ``results.json``: the same rows, the summary metrics, the comparisons and the metadata;
* ``report.md``: the paper's value beside ours for every reference, then the results table.
"""

from __future__ import annotations

import csv
import json
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dcsys.core.experiments.spec import Experiment, Reference

__all__ = ["Comparison", "compare", "format_value", "write_csv", "write_json", "write_report"]

RESERVED = ("repeat", "seed", "wall_time_s")


@dataclass(frozen=True)
class Comparison:
    """One reference set beside our value.

    Attributes:
        reference: the paper's number and where it comes from.
        ours: our value (mean over matching rows), or None if no row matched.
        spread: standard deviation over the matching rows (0 for one row), if numeric.
        n: how many rows were averaged.
        ratio: ours / paper when both are non-zero numbers.
        within: whether ``ours`` is within the reference's tolerance (None if it has none).
    """

    reference: Reference
    ours: Any
    spread: float | None
    n: int
    ratio: float | None
    within: bool | None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def format_value(value: Any) -> str:
    """Format a number compactly for a report table.

    Examples:
        >>> format_value(1234567.0), format_value(0.000123), format_value(2), format_value(None)
        ('1.23e+06', '0.000123', '2', '—')
    """
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if value != value:  # NaN
        return "nan"
    return f"{value:.3g}"


def _matches(row: Mapping[str, Any], where: Mapping[str, Any]) -> bool:
    return all(k in row and row[k] == v for k, v in where.items())


def compare(
    references: Sequence[Reference], rows: Sequence[Mapping[str, Any]], summary: Mapping[str, Any]
) -> list[Comparison]:
    """Set every reference beside our value from the summary or the matching rows."""
    out = []
    for ref in references:
        values: list[Any]
        if not ref.where and ref.metric in summary:
            values = [summary[ref.metric]]
        else:
            values = [r[ref.metric] for r in rows if _matches(r, ref.where) and ref.metric in r]
            values = [v for v in values if v is not None]
        numeric = [float(v) for v in values if _is_number(v)]
        ours: Any
        spread = None
        if numeric and len(numeric) == len(values):
            ours = statistics.fmean(numeric)
            spread = statistics.pstdev(numeric) if len(numeric) > 1 else 0.0
        elif values:
            ours = values[0] if len(set(map(str, values))) == 1 else "; ".join(map(str, values))
        else:
            ours = None
        ratio = within = None
        if _is_number(ours) and _is_number(ref.value) and ref.value != 0:
            ratio = ours / float(ref.value)
            if ref.tolerance is not None:
                within = abs(ratio - 1.0) <= ref.tolerance
        out.append(Comparison(ref, ours, spread, len(values), ratio, within))
    return out


def _columns(rows: Sequence[Mapping[str, Any]], first: Sequence[str] = ()) -> list[str]:
    cols = list(first)
    for row in rows:
        for key in row:
            if key not in cols:
                cols.append(key)
    return cols


def write_csv(path: Path, rows: Sequence[Mapping[str, Any]], param_names: Sequence[str]) -> None:
    """Write ``rows`` as CSV with the parameters first, then the run columns, then metrics."""
    cols = _columns(rows, [*param_names, *RESERVED])
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in cols})


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def write_json(path: Path, document: Mapping[str, Any]) -> None:
    """Write ``document`` as indented JSON, turning numpy scalars into Python numbers."""
    path.write_text(json.dumps(_jsonable(document), indent=2, sort_keys=False) + "\n")


def _aggregate(rows: Sequence[Mapping[str, Any]], params: Sequence[str]) -> list[dict[str, Any]]:
    """Average the numeric metrics of rows that share the same parameters."""
    groups: dict[tuple, list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(repr(row.get(p)) for p in params), []).append(row)
    out = []
    for members in groups.values():
        agg: dict[str, Any] = {p: members[0].get(p) for p in params}
        for col in _columns(members):
            if col in params or col in ("repeat", "seed"):
                continue
            vals = [m[col] for m in members if col in m]
            if vals and all(_is_number(v) for v in vals):
                agg[col] = statistics.fmean(vals)
            elif vals:
                agg[col] = vals[0]
        agg["n"] = len(members)
        out.append(agg)
    return out


def _table(header: Sequence[str], lines: Sequence[Sequence[str]]) -> str:
    def esc(cell: str) -> str:
        return cell.replace("|", "\\|").replace("\n", " ")

    text = ["| " + " | ".join(map(esc, header)) + " |", "|" + "---|" * len(header)]
    text += ["| " + " | ".join(map(esc, line)) + " |" for line in lines]
    return "\n".join(text)


def comparison_table(comparisons: Sequence[Comparison]) -> str:
    """Render comparisons as a Markdown table: source, point, metric, paper, ours, ratio, note."""
    lines = []
    for c in comparisons:
        point = ", ".join(f"{k}={v}" for k, v in c.reference.where.items()) or "—"
        ours = format_value(c.ours)
        if c.spread:
            ours += f" ± {format_value(c.spread)}"
        ratio = "—" if c.ratio is None else f"{c.ratio:.2f}"
        if c.within is not None:
            ratio += " ✓" if c.within else " ✗"
        lines.append(
            [
                c.reference.source or "—",
                point,
                c.reference.metric,
                format_value(c.reference.value),
                ours,
                ratio,
                c.reference.note,
            ]
        )
    return _table(["paper source", "point", "metric", "paper", "ours", "ours/paper", "note"], lines)


def write_report(
    path: Path,
    experiment: Experiment,
    *,
    system: str,
    scale: str,
    rows: Sequence[Mapping[str, Any]],
    summary: Mapping[str, Any],
    comparisons: Sequence[Comparison],
    figures: Sequence[str],
    meta: Mapping[str, Any],
) -> None:
    """Write ``report.md`` for one experiment run."""
    params = _columns([p for p in experiment.scale(scale).points])
    git = meta.get("environment", {}).get("git") or {}
    commit = (git.get("commit", "")[:12] + (" (dirty)" if git.get("dirty") else "")) or "unknown"
    parts = [
        f"# {system}: {experiment.title}",
        "",
        experiment.description.strip(),
        "",
        f"- Paper: {experiment.paper or '—'}",
        f"- Scale: **{scale}** ({len(experiment.scale(scale).points)} points × "
        f"{experiment.scale(scale).repeats} repeats), base seed {meta.get('seed')}, "
        f"executor {meta.get('executor')}",
        f"- Wall time: {meta.get('wall_time_s', 0):.1f} s; commit {commit}; "
        f"{meta.get('environment', {}).get('cpu_count')} CPUs",
        "",
        "## Paper vs ours",
        "",
        comparison_table(comparisons)
        if comparisons
        else "_This experiment states no paper numbers._",
        "",
    ]
    if summary:
        parts += [
            "## Summary metrics",
            "",
            _table(["metric", "value"], [[k, format_value(v)] for k, v in summary.items()]),
            "",
        ]
    agg = _aggregate(rows, params)
    if agg:
        cols = _columns(agg, params)
        parts += [
            "## Results (mean over repeats)",
            "",
            _table(cols, [[format_value(r.get(c)) for c in cols] for r in agg]),
            "",
        ]
    if figures:
        parts += ["## Figures", ""] + [f"![{name}]({name}.png)" for name in figures] + [""]
    path.write_text("\n".join(parts))
