"""Field caps: an over-long value is a clear error naming file, row, column and limit; linkage
stays quick on an over-long name that reached the registry another way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import update
from tests.helpers import canonical_rows, write_csv

from unforgotten.domain.limits import LIMITS, check_length
from unforgotten.errors import BatchRejected
from unforgotten.ingest import import_file
from unforgotten.store import schema as s
from unforgotten.store.workspace import Workspace

SRC = str(Path(__file__).resolve().parents[2] / "src")


@pytest.mark.parametrize(
    ("column", "size", "limit"),
    [
        ("full_name", 301, 300),
        ("birth_place", 50_000, 300),
        ("record_id", 201, 200),
        ("notes", 20_001, 20_000),
    ],
)
def test_an_over_long_field_is_refused_naming_row_field_and_limit(
    ws: Workspace, tmp_path: Path, column: str, size: int, limit: int
) -> None:
    rows = canonical_rows(3)
    rows[1][column] = "x" * size
    path = write_csv(tmp_path / "long.csv", rows)
    with pytest.raises(BatchRejected) as caught:
        import_file(ws, path, source="S")
    assert [str(p) for p in caught.value.problems] == [
        f"long.csv: row 3, column {column!r}: {size:,} characters; {column} may hold at most {limit:,}"
    ]


def test_a_value_at_the_cap_is_accepted(ws: Workspace, tmp_path: Path) -> None:
    rows = canonical_rows(2)
    rows[0]["full_name"] = "가" * LIMITS["full_name"]
    rows[0]["notes"] = "n" * LIMITS["notes"]
    assert import_file(ws, write_csv(tmp_path / "ok.csv", rows), source="S").rows == 2


def test_an_over_long_protected_value_is_refused_without_showing_it(ws: Workspace, tmp_path: Path) -> None:
    rows = canonical_rows(2)
    rows[0]["informant_contact"] = "+82-10-" + "9" * 2000
    with pytest.raises(BatchRejected) as caught:
        import_file(ws, write_csv(tmp_path / "p.csv", rows), source="S")
    (problem,) = caught.value.problems
    assert problem.value == "" and "9999" not in str(problem) and "informant_contact may hold" in str(problem)


def test_the_helper_names_the_limit() -> None:
    assert check_length("given_name", "a" * 300) is None
    assert check_length("given_name", "a" * 301) == "301 characters; given_name may hold at most 300"
    assert check_length("some extra column", "a" * 100_001) == (
        "100,001 characters; some extra column may hold at most 100,000"
    )


def test_link_finishes_quickly_on_a_registry_holding_an_over_long_name(
    sqlite_ws: Workspace, tmp_path: Path
) -> None:
    import_file(sqlite_ws, write_csv(tmp_path / "a.csv", canonical_rows(58)), source="S")
    with sqlite_ws.engine.begin() as conn:  # an old registry, from before the caps
        raw = dict(conn.execute(s.source_record.select().where(s.source_record.c.id == 1)).first()._mapping)[
            "raw"
        ]
        raw["full_name"] = "Kim " + "a" * 100_000
        conn.execute(update(s.source_record).where(s.source_record.c.id == 1).values(raw=raw))
    env = {**os.environ, "PYTHONPATH": SRC, "UNFORGOTTEN_KEY_FILE": str(sqlite_ws.settings.key_file)}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "unforgotten", "link", "--db", str(tmp_path / "registry.db"), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["records"] == 58
    assert elapsed < 60, elapsed
