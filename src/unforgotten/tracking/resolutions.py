"""UN resolutions on the human rights situation in the DPRK: paragraphs, themes, year-to-year diffs.

A resolution (General Assembly or Human Rights Council) is tracked paragraph by paragraph.
The shipped data (``data/un/resolutions_dprk.csv``, ``data/un/resolution_passages_dprk.csv``)
lists the resolutions with their symbols and sources, and the passages of their texts that
could be read in public sources (``status`` ``quoted``: a passage as the cited page quotes it,
its paragraph number unknown when the page gives none). A full text, as published by the UN,
is read with :func:`parse_text`: every numbered operative paragraph and each of its lettered
sub-paragraphs becomes one :class:`Passage` (``5``, ``5(a)``, …).

Themes are the codes of the readout topic rules (``data/un/topic_rules.csv``) restricted to
:data:`THEMES`, so a paragraph and a commitment of a round that speak of the same thing get
the same code. :func:`diff` compares two years' texts paragraph by paragraph.

>>> p = parse_text("The General Assembly,\\n1. Condemns the abduction of foreign nationals;\\n"
...                "2. Urges the State to allow separated families to meet:\\n"
...                "(a) by letters;\\n(b) by visits;", symbol="X/1")
>>> [(x.number, x.themes) for x in p]
[('1', ('NKV-F1',)), ('2', ('NKV-F4',)), ('2(a)', ()), ('2(b)', ())]
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from unforgotten.data import data_path
from unforgotten.errors import NotFoundError, ValidationError
from unforgotten.tracking.rules import KeywordRule, apply_rules, topic_rules

__all__ = [
    "BODIES",
    "THEMES",
    "ParagraphChange",
    "Passage",
    "Resolution",
    "diff",
    "load_passages",
    "load_resolutions",
    "parse_text",
    "resolution",
    "theme_hits",
    "themes_for",
]

THEMES = {
    "NKV-F1": "Abductions",
    "NKV-F2": "Detainees",
    "NKV-F3": "Unrepatriated prisoners of war",
    "NKV-F4": "Separated families",
    "NKV-A1": "Information control",
    "NKV-C3": "Escapees and refoulement",
    "AGD-ACCOUNTABILITY": "Accountability",
}
"""The themes a resolution paragraph is tracked under: code → label (violation or agenda code)."""

BODIES = ("General Assembly", "Human Rights Council")
_SIMILAR = 0.55  # word-level similarity at or above which two paragraphs are the same, changed


@dataclass(frozen=True, slots=True)
class Resolution:
    """One resolution: symbol, body, year, adoption date, title, how it was adopted, sources."""

    symbol: str
    body: str
    year: int
    adopted: date | None
    title: str
    adoption: str
    source_url: str
    text_found: str
    note: str


@dataclass(frozen=True, slots=True)
class Passage:
    """An operative paragraph (or part of one) of a resolution, with its themes and source.

    ``number`` is ``"5"`` or ``"5(a)"``, or ``None`` when the source quotes it without one;
    ``status`` is ``full`` (from the document) or ``quoted`` (as a cited page quotes it).
    """

    symbol: str
    number: str | None
    text: str
    themes: tuple[str, ...]
    source_url: str
    status: str = "full"


@dataclass(frozen=True, slots=True)
class ParagraphChange:
    """One line of a diff: ``added``, ``removed``, ``changed`` or ``same``, with the words that moved."""

    kind: str
    old_number: str | None
    new_number: str | None
    old_text: str | None
    new_text: str | None
    similarity: float
    words_added: tuple[str, ...] = ()
    words_removed: tuple[str, ...] = ()


@cache
def _rules() -> tuple[KeywordRule, ...]:
    extra = tuple(
        KeywordRule(r["rule_id"], r["code"], re.compile(r["pattern"], re.IGNORECASE), "en", r["note"])
        for r in _rows("resolution_theme_rules.csv")
    )
    return tuple(r for r in topic_rules() if r.code in THEMES) + extra


def theme_hits(text: str) -> list[tuple[str, str, str]]:
    """Why ``text`` got its themes: ``(code, rule id, matched words)`` for every hit of the
    readout topic rules and of ``data/un/resolution_theme_rules.csv``."""
    hits = apply_rules(_rules(), text)
    return [(h.rule.code, h.rule.rule_id, text[h.start : h.end]) for h in hits if h.rule.code in THEMES]


def themes_for(text: str) -> tuple[str, ...]:
    """The :data:`THEMES` codes the topic rules give ``text``, in :data:`THEMES` order."""
    found = {code for code, _, _ in theme_hits(text)}
    return tuple(code for code in THEMES if code in found)


def _rows(name: str) -> list[dict[str, str]]:
    text = data_path("un", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def load_resolutions() -> tuple[Resolution, ...]:
    """The shipped list of resolutions (``data/un/resolutions_dprk.csv``), oldest first."""
    out = [
        Resolution(
            symbol=r["symbol"],
            body=r["body"],
            year=int(r["year"]),
            adopted=date.fromisoformat(r["adopted"]) if r["adopted"] else None,
            title=r["title"],
            adoption=r["adoption"],
            source_url=r["source_url"],
            text_found=r["text_found"],
            note=r["note"],
        )
        for r in _rows("resolutions_dprk.csv")
    ]
    return tuple(sorted(out, key=lambda r: (r.year, r.body, r.symbol)))


@cache
def load_passages() -> tuple[Passage, ...]:
    """The shipped passages (``data/un/resolution_passages_dprk.csv``), in file order."""
    return tuple(
        Passage(
            symbol=r["symbol"],
            number=r["paragraph"] or None,
            text=r["text"],
            themes=themes_for(r["text"]),
            source_url=r["source_url"],
            status=r["status"],
        )
        for r in _rows("resolution_passages_dprk.csv")
    )


def resolution(symbol: str) -> Resolution:
    """The shipped resolution with this symbol (case and spaces folded)."""
    wanted = _fold(symbol)
    for r in load_resolutions():
        if _fold(r.symbol) == wanted:
            return r
    raise NotFoundError(f"no shipped resolution {symbol!r} (see `unforgotten resolution list`)")


def _fold(symbol: str) -> str:
    return re.sub(r"\s+", "", symbol).upper()


_OPERATIVE = re.compile(r"^\s*(\d{1,3})\s*[.)]\s+(\S.*)$")
_LETTER = re.compile(r"^\s*\(([a-z]{1,2})\)\s+(\S.*)$")


def parse_text(text: str, *, symbol: str, source_url: str = "") -> list[Passage]:
    """The operative paragraphs of a resolution's text, each lettered sub-paragraph apart.

    A line ``N. …`` starts paragraph N; ``(a) …`` starts sub-paragraph N(a); other lines
    continue the passage before them (lines before paragraph 1 — the preamble — are left
    out; so are roman-numeral items, which stay in their sub-paragraph's text). Raises
    :class:`ValidationError` when the text has no numbered paragraph.
    """
    parts: list[list[str]] = []  # [number, text]
    number = None
    for line in text.splitlines():
        op, sub = _OPERATIVE.match(line), _LETTER.match(line)
        if op:
            number = op.group(1)
            parts.append([number, op.group(2)])
        elif sub and number is not None:
            parts.append([f"{number}({sub.group(1)})", sub.group(2)])
        elif parts and line.strip():
            parts[-1][1] += " " + line.strip()
    if not parts:
        raise ValidationError(f"{symbol}: no numbered operative paragraph found (lines '1. Condemns …')")
    return [Passage(symbol, n, " ".join(t.split()), themes_for(t), source_url) for n, t in parts]


def _words(text: str | None) -> list[str]:
    return re.findall(r"[\w’'-]+", (text or "").lower())


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _words(a), _words(b), autojunk=False).ratio()


def _word_changes(old: str, new: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    a, b = _words(old), _words(new)
    added: list[str] = []
    removed: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in {"replace", "delete"}:
            removed.append(" ".join(a[i1:i2]))
        if op in {"replace", "insert"}:
            added.append(" ".join(b[j1:j2]))
    return tuple(added), tuple(removed)


def _pairs(old: Sequence[Passage], new: Sequence[Passage]) -> dict[int, tuple[int, float]]:
    """Best match in ``old`` for each passage of ``new`` (greedy by similarity, one-to-one)."""
    scored = sorted(
        ((_similarity(o.text, n.text), j, i) for j, n in enumerate(new) for i, o in enumerate(old)),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    taken_old: set[int] = set()
    out: dict[int, tuple[int, float]] = {}
    for score, j, i in scored:
        if score < _SIMILAR:
            break
        if j not in out and i not in taken_old:
            out[j] = (i, score)
            taken_old.add(i)
    return out


def diff(old: Sequence[Passage], new: Sequence[Passage]) -> list[ParagraphChange]:
    """What changed from ``old`` to ``new``: every paragraph of ``new`` in order (same,
    changed with the words added and removed, or added), then the paragraphs of ``old`` that
    have no counterpart (removed). Paragraphs are matched by word-level similarity (≥ 0.55),
    not by number, since paragraphs are renumbered from year to year.
    """
    pairs = _pairs(old, new)
    out = []
    for j, n in enumerate(new):
        if j not in pairs:
            out.append(ParagraphChange("added", None, n.number, None, n.text, 0.0, tuple(_words(n.text))))
            continue
        i, score = pairs[j]
        o = old[i]
        if _words(o.text) == _words(n.text):
            out.append(ParagraphChange("same", o.number, n.number, o.text, n.text, 1.0))
            continue
        added, removed = _word_changes(o.text, n.text)
        out.append(
            ParagraphChange("changed", o.number, n.number, o.text, n.text, round(score, 3), added, removed)
        )
    matched = {i for i, _ in pairs.values()}
    out += [
        ParagraphChange("removed", o.number, None, o.text, None, 0.0, (), tuple(_words(o.text)))
        for i, o in enumerate(old)
        if i not in matched
    ]
    return out
