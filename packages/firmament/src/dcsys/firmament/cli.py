"""``dcsys firmament solve FILE``: solve a DIMACS problem (or every round of an incremental stream)."""

from __future__ import annotations

import argparse
import sys
import time

from dcsys.core.cli import Command

__all__ = ["COMMAND"]


def _configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="firmament_command", required=True, metavar="SUBCOMMAND")
    p = sub.add_parser("solve", help="solve a DIMACS min-cost flow problem ('-' reads stdin)")
    p.add_argument("file", help="DIMACS problem file, or - for standard input")
    p.add_argument("--algorithm", default=None, help="solver (default: successive_shortest_path)")


def _run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from dcsys.firmament.changes import read_rounds
    from dcsys.firmament.dimacs import DimacsError, write_solution
    from dcsys.firmament.solvers import min_cost_flow

    if args.file == "-":
        text = sys.stdin.read()
    else:
        path = Path(args.file)
        if not path.exists():
            raise DimacsError(f"{path}: no such file")
        text = path.read_text()
    status = 0
    for net in read_rounds(text if text.endswith("\n") else text + "\n"):
        start = time.perf_counter()
        solution = min_cost_flow(net, args.algorithm)
        elapsed_us = int((time.perf_counter() - start) * 1e6)
        sys.stdout.write(write_solution(net, solution))
        print(f"c ALGORITHM TIME {elapsed_us}")
        print("c EOI", flush=True)
        status = status or (0 if solution.feasible else 1)
    return status


COMMAND = Command(
    help="Firmament: min-cost flow solvers (experimental)", configure=_configure, run=_run
)
