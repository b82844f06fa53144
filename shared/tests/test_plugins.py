from __future__ import annotations

import pytest

from dcsys.core.errors import UnknownNameError
from dcsys.core.plugins import (
    COMMANDS,
    DEMOS,
    EXPERIMENTS,
    entries,
    find_entry,
    installed_systems,
    system_of_distribution,
)


def test_core_registers_its_builtins_through_the_same_groups():
    names = {(e.system, e.name) for e in entries(COMMANDS)}
    assert {("core", "list"), ("core", "version"), ("core", "reproduce"), ("core", "demo")} <= names
    assert ("core", "mm1_queue") in {(e.system, e.name) for e in entries(EXPERIMENTS)}
    assert ("core", "core") in {(e.system, e.name) for e in entries(DEMOS)}


def test_system_names_come_from_distribution_names():
    assert system_of_distribution("dcsys-core") == "core"
    assert system_of_distribution("DCSYS_Omega") == "omega"
    assert system_of_distribution("ray") is None
    assert "core" in installed_systems()


def test_fake_distribution_is_discovered_lazily(fake_distribution):
    fake_distribution(
        """
        [dcsys.experiments]
        exp_one = dcsys_fake_module:EXP
        """
    )
    entry = find_entry(EXPERIMENTS, "exp_one", system="fake")
    assert entry.system == "fake" and entry.distribution == "dcsys-fake" and entry.version == "0.1"
    # listing did not import the module (it does not even exist)
    with pytest.raises(ModuleNotFoundError):
        entry.load()


def test_bad_names_and_duplicates_are_ignored_with_a_warning(fake_distribution):
    fake_distribution(
        """
        [dcsys.experiments]
        not-an-identifier = x:y
        good = x:y
        """
    )
    with pytest.warns(UserWarning, match="not an identifier"):
        found = [e.name for e in entries(EXPERIMENTS) if e.system == "fake"]
    assert found == ["good"]


def test_unknown_entry_names_the_known_ones():
    with pytest.raises(UnknownNameError, match=r"unknown command 'nope' \(known: .*reproduce"):
        find_entry(COMMANDS, "nope")
