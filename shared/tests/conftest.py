from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest


@pytest.fixture
def fake_distribution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Install a fake ``dcsys-fake`` distribution (metadata + module) on sys.path.

    Returns a function ``make(entry_points: str, module_source: str)`` that writes it.
    """

    def make(entry_points: str, module_source: str = "", name: str = "dcsys-fake") -> Path:
        root = tmp_path / "site"
        dist_info = root / f"{name.replace('-', '_')}-0.1.dist-info"
        dist_info.mkdir(parents=True)
        (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
        (dist_info / "entry_points.txt").write_text(textwrap.dedent(entry_points))
        if module_source:
            (root / "dcsys_fake_module.py").write_text(textwrap.dedent(module_source))
        monkeypatch.syspath_prepend(str(root))
        sys.modules.pop("dcsys_fake_module", None)
        return root

    return make
