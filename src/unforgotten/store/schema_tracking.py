"""The tables of tracking: UN recommendations and consultation rounds (SQLAlchemy Core).

A *Recommendation* (a UPR recommendation or an operative paragraph of a GA/HRC resolution)
keeps the DPRK's response and its themes (codes of the violation vocabulary, with the rules
that gave them); *RecommendationLinks* tie it to cases and incidents of the registry.

A *ConsultationRound* (``draft`` until a person confirms it) has *RoundParticipants* — public
officials only, kept apart from the ``person`` table of victims and witnesses — *RoundTopics*,
*AgreedItems*, *Commitments* (who, what, due window, ``open | done | dropped``, the later round
that followed one up) and *RoundReferences* to other meetings. Every item read from a readout
keeps its evidence (paragraph, sentence, span, rule) as JSON.

All tables are versioned like the registry's: each write adds a ``record_version`` row.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, ForeignKey, Integer, String, Table, Text

from unforgotten.store.schema import VERSIONED_TABLES, metadata

__all__ = [
    "agreed_item",
    "commitment",
    "consultation_round",
    "recommendation",
    "recommendation_link",
    "round_participant",
    "round_reference",
    "round_topic",
]

ROUND_STATUSES = ("draft", "confirmed")
COMMITMENT_STATUSES = ("open", "done", "dropped")


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True, autoincrement=False)


def _round_id() -> Column[int]:
    return Column("round_id", ForeignKey("consultation_round.id"), nullable=False, index=True)


recommendation = Table(
    "recommendation",
    metadata,
    _id(),
    Column("key_hash", String(64), nullable=False, unique=True),  # SHA-256 of Recommendation.key
    Column("kind", String(20), nullable=False),  # upr | resolution
    Column("cycle", Integer),
    Column("recommending_state", Text, nullable=False),
    Column("regional_group", String(40)),
    Column("text", Text, nullable=False),
    Column("response", String(20), nullable=False, index=True),
    Column("document", String(100)),
    Column("paragraph", String(40)),
    Column("year", Integer),
    Column("note", Text),
    Column("themes", JSON, nullable=False),  # list of violation codes
    Column("theme_rules", JSON, nullable=False),  # [[code, rule id, matched words], ...]
    Column("source", String(200), nullable=False),  # "shipped" or the imported file's name
)

recommendation_link = Table(
    "recommendation_link",
    metadata,
    _id(),
    Column("recommendation_id", ForeignKey("recommendation.id"), nullable=False, index=True),
    Column("case_id", ForeignKey("case.id"), index=True),
    Column("incident_id", ForeignKey("incident.id"), index=True),
    Column("note", Text),
)

consultation_round = Table(
    "consultation_round",
    metadata,
    _id(),
    Column("date", Date),
    Column("place", Text),
    Column("format", String(20)),  # bilateral | trilateral
    Column("status", String(20), nullable=False, default="draft"),  # draft | confirmed
    Column("source_name", Text),  # the readout's file name
    Column("language", String(5)),
    Column("evidence", JSON, nullable=False),  # {"date": ..., "place": ..., "format": ...}
)

round_participant = Table(
    "round_participant",
    metadata,
    _id(),
    _round_id(),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("title", Text),
    Column("organisation", Text),
    Column("side", String(40)),  # ROK | U.S. | Japan | None when unknown
    Column("evidence", JSON),
)

round_topic = Table(
    "round_topic",
    metadata,
    _id(),
    _round_id(),
    Column("position", Integer, nullable=False),
    Column("code", String(40), nullable=False),
    Column("evidence", JSON),
)

agreed_item = Table(
    "agreed_item",
    metadata,
    _id(),
    _round_id(),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("evidence", JSON),
)

commitment = Table(
    "commitment",
    metadata,
    _id(),
    _round_id(),
    Column("position", Integer, nullable=False),
    Column("agreed_item_id", ForeignKey("agreed_item.id")),
    Column("text", Text, nullable=False),
    Column("who", Text, nullable=False),
    Column("due_from", Date),
    Column("due_to", Date),
    Column("window", Text),  # the phrase as written ("the second half of this year")
    Column("status", String(20), nullable=False, default="open"),  # open | done | dropped
    Column("follow_up_round_id", ForeignKey("consultation_round.id")),
    Column("evidence", JSON),
)

round_reference = Table(
    "round_reference",
    metadata,
    _id(),
    _round_id(),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("linked_round_id", ForeignKey("consultation_round.id")),
    Column("evidence", JSON),
)

for _table in (
    recommendation,
    recommendation_link,
    consultation_round,
    round_participant,
    round_topic,
    agreed_item,
    commitment,
    round_reference,
):
    VERSIONED_TABLES[_table.name] = _table
