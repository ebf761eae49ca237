"""Source lists with known truth: the rows each keeper wrote about the persons it captured.

:func:`make_lists` draws the captures (:mod:`.capture`), then writes one :class:`SourceList`
per list in the canonical import columns and in that list's house style (:mod:`.styles`):
names in any script and system, partial and drifting dates, places in many spellings,
within-list duplicates, and informants for some rows. ``truth`` maps every
``(list name, record_id)`` to the ``person_id`` the row is about.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from unforgotten.synth.capture import CaptureModel, CaptureTruth, simulate_capture
from unforgotten.synth.dates import DateNoise, DateWriter
from unforgotten.synth.perpetrators import PERPETRATOR_COLUMNS, written
from unforgotten.synth.places import Place, place, province
from unforgotten.synth.population import Population, TruePerson
from unforgotten.synth.spelling import KoreanSpeller, Speller, is_hangul
from unforgotten.synth.styles import (
    CASE_LABELS,
    SEX_NOTATIONS,
    STATUS_LABELS,
    ListStyle,
    style_for,
)

__all__ = [
    "CANONICAL_COLUMNS",
    "PROTECTED_COLUMNS",
    "SourceList",
    "SyntheticLists",
    "make_lists",
]

CANONICAL_COLUMNS: tuple[str, ...] = (
    "record_id", "full_name", "family_name", "given_name", "name_hangul", "aliases", "sex",
    "birth_date", "birth_place", "case_type", "event_date", "event_place", "status", "notes",
    "informant_name", "informant_contact",
)
PROTECTED_COLUMNS: tuple[str, ...] = ("informant_name", "informant_contact")

_NOTES: dict[str, tuple[str, str]] = {
    "abductee_wartime": ("6·25 전쟁 중 납북", "taken from home during the war"),
    "abductee_postwar": ("조업 중 납북", "abducted while fishing"),
    "detainee": ("입북 후 억류", "detained after entering the North"),
    "pow": ("미송환 국군포로", "unrepatriated prisoner of war"),
    "forcibly_returned": ("중국에서 강제북송", "repatriated from China"),
    "political_prisoner": ("관리소 수감 증언", "held in a political prison camp, per testimony"),
}
DEFAULT_DATE_NOISE = DateNoise()
_GENERIC_NOTES = (("가족 증언", "family testimony"), ("확인 필요", "to be verified"))


@dataclass(frozen=True)
class SourceList:
    """One list as its keeper wrote it: rows of strings in the canonical columns."""

    name: str
    style: ListStyle
    rows: tuple[dict[str, str], ...]
    perpetrators: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        """Column order for writers: the canonical columns, the list's own extras, then (when
        asked for) who did it and where."""
        who = PERPETRATOR_COLUMNS if self.perpetrators else ()
        return CANONICAL_COLUMNS + self.style.extra_columns + who

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, str]]:
        return iter(self.rows)


@dataclass(frozen=True, eq=False)
class SyntheticLists:
    """Lists, the population behind them, the true captures and the row → person truth."""

    population: Population
    capture: CaptureTruth
    lists: tuple[SourceList, ...]
    truth: dict[tuple[str, str], str]
    seed: int

    def __getitem__(self, name: str) -> SourceList:
        for source in self.lists:
            if source.name == name:
                return source
        raise KeyError(name)

    @property
    def list_names(self) -> tuple[str, ...]:
        """List names in drawing order."""
        return tuple(source.name for source in self.lists)

    def truth_rows(self) -> list[tuple[str, str, str]]:
        """``(list, record_id, person_id)`` for every row of every list."""
        return [(lst, rid, pid) for (lst, rid), pid in self.truth.items()]


@dataclass(frozen=True)
class _Settings:
    duplicate_rate: float
    name_noise: float
    date_noise: DateNoise
    vocabulary_noise: float
    speller: Speller
    perpetrators: bool = False


def make_lists(
    population: Population,
    model: CaptureModel,
    *,
    seed: int,
    duplicate_rate: float = 0.05,
    name_noise: float = 0.3,
    date_noise: DateNoise | float = DEFAULT_DATE_NOISE,
    vocabulary_noise: float = 0.0,
    speller: Speller | None = None,
    perpetrators: bool = False,
) -> SyntheticLists:
    """Capture ``population`` under ``model`` and write every list; same seed, same lists.

    ``duplicate_rate``: share of captured persons written twice in the same list (with a
    different spelling). ``name_noise``: share of rows whose name is a noisy variant
    (any script or system, typos) rather than the list's usual form. ``date_noise``: a
    :class:`DateNoise`, or one number ``r`` for drift ``r`` and day/month swap ``r/2``.
    ``vocabulary_noise``: share of ``case_type``/``status`` written as Korean or English
    labels instead of codes. ``speller``: default :class:`~.spelling.KoreanSpeller`.
    ``perpetrators``: add the columns ``perpetrator_name``, ``perpetrator_unit``,
    ``perpetrator_role`` and ``facility`` (:mod:`.perpetrators`; the other columns stay as they
    are).
    """
    noise = date_noise if isinstance(date_noise, DateNoise) else DateNoise(date_noise,
                                                                          date_noise / 2)
    settings = _Settings(duplicate_rate, name_noise, noise, vocabulary_noise,
                         speller or KoreanSpeller(), perpetrators)
    streams = np.random.SeedSequence(seed).spawn(1 + len(model.lists))
    truth_capture = simulate_capture(population, model, seed=_int_seed(streams[0]))
    members = truth_capture.members()
    lists: list[SourceList] = []
    truth: dict[tuple[str, str], str] = {}
    for j, name in enumerate(model.list_names):
        rng = random.Random(_int_seed(streams[j + 1]))
        persons = [population.by_id[pid] for pid in members[name]]
        source, ids = _write_list(name, style_for(name, j), persons, settings, rng)
        lists.append(source)
        truth.update(((name, rid), pid) for rid, pid in ids)
    return SyntheticLists(population, truth_capture, tuple(lists), truth, seed)


def _int_seed(sequence: np.random.SeedSequence) -> int:
    return int(sequence.generate_state(1)[0])


@dataclass(frozen=True)
class _Context:
    style: ListStyle
    settings: _Settings
    birth: DateWriter
    event: DateWriter
    systems: tuple[str, ...]
    system_weights: tuple[float, ...]

    def system(self, rng: random.Random) -> str:
        """A romanization system drawn by the list's weights."""
        pick = bisect.bisect_right(self.system_weights, rng.random() * self.system_weights[-1])
        return self.systems[min(pick, len(self.systems) - 1)]


def _context(style: ListStyle, s: _Settings) -> _Context:
    systems = tuple(style.systems)
    weights = tuple(itertools.accumulate(style.systems[name] for name in systems))
    return _Context(style, s, DateWriter(style.birth_formats, s.date_noise),
                    DateWriter(style.event_formats, s.date_noise), systems, weights)


def _write_list(
    name: str, style: ListStyle, persons: list[TruePerson], s: _Settings, rng: random.Random
) -> tuple[SourceList, list[tuple[str, str]]]:
    ctx = _context(style, s)
    drafts: list[tuple[dict[str, str], str]] = []
    for person in persons:
        first = _row(person, ctx, rng)
        drafts.append((first, person.person_id))
        if rng.random() < s.duplicate_rate:
            drafts.append((_row(person, ctx, rng, avoid=first["full_name"]), person.person_id))
    rng.shuffle(drafts)
    ids = []
    for seq, (row, pid) in enumerate(drafts, start=1):
        row["record_id"] = f"{style.prefix}-{seq:06d}"
        ids.append((row["record_id"], pid))
    return SourceList(name, style, tuple(row for row, _ in drafts), s.perpetrators), ids


def _row(person: TruePerson, ctx: _Context, rng: random.Random, *, avoid: str = ""
         ) -> dict[str, str]:
    style, s = ctx.style, ctx.settings
    row = dict.fromkeys(CANONICAL_COLUMNS + style.extra_columns, "")
    row.update(_names(person, ctx, rng, avoid))
    row["sex"] = _sex(person.sex, style, rng)
    row["birth_date"] = ctx.birth(person.birth_date, rng)
    row["birth_place"] = _birth_place(person, style, rng)
    row["case_type"] = _label(person.case_type, CASE_LABELS, style, s, rng)
    row["event_date"] = ctx.event(person.event_date, rng)
    row["event_place"] = _place(place(person.event_place), style, rng)
    row["status"] = _label(person.status, STATUS_LABELS, style, s, rng)
    row["notes"] = _notes(person, style, rng)
    if rng.random() < style.informants:
        row.update(_informant(ctx, rng))
    for column in style.extra_columns:
        row[column] = f"PRK {rng.randrange(1, 1000)}/{person.event_date.year}"
    if s.perpetrators:
        row.update(written(person, prefix=style.prefix, share=style.perpetrators, script=style.script))
    return row


def _names(person: TruePerson, ctx: _Context, rng: random.Random, avoid: str) -> dict[str, str]:
    style, s = ctx.style, ctx.settings
    family, given = person.family_hangul, person.given_hangul
    north = rng.random() < style.north_hangul
    full = _full_name(person, ctx, rng, north=north, avoid=avoid)
    out = {"full_name": full}
    if rng.random() < style.name_parts:
        out["family_name"], out["given_name"] = _split(full, len(family))
    if style.script == "roman" and rng.random() < style.name_hangul:
        out["name_hangul"] = s.speller.hangul(family, given, north=north)
    if rng.random() < style.aliases:
        out["aliases"] = _aliases(family, given, full, s.speller, rng)
    return out


def _full_name(person: TruePerson, ctx: _Context, rng: random.Random, *, north: bool, avoid: str
               ) -> str:
    s = ctx.settings
    family, given = person.family_hangul, person.given_hangul
    if avoid or rng.random() < s.name_noise:
        written = s.speller.variant(family, given, rng)
        for _ in range(5):
            if written != avoid:
                break
            written = s.speller.variant(family, given, rng)
        return written
    if ctx.style.script == "hangul":
        return s.speller.hangul(family, given, north=north)
    return s.speller.romanized(family, given, system=ctx.system(rng))


def _split(full: str, family_length: int) -> tuple[str, str]:
    """Family and given name out of a written full name (first word, or first syllables)."""
    if " " in full.strip():
        family, _, given = full.strip().partition(" ")
        return family, given.strip()
    if is_hangul(full):
        return full[:family_length], full[family_length:]
    return "", full


def _aliases(family: str, given: str, full: str, speller: Speller, rng: random.Random) -> str:
    drawn = [speller.variant(family, given, rng) for _ in range(rng.choice((1, 2)))]
    return "|".join(dict.fromkeys(a for a in drawn if a and a != full and "|" not in a))


def _sex(sex: str, style: ListStyle, rng: random.Random) -> str:
    if rng.random() < style.sex_blank:
        return ""
    return SEX_NOTATIONS[rng.choice(style.sex_notations)][sex]


def _place(where: Place, style: ListStyle, rng: random.Random) -> str:
    if rng.random() < style.place_blank:
        return ""
    form = rng.choice(style.place_forms)
    return str(getattr(where, form)) or where.hangul


def _birth_place(person: TruePerson, style: ListStyle, rng: random.Random) -> str:
    written = _place(province(person.birth_province), style, rng)
    if written and person.birth_county and not is_hangul(written) and rng.random() < style.county:
        return f"{person.birth_county}, {written}"
    return written


def _label(code: str, labels: dict[str, tuple[str, str]], style: ListStyle, s: _Settings,
           rng: random.Random) -> str:
    if rng.random() >= s.vocabulary_noise:
        return code
    korean, english = labels[code]
    return korean if style.language == "ko" else english


def _notes(person: TruePerson, style: ListStyle, rng: random.Random) -> str:
    if rng.random() >= style.notes:
        return ""
    choices = (_NOTES[person.case_type], *_GENERIC_NOTES)
    korean, english = rng.choice(choices)
    return korean if style.language == "ko" else english


def _informant(ctx: _Context, rng: random.Random) -> dict[str, str]:
    speller = ctx.settings.speller
    family, given = speller.random_name(rng)
    if ctx.style.script == "hangul":
        name = speller.hangul(family, given, north=False)
    else:
        name = speller.romanized(family, given, system=ctx.system(rng))
    if rng.random() < 0.7:
        contact = f"+82-10-0000-{rng.randrange(10000):04d}"
    else:
        contact = f"informant{rng.randrange(100000):05d}@example.org"
    return {"informant_name": name, "informant_contact": contact}
