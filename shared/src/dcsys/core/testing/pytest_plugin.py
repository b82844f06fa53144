"""pytest plug-in with fixtures shared by every dcsys package (registered via ``pytest11``).

Any test run in an environment with ``dcsys-core`` installed loads it, so every package's tests
share one Ray cluster per run. Ray is imported only when the ``ray_cluster`` fixture is used.

Fixtures:
    ray_cluster: a local Ray started once per test run (2 CPUs, no dashboard, a 256 MiB object
        store, no log forwarding) and shut down at the end of the run. A
        :class:`~dcsys.core.execution.RayExecutor` created while it is up reuses it. Tests that
        use it are skipped, with a reason, when Ray is not installed.

Markers:
    ray: the test needs Ray. Marked tests are skipped, with a reason, when Ray is not installed
        (checked without importing it).

Examples:
    A test in any package::

        @pytest.mark.ray
        def test_on_ray(ray_cluster):
            with get_executor("ray", max_workers=2) as ex:
                assert ex.submit(abs, -1).result() == 1
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from typing import Any

import pytest

__all__ = [
    "RAY_CPUS",
    "RAY_OBJECT_STORE_BYTES",
    "pytest_configure",
    "pytest_runtest_setup",
    "ray_cluster",
]

RAY_CPUS = 2
RAY_OBJECT_STORE_BYTES = 256 * 1024 * 1024
_NO_RAY = 'Ray is not installed (pip install "dcsys-core[ray]")'


def pytest_configure(config: pytest.Config) -> None:
    """Declare the ``ray`` marker, so ``--strict-markers`` runs of any package accept it."""
    config.addinivalue_line(
        "markers", "ray: needs Ray installed (dcsys-core[ray]); uses the session's Ray cluster"
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip tests marked ``ray`` when Ray is not installed (without importing Ray)."""
    if item.get_closest_marker("ray") is not None and importlib.util.find_spec("ray") is None:
        pytest.skip(_NO_RAY)


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[Any]:
    """Start one local Ray for the whole test run (or join the one already up); yield ``ray``."""
    if importlib.util.find_spec("ray") is None:
        pytest.skip(_NO_RAY)
    from dcsys.core.execution.ray_backend import ray_session

    with ray_session(RAY_CPUS, object_store_memory=RAY_OBJECT_STORE_BYTES) as ray:
        yield ray
