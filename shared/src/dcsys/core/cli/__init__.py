"""The ``dcsys`` command.

Sub-commands come from the ``dcsys.commands`` entry-point group; the core registers its own
(``list``, ``version``, ``reproduce``, ``demo``) the same way a system package registers its own
(``dcsys omega ...``). Only the chosen command's module is imported, so command modules keep their
top level light and import heavy libraries inside ``run``.

User mistakes (any :class:`~dcsys.core.errors.DcsysError`) print one line, ``dcsys: error: ...``,
and exit with status 2; there is no traceback.

Examples:
    >>> main(["version"])  # doctest: +ELLIPSIS
    dcsys-core ...
    0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dcsys.core import __version__
from dcsys.core.errors import DcsysError
from dcsys.core.plugins import COMMANDS, PluginEntry, entries

__all__ = ["Command", "main"]


@dataclass(frozen=True)
class Command:
    """A ``dcsys`` sub-command, registered in the ``dcsys.commands`` entry-point group.

    Attributes:
        help: one line shown by ``dcsys --help``.
        configure: adds the command's arguments (or its own sub-commands) to its parser.
        run: runs the command with the parsed arguments; returns the exit status (None = 0).
    """

    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int | None]


def _load(entry: PluginEntry) -> Command:
    cmd = entry.load()
    if not isinstance(cmd, Command):
        raise DcsysError(f"{entry.value} ({entry.distribution}) is not a dcsys Command")
    return cmd


def _parser(chosen: str | None, available: list[PluginEntry]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dcsys",
        description="dcsys: datacenter-systems research, rebuilt — run systems, demos and paper reproductions.",
    )
    parser.add_argument("--version", action="version", version=f"dcsys {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for entry in available:
        if chosen is not None and entry.name != chosen:
            continue
        try:
            cmd = _load(entry)
        except Exception as exc:  # a broken plug-in must not break the other commands
            if entry.name == chosen:
                raise
            sub.add_parser(entry.name, help=f"(unavailable: {exc})")
            continue
        cmd_parser = sub.add_parser(entry.name, help=cmd.help, description=cmd.help)
        cmd.configure(cmd_parser)
        cmd_parser.set_defaults(_run=cmd.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``dcsys`` command line and return its exit status."""
    args_in = list(sys.argv[1:] if argv is None else argv)
    available = entries(COMMANDS)
    names = {e.name for e in available}
    chosen = next((a for a in args_in if not a.startswith("-")), None)
    if chosen not in names:
        chosen = None
    try:
        parser = _parser(chosen, available)
        args = parser.parse_args(args_in)
        run = getattr(args, "_run", None)
        if run is None:
            parser.print_help()
            return 2 if args_in else 0
        status = run(args)
        return int(status or 0)
    except DcsysError as exc:
        print(f"dcsys: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("dcsys: interrupted", file=sys.stderr)
        return 130
