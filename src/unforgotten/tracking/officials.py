"""The shipped list of officials who recur in readouts (``data/un/officials.csv``).

Each row: the Latin and Hangul forms of a name, other spellings, country, organisation,
title (English and Korean), the term of office where a source gives it, a date on which a
source shows the person in that post, and the source. Used to give a name written in
Hangul its Latin form ("엘리자베스 살몬" → "Elizabeth Salmón") and, where the readout
gives none, a title valid at the meeting's date.

>>> find_official("살몬").name_latin
'Elizabeth Salmón'
>>> find_official("Nobody Here") is None
True
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from unforgotten.data import data_path

__all__ = ["Official", "find_official", "officials"]


@dataclass(frozen=True, slots=True)
class Official:
    """One row of the list; dates are ISO strings as the source gives them ("2017-01")."""

    name_latin: str
    name_ko: str
    aliases: tuple[str, ...]
    country: str
    organization: str
    title_en: str
    title_ko: str
    term_from: str
    term_to: str
    attested_on: str
    source: str

    def in_office(self, when: date) -> bool:
        """Whether ``when`` lies in the term of office, as far as the sourced dates say."""
        day = when.isoformat()
        starts = not self.term_from or self.term_from <= day
        ends = not self.term_to or day[: len(self.term_to)] <= self.term_to
        return starts and ends


def _fold(name: str) -> str:
    return re.sub(r"[\s\-.'’]", "", name).lower()


@cache
def officials() -> tuple[Official, ...]:
    """Every row of ``data/un/officials.csv``."""
    text = data_path("un", "officials.csv").read_text(encoding="utf-8")
    return tuple(
        Official(
            r["name_latin"],
            r["name_ko"],
            tuple(a for a in r["aliases"].split("|") if a),
            r["country"],
            r["organization"],
            r["title_en"],
            r["title_ko"],
            r["term_from"],
            r["term_to"],
            r["attested_on"],
            r["source"],
        )
        for r in csv.DictReader(text.splitlines())
    )


@cache
def _index() -> dict[str, Official]:
    index: dict[str, Official] = {}
    for o in officials():
        for name in (o.name_latin, o.name_ko, *o.aliases):
            if name:
                index.setdefault(_fold(name), o)
    return index


def find_official(name: str) -> Official | None:
    """The official whose name (Latin, Hangul or another listed spelling) is ``name``."""
    return _index().get(_fold(name))
