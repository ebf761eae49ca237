"""Linkage pairs on the person page say what happened to them, on a registry linked like the demo's.

A pair the run merged (match band) reads "merged by linkage run N (p=…)"; a reviewed pair its
decision, reviewer and time; only an undecided pair of the review band is pending.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.web.conftest import PASSWORD, SECRET, login
from tests.web.demo_like import build

from unforgotten.linkage.store import decide, review_queue
from unforgotten.store import schema as s
from unforgotten.store.schema_linkage import link_pair, link_run
from unforgotten.store.workspace import Workspace
from unforgotten.web.accounts import add_user
from unforgotten.web.app import create_app
from unforgotten.web.config import WebSettings


@pytest.fixture
def linked(ws: Workspace, tmp_path: Path) -> Iterator[tuple[Workspace, int, TestClient]]:
    run = build(ws, tmp_path).run_id
    add_user(ws, "analyst", role="analyst", password=PASSWORD)
    client = TestClient(create_app(WebSettings(ws.settings, SECRET), engine=ws.engine))
    login(client, "analyst")
    yield ws, run, client
    client.close()


def _person_of(ws: Workspace, record: int) -> int:
    query = (
        select(s.person.c.merged_into, s.person.c.id)
        .join(s.source_record, s.source_record.c.person_id == s.person.c.id)
        .where(s.source_record.c.id == record)
    )
    with ws.read() as conn:
        merged_into, person = conn.execute(query).one()
    return int(merged_into or person)


def _link_cells(html: str) -> list[str]:
    section = html[html.index("<h2>Linkage evidence</h2>") : html.index("<h2>Version history</h2>")]
    rows = re.findall(
        r"<tr><td>\d+</td><td>\d+</td><td>[^<]*</td><td>(.*?)</td><td class=\"small\">", section
    )
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in rows]


def test_merged_pairs_show_the_run_and_probability(linked: tuple[Workspace, int, TestClient]) -> None:
    ws, run, client = linked
    with ws.read() as conn:
        pair = (
            conn.execute(
                select(link_pair)
                .where(link_pair.c.band == "match")
                .order_by(link_pair.c.match_probability.desc())
            )
            .mappings()
            .first()
        )
    assert pair is not None
    person = _person_of(ws, pair["record_l"])
    assert _person_of(ws, pair["record_r"]) == person
    shown = client.get(f"/api/persons/{person}").json()["linkage"]
    mine = next(x for x in shown if (x["record_l"], x["record_r"]) == (pair["record_l"], pair["record_r"]))
    assert (mine["state"], mine["run_id"], mine["band"], mine["threshold"], mine["decision"]) == (
        "merged",
        run,
        "match",
        0.9,
        None,
    )
    assert {x["state"] for x in shown if x["band"] == "match"} == {"merged"}
    cells = _link_cells(client.get(f"/persons/{person}").text)
    expected = f"merged by linkage run {run} (p={pair['match_probability']:.3f} ≥ 0.90)"
    assert expected in cells
    assert not any("pending" in c for c in cells)


def test_review_pairs_are_pending_until_decided(linked: tuple[Workspace, int, TestClient]) -> None:
    ws, _, client = linked
    with ws.read() as conn:
        queue = review_queue(conn)
    assert queue, "the demo's registry has a pair in the review band"
    pair_id = queue[0]["pair_id"]
    with ws.read() as conn:
        key = tuple(
            conn.execute(
                select(link_pair.c.record_l, link_pair.c.record_r).where(link_pair.c.id == pair_id)
            ).one()
        )
    person = _person_of(ws, key[0])

    def mine() -> dict[str, object]:
        shown = client.get(f"/api/persons/{person}").json()["linkage"]
        return next(x for x in shown if (x["record_l"], x["record_r"]) == key)

    assert (mine()["state"], mine()["band"], mine()["decision"]) == ("pending", "review", None)
    client.cookies.set("lang", "ko")
    assert "검토 대기" in client.get(f"/persons/{person}").text
    client.cookies.set("lang", "en")
    decide(ws, pair_id, "rejected")
    after = mine()
    assert (after["state"], after["decision"], after["decided_by"]) == (
        "rejected",
        "rejected",
        "test:officer",
    )
    assert isinstance(after["decided_at"], str)
    cells = _link_cells(client.get(f"/persons/{person}").text)
    assert (
        f"rejected (different persons) — test:officer, {after['decided_at'][:16].replace('T', ' ')}" in cells
    )


def test_the_review_page_states_the_runs_place_resolution_and_expected_errors(
    linked: tuple[Workspace, int, TestClient],
) -> None:
    ws, run, client = linked
    with ws.read() as conn:
        counts = conn.execute(select(link_run.c.counts).where(link_run.c.id == run)).scalar_one()
    places = counts["place_resolution"]
    assert places, "a Korean-profile run counts the places it resolved"
    page = client.get("/api/review").json()
    shown = {(r["source"], r["column"]): (r["resolved"], r["written"]) for r in page["places"]}
    assert shown == {
        (src, col): (n["resolved"], n["written"]) for src, cols in places.items() for col, n in cols.items()
    }
    assert page["expected_errors"]["merged_pairs"] == counts["error_budget"]["merged_pairs"]
    html = client.get("/review").text
    assert "Places resolved to the gazetteer" in html and "false matches among merged pairs" in html
    korean = client.get("/review", cookies={"lang": "ko"}).text
    assert "지명 사전에서 찾은 장소" in korean and "예상 오류" in korean
