"""Bundles of a dossier (``--dossier KIND:NAME-OR-ID``) and of a search (``--query TEXT``), on
SQLite and PostgreSQL: the same consent check as a person's or a case's bundle, the dossier cut
to the included persons' acts, and bad selections refused before a folder is made."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tests.evidence.files import give_consent
from unforgotten.accountability import Accountability
from unforgotten.cli.main import build_app
from unforgotten.errors import NotFoundError, ValidationError
from unforgotten.evidence import Attach, Evidence, create_bundle, verify_bundle
from unforgotten.records import Records
from unforgotten.store import schema as s
from unforgotten.store.workspace import Workspace

SOURCE = "Testimonies 2024"


def _victim(ws: Workspace, name: str, when: str) -> tuple[int, int]:
    records = Records(ws)
    person = records.add_person(
        {"name": name},
        source=SOURCE,
        reason="testimony",
        case={"case_type": "detainee", "event_date": when[:4]},
    ).row_id
    with ws.read() as conn:
        case_id = int(conn.execute(select(s.case.c.id).where(s.case.c.person_id == person)).scalar_one())
    records.add_incident(
        case_id,
        {"title": f"detention {when}"},
        acts=[{"violation": "NKV-F1", "date": when, "perpetrator": "갑보위부", "place": ""}],
        reason="testimony",
    )
    return person, case_id


@pytest.fixture
def two_victims(ws: Workspace) -> tuple[int, int]:
    """Two victims of acts recorded as done by 갑보위부; only the first consents to publication."""
    Records(ws).add_source(SOURCE, kind="testimonies")
    Accountability(ws).add_org(
        "ministry", kind="state_security", names=[{"text": "갑보위부", "kind": "hangul", "source": SOURCE}]
    )
    first, second = _victim(ws, "김영희", "1995-05"), _victim(ws, "김철민", "1997-02")
    give_consent(ws, first[0], may_publish=True)
    give_consent(ws, second[0], may_publish=False)
    return first[0], second[0]


def test_a_dossier_bundle_holds_the_consenting_victims_and_only_their_acts(
    ws: Workspace, tmp_path: Path, two_victims: tuple[int, int]
) -> None:
    first, second = two_victims
    (tmp_path / "note.txt").write_text("a letter", encoding="utf-8")
    Evidence(ws).add([tmp_path / "note.txt"], attach=Attach(person=first))
    out = tmp_path / "dossier-bundle"
    report = create_bundle(ws, out=out, recipient="OHCHR Seoul", scope="publication", dossier="unit:갑보위부")
    assert (report.persons, report.withheld, report.chosen_by) == ([first], 1, "dossier unit:갑보위부")
    assert len(report.evidence) == 1
    dossier = json.loads((out / "data" / "dossier.json").read_text("utf-8"))
    assert [a["date"] for a in dossier["acts"]] == ["1995-05-01"]
    assert (dossier["victims"], dossier["withheld_acts"]) == (1, 1)
    assert dossier["acts_by_year"] == {"1995": 1}
    records = json.loads((out / "data" / "records" / "records.json").read_text("utf-8"))
    assert [r["person"]["id"] for r in records] == [first]
    assert "김철민" not in (out / "data" / "records" / "names.csv").read_text("utf-8")
    assert "Unforgotten-Chosen-By: dossier unit:갑보위부" in (out / "bag-info.txt").read_text("utf-8")
    assert verify_bundle(out)["valid"] is True
    assert second not in report.persons


def test_a_query_bundle_holds_the_persons_the_search_finds_that_consented(
    ws: Workspace, tmp_path: Path, two_victims: tuple[int, int]
) -> None:
    first, second = two_victims
    out = tmp_path / "query-bundle"
    report = create_bundle(ws, out=out, recipient="OHCHR Seoul", scope="publication", query="김영희")
    assert (report.persons, report.withheld, report.chosen_by) == ([first], 0, "query '김영희'")
    both = create_bundle(ws, out=tmp_path / "b2", recipient="OHCHR Seoul", scope="publication", query="김")
    assert both.persons == [first] and both.withheld == 1
    assert not (tmp_path / "b2" / "data" / "dossier.json").exists()
    give_consent(ws, first, may_publish=False)  # withdrawn: the next bundle leaves the person out
    after = create_bundle(
        ws, out=tmp_path / "b3", recipient="OHCHR Seoul", scope="publication", query="김영희"
    )
    assert (after.persons, after.withheld) == ([], 1)
    assert second not in report.persons


def test_bad_selections_are_refused_before_a_folder_is_made(
    ws: Workspace, tmp_path: Path, two_victims: tuple[int, int]
) -> None:
    out = tmp_path / "never"
    cases = [
        ({"dossier": "unit:nobody-at-all"}, NotFoundError, "nobody-at-all"),
        ({"dossier": "regiment:7"}, ValidationError, "KIND:NAME-OR-ID"),
        ({"query": "Zzyzx Qwerty"}, NotFoundError, "finds no person"),
        ({"query": "   "}, ValidationError, "give the text"),
        ({"query": "김영희", "person": two_victims[0]}, ValidationError, "exactly one"),
    ]
    for given, error, words in cases:
        with pytest.raises(error, match=words):
            create_bundle(ws, out=out, recipient="OHCHR Seoul", scope="publication", **given)  # type: ignore[arg-type]
        assert not out.exists()


def test_the_cli_takes_dossier_and_query(ws: Workspace, tmp_path: Path, two_victims: tuple[int, int]) -> None:
    db = ws.settings.db_url
    key = str(ws.settings.key_file)
    out = tmp_path / "cli-bundle"
    result = CliRunner().invoke(
        build_app(),
        ["bundle", "create", "--dossier", "unit:갑보위부", "--for", "OHCHR Seoul", "--scope", "publication",
         "--out", str(out), "--db", db, "--key-file", key, "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["persons"] == [two_victims[0]]
    bad = CliRunner().invoke(
        build_app(),
        ["bundle", "create", "--query", "김영희", "--person", "1", "--for", "x", "--scope", "publication",
         "--out", str(tmp_path / "no"), "--db", db, "--key-file", key],
    )  # fmt: skip
    assert isinstance(bad.exception, ValidationError) and "exactly one" in str(bad.exception)
    assert not (tmp_path / "no").exists()
