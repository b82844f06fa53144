"""pytest plug-in with fixtures shared by every dcsys package (registered via ``pytest11``).

Fixtures:
    ray_cluster: a local Ray cluster started once per test run (2 CPUs, no dashboard, a 256 MiB
        object store) and shut down at the end. Tests that use it are skipped with a reason when
        Ray is not installed. Ray is imported only when the fixture is used.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

__all__ = ["ray_cluster"]


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[Any]:
    """Start one local Ray for the whole test run and yield the ``ray`` module."""
    ray = pytest.importorskip("ray", reason='Ray is not installed (pip install "dcsys-core[ray]")')
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    started = False
    if not ray.is_initialized():
        from dcsys.core.execution.ray_backend import ray_init_options

        ray.init(**ray_init_options(num_cpus=2, object_store_memory=256 * 1024 * 1024))
        started = True
    yield ray
    if started:
        ray.shutdown()
