"""Private: run sqlglot's parser, number ``?`` placeholders by position, wrap its errors."""

from __future__ import annotations

from typing import Any

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, ParseError, TokenError

from dcsys.core.errors import ConfigError, DcsysError, UnsupportedSQLError

__all__ = ["SQLSyntaxError", "assign_params", "dialect_name", "parse_statements"]

POSITION_KEY = "dcsys_position"
PARAM_KEY = "dcsys_param"


class SQLSyntaxError(DcsysError, ValueError):
    """SQL that does not parse; the message is the parser's (with line and column)."""


def dialect_name(dialect: str | None) -> str:
    """Normalise a dialect name (``None`` → ``"sqlite"``); unknown names raise ``ConfigError``."""
    name = (dialect or "sqlite").lower()
    try:
        Dialect.get_or_raise(name)
    except ValueError as err:
        raise ConfigError(f"unknown SQL dialect {dialect!r}: {err}") from None
    return name


def _tagging(parsers: dict[Any, Any]) -> dict[Any, Any]:
    """Wrap placeholder parsers so each node records its token's position in the text."""

    def wrap(original: Any) -> Any:
        def parse(self: Any) -> Any:
            token = self._prev
            node = original(self)
            if node is not None:
                node.meta[POSITION_KEY] = token.start
            return node

        return parse

    return {k: wrap(v) for k, v in parsers.items()}


def parse_statements(text: str, dialect: str) -> list[exp.Expr]:
    """Parse ``text`` into sqlglot statements (empty statements dropped).

    Raises:
        SQLSyntaxError: when sqlglot cannot tokenize or parse the text.
    """
    if not isinstance(text, str):
        raise ConfigError(f"SQL text must be a str, got {type(text).__name__}")
    d = Dialect.get_or_raise(dialect)
    try:
        tokens = d.tokenize(text)
        parser = d.parser(error_level=ErrorLevel.RAISE)
        parser.PLACEHOLDER_PARSERS = _tagging(type(parser).PLACEHOLDER_PARSERS)
        statements = parser.parse(tokens, text)
    except (ParseError, TokenError) as err:
        raise SQLSyntaxError(f"SQL syntax error: {_first_line(err)}") from None
    out = [s for s in statements if s is not None]
    for s in out:
        if isinstance(s, exp.Command):
            raise UnsupportedSQLError(f"unsupported SQL: statement {s.sql(dialect=dialect)[:60]}")
    return out


def _first_line(err: Exception) -> str:
    message = str(err).replace("\x1b[4m", "").replace("\x1b[0m", "")
    return " ".join(message.split())


def assign_params(statement: exp.Expr) -> int:
    """Give every placeholder of ``statement`` its parameter index (stored in its ``meta``).

    ``?`` placeholders are numbered in textual order from 0; ``$n`` (PostgreSQL, DuckDB) is
    parameter ``n - 1``. Mixing the two styles, or named parameters, is rejected.

    Returns:
        The number of parameters (one more than the highest index).

    Raises:
        UnsupportedSQLError: for named parameters or mixed styles.
    """
    positional: list[exp.Expr] = []
    numbered: list[tuple[exp.Expr, int]] = []
    for node in statement.walk():
        if isinstance(node, exp.Placeholder):
            name = node.text("this")
            if not name:
                positional.append(node)
            elif name.isdigit():
                numbered.append((node, int(name)))
            else:
                raise UnsupportedSQLError(f"unsupported SQL: named parameter {node.sql()}")
        elif isinstance(node, exp.Parameter):
            inner = node.this
            name = inner.name if isinstance(inner, exp.Expr) else str(inner)
            if not name.isdigit():
                raise UnsupportedSQLError(f"unsupported SQL: named parameter {node.sql()}")
            numbered.append((node, int(name)))
    if positional and numbered:
        raise UnsupportedSQLError("unsupported SQL: mixing ? and $n parameters")
    if numbered:
        for node, n in numbered:
            if n < 1:
                raise UnsupportedSQLError(f"unsupported SQL: parameter ${n} (they start at $1)")
            node.meta[PARAM_KEY] = n - 1
        return max(n for _, n in numbered)
    positional.sort(key=lambda node: node.meta.get(POSITION_KEY, 0))
    for i, node in enumerate(positional):
        node.meta[PARAM_KEY] = i
    return len(positional)
