"""Evidence intake, storage, custody and verify, on real files, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import pytest
from sqlalchemy import select, text

from tests.evidence.files import SECRET, jpeg_with_gps, pdf_with_text, person_with_case
from unforgotten.errors import CryptoError, NotFoundError, PermissionDenied, ValidationError
from unforgotten.evidence import Attach, Evidence
from unforgotten.settings import Settings
from unforgotten.store import schema as s
from unforgotten.store.files import CHUNK
from unforgotten.store.keys import rotate_key
from unforgotten.store.schema_evidence import evidence_link
from unforgotten.store.workspace import Workspace


@pytest.fixture
def service(ws: Workspace) -> Evidence:
    return Evidence(ws)


def _stored_files(ws: Workspace) -> list[Path]:
    root = ws.settings.evidence_dir
    return sorted(p for p in root.rglob("*") if p.is_file() and p.parent.name != "incoming")


def test_the_same_bytes_twice_are_stored_once_with_two_links(
    service: Evidence, ws: Workspace, tmp_path: Path
) -> None:
    person_id, case_id = person_with_case(ws)
    blob = tmp_path / "video.bin"
    blob.write_bytes(os.urandom(CHUNK * 2 + 123))
    copy = tmp_path / "same-video.bin"
    copy.write_bytes(blob.read_bytes())
    first = service.add([blob], attach=Attach(person=person_id), how="in person")
    second = service.add([copy], attach=Attach(case=case_id))
    assert first[0].evidence_id == second[0].evidence_id
    assert (first[0].stored, second[0].stored) == (True, False)
    assert first[0].sha256 == hashlib.sha256(blob.read_bytes()).hexdigest()
    assert first[0].sha512 == hashlib.sha512(blob.read_bytes()).hexdigest()
    assert first[0].size == CHUNK * 2 + 123
    assert len(_stored_files(ws)) == 1
    with ws.read() as conn:
        links = conn.execute(select(evidence_link.c.person_id, evidence_link.c.case_id)).all()
    assert sorted(map(tuple, links), key=str) == sorted([(person_id, None), (None, case_id)], key=str)
    assert ws.verify().ok


def test_a_stored_file_is_sealed_owner_only_and_read_back_exactly(
    service: Evidence, ws: Workspace, tmp_path: Path
) -> None:
    person_id, _ = person_with_case(ws)
    plain = b"witness statement " * 70_000  # over one chunk
    (tmp_path / "a.txt").write_bytes(plain)
    (tmp_path / "empty.txt").write_bytes(b"")
    got = service.add([tmp_path / "a.txt", tmp_path / "empty.txt"], attach=Attach(person=person_id))
    stored = ws.files.path(got[0].sha256)
    assert b"witness statement" not in stored.read_bytes()
    assert stored.stat().st_mode & 0o777 == 0o600
    assert stored.parent.stat().st_mode & 0o777 == 0o700
    assert ws.settings.evidence_dir.stat().st_mode & 0o777 == 0o700
    service.get(got[0].evidence_id, tmp_path / "out.txt")
    service.get(got[1].evidence_id, tmp_path / "out-empty.txt")
    assert (tmp_path / "out.txt").read_bytes() == plain
    assert (tmp_path / "out-empty.txt").read_bytes() == b""
    assert got[0].media_type == "text/plain"


def test_verify_names_a_tampered_byte_and_a_removed_file(
    service: Evidence, ws: Workspace, tmp_path: Path
) -> None:
    person_id, _ = person_with_case(ws)
    for name in ("one.bin", "two.bin", "three.bin"):
        (tmp_path / name).write_bytes(os.urandom(5000))
    got = service.add(
        [tmp_path / n for n in ("one.bin", "two.bin", "three.bin")], attach=Attach(person=person_id)
    )
    assert ws.verify().ok and ws.verify().files == 3
    tampered = ws.files.path(got[0].sha256)
    data = bytearray(tampered.read_bytes())
    data[100] ^= 0x01
    tampered.write_bytes(bytes(data))
    ws.files.path(got[2].sha256).unlink()
    report = ws.verify()
    assert not report.ok
    assert report.breaks == [
        f"evidence {got[0].evidence_id} ({tampered}): the stored file is unreadable "
        f"(chunk 0 does not open (changed, cut short or wrong key))",
        f"evidence {got[2].evidence_id} ({ws.files.path(got[2].sha256)}): the stored file is missing",
    ]
    with pytest.raises(CryptoError, match="does not open"):
        service.get(got[0].evidence_id, tmp_path / "bad-copy.bin")
    assert not (tmp_path / "bad-copy.bin").exists()


def test_a_file_cut_short_at_a_chunk_boundary_is_named(
    service: Evidence, ws: Workspace, tmp_path: Path
) -> None:
    person_id, _ = person_with_case(ws)
    (tmp_path / "long.bin").write_bytes(os.urandom(CHUNK * 2))
    got = service.add([tmp_path / "long.bin"], attach=Attach(person=person_id))
    stored = ws.files.path(got[0].sha256)
    with stored.open("r+b") as handle:  # drop the last sealed chunk: the one before is not marked last
        handle.truncate(stored.stat().st_size - (CHUNK + 16))
    assert ws.verify().breaks == [
        f"evidence {got[0].evidence_id} ({stored}): the stored file is unreadable "
        "(chunk 0 does not open (changed, cut short or wrong key))"
    ]


def test_metadata_is_extracted_and_a_shareable_copy_drops_it(
    service: Evidence, ws: Workspace, tmp_path: Path
) -> None:
    person_id, _ = person_with_case(ws)
    photo, report = jpeg_with_gps(tmp_path / "photo.jpg"), pdf_with_text(tmp_path / "report.pdf")
    got = service.add([photo, report], attach=Attach(person=person_id))
    assert [g.media_type for g in got] == ["image/jpeg", "application/pdf"]
    shown = service.show(got[0].evidence_id)
    assert shown["metadata"]["gps"]["position"] == [39.025, 125.75]
    assert shown["metadata"]["exif"]["Make"] == "Canon"
    pdf = service.show(got[1].evidence_id)
    assert pdf["metadata"]["document"]["Author"] == "Kim Secret-Author"
    assert "Yodok camp" in pdf["text_excerpt"]
    copy = service.shareable(got[0].evidence_id, tmp_path / "shareable.jpg")
    copy_pdf = service.shareable(got[1].evidence_id, tmp_path / "shareable.pdf")
    again = service.show(copy.evidence_id)
    assert "gps" not in again["metadata"] and "exif" not in again["metadata"]
    assert again["derived_from"] == got[0].evidence_id
    assert b"Canon" not in (tmp_path / "shareable.jpg").read_bytes()
    assert b"Secret-Author" not in (tmp_path / "shareable.pdf").read_bytes()
    assert "Yodok camp" in service.show(copy_pdf.evidence_id)["text_excerpt"]
    assert photo.read_bytes() == _original(service, got[0].evidence_id, tmp_path)  # the original is kept
    actions = [e["action"] for e in service.custody(got[0].evidence_id)["events"]]
    assert actions == ["evidence_received", "evidence_viewed", "evidence_shared", "evidence_copied"]
    assert [e["action"] for e in service.custody(copy.evidence_id)["events"]] == [
        "evidence_derived",
        "evidence_viewed",
    ]
    with pytest.raises(ValidationError, match="application/octet-stream"):
        (tmp_path / "x.bin").write_bytes(b"\x00\x01")
        service.shareable(
            service.add([tmp_path / "x.bin"], attach=Attach(person=person_id))[0].evidence_id,
            tmp_path / "x-copy.bin",
        )
    assert ws.verify().ok


def _original(service: Evidence, evidence_id: int, tmp_path: Path) -> bytes:
    service.get(evidence_id, tmp_path / "original-again")
    return (tmp_path / "original-again").read_bytes()


def test_received_from_is_protected_everywhere(
    service: Evidence, ws: Workspace, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    person_id, _ = person_with_case(ws)
    (tmp_path / "note.txt").write_text("a note")
    got = service.add(
        [tmp_path / "note.txt"], attach=Attach(person=person_id), received_from=SECRET, how="post"
    )
    shown = service.show(got[0].evidence_id)
    assert shown["links"][0]["received_from"] == "(protected)"
    assert SECRET not in json.dumps(shown, default=str)
    assert SECRET not in json.dumps(service.custody(got[0].evidence_id), default=str)
    with ws.read() as conn:
        for table in ("audit_event", "record_version", "evidence_link", "evidence", "evidence_content"):
            dump = json.dumps([list(r) for r in conn.execute(text(f"SELECT * FROM {table}"))], default=str)
            assert SECRET not in dump, table
        sealed = conn.execute(select(evidence_link.c.received_from_enc)).scalar_one()
    assert sealed.startswith("ufe1:")
    assert SECRET not in caplog.text
    assert service.show(got[0].evidence_id, protected=True)["links"][0]["received_from"] == SECRET
    viewer = Evidence(
        Workspace(
            Settings.build(db=ws.settings.db_url, key_file=str(ws.settings.key_file), role="viewer"),
            engine=ws.engine,
        )
    )
    with pytest.raises(PermissionDenied):
        viewer.show(got[0].evidence_id, protected=True)


def test_a_key_rotation_reseals_file_keys_and_files_still_open(
    service: Evidence, ws: Workspace, tmp_path: Path
) -> None:
    person_id, _ = person_with_case(ws)
    (tmp_path / "scan.bin").write_bytes(os.urandom(3000))
    got = service.add([tmp_path / "scan.bin"], attach=Attach(person=person_id), received_from=SECRET)
    report = rotate_key(ws)
    assert report.values["evidence_content"] == 1 and report.values["evidence_link"] == 1
    service.get(got[0].evidence_id, tmp_path / "back.bin")
    assert (tmp_path / "back.bin").read_bytes() == (tmp_path / "scan.bin").read_bytes()
    assert service.show(got[0].evidence_id, protected=True)["links"][0]["received_from"] == SECRET
    assert ws.verify().ok


def test_bad_intake_is_refused_by_name_and_nothing_is_written(
    service: Evidence, ws: Workspace, tmp_path: Path
) -> None:
    person_id, _ = person_with_case(ws)
    (tmp_path / "a.txt").write_text("a")
    with pytest.raises(ValidationError, match="exactly one"):
        service.add([tmp_path / "a.txt"], attach=Attach(person=person_id, case=1))
    with pytest.raises(ValidationError, match=r"missing\.txt: no such file"):
        service.add([tmp_path / "a.txt", tmp_path / "missing.txt"], attach=Attach(person=person_id))
    with pytest.raises(NotFoundError, match="person 999 does not exist"):
        service.add([tmp_path / "a.txt"], attach=Attach(person=999))
    with pytest.raises(NotFoundError, match="no source is called 'Nope'"):
        service.add([tmp_path / "a.txt"], attach=Attach(source="Nope"))
    with ws.read() as conn:
        assert conn.execute(select(s.evidence.c.id)).all() == []
    assert _stored_files(ws) == []
    incoming = ws.settings.evidence_dir / "incoming"
    assert not incoming.exists() or list(incoming.iterdir()) == []  # refused before a byte was read
