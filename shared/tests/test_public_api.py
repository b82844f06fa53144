"""Every public module of dcsys.core imports and exports exactly what its __all__ names."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import dcsys.core

PUBLIC_MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(dcsys.core.__path__, "dcsys.core.")
    if not any(part.startswith("_") for part in m.name.split("."))
)


def test_expected_modules_exist():
    for name in (
        "relational",
        "sql",
        "dataflow",
        "scheduling",
        "sim",
        "execution",
        "experiments",
        "cli",
        "plugins",
        "errors",
    ):
        assert f"dcsys.core.{name}" in PUBLIC_MODULES


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_public_names_import(name):
    if name.startswith("dcsys.core.testing"):
        pytest.importorskip("pytest")
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} declares no __all__"
    for symbol in exported:
        assert hasattr(module, symbol), f"{name}.__all__ names {symbol!r}, which does not exist"


def test_core_import_is_light():
    import subprocess
    import sys

    code = "import sys, dcsys.core, dcsys.core.cli, dcsys.core.execution; print(sorted(m for m in ('ray', 'matplotlib', 'sqlglot') if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_no_namespace_init():
    import pathlib

    for path in dcsys.core.__path__:
        assert not (pathlib.Path(path).parent / "__init__.py").exists()
