"""The consultation pages: the seed round's brief as HTML and as its JSON twin."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from unforgotten.store.workspace import Workspace
from unforgotten.tracking.store import seed_demo


def test_rounds_and_brief_pages(registry: Workspace, client_for: Callable[[str], TestClient]) -> None:
    round_id = seed_demo(registry)
    viewer = client_for("viewer")
    listing = viewer.get("/api/rounds").json()
    assert [(r["id"], r["date"], r["place"], r["open"]) for r in listing["rounds"]] == [
        (round_id, "2024-04-15", "Washington, D.C.", 3)
    ]
    brief = viewer.get(f"/api/rounds/{round_id}").json()
    assert brief["round"]["date"] == "2024-04-15"
    assert len(brief["open_commitments"]) == 3
    assert brief["overall"]["total"] == 436 and brief["overall"]["accepted"] == 114
    html = viewer.get(f"/rounds/{round_id}").text
    assert "Brief for the next round" in html and "Chun Young-Hee" in html
    korean = viewer.get(f"/rounds/{round_id}?lang=ko")
    assert korean.status_code == 200
    assert viewer.get("/rounds/999").status_code == 404
