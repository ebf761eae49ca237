"""Finding an organisation, a facility or an alleged perpetrator from a name as a list writes it:
in any script, any romanisation, an alias or an abbreviation, and the name in force at a date.

A name is compared on its *match key*: Unicode-normalised, case-folded, without accents, spaces,
punctuation or apostrophes (``Kaechŏn`` = ``Kaechon``; ``State Security Dept.`` ≠ ``SSD`` unless
``SSD`` is a recorded abbreviation). Every recorded name of an organisation matches it, whenever
that name was in use, so an act written down under ``국가안전보위부`` finds the organisation that
later became ``국가보위성``; the match says which name was in force at the act's date.

>>> match_key("Kaechŏn Che14ho Kwalliso")
'kaechonche14hokwalliso'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from unforgotten.korean.similarity import name_similarity
from unforgotten.store import schema as s
from unforgotten.store.schema_accountability import facility, org_name, post

__all__ = ["Match", "active", "match_facility", "match_key", "match_organisation", "match_perpetrator"]

_DROP = re.compile(r"[\s\W_]+", re.UNICODE)

#: Words that name a kind of facility, by kind (their match keys).
FACILITY_WORDS: dict[str, tuple[str, ...]] = {
    "kwanliso": ("kwanliso", "kwalliso", "gwalliso", "gwanliso", "관리소", "camp", "politicalprisoncamp"),
    "kyohwaso": ("kyohwaso", "gyohwaso", "kyohwa", "교화소"),
    "jipkyulso": ("jipkyulso", "jipgyeolso", "chipkyolso", "집결소"),
    "holding_centre": ("holdingcentre", "holdingcenter", "구류장", "detentioncentre"),
}


def match_key(text: str) -> str:
    """The key two spellings of one name share (see the module docstring)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _DROP.sub("", unicodedata.normalize("NFC", plain))


def active(row: Any, at: date | None) -> bool:
    """Whether a dated row (``valid_from``/``valid_to``) held on ``at`` (any row holds on no date)."""
    if at is None:
        return True
    start, end = row["valid_from"], row["valid_to"]
    return (start is None or start <= at) and (end is None or end >= at)


@dataclass(frozen=True, slots=True)
class Match:
    """What a name matched: the entity, the recorded name it matched, and whether that name was
    the one in force at the date asked about (``None``: no date was given)."""

    kind: str  # organisation | facility | person
    id: int
    matched: str
    label: str  # the entity's name at the date (or its main name)
    in_force: bool | None
    score: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "kind": self.kind,
            "id": self.id,
            "matched": self.matched,
            "label": self.label,
            "in_force": self.in_force,
            "score": round(self.score, 3),
        }


def name_at(conn: Connection, organisation_id: int, at: date | None) -> str:
    """The organisation's name at ``at``: a Hangul name in force, else an English one, else any."""
    rows = list(
        conn.execute(
            select(org_name).where(org_name.c.organisation_id == organisation_id).order_by(org_name.c.id)
        ).mappings()
    )
    for kinds in (("hangul",), ("english",), ("alias", "abbreviation")):
        current = [r for r in rows if r["kind"] in kinds and active(r, at)]
        if current:
            return str(current[-1]["text"]) if at is None else str(current[0]["text"])
    return str(rows[0]["text"]) if rows else f"organisation {organisation_id}"


def names_at(conn: Connection, organisation_id: int, at: date | None) -> dict[str, str]:
    """The Hangul and English names in force at ``at`` (the latest recorded when ``at`` is None)."""
    rows = list(
        conn.execute(
            select(org_name).where(org_name.c.organisation_id == organisation_id).order_by(org_name.c.id)
        ).mappings()
    )
    out: dict[str, str] = {}
    for kind in ("hangul", "english"):
        current = [r for r in rows if r["kind"] == kind and active(r, at)]
        if at is None:
            current = [r for r in current if r["valid_to"] is None] or current
        if current:
            out[kind] = str(current[0]["text"])
    return out


def match_organisation(conn: Connection, text: str, at_date: date | None = None) -> Match | None:
    """The organisation ``text`` names, by any of its recorded names (``None``: no match, or two
    organisations share the name and the date does not tell them apart)."""
    key = match_key(text)
    if not key:
        return None
    rows = list(conn.execute(select(org_name).where(org_name.c.match_key == key)).mappings())
    orgs = {int(r["organisation_id"]) for r in rows}
    if len(orgs) > 1 and at_date is not None:
        dated = {int(r["organisation_id"]) for r in rows if active(r, at_date)}
        orgs = dated if len(dated) == 1 else orgs
    if len(orgs) != 1:
        return None
    org_id = orgs.pop()
    mine = [r for r in rows if int(r["organisation_id"]) == org_id]
    in_force = None if at_date is None else any(active(r, at_date) for r in mine)
    return Match("organisation", org_id, str(mine[0]["text"]), name_at(conn, org_id, at_date), in_force)


def _facility_keys(row: Any) -> set[str]:
    keys = set()
    for column in ("name_en", "name_hangul", "name_rr", "name_mr"):
        value = str(row[column] or "")
        value = re.sub(r"\((spelling )?unverified\)", "", value)
        first = value.split()[0].split("/")[0] if value.split() else ""
        for part in (value, first, *re.findall(r"\(([^)]*)\)", value), re.sub(r"\([^)]*\)", "", value)):
            if match_key(part):
                keys.add(match_key(part))
    return keys


def _number_and_kind(key: str) -> tuple[str, str] | None:
    number = re.findall(r"\d+", key)
    if len(number) != 1:
        return None
    for kind, words in FACILITY_WORDS.items():
        if any(word in key for word in words):
            return number[0], kind
    return None


def match_facility(conn: Connection, text: str, at_date: date | None = None) -> Match | None:
    """The facility ``text`` names: any of its names in any script, or a kind word and its number
    (``Camp 14``, ``14호 관리소``, ``Kyohwaso No. 12``). ``None`` when nothing or several match."""
    key = match_key(text)
    if not key:
        return None
    rows = list(conn.execute(select(facility)).mappings())
    found = [r for r in rows if key in _facility_keys(r)]
    if not found and (numbered := _number_and_kind(key)):
        found = [r for r in rows if (str(r["number"] or ""), str(r["kind"])) == numbered]
    if len(found) != 1:
        return None
    row = found[0]
    in_force = None if at_date is None else active(row, at_date)
    return Match("facility", int(row["id"]), text, str(row["name_en"]), in_force)


def match_perpetrator(
    conn: Connection, text: str, at_date: date | None = None, *, threshold: float = 0.9
) -> Match | None:
    """The person holding (or having held) a post whose name ``text`` is, in any spelling: the
    best Korean name similarity at or above ``threshold``; among equals, one holding a post at
    ``at_date``. ``None`` when no one or several people match equally well."""
    posts = list(conn.execute(select(post.c.person_id, post.c.valid_from, post.c.valid_to)).mappings())
    person_ids = sorted({int(p["person_id"]) for p in posts})
    if not person_ids or not text.strip():
        return None
    names = conn.execute(
        select(s.name.c.person_id, s.name.c.text).where(s.name.c.person_id.in_(person_ids))
    ).all()
    primary = dict(
        conn.execute(
            select(s.person.c.id, s.person.c.primary_name).where(s.person.c.id.in_(person_ids))
        ).all()
    )
    best: dict[int, tuple[float, str]] = {}
    for pid, spelling in [*names, *primary.items()]:
        score = name_similarity(text, str(spelling))
        if score >= threshold and score > best.get(int(pid), (0.0, ""))[0]:
            best[int(pid)] = (score, str(spelling))
    if not best:
        return None
    top = max(score for score, _ in best.values())
    tied = [pid for pid, (score, _) in best.items() if score == top]
    if len(tied) > 1 and at_date is not None:
        holding = [
            pid for pid in tied if any(int(p["person_id"]) == pid and active(p, at_date) for p in posts)
        ]
        tied = holding if len(holding) == 1 else tied
    if len(tied) != 1:
        return None
    pid = tied[0]
    in_force = (
        None if at_date is None else any(int(p["person_id"]) == pid and active(p, at_date) for p in posts)
    )
    return Match("person", pid, best[pid][1], str(primary[pid]), in_force, top)
