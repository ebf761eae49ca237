"""User text is isolated on the pages (``<bdi>``): right-to-left letters in a name cannot reorder
the text around them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.helpers import write_csv

from unforgotten.ingest import import_file
from unforgotten.store import schema as s
from unforgotten.store.workspace import Workspace

NAME = "שלום Kim 2"  # right-to-left letters are allowed (only bidi controls are refused)


def test_names_and_cells_are_isolated(
    registry: Workspace, tmp_path: Path, client_for: Callable[[str], TestClient]
) -> None:
    row = {"record_id": "H1", "full_name": NAME, "notes": "עברית note", "case_type": "detainee"}
    import_file(registry, write_csv(tmp_path / "h.csv", [row]), source="Hebrew list")
    with registry.read() as conn:
        pid = conn.execute(
            select(s.source_record.c.person_id).where(s.source_record.c.record_id == "H1")
        ).scalar()
        case = conn.execute(select(s.case.c.id).where(s.case.c.person_id == pid)).scalar()
    client = client_for("viewer")
    person = client.get(f"/persons/{pid}", headers={"accept": "text/html"}).text
    assert f"<h1><bdi>{NAME}</bdi></h1>" in person
    assert '<td dir="auto"><bdi>עברית note</bdi></td>' in person
    found = client.get("/persons?q=Kim", headers={"accept": "text/html"}).text
    assert f"<bdi>{NAME}</bdi></a>" in found
    assert (
        '<td dir="auto"><bdi>עברית note</bdi></td>'
        in client.get(f"/cases/{case}", headers={"accept": "text/html"}).text
    )
