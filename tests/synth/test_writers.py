from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from unforgotten.errors import ValidationError
from unforgotten.synth import (
    SourceList,
    SyntheticLists,
    generate_population,
    make_lists,
    preset,
    write_csv,
    write_json,
    write_list,
    write_xlsx,
)
from unforgotten.synth.styles import style_for
from unforgotten.synth.writers import write_all

from .conftest import ManyVariantSpeller, stub_name


@pytest.fixture(scope="module")
def made() -> SyntheticLists:
    population = generate_population(500, seed=31, name_source=stub_name)
    return make_lists(population, preset("mixed", lists=4), seed=32, speller=ManyVariantSpeller())


def _read_csv(path: Path, *, encoding: str = "utf-8", delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def test_csv_round_trip(made: SyntheticLists, tmp_path: Path) -> None:
    source = made["un_wgeid"]
    path = write_csv(source, tmp_path / "un.csv")
    assert _read_csv(path) == list(source.rows)
    assert path.read_text(encoding="utf-8").splitlines()[0].endswith(",communication_ref")


def test_cp949_semicolon_drops_marks_it_cannot_hold(tmp_path: Path) -> None:
    source = SourceList("t", style_for("ministry", 0), (
        {"record_id": "1", "full_name": "김영수; Kim Yŏng-su", "birth_place": "Hamgyŏng-bukto"},))
    path = write_csv(source, tmp_path / "t.csv", encoding="cp949", delimiter=";")
    (read,) = _read_csv(path, encoding="cp949", delimiter=";")
    assert read["full_name"] == "김영수; Kim Yong-su"
    assert read["birth_place"] == "Hamgyong-bukto"
    assert read["family_name"] == ""


def test_json_round_trip(made: SyntheticLists, tmp_path: Path) -> None:
    source = made["families"]
    path = write_json(source, tmp_path / "f.json")
    assert json.loads(path.read_text(encoding="utf-8")) == list(source.rows)
    assert "납북" in path.read_text(encoding="utf-8") or "년" in path.read_text(encoding="utf-8")


def test_xlsx_round_trip(made: SyntheticLists, tmp_path: Path) -> None:
    source = made["ministry"]
    path = write_xlsx(source, tmp_path / "m.xlsx")
    sheet = load_workbook(path, read_only=True)["ministry"]
    rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert tuple(rows[0]) == source.columns
    assert [dict(zip(source.columns, row, strict=True)) for row in rows[1:]] == list(source.rows)


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    population = generate_population(200, seed=3, name_source=stub_name)
    for run in ("a", "b"):
        lists = make_lists(population, preset("mixed", lists=3), seed=4, speller=ManyVariantSpeller())
        write_all(lists, tmp_path / run)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == ["capture_table.csv", "families.csv", "ministry.csv", "ngo_db.csv",
                     "population.csv", "truth.csv"]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_truth_population_and_capture_table_files(made: SyntheticLists, tmp_path: Path) -> None:
    write_all(made, tmp_path, fmt="json")
    truth = _read_csv(tmp_path / "truth.csv")
    assert len(truth) == len(made.truth)
    assert {(r["list"], r["record_id"]): r["person_id"] for r in truth} == made.truth
    people = _read_csv(tmp_path / "population.csv")
    assert [r["person_id"] for r in people] == made.population.person_ids
    assert people[0]["birth_date"] == made.population.persons[0].birth_date.isoformat()
    table = _read_csv(tmp_path / "capture_table.csv")
    assert list(table[0]) == [*made.list_names, "count"]
    assert len(table) == 2 ** 4 - 1
    assert sum(int(r["count"]) for r in table) == made.capture.n_observed
    assert (tmp_path / "ministry.json").is_file()


def test_unknown_format(made: SyntheticLists, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="unknown format 'ods'"):
        write_list(made["ministry"], tmp_path, fmt="ods")
