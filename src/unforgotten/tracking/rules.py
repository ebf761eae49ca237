"""Transparent keyword rules and the vocabularies they point at, read from shipped data.

Every rule has an id, a target code and a regular expression, so a person can see why a
recommendation got a theme or a readout sentence a topic. The rule files live in
``unforgotten/data/un/`` and are documented in docs/tracking.md.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache

from unforgotten.data import data_path

__all__ = [
    "KeywordRule",
    "RuleHit",
    "agenda_topics",
    "apply_rules",
    "place_rules",
    "theme_rules",
    "topic_rules",
    "violation_codes",
    "violation_labels",
    "violation_parents",
]


@dataclass(frozen=True, slots=True)
class KeywordRule:
    """One reviewable rule: text matching ``pattern`` (case-insensitive) is about ``code``."""

    rule_id: str
    code: str
    pattern: re.Pattern[str]
    lang: str = "en"
    note: str = ""


@dataclass(frozen=True, slots=True)
class RuleHit:
    """Where a rule matched: the rule, and the match's span inside the text searched."""

    rule: KeywordRule
    start: int
    end: int


def _read_csv(*parts: str) -> list[dict[str, str]]:
    text = data_path(*parts).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@cache
def theme_rules() -> tuple[KeywordRule, ...]:
    """The UPR theme rules (``data/un/upr_theme_rules.csv``), in file order."""
    return tuple(
        KeywordRule(r["rule_id"], r["code"], _compile(r["pattern"]), "en", r["note"])
        for r in _read_csv("un", "upr_theme_rules.csv")
    )


@cache
def topic_rules() -> tuple[KeywordRule, ...]:
    """The readout agenda-topic rules (``data/un/topic_rules.csv``), English and Korean."""
    return tuple(
        KeywordRule(r["rule_id"], r["code"], _compile(r["pattern"]), r["lang"])
        for r in _read_csv("un", "topic_rules.csv")
    )


@cache
def place_rules() -> tuple[KeywordRule, ...]:
    """Meeting places (``data/un/places.csv``): the code is the canonical place name."""
    return tuple(
        KeywordRule(f"P-{i:02d}", r["place"], re.compile(r["pattern"]))
        for i, r in enumerate(_read_csv("un", "places.csv"), start=1)
    )


@cache
def agenda_topics() -> dict[str, str]:
    """The agenda-topic vocabulary: code → English label (``data/un/agenda_topics.csv``)."""
    return {r["code"]: r["label_en"] for r in _read_csv("un", "agenda_topics.csv")}


@cache
def violation_labels() -> dict[str, str]:
    """Codes of ``data/taxonomy/violations.csv`` → English label, in vocabulary order."""
    return {r["code"]: r["label_en"] for r in _read_csv("taxonomy", "violations.csv")}


@cache
def violation_parents() -> dict[str, str]:
    """Codes of the violation vocabulary → parent code (empty for a root)."""
    return {r["code"]: r["parent_code"] for r in _read_csv("taxonomy", "violations.csv")}


def violation_codes() -> frozenset[str]:
    """Every code of the violation vocabulary."""
    return frozenset(violation_labels())


def apply_rules(rules: tuple[KeywordRule, ...], text: str) -> list[RuleHit]:
    """Every match of every rule in ``text``, ordered by position then rule order."""
    hits = [RuleHit(rule, m.start(), m.end()) for rule in rules for m in rule.pattern.finditer(text)]
    return sorted(hits, key=lambda h: h.start)
