"""The tables of accountability: organisations and units with dated names and parents, posts that
persons held in them, detention facilities and who ran them, and attributions of acts.

Every fact carries the source that supports it (``source_id``, a citation) and a confidence, and
the dates it holds for: ``valid_from`` is the first day the fact can have held, ``valid_to`` the
last (``None``: open), ``dates_raw`` the dates as written and ``dates_uncertain`` whether they are
approximate. A command chain is never stored: it is derived from parents and posts on demand.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Float, ForeignKey, Integer, String, Table, Text

from unforgotten.store.schema import VERSIONED_TABLES, metadata

__all__ = [
    "attribution",
    "attribution_proposal",
    "facility",
    "facility_operator",
    "org_name",
    "org_parent",
    "organisation",
    "post",
]


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True, autoincrement=False)


def _dated() -> list[Column[object]]:
    return [
        Column("valid_from", Date),
        Column("valid_to", Date),
        Column("dates_raw", Text),
        Column("dates_uncertain", Boolean, nullable=False, default=False),
    ]


def _sourced(*, required: bool = True) -> list[Column[object]]:
    return [
        Column("source_id", ForeignKey("source.id"), nullable=not required),
        Column("citation", Text),
        Column("confidence", String(10), nullable=False, default="confirmed"),
    ]


organisation = Table(
    "organisation",
    metadata,
    _id(),
    Column("key", String(80), nullable=False, unique=True),  # a stable handle: mss, kpa, wpk-ogd …
    # state_security | public_security | military | party | judiciary | prosecution |
    # camp_administration | abduction_agency | other
    Column("kind", String(30), nullable=False),
    Column("dissolved_on", Date),
    Column("dissolved_raw", Text),
    Column("note", Text),
)

#: One name of an organisation and the dates it was in use: Hangul, English, alias, abbreviation.
org_name = Table(
    "org_name",
    metadata,
    _id(),
    Column("organisation_id", ForeignKey("organisation.id"), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("kind", String(12), nullable=False),  # hangul | english | alias | abbreviation
    Column("match_key", String(300), nullable=False, index=True),
    *_dated(),
    *_sourced(required=False),
)

org_parent = Table(
    "org_parent",
    metadata,
    _id(),
    Column("organisation_id", ForeignKey("organisation.id"), nullable=False, index=True),
    Column("parent_id", ForeignKey("organisation.id"), nullable=False, index=True),
    *_dated(),
    *_sourced(required=False),
)

#: Person P held post X in organisation U from date to date (``command``: a command post).
post = Table(
    "post",
    metadata,
    _id(),
    Column("person_id", ForeignKey("person.id"), nullable=False, index=True),
    Column("organisation_id", ForeignKey("organisation.id"), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("command", Boolean, nullable=False, default=False),
    *_dated(),
    *_sourced(),
)

facility = Table(
    "facility",
    metadata,
    _id(),
    Column("key", String(80), nullable=False, unique=True),
    Column("location_id", ForeignKey("location.id"), nullable=False),  # acts there point at it
    Column("kind", String(20), nullable=False),  # kwanliso | kyohwaso | jipkyulso | holding_centre …
    Column("number", String(20)),
    Column("name_en", Text, nullable=False),
    Column("name_hangul", Text),
    Column("name_rr", Text),
    Column("name_mr", Text),
    Column("place", Text),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("coordinate_source", Text),
    Column("status_note", Text),
    *_dated(),  # operating period
)

facility_operator = Table(
    "facility_operator",
    metadata,
    _id(),
    Column("facility_id", ForeignKey("facility.id"), nullable=False, index=True),
    Column("organisation_id", ForeignKey("organisation.id"), nullable=False),
    *_dated(),
    *_sourced(required=False),
)

#: An act attributed to a person, an organisation, or an unknown individual (text) of one.
attribution = Table(
    "attribution",
    metadata,
    _id(),
    Column("act_id", ForeignKey("act.id"), nullable=False, index=True),
    Column("person_id", ForeignKey("person.id"), index=True),
    Column("organisation_id", ForeignKey("organisation.id"), index=True),
    Column("text", Text),  # "two State Security agents"
    # direct | ordered | commanded | instigated | complicit | member_of
    Column("involvement", String(12), nullable=False),
    *_sourced(),
    Column("author", String(100), nullable=False),
    Column("recorded_at", String(40), nullable=False),
    Column("retired_reason", Text),
)

#: A perpetrator or facility an imported list names that matched no single known entity: a
#: proposal to review, never a silent new entity. A person's name is kept encrypted.
attribution_proposal = Table(
    "attribution_proposal",
    metadata,
    _id(),
    Column("act_id", ForeignKey("act.id"), nullable=False, index=True),
    Column("batch_id", ForeignKey("import_batch.id"), nullable=False, index=True),
    Column("row_number", Integer, nullable=False),
    Column("field", String(20), nullable=False),  # perpetrator_name | perpetrator_unit | facility
    Column("text", Text),  # the unit or facility as the list writes it
    Column("text_enc", Text),  # a person's name as the list writes it, encrypted
    Column("role", Text),  # the perpetrator_role cell when it is not an involvement
    Column("involvement", String(12), nullable=False),
    Column("organisation_id", ForeignKey("organisation.id")),  # the row's unit, when it matched
    Column("at_date", Date),
    Column("state", String(10), nullable=False, default="open"),  # open | accepted | rejected
    Column("decided_kind", String(12)),  # organisation | person | facility
    Column("decided_id", Integer),
    Column("decided_by", String(100)),
    Column("decided_at", String(40)),
    Column("decision_reason", Text),
)

for _table in (
    organisation,
    org_name,
    org_parent,
    post,
    facility,
    facility_operator,
    attribution,
    attribution_proposal,
):
    VERSIONED_TABLES[_table.name] = _table
