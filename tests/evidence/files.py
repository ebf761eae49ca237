"""Real evidence files for tests: a JPEG with EXIF and GPS, a PDF with properties and text."""

from __future__ import annotations

from pathlib import Path

from PIL import ExifTags, Image
from sqlalchemy import select

from unforgotten.records import Records
from unforgotten.records.consent import set_consent
from unforgotten.store import schema as s
from unforgotten.store.workspace import Workspace

SECRET = "Pak Informant-Secret 010-9999-0000"


def jpeg_with_gps(path: Path) -> Path:
    image = Image.new("RGB", (32, 24), (180, 20, 20))
    exif = image.getexif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "EOS 5D"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update({1: "N", 2: (39.0, 1.0, 30.0), 3: "E", 4: (125.0, 45.0, 0.0)})
    image.save(path, exif=exif)
    return path


def pdf_with_text(path: Path, text: str = "Testimony of the witness about Yodok camp") -> Path:
    """A one-page PDF written out by hand (the standard's own minimal structure)."""
    stream = f"BT /F1 12 Tf 72 712 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Author (Kim Secret-Author) /Title (Report) /Creator (Scanner 9) >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def person_with_case(ws: Workspace, name: str = "김철수") -> tuple[int, int]:
    records = Records(ws)
    if not _has_source(ws):
        records.add_source("Testimonies 2024", kind="testimonies")
    saved = records.add_person(
        {"name": name, "sex": "남"},
        source="Testimonies 2024",
        reason="testimony",
        case={"case_type": "abductee_postwar", "event_date": "1977", "status": "unresolved"},
    )
    with ws.read() as conn:
        case_id = conn.execute(select(s.case.c.id).where(s.case.c.person_id == saved.row_id)).scalar_one()
    return saved.row_id, int(case_id)


def _has_source(ws: Workspace) -> bool:
    with ws.read() as conn:
        return (
            conn.execute(select(s.source.c.id).where(s.source.c.name == "Testimonies 2024")).first()
            is not None
        )


def give_consent(ws: Workspace, person_id: int, *, may_publish: bool) -> None:
    """Consent to publication granted or withdrawn, through the record service's consent path."""
    set_consent(
        ws,
        person_id,
        scope="publication",
        granted=may_publish,
        given_by="the person, in writing",
        reason="consent form",
    )
