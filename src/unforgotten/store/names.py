"""The Name rows of one record: each spelling kept, with its script."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from unforgotten import korean

__all__ = ["NameTuple", "name_rows", "name_tuples", "primary_name", "script_of"]

NameTuple = tuple[str, str, str | None, str | None, str, None]
"""A name row after ``person_id`` and ``source_record_id``: kind, text, family, given, script, system."""


@lru_cache(maxsize=1 << 16)
def script_of(text: str) -> str:
    """``hangul``, ``latin``, ``hanja``, ``mixed`` or ``other`` for a name as written.

    Cached: a list repeats family names and spellings, and detecting a script is a pure function.
    """
    script = str(korean.script_of(text))
    return "other" if script == "empty" else script


def _joined(family: str, given: str) -> str:
    if not family or not given:
        return family or given
    hangul = script_of(family + given) == "hangul"
    return f"{family}{given}" if hangul else f"{family} {given}"


def primary_name(values: dict[str, str]) -> str:
    """The name a person is shown under: Hangul first, then as written, then the parts."""
    return (
        values["name_hangul"]
        or values["full_name"]
        or _joined(values["family_name"], values["given_name"])
        or values["aliases"].split("|")[0].strip()
    )


def name_tuples(values: dict[str, str]) -> list[NameTuple]:
    """One tuple per distinct spelling: the full name, the Hangul name, each alias (in that order)."""
    family, given = values["family_name"] or None, values["given_name"] or None
    full = values["full_name"] or _joined(values["family_name"], values["given_name"])
    rows: list[NameTuple] = []
    if full:
        rows.append(("full", full, family, given, script_of(full), None))
    hangul = values["name_hangul"]
    if hangul and hangul != full:
        rows.append(("hangul", hangul, None, None, script_of(hangul), None))
    aliases = values["aliases"]
    if aliases:
        seen = {full, hangul}
        for part in aliases.split("|"):
            alias = part.strip()
            if alias and alias not in seen:
                seen.add(alias)
                rows.append(("alias", alias, None, None, script_of(alias), None))
    return rows


def name_rows(values: dict[str, str]) -> list[dict[str, Any]]:
    """:func:`name_tuples` as dicts keyed by column name."""
    keys = ("kind", "text", "family", "given", "script", "system")
    return [dict(zip(keys, row, strict=True)) for row in name_tuples(values)]
