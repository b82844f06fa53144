r"""Read Google cluster-trace (clusterdata-2011-2) job and task events into a :class:`Workload`.

The 2011 trace (29 days of a ≈12,500-machine cell, May 2011) ships ``job_events`` and
``task_events`` as headerless CSV files, optionally gzipped, split into parts
(``part-00000-of-00500.csv.gz``). Fields used (``omega.md`` §4, the trace's schema document):

* job_events: ``time, missing, job_id, event_type, user, scheduling_class, job_name, logical_name``
* task_events: ``time, missing, job_id, task_index, machine_id, event_type, user,
  scheduling_class, priority, cpu_request, memory_request, disk_request, different_machines``

Times are microseconds; the trace starts at 600 s. Event types: 0 SUBMIT, 1 SCHEDULE, 2 EVICT,
3 FAIL, 4 FINISH, 5 KILL, 6 LOST, 7/8 UPDATE. Requests are normalised to the largest machine.

Each job becomes one :class:`Job`: its submit time is its first SUBMIT, its task count the distinct
task indexes submitted, its per-task demand the mean request scaled to the cell's machine size,
its duration the median task runtime (SCHEDULE to FINISH/FAIL/KILL; tasks still running at the end
of the trace run to the end), and its kind follows Omega's split: *service* if it has production
priority (≥ 9) and a scheduling class other than 0 and 1, else *batch*.

Examples:
    >>> import io
    >>> jobs = io.StringIO("600000000,,1,0,u,3,j,l\n")
    >>> tasks = io.StringIO(
    ...     "600000000,,1,0,,0,u,3,9,0.5,0.25,0,0\n"
    ...     "601000000,,1,0,42,1,u,3,9,0.5,0.25,0,0\n"
    ...     "661000000,,1,0,42,4,u,3,9,0.5,0.25,0,0\n")
    >>> w = read_google_trace(jobs, tasks, cpu_per_machine=4, mem_per_machine=16)
    >>> j = w[0]
    >>> (j.submit_time, j.kind, j.n_tasks, j.demand.tolist(), j.duration)
    (0.0, 'service', 1, [2.0, 4.0], 60.0)
"""

from __future__ import annotations

import csv
import gzip
import io
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np

from dcsys.core.errors import ConfigError
from dcsys.core.scheduling.jobs import BATCH, SERVICE, Job, Workload

__all__ = ["TRACE_START_US", "read_google_trace", "read_google_trace_dir"]

TRACE_START_US = 600_000_000
_SUBMIT, _SCHEDULE, _FINISH_LIKE = 0, 1, {2, 3, 4, 5, 6}


@dataclass
class _JobAcc:
    submit_us: int | None = None
    sched_class: int = 0
    priority: int = 0
    tasks: set[int] = field(default_factory=set)
    cpu: list[float] = field(default_factory=list)
    mem: list[float] = field(default_factory=list)
    started: dict[int, int] = field(default_factory=dict)
    runtimes: list[float] = field(default_factory=list)


def _open(source: str | Path | IO[str]) -> tuple[IO[str], str]:
    if not isinstance(source, str | Path):
        return source, getattr(source, "name", "<stream>")
    path = Path(source)
    if not path.exists():
        raise ConfigError(f"trace file {path} does not exist")
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb")), str(path)
    return path.open(newline=""), str(path)


def _int(value: str, where: str, name: str, default: int | None = None) -> int:
    if value == "" and default is not None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{where}: field {name!r} must be an integer, got {value!r}") from None


def _float(value: str, where: str, name: str) -> float | None:
    if value == "":
        return None
    try:
        return float(value)
    except ValueError:
        raise ConfigError(f"{where}: field {name!r} must be a number, got {value!r}") from None


def _rows(source: str | Path | IO[str], min_fields: int) -> Iterable[tuple[str, list[str]]]:
    fh, name = _open(source)
    try:
        for lineno, row in enumerate(csv.reader(fh), 1):
            if not row:
                continue
            where = f"{name}, line {lineno}"
            if len(row) < min_fields:
                raise ConfigError(f"{where}: expected at least {min_fields} fields, got {len(row)}")
            yield where, row
    finally:
        if isinstance(source, str | Path):
            fh.close()


def read_google_trace(
    job_events: Iterable[str | Path | IO[str]] | str | Path | IO[str],
    task_events: Iterable[str | Path | IO[str]] | str | Path | IO[str],
    *,
    cpu_per_machine: float = 4.0,
    mem_per_machine: float = 16.0,
    until_s: float | None = None,
) -> Workload:
    """Build a workload from clusterdata-2011-2 job and task event files (CSV or CSV.gz).

    Args:
        job_events: one file (path or text stream) or several, in time order.
        task_events: likewise.
        cpu_per_machine: cores of the largest machine (requests are fractions of it).
        mem_per_machine: GB of the largest machine.
        until_s: ignore jobs submitted after this many seconds of trace time.

    Raises:
        ConfigError: a missing file or a malformed row (the message names file, line and field).
    """

    def many(x: object) -> list:
        return [x] if isinstance(x, str | Path | io.IOBase) or hasattr(x, "read") else list(x)  # type: ignore[arg-type]

    jobs: dict[int, _JobAcc] = {}
    last_us = 0
    for source in many(job_events):
        for where, row in _rows(source, 6):
            t, job_id, event = (
                _int(row[0], where, "time"),
                _int(row[2], where, "job_id"),
                _int(row[3], where, "event_type"),
            )
            acc = jobs.setdefault(job_id, _JobAcc())
            if event == _SUBMIT and acc.submit_us is None:
                acc.submit_us = t
                acc.sched_class = _int(row[5], where, "scheduling_class", 0)
    for source in many(task_events):
        for where, row in _rows(source, 11):
            t = _int(row[0], where, "time")
            last_us = max(last_us, t)
            job_id, index = _int(row[2], where, "job_id"), _int(row[3], where, "task_index")
            event = _int(row[5], where, "event_type")
            acc = jobs.setdefault(job_id, _JobAcc())
            if event == _SUBMIT:
                if acc.submit_us is None:
                    acc.submit_us = t
                acc.tasks.add(index)
                acc.priority = max(acc.priority, _int(row[8], where, "priority", 0))
                cpu, mem = (
                    _float(row[9], where, "cpu_request"),
                    _float(row[10], where, "memory_request"),
                )
                if cpu is not None:
                    acc.cpu.append(cpu)
                if mem is not None:
                    acc.mem.append(mem)
            elif event == _SCHEDULE:
                acc.started[index] = t
            elif event in _FINISH_LIKE and index in acc.started:
                acc.runtimes.append((t - acc.started.pop(index)) / 1e6)
    out = []
    for job_id, acc in jobs.items():
        if acc.submit_us is None or not acc.tasks:
            continue
        submit = max(0.0, (acc.submit_us - TRACE_START_US) / 1e6)
        if until_s is not None and submit >= until_s:
            continue
        runtimes = acc.runtimes + [max((last_us - s) / 1e6, 1.0) for s in acc.started.values()]
        duration = statistics.median(runtimes) if runtimes else 1.0
        kind = SERVICE if acc.priority >= 9 and acc.sched_class not in (0, 1) else BATCH
        demand = np.array(
            [
                (statistics.fmean(acc.cpu) if acc.cpu else 0.0) * cpu_per_machine,
                (statistics.fmean(acc.mem) if acc.mem else 0.0) * mem_per_machine,
            ]
        )
        out.append(
            Job(
                job_id,
                submit,
                kind,
                len(acc.tasks),
                demand,
                max(duration, 1e-3),
                acc.priority,
                meta={"trace_job_id": job_id},
            )
        )
    return Workload(out)


def read_google_trace_dir(directory: str | Path, **options: object) -> Workload:
    """Read ``job_events/*.csv[.gz]`` and ``task_events/*.csv[.gz]`` under a trace directory."""
    root = Path(directory)
    parts = {}
    for table in ("job_events", "task_events"):
        files = sorted((root / table).glob("*.csv*"))
        if not files:
            raise ConfigError(f"{root / table} holds no .csv or .csv.gz files")
        parts[table] = files
    return read_google_trace(parts["job_events"], parts["task_events"], **options)  # type: ignore[arg-type]
