import importlib
import pkgutil

import pytest

import dcsys.omega

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(dcsys.omega.__path__, "dcsys.omega.")
    if not any(p.startswith("_") for p in m.name.split("."))
)


@pytest.mark.parametrize("name", ["dcsys.omega", *MODULES])
def test_public_names_import(name):
    module = importlib.import_module(name)
    assert hasattr(module, "__all__"), f"{name} declares no __all__"
    for symbol in module.__all__:
        assert hasattr(module, symbol), f"{name}.{symbol}"
