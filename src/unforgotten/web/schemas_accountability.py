"""Pydantic models of the accountability pages (organisations, perpetrators, facilities and their
statistics). Every field is listed; the dictionaries inside come from
:mod:`unforgotten.accountability.query`, which withholds perpetrators' names from roles that may
not read them and never names a victim."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = [
    "AccountabilityHit",
    "AccountabilityIndexPage",
    "AccountabilityStatsPage",
    "FacilityPage",
    "OrganisationPage",
    "PerpetratorPage",
    "TimelineEntry",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AccountabilityHit(_Model):
    kind: str  # organisation | facility | perpetrator
    id: int
    name: str
    other_names: list[str]
    url: str


class AccountabilityIndexPage(_Model):
    query: str
    organisations: list[AccountabilityHit]
    facilities: list[AccountabilityHit]
    perpetrators: list[AccountabilityHit]


class TimelineEntry(_Model):
    date: str | None
    kind: str  # name | parent | unit | post | act | dissolved | operator
    text: str
    source: str | None


class OrganisationPage(_Model):
    organisation: dict[str, Any]
    facilities: list[dict[str, Any]]
    acts: list[dict[str, Any]]
    acts_by_year: dict[str, int]
    acts_by_violation: dict[str, int]
    victims: int
    sources: list[dict[str, Any]]
    gaps: list[str]
    timeline: list[TimelineEntry]
    statement: str


class PerpetratorPage(_Model):
    person: dict[str, Any]
    posts: list[dict[str, Any]]
    acts: list[dict[str, Any]]
    acts_by_year: dict[str, int]
    acts_by_violation: dict[str, int]
    victims: int
    sources: list[dict[str, Any]]
    gaps: list[str]
    statement: str


class FacilityPage(_Model):
    facility: dict[str, Any]
    acts: list[dict[str, Any]]
    acts_by_year: dict[str, int]
    acts_by_violation: dict[str, int]
    victims: int
    sources: list[dict[str, Any]]
    gaps: list[str]


class AccountabilityStatsPage(_Model):
    acts: int  # each act counted once
    by_organisation: dict[str, int]
    by_facility: dict[str, int]
    by_violation: dict[str, int]
    by_year: dict[str, int]
    rows_by_unit: list[dict[str, Any]]
    rows_by_facility: list[dict[str, Any]]
    total_attributed: int
    total_at_facilities: int
