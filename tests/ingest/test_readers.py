import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from unforgotten.errors import ValidationError
from unforgotten.ingest.readers import detect_format, read_table

ROWS = [
    {"record_id": "1", "full_name": "이영희", "birth_date": "1952"},
    {"record_id": "2", "full_name": "Ri Sol Ju", "birth_date": "c. 1950"},
]


def _csv(delimiter: str) -> str:
    lines = [delimiter.join(ROWS[0])] + [delimiter.join(r.values()) for r in ROWS]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949"])
def test_csv_any_delimiter_and_korean_encodings(delimiter: str, encoding: str) -> None:
    table = read_table(_csv(delimiter).encode(encoding), name="list.csv", fmt="csv")
    assert table.columns == ("record_id", "full_name", "birth_date")
    assert [cells for _, cells in table.rows] == ROWS
    assert [n for n, _ in table.rows] == [2, 3]


def test_csv_keeps_cells_verbatim_and_skips_blank_lines() -> None:
    data = 'record_id,full_name,notes\n1," 이영희 ","a, b"\n\n2,x,"line\nbreak"\n'.encode()
    table = read_table(data, name="l.csv", fmt="csv")
    assert [c for _, c in table.rows] == [
        {"record_id": "1", "full_name": " 이영희 ", "notes": "a, b"},
        {"record_id": "2", "full_name": "x", "notes": "line\nbreak"},
    ]


def test_xlsx(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["record_id", "full_name", "birth_date"])
    sheet.append([1, "이영희", 1952])
    sheet.append([2.0, "Ri Sol Ju", "c. 1950"])
    book.save(tmp_path / "l.xlsx")
    table = read_table((tmp_path / "l.xlsx").read_bytes(), name="l.xlsx", fmt="xlsx")
    assert [c for _, c in table.rows] == ROWS


def test_json_and_ndjson() -> None:
    assert [c for _, c in read_table(json.dumps(ROWS).encode(), name="l.json", fmt="json").rows] == ROWS
    wrapped = json.dumps({"records": ROWS}).encode()
    assert len(read_table(wrapped, name="l.json", fmt="json").rows) == 2
    nd = "\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS).encode()
    assert [c for _, c in read_table(nd, name="l.ndjson", fmt="ndjson").rows] == ROWS


@pytest.mark.parametrize(
    ("data", "fmt", "message"),
    [
        (b"", "csv", "l.x: the file is empty"),
        (b"a,,c\n1,2,3\n", "csv", "l.x: row 1, column 2: the header cell is empty"),
        (b"a,a\n1,2\n", "csv", "l.x: row 1: column 'a' appears twice in the header"),
        (b"a,b\n1,2,3\n", "csv", "l.x: row 2: 3 cells but the header has 2 columns"),
        (b"[1, 2", "json", "l.x: not valid JSON (line 1: Expecting ',' delimiter)"),
        (
            b'{"a": 1}\n{oops}\n',
            "ndjson",
            "l.x: line 2: not valid JSON (Expecting property name enclosed in double quotes)",
        ),
        (b"\xff\xfe\xfa\xfb\xfc", "csv", "l.x: not UTF-8 and not CP949/EUC-KR text; save it as UTF-8 CSV"),
    ],
)
def test_bad_files_are_named_precisely(data: bytes, fmt: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        read_table(data, name="l.x", fmt=fmt)
    assert str(caught.value) == message


def test_format_from_extension() -> None:
    assert [detect_format(Path(n)) for n in ("a.CSV", "b.tsv", "c.xlsx", "d.jsonl", "e.json")] == [
        "csv",
        "csv",
        "xlsx",
        "ndjson",
        "json",
    ]
    with pytest.raises(ValidationError, match=r"unknown file type '\.pdf'"):
        detect_format(Path("x.pdf"))


def test_header_only_xlsx_is_an_error(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["record_id", "family_name"])
    book.save(tmp_path / "h.xlsx")
    with pytest.raises(ValidationError) as caught:
        read_table((tmp_path / "h.xlsx").read_bytes(), name="h.xlsx", fmt="xlsx")
    assert str(caught.value) == "h.xlsx: the file holds only a header, no data rows; nothing was imported"


def test_a_file_that_is_not_a_workbook_is_an_error() -> None:
    with pytest.raises(ValidationError, match=r"^l\.xlsx: not a readable XLSX workbook"):
        read_table(b"record_id\nA1\n", name="l.xlsx", fmt="xlsx")


def test_doubled_quotes_are_read_as_rfc_4180_whatever_the_header_looks_like() -> None:
    # An unquoted header once turned doubled quotes off: the cell split and the row shifted by one,
    # putting the informant's contact under an ordinary column.
    data = (
        b"record_id,full_name,notes,informant_name,informant_contact\n"
        b'1,"Ri ""the elder"" Myong",plain,Witness A,+82-10-1234-5678\n'
    )
    (_, cells), = read_table(data, name="list.csv", fmt="csv").rows
    assert cells == {
        "record_id": "1",
        "full_name": 'Ri "the elder" Myong',
        "notes": "plain",
        "informant_name": "Witness A",
        "informant_contact": "+82-10-1234-5678",
    }


def test_an_oversized_cell_is_an_error_naming_row_and_column() -> None:
    from unforgotten.ingest.readers import MAX_CELL

    data = f"record_id,full_name\n1,ok\n2,{'x' * 200_000}\n".encode()
    message = f"list.csv: row 3, column 'full_name': 200,000 characters; a cell may hold at most {MAX_CELL:,}"
    with pytest.raises(ValidationError, match=f"^{message}$"):
        read_table(data, name="list.csv", fmt="csv")


# Control characters other than tab and line feed are left out: a table made mostly of them is
# refused as binary, rightly (more than one byte in ten).
_cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\n"), max_size=12
)


@settings(max_examples=150, deadline=None)
@given(
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    rows=st.lists(st.lists(_cell_text, min_size=3, max_size=3), min_size=1, max_size=5),
)
def test_any_table_written_by_the_csv_module_reads_back_cell_for_cell(
    delimiter: str, rows: list[list[str]]
) -> None:
    rows = [r for r in rows if any(c.strip() for c in r)]
    assume(rows)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["record_id", "full_name", "informant_contact"])
    writer.writerows(rows)
    table = read_table(buffer.getvalue().encode(), name="t.csv", fmt="csv")
    assert [list(cells.values()) for _, cells in table.rows] == rows
