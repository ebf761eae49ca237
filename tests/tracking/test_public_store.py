"""Public statistics through the store: no small cell, no person who has not consented."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from tests.tracking.registry_rows import Victim, add_people

from unforgotten.errors import PermissionDenied
from unforgotten.settings import Settings
from unforgotten.store import schema as s
from unforgotten.store.workspace import Workspace
from unforgotten.tracking.disclosure import PersonRow, public_table
from unforgotten.tracking.public import export_public, period_of, person_rows, public_statistics

victims = st.builds(
    Victim,
    st.sampled_from(["abductee", "detainee", "pow"]),
    st.sampled_from(["KP-01", "KP-02", None]),
    st.sampled_from([1951, 1977, 2000, None]),
    st.sampled_from([(), (True,), (False,), (True, False), (False, True)]),
)


def _expected(people: list[Victim], first_id: int) -> list[PersonRow]:
    return [
        PersonRow(
            str(first_id + i),
            v.case_type or "unknown",
            v.province or "unknown",
            period_of(date(v.year, 6, 1) if v.year else None),
            consented=bool(v.consent) and v.consent[-1],
        )
        for i, v in enumerate(people)
    ]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    batches=st.lists(st.lists(victims, min_size=1, max_size=25), min_size=1, max_size=2),
    threshold=st.integers(2, 6),
    by=st.sampled_from([("case_type",), ("province", "period"), ("case_type", "province")]),
)
def test_public_table_from_the_store(
    ws: Workspace, batches: list[list[Victim]], threshold: int, by: tuple[str, ...]
) -> None:
    with ws.read() as conn:
        already = person_rows(conn)
    for people in batches:
        ids = add_people(ws, people)
        already += _expected(people, ids[0])
    table = public_statistics(ws, by=list(by), threshold=threshold)
    published = [c.count for c in (*table.cells, *table.totals) if c.count is not None]
    assert all(n == 0 or n >= threshold for n in published)
    consenting = [r for r in already if r.consented]
    assert table == public_table(consenting, by=list(by), threshold=threshold)
    assert table == public_table(already, by=list(by), threshold=threshold)
    grand = table.get(("*",) * len(by)).count
    assert grand in (None, len(consenting))


def test_consent_latest_row_decides_and_merged_persons_count_once(ws: Workspace) -> None:
    ids = add_people(
        ws,
        [Victim("abductee", "KP-01", 1977, (True,))] * 6
        + [Victim("abductee", "KP-01", 1977, (True, False))] * 3
        + [Victim("abductee", "KP-01", 1977, ())] * 2,
    )
    with ws.write(action="merge", subject="person") as writer:
        writer.update(s.person, ids[1], {"merged_into": ids[0]}, reason="same person")
    table = public_statistics(ws, by=["case_type"], threshold=5)
    assert [(c.key, c.count) for c in (*table.cells, *table.totals)] == [(("abductee",), 5), (("*",), 5)]


def test_export_writes_csv_and_json_and_is_audited(ws: Workspace, tmp_path: Path) -> None:
    add_people(
        ws, [Victim("abductee", "KP-01", 1977, (True,))] * 6 + [Victim("pow", "KP-02", 1952, (True,))] * 2
    )
    out = tmp_path / "public.csv"
    export_public(ws, by=["case_type"], out=out, threshold=3)
    with out.open(encoding="utf-8") as f:
        assert list(csv.reader(f)) == [
            ["case_type", "count", "estimate", "lower", "upper", "method"],
            ["abductee", "", "", "", "", ""],
            ["pow", "", "", "", "", ""],
            ["*", "8", "", "", "", ""],
        ]
    export_public(ws, by=["period"], out=tmp_path / "p.json", threshold=2, fmt="json")
    data = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert [(c["period"], c["count"]) for c in data["cells"]] == [("cold_war", 6), ("korean_war", 2)]
    with ws.read() as conn:
        events = conn.execute(
            select(s.audit_event.c.action, s.audit_event.c.subject).where(
                s.audit_event.c.action == "export_public"
            )
        ).all()
    assert [tuple(e) for e in events] == [("export_public", "public.csv"), ("export_public", "p.json")]


def test_viewer_may_not_export(ws: Workspace) -> None:
    viewer = Workspace(
        Settings.build(db=ws.settings.db_url, key_file=str(ws.settings.key_file), role="viewer"),
        engine=ws.engine,
    )
    with pytest.raises(PermissionDenied):
        public_statistics(viewer, by=["case_type"])
