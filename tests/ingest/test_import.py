"""Import on both backends: all-or-nothing, every bad row named, same file refused, nothing lost."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.helpers import canonical_rows, write_csv

from unforgotten.errors import BatchRejected, DuplicateBatchError, PermissionDenied, ValidationError
from unforgotten.ingest import import_file
from unforgotten.settings import Settings
from unforgotten.store import queries
from unforgotten.store import schema as s
from unforgotten.store.verify import verify_store
from unforgotten.store.workspace import Workspace


def _snapshot(ws: Workspace) -> tuple[int, int, int, str]:
    with ws.read() as conn:
        counts = [
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (s.source_record, s.person, s.record_version)
        ]
        head = conn.execute(select(s.audit_event.c.hash).order_by(s.audit_event.c.id.desc())).scalar()
    return counts[0], counts[1], counts[2], str(head)


def test_import_writes_every_entity_with_versions(ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "list.csv", canonical_rows(30))
    report = import_file(ws, path, source="KWAFU list")
    assert (report.rows, report.batch_id, report.warnings) == (30, 1, [])
    with ws.read() as conn:
        data = queries.stats(conn)
        assert verify_store(conn).ok
        informants = conn.execute(select(func.count()).select_from(s.informant)).scalar_one()
    assert (data["persons"], data["records"], data["by_source"], data["by_case_type"]) == (
        30,
        30,
        {"KWAFU list": 30},
        {"abductee_wartime": 30},
    )
    assert informants == 3


def test_three_bad_rows_in_ten_thousand_reject_the_batch(ws: Workspace, tmp_path: Path) -> None:
    rows = canonical_rows(10_000)
    rows[99]["record_id"] = ""
    rows[4999].update(full_name="", name_hangul="")
    rows[9998]["case_type"] = "detainne"
    path = write_csv(tmp_path / "big.csv", rows)
    before = _snapshot(ws)
    with pytest.raises(BatchRejected) as caught:
        import_file(ws, path, source="S")
    assert [str(p) for p in caught.value.problems] == [
        "big.csv: row 101, column 'record_id': record_id is missing",
        "big.csv: row 5001, column 'full_name': no name at all (full_name, name_hangul, family_name, "
        "given_name and aliases are empty)",
        "big.csv: row 10000, column 'case_type': 'detainne' not a known case_type; did you mean 'detainee'?",
    ]
    assert _snapshot(ws) == before


def test_duplicate_record_ids_are_named_with_the_first_row(ws: Workspace, tmp_path: Path) -> None:
    rows = canonical_rows(3)
    rows[2]["record_id"] = rows[0]["record_id"]
    with pytest.raises(BatchRejected) as caught:
        import_file(ws, write_csv(tmp_path / "d.csv", rows), source="S")
    assert [p.reason for p in caught.value.problems] == ["duplicate record_id (first on row 2)"]


def test_same_file_twice_is_refused_and_changes_nothing(ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "list.csv", canonical_rows(5))
    import_file(ws, path, source="S")
    before = _snapshot(ws)
    with pytest.raises(DuplicateBatchError, match=r"already imported as batch 1 into source 'S'"):
        import_file(ws, path, source="Other")
    assert _snapshot(ws) == before


def test_record_ids_already_in_the_source_are_matched_not_duplicated(ws: Workspace, tmp_path: Path) -> None:
    import_file(ws, write_csv(tmp_path / "a.csv", canonical_rows(3)), source="S")
    report = import_file(ws, write_csv(tmp_path / "b.csv", canonical_rows(1, start=3)), source="S")
    assert report.difference.to_dict(rows=False) == {"added": 0, "changed": 0, "unchanged": 1, "withdrawn": 2}
    assert import_file(ws, write_csv(tmp_path / "c.csv", canonical_rows(2, start=3)), source="T").rows == 2


def test_dry_run_writes_nothing(ws: Workspace, tmp_path: Path) -> None:
    before = _snapshot(ws)
    report = import_file(ws, write_csv(tmp_path / "l.csv", canonical_rows(4)), source="S", dry_run=True)
    assert (report.rows, report.batch_id, report.dry_run) == (4, None, True)
    assert _snapshot(ws) == before


def test_unreadable_date_is_a_warning_and_kept_raw(ws: Workspace, tmp_path: Path) -> None:
    rows = canonical_rows(2)
    rows[1]["birth_date"] = "after the war"
    report = import_file(ws, write_csv(tmp_path / "l.csv", rows), source="S")
    assert [str(w) for w in report.warnings] == [
        "l.csv: row 3, column 'birth_date': 'after the war' date not understood; kept as written with "
        "precision 'unknown'"
    ]
    with ws.read() as conn:
        person = conn.execute(select(s.person).where(s.person.c.id == 2)).mappings().one()
    assert (person["birth_date_raw"], person["birth_date_precision"], person["birth_date_start"]) == (
        "after the war",
        "unknown",
        None,
    )


def test_mapping_unknown_columns_and_protected_extras(ws: Workspace, tmp_path: Path) -> None:
    (tmp_path / "m.toml").write_text(
        '[columns]\nrecord_id = "번호"\nfull_name = "성명"\ninformant_contact = "제보자 연락처"\n'
        '[values.sex]\n"남자" = "M"\n[defaults]\ncase_type = "pow"\n[protected]\ncolumns = ["가족 주소"]\n',
        encoding="utf-8",
    )
    path = tmp_path / "명단.csv"
    path.write_text(
        "번호,성명,sex,제보자 연락처,가족 주소,부대\n7,김철수,남자,010-0000-0001,비밀 주소,1사단\n",
        encoding="cp949",
    )
    import_file(ws, path, source="국방부", mapping=tmp_path / "m.toml")
    with ws.read() as conn:
        record = conn.execute(select(s.source_record)).mappings().one()
        case_type = conn.execute(select(s.case.c.case_type)).scalar_one()
        secret = queries.protected_of_records(conn, ws.keyring, [record["id"]])
    assert record["raw"]["부대"] == "1사단"
    assert "가족 주소" not in record["raw"] and "비밀 주소" not in str(record["raw"])
    assert record["parsed"]["sex"] == "M" and case_type == "pow"
    assert secret == {
        record["id"]: {"informant_name": None, "informant_contact": "010-0000-0001", "가족 주소": "비밀 주소"}
    }


def test_mapping_naming_a_missing_column_is_an_error(ws: Workspace, tmp_path: Path) -> None:
    (tmp_path / "m.toml").write_text('[columns]\nfull_name = "Name"\n', encoding="utf-8")
    with pytest.raises(BatchRejected) as caught:
        import_file(
            ws, write_csv(tmp_path / "l.csv", canonical_rows(1)), source="S", mapping=tmp_path / "m.toml"
        )
    assert str(caught.value.problems[0]).endswith(
        "column 'Name': column named in " + str(tmp_path / "m.toml") + " is not in the file"
    )


def test_bad_mapping_file(ws: Workspace, tmp_path: Path) -> None:
    (tmp_path / "m.toml").write_text('[columns]\nfullname = "Name"\n', encoding="utf-8")
    with pytest.raises(ValidationError, match=r"\[columns\] 'fullname' is not a canonical column"):
        import_file(
            ws, write_csv(tmp_path / "l.csv", canonical_rows(1)), source="S", mapping=tmp_path / "m.toml"
        )


def test_viewer_may_not_import(settings: Settings, ws: Workspace, tmp_path: Path) -> None:
    viewer = Workspace(Settings.build(db=settings.db_url, key_file=str(settings.key_file), role="viewer"))
    with pytest.raises(PermissionDenied, match="role 'viewer' may not import"):
        import_file(viewer, write_csv(tmp_path / "l.csv", canonical_rows(1)), source="S")


def test_places_resolve_to_the_gazetteer_and_ambiguous_ones_stay_free_text(
    ws: Workspace, tmp_path: Path
) -> None:
    rows = canonical_rows(3)
    for row, place in zip(rows, ["함북", "Hamgyong-bukto", "강원도"], strict=True):
        row["event_place"] = place
    import_file(ws, write_csv(tmp_path / "l.csv", rows), source="S")
    with ws.read() as conn:
        assert queries.stats(conn)["by_province"] == {"KP-09": 2, "unresolved": 1}
        names = conn.execute(select(s.name.c.text, s.name.c.script).where(s.name.c.person_id == 1)).all()
    assert [tuple(n) for n in names] == [("Kim Test1", "latin"), ("이영희", "hangul")]


def _content(ws: Workspace) -> dict[str, list[tuple[object, ...]]]:
    """Every row and version an import writes, less what differs by design (time, ciphertext)."""
    tables = (s.person, s.source_record, s.name, s.case, s.incident, s.act, s.location)
    with ws.read() as conn:
        out = {t.name: [tuple(r) for r in conn.execute(select(t).order_by(t.c.id))] for t in tables}
        v, b, e = s.record_version.c, s.import_batch.c, s.audit_event.c
        out["versions"] = [
            tuple(r)
            for r in conn.execute(
                select(v.id, v.table_name, v.row_id, v.version, v.data, v.hash)
                .where(v.table_name.in_([t.name for t in tables]))
                .order_by(v.id)
            )
        ]
        out["version_rows"] = [
            tuple(r) for r in conn.execute(select(v.id, v.table_name, v.row_id, v.event_id).order_by(v.id))
        ]
        out["informants"] = [
            tuple(r)
            for r in conn.execute(
                select(s.informant.c.id, s.informant.c.source_record_id).order_by(s.informant.c.id)
            )
        ]
        out["batch"] = [tuple(r) for r in conn.execute(select(b.id, b.source_id, b.row_count, b.file_name))]
        details = conn.execute(select(e.detail).where(e.action == "import")).scalars().all()
        out["event"] = [
            (json.loads(d)["versions"]["count"], json.loads(d)["versions"]["first"]) for d in details
        ]
    return out


def test_rows_prepared_in_a_child_are_the_rows_written_inline(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unforgotten.ingest import batch
    from unforgotten.store import offload

    if not offload.can_fork():
        pytest.skip("rows are prepared in a child only where fork is the way")
    rows = canonical_rows(7_000)
    rows[6_500]["birth_date"] = "the spring after the war"  # a warning, which must come back too
    path = write_csv(tmp_path / "list.csv", rows)
    received: list[int] = []
    receive = offload._receive
    monkeypatch.setattr(offload, "_receive", lambda *a: received.append(1) or receive(*a))
    contents, warnings = [], []
    for name, fork_rows in (("child", 1), ("inline", 10**9)):
        monkeypatch.setattr(batch, "FORK_ROWS", fork_rows)
        other = Workspace(
            Settings.build(db=str(tmp_path / f"{name}.db"), key_file=settings.key_file.as_posix())
        )
        other.init()
        report = import_file(other, path, source="S")
        assert report.rows == 7_000
        warnings.append([str(w) for w in report.warnings])
        with other.read() as conn:
            assert verify_store(conn).ok
        contents.append(_content(other))
        other.engine.dispose()
    assert received == [1]  # the first import went through a child, the second did not
    assert contents[0] == contents[1]
    assert (
        warnings[0]
        == warnings[1]
        == [
            "list.csv: row 6502, column 'birth_date': 'the spring after the war' date not understood; "
            "kept as written with precision 'unknown'"
        ]
    )
    assert len(contents[0]["person"]) == 7_000
    assert len(contents[0]["informants"]) == 700


def test_an_import_prepared_in_a_child_verifies_on_each_backend(ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "list.csv", canonical_rows(6_000))
    assert import_file(ws, path, source="S").rows == 6_000
    with ws.read() as conn:
        assert verify_store(conn).ok
        assert queries.stats(conn)["persons"] == 6_000


def test_a_bad_row_after_written_chunks_inline_leaves_nothing(ws: Workspace, tmp_path: Path) -> None:
    rows = canonical_rows(3_000)  # under FORK_ROWS: prepared inline
    rows[2_500]["sex"] = "maybe"
    path = write_csv(tmp_path / "late.csv", rows)
    before = _snapshot(ws)
    with pytest.raises(BatchRejected) as caught:
        import_file(ws, path, source="S")
    assert [(p.row, p.column) for p in caught.value.problems] == [(2_502, "sex")]
    assert _snapshot(ws) == before


def test_a_bad_row_after_written_chunks_still_leaves_nothing(ws: Workspace, tmp_path: Path) -> None:
    rows = canonical_rows(9_000)
    rows[8_500]["case_type"] = "abductee_war"
    path = write_csv(tmp_path / "late.csv", rows)
    before = _snapshot(ws)
    with pytest.raises(BatchRejected) as caught:
        import_file(ws, path, source="S")
    assert [(p.row, p.column, p.value) for p in caught.value.problems] == [
        (8_502, "case_type", "abductee_war")
    ]
    assert _snapshot(ws) == before
    with ws.read() as conn:
        assert verify_store(conn).ok


def _source_and_batch_counts(ws: Workspace) -> tuple[int, int]:
    with ws.read() as conn:
        return (
            conn.execute(select(func.count()).select_from(s.source)).scalar_one(),
            conn.execute(select(func.count()).select_from(s.import_batch)).scalar_one(),
        )


@pytest.mark.parametrize("dry_run", [False, True])
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("h.csv", b"record_id,family_name\n", "h.csv: the file holds only a header, no data rows"),
        ("h.json", b"[]", "h.json: the file holds no records, no data rows"),
        ("r.csv", bytes(range(256)) * 4, "r.csv: not a CSV text file (it holds binary data)"),
    ],
)
def test_header_only_and_binary_files_are_errors_that_write_nothing(
    ws: Workspace, tmp_path: Path, name: str, data: bytes, message: str, *, dry_run: bool
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    before = (_snapshot(ws), _source_and_batch_counts(ws))
    with pytest.raises(ValidationError, match=re.escape(message)) as caught:
        import_file(ws, path, source="S", dry_run=dry_run)
    assert caught.value.exit_code == 4
    assert (_snapshot(ws), _source_and_batch_counts(ws)) == before


def test_a_wrong_header_is_one_message_with_found_expected_and_closest_columns(
    ws: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("Record ID,Name,Birth\n" + "".join(f"{i},Kim,1952\n" for i in range(1000)))
    with pytest.raises(BatchRejected) as caught:
        import_file(ws, path, source="W")
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (1, "(header)")
    assert problem.reason.startswith(
        "the header does not fit the import format: missing record_id and a name column "
        "(full_name or family_name or given_name or name_hangul). "
        "Columns found: 'Record ID', 'Name', 'Birth'. Columns expected: record_id, full_name,"
    )
    assert "Closest matches: 'Record ID' → record_id, 'Name' → full_name, 'Birth' → birth_date." in (
        problem.reason
    )


def test_a_list_declared_lunar_stores_solar_dates_and_the_lunar_one(ws: Workspace, tmp_path: Path) -> None:
    (tmp_path / "m.toml").write_text('calendar = "lunar"\n', encoding="utf-8")
    rows = canonical_rows(1)
    rows[0]["birth_date"] = "1952-03-05"
    import_file(ws, write_csv(tmp_path / "l.csv", rows), source="S", mapping=tmp_path / "m.toml")
    with ws.read() as conn:
        record = conn.execute(select(s.source_record)).mappings().one()
    assert record["parsed"]["birth_date"] == "1952-03-30"
    assert record["parsed"]["birth_date_lunar"] == "1952-03-05"
    assert record["raw"]["birth_date"] == "1952-03-05"


def test_an_unknown_calendar_in_the_mapping_is_an_error(ws: Workspace, tmp_path: Path) -> None:
    (tmp_path / "m.toml").write_text('calendar = "moon"\n', encoding="utf-8")
    with pytest.raises(
        ValidationError, match=r"m.toml: calendar = 'moon' is not known; use one of solar, lunar"
    ):
        import_file(
            ws, write_csv(tmp_path / "l.csv", canonical_rows(1)), source="S", mapping=tmp_path / "m.toml"
        )


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_nul_byte_is_a_row_error_on_each_backend_and_writes_nothing(
    ws: Workspace, tmp_path: Path, fmt: str
) -> None:
    rows = canonical_rows(400)
    rows[0]["notes"] = "before\x00after"  # inside the first 8 KB
    rows[299]["full_name"] = "Kim\x00"  # far past it
    rows[299]["informant_contact"] = "010\x00-1234"
    if fmt == "csv":
        path = write_csv(tmp_path / "nul.csv", rows)
    else:
        path = tmp_path / "nul.json"
        path.write_text(json.dumps(rows), encoding="utf-8")  # JSON writes NUL as \u0000
    before = (_snapshot(ws), _source_and_batch_counts(ws))
    with pytest.raises(BatchRejected) as caught:
        import_file(ws, path, source="S")
    row = {"csv": (2, 301), "json": (1, 300)}[fmt]
    reason = "holds a NUL byte (\\x00), which no text field may hold; remove it"
    assert [str(p) for p in caught.value.problems] == [
        f"{path.name}: row {row[0]}, column 'notes': {reason}",
        f"{path.name}: row {row[1]}, column 'full_name': {reason}",
        f"{path.name}: row {row[1]}, column 'informant_contact': {reason}",
    ]
    assert caught.value.exit_code == 4
    assert (_snapshot(ws), _source_and_batch_counts(ws)) == before


@pytest.mark.parametrize("name", ["junk.csv", "junk.tsv", "junk.json", "junk.ndjson"])
def test_random_bytes_are_refused_and_write_nothing(ws: Workspace, tmp_path: Path, name: str) -> None:
    import random

    path = tmp_path / name
    path.write_bytes(random.Random(name).randbytes(5000))
    before = (_snapshot(ws), _source_and_batch_counts(ws))
    with pytest.raises(ValidationError) as caught:
        import_file(ws, path, source="S")
    assert caught.value.exit_code == 4 and str(caught.value).startswith(f"{name}: ")
    assert (_snapshot(ws), _source_and_batch_counts(ws)) == before
