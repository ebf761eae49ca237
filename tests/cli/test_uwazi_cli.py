"""``import --from uwazi`` and ``import --suggest-mapping`` from the command line."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from tests.cli.test_registry_cli import _invoke

from unforgotten.ingest.mapping import Mapping
from unforgotten.ingest.suggest import guess, suggest_mapping

HERE = Path(__file__).parent.parent / "ingest" / "uwazi"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("UNFORGOTTEN_KEY", raising=False)
    monkeypatch.delenv("UNFORGOTTEN_DB", raising=False)
    path = str(tmp_path / "r.db")
    assert _invoke("init", "--db", path)[0] == 0
    return path


def test_import_from_uwazi_json_report_then_verify(db: str) -> None:
    args = ("import", str(HERE / "collection_en.csv"), "--from", "uwazi", "--files", str(HERE))
    code, out, _ = _invoke(*args, "--source", "Uwazi EN", "--db", db, "--json")
    report = json.loads(out)
    assert code == 0
    assert (report["rows"], report["relations"], report["evidence"]) == (3, {"linked": 2, "proposed": 4}, 2)
    assert report["skipped"] == {"Incident": 1, "Perpetrator": 1}
    code, out, _ = _invoke("verify", "--db", db, "--json")
    assert code == 0 and json.loads(out)["ok"] is True


def test_import_needs_a_source_and_a_known_origin(db: str) -> None:
    code, _, err = _invoke("import", str(HERE / "collection_en.csv"), "--from", "uwazi", "--db", db)
    assert (code, err) == (4, "--source NAME is needed: the name of the list this file comes from")
    code, _, err = _invoke("import", str(HERE / "collection_en.csv"), "--from", "airtable", "--source", "x")
    assert (code, err) == (4, "--from 'airtable': use table or uwazi")


def test_suggest_mapping_prints_a_mapping_file_the_importer_reads(tmp_path: Path) -> None:
    table = tmp_path / "list.csv"
    table.write_text(
        "No.,Full Name,Gender,Abduction date,Village,Comments\n1,Kim,M,1977,Hamhung,x\n", encoding="utf-8"
    )
    code, out, _ = _invoke("import", str(table), "--suggest-mapping")
    assert code == 0
    mapping = Mapping.from_dict(tomllib.loads(out), origin="suggested")
    assert mapping.columns == {"full_name": "Full Name", "event_date": "Abduction date", "notes": "Comments"}
    assert '#   "Village"' in out  # no guess: kept verbatim


def test_suggest_mapping_for_an_uwazi_export_names_its_unknown_properties() -> None:
    code, out, _ = _invoke("import", str(HERE / "collection_en.csv"), "--from", "uwazi", "--suggest-mapping")
    assert code == 0
    assert "Related victims" not in out and "Sex" not in out  # relationship and known labels need none
    assert '#   "Source link"' in out


def test_guess_and_a_file_with_only_known_headers() -> None:
    assert guess("성명") == ("full_name", 1.0)
    assert guess("Birth date (approx.)")[0] == "birth_date"
    assert "no mapping is needed" in suggest_mapping(("record_id", "성명", "생년월일"))
