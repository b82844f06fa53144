"""Exceptions shared by every dcsys package.

Every error a user can cause derives from :class:`DcsysError`, so a command-line front end can
print its message on one line and exit non-zero without a traceback, while programming errors
(bugs) still surface as ordinary exceptions.
"""

from __future__ import annotations

__all__ = ["DcsysError", "UnknownNameError", "UnsupportedSQLError", "SchemaError", "ConfigError"]


class DcsysError(Exception):
    """Base class of every error caused by bad input to a dcsys API or command."""


class UnknownNameError(DcsysError, LookupError):
    """A name (system, experiment, table, column, executor, ...) that does not exist.

    Args:
        kind: what sort of thing was looked up, e.g. ``"system"`` or ``"column"``.
        name: the name that was not found.
        known: the names that do exist, listed in the message to help the user.
    """

    def __init__(self, kind: str, name: str, known: list[str] | tuple[str, ...] = ()) -> None:
        self.kind, self.name, self.known = kind, name, tuple(known)
        hint = f" (known: {', '.join(sorted(self.known))})" if self.known else ""
        super().__init__(f"unknown {kind} {name!r}{hint}")


class UnsupportedSQLError(DcsysError, ValueError):
    """SQL that parses but uses a construct outside the supported subset; names the construct."""


class SchemaError(DcsysError, ValueError):
    """A schema mismatch: wrong column count or type, missing primary key, duplicate table..."""


class ConfigError(DcsysError, ValueError):
    """An invalid parameter or configuration value; the message names the parameter."""
