"""The fields of the workbench's HTML forms: what each form shows, in which order, with which
control, and how a posted form becomes the values the record service takes.

The rules of the values stay in :mod:`unforgotten.records.fields`; this module only lays them
out. Every label is a key of :mod:`unforgotten.web.i18n`; the options of a select are codes of a
vocabulary with their labels in the user's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

from unforgotten.domain.vocab import CASE_STATUSES, CASE_TYPES, CONFIDENCE, SEX, violations
from unforgotten.korean import counties, facilities, provinces, south_korea
from unforgotten.korean.romanize import SYSTEMS
from unforgotten.records.fields import limit_for
from unforgotten.web.i18n import translate
from unforgotten.web.labels import term

__all__ = [
    "ACT",
    "CASE_EDIT",
    "CASE_NEW",
    "INCIDENT",
    "PERSON",
    "PERSON_CASE",
    "SOURCE",
    "STATUS",
    "Field",
    "form_errors",
    "localise",
    "options",
    "place_names",
]

Options = Callable[[str], list[tuple[str, str]]]


def _vocab(name: str, codes: tuple[str, ...], *, blank: bool = True) -> Options:
    def listed(lang: str) -> list[tuple[str, str]]:
        out = [(c, term(lang, name, c)) for c in codes]
        return [("", "—"), *out] if blank else out

    return listed


def _systems(lang: str) -> list[tuple[str, str]]:
    return [("", "—"), *((c, f"{term(lang, 'system', c)} ({c})") for c in SYSTEMS)]


def _fixed(name: str, codes: tuple[str, ...]) -> Options:
    return lambda lang: [(c, term(lang, name, c)) for c in codes]


def _violations(lang: str) -> list[tuple[str, str]]:
    vocabulary = violations()
    return [("", "—"), *((c, f"{c} · {term(lang, 'violation', c)}") for c in vocabulary.codes)]


@dataclass(frozen=True, slots=True)
class Field:
    """One control of a form: ``name`` in the posted form, ``key`` in the service's values."""

    name: str
    label: str
    widget: str = "text"  # text, select, textarea, place (text with the gazetteer), number
    options: Options | None = None
    required: bool = False
    help: str = ""
    protected: bool = False
    key: str = ""

    @property
    def field(self) -> str:
        """The service's name of the value (the form name unless ``key`` says otherwise)."""
        return self.key or self.name

    @property
    def limit(self) -> int | None:
        """The longest value accepted (``maxlength``)."""
        return limit_for(self.field)


PERSON: tuple[Field, ...] = (
    Field("name", "f_name", required=True, help="h_name"),
    Field("name_system", "f_name_system", "select", _systems),
    Field("name_hangul", "f_name_hangul"),
    Field("aliases", "f_aliases", help="h_aliases"),
    Field("sex", "sex", "select", _vocab("sex", SEX.codes)),
    Field("birth_date", "f_birth_date", help="h_date"),
    Field("birth_place", "f_birth_place", "place", help="h_place"),
    Field("informant_name", "informant_name", protected=True),
    Field("informant_contact", "informant_contact", protected=True),
)
PERSON_CASE: tuple[Field, ...] = (
    Field("c_case_type", "case_type", "select", _vocab("case_type", CASE_TYPES.codes), key="case_type"),
    Field("c_event_date", "event_date", help="h_date", key="event_date"),
    Field("c_event_place", "place", "place", help="h_place", key="event_place"),
    Field("c_status", "f_first_status", "select", _vocab("status", CASE_STATUSES.codes), key="status"),
)
CASE_EDIT: tuple[Field, ...] = (
    Field("case_type", "case_type", "select", _vocab("case_type", CASE_TYPES.codes), required=True),
    Field("event_date", "event_date", help="h_date"),
    Field("event_place", "place", "place", help="h_place"),
)
CASE_NEW: tuple[Field, ...] = (
    *CASE_EDIT,
    Field("status", "f_first_status", "select", _vocab("status", CASE_STATUSES.codes)),
)
STATUS: tuple[Field, ...] = (
    Field("status", "status", "select", _vocab("status", CASE_STATUSES.codes), required=True),
    Field("date", "event_date", help="h_date"),
    Field("note", "f_note", "textarea"),
)
INCIDENT: tuple[Field, ...] = (
    Field("title", "f_title", required=True),
    Field("date", "f_date_range", help="h_date"),
    Field("place", "place", "place", help="h_place"),
    Field("description", "f_description", "textarea"),
)
ACT: tuple[Field, ...] = (
    Field("act_violation", "violation", "select", _violations, required=True, key="violation"),
    Field("act_victim_id", "f_victim", "number", help="h_victim", key="victim_id"),
    Field("act_perpetrator", "perpetrator", help="h_perpetrator", key="perpetrator"),
    Field("act_place", "place", "place", help="h_place", key="place"),
    Field("act_date", "event_date", help="h_date", key="date"),
    Field("act_description", "f_description", "textarea", key="description"),
)
SOURCE: tuple[Field, ...] = (
    Field("name", "f_source_name", required=True),
    Field(
        "kind", "kind", "select", _fixed("source_kind", ("list", "testimonies", "document")), required=True
    ),
    Field("organisation", "organisation"),
    Field(
        "confidentiality",
        "confidentiality",
        "select",
        _fixed("confidentiality", ("public", "restricted", "confidential")),
    ),
    Field("description", "f_description", "textarea"),
)


def confidence_options(lang: str) -> list[tuple[str, str]]:
    """The four confidences with their labels."""
    return [(c, translate(lang, f"conf_{c}")) for c in CONFIDENCE.codes]


def options(field: Field, lang: str) -> list[tuple[str, str]]:
    """The options of a select in ``lang``."""
    return field.options(lang) if field.options else []


@cache
def place_names() -> tuple[str, ...]:
    """Every spelling of every place of the gazetteer (Hangul, English, romanizations), for the
    ``<datalist>`` of a place field: the browser suggests from it while typing, without a request
    per keystroke (which would break Hangul composition)."""
    names: dict[str, None] = {}
    for unit in (*provinces(), *south_korea(), *counties(), *facilities()):
        for name in (unit.name_hangul, unit.name_en, *unit.aliases):
            if name:
                names[name] = None
    return tuple(sorted(names))


def form_errors(
    errors: Mapping[str, str], fields: tuple[Field, ...]
) -> tuple[dict[str, str], dict[str, str]]:
    """The service's errors split into those shown next to a field of the form (by form name)
    and the rest (shown above the form)."""
    by_key = {f.field: f.name for f in fields}
    by_name = {f.name for f in fields}
    inline: dict[str, str] = {}
    rest: dict[str, str] = {}
    for key, message in errors.items():
        name = key
        if key.startswith("act "):  # "act 1 violation" → act_violation
            tail = key.split()[-1]
            name = "act_" + ("victim_id" if tail == "victim" else tail)
        elif key in by_key and key not in by_name:
            name = by_key[key]
        if name in by_name or name in ("source", "confidence", "citation", "reason"):
            inline[name] = message
        else:
            rest[key] = message
    return inline, rest


_KO_MESSAGES: tuple[tuple[str, str, bool], ...] = (  # (English, Korean, keep the English details)
    ("is required", "필수 항목입니다", False),
    (
        "is not a date",
        "날짜로 읽을 수 없습니다 (예: 1977, 1977-08, 1977-08-15, 1977년 8월, c. 1977, 1950~1953)",
        False,
    ),
    ("nothing to change", "바뀐 값이 없습니다", False),
    ("is not a known", "목록에 없는 값입니다", True),
    ("exists already", "같은 이름의 출처가 이미 있습니다", False),
    ("does not exist", "등록되지 않은 출처입니다", False),
    ("use one of", "목록의 값 중 하나를 고르십시오", False),
    ("is not a person id", "인물 번호(숫자)가 아닙니다", False),
    (
        "a second person must approve it",
        "직접 입력하거나 마지막으로 고친 기록은 다른 사람이 승인해야 합니다",
        True,
    ),
    ("has the same fields as the current one", "이 버전은 현재 버전과 같습니다", False),
)
_TOO_LONG = re.compile(r"([\d,]+) characters; at most ([\d,]+) are accepted")


def localise(lang: str, message: str) -> str:
    """A service message about a field in ``lang``: Korean for the rules a form can break (with
    the English details, such as suggested codes, only where the Korean does not say them)."""
    if lang != "ko":
        return message
    long = _TOO_LONG.search(message)
    if long:
        return f"너무 깁니다: {long.group(1)}자 (최대 {long.group(2)}자)"
    for english, korean, details in _KO_MESSAGES:
        if english in message:
            return f"{korean} — {message}" if details else korean
    return message
