"""Every dcsys session: tests per distribution, integration, demo, reproduce, bench, lint, docs.

Distributions are discovered from ``shared/pyproject.toml`` (the core) and
``packages/*/pyproject.toml`` — adding a package needs no edit here. Sessions use uv (with bytecode
compilation) and install versions pinned by the committed ``uv.lock``.

    nox -l                                # list the sessions
    nox -s tests                          # every distribution, each in its own venv
    nox -s "tests(core)"                  # one distribution
    nox -s demo                           # the main demo
    nox -s "reproduce(core)" -- --full    # a paper's experiments at full scale
    nox -s bench -- core                  # benchmarks of one system (all by default)
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import nox

try:  # the uv that nox itself found (next to its interpreter or on PATH)
    from nox.virtualenv import UV
except ImportError:  # pragma: no cover - older nox
    UV = "uv"

ROOT = Path(__file__).resolve().parent
os.environ.setdefault("UV_COMPILE_BYTECODE", "1")
nox.options.default_venv_backend = "uv"
nox.options.sessions = ["tests", "lint"]
nox.needs_version = ">=2024.4.15"


def _discover() -> dict[str, Path]:
    """Map each system name (``core``, ``omega``...) to its distribution folder."""
    found = {"core": ROOT / "shared"}
    for pyproject in sorted((ROOT / "packages").glob("*/pyproject.toml")):
        name = tomllib.loads(pyproject.read_text())["project"]["name"]
        found[name.removeprefix("dcsys-").replace("-", "_")] = pyproject.parent
    return found


DISTS = _discover()
SYSTEMS = list(DISTS)


def _extras(path: Path) -> set[str]:
    data = tomllib.loads((path / "pyproject.toml").read_text())
    return set(data["project"].get("optional-dependencies", {}))


def _requirement(system: str, *extras: str) -> str:
    path = DISTS[system]
    wanted = [e for e in extras if e in _extras(path)]
    rel = "./" + str(path.relative_to(ROOT))
    return f"{rel}[{','.join(wanted)}]" if wanted else rel


def _constraints(session: nox.Session) -> list[str]:
    """Pin third-party versions to uv.lock (exported once per session run)."""
    # Not session.create_tmp(): it points TMPDIR into the venv, where Ray refuses to put its files.
    target = Path(session.virtualenv.location).parent / f"constraints-{os.getpid()}.txt"
    if target.exists():
        return ["-c", str(target)]
    session.run_install(
        UV,
        "export",
        "--quiet",
        "--frozen",
        "--all-packages",
        "--all-extras",
        "--no-emit-workspace",
        "--no-hashes",
        "--no-header",
        "--no-annotate",
        "-o",
        str(target),
        external=True,
        silent=True,
    )
    return ["-c", str(target)]


def _install(session: nox.Session, *requirements: str) -> None:
    # --no-sources: ignore the workspace's `dcsys-core = { workspace = true }`, which would install
    # the core editable; every dcsys distribution is built as a wheel from the paths given here.
    session.install("--no-sources", *_constraints(session), *requirements)
    session.run("python", str(ROOT / "tools" / "check_installed.py"), str(ROOT), silent=True)


@nox.session
@nox.parametrize("system", SYSTEMS, ids=SYSTEMS)
def tests(session: nox.Session, system: str) -> None:
    """One distribution alone: it, the core and its test extra, built as wheels; then its tests."""
    extras = ("test", "ray") if system == "core" else ("test",)
    reqs = [_requirement(system, *extras)]
    if system != "core":
        reqs.insert(0, _requirement("core"))
    _install(session, *reqs)
    path = DISTS[system]
    module = "dcsys." + system
    session.chdir(path)
    session.run(
        "python",
        "-m",
        "pytest",
        "-c",
        str(ROOT / "pyproject.toml"),
        "--rootdir",
        str(path),
        "tests",
        "--doctest-modules",
        "--pyargs",
        module,
        "-p",
        "no:cacheprovider",
        *session.posargs,
        success_codes=[0, 5] if not (path / "tests").exists() else [0],
    )


@nox.session
def integration(session: nox.Session) -> None:
    """Every distribution installed together; the cross-package tests and demos."""
    _install(session, *(_requirement(s, "test", "ray") for s in SYSTEMS))
    session.run(
        "python", "-m", "pytest", "tests/integration", "-p", "no:cacheprovider", *session.posargs
    )


@nox.session
def demo(session: nox.Session) -> None:
    """Run the main demo (or the one named after --) on embedded defaults."""
    _install(session, *(_requirement(s) for s in SYSTEMS))
    session.run("dcsys", "demo", *session.posargs)


@nox.session
@nox.parametrize("system", SYSTEMS, ids=SYSTEMS)
def reproduce(session: nox.Session, system: str) -> None:
    """A system's paper experiments: quick scale by default, paper scale with ``-- --full``."""
    reqs = [_requirement(system, "reproduce")]
    if system != "core":
        reqs.insert(0, _requirement("core"))
    _install(session, *reqs)
    session.run("dcsys", "reproduce", system, "--out", str(ROOT / "results"), *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks of the systems named after ``--`` (all by default), writing JSON under results/bench."""
    chosen = session.posargs or SYSTEMS
    unknown = sorted(set(chosen) - set(SYSTEMS))
    if unknown:
        session.error(f"unknown system(s) {', '.join(unknown)}; known: {', '.join(SYSTEMS)}")
    reqs = {_requirement("core", "bench")} | {_requirement(s, "bench") for s in chosen}
    _install(session, *sorted(reqs))
    for system in chosen:
        scripts = sorted((DISTS[system] / "benchmarks").glob("bench_*.py"))
        if not scripts:
            session.log(f"{system}: no benchmarks")
        out = ROOT / "results" / "bench" / system
        for script in scripts:
            session.run("python", str(script), "--out", str(out))


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint and format) and the layout rules: no dcsys/__init__.py, every package complete."""
    session.install(*_constraints(session), "ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("python", str(ROOT / "tools" / "check_layout.py"), str(ROOT))


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site (MkDocs) into ./site."""
    _install(session, *(_requirement(s) for s in SYSTEMS))
    session.install(*_constraints(session), "mkdocs", "mkdocs-material", "mkdocstrings[python]")
    session.run(
        "mkdocs",
        "build",
        "--strict",
        "--site-dir",
        str(ROOT / "site"),
        env={"NO_MKDOCS_2_WARNING": "1"},
    )
