"""Agreed items, next steps and references to other meetings, found sentence by sentence.

Rules, each with its id (docs/tracking.md explains them):

- ``AG-EN``  "<both sides | the two sides | they | the United States and ROK ...> agreed to /
  reaffirmed their determination to / committed to / decided to <item>"
- ``AG-KO``  "양측은 / 양국은 / 한미는 <item>하기로 합의했다 (의견을 같이했다)"
- ``NS-AGREED``  an agreed item that has a due window or names the next round
- ``NS-WILL``  "<...> will / plan to <item>" with a due window
- ``NS-KO``  "<item>할 예정이다 / 하기로 했다" with a due window or 차기
- ``RF-WHEN-AFTER``  "ROK-U.S. Summit in April 2023"; ``RF-WHEN-BEFORE``  "the April 2023 summit"
- ``RF-MEETING-OF``  "meeting of the Assembly of States Parties ... in The Hague, ..., on November 21"
- ``RF-KO``  "2023년 4월 한미 정상회담"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from unforgotten.tracking.text import Sentence
from unforgotten.tracking.when import DueWindow, find_window

__all__ = ["Found", "find_agreed", "find_next_steps", "find_references"]

_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_PARTY = r"(?:the\s+)?(?:United States|U\.S\.|US|ROK|Republic of Korea|Korea|Japan)"
_SUBJECT = (
    rf"(?:both sides|the two sides|the three sides|the two countries|the two governments|the three countries"
    rf"|the delegations|they|we|{_PARTY}(?:,?\s+(?:and\s+)?{_PARTY})+)"
)
_AGREED_EN = re.compile(
    rf"\b{_SUBJECT}\s+(?:(?:also|further|further also|again)\s+)?(?:[^.;]*?,?\s+and\s+(?:also\s+)?)?"
    r"(?:agreed|agree|reaffirmed (?:their|our) (?:determination|commitment)|reaffirm (?:their|our) "
    r"(?:determination|commitment)|reaffirmed|committed(?: themselves)?|decided|pledged|intend)"
    r"\s+(?:to|that|on)\s+(?P<item>.+?)\s*\.?$",
    re.IGNORECASE,
)
_AGREED_KO = re.compile(
    r"(?:양측|양국|한미일?|한·미(?:·일)?|3국|삼국)\s*(?:은|는|이|가)\s*(?P<item>.+?)"
    r"\s*(?:하기로|기로|키로)\s*(?:합의|의견을\s*같이|뜻을\s*같이)"
)
_WILL_EN = re.compile(
    r"\b(?:will|plan to|plans to|intend to|intends to|are to|is to)\s+(?P<item>.+?)\s*\.?$",
    re.IGNORECASE,
)
_WILL_KO = re.compile(
    r"(?:은|는|이|가)?\s*(?P<item>[^,.]+?)\s*(?:할\s*예정|하기로\s*(?:하였|했)|키로\s*(?:하였|했))"
)
_NEXT_ROUND = re.compile(r"\bnext (?:round|consultations?|meeting|talks|dialogue)\b|차기|다음 회의", re.I)
_NAME_WORD = r"[A-Z][\w.’'-]*"
_REF_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("RF-WHEN-AFTER", re.compile(
        rf"(?:{_NAME_WORD}\s+)+(?:Summit|Meeting|meeting|Consultations?|Conference|Dialogue|Talks|Session"
        rf"|Forum|Review)(?:\s+\([A-Z]+\))?(?:\s+on(?:\s+[A-Z][\w’'-]*)+)?\s+(?:held\s+)?(?:in|on)\s+{_MONTH}"
        r"(?:\s+\d{1,2}\b,?)?(?:\s+(?:19|20)\d{2})?")),
    ("RF-WHEN-BEFORE", re.compile(
        rf"\b{_MONTH}\s+(?:19|20)\d{{2}}\s+(?:{_NAME_WORD}\s+)*(?:[Ss]ummit|[Mm]eeting|[Cc]onference"
        r"|[Tt]alks|[Dd]ialogue)")),
    ("RF-MEETING-OF", re.compile(
        rf"\bmeeting of (?:the )?{_NAME_WORD}(?:\s+(?:of|to|the|for|on|{_NAME_WORD}|\([A-Z]+\)))*"
        rf"(?:\s+in\s+{_NAME_WORD}(?:\s+{_NAME_WORD})*(?:,\s+(?:the\s+)?{_NAME_WORD})*)?"
        rf"(?:,?\s+on\s+{_MONTH}\s+\d{{1,2}})?")),
    ("RF-KO", re.compile(
        r"(?:(?:19|20)\d{2}년\s*)?\d{1,2}월\s*(?:[가-힣·]+\s*){0,2}?(?:정상회담|정상회의|외교장관회담|회담)")),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Found:
    """One item found in a sentence; ``window`` only for next steps."""

    text: str
    sentence: Sentence
    rule: str
    window: DueWindow | None = None


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,.;")


def _agreed_in(sentence: Sentence) -> Found | None:
    m = _AGREED_EN.search(sentence.text)
    if m:
        return Found(_clean(m.group("item")), sentence, "AG-EN")
    m = _AGREED_KO.search(sentence.text)
    if m:
        return Found(_clean(m.group("item")), sentence, "AG-KO")
    return None


def find_agreed(sentences: tuple[Sentence, ...]) -> list[Found]:
    """Every sentence in which the sides agree, with the agreed clause."""
    return [f for f in (_agreed_in(s) for s in sentences) if f]


def _next_from_agreed(item: Found, anchor: date | None) -> Found | None:
    window = find_window(item.text, anchor=anchor) if anchor else None
    if window or _NEXT_ROUND.search(item.text):
        return Found(item.text, item.sentence, "NS-AGREED", window)
    return None


def _next_from_will(sentence: Sentence, anchor: date | None) -> Found | None:
    m = _WILL_EN.search(sentence.text)
    rule = "NS-WILL"
    if not m:
        m, rule = _WILL_KO.search(sentence.text), "NS-KO"
    if not m:
        return None
    item = _clean(m.group("item"))
    window = find_window(item, anchor=anchor) if anchor else None
    if window or (rule == "NS-KO" and _NEXT_ROUND.search(item)):
        return Found(item, sentence, rule, window)
    return None


def find_next_steps(
    sentences: tuple[Sentence, ...], agreed: list[Found], *, anchor: date | None
) -> list[Found]:
    """Next steps: agreed items with a due window or naming the next round, and "will ..." ones.

    Due windows resolve against ``anchor`` (the readout's date); without it none resolve.
    """
    steps = [f for f in (_next_from_agreed(a, anchor) for a in agreed) if f]
    taken = {f.sentence.start for f in steps}
    for sentence in sentences:
        if sentence.start not in taken:
            found = _next_from_will(sentence, anchor)
            steps += [found] if found else []
    return sorted(steps, key=lambda f: f.sentence.start)


def _tidy_reference(text: str) -> str:
    return re.sub(r"^(?:the|as|during|at)\s+", "", _clean(text), flags=re.IGNORECASE)


def find_references(sentences: tuple[Sentence, ...]) -> list[Found]:
    """Other meetings a readout refers to (summits, earlier meetings, meetings of bodies)."""
    found: list[Found] = []
    for sentence in sentences:
        spans: list[tuple[int, int]] = []
        for rule_id, pattern in _REF_RULES:
            for m in pattern.finditer(sentence.text):
                if any(a < m.end() and m.start() < b for a, b in spans):
                    continue
                spans.append((m.start(), m.end()))
                found.append(Found(_tidy_reference(m.group(0)), sentence, rule_id))
    return found
