"""One event is one case on the person page, its JSON twin and `unforgotten person`, with every source.

Three lists report the abduction of 이영희 (different date spellings, one a different status); a
fourth reports a detention in another province, which stays a second event.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.helpers import write_csv
from tests.web.data import _row
from typer.testing import CliRunner

from unforgotten.cli.main import app as cli
from unforgotten.domain.events import CaseFacts, group_events
from unforgotten.ingest import import_file
from unforgotten.linkage.merges import merge_persons
from unforgotten.store import schema as s
from unforgotten.store.workspace import Workspace


def _record_ids(ws: Workspace) -> dict[str, tuple[int, int]]:
    """Source record id → (store id, person id)."""
    query = select(s.source_record.c.record_id, s.source_record.c.id, s.source_record.c.person_id)
    with ws.read() as conn:
        return {r: (int(i), int(p)) for r, i, p in conn.execute(query)}


def _merged_lee(ws: Workspace, tmp_path: Path) -> dict[str, tuple[int, int]]:
    same = _row("C1", "Lee Young-hee", "이영희", "", "abductee_postwar", "1977년 8월", "Hoeryong")
    other = _row("C2", "Lee Young-hee", "이영희", "", "detainee", "1990", "Pyongyang")
    later = {
        **_row("D1", "Yi Yong-hui", "이영희", "", "abductee_postwar", "1977-08-15", "회령"),
        "status": "deceased",
    }
    import_file(ws, write_csv(tmp_path / "list_c.csv", [same, other]), source="Ministry")
    import_file(ws, write_csv(tmp_path / "list_d.csv", [later]), source="UN WGEID")
    ids = _record_ids(ws)
    for rid in ("C1", "C2", "D1"):
        merge_persons(ws, ids["A1"][1], ids[rid][1])
    return ids


def test_three_reports_of_one_abduction_are_one_event(
    registry: Workspace, tmp_path: Path, client_for: Callable[[str], TestClient]
) -> None:
    ids = _merged_lee(registry, tmp_path)
    person = ids["A1"][1]
    got = client_for("viewer").get(f"/api/persons/{person}").json()
    assert len(got["cases"]) == 4  # the stored cases are all still there
    events = got["events"]
    assert [(e["case_type"], e["statuses"], e["event_dates"], e["agree"]) for e in events] == [
        ("abductee_postwar", ["unresolved", "deceased"], ["1977-08", "1977년 8월", "1977-08-15"], False),
        ("detainee", ["unresolved"], ["1990"], True),
    ]
    sources = [
        (x["source"], x["record_id"], x["source_record_id"], x["status"]) for x in events[0]["sources"]
    ]
    assert sources == [
        ("Families association", "A1", ids["A1"][0], "unresolved"),
        ("Ministry", "C1", ids["C1"][0], "unresolved"),
        ("UN WGEID", "D1", ids["D1"][0], "deceased"),
    ]
    assert {x["province_code"] for x in events[0]["sources"]} == {"KP-09"}
    assert events[1]["province_codes"] == ["KP-01"]


def test_the_page_shows_one_event_with_sources_side_by_side_in_korean(
    registry: Workspace, tmp_path: Path, client_for: Callable[[str], TestClient]
) -> None:
    ids = _merged_lee(registry, tmp_path)
    client = client_for("viewer")
    client.cookies.set("lang", "ko")
    page = client.get(f"/persons/{ids['A1'][1]}").text
    events = re.findall(r'<article class="event" id="event-(\d+)">\s*<h3>([^<]*)', page)
    assert [title.strip() for _, title in events] == [
        "전후 납북자 · 1977-08 / 1977년 8월 / 1977-08-15",
        "억류자 · 1990",
    ]
    assert page.count('<span class="tag alt">출처 간 불일치</span>') == 1
    assert page.count('<td class="diff">사망 확인</td>') == 1  # the one source that says deceased
    assert page.count("함경북도</span>") == 3 and "KP-09" not in page
    for rid in ("A1", "C1", "C2", "D1"):
        assert f'<span class="store-id">저장 ID {ids[rid][0]}</span>' in page


def test_cli_person_prints_events_with_store_ids(registry: Workspace, tmp_path: Path) -> None:
    ids = _merged_lee(registry, tmp_path)
    db = ["--db", registry.settings.db_url, "--key-file", str(registry.settings.key_file)]
    result = CliRunner().invoke(cli, ["person", str(ids["A1"][1]), *db])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())  # the console wraps long lines
    a1, c1, c2, d1 = (ids[r][0] for r in ("A1", "C1", "C2", "D1"))
    with registry.read() as conn:
        case_of = dict(conn.execute(select(s.case.c.source_record_id, s.case.c.id)).all())
    assert (
        "Event: abductee_postwar, unresolved / deceased, 1977-08 / 1977년 8월 / 1977-08-15 "
        f"(cases {case_of[a1]}, {case_of[c1]}, {case_of[d1]}; record store ids {a1}, {c1}, {d1}) "
        f"Event: detainee, unresolved, 1990 (cases {case_of[c2]}; record store ids {c2})"
    ) in text
    as_json = CliRunner().invoke(cli, ["person", str(ids["A1"][1]), "--json", *db])
    events = json.loads(as_json.stdout)["events"]
    assert [e["source_record_ids"] for e in events] == [[a1, c1, d1], [c2]]


def test_grouping_rule() -> None:
    import datetime as dt

    def case(i: int, kind: str, year: int, province: str | None, code: str | None = None) -> CaseFacts:
        return CaseFacts(i, kind, dt.date(year, 1, 1), dt.date(year, 12, 31), code, province)

    assert group_events(
        [case(3, "pow", 1953, None), case(1, "pow", 1952, "KP-09"), case(2, "pow", 1951, None)]
    ) == [[1, 2, 3]]
    assert group_events([case(1, "pow", 1950, None), case(2, "pow", 1953, None)]) == [[1], [2]]  # years apart
    assert group_events([case(1, "pow", 1953, "KP-09"), case(2, "pow", 1953, "KP-01")]) == [[1], [2]]
    facility = [
        case(1, "political_prisoner", 1990, None, "kwanliso-16"),
        case(2, "political_prisoner", 1990, None, "kwanliso-15"),
    ]
    assert group_events(facility) == [[1], [2]]
    assert group_events([case(1, "pow", 1953, None), case(2, "detainee", 1953, None)]) == [[1], [2]]
