"""Cut a readout into header, paragraphs and sentences, keeping every character offset.

Rules (documented in docs/tracking.md):

- one non-empty line is one block; lines starting with ``#`` are notes and URLs are links
  (both header, used only for a year hint);
- ``Date`` / ``작성일`` / ``등록일`` / ``부서명`` followed by a value line are metadata;
- the first unnumbered line before the body that does not end a sentence is the title;
- a block starting ``N.`` is paragraph N; in a document without numbers each body block is
  the next ordinal; headings ``[...]``, footnotes ``*...`` and (in numbered documents) bullets
  keep the number of the paragraph before them;
- sentences end at ``.``, ``!`` or ``?`` followed by a space and a capital, a quote, a digit
  or Hangul, except after an abbreviation such as ``U.S.`` or ``D.C.``; Korean sentences end at
  ``다.`` or ``요.``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Block", "Document", "Sentence", "segment"]

_NUMBERED = re.compile(r"^\s*(\d{1,2})\.\s+")
_META_LABELS = frozenset({"date", "작성일", "등록일", "부서명", "담당부서"})
_HEADING = re.compile(r"^\s*\[.*\]\s*$")
_FOOTNOTE = re.compile(r"^\s*\*")
_BULLET = re.compile(r"^\s*[°•○◦▪\-–]\s*")
_HANGUL = re.compile(r"[가-힣]")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’]?(?=\s+[\"'“‘A-Z0-9가-힣])|(?<=[다요]\.)(?=\s)")
_ABBREV = re.compile(r"(?:\b(?:[A-Z]\.){2,}|\b(?:Mr|Ms|Mrs|Dr|No|St|Jr|Sr|e\.g|i\.e|vs)\.)$")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its text and its ``[start, end)`` offsets in the whole readout."""

    paragraph: int
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Block:
    """One line of body text with its paragraph number and offsets in the whole readout."""

    paragraph: int
    kind: str  # "paragraph", "heading", "footnote" or "bullet"
    text: str
    start: int
    end: int
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True, slots=True)
class Document:
    """A readout cut into parts; ``header`` holds notes, links, title and metadata lines."""

    text: str
    title: str | None
    metadata: dict[str, str]
    header: tuple[str, ...]
    blocks: tuple[Block, ...]
    language: str

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        """Every sentence of the body, in order."""
        return tuple(s for b in self.blocks for s in b.sentences)

    @property
    def opening(self) -> tuple[Sentence, ...]:
        """The sentences of the first three body paragraphs (a date not in the lead is here)."""
        numbers = sorted({b.paragraph for b in self.blocks if b.kind == "paragraph"})[:3]
        return tuple(s for b in self.blocks if b.paragraph in numbers for s in b.sentences)

    @property
    def lead(self) -> tuple[Sentence, ...]:
        """The sentences of the first body paragraph (where date and place are looked for)."""
        first = next((b for b in self.blocks if b.kind == "paragraph"), None)
        return first.sentences if first else ()


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    start: int


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    offset = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            lead = len(body) - len(body.lstrip())
            out.append(_Line(stripped, offset + lead))
        offset += len(raw)
    return out


def _split_sentences(paragraph: int, text: str, start: int) -> tuple[Sentence, ...]:
    pieces: list[Sentence] = []
    cursor = 0
    for m in _SENTENCE_END.finditer(text):
        if _ABBREV.search(text[: m.start()]):
            continue
        pieces.append(_sentence(paragraph, text, start, cursor, m.end()))
        cursor = m.end()
    pieces.append(_sentence(paragraph, text, start, cursor, len(text)))
    return tuple(p for p in pieces if p.text)


def _sentence(paragraph: int, text: str, base: int, a: int, b: int) -> Sentence:
    chunk = text[a:b]
    lead = len(chunk) - len(chunk.lstrip())
    body = chunk.strip()
    return Sentence(paragraph, body, base + a + lead, base + a + lead + len(body))


def _is_title(line: str) -> bool:
    return not _NUMBERED.match(line) and not re.search(r"(?:[.!?]|다\.)[\"'”]?$", line)


def _header(lines: list[_Line]) -> tuple[str | None, dict[str, str], list[str], int]:
    """Read notes, links, title and metadata from the top; return where the body starts."""
    title: str | None = None
    meta: dict[str, str] = {}
    notes: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i].text
        if line.startswith("#") or re.match(r"^https?://", line):
            notes.append(line)
        elif line.lower() in _META_LABELS and i + 1 < len(lines):
            meta[line.lower()] = lines[i + 1].text
            i += 1
        elif title is None and not meta and _is_title(line) and i + 1 < len(lines):
            title = line
        else:
            break
        i += 1
    return title, meta, notes, i


def _kind(line: str, numbered_doc: bool) -> str:
    if _HEADING.match(line):
        return "heading"
    if _FOOTNOTE.match(line):
        return "footnote"
    if numbered_doc and _BULLET.match(line):
        return "bullet"
    return "paragraph"


def _blocks(lines: list[_Line]) -> tuple[Block, ...]:
    numbered_doc = any(_NUMBERED.match(line.text) for line in lines)
    blocks: list[Block] = []
    number = 0
    for line in lines:
        kind = _kind(line.text, numbered_doc)
        m = _NUMBERED.match(line.text)
        if m:
            number = int(m.group(1))
        elif kind == "paragraph" and not numbered_doc:
            number += 1
        bullet = _BULLET.match(line.text) if kind == "bullet" else None
        skip = m.end() if m else (bullet.end() if bullet else 0)
        text, start = line.text[skip:], line.start + skip
        sentences = () if kind == "heading" else _split_sentences(number, text, start)
        blocks.append(Block(number, kind, text, start, start + len(text), sentences))
    return tuple(blocks)


def segment(text: str) -> Document:
    """Cut ``text`` into header and numbered body blocks with sentences and offsets."""
    lines = _lines(text)
    title, meta, notes, body_start = _header(lines)
    body = lines[body_start:]
    language = "ko" if len(_HANGUL.findall(text)) > len(text) // 10 else "en"
    header = tuple(notes + ([title] if title else []) + [f"{k}: {v}" for k, v in meta.items()])
    return Document(text, title, meta, header, _blocks(body), language)
