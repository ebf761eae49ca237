"""House styles of the source lists: how each keeper writes names, dates, places and sex.

A ministry register writes Hangul and full dates; a families' association writes Hangul,
Korean dates and often "about 1950", and names the relative who reported; an NGO database
romanizes and keeps partial ISO dates; a UN submission writes English month names; the press
spells however it likes. Lists beyond the five named ones cycle through these styles.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

__all__ = [
    "CASE_LABELS",
    "SEX_NOTATIONS",
    "STATUS_LABELS",
    "ListStyle",
    "style_for",
]

SEX_NOTATIONS: dict[str, dict[str, str]] = {
    "letter": {"M": "M", "F": "F"},
    "hangul": {"M": "남", "F": "여"},
    "word": {"M": "male", "F": "female"},
    "Word": {"M": "Male", "F": "Female"},
}
"""Ways to write sex, by notation; the canonical import accepts all of them."""

CASE_LABELS: dict[str, tuple[str, str]] = {
    "abductee_wartime": ("전시납북자", "wartime abductee"),
    "abductee_postwar": ("전후납북자", "post-war abductee"),
    "detainee": ("억류자", "detained"),
    "pow": ("국군포로", "prisoner of war"),
    "forcibly_returned": ("강제북송", "forced repatriation"),
    "political_prisoner": ("정치범", "political prison camp"),
}
"""Korean and English labels lists write instead of the code (with ``vocabulary_noise``);
each is a label or alias of the code in the domain vocabulary."""

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "unresolved": ("생사불명", "missing"),
    "alive": ("생존", "alive"),
    "deceased": ("사망", "died"),
    "detained": ("억류중", "in custody"),
    "released": ("석방", "freed"),
    "returned": ("귀환", "escaped"),
}


@dataclass(frozen=True)
class ListStyle:
    """How one list writes its rows.

    ``script`` is ``"hangul"`` or ``"roman"`` (the usual form of ``full_name``), and
    ``systems`` the romanization systems a roman list uses, by weight;
    ``place_forms`` the place spellings used (fields of :class:`~.places.Place` or
    ``"key"``); the shares are probabilities per row.
    """

    prefix: str
    script: str
    systems: Mapping[str, float] = field(default_factory=lambda: {"rr": 1.0})
    north_hangul: float = 0.1
    name_parts: float = 0.3
    name_hangul: float = 0.0
    aliases: float = 0.05
    sex_notations: tuple[str, ...] = ("letter",)
    sex_blank: float = 0.03
    birth_formats: Mapping[str, float] = field(default_factory=lambda: {"iso": 1.0})
    event_formats: Mapping[str, float] = field(default_factory=lambda: {"iso": 1.0})
    place_forms: tuple[str, ...] = ("hangul",)
    place_blank: float = 0.1
    county: float = 0.0
    informants: float = 0.0
    notes: float = 0.2
    language: str = "ko"
    extra_columns: tuple[str, ...] = ()
    perpetrators: float = 0.0  # share of rows naming who did it and where (synth/perpetrators.py)


_MINISTRY = ListStyle(
    prefix="MOU", script="hangul", north_hangul=0.05, name_parts=0.6, aliases=0.03,
    sex_notations=("hangul",), sex_blank=0.01,
    birth_formats={"iso": 0.55, "korean": 0.2, "year_month": 0.1, "year": 0.1, "blank": 0.05},
    event_formats={"iso": 0.6, "korean": 0.2, "year_month": 0.1, "year": 0.1},
    place_forms=("hangul", "abbrev"), place_blank=0.05, notes=0.15, perpetrators=0.3,
)
_FAMILIES = ListStyle(
    prefix="KWAFU", script="hangul", north_hangul=0.15, name_parts=0.1, aliases=0.1,
    sex_notations=("hangul",), sex_blank=0.05,
    birth_formats={"korean": 0.35, "korean_month": 0.15, "year": 0.2, "korean_circa": 0.15,
                   "dotted": 0.1, "blank": 0.05},
    event_formats={"korean": 0.4, "korean_month": 0.3, "year": 0.2, "dotted": 0.1},
    place_forms=("hangul", "abbrev", "hangul_south"), place_blank=0.1, informants=0.6,
    notes=0.35, perpetrators=0.2,
)
_NGO = ListStyle(
    prefix="NGO", script="roman",
    systems={"rr": 0.4, "mr_plain": 0.3, "mr": 0.1, "dprk": 0.2},
    name_parts=0.5, name_hangul=0.5, aliases=0.15,
    sex_notations=("letter", "word"), sex_blank=0.05,
    birth_formats={"iso": 0.3, "year_month": 0.2, "year": 0.3, "circa": 0.1, "blank": 0.1},
    event_formats={"iso": 0.4, "year_month": 0.3, "year": 0.3},
    place_forms=("rr", "mr", "mr_plain", "key", "hangul"), place_blank=0.15, county=0.4, informants=0.4,
    notes=0.3, language="en", perpetrators=0.6,
)
_UN = ListStyle(
    prefix="WGEID", script="roman", systems={"rr_conventional": 0.6, "mr_plain": 0.4},
    name_parts=0.8, name_hangul=0.2, aliases=0.2,
    sex_notations=("Word",), sex_blank=0.1,
    birth_formats={"month_name": 0.3, "year": 0.4, "iso": 0.2, "blank": 0.1},
    event_formats={"month_name": 0.5, "iso": 0.3, "year": 0.2},
    place_forms=("key", "mr_plain", "kps"), place_blank=0.2, county=0.3, notes=0.25, language="en",
    extra_columns=("communication_ref",), perpetrators=0.5,
)
_PRESS = ListStyle(
    prefix="PRS", script="roman", systems={"rr_conventional": 0.7, "mr_plain": 0.3},
    name_parts=0.0, name_hangul=0.1, aliases=0.05,
    sex_notations=("word", "letter"), sex_blank=0.3,
    birth_formats={"year": 0.5, "circa": 0.2, "blank": 0.3},
    event_formats={"month_name": 0.4, "year": 0.4, "iso": 0.2},
    place_forms=("key", "mr_plain", "rr"), place_blank=0.4, notes=0.5, language="en", perpetrators=0.3,
)
_NAMED: dict[str, ListStyle] = {
    "ministry": _MINISTRY, "families": _FAMILIES, "ngo_db": _NGO, "un_wgeid": _UN,
    "press": _PRESS,
}
_CYCLE = (_MINISTRY, _FAMILIES, _NGO, _UN, _PRESS)


def style_for(list_name: str, position: int) -> ListStyle:
    """The style of a list: by name for the five named lists, else by position (cycled)."""
    named = _NAMED.get(list_name)
    if named is not None:
        return named
    return replace(_CYCLE[position % len(_CYCLE)], prefix=list_name.upper())
