"""The fields of each kind of entry, and how a value typed in a form or on the command line is
checked and turned into the values stored.

Every write path (web form, CLI, JSON API) hands the service plain text per field; the rules
here are the importer's rules (the same vocabularies, the same partial dates), so a value that
imports also saves, and the error names the field and what is wrong without echoing a protected
value.

>>> clean("person", {"sex": "여", "birth_date": "1977-08"})["sex"]
'F'
>>> sorted(errors_of("person", {"birth_date": "next spring"}))
['birth_date']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from unforgotten.domain.dates import parse_partial_date
from unforgotten.domain.invisible import bidi_control, strip_invisible
from unforgotten.domain.limits import check_length, limit_of
from unforgotten.domain.vocab import CASE_STATUSES, CASE_TYPES, CONFIDENCE, SEX, Vocabulary, violations
from unforgotten.errors import FieldErrors
from unforgotten.korean.romanize import SYSTEMS

__all__ = [
    "FIELDS",
    "KINDS",
    "PROTECTED",
    "check_confidence",
    "check_field",
    "check_text",
    "clean",
    "errors_of",
    "limit_for",
]

KINDS = ("person", "case", "incident", "source")

#: The editable fields of each kind, in form order. Values are text as typed; "" clears a field.
FIELDS: dict[str, tuple[str, ...]] = {
    "person": ("name", "name_system", "name_hangul", "aliases", "sex", "birth_date", "birth_place"),
    "case": ("case_type", "event_date", "event_place"),
    "incident": ("title", "date", "place", "description"),
    "source": ("name", "kind", "organisation", "confidentiality", "description"),
}

#: Fields entered with a record but never kept in its document, its versions' clear text or logs.
PROTECTED = ("informant_name", "informant_contact")

#: The workbench's field names where the import's differ (domain.limits keys its caps by the latter).
_LIMIT_KEY = {"name": "full_name", "perpetrator": "perpetrator_text"}
_NAMES = ("name", "name_hangul", "aliases", "informant_name")

_REQUIRED: dict[str, tuple[str, ...]] = {
    "person": ("name",),
    "case": ("case_type",),
    "incident": ("title",),
    "source": ("name", "kind"),
}

_VOCABULARIES: dict[str, Callable[[], Vocabulary]] = {
    "sex": lambda: SEX,
    "case_type": lambda: CASE_TYPES,
    "status": lambda: CASE_STATUSES,
    "violation": violations,
}
_SOURCE_KINDS = ("list", "testimonies", "document")
_CONFIDENTIALITY = ("public", "restricted", "confidential")
_DATE_HELP = "e.g. 1977, 1977-08, 1977-08-15, 1977년 8월, August 1977, c. 1977, 1950~1953"


def _vocab(vocabulary: Vocabulary, value: str) -> tuple[str | None, str | None]:
    code = vocabulary.normalise(value)
    if code is not None:
        return code, None
    close = vocabulary.suggest(value)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; use one of {', '.join(vocabulary.codes)}"
    return None, f"{value!r} is not a known {vocabulary.name}{hint}"


def check_field(kind: str, field: str, value: str) -> tuple[Any, str | None]:
    """The stored value of one field, or an error (naming the field's rule, not a protected value)."""
    too_long = check_length(_LIMIT_KEY.get(field, field), value)
    if too_long:
        return None, too_long
    if "\x00" in value:
        return None, "contains a NUL character"
    if control := bidi_control(value):
        return None, f"holds {control}, which changes how the text is shown; remove it"
    if field in _NAMES:
        value = strip_invisible(value)
    if field in ("birth_date", "event_date", "date"):
        if not value:
            return "", None
        parsed = parse_partial_date(value)
        return (value, None) if parsed.is_known else (None, f"{value!r} is not a date ({_DATE_HELP})")
    if not value:
        return "", None
    vocabulary = _VOCABULARIES.get(field)
    if vocabulary is not None:
        return _vocab(vocabulary(), value)
    if field == "name_system":
        folded = value.strip().lower().replace("-", "_").replace(" ", "_")
        return (folded, None) if folded in SYSTEMS else (None, f"use one of {', '.join(SYSTEMS)}")
    if kind == "source" and field == "kind":
        return (value, None) if value in _SOURCE_KINDS else (None, f"use one of {', '.join(_SOURCE_KINDS)}")
    if field == "confidentiality":
        ok = value in _CONFIDENTIALITY
        return (value, None) if ok else (None, f"use one of {', '.join(_CONFIDENTIALITY)}")
    if field == "aliases":
        return "|".join(a.strip() for a in value.split("|") if a.strip()), None
    return value.strip(), None


def _checked(kind: str, values: Mapping[str, str], *, partial: bool) -> tuple[dict[str, Any], dict[str, str]]:
    allowed = (*FIELDS[kind], *(PROTECTED if kind == "person" else ()))
    out: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field, raw in values.items():
        if field not in allowed:
            errors[field] = f"not a field of a {kind}; the fields are {', '.join(FIELDS[kind])}"
            continue
        value, error = check_field(kind, field, "" if raw is None else str(raw))
        if error:
            errors[field] = error
        else:
            out[field] = value
    for field in _REQUIRED[kind]:
        if (not partial and not out.get(field)) or (field in out and not out[field]):
            errors.setdefault(field, "is required")
    return out, errors


def limit_for(field: str) -> int:
    """The most characters a workbench field accepts (the import's cap for the same field)."""
    return limit_of(_LIMIT_KEY.get(field, field))


def clean(kind: str, values: Mapping[str, str], *, partial: bool = False) -> dict[str, Any]:
    """The values to store for ``kind`` (``partial``: only the fields given, as in an edit);
    :class:`FieldErrors` names every bad field at once."""
    out, errors = _checked(kind, values, partial=partial)
    if errors:
        raise FieldErrors(errors, what=kind)
    return out


def errors_of(kind: str, values: Mapping[str, str], *, partial: bool = False) -> dict[str, str]:
    """What :func:`clean` would refuse, field by field (empty when the values are good)."""
    return _checked(kind, values, partial=partial)[1]


def check_confidence(value: str) -> str:
    """The confidence code for ``value`` (confirmed, probable, possible, contested)."""
    code, error = _vocab(CONFIDENCE, value)
    if code is None:
        raise FieldErrors({"confidence": str(error)}, what="value")
    return code


def check_text(field: str, value: str | None, *, required: bool = False, what: str = "record") -> str:
    """A free-text value (reason, note, citation): stripped, within its limit, present if required."""
    text = (value or "").strip()
    if required and not text:
        raise FieldErrors({field: "is required: say in a few words why"}, what=what)
    if too_long := check_length(field, text):
        raise FieldErrors({field: too_long}, what=what)
    if control := bidi_control(text):
        raise FieldErrors(
            {field: f"holds {control}, which changes how the text is shown; remove it"}, what=what
        )
    return text
