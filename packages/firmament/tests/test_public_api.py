import importlib
import pkgutil

import pytest

import dcsys.firmament

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(dcsys.firmament.__path__, "dcsys.firmament.")
    if not any(p.startswith("_") for p in m.name.split("."))
)


@pytest.mark.parametrize("name", ["dcsys.firmament", *MODULES])
def test_public_names_import(name):
    module = importlib.import_module(name)
    assert hasattr(module, "__all__"), f"{name} declares no __all__"
    for symbol in module.__all__:
        assert hasattr(module, symbol), f"{name}.{symbol}"
