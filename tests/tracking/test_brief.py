"""The brief generated from the seed round, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.tracking.registry_rows import Victim, add_people

from unforgotten.store.workspace import Workspace
from unforgotten.tracking.brief import brief
from unforgotten.tracking.disclosure import Estimate
from unforgotten.tracking.readout import parse_readout
from unforgotten.tracking.store import save_draft, seed_demo, set_commitment_status

EXPECTED = Path(__file__).parent / "expected" / "brief_seed_round.md"
SECOND_HALF = "hold the next consultations in the second half of this year"


def test_seed_brief_markdown_is_exactly_the_reviewed_text(ws: Workspace) -> None:
    round_id = seed_demo(ws)
    assert brief(ws, round_id, as_of=date(2025, 1, 15)).to_markdown() == EXPECTED.read_text(encoding="utf-8")


def test_seed_brief_content(ws: Workspace) -> None:
    result = brief(ws, seed_demo(ws), as_of=date(2024, 9, 1))
    assert [(c.id, c.who, c.due_from, c.due_to, c.overdue) for c in result.open_commitments] == [
        (1, "ROK and U.S.", None, None, False),
        (2, "ROK and U.S.", None, None, False),
        (3, "ROK and U.S.", date(2024, 7, 1), date(2024, 12, 31), False),
    ]
    assert [
        (t.code, t.total, t.accepted, t.noted, round(t.accepted_share, 4)) for t in result.recommendations
    ] == [
        ("NKV-D2", 0, 0, 0, 0.0),
        ("NKV-A1", 7, 1, 6, 0.1429),
        ("NKL-RICRA", 0, 0, 0, 0.0),
        ("NKV-F1", 12, 0, 12, 0.0),
        ("NKV-F2", 0, 0, 0, 0.0),
        ("NKV-F3", 1, 0, 1, 0.0),
    ]
    assert (result.overall.total, result.overall.accepted, result.overall.partially_accepted) == (436, 114, 0)
    assert result.to_dict()["round"]["participants"][1]["side"] == "U.S."


def test_overdue_against_the_given_date(ws: Workspace) -> None:
    round_id = seed_demo(ws)
    overdue = {c.text: c.overdue for c in brief(ws, round_id, as_of=date(2025, 1, 1)).open_commitments}
    assert overdue[SECOND_HALF] is True
    assert {c.text: c.overdue for c in brief(ws, round_id, as_of=date(2024, 12, 31)).open_commitments}[
        SECOND_HALF
    ] is False


def test_done_and_later_commitments_are_left_out(ws: Workspace) -> None:
    round_id = seed_demo(ws)
    later = save_draft(
        ws,
        parse_readout(
            "1. The third round took place in Seoul on November 20, 2024.\n"
            "2. Both sides agreed to meet again by the end of 2025.\n"
        ),
    )
    set_commitment_status(ws, 3, "done", reason="third round held", follow_up_round=later)
    assert [c.id for c in brief(ws, round_id, as_of=date(2025, 1, 1)).open_commitments] == [1, 2]
    assert [c.id for c in brief(ws, later, as_of=date(2025, 1, 1)).open_commitments] == [1, 2, 4]


def test_what_changed_since_the_round(ws: Workspace) -> None:
    before = add_people(ws, [Victim("abductee", "KP-01", 1977)] * 2, imported_at="2023-05-01T00:00:00+00:00")
    add_people(ws, [Victim("detainee", "KP-02", 2015)] * 3, imported_at="2024-06-01T00:00:00+00:00")
    round_id = seed_demo(ws)
    estimates = {"abductees, all periods": Estimate(516.0, 480.5, 590.0, "log-linear")}
    changes = brief(ws, round_id, as_of=date(2025, 1, 1), estimates=estimates).changes
    assert (changes.since, changes.batches, changes.records, changes.persons_new) == (
        date(2024, 4, 15),
        1,
        3,
        3,
    )
    assert (changes.persons_total, changes.records_total, len(before)) == (5, 5, 2)
    text = brief(ws, round_id, as_of=date(2025, 1, 1), estimates=estimates).to_markdown()
    assert "- 3 persons newly documented, 3 records in 1 batches\n" in text
    assert "- Estimate, abductees, all periods: 516 (480–590), log-linear\n" in text


def test_html_is_self_contained(ws: Workspace) -> None:
    page = brief(ws, seed_demo(ws), as_of=date(2025, 1, 15)).to_html()
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "<script" not in page
    assert "http" not in page
    assert "<h2>Open commitments</h2>" in page
    assert '<li><span class="overdue">OVERDUE</span> hold the next consultations' in page
    assert "<tr><th>topic</th><th>total</th>" in page
    assert "<tr><td>NKV-A1 Access to information</td><td>7</td><td>1</td>" in page


def test_brief_shows_the_newest_saved_estimates_with_intervals(ws: Workspace) -> None:
    from unforgotten.store.estimates import save_estimate

    round_id = seed_demo(ws)
    rows = [
        {
            "stratum": "all",
            "method": "lcmcr",
            "observed": 400,
            "estimate": 516.2,
            "lower": 480.4,
            "upper": 590.0,
        },
        {
            "stratum": "all",
            "method": "loglinear",
            "observed": 400,
            "estimate": None,
            "lower": None,
            "upper": None,
        },
    ]
    for estimate in (500.0, 516.2):
        rows[0]["estimate"] = estimate
        save_estimate(
            ws, stratify="all", origin="cli", lists=["A", "B"], rows=rows, posterior={}, settings={}
        )
    text = brief(ws, round_id, as_of=date(2025, 1, 1)).to_markdown()
    assert "- Estimate, all (saved run 2): 516 (480–590), lcmcr\n" in text
    assert "saved run 1" not in text and "loglinear" not in text
    assert "- 추정, all (saved run 2): 516(480–590), lcmcr\n" in brief(
        ws, round_id, as_of=date(2025, 1, 1)
    ).to_markdown("ko")
