"""The Python examples in the package READMEs run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
READMES = [ROOT / "shared" / "README.md", *sorted((ROOT / "packages").glob("*/README.md"))]


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(), flags=re.S)


CASES = [(p, i, code) for p in READMES for i, code in enumerate(python_blocks(p))]


@pytest.mark.parametrize(
    ("path", "index", "code"), CASES, ids=[f"{p.parent.name}-{i}" for p, i, _ in CASES]
)
def test_readme_example_runs(path, index, code):
    exec(compile(code, f"{path}:block{index}", "exec"), {"__name__": "__readme__"})
