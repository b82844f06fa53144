import pytest

from dcsys.core.errors import SchemaError, UnknownNameError
from dcsys.core.relational import (
    AmbiguousColumnError,
    Catalog,
    Column,
    ColumnRef,
    ColumnType,
    Scan,
    Schema,
    TableSchema,
)

USERS = TableSchema(
    "users", [Column("id", ColumnType.INT), Column("Name", ColumnType.TEXT)], ["id"]
)
POSTS = TableSchema("posts", [Column("id", ColumnType.INT), Column("author", ColumnType.INT)])


def test_lookup_qualified_and_case_insensitive():
    s = USERS.schema + POSTS.schema
    assert s.index("users.id") == 0
    assert s.index("id", table="POSTS") == 2
    assert s.index("name") == 1
    assert s.index("AUTHOR") == 3
    assert s.find_all("id") == [0, 2]


def test_unknown_column_names_the_known_ones():
    with pytest.raises(UnknownNameError) as err:
        USERS.schema.index("email")
    assert err.value.kind == "column" and err.value.name == "email"
    assert "users.id" in str(err.value) and "users.Name" in str(err.value)


def test_ambiguous_column():
    s = USERS.schema + POSTS.schema
    with pytest.raises(
        AmbiguousColumnError, match="ambiguous column 'id' \\(users.id, posts.id\\)"
    ):
        s.index("id")
    assert issubclass(AmbiguousColumnError, SchemaError)


def test_ref_carries_metadata():
    ref = USERS.schema.ref("name")
    assert ref == ColumnRef(1, "Name", ColumnType.TEXT, "users", True)
    assert str(ref) == "users.Name"


def test_table_schema_primary_key_not_null_and_validation():
    assert not USERS.schema[0].nullable
    assert USERS.key_indices == (0,)
    assert all(c.table == "users" for c in USERS.columns)
    with pytest.raises(SchemaError, match="duplicate column"):
        TableSchema("t", [Column("a"), Column("A")])
    with pytest.raises(SchemaError, match="primary key column 'b'"):
        TableSchema("t", [Column("a")], ["b"])
    assert TableSchema("t", ["a", "b"]).schema.names == ("a", "b")


def test_schema_helpers():
    s = Schema([Column("a", ColumnType.INT, nullable=False, table="x")])
    assert s.qualified("y")[0].table == "y"
    assert s.nullable()[0].nullable
    assert s.types == (ColumnType.INT,) and len(s) == 1 and list(s) == [s[0]]
    assert "x.a INT NOT NULL" in str(s)
    with pytest.raises(SchemaError):
        Schema(["a"])  # type: ignore[list-item]


def test_catalog():
    cat = Catalog([USERS])
    assert "USERS" in cat and "posts" not in cat and len(cat) == 1
    cat.add(POSTS)
    assert cat.table_names() == ["users", "posts"]
    with pytest.raises(SchemaError, match="already exists"):
        cat.add(POSTS)
    cat.add(TableSchema("posts", [Column("x")]), replace=True)
    assert cat.table("posts").schema.names == ("x",)
    view = Scan(USERS)
    cat.add_view("v", view)
    assert cat.view("V") is view and cat.view("users") is None and cat.get("v") is None
    copy = cat.copy()
    cat.drop("v")
    assert "v" not in cat and "v" in copy
    with pytest.raises(UnknownNameError, match="unknown table 'nope'"):
        cat.table("nope")
    with pytest.raises(UnknownNameError):
        cat.drop("nope")
    assert [t.name for t in cat] == ["users", "posts"]
    assert "users" in repr(cat)
