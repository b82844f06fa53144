import pytest

from dcsys.core.errors import UnsupportedSQLError
from dcsys.core.relational import ColumnType


@pytest.mark.parametrize(
    "name, expected",
    [
        ("INTEGER", ColumnType.INT),
        ("int unsigned", ColumnType.INT),
        ("BIGINT", ColumnType.INT),
        ("tinyint(1)", ColumnType.INT),
        ("REAL", ColumnType.FLOAT),
        ("DOUBLE PRECISION", ColumnType.FLOAT),
        ("decimal(20, 19)", ColumnType.FLOAT),
        ("varchar(255)", ColumnType.TEXT),
        ("character varying", ColumnType.TEXT),
        ("DATETIME", ColumnType.TEXT),
        ("BOOLEAN", ColumnType.BOOL),
        ("bool", ColumnType.BOOL),
    ],
)
def test_from_sql_name(name, expected):
    assert ColumnType.from_sql_name(name) is expected


def test_unknown_sql_type_is_unsupported():
    with pytest.raises(UnsupportedSQLError, match="data type BLOB"):
        ColumnType.from_sql_name("blob")


def test_of_value():
    assert ColumnType.of_value(None) is ColumnType.NULL
    assert ColumnType.of_value(True) is ColumnType.BOOL
    assert ColumnType.of_value(3) is ColumnType.INT
    assert ColumnType.of_value(3.5) is ColumnType.FLOAT
    assert ColumnType.of_value("x") is ColumnType.TEXT
    assert ColumnType.of_value(b"x") is ColumnType.UNKNOWN


def test_unify():
    T = ColumnType
    assert T.NULL.unify(T.TEXT) is T.TEXT
    assert T.INT.unify(T.NULL) is T.INT
    assert T.INT.unify(T.FLOAT) is T.FLOAT
    assert T.BOOL.unify(T.INT) is T.INT
    assert T.TEXT.unify(T.INT) is T.UNKNOWN
    assert T.UNKNOWN.unify(T.UNKNOWN) is T.UNKNOWN


def test_flags_and_names():
    assert ColumnType.BOOL.is_numeric and not ColumnType.TEXT.is_numeric
    assert ColumnType.INT.is_known and not ColumnType.UNKNOWN.is_known
    assert ColumnType.FLOAT.sql_name() == "DOUBLE"
    assert str(ColumnType.TEXT) == "TEXT"
