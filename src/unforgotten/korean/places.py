"""``resolve_place``: a place name as written → gazetteer units (North and South) with a confidence.

Every unit's names and aliases, and the text asked about, are reduced to one *place key*:
English level words (province, city, county, special, island, port …) dropped; "North"/"South"/"N."/
"S." turned into the syllable they stand for (북/남) and put where Korean puts it, after
the base name; the rest read as phonetic classes (:mod:`unforgotten.korean.phonetic`, so
Hangul, RR, MR, KPS and ad-hoc spellings meet); the level suffix (도 do to, 시 si,
직할시, 특별시, 광역시, 특별자치도, 군 gun kun, 구역, 읍, 항) removed; and the initial-sound
law applied (량강 = 양강, 라선 = 나선). Provinces also answer to their two-syllable abbreviations (함북,
평남). A key shared by several units splits the confidence between them; when no key
matches exactly, the nearest keys within an edit distance ratio of 0.75 answer with a
confidence scaled down by their distance.

>>> [m.code for m in resolve_place("Hamgyŏngbuk-do")], [m.code for m in resolve_place("함북")]
(['KP-09'], ['KP-09'])
>>> [(m.code, m.confidence) for m in resolve_place("강원도")]
[('KP-07', 0.5), ('KR-42', 0.5)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from unforgotten.korean.gazetteer import PlaceUnit, counties, facilities, provinces, south_korea
from unforgotten.korean.hangul import is_hangul_syllable, normalize
from unforgotten.korean.phonetic import canonical, hangul_classes, initial_law, latin_classes
from unforgotten.korean.romanize import romanize
from unforgotten.korean.similarity import levenshtein
from unforgotten.korean.surnames import fold_latin

__all__ = ["PlaceMatch", "place_key", "resolve_place"]

FUZZY_FLOOR = 0.75
_LEVEL_WORDS = frozenset(
    (
        "province",
        "prov",
        "city",
        "county",
        "special",
        "directly",
        "governed",
        "metropolitan",
        "capital",
        "district",
        "dist",
        "of",
        "the",
        "region",
        "autonomous",
        "self",
        "governing",
        "do",
        "to",
        "si",
        "gun",
        "kun",
        "guyok",
        "kuyok",
        "guyeok",
        "jikhalsi",
        "chikhalsi",
        "teukbyeolsi",
        "tukpyolsi",
        "tukbyolsi",
        "gwangyeoksi",
        "kwangyoksi",
        "teukbyeoljachido",
        "tukpyolchachido",
        "teukbyeoljachisi",
        "tukpyolchachisi",
        "state",
        "island",
        "isl",
        "port",
        "eup",
        "up",
    )
)
#: Words around a place that say where near it (the waters off an island, a battle's
#: reservoir): dropped like level words, so "연평도 근해" and "East Sea off Sokcho" resolve.
_QUALIFIERS = frozenset(
    (
        "off",
        "waters",
        "near",
        "coast",
        "sea",
        "east",
        "west",
        "wartime",
        "reservoir",
        "lake",
        "appada",
        "apbada",
        "kunhae",
        "gunhae",
        "geunhae",
        "haesang",
        "근해",
        "앞바다",
        "해상",
        "인근",
        "부근",
        "앞",
    )
)
_DIRECTIONS = {"north": "북", "n": "북", "northern": "북", "south": "남", "s": "남", "southern": "남"}
_SUFFIXES = tuple(
    hangul_classes(s)
    for s in ("특별자치도", "특별자치시", "광역시", "직할시", "특별시", "구역", "도", "시", "군", "읍", "항")
)
_QUALITY = {"name": 1.0, "abbreviation": 0.9, "county": 0.9, "shadow": 0.3, "facility": 1.0}
_FACILITY_WORDS = re.compile(r"camp|kwan?liso|gwalliso|kwalliso|관리소|kyohwaso|gyohwaso|교화소")


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """One unit a place name may mean, and how sure the match is (0–1)."""

    code: str
    name_hangul: str
    name_en: str
    level: str
    province_code: str
    confidence: float
    note: str = ""
    parent_code: str = ""


def _token_classes(token: str) -> str:
    if any(is_hangul_syllable(ch) for ch in token):
        return hangul_classes(token)
    return latin_classes(fold_latin(token))


@lru_cache(maxsize=65536)
def place_key(text: str) -> str:
    """The place key of a name (see the module note); ``""`` when nothing is left.

    >>> place_key("North Hamgyong Province") == place_key("함경북도") == place_key("Hamkyeongpukto")
    True
    """
    tokens = [t for t in re.split(r"[\s\-'’.,()]+", fold_latin(normalize(text))) if t]
    direction = ""
    kept = []
    for token in tokens:
        if token in _DIRECTIONS:
            direction = _DIRECTIONS[token]
        elif token not in _LEVEL_WORDS and token not in _QUALIFIERS:
            kept.append(token)
    classes = canonical(_strip_suffix("".join(map(_token_classes, kept))))
    if direction:
        classes = canonical(classes + hangul_classes(direction))
    return initial_law(classes)


def _strip_suffix(classes: str) -> str:
    for suffix in _SUFFIXES:
        if classes.endswith(suffix) and len(classes) - len(suffix) >= 2:
            return classes[: -len(suffix)]
    return classes


def _abbreviation(hangul: str) -> str | None:
    """함경북도 → 함북, 평안남도 → 평남; ``None`` for units without a direction."""
    if len(hangul) >= 4 and hangul[-2:] in ("남도", "북도"):
        return hangul[0] + hangul[-2]
    return None


def _unit_names(unit: PlaceUnit) -> list[tuple[str, str]]:
    names = [(unit.name_hangul, "name"), (unit.name_en, "name")]
    names += [(alias, "name") for alias in unit.aliases]
    abbreviation = _abbreviation(unit.name_hangul)
    if abbreviation:
        names.append((abbreviation, "abbreviation"))
    return [(n, kind) for n, kind in names if n]


@cache
def _index() -> dict[str, dict[PlaceUnit, str]]:
    index: dict[str, dict[PlaceUnit, str]] = {}
    first_level = [u for u in south_korea() if u.code == u.province_code]
    for unit in (*provinces(), *first_level):
        for name, kind in _unit_names(unit):
            index.setdefault(place_key(name), {}).setdefault(unit, kind)
    province_keys = set(index)
    for unit in counties():
        for name in {unit.name_en, *unit.aliases}:
            key = place_key(name)
            kind = "shadow" if key in province_keys else "county"
            index.setdefault(key, {}).setdefault(unit, kind)
    for unit in south_korea():
        if unit.code == unit.province_code:
            continue
        for name, kind in _unit_names(unit):
            key = place_key(name)
            if any(_answers_for(u, unit) for u in index.get(key, {})):
                continue  # 제주시 is 제주: its province (or a town of kr_places) answers for it
            index.setdefault(key, {}).setdefault(unit, "shadow" if key in province_keys else kind)
    return index


_MUNICIPAL = re.compile(r"KR-\d\d-\d{5}")


def _answers_for(known: PlaceUnit, unit: PlaceUnit) -> bool:
    """Whether ``known``, already under a key, stands for ``unit`` of the same key: a
    province for its city of the same name, a town of ``kr_places`` for its city — not
    another city (부천 and 포천 share a sound key and a province)."""
    if known.province_code != unit.province_code or known.code == unit.code:
        return False
    return not (_MUNICIPAL.fullmatch(known.code) and _MUNICIPAL.fullmatch(unit.code))


def _matches(found: dict[PlaceUnit, str], scale: float) -> list[PlaceMatch]:
    total = sum(_QUALITY[kind] for kind in found.values())
    out = []
    for unit, kind in found.items():
        note = unit.note
        if kind == "shadow":
            note = f"a lower unit named like a province ({unit.note or unit.level})"
        confidence = round(scale * _QUALITY[kind] / total, 3)
        out.append(
            PlaceMatch(
                unit.code,
                unit.name_hangul,
                unit.name_en,
                unit.level,
                unit.province_code,
                confidence,
                note,
                unit.parent_code,
            )
        )
    return sorted(out, key=lambda m: (-m.confidence, m.code))


#: The most edits the deletion index covers: complete for keys of up to 11 classes; longer
#: keys are matched as far as this many edits reach.
MAX_EDITS = 3


def _allowed_edits(length: int) -> int:
    """Edits that can keep a key of ``length`` within :data:`FUZZY_FLOOR` of another key.

    The ratio is taken on the longer key, which is at most ``length / FUZZY_FLOOR`` long.
    """
    return min(MAX_EDITS, int(length * (1 - FUZZY_FLOOR) / FUZZY_FLOOR + 1e-9))


def _deletions(key: str, edits: int) -> set[str]:
    """``key`` and every string made from it by deleting up to ``edits`` characters."""
    found, frontier = {key}, {key}
    for _ in range(edits):
        frontier = {k[:i] + k[i + 1 :] for k in frontier for i in range(len(k))}
        found |= frontier
    return found


@cache
def _deletion_index() -> dict[str, tuple[str, ...]]:
    """Deletion neighbourhood → gazetteer keys (the symmetric-deletion index).

    Two keys within ``d`` edits share a string reached from each by at most ``d``
    deletions (a substitution deletes on both sides, an insertion on the other), so the
    keys sharing a neighbourhood string with the query are every key the ratio can accept;
    only those few are measured exactly.
    """
    index: dict[str, set[str]] = {}
    for key in _index():
        for variant in _deletions(key, _allowed_edits(len(key))):
            index.setdefault(variant, set()).add(key)
    return {variant: tuple(sorted(keys)) for variant, keys in index.items()}


def _near_keys(key: str) -> set[str]:
    index = _deletion_index()
    variants = _deletions(key, _allowed_edits(len(key)))
    return {other for v in variants for other in index.get(v, ())}


def _fuzzy(key: str, limit: int) -> list[PlaceMatch]:
    scored = []
    for other in _near_keys(key):
        ratio = 1 - levenshtein(key, other) / max(len(key), len(other))
        if ratio >= FUZZY_FLOOR:
            scored.append((ratio, other, _index()[other]))
    scored.sort(key=lambda t: (-t[0], t[1]))
    out: list[PlaceMatch] = []
    for ratio, _, found in scored[:limit]:
        out.extend(_matches(found, scale=round(ratio * 0.8, 3)))
    return sorted(out, key=lambda m: (-m.confidence, m.code))[:limit]


def _facility_matches(text: str) -> list[PlaceMatch]:
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    words = fold_latin(text)
    kinds = {"kyohwaso"} if re.search("kyohwaso|gyohwaso|교화소", words) else set()
    kinds |= {"kwanliso"} if re.search("kwan?liso|gwalliso|kwalliso|관리소", words) else set()
    kinds = kinds or {"kwanliso", "kyohwaso"}
    found = [f for f in facilities() if f.number in numbers and f.code.split("-")[0] in kinds]
    if not found:
        stripped = _FACILITY_WORDS.sub(" ", words)
        key = place_key(stripped)
        found = [
            f for f in facilities() if key and key in _facility_keys(f) and f.code.split("-")[0] in kinds
        ]
    share = round(1 / len(found), 3) if found else 0.0
    return [
        PlaceMatch(f.code, f.name_hangul, f.name_en, f.level, f.province_code, share, f.note) for f in found
    ]


@cache
def _facility_keys(unit: PlaceUnit) -> frozenset[str]:
    return frozenset(place_key(a) for a in _names(unit))


def _names(unit: PlaceUnit) -> list[str]:
    first = re.split(r"[\s(]", unit.name_en)[0]
    return [first, *(a.split()[0] for a in unit.aliases if a), unit.name_hangul.split()[0]]


def resolve_place(text: str, *, limit: int = 5) -> list[PlaceMatch]:
    """The gazetteer units a written place name may mean, most likely first.

    Each distinct ``(text, limit)`` is resolved once (cached): lists repeat their places.

    >>> resolve_place("Ryanggang")[0].code, resolve_place("양강도")[0].code
    ('KP-10', 'KP-10')
    >>> resolve_place("Yodok camp 15")[0].code
    'kwanliso-15'
    """
    return list(_resolved(text, limit))


@lru_cache(maxsize=65536)
def _resolved(text: str, limit: int) -> tuple[PlaceMatch, ...]:
    """The whole text as one name; when that is not an exact match, "province + county"
    readings of its parts (any order) are tried as well and the surer answer kept."""
    whole = _simple(text, limit)
    if whole and whole[0].confidence >= 1.0:
        return whole
    compound = _compound(text, limit)
    if compound and (not whole or compound[0].confidence > whole[0].confidence):
        return compound
    return whole


@lru_cache(maxsize=65536)
def _simple(text: str, limit: int) -> tuple[PlaceMatch, ...]:
    if _FACILITY_WORDS.search(fold_latin(text)):
        found = _facility_matches(text)
        if found:
            return tuple(found[:limit])
    key = place_key(text)
    if not key:
        return ()
    exact = _index().get(key)
    if exact:
        return tuple(_matches(_written_alike(text, exact) or exact, scale=1.0)[:limit])
    return tuple(_fuzzy(key, limit))


def _written_alike(text: str, found: dict[PlaceUnit, str]) -> dict[PlaceUnit, str]:
    """The units of one sound key that the text can mean as written.

    Sound keys are generous (they must let every romanization meet): 소청도 and 수정(구),
    Chuncheon and Jonchon share one. A Hangul text keeps the units that have it as a Hangul
    name, and units known only by romanized names (the North's counties) whose names its
    romanizations come close to (철원 = Cholwon); a romanized text keeps the units with a
    romanized name, or a Hangul name romanized, that close. Empty when none is.
    """
    hangul = normalize(text).replace(" ", "")
    if all(map(is_hangul_syllable, hangul)):
        return {u: k for u, k in found.items() if _hangul_alike(hangul, u)}
    written = _latin_form(text)
    return {u: k for u, k in found.items() if written and _near(written, _unit_latin(u))}


def _hangul_alike(hangul: str, unit: PlaceUnit) -> bool:
    names = [n for n, _ in _unit_names(unit) if all(map(is_hangul_syllable, n))]
    if names:
        return hangul in names
    bare = hangul[:-1] if len(hangul) >= 3 and hangul[-1] in "시군구도읍면" else hangul
    return _near(_latin_form(bare), _unit_latin(unit))


def _near(form: str, others: frozenset[str]) -> bool:
    return any(1 - levenshtein(form, o) / max(len(form), len(o)) >= FUZZY_FLOOR for o in others if o)


@lru_cache(maxsize=65536)
def _latin_form(text: str) -> str:
    """Letters of the text without level words; Hangul is romanized (MR without marks)."""
    if any(map(is_hangul_syllable, text)):
        text = romanize(text, system="mr_plain")
    tokens = re.split(r"[\s\-'’.,()]+", fold_latin(normalize(text)).casefold())
    return "".join(re.sub(r"[^a-z]", "", t) for t in tokens if t not in _LEVEL_WORDS | _QUALIFIERS)


@cache
def _unit_latin(unit: PlaceUnit) -> frozenset[str]:
    names = [n for n, _ in _unit_names(unit)]
    forms = {_latin_form(n) for n in names}
    hangul = [n for n in names if all(map(is_hangul_syllable, n))]
    forms |= {_latin_form(romanize(n, system=s)) for n in hangul for s in ("rr", "dprk")}
    return frozenset(forms)


_PARTS = re.compile(r"[\s,/;]+")
#: A part read as the container must mean it at least this surely (강원도 is 0.5 North, 0.5 South).
OUTER_FLOOR = 0.3
#: Texts of more parts than this are not split into "province + county" readings.
MAX_PARTS = 6


def _compound(text: str, limit: int) -> tuple[PlaceMatch, ...]:
    """``서울특별시 서대문구``, ``Yeoncheon-gun, Gyeonggi-do``, ``함북 회령``: a container (province
    or city) and a unit inside it, next to each other in either order; trailing finer parts
    (읍, 면, 리) are ignored."""
    parts = [p for p in _PARTS.split(normalize(text)) if p]
    if not 2 <= len(parts) <= MAX_PARTS:
        return ()
    best: tuple[PlaceMatch, ...] = ()
    for start in range(len(parts)):
        for middle in range(start + 1, len(parts)):
            for end in range(middle + 1, len(parts) + 1):
                first, second = " ".join(parts[start:middle]), " ".join(parts[middle:end])
                for outer, inner in ((first, second), (second, first)):
                    found = _within(outer, inner, limit)
                    if found and (not best or found[0].confidence > best[0].confidence):
                        best = found
    return best


def _contains(outer: PlaceMatch, inner: PlaceMatch) -> bool:
    if inner.code == outer.code:
        return False
    if outer.code == outer.province_code:
        return inner.province_code in outer.code.split("|")
    return bool(inner.parent_code) and inner.parent_code == outer.code


def _within(outer_text: str, inner_text: str, limit: int) -> tuple[PlaceMatch, ...]:
    """Units of ``inner_text`` inside a unit of ``outer_text``. Containment settles an
    ambiguous container: in "Thongchon, Kangwon" only the North's 강원도 holds Thongchon."""
    outer = [m for m in _simple(outer_text, limit) if m.confidence >= OUTER_FLOOR]
    if not outer:
        return ()
    combos = [(o, m) for m in _simple(inner_text, 64) for o in outer if _contains(o, m)]
    total = sum(o.confidence * m.confidence for o, m in combos)
    if not combos or total <= 0:
        return ()
    quality = min(1.0, sum(o.confidence for o in outer))
    shares: dict[PlaceMatch, float] = {}
    for o, m in combos:
        shares[m] = shares.get(m, 0.0) + o.confidence * m.confidence / total
    scaled = [replace(m, confidence=round(quality * share, 3)) for m, share in shares.items()]
    return tuple(sorted(scaled, key=lambda m: (-m.confidence, m.code))[:limit])
