"""Per-record features: what Splink compares, computed once per record in Python.

The linkage SQL never sees raw names or places. This step turns each record into plain
columns (a canonical name form per part, name keys, a normalised place code, the birth
date split by precision), so that comparisons are cheap exact or string-distance tests
that run the same on DuckDB and Spark.

Names repeat a lot (a list of 30,000 people holds far fewer distinct spellings), so every
name function runs once per distinct value. The name step is pluggable: a
:class:`NameFeaturizer` turns one name into :class:`NameFeatures`; :class:`GenericNames`
needs nothing, :class:`~unforgotten.linkage.korean_features.KoreanNames` uses
:mod:`unforgotten.korean`.
"""

from __future__ import annotations

import multiprocessing
import re
import unicodedata
from collections.abc import Callable, Hashable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

import pandas as pd

from unforgotten.domain.dates import parse_partial_date, solar_to_lunar
from unforgotten.domain.limits import COMPARE_MAX
from unforgotten.domain.vocab import CASE_TYPES, case_type_group

__all__ = [
    "FEATURE_COLUMNS",
    "GenericNames",
    "NameFeatures",
    "NameFeaturizer",
    "NameInput",
    "PlaceResolver",
    "RawNames",
    "build_features",
    "cap_name_keys",
    "map_names",
    "normalise_text",
]

#: Columns of the feature table, besides ``unique_id``, ``source`` and extra columns.
FEATURE_COLUMNS = (
    "full_form",
    "surname_form",
    "given_form",
    "surname_key",
    "given_key",
    "given_jamo",
    "surname_key_alt",
    "given_key_alt",
    "name_key",
    "hangul_name",
    "name_keys",
    "sex",
    "birth_year",
    "birth_month",
    "birth_day",
    "birth_approx_year",
    "birth_approx",
    "birth_ymd",
    "birth_other_ymd",
    "birth_place_code",
    "birth_province",
    "event_place_code",
    "event_province",
    "case_type",
    "case_group",
    "event_year",
)

_NAME_INPUT_COLUMNS = ("full_name", "family_name", "given_name", "name_hangul")
_SEX = {"m": "M", "male": "M", "남": "M", "남자": "M", "f": "F", "female": "F", "여": "F"}
_SEX.update({"여자": "F"})
_PUNCT = re.compile(r"[^\w\s]|_")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class NameInput:
    """The name fields of one record as written (any may be empty)."""

    full_name: str = ""
    family_name: str = ""
    given_name: str = ""
    name_hangul: str = ""


@dataclass(frozen=True, slots=True)
class NameFeatures:
    """What the comparisons use of one name.

    ``*_form`` are compared with string similarity; ``*_key`` are compared exactly (with
    term-frequency adjustment); ``given_jamo`` (Hangul names only) is compared letter by
    letter. ``surname_key_alt`` and ``given_key_alt`` are the keys of the other reading of
    a name whose order or surname split is uncertain (``Song Jang``, ``서문석``): a pair agrees
    on the name when either reading agrees. ``keys`` are the blocking keys (any shared key
    makes a candidate pair); ``surname_share`` is the surname's share of the population
    when known (the prior of the term-frequency adjustment).
    """

    full_form: str | None = None
    surname_form: str | None = None
    given_form: str | None = None
    surname_key: str | None = None
    given_key: str | None = None
    given_jamo: str | None = None
    surname_key_alt: str | None = None
    given_key_alt: str | None = None
    surname_share: float | None = None
    keys: tuple[str, ...] = ()

    @property
    def name_key(self) -> str | None:
        """Surname key and given key joined, when both are known."""
        if self.surname_key and self.given_key:
            return f"{self.surname_key}|{self.given_key}"
        return None

    @property
    def hangul_name(self) -> str | None:
        """Surname key and the given name's jamo: the name as written in Hangul (up to the
        surname's script), for the frequency of a Hangul name."""
        if self.given_jamo:
            return f"{self.surname_key or ''}|{self.given_jamo}"
        return None

    @property
    def name_keys(self) -> list[str]:
        """Every blocking key: ``keys``, or the name key alone."""
        if self.keys:
            return list(self.keys)
        return [self.name_key] if self.name_key else []


class NameFeaturizer(Protocol):
    """Turns one record's name fields into :class:`NameFeatures`."""

    def __call__(self, name: NameInput) -> NameFeatures:
        """Features of one name."""
        ...


class PlaceResolver(Protocol):
    """Turns a place as written into ``(code, province_code)``, either may be None."""

    def __call__(self, text: str) -> tuple[str | None, str | None]:
        """Normalised unit and province of one place."""
        ...


def normalise_text(text: str) -> str:
    """Lower-case, accents and punctuation removed, spaces collapsed.

    >>> normalise_text("  Chŏng-ŭn,  KIM ")
    'chong un kim'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = unicodedata.normalize("NFC", plain).casefold()
    return _SPACE.sub(" ", _PUNCT.sub(" ", plain)).strip()


class GenericNames:
    """Language-neutral names: normalised text, keys are the forms themselves.

    The given name loses its inner spaces and hyphens (``"Jong-un"`` = ``"Jong Un"``);
    without family and given name fields, only ``full_form`` is filled.
    """

    def __call__(self, name: NameInput) -> NameFeatures:
        """Features of one name."""
        surname = normalise_text(name.family_name) or None
        given = normalise_text(name.given_name).replace(" ", "") or None
        full = normalise_text(name.full_name) or _join(surname, given)
        return NameFeatures(
            full_form=full,
            surname_form=surname,
            given_form=given,
            surname_key=surname,
            given_key=given,
        )


class RawNames:
    """The name as written, unsplit: what Splink sees without a feature step."""

    def __call__(self, name: NameInput) -> NameFeatures:
        """Features of one name."""
        joined = f"{name.family_name} {name.given_name}".strip()
        raw = name.full_name.strip() or joined or name.name_hangul.strip()
        return NameFeatures(full_form=raw or None)


def _join(*parts: str | None) -> str | None:
    present = [p for p in parts if p]
    return " ".join(present) if present else None


def no_places(text: str) -> tuple[str | None, str | None]:
    """Place resolver of the generic profile: the normalised text, no province."""
    return (normalise_text(text) or None, None)


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _map_distinct(values: list[K], function: Callable[[K], V]) -> list[V]:
    """``[function(v) for v in values]``, calling ``function`` once per distinct value."""
    cache: dict[K, V] = {}
    out: list[V] = []
    for value in values:
        if value not in cache:
            cache[value] = function(value)
        out.append(cache[value])
    return out


def _text_column(records: pd.DataFrame, column: str) -> list[str]:
    """The column's text, each value cut to :data:`COMPARE_MAX` characters: name comparisons grow
    faster than the name, so one over-long value (from a registry older than the field caps)
    must not hold linkage up."""
    if column not in records.columns:
        return [""] * len(records)
    series = records[column]
    return [v[:COMPARE_MAX] if isinstance(v, str) else "" for v in series.tolist()]


#: Below this many distinct names, a process pool costs more than it saves (measured: at
#: 30,000 distinct names two workers took longer than one process, start-up and transfer
#: included).
PARALLEL_MIN_NAMES = 200_000


def _safe_context(names: NameFeaturizer) -> multiprocessing.context.BaseContext:
    """A start method that never forks this process: DuckDB (and Spark) threads may be
    running in it, and a forked child inherits their locks but not the threads (a
    worker forked after a DuckDB linkage crashed). The forkserver is a fresh process that
    imports the featuriser's module once; elsewhere workers are spawned."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([type(names).__module__])
    return context


def map_names(
    inputs: list[NameInput],
    names: NameFeaturizer,
    *,
    workers: int,
    min_parallel: int = PARALLEL_MIN_NAMES,
) -> list[NameFeatures]:
    """``names`` of every input, once per distinct input; over ``workers`` processes when
    there are at least ``min_parallel`` distinct inputs."""
    distinct = list(dict.fromkeys(inputs))
    if workers <= 1 or len(distinct) < min_parallel:
        return _map_distinct(inputs, names)
    with ProcessPoolExecutor(max_workers=workers, mp_context=_safe_context(names)) as pool:
        computed = list(pool.map(names, distinct, chunksize=2_000))
    lookup = dict(zip(distinct, computed, strict=True))
    return [lookup[i] for i in inputs]


def _name_frame(records: pd.DataFrame, names: NameFeaturizer, workers: int) -> pd.DataFrame:
    columns = [_text_column(records, c) for c in _NAME_INPUT_COLUMNS]
    inputs = [NameInput(*row) for row in zip(*columns, strict=True)]
    features = map_names(inputs, names, workers=workers)
    frame = pd.DataFrame(
        {
            "full_form": [f.full_form for f in features],
            "surname_form": [f.surname_form for f in features],
            "given_form": [f.given_form for f in features],
            "surname_key": [f.surname_key for f in features],
            "given_key": [f.given_key for f in features],
            "given_jamo": [f.given_jamo for f in features],
            "surname_key_alt": [f.surname_key_alt for f in features],
            "given_key_alt": [f.given_key_alt for f in features],
            "name_key": [f.name_key for f in features],
            "hangul_name": [f.hangul_name for f in features],
            "name_keys": [f.name_keys for f in features],
            "surname_share": [f.surname_share for f in features],
        },
        index=records.index,
    )
    return frame


def _place_frame(records: pd.DataFrame, places: PlaceResolver, prefix: str) -> pd.DataFrame:
    resolved = _map_distinct(_text_column(records, f"{prefix}_place"), _resolve_or_none(places))
    return pd.DataFrame(
        {
            f"{prefix}_place_code": [r[0] for r in resolved],
            f"{prefix}_province": [r[1] for r in resolved],
        },
        index=records.index,
    )


def _resolve_or_none(places: PlaceResolver) -> Callable[[str], tuple[str | None, str | None]]:
    def resolve(text: str) -> tuple[str | None, str | None]:
        return places(text) if text.strip() else (None, None)

    return resolve


def _int_column(records: pd.DataFrame, column: str) -> pd.Series:
    if column not in records.columns:
        return pd.Series(pd.NA, index=records.index, dtype="Int64")
    return pd.to_numeric(records[column], errors="coerce").astype("Int64")


def _circa(records: pd.DataFrame) -> pd.Series:
    """Whether the raw birth date says it is approximate ("c. 1950", "약 1920")."""
    flags = _map_distinct(_text_column(records, "birth_date"), lambda v: parse_partial_date(v).circa)
    return pd.Series(flags, index=records.index, dtype=bool)


def _other_calendar(raw: str, lunar: str, ymd: str | None) -> str | None:
    """The same birth date in the other calendar: the lunar date as written for a lunar
    source, else the lunar date of a full solar date (``None`` when neither is known)."""
    written = lunar or parse_partial_date(raw).lunar
    if written:
        return written if len(written) == 10 else None
    if ymd is None:
        return None
    found = solar_to_lunar(date.fromisoformat(ymd))
    return f"{found[0]:04d}-{found[1]:02d}-{found[2]:02d}" if found else None


def _ymd(year: object, month: object, day: object) -> str | None:
    if pd.isna(year) or pd.isna(month) or pd.isna(day):
        return None
    try:
        return date(int(year), int(month), int(day)).isoformat()  # type: ignore[call-overload]
    except ValueError:
        return None


def _calendar_columns(
    records: pd.DataFrame, frame: pd.DataFrame
) -> tuple[list[str | None], list[str | None]]:
    ymd = [
        _ymd(y, m, d)
        for y, m, d in zip(frame["birth_year"], frame["birth_month"], frame["birth_day"], strict=True)
    ]
    raws = _text_column(records, "birth_date")
    lunars = _text_column(records, "birth_lunar")
    keys = list(zip(raws, lunars, ymd, strict=True))
    other = _map_distinct(keys, lambda key: _other_calendar(*key))
    return ymd, other


def _birth_frame(records: pd.DataFrame) -> pd.DataFrame:
    """Birth year, month and day, each kept only as far as the precision allows.

    ``birth_year`` is the year when it is stated as such; approximate years ("c. 1950",
    often rounded to five) and decades ("1950s", counted as its middle year) are only in
    ``birth_approx_year``, flagged by ``birth_approx``. ``birth_ymd`` is the full date
    (ISO) and ``birth_other_ymd`` the same date in the other calendar (the lunar date as
    written for a lunar source, else the lunar date of the solar one), for the
    "lunar/solar equivalent" level.
    """
    precision = pd.Series(_text_column(records, "birth_precision"), index=records.index)
    year = _int_column(records, "birth_year")
    month = _int_column(records, "birth_month")
    day = _int_column(records, "birth_day")
    decade = precision == "decade"
    approx = _circa(records) | decade
    stated = precision.isin(["day", "month", "year", ""]) & ~approx
    middle = (year // 10 * 10 + 5).where(decade, year)
    frame = pd.DataFrame(
        {
            "birth_year": year.where(stated),
            "birth_month": month.where(stated & precision.isin(["day", "month", ""])),
            "birth_day": day.where(stated & precision.isin(["day", ""]) & month.notna()),
            "birth_approx_year": middle,
            "birth_approx": approx & middle.notna(),
        },
        index=records.index,
    )
    ymd, other = _calendar_columns(records, frame)
    return frame.assign(birth_ymd=ymd, birth_other_ymd=other)


def _sex_column(records: pd.DataFrame) -> list[str | None]:
    return [_SEX.get(v.strip().casefold()) for v in _text_column(records, "sex")]


def _case_code(text: str) -> tuple[str | None, str | None]:
    """Case type as compared (the vocabulary code when the text names one) and its group."""
    code = CASE_TYPES.normalise(text) if text.strip() else None
    if code is None:
        return normalise_text(text) or None, None
    return normalise_text(code), case_type_group(code)


def _case_frame(records: pd.DataFrame) -> pd.DataFrame:
    found = _map_distinct(_text_column(records, "case_type"), _case_code)
    return pd.DataFrame(
        {"case_type": [f[0] for f in found], "case_group": [f[1] for f in found]}, index=records.index
    )


def _plain_column(records: pd.DataFrame, column: str) -> list[str | None]:
    return _map_distinct(_text_column(records, column), lambda v: normalise_text(v) or None)


def build_features(
    records: pd.DataFrame,
    *,
    names: NameFeaturizer,
    places: PlaceResolver = no_places,
    extra_columns: tuple[str, ...] = (),
    workers: int = 1,
) -> pd.DataFrame:
    """The feature table of ``records`` (one row per record, same order).

    ``records`` holds ``unique_id``, ``source`` and any of the canonical columns
    (missing ones count as unknown). With ``workers`` > 1, many distinct names are
    featurised in that many worker processes (never forked from this one).
    """
    parts = [
        records[["unique_id"]].astype({"unique_id": "int64"}),
        pd.DataFrame({"source": _text_column(records, "source")}, index=records.index),
        _name_frame(records, names, workers),
        pd.DataFrame({"sex": _sex_column(records)}, index=records.index),
        _birth_frame(records),
        _place_frame(records, places, "birth"),
        _place_frame(records, places, "event"),
        _case_frame(records),
        pd.DataFrame({"event_year": _int_column(records, "event_year")}, index=records.index),
    ]
    extras = {c: _plain_column(records, c) for c in extra_columns}
    parts.append(pd.DataFrame(extras, index=records.index))
    features = pd.concat(parts, axis=1).reset_index(drop=True)
    return _typed(features)


def cap_name_keys(features: pd.DataFrame, *, max_records: int | None) -> pd.DataFrame:
    """Drop name keys shared by more than ``max_records`` records.

    A key that common (a frequent name, or a short one-deletion variant) would pair
    every record holding it with every other: the pairs grow with the square of the
    store while adding little recall, since the exact name and the date rules still
    pair those records.
    """
    if max_records is None or "name_keys" not in features:
        return features
    counts = features["name_keys"].explode().value_counts()
    common = set(counts.index[counts > max_records])
    if not common:
        return features
    kept = [[k for k in keys if k not in common] for keys in features["name_keys"]]
    return features.assign(name_keys=kept)


def _typed(features: pd.DataFrame) -> pd.DataFrame:
    """Text columns as strings and shares as floats, even when all values are missing."""
    text = [c for c in features.columns if features[c].dtype == object and c != "name_keys"]
    typed = features.astype({c: "string" for c in text})
    return typed.astype({"surname_share": "float64"})
