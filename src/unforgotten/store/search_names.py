"""Which names a search box text means: a whole name, a surname alone, or part of a name.

Every reading is matched against the index of :mod:`unforgotten.store.search` (keys
``"family|given"`` as :func:`unforgotten.korean.name_keys` writes them), so every spelling in
every script meets:

* **whole name** — the text's own keys, scored by :func:`unforgotten.korean.name_similarity`
  (``Chol-su Kim`` = 김철수 = ``Kim Cheol-su``, 1.0);
* **surname alone** — one token that is a known surname in any script or system (``Kim``,
  ``KIM``, 김, ``Gim``, ``Park``/``Pak``/박, ``Ri``/``Lee``/이): every name whose family name
  is that surname. Names that write it exactly as typed score 1.0, other spellings in the same
  script 0.95, other scripts 0.9 (0.1 less for a surname's less common Hangul reading);
* **part of a name** — a known surname (its own token, or the first Hangul syllable) and the
  start of the given name (``Kim Chol``, 김철), or the whole text as the start of a given name
  whatever the surname (``Chol``, 철수, ``Chol Su``, ``Cholsu``); Hangul typed is compared
  with Hangul names letter by letter (김철 is not the start of 김전례, though its sound class
  is: 전례 is said [절례], ``Chŏllye`` in MR, so ``Kim Chol`` finds it). A part scores
  ``0.3 × family + 0.7 × (0.6 + 0.4 × coverage)``, coverage being the share of the given name
  typed and family 1 when the surname agrees, 0.5 when none was typed: a whole given name
  with the right surname is 1.0, without a surname 0.85.

>>> [(p.family, p.given) for p in patterns("Kim")], [(p.family, p.given) for p in patterns("김철")]
([('KIM', '')], [('KIM', 'COL'), (None, 'KIMCOL')])
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Integer, cast, func, select

from unforgotten.korean import Script, name_keys, name_similarity, parse_name, script_of
from unforgotten.korean.similarity import given_readings, name_forms, surname_classes
from unforgotten.korean.surnames import fold_latin
from unforgotten.store import schema as s
from unforgotten.store.schema_web import search_key

__all__ = ["MIN_NAME_SCORE", "Pattern", "is_lone_surname", "name_matches", "patterns"]

MIN_NAME_SCORE = 0.72  # below this a key collision is not shown as a name match
MAX_CANDIDATES = 4000  # name rows scored per whole-name query (exact keys first)
MIN_GIVEN_PREFIX = 3  # classes of a given name typed without a surname (철 = COL)
FAMILY_WEIGHT = 0.3
MISSING_FAMILY = 0.5
PREFIX_BASE = 0.6
SAME_SPELLING, SAME_SCRIPT, OTHER_SCRIPT, OTHER_READING = 1.0, 0.95, 0.9, 0.1
_TOKENS = re.compile(r"[\s,\-·.]+")
_TOP = "\U0010ffff"  # sorts after every key character: key range [prefix, prefix + _TOP)


@dataclass(frozen=True, slots=True)
class Pattern:
    """Names whose key starts ``family|given`` (``family`` ``None``: any surname)."""

    family: str | None
    given: str
    penalty: float = 0.0
    given_jamo: str | None = None  # Hangul typed: compared letter by letter with Hangul names

    @property
    def prefix(self) -> str:
        """The start every matching key has."""
        return f"{'*' if self.family is None else self.family}|{self.given}"


def is_lone_surname(text: str) -> bool:
    """Whether the text is one token that is a known surname (``Kim``, 김, ``Rhee``)."""
    return len(_TOKENS.split(text.strip())) == 1 and bool(surname_classes(text))


def patterns(text: str) -> list[Pattern]:
    """The surname-alone or part-of-name readings of the text (see the module note)."""
    text = text.strip()
    if is_lone_surname(text):
        return [Pattern(f, "", OTHER_READING * (i > 0)) for i, f in enumerate(surname_classes(text))]
    out: list[Pattern] = []
    parsed = parse_name(text)
    written = parsed.family in _TOKENS.split(text) or script_of(parsed.family) is Script.HANGUL
    if parsed.family and written and surname_classes(parsed.family):
        out += [
            Pattern(f.family, f.given, given_jamo=f.given_jamo)
            for f in name_forms(text)
            if f.family and f.given
        ]
    out += [
        Pattern(None, g, given_jamo=jamo) for g, jamo in given_readings(text) if len(g) >= MIN_GIVEN_PREFIX
    ]
    return list(dict.fromkeys(out))


def _surname_score(query: str, text: str) -> float:
    folded = fold_latin(query.strip())
    tokens = {fold_latin(t) for t in _TOKENS.split(text) if t}
    if folded in tokens or (script_of(query) is Script.HANGUL and text.startswith(query.strip())):
        return SAME_SPELLING
    return SAME_SCRIPT if script_of(query) is script_of(text) else OTHER_SCRIPT


def _pattern_score(pattern: Pattern, query: str, text: str) -> float:
    best = 0.0
    for form in name_forms(text):
        if pattern.family is not None and form.family != pattern.family:
            continue
        if not form.given.startswith(pattern.given):
            continue
        if not pattern.given:
            return _surname_score(query, text) - pattern.penalty
        typed, whole = pattern.given, form.given
        if pattern.given_jamo is not None and form.given_jamo is not None:
            typed, whole = pattern.given_jamo, form.given_jamo
            if not whole.startswith(typed):
                continue
        coverage = len(typed) / len(whole)
        family = 1.0 if pattern.family is not None else MISSING_FAMILY
        given = PREFIX_BASE + (1 - PREFIX_BASE) * coverage
        best = max(best, FAMILY_WEIGHT * family + (1 - FAMILY_WEIGHT) * given)
    return best


def _key_range(conn: Connection, prefix: str) -> list[Any]:
    key: Any = search_key.c.key
    if conn.dialect.name == "postgresql":
        key = key.collate("C")  # code-point order, whatever the database's collation
    return [key >= prefix, key < prefix + _TOP]


def _pattern_rows(conn: Connection, pattern: Pattern) -> list[tuple[int, str]]:
    names = select(search_key.c.name_id).where(*_key_range(conn, pattern.prefix))
    query = select(s.name.c.person_id, s.name.c.text).where(s.name.c.id.in_(names))
    return [(int(pid), str(text)) for pid, text in conn.execute(query)]


def _whole_name_rows(conn: Connection, text: str) -> list[tuple[int, str]]:
    keys = name_keys(text)
    if not keys:
        return []
    exact = {k for k in keys if not k.startswith("*|")}
    rank = func.max(cast(search_key.c.key.in_(exact), Integer)).desc()
    rows = conn.execute(
        select(s.name.c.person_id, s.name.c.text)
        .join(search_key, search_key.c.name_id == s.name.c.id)
        .where(search_key.c.key.in_(keys))
        .group_by(s.name.c.id, s.name.c.person_id, s.name.c.text)
        .order_by(rank)
        .limit(MAX_CANDIDATES)
    ).all()
    return [(int(pid), str(name)) for pid, name in rows]


def _keep(best: dict[int, tuple[float, str]], pid: int, score: float, text: str) -> None:
    """Keep the best score of a person; of equal scores, the spelling that sorts first."""
    old = best.get(pid)
    if score >= MIN_NAME_SCORE and (old is None or (-score, text) < (-old[0], old[1])):
        best[pid] = (score, text)


def name_matches(conn: Connection, text: str) -> dict[int, tuple[float, str]]:
    """Person id (as stored, merged or not) → (best score, the spelling that matched)."""
    best: dict[int, tuple[float, str]] = {}
    scores: dict[tuple[object, ...], float] = {}
    for pid, name in _whole_name_rows(conn, text):
        forms = name_forms(name)  # spellings of one name read the same: score each reading once
        score = scores.get(forms)
        if score is None:
            score = scores[forms] = name_similarity(text, name)
        _keep(best, pid, score, name)
    for pattern in patterns(text):
        for pid, name in _pattern_rows(conn, pattern):
            _keep(best, pid, _pattern_score(pattern, text, name), name)
    return best
