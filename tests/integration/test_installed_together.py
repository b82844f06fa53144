"""Everything installed together: every plug-in loads, every demo runs, every experiment is well formed."""

from __future__ import annotations

import io

import pytest

from dcsys.core.cli import Command
from dcsys.core.experiments import Experiment
from dcsys.core.plugins import COMMANDS, DEMOS, EXPERIMENTS, entries, installed_systems


def test_every_system_is_installed():
    assert "core" in installed_systems()


@pytest.mark.parametrize("entry", entries(COMMANDS), ids=lambda e: f"{e.system}.{e.name}")
def test_commands_load(entry):
    assert isinstance(entry.load(), Command)


@pytest.mark.parametrize("entry", entries(EXPERIMENTS), ids=lambda e: f"{e.system}.{e.name}")
def test_experiments_are_well_formed(entry):
    exp = entry.load()
    assert isinstance(exp, Experiment) and exp.name == entry.name
    assert exp.quick.size <= exp.full.size or exp.quick.points != exp.full.points
    for ref in exp.references:
        params = {k for p in exp.full.points for k in p}
        assert set(ref.where) <= params, (
            f"{entry.name}: reference point {ref.where} names no parameter"
        )


@pytest.mark.parametrize("entry", entries(DEMOS), ids=lambda e: f"{e.system}.{e.name}")
def test_demos_run(entry):
    out = io.StringIO()
    entry.load()(out)
    assert out.getvalue().strip()
