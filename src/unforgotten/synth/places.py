"""Places for synthetic records: North Korean provinces and counties, and event places.

Provinces carry the spellings real lists use (North and South Hangul, the usual two-syllable
abbreviation, RR, McCune–Reischauer with and without breves, the KPS 11080 form, common
English). Counties come from the shipped gazetteer when it is there; without it, a birth place
is a province only. Event places are a short, fixed set per case type (places of abduction,
battle, border crossing, detention) with their spellings.
"""

from __future__ import annotations

import csv
import importlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from unforgotten.data import data_path

__all__ = [
    "PROVINCES",
    "County",
    "Place",
    "counties",
    "event_places",
    "place",
    "province",
]


@dataclass(frozen=True, slots=True)
class Place:
    """One place and the ways a list keeper may write it.

    ``key`` is the English name used as the true value; the other fields are spellings.
    ``hangul_south`` is the Southern Hangul form where it differs (양강도 for 량강도).
    """

    key: str
    hangul: str
    rr: str
    mr: str
    abbrev: str = ""
    hangul_south: str = ""
    kps: str = ""

    @property
    def mr_plain(self) -> str:
        """McCune–Reischauer without breves, as most lists type it (Hamgyong-bukto)."""
        return _strip_breves(self.mr)

    def spellings(self) -> tuple[str, ...]:
        """Every distinct written form of this place, the key first."""
        forms = (self.key, self.hangul, self.rr, self.mr, self.mr_plain, self.abbrev,
                 self.hangul_south, self.kps)
        return tuple(dict.fromkeys(form for form in forms if form))


@dataclass(frozen=True, slots=True)
class County:
    """A county or city of North Korea, as the gazetteer names it (English only)."""

    county_id: str
    name: str
    province: str


def _strip_breves(text: str) -> str:
    return text.replace("ŏ", "o").replace("ŭ", "u").replace("Ŏ", "O").replace("Ŭ", "U")


PROVINCES: tuple[Place, ...] = (
    Place("Pyongyang", "평양직할시", "Pyeongyang", "P'yŏngyang", "평양", "", "Phyeongyang"),
    Place("South Pyongan", "평안남도", "Pyeongannam-do", "P'yŏngan-namdo", "평남", "",
          "Phyeongannamto"),
    Place("North Pyongan", "평안북도", "Pyeonganbuk-do", "P'yŏngan-bukto", "평북", "",
          "Phyeonganpukto"),
    Place("Jagang", "자강도", "Jagang-do", "Chagang-do", "자강", "", "Jakangto"),
    Place("South Hwanghae", "황해남도", "Hwanghaenam-do", "Hwanghae-namdo", "황남", "",
          "Hwanghainamto"),
    Place("North Hwanghae", "황해북도", "Hwanghaebuk-do", "Hwanghae-bukto", "황북", "",
          "Hwanghaipukto"),
    Place("Kangwon", "강원도", "Gangwon-do", "Kangwŏn-do", "강원", "", "Kangweonto"),
    Place("South Hamgyong", "함경남도", "Hamgyeongnam-do", "Hamgyŏng-namdo", "함남", "",
          "Hamkyeongnamto"),
    Place("North Hamgyong", "함경북도", "Hamgyeongbuk-do", "Hamgyŏng-bukto", "함북", "",
          "Hamkyeongpukto"),
    Place("Ryanggang", "량강도", "Yanggang-do", "Ryanggang-do", "량강", "양강도", "Ryangkangto"),
    Place("Rason", "라선특별시", "Naseon", "Rasŏn", "라선", "나선", "Raseon"),
    Place("Nampo", "남포특별시", "Nampo", "Namp'o", "남포", "", "Nampho"),
    Place("Kaesong", "개성특별시", "Gaeseong", "Kaesŏng", "개성", "", "Kaeseong"),
)

_PROVINCE_BY_KEY = {place.key: place for place in PROVINCES}


def province(key: str) -> Place:
    """Return the province whose English name is ``key`` (``KeyError`` when unknown)."""
    return _PROVINCE_BY_KEY[key]


@cache
def counties() -> tuple[County, ...]:
    """Counties of the shipped gazetteer, or ``()`` when it has not been shipped."""
    from_package = _counties_from_korean()
    if from_package:
        return from_package
    return _counties_from_csv()


_ISO_PROVINCE = {
    "KP-01": "Pyongyang", "KP-02": "South Pyongan", "KP-03": "North Pyongan", "KP-04": "Jagang",
    "KP-05": "South Hwanghae", "KP-06": "North Hwanghae", "KP-07": "Kangwon",
    "KP-08": "South Hamgyong", "KP-09": "North Hamgyong", "KP-10": "Ryanggang", "KP-13": "Rason",
    "KP-14": "Nampo", "KP-15": "Kaesong",
}


def _counties_from_korean() -> tuple[County, ...]:
    """Counties of :func:`unforgotten.korean.counties` (``PlaceUnit``: ISO province codes)."""
    module = importlib.import_module("unforgotten.korean")
    reader = getattr(module, "counties", None)
    if reader is None:
        return ()
    found = []
    for unit in reader():
        name = getattr(unit, "name_en", "")
        prov = _ISO_PROVINCE.get(getattr(unit, "province_code", ""), "")
        if name and prov:
            found.append(County(str(getattr(unit, "code", name)), str(name), prov))
    return tuple(found)


def _counties_from_csv() -> tuple[County, ...]:
    node = data_path("korean", "nk_counties.csv")
    if not node.is_file():
        return ()
    rows = csv.DictReader(io.StringIO(node.read_text(encoding="utf-8")))
    return tuple(
        County(row["county_id"], row["county_name_en"], row["province_name_en"])
        for row in rows
        if row.get("province_name_en") in _PROVINCE_BY_KEY
    )


# Places where the event happened, per case type. Southern places for abductions from the
# South, battlefields for POWs, border towns for forced returns, camps for political prisoners.
_SEOUL = Place("Seoul", "서울", "Seoul", "Sŏul", "", "", "")
_EVENT_PLACES: dict[str, tuple[Place, ...]] = {
    "abductee_wartime": (
        _SEOUL,
        Place("Gyeonggi", "경기도", "Gyeonggi-do", "Kyŏnggi-do", "경기"),
        Place("Chuncheon", "춘천", "Chuncheon", "Ch'unch'ŏn"),
        Place("Gaeseong (wartime)", "개성", "Gaeseong", "Kaesŏng"),
        Place("Incheon", "인천", "Incheon", "Inch'ŏn"),
    ),
    "abductee_postwar": (
        Place("East Sea off Sokcho", "속초 앞바다", "Sokcho apbada", "Sokch'o appada"),
        Place("Yeonpyeong waters", "연평도 근해", "Yeonpyeongdo geunhae", "Yŏnp'yŏngdo kŭnhae"),
        Place("Gangneung", "강릉", "Gangneung", "Kangnŭng"),
        Place("Japan", "일본", "Ilbon", "Ilbon"),
    ),
    "pow": (
        Place("Cheorwon", "철원", "Cheorwon", "Ch'ŏrwŏn"),
        Place("Changjin Reservoir", "장진호", "Jangjinho", "Changjinho"),
        Place("Kimhwa", "김화", "Gimhwa", "Kimhwa"),
        Place("Paengma Hill", "백마고지", "Baengmagoji", "Paengmagoji"),
    ),
    "detainee": (
        Place("Pyongyang", "평양", "Pyeongyang", "P'yŏngyang"),
        Place("Rason", "라선", "Naseon", "Rasŏn", "", "나선"),
        Place("Sinuiju", "신의주", "Sinuiju", "Sinŭiju"),
    ),
    "forcibly_returned": (
        Place("Sinuiju", "신의주", "Sinuiju", "Sinŭiju"),
        Place("Hyesan", "혜산", "Hyesan", "Hyesan"),
        Place("Onsong", "온성", "Onseong", "Onsŏng"),
        Place("Musan", "무산", "Musan", "Musan"),
        Place("Hoeryong", "회령", "Hoeryeong", "Hoeryŏng"),
    ),
    "political_prisoner": (
        Place("Yodok (Camp 15)", "요덕 제15호 관리소", "Yodeok Gwalliso", "Yodŏk Kwalliso"),
        Place("Kaechon (Camp 14)", "개천 제14호 관리소", "Gaecheon Gwalliso", "Kaech'ŏn Kwalliso"),
        Place("Hwasong (Camp 16)", "화성 제16호 관리소", "Hwaseong Gwalliso", "Hwasŏng Kwalliso"),
        Place("Chongjin (Camp 25)", "청진 제25호 관리소", "Cheongjin Gwalliso",
              "Ch'ŏngjin Kwalliso"),
    ),
}
_EVENT_BY_KEY = {p.key: p for places in _EVENT_PLACES.values() for p in places}


def event_places(case_type: str) -> Sequence[Place]:
    """The event places used for ``case_type`` (``KeyError`` when unknown)."""
    return _EVENT_PLACES[case_type]


def place(key: str) -> Place:
    """Return a province or event place by its key."""
    found = _PROVINCE_BY_KEY.get(key) or _EVENT_BY_KEY.get(key)
    if found is None:
        raise KeyError(key)
    return found
