"""Optimistic transactions on the shared cell state (Omega §3.4 and the released simulator).

A scheduler works on a private snapshot of the whole cell, decides where its job's tasks go, and
then tries to commit those claims to the shared state. :func:`commit` checks every claim for a
conflict:

* **fine-grained** (``resource-fit``): a claim conflicts only if its machine no longer has room
  for it now;
* **coarse-grained** (``sequence-numbers``): a claim conflicts if *anything* was claimed on its
  machine since the snapshot was taken (the machine's sequence number moved);

and applies the result either **incrementally** (what does not conflict commits; the rest is
retried) or **all-or-nothing** (any conflict rolls back the whole transaction: gang scheduling).

Examples:
    >>> import numpy as np
    >>> from dcsys.core.scheduling import Cluster
    >>> cell = Cluster.homogeneous(2, cpu=2, mem=8)
    >>> snapshot = cell.copy()
    >>> cell.claim(0, np.array([1.0, 1.0]))          # another scheduler commits first
    >>> r = commit(cell, np.array([0, 0, 1]), np.array([1.0, 1.0]), snapshot, "resource-fit", "incremental")
    >>> r.committed.tolist(), r.conflicts
    ([0, 1], 1)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from dcsys.core.errors import ConfigError
from dcsys.core.scheduling import Cluster

__all__ = ["CommitMode", "CommitResult", "ConflictMode", "commit"]


class ConflictMode(StrEnum):
    """How conflicts are detected."""

    FINE = "resource-fit"
    COARSE = "sequence-numbers"


class CommitMode(StrEnum):
    """What happens to the non-conflicting part of a transaction that has conflicts."""

    INCREMENTAL = "incremental"
    ALL_OR_NOTHING = "all-or-nothing"


@dataclass(frozen=True)
class CommitResult:
    """Outcome of one commit.

    Attributes:
        committed: machine index of every task claim that was applied.
        conflicts: how many task claims conflicted (and were not applied).
    """

    committed: np.ndarray
    conflicts: int

    @property
    def succeeded(self) -> bool:
        """True when nothing conflicted (the paper's *successful transaction*)."""
        return self.conflicts == 0


def commit(
    cell: Cluster,
    machines: np.ndarray,
    demand: np.ndarray,
    snapshot: Cluster,
    conflict: str | ConflictMode = ConflictMode.FINE,
    mode: str | CommitMode = CommitMode.INCREMENTAL,
) -> CommitResult:
    """Try to apply one task claim of ``demand`` per entry of ``machines`` to ``cell``.

    Args:
        cell: the shared cell state (changed in place).
        machines: machine index per task claim (repeats allowed), chosen on ``snapshot``.
        demand: one task's resources.
        snapshot: the private copy the claims were made on (its sequence numbers are compared).
        conflict: ``"resource-fit"`` (fine) or ``"sequence-numbers"`` (coarse).
        mode: ``"incremental"`` or ``"all-or-nothing"``.

    Returns:
        The claims applied and the number that conflicted.
    """
    try:
        conflict, mode = ConflictMode(conflict), CommitMode(mode)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    if len(machines) == 0:
        return CommitResult(np.empty(0, dtype=np.int64), 0)
    uniq, counts = np.unique(np.asarray(machines, dtype=np.int64), return_counts=True)
    if conflict is ConflictMode.COARSE:
        ok = np.where((cell.seq[uniq] == snapshot.seq[uniq]) & cell.up[uniq], counts, 0)
    else:
        ok = np.minimum(counts, cell.slots(demand, uniq))
    conflicts = int(counts.sum() - ok.sum())
    if conflicts and mode is CommitMode.ALL_OR_NOTHING:
        return CommitResult(np.empty(0, dtype=np.int64), int(counts.sum()))
    committed = np.repeat(uniq, ok)
    if committed.size:
        cell.claim_many(committed, demand)
    return CommitResult(committed, conflicts)
