"""Test helpers shared by every dcsys package's tests.

The pytest plug-in :mod:`dcsys.core.testing.pytest_plugin` is registered through the ``pytest11``
entry point, so any test run in an environment with ``dcsys-core`` installed has its fixtures —
for example ``ray_cluster``, one local Ray cluster for the whole test run.
"""

__all__: list[str] = []
