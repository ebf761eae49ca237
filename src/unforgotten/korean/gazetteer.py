"""Korean places as data: North Korean provinces, counties and facilities; South Korean units.

Read from ``data/korean/`` (see its README for provenance and licences):

* :func:`provinces` — the 13 first-level units of ``nk_admin1_divisions.csv`` (ISO 3166-2:KP
  codes), with every spelling family and the periods their present form is valid for,
  plus 황해도, split in 1954, which lists still name;
* :func:`counties` — the 179 counties and cities of ``nk_counties.csv`` (its own
  ``KPppcc`` ids; English names only, no Hangul in the source);
* :func:`facilities` — the camps of ``nk_detention_facilities.csv``;
* :func:`south_korea` — the 17 first-level units of ``kr_admin1_divisions.csv`` (ISO
  3166-2:KR codes; the ROK's 강원도 says that 강원도 is ambiguous), then the 260 cities, counties
  and districts of ``kr_municipalities.csv`` (Statistics Korea's codes of 1 April 2010, codes
  ``KR-pp-ccccc``, with later and older names), then the islands, ports and towns of
  ``kr_places.csv`` that abduction and POW records name (codes ``KR-pp-name``).

The validity years are compiled from the reference notes and general knowledge of the
administrative history and are *not* verified against an official gazette.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import cache

from unforgotten.data import data_path

__all__ = ["PlaceUnit", "counties", "facilities", "municipalities", "provinces", "south_korea"]


@dataclass(frozen=True, slots=True)
class PlaceUnit:
    """One place in the gazetteer, with the spellings it is known by."""

    code: str
    level: str
    name_hangul: str
    name_en: str
    province_code: str
    aliases: tuple[str, ...] = ()
    valid_from: int | None = None
    valid_to: int | None = None
    note: str = ""
    lat: float | None = None
    lon: float | None = None
    number: int | None = field(default=None, compare=False)
    parent_code: str = ""


# code → (valid_from, valid_to, extra aliases, note); years as compiled, not verified
_PROVINCE_HISTORY: dict[str, tuple[int | None, int | None, tuple[str, ...], str]] = {
    "KP-01": (1946, None, ("평양", "평양시", "Pyongyang-si", "Pyeongyang", "평양특별시"), ""),
    "KP-02": (1945, None, ("평남", "South Pyongan", "Pyongannam-do", "Pyongan-namdo"), ""),
    "KP-03": (1945, None, ("평북", "North Pyongan", "Pyonganbuk-do", "Pyongan-bukto"), ""),
    "KP-04": (1949, None, ("자강", "Chagang", "Chagang-do"), "created 1949 from North Pyongan"),
    "KP-05": (1954, None, ("황남", "South Hwanghae", "Hwanghae-namdo"),
              "created 1954 when Hwanghae was split"),
    "KP-06": (1954, None, ("황북", "North Hwanghae", "Hwanghae-bukto"),
              "created 1954 when Hwanghae was split; held Kaesong 2003-2019"),
    "KP-07": (1946, None, ("Kangwon", "Kangwon-do"),
              "ambiguous: 강원도 is also a South Korean province (강원특별자치도)"),
    "KP-08": (1945, None, ("함남", "South Hamgyong", "Hamgyong-namdo", "Hamgyongnam-do"), ""),
    "KP-09": (1945, None, ("함북", "North Hamgyong", "Hamgyong-bukto", "Hamgyongbuk-do"),
              "held Rason before 1993 and 2004-2010"),
    "KP-10": (1954, None, ("양강도", "양강", "량강", "Yanggang", "Yanggang-do", "Ryanggang"),
              "created 1954 from South Hamgyong; ROK spelling 양강도"),
    "KP-13": (2010, None, ("나선", "나선시", "라선시", "Rason", "Rajin-Sonbong", "Najin-Sonbong",
                           "나진선봉", "라진선봉", "Rason City"),
              "special city since 2010; Rajin-Sonbong directly governed city 1993-2004"),
    "KP-14": (2010, None, ("남포", "남포시", "Nampho", "Nampo"),
              "directly governed city 1980-2004, part of South Pyongan 2004-2010"),
    "KP-15": (2019, None, ("개성", "개성시", "Kaesong", "Kaesong City"),
              "special city since 2019; part of North Hwanghae 2003-2019"),
}
_COUNTY_PROVINCE = {
    "Ryanggang": "KP-10", "North Hamgyong": "KP-09", "South Hamgyong": "KP-08",
    "Kangwon": "KP-07", "Jagang": "KP-04", "North Pyongan": "KP-03", "South Pyongan": "KP-02",
    "North Hwanghae": "KP-06", "South Hwanghae": "KP-05", "Pyongyang": "KP-01",
    "Nampo": "KP-14",
}
_EXTRA_UNITS = (
    PlaceUnit(
        code="KP-05|KP-06", level="historical province", name_hangul="황해도",
        name_en="Hwanghae", province_code="KP-05|KP-06",
        aliases=("Hwanghae-do", "Hwanghae Province", "황해"), valid_to=1954,
        note="split in 1954 into South (KP-05) and North (KP-06) Hwanghae",
    ),
)


def _read(name: str) -> list[dict[str, str]]:
    text = data_path("korean", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _level(kind: str) -> str:
    if kind.startswith("Capital"):
        return "capital city"
    return "special city" if kind.startswith("Special") else "province"


@cache
def provinces() -> tuple[PlaceUnit, ...]:
    """The provinces and special cities (ISO 3166-2:KP), then historical 황해도."""
    units = []
    for row in _read("nk_admin1_divisions.csv"):
        code = row["iso_3166_2"]
        start, end, extra, note = _PROVINCE_HISTORY[code]
        spellings = (row["name_rr"], row["name_mr"], _iso_name(row), *extra)
        aliases = tuple(a.strip() for s in spellings for a in s.split("/") if a.strip())
        units.append(PlaceUnit(
            code=code, level=_level(row["type"]), name_hangul=row["name_hangul"],
            name_en=row["name_dprk_english_common"], province_code=code, aliases=aliases,
            valid_from=start, valid_to=end, note=note or row["notes"],
        ))
    return (*units, *_EXTRA_UNITS)


def _iso_name(row: dict[str, str]) -> str:
    return next(v for k, v in row.items() if k.startswith("name_iso"))


@cache
def counties() -> tuple[PlaceUnit, ...]:
    """The counties and cities of ``nk_counties.csv``, province codes mapped to ISO."""
    units = []
    for row in _read("nk_counties.csv"):
        name = row["county_name_en"]
        level = "city" if name.endswith(" City") else "county"
        level = "district" if name.endswith(" Dist.") else level
        base = name.removesuffix(" City").removesuffix(" Dist.")
        units.append(PlaceUnit(
            code=row["county_id"], level=level, name_hangul="", name_en=name,
            province_code=_COUNTY_PROVINCE[row["province_name_en"]], aliases=(base,),
            note=f"{row['province_name_en']} in the source dataset",
            lat=float(row["lat"]), lon=float(row["lon"]),
        ))
    return tuple(units)


@cache
def facilities() -> tuple[PlaceUnit, ...]:
    """Political prison camps (kwanliso) and prisons (kyohwaso) with their numbers."""
    units = []
    for row in _read("nk_detention_facilities.csv"):
        kind = row["type"].split()[0]
        number = int(row["number"])
        hangul = row["name_hangul"].split(" (")[0]
        units.append(PlaceUnit(
            code=f"{kind}-{number}", level="facility", name_hangul=hangul,
            name_en=row["name_en"], province_code="",
            aliases=(row["name_rr"].split(" (")[0], row["name_mr"].split(" (")[0]),
            note=row["status_note"], lat=float(row["lat"]) if row["lat"] else None,
            lon=float(row["lon"]) if row["lon"] else None, number=number,
        ))
    return tuple(units)


@cache
def south_korea() -> tuple[PlaceUnit, ...]:
    """South Korean provinces and metropolitan cities (ISO 3166-2:KR), then islands and towns."""
    units = []
    for row in _read("kr_admin1_divisions.csv"):
        code = row["iso_3166_2"]
        spellings = (row["name_iso_3166_2"], row["name_rr"], row["name_mr"], *row["aliases"].split("|"))
        units.append(PlaceUnit(
            code=code, level=row["type"].lower().removeprefix("special self-governing "),
            name_hangul=row["name_hangul"], name_en=row["name_en_common"], province_code=code,
            aliases=tuple(dict.fromkeys(a for a in spellings if a)), note=row["notes"],
        ))
    places = []
    for row in _read("kr_places.csv"):
        spellings = (row["name_rr"], row["name_mr"], *row["aliases"].split("|"))
        places.append(PlaceUnit(
            code=row["code"], level=row["level"], name_hangul=row["name_hangul"],
            name_en=row["name_en"], province_code=row["province"],
            aliases=tuple(dict.fromkeys(a for a in spellings if a)), note=f"in {row['within']}",
        ))
    return (*units, *places, *municipalities())


def _stem(hangul: str) -> tuple[str, ...]:
    """``종로구`` → ``("종로",)``, ``춘천시`` → ``("춘천",)``: lists write places without the
    level; one-syllable stems (중구, 서구) are left out: alone they name nothing."""
    stem = hangul[:-1]
    return (stem,) if len(stem) >= 2 else ()


@cache
def municipalities() -> tuple[PlaceUnit, ...]:
    """South Korean cities (시), counties (군) and districts (구) with their older names.

    A district of a city (수원시 장안구) has the city as ``parent_code``.
    """
    rows = _read("kr_municipalities.csv")
    codes = {(r["province"], r["name_hangul"]): f"{r['province']}-{r['kostat_code']}" for r in rows}
    units = []
    for row in rows:
        old = tuple(a for a in row["old_names"].split("|") if a)
        parent = codes.get((row["province"], row["parent"]), "") if row["parent"] else ""
        units.append(PlaceUnit(
            code=f"{row['province']}-{row['kostat_code']}", level=row["level"],
            name_hangul=row["name_hangul"], name_en=row["name_rr"], province_code=row["province"],
            aliases=(row["name_rr"], *_stem(row["name_hangul"]), *old),
            note=row["note"] or (f"in {row['parent']}" if row["parent"] else ""),
            parent_code=parent,
        ))
    return tuple(units)
