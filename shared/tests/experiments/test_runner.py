from __future__ import annotations

import csv
import json

import pytest

from dcsys.core.errors import ConfigError
from dcsys.core.experiments import Experiment, Reference, Scale, run_experiment, run_seed


def noisy_point(params, seed):
    # deterministic in (params, seed): a seed-dependent but reproducible value
    import numpy as np

    rng = np.random.default_rng(seed)
    return {"value": params["x"] * 10 + rng.random(), "label": f"x{params['x']}"}


def multi_row_point(params, seed):
    return [{"t": t, "y": params["x"] + t} for t in range(3)]


def plot(rows, summary):
    from dcsys.core.experiments.figures import new_figure

    fig, ax = new_figure()
    ax.plot([r["x"] for r in rows], [r["value"] for r in rows], "o")
    return {"values": fig}


EXP = Experiment(
    name="noisy",
    title="Noisy values",
    run=noisy_point,
    quick=Scale.grid(x=[1, 2, 3], repeats=2),
    full=Scale.grid(x=[1, 2, 3, 4], repeats=2),
    references=(
        Reference("value", 20.5, where={"x": 2}, source="Fig. 1", tolerance=0.05),
        Reference("max_value", 31.0, source="Text", note="summary metric"),
        Reference("value", 40.5, where={"x": 4}, source="Fig. 1"),  # only at full scale
    ),
    summarize=lambda rows: {"max_value": max(r["value"] for r in rows)},
    plot=plot,
    description="A test experiment.",
    paper="Test paper",
)


def test_rows_are_seeded_per_run_and_independent_of_worker_count(tmp_path):
    one = run_experiment(EXP, system="test", out=None, progress=None, workers=1)
    two = run_experiment(EXP, system="test", out=None, progress=None, workers=2)
    key = lambda r: (r["x"], r["repeat"])  # noqa: E731
    assert [(key(r), r["seed"], r["value"]) for r in sorted(one.rows, key=key)] == [
        (key(r), r["seed"], r["value"]) for r in sorted(two.rows, key=key)
    ]
    assert len(one.rows) == 6
    assert {r["seed"] for r in one.rows} == {run_seed(0, i, r) for i in range(3) for r in range(2)}
    other = run_experiment(EXP, system="test", out=None, progress=None, workers=1, seed=7)
    assert [r["value"] for r in other.rows] != [r["value"] for r in one.rows]


def test_comparisons_use_matching_rows_and_summary():
    res = run_experiment(EXP, system="test", out=None, progress=None, workers=1)
    by_metric = {(c.reference.metric, tuple(c.reference.where.items())): c for c in res.comparisons}
    c = by_metric[("value", (("x", 2),))]
    assert c.n == 2 and 20 < c.ours < 21 and c.within is True
    assert abs(c.ratio - c.ours / 20.5) < 1e-12
    s = by_metric[("max_value", ())]
    assert s.ours == res.summary["max_value"] and s.n == 1
    missing = by_metric[("value", (("x", 4),))]
    assert missing.ours is None and missing.n == 0 and missing.ratio is None


def test_files_written(tmp_path):
    res = run_experiment(EXP, system="test", out=tmp_path, progress=None, workers=2)
    d = tmp_path / "test" / "noisy"
    assert res.directory == d
    assert sorted(p.name for p in d.iterdir()) == [
        "report.md",
        "results.csv",
        "results.json",
        "values.png",
        "values.svg",
    ]
    with (d / "results.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 6 and list(rows[0])[:4] == ["x", "repeat", "seed", "wall_time_s"]
    doc = json.loads((d / "results.json").read_text())
    meta = doc["meta"]
    assert meta["seed"] == 0 and meta["scale"] == "quick" and meta["experiment"] == "noisy"
    assert "core" in meta["environment"]["dcsys"] and meta["environment"]["cpu_count"] >= 1
    assert "python" in meta["environment"] and meta["wall_time_s"] > 0
    report = (d / "report.md").read_text()
    assert "| Fig. 1 | x=2 | value | 20.5 |" in report
    assert "![values](values.png)" in report
    # no temporary folders left behind
    assert [p.name for p in (tmp_path / "test").iterdir()] == ["noisy"]


def test_multi_row_points():
    exp = Experiment("multi", "Multi", multi_row_point, Scale.grid(x=[0, 1]), Scale.grid(x=[0]))
    res = run_experiment(exp, out=None, progress=None, workers=1)
    assert [(r["x"], r["t"], r["y"]) for r in res.rows] == [
        (0, 0, 0),
        (0, 1, 1),
        (0, 2, 2),
        (1, 0, 1),
        (1, 1, 2),
        (1, 2, 3),
    ]


def failing_point(params, seed):
    raise ValueError(f"boom at {params['x']}")


def test_failure_leaves_no_half_written_results(tmp_path):
    exp = Experiment("fails", "Fails", failing_point, Scale.grid(x=[1]), Scale.grid(x=[1]))
    with pytest.raises(ValueError, match="boom at 1"):
        run_experiment(exp, system="test", out=tmp_path, progress=None, workers=1)
    assert not (tmp_path / "test" / "fails").exists()


def test_bad_arguments():
    with pytest.raises(ConfigError, match="scale must be"):
        run_experiment(EXP, scale="huge", out=None, progress=None)
    with pytest.raises(ConfigError, match="workers"):
        run_experiment(EXP, out=None, progress=None, workers=0)
    with pytest.raises(ConfigError, match="repeats"):
        Scale.grid(x=[1], repeats=0)
    with pytest.raises(ConfigError, match="identifier"):
        Experiment("bad name", "t", noisy_point, EXP.quick, EXP.full)
