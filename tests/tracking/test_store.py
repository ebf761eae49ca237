"""Rounds, commitments and recommendations in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select
from tests.tracking.registry_rows import Victim, add_people

from unforgotten.errors import BatchRejected, ConflictError, NotFoundError, PermissionDenied, ValidationError
from unforgotten.settings import Settings
from unforgotten.store import schema as s
from unforgotten.store import schema_tracking as t
from unforgotten.store.verify import verify_store
from unforgotten.store.workspace import Workspace
from unforgotten.tracking.queries import (
    commitment_history,
    commitments,
    round_detail,
    rounds,
    stored_recommendations,
)
from unforgotten.tracking.readout import parse_readout
from unforgotten.tracking.store import (
    confirm_round,
    import_recommendations,
    link_recommendation,
    link_reference,
    load_upr,
    save_draft,
    seed_demo,
    set_commitment_status,
)
from unforgotten.tracking.upr import load_recommendations, summarise

SEED = Path(__file__).parent / "readouts" / "2024-04-15_rok-us_2nd-consultation_seed-full-text.txt"
LATER = (
    "1. The third round took place in Seoul on November 20, 2024.\n"
    "2. Both sides agreed to meet again by the end of 2025.\n"
)


def _seed_draft():  # type: ignore[no-untyped-def]
    return parse_readout(SEED.read_text(encoding="utf-8"), source=SEED.name)


def _as(ws: Workspace, role: str) -> Workspace:
    return Workspace(
        Settings.build(db=ws.settings.db_url, key_file=str(ws.settings.key_file), role=role), engine=ws.engine
    )


def test_tracking_tables_match_the_migration(ws: Workspace) -> None:
    ours = {
        table.name
        for table in t.metadata.sorted_tables
        if table.name in t.__all__ or table.name in {"consultation_round"}
    }
    with ws.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), s.metadata)
    assert [d for d in diff if any(name in str(d) for name in ours)] == []
    assert ours == set(t.__all__)


def test_save_draft_round_trips_every_item(ws: Workspace) -> None:
    draft = _seed_draft()
    round_id = save_draft(ws, draft)
    with ws.read() as conn:
        detail = round_detail(conn, round_id)
    assert (detail["date"], detail["place"], detail["format"], detail["status"]) == (
        date(2024, 4, 15),
        "Washington, D.C.",
        "bilateral",
        "draft",
    )
    assert [(p["name"], p["organisation"], p["side"]) for p in detail["participants"]] == [
        ("Chun Young-Hee", "ROK Ministry of Foreign Affairs", "ROK"),
        ("Julie Turner", "U.S. Department of State", "U.S."),
        ("Jung Pak", None, "U.S."),
    ]
    assert [x["code"] for x in detail["topics"]] == [x.code for x in draft.topics]
    assert [x["text"] for x in detail["agreed"]] == [x.text for x in draft.agreed]
    assert [x["text"] for x in detail["references"]] == [
        "ROK-U.S. Summit in April 2023",
        "ROK-U.S.-Japan Trilateral Summit in August 2023",
    ]
    assert detail["agreed"][0]["evidence"] == draft.agreed[0].evidence.to_dict()
    assert detail["evidence"]["date"] == draft.date_evidence.to_dict()  # type: ignore[union-attr]


def test_commitments_come_from_agreed_items_with_their_windows(ws: Workspace) -> None:
    round_id = save_draft(ws, _seed_draft())
    with ws.read() as conn:
        found = commitments(conn, round_id=round_id)
    assert [
        (c["agreed_item_id"], c["who"], c["due_from"], c["due_to"], c["window"], c["status"]) for c in found
    ] == [
        (1, "ROK and U.S.", None, None, None, "open"),
        (2, "ROK and U.S.", None, None, None, "open"),
        (3, "ROK and U.S.", date(2024, 7, 1), date(2024, 12, 31), "the second half of this year", "open"),
    ]
    assert found[2]["evidence"]["rule"] == "NS-AGREED"


def test_confirm_round_once(ws: Workspace) -> None:
    round_id = save_draft(ws, _seed_draft())
    confirm_round(ws, round_id)
    with ws.read() as conn:
        assert [r["status"] for r in rounds(conn)] == ["confirmed"]
    with pytest.raises(ConflictError, match=f"^round {round_id} is already confirmed; nothing was changed$"):
        confirm_round(ws, round_id)
    with pytest.raises(NotFoundError, match="consultation round 99 does not exist"):
        confirm_round(ws, 99)


def test_commitment_status_keeps_its_history(ws: Workspace) -> None:
    first = save_draft(ws, _seed_draft())
    later = save_draft(ws, parse_readout(LATER))
    row = set_commitment_status(ws, 3, "done", reason="third round held in Seoul", follow_up_round=later)
    assert (row["status"], row["follow_up_round_id"]) == ("done", later)
    set_commitment_status(ws, 3, "open", reason="entered by mistake")
    with ws.read() as conn:
        history = commitment_history(conn, 3)
        assert [(h["version"], h["op"], h["reason"], h["status"]) for h in history] == [
            (1, "insert", None, "open"),
            (2, "update", "third round held in Seoul", "done"),
            (3, "update", "entered by mistake", "open"),
        ]
        assert history[1]["actor"] == "test:officer"
        assert verify_store(conn).ok
    with ws.read() as conn:
        assert [r["open"] for r in rounds(conn)] == [3, 1]
    assert first != later


def test_commitment_status_is_checked(ws: Workspace) -> None:
    round_id = save_draft(ws, _seed_draft())
    with pytest.raises(ValidationError, match="status must be one of open, done, dropped, not 'finished'"):
        set_commitment_status(ws, 1, "finished", reason="x")
    with pytest.raises(ValidationError, match="a reason is required"):
        set_commitment_status(ws, 1, "done", reason=" ")
    with pytest.raises(ValidationError, match="a later round"):
        set_commitment_status(ws, 1, "done", reason="x", follow_up_round=round_id)
    with pytest.raises(NotFoundError, match="consultation round 7 does not exist"):
        set_commitment_status(ws, 1, "done", reason="x", follow_up_round=7)
    with pytest.raises(NotFoundError, match="commitment 42 does not exist"):
        set_commitment_status(ws, 42, "done", reason="x")
    with ws.read() as conn:
        assert {c["status"] for c in commitments(conn)} == {"open"}


def test_viewer_may_not_save_or_change(ws: Workspace) -> None:
    viewer = _as(ws, "viewer")
    with pytest.raises(PermissionDenied):
        save_draft(viewer, _seed_draft())
    with pytest.raises(PermissionDenied):
        set_commitment_status(viewer, 1, "done", reason="x")


def test_link_reference_to_a_stored_round(ws: Workspace) -> None:
    first = save_draft(ws, _seed_draft())
    later = save_draft(ws, parse_readout(LATER))
    link_reference(ws, 1, later, reason="checked")
    with ws.read() as conn:
        assert [r["linked_round_id"] for r in round_detail(conn, first)["references"]] == [later, None]


def test_load_upr_once(ws: Workspace) -> None:
    assert load_upr(ws) == 436
    assert load_upr(ws) == 0
    with ws.read() as conn:
        stored = stored_recommendations(conn)
    assert stored == load_recommendations()
    assert summarise(stored, by="response") == summarise(load_recommendations(), by="response")


def test_import_recommendations_all_or_nothing(ws: Workspace, tmp_path: Path) -> None:
    good = tmp_path / "cycle3.csv"
    good.write_text(
        "cycle,recommending_state,text,response,wg_paragraph\n"
        "3,Japan,Resolve the abduction issue immediately,noted,126.1\n"
        "3,Chile,End enforced disappearances,accepted,126.2\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("cycle,recommending_state,text,response\n3,Peru,Do it,maybe\n", encoding="utf-8")
    with pytest.raises(BatchRejected):
        import_recommendations(ws, bad)
    assert import_recommendations(ws, good) == 2
    assert import_recommendations(ws, good) == 0
    with ws.read() as conn:
        stored = stored_recommendations(conn)
    assert [(r.cycle, r.recommending_state, r.response, r.themes, r.source) for r in stored] == [
        (3, "Japan", "noted", ("NKV-F1",), "cycle3.csv"),
        (3, "Chile", "accepted", ("NKV-E6",), "cycle3.csv"),
    ]
    with ws.read() as conn:
        rules = conn.execute(select(t.recommendation.c.theme_rules).order_by(t.recommendation.c.id)).scalars()
        assert [r[0][:2] for r in rules] == [["NKV-F1", "TH-ABDUCT"], ["NKV-E6", "TH-DISAPP"]]


def test_link_recommendation_to_a_case(ws: Workspace) -> None:
    load_upr(ws)
    (person,) = add_people(ws, [Victim("abductee", "KP-01", 1977)])
    with ws.read() as conn:
        case_id = conn.execute(select(s.case.c.id).where(s.case.c.person_id == person)).scalar_one()
    link_recommendation(ws, 2, case_id=case_id, note="the Japan recommendation names this case")
    with ws.read() as conn:
        stored = stored_recommendations(conn)
    assert (stored[1].case_ids, stored[1].incident_ids) == ((str(case_id),), ())
    with pytest.raises(ValidationError, match="a case, an incident or both"):
        link_recommendation(ws, 2)
    with pytest.raises(NotFoundError, match="case 999 does not exist"):
        link_recommendation(ws, 2, case_id=999)


def test_seed_demo_is_idempotent_and_verifies(ws: Workspace) -> None:
    round_id = seed_demo(ws)
    assert seed_demo(ws) == round_id
    with ws.read() as conn:
        assert [(r["status"], r["commitments"], r["open"]) for r in rounds(conn)] == [("confirmed", 3, 3)]
        assert conn.execute(select(func.count()).select_from(t.recommendation)).scalar_one() == 436
        assert verify_store(conn).ok
