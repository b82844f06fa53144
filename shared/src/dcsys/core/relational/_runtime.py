"""Private helpers implementing SQLite's value semantics for compiled expressions.

Every helper takes and returns plain Python values (``None`` is ``NULL``). They are the slow,
general path: compiled code inlines the common cases (two numbers, two strings) and calls these
for the rest. Not emulated: column type affinity (a ``TEXT`` column compared with a number) and
64-bit integer overflow (Python integers do not overflow).
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

__all__: list[str] = []

_NUMBER_PREFIX = re.compile(r"\s*([+-]?(?:\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)")
_INT_PREFIX = re.compile(r"\s*([+-]?\d+)")
_INT64_MAX = 2**63 - 1
_INT64_MIN = -(2**63)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


# -- conversions ----------------------------------------------------------------------------


def float_text(value: float) -> str:
    """SQLite's text form of a float (``%!.15g``: ``2.0``, ``0.1``, ``1.0e+20``)."""
    if math.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    if value == 0:
        return "0.0"  # SQLite prints -0.0 as 0.0
    text = f"{value:.15g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        return f"{mantissa}e{exponent}"
    if "." not in text and "n" not in text:
        text += ".0"
    return text


def to_text(value: Any) -> str | None:
    """The text form of a value, as SQLite's ``CAST(x AS TEXT)``."""
    if value is None or type(value) is str:
        return value
    if value is True or value is False:
        return "1" if value else "0"
    if isinstance(value, float):
        return float_text(value)
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def text_to_number(text: str) -> int | float:
    """The numeric value of the longest numeric prefix of ``text`` (0 if none), as SQLite."""
    m = _NUMBER_PREFIX.match(text)
    if not m:
        return 0
    literal = m.group(1)
    if not any(c in literal for c in ".eE"):
        n = int(literal)
        return n if _INT64_MIN <= n <= _INT64_MAX else float(n)
    return float(literal)


def to_number(value: Any) -> int | float | None:
    """The numeric value used by arithmetic (text is converted by its numeric prefix)."""
    t = type(value)
    if t is int or t is float or value is None:
        return value
    if t is bool:
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        return text_to_number(value)
    if isinstance(value, bytes | bytearray):
        return text_to_number(bytes(value).decode("utf-8", errors="replace"))
    return 0


def truth(value: Any) -> bool | None:
    """The truth value of ``value`` in a boolean context (``NULL`` stays ``None``)."""
    if value is None or value is True or value is False:
        return value
    if isinstance(value, int | float):
        return value != 0
    return to_number(value) != 0


def cast_int(value: Any) -> int | None:
    """``CAST(value AS INTEGER)``: truncates floats, reads the integer prefix of text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return 0
        if value >= 9.223372036854775807e18:
            return _INT64_MAX
        if value <= -9.223372036854775808e18:
            return _INT64_MIN
        return int(value)
    text = to_text(value) or ""
    m = _INT_PREFIX.match(text)
    if not m:
        return 0
    n = int(m.group(1))
    return max(_INT64_MIN, min(_INT64_MAX, n))


def cast_float(value: Any) -> float | None:
    """``CAST(value AS REAL)``."""
    number = to_number(value)
    return None if number is None else float(number)


def cast_bool(value: Any) -> bool | None:
    """``CAST(value AS BOOLEAN)``: the truth value."""
    return truth(value)


_WELL_FORMED = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*")


def store(value: Any, affinity: str) -> Any:
    """``value`` as SQLite stores it in a column of ``affinity`` (type affinity).

    ``affinity`` is ``"int"``, ``"real"``, ``"text"`` or ``""`` (none). Well-formed numeric
    text becomes a number, integral floats become integers (and integers floats in a ``"real"``
    column), numbers become text in a ``"text"`` column.
    """
    if value is None or not affinity:
        return value
    if affinity == "text":
        return (
            to_text(value)
            if isinstance(value, int | float) and not isinstance(value, bool)
            else value
        )
    if isinstance(value, str) and _WELL_FORMED.fullmatch(value):
        value = text_to_number(value.strip())
    if affinity == "real":
        return float(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if isinstance(value, float) and value.is_integer() and abs(value) < 9.2e18:
        return int(value)
    return value


# -- comparison and ordering ----------------------------------------------------------------


def _rank(value: Any) -> int:
    if isinstance(value, int | float):
        return 1
    if isinstance(value, str):
        return 2
    if isinstance(value, bytes | bytearray):
        return 3
    return 4


def compare(a: Any, b: Any) -> int:
    """-1, 0 or 1: SQL order of two non-``NULL`` values (numbers < text < bytes)."""
    try:
        return -1 if a < b else (1 if a > b else 0)
    except TypeError:
        ra, rb = _rank(a), _rank(b)
        if ra != rb:
            return -1 if ra < rb else 1
        sa, sb = repr(a), repr(b)
        return -1 if sa < sb else (1 if sa > sb else 0)


def lt(a: Any, b: Any) -> bool | None:
    """``a < b`` in three-valued logic."""
    return None if a is None or b is None else compare(a, b) < 0


def le(a: Any, b: Any) -> bool | None:
    """``a <= b`` in three-valued logic."""
    return None if a is None or b is None else compare(a, b) <= 0


def gt(a: Any, b: Any) -> bool | None:
    """``a > b`` in three-valued logic."""
    return None if a is None or b is None else compare(a, b) > 0


def ge(a: Any, b: Any) -> bool | None:
    """``a >= b`` in three-valued logic."""
    return None if a is None or b is None else compare(a, b) >= 0


_NULL_KEY = (0,)


def sort_key(value: Any) -> tuple[Any, ...]:
    """A key whose Python order is SQL's ascending order with ``NULL`` first."""
    if value is None:
        return _NULL_KEY
    t = type(value)
    if t is int or t is float or t is bool:
        return (1, value)
    if t is str:
        return (2, value)
    rank = _rank(value)
    return (rank, value) if rank < 4 else (4, type(value).__name__, repr(value))


def in_list(value: Any, items: tuple[Any, ...]) -> bool | None:
    """``value IN (items)`` in three-valued logic."""
    if value is None:
        return None
    saw_null = False
    for item in items:
        if item is None:
            saw_null = True
        elif item == value:
            return True
    return None if saw_null else False


def not3(value: bool | None) -> bool | None:
    """Three-valued ``NOT``."""
    return None if value is None else not value


# -- arithmetic -----------------------------------------------------------------------------


def add(a: Any, b: Any) -> Any:
    """``a + b``."""
    if a is None or b is None:
        return None
    return to_number(a) + to_number(b)  # type: ignore[operator]


def sub(a: Any, b: Any) -> Any:
    """``a - b``."""
    if a is None or b is None:
        return None
    return to_number(a) - to_number(b)  # type: ignore[operator]


def mul(a: Any, b: Any) -> Any:
    """``a * b``."""
    if a is None or b is None:
        return None
    return to_number(a) * to_number(b)  # type: ignore[operator]


def div(a: Any, b: Any) -> Any:
    """``a / b``: integer division truncated toward zero for two integers; ``NULL`` for ``/ 0``."""
    if a is None or b is None:
        return None
    x, y = to_number(a), to_number(b)
    if not y:
        return None
    if type(x) is int and type(y) is int:
        q = abs(x) // abs(y)
        return q if (x >= 0) == (y > 0) else -q
    return x / y  # type: ignore[operator]


def mod(a: Any, b: Any) -> Any:
    """``a % b``: the remainder, with the dividend's sign.

    Floats are truncated to integers first and give a float; ``% 0`` is ``NULL``.
    """
    if a is None or b is None:
        return None
    x, y = to_number(a), to_number(b)
    floats = type(x) is not int or type(y) is not int
    if floats:  # SQLite reads each operand as an integer: truncated, or text's integer prefix
        x, y = cast_int(a), cast_int(b)
    if not y:
        return None
    assert isinstance(x, int) and isinstance(y, int)
    r = abs(x) % abs(y)
    r = r if x >= 0 else -r
    return float(r) if floats else r


def neg(a: Any) -> Any:
    """``-a``."""
    if a is None:
        return None
    return -to_number(a)  # type: ignore[operator]


def concat(a: Any, b: Any) -> str | None:
    """``a || b`` (text forms)."""
    if a is None or b is None:
        return None
    return to_text(a) + to_text(b)  # type: ignore[operator]


# -- LIKE -----------------------------------------------------------------------------------


def like_regex(pattern: str, case_sensitive: bool = False) -> re.Pattern[str]:
    """Compile a ``LIKE`` pattern (``%`` any run, ``_`` one character) to a regex."""
    parts: list[str] = []
    for ch in pattern:
        if ch == "%":
            if not parts or parts[-1] != ".*":
                parts.append(".*")
        elif ch == "_":
            parts.append(".")
        else:
            parts.append(re.escape(ch))
    flags = re.DOTALL if case_sensitive else re.DOTALL | re.IGNORECASE | re.ASCII
    return re.compile("".join(parts), flags)


def like(value: Any, pattern: Any, case_sensitive: bool, cache: dict[Any, Any]) -> bool | None:
    """``value LIKE pattern`` for a pattern known only at run time (``cache`` keeps regexes)."""
    if value is None or pattern is None:
        return None
    text, pat = to_text(value), to_text(pattern)
    regex = cache.get(pat)
    if regex is None:
        if len(cache) > 256:
            cache.clear()
        regex = cache[pat] = like_regex(pat, case_sensitive)  # type: ignore[arg-type]
    return regex.fullmatch(text) is not None  # type: ignore[arg-type]


# -- scalar functions -----------------------------------------------------------------------


def f_abs(a: Any) -> Any:
    """``ABS(a)`` (text is read as a float)."""
    if a is None:
        return None
    if isinstance(a, str | bytes | bytearray):
        return abs(float(to_number(a)))  # type: ignore[arg-type]
    return abs(int(a) if isinstance(a, bool) else a)


def f_lower(a: Any) -> str | None:
    """``LOWER(a)``, ASCII letters only."""
    return None if a is None else to_text(a).translate(_ASCII_LOWER)  # type: ignore[union-attr]


def f_upper(a: Any) -> str | None:
    """``UPPER(a)``, ASCII letters only."""
    return None if a is None else to_text(a).translate(_ASCII_UPPER)  # type: ignore[union-attr]


def f_length(a: Any) -> int | None:
    """``LENGTH(a)``: characters of text, bytes of a blob, characters of a number's text."""
    if a is None:
        return None
    if isinstance(a, bytes | bytearray):
        return len(a)
    return len(to_text(a))  # type: ignore[arg-type]


def f_nullif(a: Any, b: Any) -> Any:
    """``NULLIF(a, b)``: ``NULL`` if ``a = b``, else ``a``."""
    if a is not None and b is not None and a == b:
        return None
    return a


def f_round(a: Any, digits: Any = 0) -> float | None:
    """``ROUND(a, digits)``: half away from zero on the decimal form; always a float."""
    if a is None or digits is None:
        return None
    x = float(to_number(a))  # type: ignore[arg-type]
    n = cast_int(digits) or 0
    n = max(0, min(30, n))
    if math.isinf(x) or math.isnan(x):
        return x
    if n == 0 and abs(x) < 4503599627370496.0:
        r = math.floor(abs(x) + 0.5)
        return float(-r if x < 0 else r)
    q = Decimal(repr(x)).quantize(Decimal(1).scaleb(-n), rounding=ROUND_HALF_UP)
    return float(q)


def f_substr(a: Any, start: Any, length: Any = ...) -> str | None:
    """``SUBSTR(a, start[, length])`` with SQLite's rules for 0 and negative arguments."""
    if a is None or start is None or length is None:
        return None
    text = (
        to_text(a) if not isinstance(a, bytes | bytearray) else bytes(a).decode("utf-8", "replace")
    )
    size = len(text)  # type: ignore[arg-type]
    p1 = cast_int(start) or 0
    negative = False
    if length is ...:
        p2 = size + abs(p1) + 1
    else:
        p2 = cast_int(length) or 0
        if p2 < 0:
            p2, negative = -p2, True
    if p1 < 0:
        p1 += size
        if p1 < 0:
            p2 += p1
            p2 = max(p2, 0)
            p1 = 0
    elif p1 > 0:
        p1 -= 1
    elif p2 > 0:
        p2 -= 1
    if negative:
        p1 -= p2
        if p1 < 0:
            p2 += p1
            p1 = 0
    return text[p1 : p1 + max(p2, 0)]  # type: ignore[index]
