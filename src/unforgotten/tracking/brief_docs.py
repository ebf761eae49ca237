"""The brief as a Word document (python-docx) and as a PDF (fpdf2), from the brief's lines.

Both read the Markdown lines of :meth:`Brief.lines <unforgotten.tracking.brief.Brief.lines>`
(``#`` headings, ``- `` items, ``|`` table rows, ``**…**`` bold), so every format says the
same thing. A brief in Latin script uses the PDF's built-in font (Helvetica); one with Hangul
(a Korean brief, or Korean names) uses the shipped Hangul font (``data/fonts``), and one with
characters that font lacks (Hanja) needs ``font``, a TrueType file that has them: without it
the call is refused with a clear error; nothing is fetched.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path

from unforgotten.errors import ValidationError

__all__ = ["to_docx", "to_pdf"]

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_PLAIN = str.maketrans(
    {"–": "-", "—": "-", "…": "...", "’": "'", "‘": "'", "“": '"', "”": '"', "¶": "para. "}
)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _is_rule(line: str) -> bool:
    return set("".join(_cells(line))) <= {"-"}


def _blocks(lines: Sequence[str]) -> list[tuple[str, object]]:
    """Group the lines into ``(kind, value)``: heading, item, text, or table (a list of rows)."""
    out: list[tuple[str, object]] = []
    for line in lines:
        if line.startswith("|"):
            if _is_rule(line):
                continue
            if out and out[-1][0] == "table":
                rows = out[-1][1]
                assert isinstance(rows, list)
                rows.append(_cells(line))
            else:
                out.append(("table", [_cells(line)]))
        elif line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            out.append((f"h{level}", line[level + 1 :]))
        elif line.startswith("- "):
            out.append(("item", line[2:]))
        elif line:
            out.append(("text", line))
    return out


def _runs(text: str) -> list[tuple[str, bool]]:
    parts = _BOLD.split(text)
    return [(part, i % 2 == 1) for i, part in enumerate(parts) if part]


def to_docx(lines: Sequence[str], *, title: str, lang: str) -> bytes:
    """The brief as a .docx file's bytes (headings, bulleted items, tables; ``lang`` tagged)."""
    from docx import Document  # noqa: PLC0415 - only the Word format needs python-docx
    from docx.oxml.ns import qn  # noqa: PLC0415

    doc = Document()
    doc.core_properties.title = title
    doc.core_properties.language = "ko-KR" if lang == "ko" else "en-GB"
    normal = doc.styles["Normal"]
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Malgun Gothic")
    for kind, value in _blocks(lines):
        if kind == "table":
            assert isinstance(value, list)
            table = doc.add_table(rows=0, cols=len(value[0]))
            table.style = "Table Grid"
            for row in value:
                for cell, text in zip(table.add_row().cells, row, strict=False):
                    cell.text = text
        elif kind.startswith("h"):
            doc.add_heading(str(value), level=int(kind[1:]) - 1 if kind == "h1" else int(kind[1:]))
        else:
            para = doc.add_paragraph(style="List Bullet" if kind == "item" else None)
            for text, bold in _runs(str(value)):
                para.add_run(text).bold = bold
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _latin(lines: Sequence[str]) -> list[str]:
    plain = [line.translate(_PLAIN) for line in lines]
    for number, line in enumerate(plain, start=1):
        bad = sorted({ch for ch in line if ord(ch) > 0xFF})
        if bad:
            raise ValidationError(
                f"the brief has characters the built-in PDF font cannot show (line {number}: "
                f"{''.join(bad[:5])!r}); give --font FILE, a TrueType font that has them "
                "(e.g. one with Hangul)"
            )
    return plain


SHIPPED_FONT = Path(__file__).parent.parent / "data" / "fonts" / "UnforgottenHangul-Regular.ttf"
"""Hangul and Latin, shipped (data/fonts/README.md): a brief with Hangul needs no --font."""


_SHIPPED_RANGES: tuple[tuple[int, int], ...] = (
    *((0x20, 0x7E), (0xA0, 0xFF), (0x2010, 0x2027), (0x2030, 0x203A), (0x3000, 0x303F)),
    *((0x3131, 0x318E), (0xAC00, 0xD7A3), (0xFF01, 0xFF5E)),
)


def _latin_only(lines: Sequence[str]) -> bool:
    return all(ord(ch) <= 0xFF for line in lines for ch in line.translate(_PLAIN))


def _shipped_lacks(lines: Sequence[str]) -> list[str]:
    """Characters of ``lines`` that the shipped font has no glyph for (Hanja, for one)."""
    seen = {ch for line in lines for ch in line if ch not in "\n\t"}
    return sorted(ch for ch in seen if not any(lo <= ord(ch) <= hi for lo, hi in _SHIPPED_RANGES))


def to_pdf(lines: Sequence[str], *, title: str, font: Path | None = None) -> bytes:
    """The brief as a PDF file's bytes; ``font`` is a TrueType file (default: Helvetica for Latin
    text, the shipped Hangul font when the brief has other characters)."""
    from fpdf import FPDF  # noqa: PLC0415 - only the PDF format needs fpdf2

    pdf = FPDF(format="A4")
    pdf.set_title(title)
    if font is None and not _latin_only(lines):
        if lacking := _shipped_lacks(lines):
            raise ValidationError(
                f"the brief has characters the shipped Hangul font cannot show ({''.join(lacking[:5])!r}); "
                "give --font FILE, a TrueType font that has them (e.g. one with Hanja)"
            )
        font = SHIPPED_FONT
    if font is not None:
        if not font.is_file():
            raise ValidationError(f"{font}: no such font file")
        pdf.add_font("brief", "", str(font))
        pdf.add_font("brief", "B", str(font))
        family, text_lines = "brief", list(lines)
    else:
        family, text_lines = "helvetica", _latin(lines)
    pdf.add_page()
    for kind, value in _blocks(text_lines):
        _pdf_block(pdf, family, kind, value)
    return bytes(pdf.output())


def _pdf_block(pdf: object, family: str, kind: str, value: object) -> None:
    from fpdf import FPDF  # noqa: PLC0415

    assert isinstance(pdf, FPDF)
    if kind == "table":
        assert isinstance(value, list)
        pdf.set_font(family, size=8)
        with pdf.table(first_row_as_headings=True) as table:
            for row in value:
                table.row(row)
        pdf.ln(2)
        return
    if kind.startswith("h"):
        pdf.set_font(family, "B", size={"h1": 15, "h2": 12}.get(kind, 10))
        pdf.multi_cell(0, 7, str(value), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        return
    pdf.set_font(family, size=9)
    text = ("• " if kind == "item" and family != "helvetica" else "- " if kind == "item" else "") + str(value)
    pdf.multi_cell(0, 5, _BOLD.sub(r"\1", text), new_x="LMARGIN", new_y="NEXT")
