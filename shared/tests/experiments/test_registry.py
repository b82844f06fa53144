from __future__ import annotations

import pytest

from dcsys.core.errors import DcsysError, UnknownNameError
from dcsys.core.experiments import experiment_entries, load_experiment, reproduce

FAKE_MODULE = """
from dcsys.core.experiments import Experiment, Reference, Scale

def point(params, seed):
    return {"y": params["x"] * 2}

EXP = Experiment("double", "Doubling", point, Scale.grid(x=[1, 2]), Scale.grid(x=[1, 2, 3]),
                 references=(Reference("y", 4, where={"x": 2}, source="Eq. 1"),))
NOT_AN_EXPERIMENT = 42
"""


def test_reproduce_a_registered_system(fake_distribution, tmp_path):
    fake_distribution(
        """
        [dcsys.experiments]
        double = dcsys_fake_module:EXP
        """,
        FAKE_MODULE,
    )
    assert [e.name for e in experiment_entries("fake")] == ["double"]
    results = reproduce("fake", out=tmp_path, workers=1, progress=None)
    assert [r["y"] for r in results[0].rows] == [2, 4]
    assert (tmp_path / "fake" / "double" / "report.md").exists()
    index = (tmp_path / "fake" / "report.md").read_text()
    assert "Doubling" in index and "| Eq. 1 | x=2 | y | 4 | 4 | 1.00 |" in index
    full = reproduce("fake", "double", full=True, out=tmp_path, workers=1, progress=None)
    assert len(full[0].rows) == 3


def test_unknown_system_and_experiment(fake_distribution):
    fake_distribution(
        """
        [dcsys.experiments]
        broken = dcsys_fake_module:NOT_AN_EXPERIMENT
        """,
        FAKE_MODULE,
    )
    with pytest.raises(UnknownNameError, match="unknown system 'nosuch'"):
        reproduce("nosuch")
    with pytest.raises(UnknownNameError, match="unknown experiment of fake 'nope' .*broken"):
        load_experiment("fake", "nope")
    with pytest.raises(DcsysError, match="is not an Experiment"):
        load_experiment("fake", "broken")
