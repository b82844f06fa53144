from __future__ import annotations

import math

import numpy as np
import pytest

from dcsys.core.errors import ConfigError
from dcsys.core.scheduling import BATCH, SERVICE, Job, JobKind, Placement, Task, Workload


def test_job_fields_and_derived_values():
    j = Job(3, 10.0, "service", 4, [0.5, 2.0], 100.0, priority=9, constraints={"platform": 1})
    assert j.kind is SERVICE and j.kind == "service" and repr(j.kind) == "'service'"
    assert j.demand.dtype == np.float64 and j.total_demand.tolist() == [2.0, 8.0]
    assert j.durations.tolist() == [100.0] * 4 and j.work.tolist() == [200.0, 800.0]
    tasks = j.tasks()
    assert [t.index for t in tasks] == [0, 1, 2, 3] and all(isinstance(t, Task) for t in tasks)
    assert tasks[0].job_id == 3 and tasks[0].duration == 100.0
    p = j.placements([7, 8], start_time=12.0)
    assert p == [Placement(3, 0, 7, 12.0, 112.0), Placement(3, 1, 8, 12.0, 112.0)]
    assert "kind='service'" in repr(j) and j.constraints == {"platform": 1}


def test_per_task_durations():
    j = Job(0, 0.0, BATCH, 3, [1.0, 1.0], 10.0, task_durations=[5.0, 10.0, 20.0])
    assert j.durations.tolist() == [5.0, 10.0, 20.0]
    assert [t.duration for t in j.tasks()] == [5.0, 10.0, 20.0]
    assert j.placements([1, 2, 3], 0.0)[2].end_time == 20.0
    with pytest.raises(ConfigError, match="task_durations"):
        Job(0, 0.0, BATCH, 3, [1.0, 1.0], 10.0, task_durations=[5.0, 10.0])
    with pytest.raises(ConfigError, match="task_durations"):
        Job(0, 0.0, BATCH, 2, [1.0, 1.0], 10.0, task_durations=[5.0, 0.0])


def test_endless_services_are_allowed():
    j = Job(0, 0.0, SERVICE, 1, [1.0, 1.0], math.inf)
    assert j.duration == math.inf


@pytest.mark.parametrize(
    ("kwargs", "msg"),
    [
        ({"kind": "interactive"}, "kind must be one of"),
        ({"n_tasks": 0}, "n_tasks must be >= 1"),
        ({"n_tasks": 2.5}, "n_tasks must be an integer"),
        ({"submit_time": -1.0}, "submit_time"),
        ({"submit_time": math.nan}, "submit_time"),
        ({"submit_time": math.inf}, "submit_time"),
        ({"duration": 0.0}, "duration must be > 0"),
        ({"duration": math.nan}, "duration must be > 0"),
        ({"demand": [-1.0, 1.0]}, "demand"),
        ({"demand": [np.nan, 1.0]}, "demand"),
        ({"demand": [[1.0, 1.0]]}, "demand"),
    ],
)
def test_job_validation(kwargs, msg):
    base = {
        "id": 1,
        "submit_time": 0.0,
        "kind": "batch",
        "n_tasks": 1,
        "demand": [1.0, 1.0],
        "duration": 1.0,
    }
    with pytest.raises(ConfigError, match=msg):
        Job(**{**base, **kwargs})


def test_job_kinds_are_the_two_omega_workloads():
    assert [k.value for k in JobKind] == ["batch", "service"]
    assert BATCH == "batch" and JobKind("service") is SERVICE


def test_numpy_integers_are_accepted():
    j = Job(np.int64(1), np.float64(2.0), "batch", np.int64(3), np.ones(2), np.float64(4.0))
    assert type(j.n_tasks) is int and type(j.submit_time) is float


def test_workload_orders_filters_and_merges():
    jobs = [
        Job(2, 5.0, "batch", 2, [1.0, 1.0], 10.0),
        Job(0, 1.0, "service", 1, [1.0, 2.0], 99.0),
        Job(1, 5.0, "batch", 3, [1.0, 1.0], 10.0),  # tie at 5.0: ordered by id
    ]
    w = Workload(jobs)
    assert [j.id for j in w] == [0, 1, 2] and len(w) == 3 and w[0].id == 0
    assert w.n_tasks == 6 and w.kinds() == {"batch": 2, "service": 1}
    assert w.submit_times.tolist() == [1.0, 5.0, 5.0]
    assert [j.id for j in w.of_kind("batch")] == [1, 2]
    assert [j.id for j in w.until(5.0)] == [0] and [j.id for j in w.between(2.0, 6.0)] == [1, 2]
    assert isinstance(w[1:], Workload) and [j.id for j in w[1:]] == [1, 2]
    more = Workload([Job(9, 0.5, "batch", 1, [1.0, 1.0], 1.0)])
    assert [j.id for j in w + more] == [9, 0, 1, 2]
    assert "3 jobs" in repr(w)
    with pytest.raises(ConfigError, match="1 appears twice"):
        Workload([*jobs, Job(1, 7.0, "batch", 1, [1.0, 1.0], 1.0)])
    assert len(Workload([])) == 0 and Workload([]).submit_times.size == 0
