"""Consent per scope on SQLite and PostgreSQL: grants and withdrawals, the check every export
asks, what was disclosed of whom, and the CLI."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.helpers import canonical_rows, write_csv
from unforgotten.cli.main import app as cli
from unforgotten.errors import FieldErrors, NotFoundError, ValidationError
from unforgotten.ingest import import_file
from unforgotten.records.consent import allowed, consent_of, consented, set_consent
from unforgotten.store.export import export
from unforgotten.store.workspace import Workspace
from unforgotten.tracking.public import export_public


@pytest.fixture
def three(ws: Workspace, tmp_path: Path) -> Workspace:
    import_file(ws, write_csv(tmp_path / "list.csv", canonical_rows(3)), source="Families 2023")
    return ws


def _grant(ws: Workspace, person: int, scope: str, *, granted: bool = True, on: date | None = None) -> dict:
    return set_consent(
        ws,
        person,
        scope=scope,
        granted=granted,
        given_by="the victim's son",
        relation="family",
        how="signed form",
        reason="consent form",
        given_on=on,
    )


def test_the_latest_row_of_a_scope_decides(three: Workspace) -> None:
    with three.read() as conn:
        assert not allowed(conn, 1, "publication")  # no row: no consent
    _grant(three, 1, "publication", on=date(2024, 3, 1))
    _grant(three, 1, "un", on=date(2024, 3, 1))
    _grant(three, 1, "publication", granted=False, on=date(2024, 5, 9))
    _grant(three, 2, "publication")
    with three.read() as conn:
        assert not allowed(conn, 1, "publication") and allowed(conn, 1, "un")
        assert consented(conn, "publication") == {2}
        shown = consent_of(conn, 1)
    assert shown["current"] == {"publication": False, "un": True, "court": False, "contact": False}
    assert [(r["scope"], r["granted"]) for r in shown["history"]] == [
        ("publication", True),
        ("un", True),
        ("publication", False),
    ]
    assert three.verify().ok


def test_bad_input_names_each_field(three: Workspace) -> None:
    with pytest.raises(FieldErrors) as caught:
        set_consent(three, 1, scope="press", granted=True, given_by="", reason="", relation="cousin")
    assert set(caught.value.errors) == {"scope", "given_by", "reason", "relation"}
    with pytest.raises(NotFoundError):
        _grant(three, 99, "publication")


def test_exports_obey_consent_and_a_withdrawal_lists_what_to_recall(three: Workspace, tmp_path: Path) -> None:
    _grant(three, 1, "un")
    _grant(three, 2, "un")
    out = tmp_path / "for-ohchr.csv"
    assert export(three, "persons", out, scope="un", recipient="OHCHR Seoul") == 2
    with out.open(encoding="utf-8") as handle:
        assert sorted(int(r["person_id"]) for r in csv.DictReader(handle)) == [1, 2]
    withdrawn = _grant(three, 2, "un", granted=False)
    assert [(d["kind"], d["recipient"], d["scope"]) for d in withdrawn["disclosures"]] == [
        ("export", "OHCHR Seoul", "un")
    ]
    assert export(three, "persons", out, scope="un", recipient="OHCHR Seoul") == 1  # made afterwards: obeys


def test_public_statistics_count_only_persons_who_consented_to_publication(
    three: Workspace, tmp_path: Path
) -> None:
    _grant(three, 1, "publication")
    _grant(three, 2, "publication")
    _grant(three, 3, "un")
    table = export_public(three, by=["case_type"], out=tmp_path / "public.json", threshold=1, fmt="json")
    assert sum(c.count or 0 for c in table.cells) == 2
    _grant(three, 2, "publication", granted=False)
    table = export_public(three, by=["case_type"], out=tmp_path / "public.json", threshold=1, fmt="json")
    assert sum(c.count or 0 for c in table.cells) == 1
    with three.read() as conn:
        assert [d["kind"] for d in consent_of(conn, 2)["disclosures"]] == ["public"]  # not the one after


def test_consent_on_the_command_line(three: Workspace) -> None:
    db, key = three.settings.db_url, str(three.settings.key_file)
    runner = CliRunner()
    args = ["--db", db]
    done = runner.invoke(
        cli,
        [
            "consent",
            "set",
            "1",
            "--scope",
            "court",
            "--granted",
            "--given-by",
            "victim",
            "--reason",
            "interview 4",
            "--json",
            *args,
        ],
    )
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["scope"] == "court"
    shown = json.loads(runner.invoke(cli, ["consent", "show", "1", "--json", *args]).output)
    assert shown["current"]["court"] is True
    neither = runner.invoke(
        cli, ["consent", "set", "1", "--scope", "court", "--given-by", "v", "--reason", "r", *args]
    )
    assert isinstance(neither.exception, ValidationError) and neither.exception.exit_code == 4
    export_needs_both = runner.invoke(
        cli, ["export", "persons", "--out", "x.csv", "--for", "ICC", "--key-file", key, *args]
    )
    assert isinstance(export_needs_both.exception, ValidationError)


def test_public_statistics_as_a_static_site(three: Workspace, tmp_path: Path) -> None:
    for person in (1, 2, 3):
        _grant(three, person, "publication")
    table = export_public(three, by=["case_type"], out=tmp_path / "site", threshold=1, fmt="site")
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "<svg" in page and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<script" not in page and "https://" not in page
    data = json.loads((tmp_path / "site" / "statistics.json").read_text(encoding="utf-8"))
    assert data == table.to_dict()
    assert (tmp_path / "site" / "statistics.csv").read_text(encoding="utf-8").startswith("case_type,count")
