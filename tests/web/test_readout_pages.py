"""Saving a readout from the consultation pages: a second save of the same readout is refused (409)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.web.conftest import csrf_of

from unforgotten.store.schema_tracking import consultation_round
from unforgotten.store.workspace import Workspace

SEED = (
    Path(__file__).parents[1]
    / "tracking"
    / "readouts"
    / "2024-04-15_rok-us_2nd-consultation_seed-full-text.txt"
)
JSON = {"accept": "application/json"}
HTML = {"accept": "text/html"}


def _rounds(ws: Workspace) -> int:
    with ws.read() as conn:
        return int(conn.execute(select(func.count()).select_from(consultation_round)).scalar_one())


def test_save_twice_is_refused_and_confirm_once(
    registry: Workspace, client_for: Callable[[str], TestClient]
) -> None:
    documenter = client_for("documenter")
    csrf = csrf_of(documenter)
    form = {"text": SEED.read_text(encoding="utf-8"), "source": SEED.name, "csrf": csrf}
    assert 'id="readout-form"' in documenter.get("/rounds").text
    saved = documenter.post("/rounds", data=form, headers=HTML, follow_redirects=False)
    assert saved.status_code == 303
    round_id = int(saved.headers["location"].rsplit("/", 1)[1])
    again = documenter.post("/rounds", data=form, headers=JSON)
    assert again.status_code == 409
    assert again.json() == {
        "error": "duplicate_readout",
        "detail": f"{SEED.name}: this readout was already saved as draft round {round_id} "
        f"(unforgotten round show {round_id}; /rounds/{round_id}); nothing was saved",
    }
    documenter.cookies.set("lang", "ko")
    page = documenter.post("/rounds", data={**form, "source": "사본.txt"}, headers=HTML)
    assert page.status_code == 409
    assert (
        "이미 저장됨" in page.text
        and f"draft round {round_id} (unforgotten round show {round_id}" in page.text
    )
    assert _rounds(registry) == 1
    brief = documenter.get(f"/rounds/{round_id}").text
    assert 'id="confirm-round"' in brief and "초안" in brief
    confirm = f"/rounds/{round_id}/confirm"
    assert documenter.post(confirm, data={"csrf": csrf}, headers=JSON).json() == {
        "round_id": round_id,
        "status": "confirmed",
    }
    twice = documenter.post(confirm, data={"csrf": csrf}, headers=JSON)
    assert (twice.status_code, twice.json()["detail"]) == (
        409,
        f"round {round_id} is already confirmed; nothing was changed",
    )
    assert 'id="confirm-round"' not in documenter.get(f"/rounds/{round_id}").text


def test_viewers_cannot_save_and_empty_text_is_refused(
    registry: Workspace, client_for: Callable[[str], TestClient]
) -> None:
    viewer = client_for("viewer")
    assert 'id="readout-form"' not in viewer.get("/rounds").text
    denied = viewer.post("/rounds", data={"text": "x", "csrf": csrf_of(viewer)}, headers=JSON)
    assert denied.status_code == 403
    documenter = client_for("documenter")
    empty = documenter.post("/rounds", data={"text": "  \n", "csrf": csrf_of(documenter)}, headers=JSON)
    assert (empty.status_code, empty.json()["detail"]) == (400, "the readout text is empty")
    assert _rounds(registry) == 0
