"""The shipped surname table: frequencies for term-frequency priors and the spellings seen.

``data/korean/surnames.csv`` holds the 30 most common surnames with their 2015 census
share where it was obtained. Blank shares are filled by geometric interpolation between
the neighbouring ranks (and extrapolation past rank 22) and flagged ``share_estimated``.
A further list of surnames is known by Hangul only (:data:`OTHER_SURNAMES`): each gets
:data:`OTHER_SHARE`; two-syllable surnames get :data:`COMPOUND_SHARE`, and a surname not
known at all gets the floor :data:`UNKNOWN_SHARE` (the residual share spread thinly).

>>> round(surname_frequency("김"), 4), round(surname_frequency("리"), 4)
(0.2151, 0.147)
>>> surname_frequency("뷁") == UNKNOWN_SHARE
True
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from unforgotten.data import data_path

__all__ = [
    "COMPOUND_SHARE",
    "COMPOUND_SURNAMES",
    "OTHER_SHARE",
    "OTHER_SURNAMES",
    "UNKNOWN_SHARE",
    "Surname",
    "fold_latin",
    "is_surname",
    "known_surnames",
    "south_surname",
    "surname_frequency",
    "surname_table",
    "surnames_spelled",
    "usage_variants",
]

COMPOUND_SURNAMES = ("남궁", "제갈", "선우", "황보", "독고", "사공", "서문")
OTHER_SURNAMES = tuple(
    "남노하곽성차주우구민나진지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인"
    "맹제모탁국은편용예경봉사부가태목형피두감음빈동온호범좌팽승간상시갈견심"
)
OTHER_SHARE = 0.002
COMPOUND_SHARE = 0.0002
UNKNOWN_SHARE = 0.0001
_NOISE_WORDS = {"ala", "lc", "s", "n", "koryo", "saram", "also"}


@dataclass(frozen=True, slots=True)
class Surname:
    """One row of the surname table (one Hanja clan group; 조 and 유 have two rows)."""

    rank: int
    hangul: str
    hangul_north: str
    hanja: str
    count: int | None
    share: float
    share_estimated: bool
    rr: str
    mr: str
    dprk: str
    spellings: tuple[str, ...]


def fold_latin(text: str) -> str:
    """Lower-case Latin with breves, accents and apostrophes removed (``Ch'ŏng`` → ``chong``).

    Hangul and other scripts pass through unchanged.

    >>> fold_latin("Ch'ŏng-Ŭn")
    'chong-un'
    """
    if text.isascii():
        return text.lower().replace("'", "").replace("`", "")
    decomposed = unicodedata.normalize("NFD", text.lower())
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", kept).replace("'", "").replace("’", "").replace("`", "")


def _words(cell: str) -> tuple[str, ...]:
    found = (fold_latin(w) for w in re.findall(r"[^\W\d_]+", cell))
    return tuple(w for w in found if w not in _NOISE_WORDS and w.isascii())


def _read_rows() -> list[dict[str, str]]:
    text = data_path("korean", "surnames.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _fill_shares(rows: list[dict[str, str]]) -> list[tuple[float, bool]]:
    """Known shares as given; blanks interpolated geometrically between known ranks."""
    known = {int(r["rank"]): float(r["share_pct_2015"]) / 100 for r in rows if r["share_pct_2015"]}
    ranks = sorted(known)
    decay = (known[ranks[-1]] / known[ranks[-2]]) ** (1 / (ranks[-1] - ranks[-2]))
    out: list[tuple[float, bool]] = []
    for row in rows:
        rank = int(row["rank"])
        if rank in known:
            out.append((known[rank], False))
            continue
        below = max((k for k in ranks if k < rank), default=ranks[0])
        above = min((k for k in ranks if k > rank), default=None)
        if above is None:
            out.append((known[below] * decay ** (rank - below), True))
        else:
            t = (rank - below) / (above - below)
            log_share = (1 - t) * math.log(known[below]) + t * math.log(known[above])
            out.append((math.exp(log_share), True))
    return out


@cache
def surname_table() -> tuple[Surname, ...]:
    """The 30 rows of ``surnames.csv`` with shares filled in (fractions, not percent)."""
    rows = _read_rows()
    table = []
    for row, (share, estimated) in zip(rows, _fill_shares(rows), strict=True):
        spellings = _words(row["variants_seen"]) + _words(row["rr"])
        spellings += _words(row["mr"]) + _words(row["dprk"])
        table.append(
            Surname(
                rank=int(row["rank"]),
                hangul=row["hangul_sk"],
                hangul_north=row["hangul_nk"],
                hanja=row["main_hanja"],
                count=int(row["count_2015"]) if row["count_2015"] else None,
                share=share,
                share_estimated=estimated,
                rr=row["rr"],
                mr=row["mr"],
                dprk=row["dprk"],
                spellings=tuple(dict.fromkeys(spellings)),
            )
        )
    return tuple(table)


@cache
def _shares() -> dict[str, float]:
    shares: dict[str, float] = dict.fromkeys(OTHER_SURNAMES, OTHER_SHARE)
    shares.update(dict.fromkeys(COMPOUND_SURNAMES, COMPOUND_SHARE))
    summed: dict[str, float] = {}
    for row in surname_table():
        summed[row.hangul] = summed.get(row.hangul, 0.0) + row.share
    shares.update(summed)
    return shares


@cache
def _north_to_south() -> dict[str, str]:
    pairs = {row.hangul_north: row.hangul for row in surname_table()}
    pairs.update({"로": "노", "라": "나", "려": "여", "륙": "육", "룡": "용", "렴": "염"})
    return pairs


def south_surname(hangul: str) -> str:
    """The Southern spelling of a surname written the Northern way (리 → 이)."""
    return _north_to_south().get(hangul, hangul)


def surname_frequency(hangul: str) -> float:
    """Share of the (South Korean, 2015) population with this surname, North spellings folded.

    Known rows give their census share (interpolated where blank); other recognised
    surnames :data:`OTHER_SHARE`; compound ones :data:`COMPOUND_SHARE`; anything else the
    floor :data:`UNKNOWN_SHARE`.
    """
    return _shares().get(south_surname(hangul.strip()), UNKNOWN_SHARE)


def known_surnames() -> tuple[str, ...]:
    """Every surname recognised, Southern spelling, most frequent first."""
    shares = _shares()
    return tuple(sorted(shares, key=lambda s: (-shares[s], s)))


def is_surname(hangul: str) -> bool:
    """Whether ``hangul`` (South or North spelling) is a surname this module knows."""
    return south_surname(hangul) in _shares()


@cache
def surnames_spelled() -> dict[str, tuple[str, ...]]:
    """Folded romanized spelling → the Southern Hangul surnames seen written that way.

    Built from the table's ``variants_seen``, RR, MR and DPRK columns and from every
    system's romanization of every known surname.
    """
    from unforgotten.korean.romanize import SYSTEMS, romanize  # noqa: PLC0415  (cycle)

    found: dict[str, list[str]] = {}
    for row in surname_table():
        for spelling in row.spellings:
            found.setdefault(spelling, []).append(row.hangul)
    conventional = romanize_conventional_surnames()
    published = _published_spellings()
    for hangul in known_surnames():
        for spelling in published.get(hangul, ()):
            found.setdefault(spelling, []).append(hangul)
        for base in (romanize(hangul, system="rr"), romanize(hangul, system="mr_plain")):
            for spelling in usage_variants(base):
                found.setdefault(spelling, []).append(hangul)
    for hangul in known_surnames():
        north = _north_form(hangul)
        written = {romanize(hangul, system=s) for s in SYSTEMS} | {conventional.get(hangul, "")}
        written |= {romanize(north, system=s) for s in ("dprk", "mr", "kps")}
        written |= {conventional.get(north, "")}
        for spelling in filter(None, written):
            found.setdefault(fold_latin(spelling), []).append(hangul)
    return {k: tuple(dict.fromkeys(v)) for k, v in found.items()}


@cache
def _published_spellings() -> dict[str, tuple[str, ...]]:
    """``surname_spellings.csv``: Hangul surname → the spellings listed for it."""
    text = data_path("korean", "surname_spellings.csv").read_text(encoding="utf-8")
    found: dict[str, tuple[str, ...]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        cells = "|".join((row["older_spelling"], row["rr"], row["common_spellings"]))
        found[row["hangul"]] = _words(cells)
    return found


#: How passport and everyday spellings depart from RR and MR, each rule read off the
#: published spellings (the examples name the rows that show it):
_USAGE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<=[kgdtbpjs])u"), "oo"),  # 구 Koo/Goo, 국 Kook, 남궁 Namkoong, 주 Joo
    (re.compile(r"eo"), "u"),  # 서 Suh, 허 Huh, 전 Jun, 권 Kwun, 견 Kyun: ㅓ written u
    (re.compile(r"^s(?=i)"), "sh"),  # 신 Shin, Sheen: ㅅ before ㅣ written sh
    (re.compile(r"^hw"), "wh"),  # 황 Whang
    (re.compile(r"(?<=[aeiouy])(?=[nm]$|ng$)"), "h"),  # 안 Ahn, 강 Kahng, 남 Nahm, 공 Kohng
    (re.compile(r"(?<=[^aeiouy][aeiou])$"), "h"),  # 고 Koh, 노 Noh, 나 Nah, 구 Kuh, 오 Oh
)


def usage_variants(spelling: str) -> tuple[str, ...]:
    """Folded everyday spellings of one surname spelling, by :data:`_USAGE_RULES`.

    The rules apply in order, each to the base and to what the earlier ones gave, so ``eom`` gives ``um`` and
    ``uhm``; ``sim`` gives ``shim``; ``hwangbo`` gives ``whangbo``; ``do`` gives ``doh``.

    >>> {"um", "uhm"} <= set(usage_variants("eom")), "yum" in usage_variants("yeom")
    (True, True)
    >>> "shim" in usage_variants("sim"), "whangbo" in usage_variants("hwangbo")
    (True, True)
    """
    found = {fold_latin(spelling)}
    for pattern, replacement in _USAGE_RULES:
        found |= {pattern.sub(replacement, s, count=1) for s in found}
    found.discard(fold_latin(spelling))
    return tuple(sorted(found))


def _north_form(hangul: str) -> str:
    for north, south in _north_to_south().items():
        if south == hangul:
            return north
    return hangul


def romanize_conventional_surnames() -> dict[str, str]:
    """The conventional (passport) spelling of each surname that has one."""
    from unforgotten.korean.romanize import conventional_surnames  # noqa: PLC0415  (cycle)

    return conventional_surnames()
