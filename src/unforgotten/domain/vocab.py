"""Controlled vocabularies: case types, case statuses, sexes, violation codes.

Each vocabulary accepts its codes, its English and Korean labels and listed aliases, in any
case and spacing, and suggests the closest codes for a value it does not know.

>>> CASE_TYPES.normalise("국군포로")
'pow'
>>> SEX.normalise("여")
'F'
>>> CASE_TYPES.suggest("detaine")
['detainee']
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass, field
from functools import cache

from unforgotten.data import data_path

__all__ = [
    "CASE_STATUSES",
    "CASE_TYPES",
    "CONFIDENCE",
    "SEX",
    "Term",
    "Vocabulary",
    "case_type_group",
    "case_type_violation",
    "violations",
]


@dataclass(frozen=True, slots=True)
class Term:
    """One entry of a vocabulary."""

    code: str
    label_en: str
    label_ko: str
    aliases: tuple[str, ...] = ()


def _fold(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


@dataclass(frozen=True)
class Vocabulary:
    """A closed list of terms; values are matched on their folded form."""

    name: str
    terms: tuple[Term, ...]
    _index: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, str] = {}
        for term in self.terms:
            for spelling in (term.code, term.label_en, term.label_ko, *term.aliases):
                if spelling:
                    index.setdefault(_fold(spelling), term.code)
                    index.setdefault(_fold(spelling).replace(" ", ""), term.code)
        object.__setattr__(self, "_index", index)

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes, in vocabulary order."""
        return tuple(term.code for term in self.terms)

    def normalise(self, value: str) -> str | None:
        """The code for ``value``, or ``None`` when the vocabulary does not know it."""
        if value in self._index:
            return self._index[value]
        folded = _fold(value)
        return self._index.get(folded) or self._index.get(folded.replace(" ", ""))

    def suggest(self, value: str, *, limit: int = 3) -> list[str]:
        """The codes closest to ``value`` (by spelling), best first."""
        matches = difflib.get_close_matches(_fold(value), self._index, n=limit * 4, cutoff=0.5)
        codes = dict.fromkeys(self._index[m] for m in matches)
        return list(codes)[:limit]

    def term(self, code: str) -> Term:
        """The term with this code (``KeyError`` if none)."""
        for term in self.terms:
            if term.code == code:
                return term
        raise KeyError(code)


def _read_csv(*parts: str) -> list[dict[str, str]]:
    text = data_path(*parts).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _case_types() -> Vocabulary:
    rows = _read_csv("taxonomy", "case_types.csv")
    terms = tuple(
        Term(r["code"], r["label_en"], r["label_ko"], tuple(filter(None, r["aliases"].split("|"))))
        for r in rows
    )
    return Vocabulary("case_type", terms)


@cache
def _case_type_violations() -> dict[str, str]:
    return {r["code"]: r["violation_code"] for r in _read_csv("taxonomy", "case_types.csv")}


@cache
def _case_type_groups() -> dict[str, str]:
    return {r["code"]: r["group"] for r in _read_csv("taxonomy", "case_type_groups.csv")}


def case_type_group(case_type: str) -> str | None:
    """The group of related case types this one belongs to (``case_type_groups.csv``), if any.

    >>> case_type_group("detainee") == case_type_group("forcibly_returned") == "held_in_dprk"
    True
    >>> case_type_group("abductee_wartime") is None
    True
    """
    return _case_type_groups().get(case_type)


def case_type_violation(case_type: str) -> str:
    """The violation code (violations.csv) an act of this case type is coded with."""
    return _case_type_violations()[case_type]


@cache
def violations() -> Vocabulary:
    """The violation vocabulary of the UN Commission of Inquiry findings (violations.csv)."""
    rows = _read_csv("taxonomy", "violations.csv")
    return Vocabulary("violation", tuple(Term(r["code"], r["label_en"], r["label_ko"]) for r in rows))


CASE_TYPES = _case_types()

CONFIDENCE = Vocabulary(
    "confidence",
    (
        Term("confirmed", "Confirmed", "확인", ("certain", "확실")),
        Term("probable", "Probable", "유력", ("likely", "개연")),
        Term("possible", "Possible", "가능", ("maybe", "불확실")),
        Term("contested", "Contested", "논란", ("disputed", "이견")),
    ),
)
"""How strongly a source supports a value (provenance per value, docs/editing.md)."""

CASE_STATUSES = Vocabulary(
    "status",
    (
        Term(
            "unresolved",
            "Unresolved: fate unknown",
            "미해결(생사 불명)",
            ("unknown", "missing", "생사불명", "생사 미확인", "미확인", "unresolved"),
        ),
        Term("alive", "Confirmed alive in the DPRK", "생존 확인", ("alive", "생존", "living")),
        Term("deceased", "Confirmed deceased", "사망 확인", ("dead", "died", "사망", "deceased")),
        Term("returned", "Returned or escaped", "귀환", ("returned", "귀환", "escaped", "탈북 귀환")),
        Term("released", "Released", "석방", ("released", "석방", "freed")),
        Term("detained", "Still detained", "억류 중", ("detained", "억류중", "in custody")),
        Term(
            "disputed", "Disputed: accounts conflict", "이견(상반된 주장)", ("disputed", "contested", "이견")
        ),
    ),
)

SEX = Vocabulary(
    "sex",
    (
        Term("M", "male", "남", ("m", "man", "남자", "남성", "男")),
        Term("F", "female", "여", ("f", "woman", "여자", "여성", "女")),
        Term("U", "unknown", "미상", ("u", "unknown", "?", "x", "불명")),
    ),
)
