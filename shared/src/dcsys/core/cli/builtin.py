"""The core's own ``dcsys`` sub-commands: ``list``, ``version``, ``reproduce`` and ``demo``."""

from __future__ import annotations

import argparse
import sys

from dcsys.core.cli import Command
from dcsys.core.errors import ConfigError, UnknownNameError
from dcsys.core.plugins import DEMOS, EXPERIMENTS, entries, installed_systems

__all__ = ["DEMO", "LIST", "REPRODUCE", "VERSION"]


def _run_list(args: argparse.Namespace) -> int:
    systems = installed_systems()
    experiments = entries(EXPERIMENTS)
    demos = entries(DEMOS)
    for system, version in systems.items():
        print(f"{system} {version}  (dcsys-{system.replace('_', '-')})")
        for exp in experiments:
            if exp.system == system:
                print(f"  experiment  {exp.name}")
        for demo in demos:
            if demo.system == system:
                print(f"  demo        {demo.name}")
    return 0


LIST = Command(
    help="list the installed systems, their experiments and demos",
    configure=lambda p: None,
    run=_run_list,
)


def _run_version(args: argparse.Namespace) -> int:
    for system, version in installed_systems().items():
        print(f"dcsys-{system.replace('_', '-')} {version}")
    return 0


VERSION = Command(
    help="print the versions of the installed dcsys packages",
    configure=lambda p: None,
    run=_run_version,
)


def _configure_reproduce(p: argparse.ArgumentParser) -> None:
    p.add_argument("system", help="an installed system (see `dcsys list`)")
    p.add_argument("experiment", nargs="?", help="one experiment (default: all of the system's)")
    p.add_argument("--full", action="store_true", help="the paper's scale (default: quick scale)")
    p.add_argument("--out", default="results", help="results root folder (default: ./results)")
    p.add_argument(
        "--executor", default="local", choices=["local", "ray"], help="where runs execute"
    )
    p.add_argument(
        "--workers", type=int, default=None, help="parallel runs at most (default: all cores)"
    )
    p.add_argument("--seed", type=int, default=0, help="base seed (default 0)")
    p.add_argument("--quiet", action="store_true", help="no progress lines")


def _run_reproduce(args: argparse.Namespace) -> int:
    from dcsys.core.experiments import reproduce

    if args.workers is not None and args.workers < 1:
        raise ConfigError(f"--workers must be >= 1, got {args.workers}")
    results = reproduce(
        args.system,
        args.experiment,
        full=args.full,
        out=args.out,
        executor=args.executor,
        workers=args.workers,
        seed=args.seed,
        progress=None if args.quiet else sys.stderr,
    )
    for res in results:
        print(f"{res.system}.{res.experiment.name}: {res.directory}/report.md")
    return 0


REPRODUCE = Command(
    help="run a system's paper experiments and write results, figures and a paper-vs-ours report",
    configure=_configure_reproduce,
    run=_run_reproduce,
)


def _configure_demo(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "name",
        nargs="?",
        help="a demo (default: the one named 'main' if installed, else the core's demo followed "
        "by every installed system's)",
    )
    p.add_argument("--list", action="store_true", help="list the installed demos")


def _run_demo(args: argparse.Namespace) -> int:
    demos = entries(DEMOS)
    if args.list:
        for demo in demos:
            print(f"{demo.name}  ({demo.distribution})")
        return 0
    if args.name is None:
        by_name = {d.name: d for d in demos}
        if "main" in by_name:
            chosen = by_name["main"]
        else:  # a tour: the core's demo first, then every installed system's
            tour = sorted(demos, key=lambda d: (d.system != "core", d.system, d.name))
            if not tour:
                raise UnknownNameError("demo", "main", [])
            for i, demo in enumerate(tour):
                if i:
                    print(file=sys.stdout)
                demo.load()(sys.stdout)
            return 0
    else:
        matches = [d for d in demos if d.name == args.name]
        if not matches:
            raise UnknownNameError("demo", args.name, [d.name for d in demos])
        chosen = matches[0]
    chosen.load()(sys.stdout)
    return 0


DEMO = Command(
    help="run a demo (the main one by default)", configure=_configure_demo, run=_run_demo
)
