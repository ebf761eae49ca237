r"""Turn an official readout (English or Korean) into a draft consultation round.

:func:`parse_readout` is rule-based and transparent: every value it extracts carries an
:class:`Evidence` — the paragraph number, the sentence, the sentence's character span in the
input and the id of the rule that fired — so a person confirming the draft can see why.
No network, no model. The rules are listed in docs/tracking.md.

>>> draft = parse_readout("1. The third round took place in Seoul on May 2, 2024.\n"
...                       "2. Both sides agreed to meet again by the end of 2024.\n")
>>> draft.to_dict()["next_steps"]
[{'text': 'meet again by the end of 2024', 'due_from': '2024-05-02', 'due_to': '2024-12-31'}]
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from unforgotten.tracking.items import Found, find_agreed, find_next_steps, find_references
from unforgotten.tracking.people import Mention, find_people
from unforgotten.tracking.rules import apply_rules, place_rules, topic_rules
from unforgotten.tracking.text import Document, Sentence, segment
from unforgotten.tracking.when import FoundDate, find_dates, find_ranges

__all__ = [
    "AgreedItem",
    "DraftRound",
    "Evidence",
    "NextStep",
    "Participant",
    "Reference",
    "Topic",
    "parse_readout",
    "text_hash",
]


_Day = date  # the field ``DraftRound.date`` hides the type name inside that class


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a value came from: paragraph number (0 = title or header), sentence, span, rule.

    ``span`` is ``[start, end)`` of the sentence in the text given to :func:`parse_readout`,
    so ``text[span[0]:span[1]] == sentence``.
    """

    paragraph: int
    sentence: str
    span: tuple[int, int]
    rule: str

    @classmethod
    def of(cls, sentence: Sentence, rule: str) -> Evidence:
        """The evidence of a value found in ``sentence`` by ``rule``."""
        return cls(sentence.paragraph, sentence.text, (sentence.start, sentence.end), rule)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: ``{"paragraph", "sentence", "span": [a, b], "rule"}``."""
        return {
            "paragraph": self.paragraph,
            "sentence": self.sentence,
            "span": list(self.span),
            "rule": self.rule,
        }


@dataclass(frozen=True, slots=True)
class Participant:
    """A public official named as taking part (never a victim or witness)."""

    name: str
    title: str | None
    organization: str | None
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Topic:
    """An agenda topic: a code of the violation or agenda-topic vocabulary."""

    code: str
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class AgreedItem:
    """What the sides agreed, as the clause after "agreed to" reads."""

    text: str
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class NextStep:
    """A next step; ``due_from``/``due_to`` resolved from ``window`` (the phrase as written)."""

    text: str
    due_from: date | None
    due_to: date | None
    window: str | None
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Reference:
    """Another meeting the readout refers to (e.g. "ROK-U.S. Summit in April 2023")."""

    text: str
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class DraftRound:
    """A consultation round read from a readout, waiting for a person to confirm it."""

    date: date | None
    place: str | None
    format: str | None
    participants: tuple[Participant, ...]
    topics: tuple[Topic, ...]
    agreed: tuple[AgreedItem, ...]
    next_steps: tuple[NextStep, ...]
    references: tuple[Reference, ...]
    language: str
    source: str | None = None
    date_evidence: Evidence | None = None
    place_evidence: Evidence | None = None
    format_evidence: Evidence | None = None
    text_sha256: str | None = None  # of the readout text (see :func:`text_hash`), to find it saved twice
    date_from: _Day | None = None  # first day of a visit or multi-day meeting the lead gives
    date_to: _Day | None = None  # last day of a visit or multi-day meeting the lead gives
    date_range_evidence: Evidence | None = None

    def to_dict(self) -> dict[str, Any]:
        """The issue's JSON shape, plus one top-level ``"evidence"`` object parallel to it."""
        return {
            "date": self.date.isoformat() if self.date else None,
            "date_range": self._range_dict(),
            "place": self.place,
            "participants": [
                {"name": p.name, "title": p.title, "organization": p.organization} for p in self.participants
            ],
            "topics": [t.code for t in self.topics],
            "agreed": [a.text for a in self.agreed],
            "next_steps": [_step_dict(s) for s in self.next_steps],
            "references": [r.text for r in self.references],
            "evidence": self._evidence_dict(),
        }

    def _range_dict(self) -> dict[str, str] | None:
        if self.date_to is None or self.date is None:
            return None
        first = self.date_from or self.date
        return {"from": first.isoformat(), "to": self.date_to.isoformat()}

    def _evidence_dict(self) -> dict[str, Any]:
        def one(ev: Evidence | None) -> dict[str, Any] | None:
            return ev.to_dict() if ev else None

        return {
            "source": self.source,
            "language": self.language,
            "format": {"value": self.format, "evidence": one(self.format_evidence)},
            "date": one(self.date_evidence),
            "date_range": one(self.date_range_evidence),
            "place": one(self.place_evidence),
            "participants": [p.evidence.to_dict() for p in self.participants],
            "topics": [t.evidence.to_dict() for t in self.topics],
            "agreed": [a.evidence.to_dict() for a in self.agreed],
            "next_steps": [s.evidence.to_dict() | {"window": s.window} for s in self.next_steps],
            "references": [r.evidence.to_dict() for r in self.references],
        }


def _step_dict(step: NextStep) -> dict[str, Any]:
    return {
        "text": step.text,
        "due_from": step.due_from.isoformat() if step.due_from else None,
        "due_to": step.due_to.isoformat() if step.due_to else None,
    }


_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
_ISO = re.compile(r"^((?:19|20)\d{2})-(\d{2})-(\d{2})")


def _metadata_date(doc: Document) -> date | None:
    for value in doc.metadata.values():
        m = _ISO.match(value.replace(".", "-"))
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


def _year_hint(doc: Document, source: str | None) -> int | None:
    for line in [*doc.header, source or ""]:
        m = _YEAR.search(line)
        if m:
            return int(m.group(1))
    return None


def _resolve(found: FoundDate, doc: Document, source: str | None) -> date | None:
    """Give a date without a year the year of the release date, the header or the file name."""
    issued = _metadata_date(doc)
    year = found.year
    if year is None and issued:
        year = issued.year - ((found.month, found.day) > (issued.month, issued.day))
    year = year or _year_hint(doc, source)
    return date(year, found.month, found.day) if year else None


def _find_date(doc: Document, source: str | None) -> tuple[date | None, Evidence | None]:
    for sentence in (*doc.lead, *doc.opening):
        for found in find_dates(sentence.text):
            if _RETURN.match(sentence.text, found.end):
                continue  # the day of the return flight is not the meeting's
            when = _resolve(found, doc, source)
            if when:
                return when, Evidence.of(sentence, found.rule)
    issued = _metadata_date(doc)
    if issued is None:
        return None, None
    label = next(k for k, v in doc.metadata.items() if v.startswith(issued.isoformat()[:4]))
    return issued, _header_evidence(doc, doc.metadata[label], "D-METADATA")


_RETURN = re.compile(r"\s*(?:귀국|귀환)")


def _find_range(doc: Document, source: str | None) -> tuple[date | None, date | None, Evidence | None]:
    """The first span of days in the lead (a visit "12.10(토)-12(월)", "from October 16th to 18th")."""
    for sentence in doc.lead:
        for found in find_ranges(sentence.text):
            first, last = _resolve(found.first, doc, source), _resolve(found.last, doc, source)
            if first and last:
                if last < first:  # a span over the new year ("12.30-1.2")
                    last = date(last.year + 1, last.month, last.day)
                return first, last, Evidence.of(sentence, found.rule)
    return None, None, None


def _header_evidence(doc: Document, line: str, rule: str) -> Evidence:
    start = doc.text.find(line)
    return Evidence(0, line, (start, start + len(line)), rule)


def _find_place(doc: Document) -> tuple[str | None, Evidence | None]:
    """The place: from the lead, else the headline ("(October 17 to 20, Washington D.C.)"),
    else the first body sentence that names one."""
    for sentence in doc.lead:
        hits = apply_rules(place_rules(), sentence.text)
        if hits:
            return hits[0].rule.code, Evidence.of(sentence, hits[0].rule.rule_id)
    if doc.title:
        hits = apply_rules(place_rules(), doc.title)
        if hits:
            return hits[0].rule.code, _header_evidence(doc, doc.title, hits[0].rule.rule_id)
    for sentence in doc.sentences:
        hits = apply_rules(place_rules(), sentence.text)
        if hits:
            return hits[0].rule.code, Evidence.of(sentence, hits[0].rule.rule_id)
    return None, None


_TRILATERAL = re.compile(
    r"trilateral|3자|한미일|한·미·일|ROK-U\.S\.-Japan|U\.S\.-ROK-Japan|U\.S\.-Japan-ROK|Japan-U\.S\.-ROK",
    re.IGNORECASE,
)
_THREE_SIDES = re.compile(r"\bthe three (?:sides|countries|governments)\b|3국|삼국", re.IGNORECASE)
_BILATERAL = re.compile(
    r"\bbilateral\b|\bROK-U\.?S\b|U\.?S\.?-ROK|Republic of Korea-United States|ROK and (?:the )?U\.?S"
    r"|both sides|the two sides|한미|한·미|양측|양국",
    re.IGNORECASE,
)


def _find_format(doc: Document) -> tuple[str | None, Evidence | None]:
    if doc.title and _TRILATERAL.search(doc.title):
        return "trilateral", _header_evidence(doc, doc.title, "F-TRILATERAL")
    for sentence in doc.lead:
        if _TRILATERAL.search(sentence.text):
            return "trilateral", Evidence.of(sentence, "F-TRILATERAL")
    for sentence in doc.sentences:
        if _THREE_SIDES.search(sentence.text):
            return "trilateral", Evidence.of(sentence, "F-THREE-SIDES")
    if doc.title and _BILATERAL.search(doc.title):
        return "bilateral", _header_evidence(doc, doc.title, "F-BILATERAL")
    for sentence in doc.sentences:
        if _BILATERAL.search(sentence.text):
            return "bilateral", Evidence.of(sentence, "F-BILATERAL")
    return None, None


def _topics(doc: Document) -> tuple[Topic, ...]:
    seen: dict[str, Topic] = {}
    for sentence in doc.sentences:
        for hit in apply_rules(topic_rules(), sentence.text):
            if hit.rule.code not in seen:
                seen[hit.rule.code] = Topic(hit.rule.code, Evidence.of(sentence, hit.rule.rule_id))
    return tuple(seen.values())


def _participant(m: Mention) -> Participant:
    return Participant(m.name, m.title, m.organization, Evidence.of(m.sentence, m.rule))


def _step(f: Found) -> NextStep:
    w = f.window
    due_from, due_to = (w.due_from, w.due_to) if w else (None, None)
    return NextStep(f.text, due_from, due_to, w.phrase if w else None, Evidence.of(f.sentence, f.rule))


def _reference(f: Found) -> Reference:
    return Reference(f.text, Evidence.of(f.sentence, f.rule))


def text_hash(text: str) -> str:
    """SHA-256 of a readout's text with line ends and trailing spaces evened out.

    A copy saved with Windows line ends, or with a blank line more at the end, is the same readout.
    """
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def parse_readout(text: str, *, source: str | None = None) -> DraftRound:
    """Read a readout into a :class:`DraftRound` (English and Korean; nothing is saved).

    ``source`` (a file name or label) is kept with the draft and, when the text gives a date
    without a year and no release date, its year is used as a last resort.
    """
    doc = segment(text)
    when, date_ev = _find_date(doc, source)
    place, place_ev = _find_place(doc)
    first, last, range_ev = _find_range(doc, source)
    if first and when is None:  # only the range gives the year ("October 17 to 20, 2024")
        when, date_ev = first, range_ev
    if first and when and last and not first <= when <= last:
        first = last = range_ev = None
    fmt, fmt_ev = _find_format(doc)
    agreed = find_agreed(doc.sentences)
    steps = find_next_steps(doc.sentences, agreed, anchor=when)
    return DraftRound(
        date=when,
        place=place,
        format=fmt,
        participants=tuple(_participant(m) for m in find_people(doc.sentences)),
        topics=_topics(doc),
        agreed=tuple(AgreedItem(a.text, Evidence.of(a.sentence, a.rule)) for a in agreed),
        next_steps=tuple(_step(s) for s in steps),
        references=tuple(_reference(r) for r in find_references(doc.sentences)),
        language=doc.language,
        source=source,
        date_evidence=date_ev,
        place_evidence=place_ev,
        format_evidence=fmt_ev,
        text_sha256=text_hash(text),
        date_from=first,
        date_to=last,
        date_range_evidence=range_ev,
    )
