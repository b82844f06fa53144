"""Plan-shape fixtures: ``fixtures/*.sql`` hold input SQL and the expected plan and SQL output.

File format (valid SQL: the expectations are comments)::

    -- schema:
    CREATE TABLE ...;            -- the catalog for the cases below

    -- case: <name>
    -- dialect: postgres         -- optional: the dialect of the input
    SELECT ...;                  -- the input
    --> Project [...]            -- the expected Plan.explain(), one line per "-->"
    -- sqlite: SELECT ...        -- the expected to_sql(plan, "sqlite") (or "! Error: message")

Run ``python shared/tests/sql/test_fixtures.py --regenerate`` to rewrite the expectations from
the current code (then review the diff).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dcsys.core.errors import DcsysError
from dcsys.core.relational import Catalog
from dcsys.core.sql import catalog_from_sql, parse, to_sql

FIXTURES = Path(__file__).parent / "fixtures"
DIALECTS = ("sqlite", "postgres", "mysql", "duckdb")


@dataclass
class Case:
    file: str
    name: str
    sql: str
    catalog: Catalog
    dialect: str | None = None
    explain: list[str] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)


def load(path: Path) -> list[Case]:
    cases = []
    catalog = Catalog()
    for block in re.split(r"(?m)^(?=-- (?:schema|case):)", path.read_text()):
        lines = block.rstrip("\n").split("\n")
        sql = "\n".join(line for line in lines if not line.startswith("--")).strip()
        if block.startswith("-- schema:"):
            catalog = catalog_from_sql(sql)
        elif block.startswith("-- case:"):
            case = Case(path.name, lines[0].split(":", 1)[1].strip(), sql, catalog)
            for line in lines[1:]:
                if line.startswith("--> "):
                    case.explain.append(line[4:])
                elif line.startswith("-- dialect:"):
                    case.dialect = line.split(":", 1)[1].strip()
                else:
                    m = re.match(r"-- (\w+): (.*)$", line)
                    if m and m.group(1) in DIALECTS:
                        case.outputs[m.group(1)] = m.group(2)
            cases.append(case)
    return cases


def render(plan, dialect: str) -> str:
    try:
        return to_sql(plan, dialect)
    except DcsysError as err:
        return f"! {type(err).__name__}: {err}"


CASES = [case for path in sorted(FIXTURES.glob("*.sql")) for case in load(path)]


def test_fixtures_exist():
    assert len(CASES) >= 30
    assert {c.file for c in CASES} >= {
        "param_keys.sql",
        "joins.sql",
        "grouping.sql",
        "ordering.sql",
        "statements.sql",
    }


@pytest.mark.parametrize("case", CASES, ids=[f"{c.file}:{c.name}" for c in CASES])
def test_fixture(case: Case):
    plan = parse(case.sql, case.catalog.copy(), dialect=case.dialect)
    assert plan.explain().split("\n") == case.explain
    assert set(case.outputs) == set(DIALECTS)
    for dialect, expected in case.outputs.items():
        assert render(plan, dialect) == expected, dialect


def regenerate() -> None:
    for path in sorted(FIXTURES.glob("*.sql")):
        out: list[str] = []
        for block in re.split(r"(?m)^(?=-- (?:schema|case):)", path.read_text()):
            lines = [
                line
                for line in block.rstrip("\n").split("\n")
                if not line.startswith("--> ")
                and not re.match(rf"-- ({'|'.join(DIALECTS)}): ", line)
            ]
            out.extend(lines)
            if block.startswith("-- schema:"):
                catalog = catalog_from_sql("\n".join(x for x in lines if not x.startswith("--")))
            elif block.startswith("-- case:"):
                dialect = next(
                    (x.split(":", 1)[1].strip() for x in lines if x.startswith("-- dialect:")), None
                )
                sql = "\n".join(x for x in lines if not x.startswith("--")).strip()
                plan = parse(sql, catalog.copy(), dialect=dialect)
                out.extend("--> " + x for x in plan.explain().split("\n"))
                out.extend(f"-- {d}: {render(plan, d)}" for d in DIALECTS)
            out.append("")
        path.write_text("\n".join(out).rstrip("\n") + "\n")


if __name__ == "__main__" and "--regenerate" in sys.argv:
    regenerate()
