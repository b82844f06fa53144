from __future__ import annotations

import gzip

import pytest

from dcsys.core.errors import ConfigError
from dcsys.core.scheduling import read_google_trace, read_google_trace_dir

S = 1_000_000  # microseconds


def write_trace(root, gz=False):
    (root / "job_events").mkdir(parents=True)
    (root / "task_events").mkdir()
    jobs = [
        f"{600 * S},,10,0,u,1,j,l",  # batch job (class 1)
        f"{700 * S},,20,0,u,3,j,l",  # production service job
    ]
    tasks = [
        f"{600 * S},,10,0,,0,u,1,2,0.1,0.05,0,0",
        f"{600 * S},,10,1,,0,u,1,2,0.3,0.15,0,0",
        f"{610 * S},,10,0,5,1,u,1,2,0.1,0.05,0,0",
        f"{611 * S},,10,1,6,1,u,1,2,0.3,0.15,0,0",
        f"{650 * S},,10,0,5,4,u,1,2,0.1,0.05,0,0",  # 40 s
        f"{671 * S},,10,1,6,3,u,1,2,0.3,0.15,0,0",  # 60 s (failed)
        f"{700 * S},,20,0,,0,u,3,10,0.5,0.5,0,0",
        f"{701 * S},,20,0,7,1,u,3,10,0.5,0.5,0,0",  # runs to the end of the trace
    ]
    if gz:
        with gzip.open(root / "job_events" / "part-00000-of-00001.csv.gz", "wt") as fh:
            fh.write("\n".join(jobs) + "\n")
    else:
        (root / "job_events" / "part-00000-of-00001.csv").write_text("\n".join(jobs) + "\n")
    (root / "task_events" / "part-00000-of-00001.csv").write_text("\n".join(tasks) + "\n")
    return root


@pytest.mark.parametrize("gz", [False, True])
def test_reads_jobs_tasks_kinds_and_durations(tmp_path, gz):
    w = read_google_trace_dir(
        write_trace(tmp_path / "trace", gz), cpu_per_machine=4, mem_per_machine=16
    )
    batch, service = w[0], w[1]
    assert (batch.id, batch.kind, batch.n_tasks, batch.submit_time) == (10, "batch", 2, 0.0)
    assert batch.demand.tolist() == pytest.approx([0.8, 1.6]) and batch.duration == 50.0
    assert (service.kind, service.submit_time, service.priority) == ("service", 100.0, 10)
    assert (
        service.duration == 1.0
    )  # still running at the last event (701 s): runs to the trace end, at least 1 s
    assert read_google_trace_dir(tmp_path / "trace", until_s=50).n_tasks == 2


def test_malformed_rows_name_file_line_and_field(tmp_path):
    root = write_trace(tmp_path / "trace")
    bad = root / "task_events" / "part-00000-of-00001.csv"
    lines = bad.read_text().splitlines()
    lines[2] = lines[2].replace(",5,1,", ",5,x,")
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(
        ConfigError,
        match=r"part-00000-of-00001.csv, line 3: field 'event_type' must be an integer, got 'x'",
    ):
        read_google_trace_dir(root)
    lines[2] = "1,2,3"
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(ConfigError, match=r"line 3: expected at least 11 fields, got 3"):
        read_google_trace_dir(root)
    with pytest.raises(ConfigError, match="holds no .csv"):
        read_google_trace_dir(tmp_path / "empty")
    with pytest.raises(ConfigError, match="does not exist"):
        read_google_trace(tmp_path / "nope.csv", tmp_path / "nope2.csv")
