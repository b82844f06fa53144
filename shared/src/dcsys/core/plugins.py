"""Discovery of dcsys plug-ins through entry points.

Every dcsys distribution contributes commands, experiments and demos through three entry-point
groups — the core registers its own built-ins the same way, so there is one code path:

* ``dcsys.commands``: ``name = "module:attr"`` naming a :class:`dcsys.core.cli.Command`;
* ``dcsys.experiments``: ``name = "module:attr"`` naming a :class:`dcsys.core.experiments.Experiment`;
* ``dcsys.demos``: ``name = "module:attr"`` naming a callable ``demo(out: TextIO) -> None``.

Listing reads only entry-point metadata; an entry is imported (``load()``) only when it is used,
so ``dcsys --help`` or ``dcsys list`` never imports Ray, Spark or a system's heavy modules.

The *system* an entry belongs to is derived from the distribution that declares it:
``dcsys-omega`` → ``omega``, ``dcsys-core`` → ``core``. Names that are not Python identifiers are
ignored with a warning, and so is the second of two entries with the same (system, name), as
networkx does for its backends.

Examples:
    >>> from dcsys.core.plugins import installed_systems
    >>> "core" in installed_systems()
    True
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from dcsys.core.errors import UnknownNameError

__all__ = [
    "COMMANDS",
    "DEMOS",
    "EXPERIMENTS",
    "PluginEntry",
    "entries",
    "find_entry",
    "installed_systems",
    "system_of_distribution",
]

COMMANDS = "dcsys.commands"
EXPERIMENTS = "dcsys.experiments"
DEMOS = "dcsys.demos"

_PREFIX = "dcsys-"


def system_of_distribution(dist_name: str) -> str | None:
    """Return the dcsys system a distribution provides, or None for a foreign distribution.

    Examples:
        >>> system_of_distribution("dcsys-omega"), system_of_distribution("dcsys_core")
        ('omega', 'core')
        >>> system_of_distribution("numpy") is None
        True
    """
    normal = dist_name.lower().replace("_", "-")
    if not normal.startswith(_PREFIX):
        return None
    return normal[len(_PREFIX) :].replace("-", "_")


@dataclass(frozen=True)
class PluginEntry:
    """One entry point of a dcsys group, not yet loaded.

    Attributes:
        group: the entry-point group, e.g. ``"dcsys.experiments"``.
        name: the entry's name (a Python identifier).
        value: ``"module:attr"``.
        system: the system of the declaring distribution (``"core"``, ``"omega"``...).
        distribution: the declaring distribution's name.
        version: the declaring distribution's version.
    """

    group: str
    name: str
    value: str
    system: str
    distribution: str
    version: str

    def load(self) -> Any:
        """Import and return the object the entry names."""
        return metadata.EntryPoint(self.name, self.value, self.group).load()


def _dcsys_distributions() -> list[metadata.Distribution]:
    found: dict[str, metadata.Distribution] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name and system_of_distribution(name) is not None:
            found.setdefault(name.lower(), dist)  # the first on sys.path wins, like imports
    return [found[k] for k in sorted(found)]


def installed_systems() -> dict[str, str]:
    """Return ``{system: version}`` for every installed dcsys distribution."""
    return {
        system_of_distribution(d.metadata["Name"]) or "": d.version for d in _dcsys_distributions()
    }


def entries(group: str) -> list[PluginEntry]:
    """Return every valid entry of ``group`` from the installed dcsys distributions.

    Args:
        group: one of :data:`COMMANDS`, :data:`EXPERIMENTS`, :data:`DEMOS`.

    Returns:
        Entries sorted by (system, name). Entries with a non-identifier name, and duplicates of
        an earlier (system, name), are dropped with a :class:`UserWarning`.
    """
    result: dict[tuple[str, str], PluginEntry] = {}
    for dist in _dcsys_distributions():
        dist_name = dist.metadata["Name"]
        system = system_of_distribution(dist_name) or ""
        for ep in dist.entry_points:
            if ep.group != group:
                continue
            if not ep.name.isidentifier():
                warnings.warn(
                    f"ignoring {group} entry {ep.name!r} of {dist_name}: not an identifier",
                    stacklevel=2,
                )
                continue
            key = (system, ep.name)
            if key in result:
                warnings.warn(
                    f"ignoring duplicate {group} entry {ep.name!r} of {dist_name}", stacklevel=2
                )
                continue
            result[key] = PluginEntry(group, ep.name, ep.value, system, dist_name, dist.version)
    return [result[k] for k in sorted(result)]


def find_entry(group: str, name: str, system: str | None = None) -> PluginEntry:
    """Return the entry called ``name`` (optionally of ``system``) in ``group``.

    Raises:
        UnknownNameError: no such entry; the message lists the known names.
    """
    candidates = [e for e in entries(group) if system is None or e.system == system]
    for entry in candidates:
        if entry.name == name:
            return entry
    kind = {COMMANDS: "command", EXPERIMENTS: "experiment", DEMOS: "demo"}.get(group, group)
    if system is not None:
        kind = f"{kind} of {system}"
    raise UnknownNameError(kind, name, [e.name for e in candidates])
