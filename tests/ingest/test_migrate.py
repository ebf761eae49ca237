"""Moving lists in: spreadsheets (XLSX, XLS, ODS), encodings, Korean headers, updates by re-import."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from tests.helpers import canonical_rows, write_csv

from unforgotten.errors import DuplicateBatchError
from unforgotten.ingest import import_file
from unforgotten.ingest.readers import read_table
from unforgotten.store import queries
from unforgotten.store import schema as s
from unforgotten.store.schema_records import record_entry
from unforgotten.store.verify import verify_store
from unforgotten.store.workspace import Workspace

KOREAN = "번호,성명,한자,성별,생년월일,출생지,납북일,납북장소,피해유형,비고,가족관계\n"
KOREAN_ROWS = (
    "1,김철수,金哲洙,남,1930년 3월 5일,개성,1950-07,서울,납북자,메모,형\n"
    "2,이영희,李英姬,여,1932,평양,1950-08,수원,국군포로,,누나\n"
)


@pytest.mark.parametrize(
    ("encoding", "stated"), [("cp949", "cp949"), ("utf-16", "utf-16"), ("utf-8-sig", "utf-8-sig")]
)
def test_korean_headers_in_each_encoding_need_no_mapping(
    ws: Workspace, tmp_path: Path, encoding: str, stated: str
) -> None:
    path = tmp_path / "명단.csv"
    path.write_bytes((KOREAN + KOREAN_ROWS).encode(encoding))
    report = import_file(ws, path, source="families")
    assert (report.rows, report.encoding, report.warnings) == (2, stated, [])
    with ws.read() as conn:
        raw = conn.execute(select(s.source_record.c.raw).order_by(s.source_record.c.id)).scalars().all()
        people = conn.execute(select(s.person.c.primary_name, s.person.c.sex).order_by(s.person.c.id)).all()
        types = conn.execute(select(s.case.c.case_type).order_by(s.case.c.id)).scalars().all()
    assert [tuple(p) for p in people] == [("김철수", "M"), ("이영희", "F")]
    assert types == ["abductee_postwar", "pow"]  # 납북자 is the post-war term
    assert raw[0]["가족관계"] == "형"  # an unknown column is kept verbatim
    assert raw[0]["aliases"] == "金哲洙"


def test_utf16_without_bom_is_read(tmp_path: Path) -> None:
    text = "record_id,full_name\n1,Kim Chol\n2,Ri Myong\n"
    table = read_table(text.encode("utf-16-le"), name="l.csv", fmt="csv")
    assert (table.encoding, len(table.rows), table.columns[1]) == ("utf-16", 2, "full_name")


def _two_sheets(path: Path) -> Path:
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "2019"
    first.append(["record_id", "full_name", "birth_date"])
    first.append(["A1", "Kim Chol", "1950"])
    second = book.create_sheet("2023")
    second.append(["record_id", "full_name", "birth_date"])
    for i in range(3):
        second.append([f"B{i}", f"Ri Myong {i}", 1951 + i])
    book.save(path)
    return path


def test_every_sheet_of_an_xlsx_is_selectable(ws: Workspace, tmp_path: Path) -> None:
    path = _two_sheets(tmp_path / "lists.xlsx")
    assert import_file(ws, path, source="S", sheet="2023", dry_run=True).rows == 3
    report = import_file(ws, path, source="S")
    assert (report.rows, report.sheet, report.format) == (1, "2019", "xlsx")


def _ods(rows: list[list[str]]) -> bytes:
    cells = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>'
            for c in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="명단">{cells}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()


def test_an_ods_is_imported(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "list.ods"
    path.write_bytes(_ods([["번호", "성명", "생년월일"], ["1", "김철수", "1950"], ["2", "이영희", "1951"]]))
    report = import_file(ws, path, source="S")
    assert (report.rows, report.format, report.sheet) == (2, "ods", "명단")


def test_merged_header_and_a_bad_date_among_1000_rows_names_sheet_row_and_column(
    ws: Workspace, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "피해자"
    book.create_sheet("notes").append(["x"])
    sheet.append(["record_id", "full_name", "birth_date", "비고", None, "sex"])
    sheet.merge_cells("D1:E1")
    for i in range(1000):
        date = "sometime in spring" if i == 637 else f"{1930 + i % 50}"
        sheet.append([f"R{i}", f"Kim {i}", date, "a", "b", "M"])
    book.save(tmp_path / "big.xlsx")
    report = import_file(ws, tmp_path / "big.xlsx", source="S", dry_run=True)
    (warning,) = report.warnings
    assert (warning.file, warning.row, warning.column) == ("big.xlsx [sheet 피해자]", 639, "birth_date")
    assert str(warning).startswith("big.xlsx [sheet 피해자]: row 639, column 'birth_date'")
    assert read_table((tmp_path / "big.xlsx").read_bytes(), name="big.xlsx", fmt="xlsx").columns[3:] == (
        "비고",
        "비고 (2)",
        "sex",
    )


def _versions(ws: Workspace, table: str) -> int:
    with ws.read() as conn:
        v = s.record_version
        return int(conn.execute(select(func.count()).where(v.c.table_name == table)).scalar_one())


def test_reimport_versions_changed_fields_only_and_keeps_withdrawn_rows(
    ws: Workspace, tmp_path: Path
) -> None:
    rows = canonical_rows(5)
    import_file(ws, write_csv(tmp_path / "v1.csv", rows), source="S")
    before = {t: _versions(ws, t) for t in ("person", "source_record", "case")}
    newer = [dict(r) for r in rows[:4]]
    newer[1]["birth_date"] = "1901-02-03"
    newer[2]["status"] = "deceased"
    newer.append({**rows[0], "record_id": "NEW1", "full_name": "Pak New"})
    path = write_csv(tmp_path / "v2.csv", newer)
    preview = import_file(ws, path, source="S", dry_run=True).difference.to_dict()
    assert {k: preview[k] for k in ("added", "changed", "unchanged", "withdrawn")} == {
        "added": 1,
        "changed": 2,
        "unchanged": 2,
        "withdrawn": 1,
    }
    assert preview["rows"] == [
        {"record_id": "NEW1", "change": "added"},
        {
            "record_id": rows[1]["record_id"],
            "change": "changed",
            "fields": {"birth_date": ["1922", "1901-02-03"]},
        },
        {
            "record_id": rows[2]["record_id"],
            "change": "changed",
            "fields": {"status": ["unresolved", "deceased"]},
        },
        {"record_id": rows[4]["record_id"], "change": "withdrawn"},
    ]
    assert {t: _versions(ws, t) for t in before} == before  # the dry run wrote nothing
    report = import_file(ws, path, source="S")
    assert (report.to_dict()["changed"], report.to_dict()["rows"]) == (2, 5)
    # one new version of each changed row, one first version of each row added
    assert _versions(ws, "person") == before["person"] + 1 + 1
    assert _versions(ws, "source_record") == before["source_record"] + 2 + 1
    assert _versions(ws, "case") == before["case"] + 1 + 1
    with ws.read() as conn:
        reasons = set(
            conn.execute(
                select(s.record_version.c.reason).where(s.record_version.c.reason.like("import batch%"))
            ).scalars()
        )
        birth = conn.execute(
            select(s.person.c.birth_date_raw)
            .join(s.source_record, s.source_record.c.person_id == s.person.c.id)
            .where(s.source_record.c.record_id == rows[1]["record_id"])
        ).scalar_one()
        states = conn.execute(select(record_entry.c.state)).scalars().all()
        data = queries.stats(conn)
        records = conn.execute(select(func.count()).select_from(s.source_record)).scalar_one()
        assert verify_store(conn).ok
    assert reasons == {"import batch 2 (v2.csv)", "import batch 2 (v2.csv): withdrawn by the source"}
    assert birth == "1901-02-03"
    assert states == ["withdrawn"]
    assert (records, data["persons"]) == (6, 5)  # the withdrawn row is kept, left out of the counts
    # the same file again is refused as before; a file holding the withdrawn row brings it back
    with pytest.raises(DuplicateBatchError, match="already imported"):
        import_file(ws, path, source="S")
    back = import_file(ws, write_csv(tmp_path / "v3.csv", [*newer, rows[4]]), source="S")
    assert back.difference.to_dict(rows=False) == {"added": 0, "changed": 1, "unchanged": 5, "withdrawn": 0}
    with ws.read() as conn:
        assert conn.execute(select(record_entry.c.state)).scalars().all() == ["approved"]


def test_a_reordered_copy_of_the_list_changes_nothing(ws: Workspace, tmp_path: Path) -> None:
    rows = canonical_rows(4)
    import_file(ws, write_csv(tmp_path / "a.csv", rows), source="S")
    count = _versions(ws, "person") + _versions(ws, "source_record")
    report = import_file(ws, write_csv(tmp_path / "b.csv", rows[::-1]), source="S")
    assert report.difference.to_dict(rows=False) == {"added": 0, "changed": 0, "unchanged": 4, "withdrawn": 0}
    assert _versions(ws, "person") + _versions(ws, "source_record") == count
