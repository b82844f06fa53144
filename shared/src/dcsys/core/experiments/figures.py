"""Matplotlib helpers for experiment figures (headless, PNG and SVG).

Importing this module selects the non-interactive Agg backend, so figures render on machines with
no display. Experiments' ``plot`` functions build figures with :func:`new_figure`; the runner saves
each one with :func:`save_figure`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

__all__ = ["new_figure", "save_figure"]


def new_figure(
    ncols: int = 1, nrows: int = 1, *, width: float = 5.0, height: float = 3.6
) -> tuple[Any, Any]:
    """Return ``(figure, axes)`` sized ``width × height`` inches per panel.

    Examples:
        >>> fig, ax = new_figure()
        >>> _ = ax.plot([0, 1], [0, 1])
        >>> plt.close(fig)
    """
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=True)
    return fig, axes


def save_figure(fig: Any, directory: str | Path, name: str) -> list[Path]:
    """Save ``fig`` as ``name.png`` and ``name.svg`` under ``directory`` and close it."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"{name}.png", directory / f"{name}.svg"]
    fig.tight_layout()
    fig.savefig(paths[0], dpi=120)
    fig.savefig(paths[1])
    plt.close(fig)
    return paths
