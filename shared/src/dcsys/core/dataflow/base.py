"""The operator interface every dataflow operator implements.

An :class:`Operator` has a fixed number of inputs (*ports*, numbered from 0) and produces rows of
a fixed width (its *arity*), known once it is :meth:`~Operator.bind`-ed to its parents' arities.
:meth:`~Operator.on_input` receives a batch of deltas on one port and returns the deltas of its
output; stateful operators update their :class:`~dcsys.core.dataflow.state.State` objects as
they go. Operators never mutate the batch they are given (one batch fans out to many children).

Two further hooks serve partially-stateful systems (Noria, paper §4):

* :meth:`~Operator.lookup` computes the operator's output rows whose columns ``cols`` equal
  ``key`` *from its parents' current contents*, through a :data:`ParentLookup` callable —
  for a stateless operator this is Noria's "query through", for a stateful one the answer to an
  upquery for one key. ``cols=()`` asks for the whole output. It is a pure function of the
  parents' contents: it neither reads nor changes the operator's own state.
* :meth:`~Operator.resolve` gives column provenance: which parent column(s) an output column is
  copied from (``None`` if it is computed), so a planner can trace a key to its source.

Examples:
    >>> from dcsys.core.dataflow.stateless import Filter
    >>> f = Filter(lambda row: row[1] > 2)
    >>> f.bind([2])
    2
    >>> f.on_input(0, [((1, 5), 1), ((2, 1), 1)])
    [((1, 5), 1)]
    >>> parent_rows = {(): [((1, 5), 1), ((2, 1), 1), ((3, 9), 2)]}
    >>> f.lookup((), (), lambda port, cols, key: parent_rows[cols])
    [((1, 5), 1), ((3, 9), 2)]
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from dcsys.core.dataflow._keys import key_getter
from dcsys.core.dataflow.delta import Batch, DataflowError, Delta
from dcsys.core.dataflow.state import State, StateFactory
from dcsys.core.errors import ConfigError, SchemaError

__all__ = ["Operator", "ParentLookup", "check_columns", "filter_by_key"]

ParentLookup = Callable[[int, tuple[int, ...], tuple[Any, ...]], Iterable[Delta]]
"""``parents(port, cols, key)``: the rows (with multiplicities) of the parent on ``port`` whose
columns ``cols`` equal ``key``; ``cols=()`` and ``key=()`` ask for all of them."""


class Operator(ABC):
    """Base class of dataflow operators.

    Subclasses set :attr:`n_inputs` (class attribute or in ``__init__``) and implement
    :meth:`_bind`, :meth:`on_input` and :meth:`lookup`; stateful ones also override
    :attr:`states`, and global aggregates :meth:`initial_output`.

    Attributes:
        n_inputs: how many input ports the operator has.
    """

    n_inputs: int = 1

    def __init__(self, *, state_factory: StateFactory = State) -> None:
        self._input_arities: tuple[int, ...] | None = None
        self._arity: int | None = None
        self.state_factory = state_factory

    # -- binding ---------------------------------------------------------------------------

    def bind(self, input_arities: Sequence[int]) -> int:
        """Fix the parents' row widths, validate the configuration and create the state.

        Args:
            input_arities: the arity of each input, in port order.

        Returns:
            The output arity.

        Raises:
            ConfigError: on a wrong number of inputs or a column index out of range.
            SchemaError: if the inputs' arities do not fit together (e.g. a union).
            DataflowError: if the operator is already bound (use a fresh operator per node).
        """
        if self._arity is not None:
            raise DataflowError(f"{self!r} is already bound; create one operator per node")
        arities = tuple(int(a) for a in input_arities)
        if len(arities) != self.n_inputs:
            raise ConfigError(
                f"{type(self).__name__} takes {self.n_inputs} input(s), got {len(arities)}"
            )
        if any(a < 0 for a in arities):
            raise SchemaError(f"input arities must be non-negative, got {arities}")
        arity = self._bind(arities)
        self._input_arities = arities
        self._arity = arity
        return arity

    @abstractmethod
    def _bind(self, input_arities: tuple[int, ...]) -> int:
        """Validate against the input arities, create states, and return the output arity."""

    @property
    def bound(self) -> bool:
        """Whether :meth:`bind` has been called."""
        return self._arity is not None

    @property
    def arity(self) -> int:
        """The width of output rows (after :meth:`bind`)."""
        if self._arity is None:
            raise DataflowError(f"{self!r} is not bound yet: call bind(input_arities) first")
        return self._arity

    @property
    def input_arities(self) -> tuple[int, ...]:
        """The width of each input's rows (after :meth:`bind`)."""
        if self._input_arities is None:
            raise DataflowError(f"{self!r} is not bound yet: call bind(input_arities) first")
        return self._input_arities

    # -- processing ------------------------------------------------------------------------

    @abstractmethod
    def on_input(self, port: int, batch: Batch) -> Batch:
        """Process a batch arriving on ``port`` and return the output deltas.

        Args:
            port: the input port (0-based).
            batch: the deltas, applied in order; not modified.

        Returns:
            The output deltas (possibly the input list itself, for pass-through operators).
        """

    def initial_output(self) -> Batch:
        """The output the operator has before any input arrives.

        Empty except for global aggregates, whose single row exists even over an empty input.
        """
        return []

    @abstractmethod
    def lookup(self, cols: tuple[int, ...], key: tuple[Any, ...], parents: ParentLookup) -> Batch:
        """Compute the output rows whose columns ``cols`` equal ``key`` from the parents.

        Args:
            cols: output column positions (``()`` for the whole output).
            key: their values.
            parents: reads the parents' current contents (see :data:`ParentLookup`).

        Returns:
            ``(row, multiplicity)`` pairs, multiplicities positive.
        """

    def resolve(self, col: int) -> list[tuple[int, int]] | None:
        """Column provenance of output column ``col``.

        Returns:
            The ``(port, parent column)`` pairs it copies, or ``None`` if it is computed.
        """
        return None

    @property
    def states(self) -> dict[str, State]:
        """The operator's materialised state objects by name (empty if stateless)."""
        return {}

    @property
    def stateful(self) -> bool:
        """Whether the operator keeps state."""
        return bool(self.states)

    def describe(self) -> str:
        """A short description of the configuration (used in ``repr``)."""
        return ""

    def __repr__(self) -> str:
        desc = self.describe()
        return f"{type(self).__name__}({desc})" if desc else f"{type(self).__name__}()"


def check_columns(what: str, cols: Iterable[int], arity: int) -> tuple[int, ...]:
    """Validate column positions against a row width.

    Args:
        what: what the columns are for, named in the error (e.g. ``"join key"``).
        cols: the positions.
        arity: the row width.

    Returns:
        The positions as a tuple of ints.

    Raises:
        ConfigError: if a position is not an int or is outside ``0 .. arity-1``.

    Examples:
        >>> check_columns("group by", [0, 2], 3)
        (0, 2)
    """
    out = []
    for c in cols:
        if isinstance(c, bool) or not hasattr(c, "__index__"):
            raise ConfigError(f"{what} column must be an int position, got {c!r}")
        c = c.__index__()
        if not 0 <= c < arity:
            raise ConfigError(f"{what} column {c} is out of range for rows of width {arity}")
        out.append(c)
    return tuple(out)


def filter_by_key(batch: Iterable[Delta], cols: tuple[int, ...], key: tuple[Any, ...]) -> Batch:
    """Keep the deltas whose row has ``key`` in columns ``cols``.

    Examples:
        >>> filter_by_key([((1, "a"), 1), ((2, "b"), 3)], (1,), ("b",))
        [((2, 'b'), 3)]
    """
    if not cols:
        return list(batch)
    get = key_getter(cols)
    return [d for d in batch if get(d[0]) == key]
