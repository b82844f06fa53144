import json

from dcsys.core.cli import main


def test_simulate_prints_metrics(capsys):
    assert (
        main(
            [
                "omega",
                "simulate",
                "--cluster",
                "A",
                "--hours",
                "0.5",
                "--machines",
                "300",
                "--arch",
                "mesos",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("mesos (1 batch) on cluster A: 0.5 h simulated")
    assert "busyness" in out and "utilisation cpu" in out


def test_simulate_json(capsys):
    assert (
        main(
            ["omega", "simulate", "--hours", "0.2", "--machines", "200", "--json", "--n-batch", "2"]
        )
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert set(doc["schedulers"]) == {"service", "batch-0", "batch-1"}


def test_bad_arguments_exit_2(capsys):
    assert main(["omega", "simulate", "--n-batch", "0", "--hours", "1"]) == 2
    assert "dcsys: error: --n-batch must be >= 1" in capsys.readouterr().err
    assert main(["omega", "simulate", "--hours", "-3"]) == 2
    assert "simulated time must be > 0" in capsys.readouterr().err


def test_experiments_are_registered(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in ("fig5_6_architectures", "fig7_mesos", "fig8_load_scaling", "fig9_many_schedulers"):
        assert name in out


def test_trace_replay(tmp_path, capsys):
    root = tmp_path / "trace"
    (root / "job_events").mkdir(parents=True)
    (root / "task_events").mkdir()
    s = 1_000_000
    (root / "job_events" / "part-0.csv").write_text(
        f"{600 * s},,1,0,u,1,j,l\n{900 * s},,2,0,u,3,j,l\n"
    )
    (root / "task_events" / "part-0.csv").write_text(
        f"{600 * s},,1,0,,0,u,1,2,0.1,0.05,0,0\n{900 * s},,2,0,,0,u,3,10,0.2,0.1,0,0\n"
    )
    assert (
        main(["omega", "simulate", "--hours", "1", "--machines", "50", "--trace-dir", str(root)])
        == 0
    )
    out = capsys.readouterr().out
    assert "batch    jobs       1" in out and "service  jobs       1" in out
