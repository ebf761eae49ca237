"""The Name rows of one record: each spelling kept, with its script."""

from __future__ import annotations

from typing import Any

from unforgotten import korean

__all__ = ["name_rows", "primary_name", "script_of"]


def script_of(text: str) -> str:
    """``hangul``, ``latin``, ``hanja``, ``mixed`` or ``other`` for a name as written."""
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


def name_rows(values: dict[str, str]) -> list[dict[str, Any]]:
    """One row per distinct spelling: the full name, the Hangul name, each alias."""
    family, given = values["family_name"] or None, values["given_name"] or None
    spelled = [("full", values["full_name"] or _joined(values["family_name"], values["given_name"]))]
    spelled.append(("hangul", values["name_hangul"]))
    spelled += [("alias", alias.strip()) for alias in values["aliases"].split("|")]
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for kind, text in spelled:
        if not text or text in seen:
            continue
        seen.add(text)
        parts = (family, given) if kind == "full" else (None, None)
        rows.append(
            {
                "kind": kind,
                "text": text,
                "family": parts[0],
                "given": parts[1],
                "script": script_of(text),
                "system": None,
            }
        )
    return rows
