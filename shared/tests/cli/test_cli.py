from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dcsys.core import __version__
from dcsys.core.cli import main


def test_version_and_list(capsys):
    assert main(["version"]) == 0
    out = capsys.readouterr().out
    assert f"dcsys-core {__version__}" in out
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("core ") and "experiment  mm1_queue" in out and "demo        core" in out


def test_unknown_system_is_one_line_and_exit_2(capsys):
    assert main(["reproduce", "nosuchsystem"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dcsys: error: unknown system 'nosuchsystem' (known: ")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_unknown_experiment_exit_2(capsys):
    assert main(["reproduce", "core", "nope"]) == 2
    assert "unknown experiment of core 'nope' (known: mm1_queue)" in capsys.readouterr().err


def test_bad_worker_count(capsys):
    assert main(["reproduce", "core", "--workers", "0"]) == 2
    assert "--workers must be >= 1" in capsys.readouterr().err


def test_help_lists_commands(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    for name in ("list", "version", "reproduce", "demo"):
        assert name in out


def test_reproduce_one_experiment(tmp_path, capsys):
    assert (
        main(
            ["reproduce", "core", "mm1_queue", "--out", str(tmp_path), "--quiet", "--workers", "2"]
        )
        == 0
    )
    assert (tmp_path / "core" / "mm1_queue" / "report.md").exists()
    assert "core.mm1_queue:" in capsys.readouterr().out


def _dcsys() -> list[str]:
    exe = Path(sys.executable).parent / "dcsys"
    return (
        [str(exe)]
        if exe.exists()
        else [sys.executable, "-c", "from dcsys.core.cli import main; raise SystemExit(main())"]
    )


def test_console_script():
    env = dict(os.environ)
    run = subprocess.run(
        [*_dcsys(), "--version"], capture_output=True, text=True, env=env, timeout=60
    )
    assert run.returncode == 0 and run.stdout.strip() == f"dcsys {__version__}"
    run = subprocess.run(
        [*_dcsys(), "demo", "nosuch"], capture_output=True, text=True, env=env, timeout=60
    )
    assert run.returncode == 2 and run.stderr.startswith("dcsys: error: unknown demo 'nosuch'")
    run = subprocess.run(
        [*_dcsys(), "frobnicate"], capture_output=True, text=True, env=env, timeout=60
    )
    assert run.returncode == 2 and "invalid choice: 'frobnicate'" in run.stderr


def test_help_imports_neither_ray_nor_matplotlib():
    code = (
        "import sys\n"
        "from dcsys.core.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('ray', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip().splitlines()[-1] == "[]"
