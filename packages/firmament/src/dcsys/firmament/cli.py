"""``dcsys firmament solve FILE``: solve a DIMACS min-cost flow problem, print the solution."""

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
    from dcsys.firmament.dimacs import read_problem, write_solution
    from dcsys.firmament.solvers import min_cost_flow

    net = read_problem(sys.stdin.read() + "\n" if args.file == "-" else args.file)
    start = time.perf_counter()
    solution = min_cost_flow(net, args.algorithm)
    elapsed_us = int((time.perf_counter() - start) * 1e6)
    sys.stdout.write(write_solution(net, solution))
    print(f"c ALGORITHM TIME {elapsed_us}")
    return 0 if solution.feasible else 1


COMMAND = Command(
    help="Firmament: min-cost flow solvers (experimental)", configure=_configure, run=_run
)
