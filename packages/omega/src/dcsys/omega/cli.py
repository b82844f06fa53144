"""``dcsys omega simulate``: run one architecture on one cell and print its metrics."""

from __future__ import annotations

import argparse
import json

from dcsys.core.cli import Command

__all__ = ["COMMAND"]


def _configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="omega_command", required=True, metavar="SUBCOMMAND")
    p = sub.add_parser("simulate", help="simulate a scheduler architecture on a cell")
    p.add_argument(
        "--cluster", default="C", choices=["A", "B", "C"], help="cell preset (default C)"
    )
    p.add_argument(
        "--arch", default="omega", choices=["single_path", "multi_path", "mesos", "omega"]
    )
    length = p.add_mutually_exclusive_group()
    length.add_argument("--days", type=float, help="simulated days (default 1)")
    length.add_argument("--hours", type=float, help="simulated hours")
    p.add_argument("--n-batch", type=int, default=1, help="batch schedulers / frameworks")
    p.add_argument("--t-job-service", type=float, default=0.1, help="service t_job in seconds")
    p.add_argument("--t-task-service", type=float, default=0.005, help="service t_task in seconds")
    p.add_argument("--t-job-batch", type=float, default=0.1, help="batch t_job in seconds")
    p.add_argument("--t-task-batch", type=float, default=0.005, help="batch t_task in seconds")
    p.add_argument(
        "--conflict", default="resource-fit", choices=["resource-fit", "sequence-numbers"]
    )
    p.add_argument("--commit", default="incremental", choices=["incremental", "all-or-nothing"])
    p.add_argument("--batch-load", type=float, default=1.0, help="relative batch arrival rate")
    p.add_argument("--machines", type=int, default=None, help="override the cell size")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--preemption", action="store_true", help="Omega: service may evict batch tasks")
    p.add_argument("--heterogeneous", action="store_true", help="three machine platforms")
    p.add_argument(
        "--constrained-fraction", type=float, default=0.0, help="jobs pinned to a platform"
    )
    p.add_argument("--mtbf-days", type=float, default=None, help="machine MTBF in days (failures)")
    p.add_argument(
        "--trace-dir",
        default=None,
        help="replay a Google 2011 trace: a folder with job_events/ and task_events/ CSV(.gz) parts",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")


def _run(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from dcsys.core.errors import ConfigError
    from dcsys.omega.experiments._common import build_architecture
    from dcsys.omega.simulator import simulate

    if args.n_batch < 1:
        raise ConfigError(f"--n-batch must be >= 1, got {args.n_batch}")
    params = {
        "arch": args.arch,
        "n_batch": args.n_batch,
        "t_job_service": args.t_job_service,
        "t_task_service": args.t_task_service,
        "t_job_batch": args.t_job_batch,
        "t_task_batch": args.t_task_batch,
        "conflict": args.conflict,
        "commit": args.commit,
        "preemption": args.preemption,
    }
    duration = {"hours": args.hours} if args.hours is not None else {"days": args.days or 1.0}
    workload = None
    if args.trace_dir:
        from dcsys.core.scheduling import read_google_trace_dir

        horizon = args.hours * 3600 if args.hours is not None else (args.days or 1.0) * 86_400
        workload = read_google_trace_dir(args.trace_dir, until_s=horizon)
    result = simulate(
        args.cluster,
        build_architecture(params),
        seed=args.seed,
        load={"batch": args.batch_load},
        machines=args.machines,
        workload=workload,
        heterogeneous=args.heterogeneous,
        constrained_fraction=args.constrained_fraction,
        mtbf_days=args.mtbf_days,
        **duration,
    )
    if args.json:
        print(json.dumps(asdict(result), indent=2, default=float))
        return 0
    print(
        f"{result.architecture} on cluster {args.cluster}: {result.horizon / 3600:g} h simulated "
        f"in {result.wall_time_s:.1f} s ({result.events:,} events, {result.jobs:,} jobs)"
    )
    for kind, w in result.workloads.items():
        print(
            f"  {kind:8s} jobs {w['jobs']:>7,}  wait mean {w['wait_mean']:.3g} s  p90 {w['wait_p90']:.3g} s  "
            f"unscheduled {w['jobs_unscheduled']:,}  abandoned {w['jobs_abandoned']:,}"
        )
    for name, s in result.schedulers.items():
        print(
            f"  {name:10s} busyness {s['busyness']:.3f} ± {s['busyness_mad']:.3f}  conflict fraction "
            f"{s['conflict_fraction']:.3f}  transactions {s['transactions']:,}"
        )
    if result.extra.get("tasks_preempted"):
        print(f"  batch tasks preempted by service {result.extra['tasks_preempted']:,}")
    if result.extra.get("machine_failures"):
        print(
            f"  machine failures {result.extra['machine_failures']:,}, tasks lost {result.extra['tasks_lost']:,}"
        )
    print(f"  utilisation cpu {result.utilisation['cpu']:.1%} mem {result.utilisation['mem']:.1%}")
    return 0


COMMAND = Command(
    help="Omega: shared-state cluster scheduling simulator", configure=_configure, run=_run
)
