from __future__ import annotations

from pathlib import Path

import pytest

from unforgotten.errors import ValidationError
from unforgotten.estimate import CaptureTable, TableRejected, tables_by_stratum
from unforgotten.estimate.datasets import DATA_DIR as DATA
from unforgotten.estimate.datasets import shipped_table as load


def test_kosovo_reads_all_histories(kosovo: CaptureTable) -> None:
    assert kosovo.lists == ("EXH", "ABA", "OSCE", "HRW")
    assert kosovo.observed == 4400
    assert kosovo.counts[0] == 306 and kosovo.counts[-1] == 27
    assert kosovo.list_sizes() == {"EXH": 1910, "ABA": 1528, "OSCE": 1786, "HRW": 685}


def test_per_record_file_aggregates_to_the_table(kosovo: CaptureTable) -> None:
    records = Path("/work/shared/reference/mse/data/kosovo_records.csv")
    if not records.exists():
        pytest.skip("per-record reference file not present")
    assert CaptureTable.from_csv(records) == kosovo


def test_merge_and_drop_give_silverman_tables(uk6: CaptureTable) -> None:
    uk5 = uk6.merge_lists(["PF", "NCA"], into="PFNCA")
    assert uk5 == load("UKdat_5")
    assert uk5.drop_lists(["GP"]) == load("UKdat_4")


def test_bad_table_names_file_row_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("A,B,count\n1,0,5\n2,1,3\n1,1,-4\n0,0,2\n1,0,1\n", encoding="utf-8")
    with pytest.raises(TableRejected) as info:
        CaptureTable.from_csv(bad)
    text = str(info.value)
    assert "row 3, column 'A': '2' must be 0 or 1" in text
    assert "row 4, column 'count': '-4' must not be negative" in text
    assert "row 5, column '*': the all-zero history cannot be observed" in text
    assert "row 6, column '*': this history is repeated" in text
    assert isinstance(info.value, ValidationError)


def test_missing_file_is_a_validation_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="cannot read"):
        CaptureTable.from_csv(tmp_path / "nope.csv")


def test_roundtrip_csv(tmp_path: Path, kosovo: CaptureTable) -> None:
    kosovo.to_csv(tmp_path / "k.csv")
    assert (tmp_path / "k.csv").read_text() == (DATA / "kosovo.csv").read_text()


def test_tables_by_stratum() -> None:
    rows = [
        ("1950s", frozenset({"MOU"})),
        ("1950s", frozenset({"MOU", "NKDB"})),
        ("1970s", frozenset({"NKDB"})),
        ("1970s", frozenset({"NKDB"})),
    ]
    tables = tables_by_stratum(rows, ["MOU", "NKDB", "TJWG"])
    assert list(tables) == ["1950s", "1970s"]
    assert tables["1950s"].rows()[3:6] == [((1, 0, 0), 1), ((1, 0, 1), 0), ((1, 1, 0), 1)]
    assert tables["1970s"].observed == 2


def test_tables_by_stratum_rejects_unknown_list() -> None:
    with pytest.raises(TableRejected, match="unknown list"):
        tables_by_stratum([("x", frozenset({"UN"}))], ["MOU", "NKDB"])
