"""Metadata recorded with every result: versions, git commit, machine, Python.

Examples:
    >>> info = describe_environment()
    >>> sorted(info)
    ['cpu_count', 'dcsys', 'git', 'libraries', 'machine', 'memory_bytes', 'platform', 'python']
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from dcsys.core.plugins import installed_systems

__all__ = ["describe_environment", "git_commit"]

_LIBRARIES = (
    "numpy",
    "scipy",
    "sqlglot",
    "matplotlib",
    "ray",
    "numba",
    "ortools",
    "duckdb",
    "mpyc",
)


def git_commit(path: str | Path = ".") -> dict[str, Any] | None:
    """Return ``{"commit": sha, "dirty": bool}`` for the checkout containing ``path``, if any."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=path, capture_output=True, text=True, timeout=5
        )
        if sha.returncode != 0:
            return None
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=path,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": sha.stdout.strip(), "dirty": bool(status.stdout.strip())}


def _memory_bytes() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def describe_environment() -> dict[str, Any]:
    """Describe the software and machine a result was produced on."""
    libraries = {}
    for name in _LIBRARIES:
        try:
            libraries[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return {
        "dcsys": installed_systems(),
        "libraries": libraries,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "memory_bytes": _memory_bytes(),
        "git": git_commit(),
    }
