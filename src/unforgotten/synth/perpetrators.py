"""Who did it and where, for a synthetic list: the ``perpetrator_name``, ``perpetrator_unit``,
``perpetrator_role`` and ``facility`` columns.

The truth is a property of the person's event (drawn from the person's id, so every list that
records the person agrees): the institution of the case type in the event's era (the state
security ministry for a political prisoner, under the name in force that year), the facility
(a political prison camp, a prison, or a holding centre that the starter set does not hold),
now and then a named officer. Each list writes it in its own spelling: the name in force, a
former or later name, an alias or an abbreviation, a facility by name or by kind and number.
Draws use their own generator, so adding these columns leaves every other column as it was.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass

from unforgotten.synth.population import TruePerson

__all__ = ["OFFICERS", "PERPETRATOR_COLUMNS", "TrueAct", "true_act", "written"]

PERPETRATOR_COLUMNS: tuple[str, ...] = (
    "perpetrator_name", "perpetrator_unit", "perpetrator_role", "facility",
)

# spellings of the starter set's institutions, by the years they were in use
_SECURITY_OLD = ("국가안전보위부", "State Security Department", "bowibu", "보위부", "SSD")
_SECURITY_NEW = ("국가보위성", "Ministry of State Security", "MSS", "보위부", "bowibu")
_PUBLIC_OLD = ("인민보안부", "Ministry of People's Security", "MPS", "anjeonbu")
_PUBLIC_MID = ("인민보안성", "Ministry of People's Security", "MPS")
_PUBLIC_NEW = ("사회안전성", "Ministry of Social Security")
_ARMY = ("조선인민군", "Korean People's Army", "KPA")
_OPERATIONS = ("작전부", "Operations Department")
_RGB = ("정찰총국", "Reconnaissance General Bureau", "RGB")

# facilities: (number, Hangul, English) — the last is a holding centre no starter set holds
_CAMPS = (("14", "개천 제14호 관리소", "Camp 14"), ("15", "요덕 제15호 관리소", "Yodok (Camp 15)"),
          ("16", "화성 제16호 관리소", "Camp 16"), ("25", "청진 제25호 관리소", "Chongjin (Camp 25)"))
_PRISONS = (("1", "개천 제1호 교화소", "Kyohwaso No. 1"), ("12", "전거리 제12호 교화소", "Kyohwaso No. 12"),
            ("4", "강동 제4호 교화소", "Kyohwaso No. 4"))
_HOLDING = (("", "온성 집결소", "Onsong holding centre"),)
_ROLES = ("member_of", "", "direct", "interrogator", "guard", "지시", "direct")

#: Made-up officers (Hangul, romanized) that a witness now and then names.
OFFICERS: tuple[tuple[str, str], ...] = (
    ("리철호", "Ri Chol-ho"), ("김광혁", "Kim Kwang-hyok"), ("박명철", "Pak Myong-chol"),
    ("최성일", "Choe Song-il"), ("한동수", "Han Dong-su"), ("정영남", "Jong Yong-nam"),
)


@dataclass(frozen=True, slots=True)
class TrueAct:
    """What truly happened to one person: the unit's spellings, the facility, the role, an officer."""

    units: tuple[str, ...]
    facility: tuple[str, str, str] | None
    role: str
    officer: tuple[str, str] | None


def _rng(*parts: str) -> random.Random:
    return random.Random(zlib.crc32(":".join(parts).encode("utf-8")))


def _units(person: TruePerson, rng: random.Random) -> tuple[str, ...]:
    year = person.event_date.year
    if person.case_type in ("pow", "abductee_wartime"):
        return _ARMY
    if person.case_type == "abductee_postwar":
        return _RGB if year >= 2009 else _OPERATIONS
    if person.case_type == "forcibly_returned" and rng.random() < 0.4:
        return _PUBLIC_OLD if year < 2016 else _PUBLIC_MID if year < 2020 else _PUBLIC_NEW
    return _SECURITY_OLD if year < 2016 else _SECURITY_NEW


def _facility(person: TruePerson, rng: random.Random) -> tuple[str, str, str] | None:
    if person.case_type == "political_prisoner":  # the camp the event place names
        held = [camp for camp in _CAMPS if f"Camp {camp[0]})" in person.event_place]
        return held[0] if held else rng.choice(_CAMPS)
    if person.case_type == "detainee":
        return rng.choice(_PRISONS)
    if person.case_type == "forcibly_returned":
        return rng.choice(_HOLDING) if rng.random() < 0.3 else rng.choice(_PRISONS)
    return None


def true_act(person: TruePerson) -> TrueAct:
    """The truth of the person's event (the same for every list)."""
    rng = _rng("act", person.person_id)
    units = _units(person, rng)
    facility = _facility(person, rng)
    role = rng.choice(_ROLES)
    officer = rng.choice(OFFICERS) if facility and rng.random() < 0.08 else None
    return TrueAct(units, facility, role, officer)


def written(person: TruePerson, *, prefix: str, share: float, script: str) -> dict[str, str]:
    """The four columns as the list ``prefix`` writes them (empty for rows it does not fill)."""
    rng = _rng(prefix, person.person_id)
    if rng.random() >= share:
        return dict.fromkeys(PERPETRATOR_COLUMNS, "")
    act = true_act(person)
    place = ""
    if act.facility is not None:
        number, hangul, english = act.facility
        forms = [hangul] if script == "hangul" else [english, hangul]
        if number and act.facility in _CAMPS:
            forms.append(f"{number}호 관리소" if script == "hangul" else f"Kwalliso No. {number}")
        place = rng.choice(forms)
    officer = ""
    if act.officer is not None:
        officer = act.officer[0] if script == "hangul" else act.officer[1]
    return {
        "perpetrator_name": officer,
        "perpetrator_unit": rng.choice(act.units),
        "perpetrator_role": act.role,
        "facility": place,
    }
