"""Named resource dimensions and the numpy vectors that hold amounts of them.

A :class:`Resources` is the ordered tuple of dimension names a cluster is built on — by default
``("cpu", "mem")``, as in Omega's simulator (``omega.md`` §1.2), extensible with ``disk``,
``net`` or ``slots`` (Firmament's slot model, ``firmament.md`` §1.2). Amounts (a task's demand, a
machine's capacity) are plain float64 numpy vectors in that order, so that cluster-wide questions
are single vectorised expressions; the :class:`Resources` turns names into vectors and back and
checks what users pass in.

Examples:
    >>> r = Resources("cpu", "mem", "disk")
    >>> r.vector(cpu=0.5, disk=10).tolist()
    [0.5, 0.0, 10.0]
    >>> r.as_dict([1, 2, 3])
    {'cpu': 1.0, 'mem': 2.0, 'disk': 3.0}
    >>> r == ("cpu", "mem", "disk"), len(r), r.index("mem")
    (True, 3, 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from dcsys.core.errors import ConfigError, UnknownNameError

__all__ = ["DEFAULT_RESOURCES", "Resources", "UnknownResourceError"]


class UnknownResourceError(UnknownNameError, ValueError):
    """A resource name the cluster does not have (also a ValueError, like ``tuple.index``)."""


class Resources(tuple):  # type: ignore[type-arg]
    """An ordered set of resource dimension names; a tuple of str with vector helpers.

    Construct it from the dimension names, or one iterable of them; no names gives
    ``("cpu", "mem")``.

    Raises:
        ConfigError: a name is empty, not a string, or repeated.

    Examples:
        >>> Resources()
        Resources('cpu', 'mem')
        >>> Resources(["cpu", "mem", "net"]).names
        ('cpu', 'mem', 'net')
    """

    __slots__ = ()

    def __new__(cls, *names: str | Iterable[str]) -> Resources:  # noqa: D102
        if len(names) == 1 and not isinstance(names[0], str):
            names = tuple(names[0])  # type: ignore[arg-type]
        if not names:
            names = ("cpu", "mem")
        for name in names:
            if not isinstance(name, str) or not name:
                raise ConfigError(f"resource names must be non-empty strings, got {name!r}")
        if len(set(names)) != len(names):
            raise ConfigError(f"resource names must be unique, got {tuple(names)}")
        return super().__new__(cls, names)

    @property
    def names(self) -> tuple[str, ...]:
        """The names as a plain tuple."""
        return tuple(self)

    def index(self, name: str, *_: Any) -> int:  # type: ignore[override]
        """Position of resource ``name``.

        Raises:
            UnknownResourceError: there is no such resource.
        """
        try:
            return tuple.index(self, name)
        except ValueError:
            raise UnknownResourceError("resource", name, self.names) from None

    def zeros(self, machines: int | None = None) -> np.ndarray:
        """A zero vector, or a ``machines × R`` zero matrix."""
        return np.zeros(len(self) if machines is None else (machines, len(self)))

    def vector(self, amounts: Mapping[str, float] | None = None, /, **named: float) -> np.ndarray:
        """A vector from named amounts (a mapping and/or keywords); unnamed dimensions are 0.

        Raises:
            UnknownResourceError: a name is not one of these resources.
            ConfigError: an amount is negative or not finite.
        """
        vec = self.zeros()
        for name, value in {**(amounts or {}), **named}.items():
            vec[self.index(name)] = value
        return self._check(vec, "amount")

    def coerce(self, amounts: Any, what: str = "demand") -> np.ndarray:
        """A float64 vector of length R from a vector, a sequence or a name → amount mapping.

        Args:
            amounts: the amounts.
            what: how to call them in error messages.

        Raises:
            ConfigError: wrong length, negative or non-finite values.

        Examples:
            >>> Resources().coerce({"mem": 2.0}).tolist(), Resources().coerce([1, 2]).tolist()
            ([0.0, 2.0], [1.0, 2.0])
        """
        if isinstance(amounts, Mapping):
            return self.vector(amounts)
        try:
            vec = np.asarray(amounts, dtype=np.float64)
        except (TypeError, ValueError):
            raise ConfigError(f"{what} must be numbers, got {amounts!r}") from None
        if vec.shape != (len(self),):
            raise ConfigError(
                f"{what} must have one value per resource {self.names}, got shape {vec.shape}"
            )
        return self._check(vec, what)

    def coerce_rows(self, amounts: Any, rows: int, what: str = "demand") -> np.ndarray:
        """An ``R`` vector (the same for every row) or a ``rows × R`` matrix, checked.

        Raises:
            ConfigError: wrong shape, negative or non-finite values.
        """
        if isinstance(amounts, Mapping):
            return self.vector(amounts)
        vec = np.asarray(amounts, dtype=np.float64)
        if vec.shape == (len(self),) or vec.shape == (rows, len(self)):
            return self._check(vec, what)
        raise ConfigError(
            f"{what} must be one row of {len(self)} values {self.names} or {rows} such rows, "
            f"got shape {vec.shape}"
        )

    def as_dict(self, vector: Any) -> dict[str, float]:
        """Name → amount for one vector."""
        values = np.asarray(vector, dtype=np.float64).tolist()
        return dict(zip(self, values, strict=True))

    def format(self, vector: Any) -> str:
        """A short text like ``cpu=0.5 mem=2``.

        Examples:
            >>> Resources().format([0.5, 2.0])
            'cpu=0.5 mem=2'
        """
        return " ".join(f"{k}={v:g}" for k, v in self.as_dict(vector).items())

    def dominant_share(self, usage: Any, total: Any) -> np.ndarray | float:
        """Dominant Resource Fairness share: the largest ``usage / total`` over the dimensions.

        Args:
            usage: one vector, or one row per user.
            total: the capacity vector; dimensions with zero total are ignored.

        Examples:
            >>> Resources().dominant_share([[2, 1], [1, 8]], [10, 16])
            array([0.2, 0.5])
        """
        use = np.asarray(usage, dtype=np.float64)
        tot = np.asarray(total, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(tot > 0, use / np.where(tot > 0, tot, 1.0), 0.0)
        out = share.max(axis=-1)
        return float(out) if out.ndim == 0 else out

    @staticmethod
    def _check(vec: np.ndarray, what: str) -> np.ndarray:
        if not np.isfinite(vec).all() or (vec < 0).any():
            raise ConfigError(f"{what} must be finite and >= 0, got {vec.tolist()}")
        return vec

    def __repr__(self) -> str:
        return f"Resources({', '.join(map(repr, self))})"


DEFAULT_RESOURCES = Resources("cpu", "mem")
"""Omega's two dimensions: cores and GB of memory."""
