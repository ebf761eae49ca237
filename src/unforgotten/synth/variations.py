"""What real lists do that the house styles do not: variation kinds at list-specific rates.

:func:`enrich` rewrites rows of :class:`~.lists.SyntheticLists` after they are written, each
kind at the rate its list has in :data:`RATES`, and records on every row the kinds applied
(:attr:`Enriched.kinds`), so that recall can be measured per kind:

* ``no_birth_date`` — the birth date left blank (a testimony database leaves it blank on
  most rows);
* ``surname_only`` — ``박씨``, ``박 (이름 미상)``, ``Mr. Pak``, ``Ms. Kim``: the given name unknown;
* ``lunar`` — a families' list writes the birth date in the lunar calendar, marked ``(음력)``;
* ``given_first`` — a romanized name written given name first (``Chol Su Pae``);
* ``capital_surname`` — the surname in capitals (``SIM Yong Ho``);
* ``case_recoded`` — a list that codes everyone held in the North as ``detainee``;
* ``south_place`` — wartime abductees taken from South Korean cities and counties, written
  "province + county" in the list's script and order (``서울특별시 서대문구``,
  ``Seodaemun-gu, Seoul``). The place is the person's (every list that writes the event
  place writes that one), drawn for :data:`SOUTH_SHARE` of wartime abductees.

The base rows are left as they were for every row no kind touches; the same seed gives the
same lists.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache

from unforgotten.data import data_path
from unforgotten.domain.dates import lunar_to_solar, solar_to_lunar
from unforgotten.synth.lists import SourceList, SyntheticLists
from unforgotten.synth.population import TruePerson
from unforgotten.synth.spelling import is_hangul

__all__ = ["KINDS", "RATES", "SOUTH_SHARE", "Enriched", "enrich"]

KINDS = (
    "no_birth_date",
    "surname_only",
    "lunar",
    "given_first",
    "capital_surname",
    "case_recoded",
    "south_place",
)
#: Per list, the share of its rows given each kind (lists not named get none).
RATES: Mapping[str, Mapping[str, float]] = {
    "ministry": {"south_place": 1.0},
    "families": {"no_birth_date": 0.1, "surname_only": 0.04, "lunar": 0.25, "south_place": 1.0},
    "ngo_db": {
        "no_birth_date": 0.55,
        "surname_only": 0.02,
        "capital_surname": 0.15,
        "case_recoded": 0.2,
        "south_place": 1.0,
    },
    "un_wgeid": {"given_first": 0.1, "case_recoded": 0.5, "south_place": 1.0},
    "press": {"surname_only": 0.06, "given_first": 0.15, "south_place": 1.0},
}
#: Share of wartime abductees whose place of abduction is a South Korean city or county.
SOUTH_SHARE = 0.6
_HELD = ("forcibly_returned", "political_prisoner")
_NAME_KINDS = ("given_first", "capital_surname")
#: ISO code → (Hangul, abbreviation, RR) of the provinces abductions were taken from.
_PROVINCE_HANGUL = {
    "KR-11": ("서울특별시", "서울", "Seoul"),
    "KR-41": ("경기도", "경기", "Gyeonggi-do"),
    "KR-42": ("강원도", "강원", "Gangwon-do"),
    "KR-43": ("충청북도", "충북", "Chungcheongbuk-do"),
    "KR-44": ("충청남도", "충남", "Chungcheongnam-do"),
    "KR-28": ("인천광역시", "인천", "Incheon"),
}


@dataclass(frozen=True, eq=False)
class Enriched:
    """The enriched lists and, per ``(list, record_id)``, the kinds applied to that row."""

    lists: SyntheticLists
    kinds: dict[tuple[str, str], tuple[str, ...]]


@cache
def _south_places() -> tuple[tuple[str, str, str, str, str], ...]:
    """(province Hangul, abbreviation, RR, unit Hangul, unit RR) of the cities and counties where
    wartime abductions happened most (the provinces near the front in 1950)."""
    import csv  # noqa: PLC0415
    import io  # noqa: PLC0415

    text = data_path("korean", "kr_municipalities.csv").read_text(encoding="utf-8")
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["province"] in _PROVINCE_HANGUL]
    return tuple((*_PROVINCE_HANGUL[r["province"]], r["name_hangul"], r["name_rr"]) for r in rows)


def _hash(text: str) -> float:
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16) / 16**12


def _south_place(person: TruePerson) -> tuple[str, str, str, str, str] | None:
    if person.case_type != "abductee_wartime" or _hash(person.person_id + "/south") >= SOUTH_SHARE:
        return None
    places = _south_places()
    return places[int(_hash(person.person_id + "/where") * len(places))]


def _write_south(where: tuple[str, str, str, str, str], hangul: bool, rng: random.Random) -> str:
    province, short, province_rr, unit, unit_rr = where
    if hangul:
        return f"{province} {unit}" if rng.random() < 0.7 else f"{short} {unit}"
    return f"{unit_rr}, {province_rr}" if rng.random() < 0.7 else f"{province_rr} {unit_rr}"


def _surname_only(row: dict[str, str], person: TruePerson, rng: random.Random) -> bool:
    family = person.family_hangul
    if family == "모":
        return False  # 모 (某) also means "a certain": 모씨 is anyone
    if is_hangul(row["full_name"].replace(" ", "")):
        row["full_name"] = f"{family}씨" if rng.random() < 0.6 else f"{family} (이름 미상)"
        row.update(family_name=family, given_name="")
        return True
    surname = row["full_name"].split()[0] if row["full_name"].split() else family
    title = "Mr." if person.sex == "M" else "Ms."
    row.update(full_name=f"{title} {surname.capitalize()}", family_name="", given_name="", name_hangul="")
    return True


def _lunar(row: dict[str, str], person: TruePerson) -> bool:
    found = solar_to_lunar(person.birth_date)
    if found is None or not row["birth_date"] or lunar_to_solar(*found) != person.birth_date:
        return False  # a leap month (윤달) would need its own mark
    year, month, day = found
    row["birth_date"] = f"{year}년 {month}월 {day}일 (음력)"
    return True


def _given_first(row: dict[str, str]) -> bool:
    parts = row["full_name"].split()
    if len(parts) < 2 or is_hangul(parts[0]):
        return False
    row.update(full_name=" ".join([*parts[1:], parts[0]]), family_name="", given_name="")
    return True


def _capital(row: dict[str, str]) -> bool:
    parts = row["full_name"].split()
    if len(parts) < 2 or is_hangul(parts[0]):
        return False
    row["full_name"] = " ".join([parts[0].upper(), *parts[1:]])
    if row["family_name"]:
        row["family_name"] = row["family_name"].upper()
    return True


def _apply(kind: str, row: dict[str, str], person: TruePerson, rng: random.Random) -> bool:
    if kind == "no_birth_date":
        row["birth_date"] = ""
        return True
    if kind == "surname_only":
        return _surname_only(row, person, rng)
    if kind == "lunar":
        return _lunar(row, person)
    if kind == "given_first":
        return _given_first(row)
    if kind == "capital_surname":
        return _capital(row)
    if kind == "case_recoded" and person.case_type in _HELD:
        row["case_type"] = "detainee"
        return True
    return False


def _enrich_row(
    row: dict[str, str], person: TruePerson, rates: Mapping[str, float], hangul: bool, rng: random.Random
) -> tuple[dict[str, str], tuple[str, ...]]:
    out, kinds = dict(row), []
    where = _south_place(person)
    if where is not None and out["event_place"] and "south_place" in rates:
        out["event_place"] = _write_south(where, hangul, rng)
        kinds.append("south_place")
    for kind in KINDS[:-1]:
        if kind in _NAME_KINDS and "surname_only" in kinds:
            continue  # "Mr. Pak" has no order and no given name to write
        if rng.random() < rates.get(kind, 0.0) and _apply(kind, out, person, rng):
            kinds.append(kind)
    return out, tuple(kinds)


def enrich(lists: SyntheticLists, *, seed: int, rates: Mapping[str, Mapping[str, float]] = RATES) -> Enriched:
    """``lists`` with every variation kind applied at its list's rate (see the module note)."""
    kinds: dict[tuple[str, str], tuple[str, ...]] = {}
    out = []
    for position, source in enumerate(lists.lists):
        rng = random.Random(seed * 1000 + position)
        hangul = source.style.script == "hangul"
        list_rates = rates.get(source.name, {})
        rows = []
        for row in source.rows:
            person = lists.population.by_id[lists.truth[(source.name, row["record_id"])]]
            new, applied = _enrich_row(row, person, list_rates, hangul, rng)
            rows.append(new)
            kinds[(source.name, row["record_id"])] = applied
        out.append(SourceList(source.name, source.style, tuple(rows)))
    return Enriched(replace(lists, lists=tuple(out)), kinds)
