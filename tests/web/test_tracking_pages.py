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


def test_resolutions_page_lists_paragraphs_and_a_diff(
    registry: Workspace, client_for: Callable[[str], TestClient]
) -> None:
    from unforgotten.tracking.resolution_store import import_resolution_text, load_shipped_resolutions

    load_shipped_resolutions(registry)
    for year, extra in ((2023, ""), (2024, "2. Urges the release of all detainees;\n")):
        text = "The General Assembly,\n1. Condemns the abduction of foreign nationals;\n" + extra
        import_resolution_text(
            registry, text, name=f"{year}.txt", symbol=f"EX/{year}", body="General Assembly", year=year
        )
    viewer = client_for("viewer")
    page = viewer.get("/api/resolutions").json()
    assert len(page["resolutions"]) == 10 and len(page["paragraphs"]) == 16
    changes = viewer.get("/api/resolutions?old=EX/2023&new=EX/2024").json()["changes"]
    assert [(c["kind"], c["old"], c["new"]) for c in changes] == [("same", "1", "1"), ("added", None, "2")]
    html = viewer.get("/resolutions?old=EX/2023&new=EX/2024").text
    assert 'id="resolution-diff"' in html and "Urges the release of all detainees" in html
    assert "유엔 결의" in viewer.get("/lang/ko?next=/resolutions", follow_redirects=True).text
    assert viewer.get("/api/resolutions?old=EX/2023&new=EX/9").status_code == 400
    round_id = seed_demo(registry)
    bearing = viewer.get(f"/api/rounds/{round_id}").json()["resolutions"]
    assert {p["symbol"] for p in bearing} >= {"A/RES/78/218", "EX/2024"}
    assert 'id="brief-resolutions"' in viewer.get(f"/rounds/{round_id}").text
