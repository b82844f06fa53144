"""Check the monorepo layout rules of DESIGN.md §1 for every distribution.

* ``dcsys`` is a PEP 420 namespace: no ``src/dcsys/__init__.py`` anywhere;
* ``packages/<name>`` is the distribution ``dcsys-<name>`` with code in ``src/dcsys/<name>/``;
* every distribution has a README.md, ``py.typed``, an ``__init__.py`` with ``__all__`` and a
  ``tests/test_public_api.py``.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path


def check(root: Path) -> list[str]:
    problems = []
    dists = {"core": root / "shared"}
    dists.update({p.name: p for p in sorted((root / "packages").glob("*")) if p.is_dir()})
    for system, path in dists.items():
        pyproject = path / "pyproject.toml"
        if not pyproject.exists():
            problems.append(f"{path}: no pyproject.toml")
            continue
        name = tomllib.loads(pyproject.read_text())["project"]["name"]
        if name != f"dcsys-{system}":
            problems.append(f"{pyproject}: name is {name!r}, expected 'dcsys-{system}'")
        if (path / "src" / "dcsys" / "__init__.py").exists():
            problems.append(f"{path}/src/dcsys/__init__.py must not exist (PEP 420 namespace)")
        pkg = path / "src" / "dcsys" / system
        init = pkg / "__init__.py"
        if not init.exists():
            problems.append(f"{init} is missing")
        elif "__all__" not in init.read_text():
            problems.append(f"{init} declares no __all__")
        for required in (
            path / "README.md",
            pkg / "py.typed",
            path / "tests" / "test_public_api.py",
        ):
            if not required.exists():
                problems.append(f"{required} is missing")
    return problems


if __name__ == "__main__":
    found = check(Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve())
    for line in found:
        print(line, file=sys.stderr)
    sys.exit(1 if found else 0)
