"""The dcsys pytest plug-in: registered through ``pytest11``, lazy about Ray, one shared cluster."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import pytest

from dcsys.core.testing import pytest_plugin


def test_registered_as_a_pytest11_entry_point(request):
    entry = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="pytest11")}
    assert entry.get("dcsys") == "dcsys.core.testing.pytest_plugin"
    assert request.config.pluginmanager.has_plugin("dcsys")


def test_declares_the_ray_marker(request):
    assert any(line.startswith("ray:") for line in request.config.getini("markers"))


def test_importing_the_plugin_does_not_import_ray():
    code = (
        "import sys, dcsys.core.testing.pytest_plugin, dcsys.core.execution.ray_backend; "
        "print('ray' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


class _Item:
    def __init__(self, marked):
        self.marked = marked

    def get_closest_marker(self, name):
        return object() if self.marked and name == "ray" else None


def test_ray_tests_are_skipped_with_a_reason_when_ray_is_missing(monkeypatch):
    monkeypatch.setattr(pytest_plugin.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(pytest.skip.Exception, match=r"Ray is not installed .*dcsys-core\[ray\]"):
        pytest_plugin.pytest_runtest_setup(_Item(marked=True))
    pytest_plugin.pytest_runtest_setup(_Item(marked=False))  # unmarked tests run


@pytest.mark.ray
def test_ray_cluster_is_small_and_shared(ray_cluster):
    resources = ray_cluster.cluster_resources()
    assert resources["CPU"] == pytest_plugin.RAY_CPUS
    assert resources["object_store_memory"] <= 1.1 * pytest_plugin.RAY_OBJECT_STORE_BYTES
    from dcsys.core.execution import get_executor

    with get_executor("ray") as ex:  # joins the session's Ray instead of starting one
        assert ex.submit(len, "abc").result(timeout=60) == 3
    assert ray_cluster.is_initialized()
