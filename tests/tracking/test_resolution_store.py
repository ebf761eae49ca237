"""Resolution paragraphs in the store, what they bear on, and the brief in every format and
language, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader
from sqlalchemy import func, select
from tests.tracking.registry_rows import Victim, add_people
from typer.testing import CliRunner

from unforgotten.cli.main import app
from unforgotten.errors import UnforgottenError, ValidationError
from unforgotten.store.schema import audit_event
from unforgotten.store.workspace import Workspace
from unforgotten.tracking.brief import brief
from unforgotten.tracking.brief_text import LABELS
from unforgotten.tracking.resolution_store import (
    bearing,
    import_resolution_text,
    load_shipped_resolutions,
    stored_passages,
)
from unforgotten.tracking.store import link_recommendation, seed_demo

runner = CliRunner()
TEXT = """The General Assembly,
1. Condemns the abduction of foreign nationals;
2. Urges the Government to allow separated families to meet;
"""


def _run(ws: Workspace, *args: str) -> str:
    result = runner.invoke(app, [*args, "--db", ws.settings.db_url])
    assert result.exit_code == 0, (result.stdout, result.exception)
    return result.stdout


def _fails(ws: Workspace, *args: str) -> tuple[int, str]:
    """The exit code and message of a command that must fail with one of our errors."""
    result = runner.invoke(app, [*args, "--db", ws.settings.db_url])
    assert isinstance(result.exception, UnforgottenError), (result.stdout, result.exception)
    return result.exception.exit_code, str(result.exception)


def test_loading_is_one_audited_write_and_adds_nothing_again(ws: Workspace) -> None:
    assert load_shipped_resolutions(ws) == 13
    assert load_shipped_resolutions(ws) == 0
    with ws.read() as conn:
        rows = stored_passages(conn, symbol="a/res/78/218")
        events = conn.execute(
            select(func.count()).where(audit_event.c.action == "recommendations_import")
        ).scalar_one()
    assert [(p["body"], p["year"], p["status"]) for p in rows] == [("General Assembly", 2023, "quoted")] * 3
    assert rows[0]["source_url"] == "https://unwatch.org/database/resoltions/a-res-78-218/"
    assert events == 2


def test_a_full_text_is_stored_paragraph_by_paragraph(ws: Workspace) -> None:
    added = import_resolution_text(
        ws,
        TEXT,
        name="ex.txt",
        symbol="EX/1",
        body="General Assembly",
        year=2024,
        source_url="https://x.test/1",
    )
    with ws.read() as conn:
        rows = stored_passages(conn, symbol="EX/1")
    assert added == 2
    assert [(p["paragraph"], p["themes"], p["status"]) for p in rows] == [
        ("1", ["NKV-F1"], "full"),
        ("2", ["NKV-F4"], "full"),
    ]
    with pytest.raises(ValidationError, match="--body must be one of"):
        import_resolution_text(ws, TEXT, name="ex.txt", symbol="EX/2", body="Security Council", year=2024)


def test_paragraphs_bear_on_open_cases_by_type_and_on_commitments_by_theme(ws: Workspace) -> None:
    add_people(ws, [Victim("abductee_postwar", "KP-01", 1977)] * 2 + [Victim("detainee", "KP-02", 2015)])
    round_id = seed_demo(ws)
    import_resolution_text(ws, TEXT, name="ex.txt", symbol="EX/1", body="General Assembly", year=2024)
    with ws.read() as conn:
        rec_id = stored_passages(conn, symbol="EX/1")[1]["id"]
    link_recommendation(ws, rec_id, case_id=3, note="reviewed by hand")
    with ws.read() as conn:
        found = {b.passage["paragraph"]: b for b in bearing(conn)}
    assert found["1"].open_cases == {"NKV-F1": 2}
    assert (found["2"].open_cases, found["2"].linked_cases) == ({}, (3,))
    text = brief(ws, round_id, as_of=date(2025, 1, 15)).to_markdown()
    assert (
        "- EX/1 ¶1 [NKV-F1 Abductions; open cases NKV-F1 2]: Condemns the abduction of foreign nationals;"
        in text
    )


def test_accountability_paragraph_bears_on_the_seed_round_commitment(ws: Workspace) -> None:
    round_id = seed_demo(ws)
    load_shipped_resolutions(ws)
    result = brief(ws, round_id, as_of=date(2025, 1, 15))
    duties = {b.passage["text"][:31]: [c["id"] for c in b.commitments] for b in result.resolutions}
    assert duties["Condemns in the strongest terms"] == [1]
    assert result.adopted_since == ()


def test_korean_brief_has_every_heading_in_korean(ws: Workspace) -> None:
    text = brief(ws, seed_demo(ws), as_of=date(2025, 1, 15)).to_markdown("ko")
    assert text.startswith("# 2024-04-15 협의(Washington, D.C.) 이후 차기 협의 대비 자료\n")
    for heading in (
        "## 대표단",
        "## 의제",
        "## 미이행 합의 사항",
        "## 2024-04-15 이후 변화",
        "## 협의 의제에 관한 유엔 권고",
    ):
        assert f"\n{heading}\n" in text
    assert "- **기한 경과** hold the next consultations" in text
    assert "- NKV-F3 국군포로\n" in text
    assert all(ko and ko != en for en, ko in LABELS.values())


def test_docx_brief_reads_back_with_python_docx(ws: Workspace, tmp_path: Path) -> None:
    seed_demo(ws)
    _run(ws, "resolution", "load")
    out = tmp_path / "brief.docx"
    _run(
        ws,
        "brief",
        "--round",
        "1",
        "--as-of",
        "2025-01-15",
        "--format",
        "docx",
        "--lang",
        "ko",
        "--out",
        str(out),
    )
    doc = Document(str(out))
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    title = doc.paragraphs[0]
    assert (title.style is not None and title.style.name, title.text) == (
        "Title",
        "2024-04-15 협의(Washington, D.C.) 이후 차기 협의 대비 자료",
    )
    assert headings[:3] == ["대표단", "의제", "미이행 합의 사항"]
    assert "미해결 사건·미이행 합의와 관련된 유엔 결의 문단" in headings
    overdue = [p for p in doc.paragraphs if p.text.startswith("기한 경과 hold the next consultations")]
    assert len(overdue) == 1 and overdue[0].runs[0].bold
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["의제", "전체", "수용"]
    assert doc.core_properties.language == "ko-KR"


def test_pdf_brief_in_english_and_in_korean_with_the_shipped_font(ws: Workspace, tmp_path: Path) -> None:
    seed_demo(ws)
    out = tmp_path / "brief.pdf"
    _run(ws, "brief", "--round", "1", "--as-of", "2025-01-15", "--format", "pdf", "--out", str(out))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Brief for the round after 2024-04-15 (Washington, D.C.)" in text
    assert "OVERDUE hold the next consultations" in " ".join(text.split())
    korean = tmp_path / "k.pdf"
    _run(
        ws,
        "brief",
        "--round",
        "1",
        "--as-of",
        "2025-01-15",
        "--format",
        "pdf",
        "--lang",
        "ko",
        "--out",
        str(korean),
    )
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(korean.read_bytes())).pages)
    assert "차기 협의 대비 자료" in text and "미이행 합의 사항" in text
    assert b"/BaseFont /" in korean.read_bytes() and b"UnforgottenHangul" in korean.read_bytes()
    assert _fails(ws, "brief", "--round", "1", "--format", "docx") == (
        4,
        "--format docx writes a file: give --out FILE",
    )


def test_resolution_commands(ws: Workspace, tmp_path: Path) -> None:
    assert json.loads(_run(ws, "resolution", "load", "--json")) == {"added": 13}
    for year, extra in ((2023, ""), (2024, "3. Decides to remain seized of the matter.\n")):
        path = tmp_path / f"r{year}.txt"
        path.write_text(
            TEXT.replace("meet;", "meet and exchange letters;" if year == 2024 else "meet;") + extra
        )
        _run(ws, "resolution", "load", str(path), "--symbol", f"EX/{year}", "--year", str(year))
    listed = {r["symbol"]: r["stored"] for r in json.loads(_run(ws, "resolution", "list", "--json"))}
    assert (listed["A/RES/78/218"], listed["A/HRC/RES/55/21"], listed["EX/2024"]) == (3, 0, 3)
    changes = json.loads(_run(ws, "resolution", "diff", "EX/2023", "EX/2024", "--json"))
    assert [(c["kind"], c["old"], c["new"], c["words_added"]) for c in changes] == [
        ("same", "1", "1", []),
        ("changed", "2", "2", ["and exchange letters"]),
        ("added", None, "3", ["decides", "to", "remain", "seized", "of", "the", "matter"]),
    ]
    assert _fails(ws, "resolution", "show", "EX/9") == (
        3,
        "no stored paragraph of 'EX/9' (run `unforgotten resolution load` first)",
    )
    nothing = tmp_path / "none.txt"
    nothing.write_text("The General Assembly,\nRecalling,\n")
    code, message = _fails(ws, "resolution", "load", str(nothing), "--symbol", "EX/3", "--year", "2025")
    assert (code, message.startswith("EX/3: no numbered operative paragraph")) == (4, True)


def test_a_pdf_brief_with_hanja_needs_a_font_of_ones_own() -> None:
    from unforgotten.tracking.brief_docs import to_pdf

    assert to_pdf(["# 대비 자료", "- 김철수"], title="t").startswith(b"%PDF")
    with pytest.raises(ValidationError, match="give --font FILE"):
        to_pdf(["# 대비 자료", "- 金哲洙"], title="t")
