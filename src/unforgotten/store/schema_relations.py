"""Relations between records that a list states: a related person named in a cell.

One row per related title of a source record (an Uwazi relationship cell holds the titles of the
related entities). ``state`` is ``linked`` when the title names exactly one person of the
registry (in any script: 김철수 = ``Kim Chol-su``), with ``person_id`` set, or ``proposed`` when
it names none or several: a person reviews it (``candidates`` lists the persons it may mean).
A related title never creates a person by itself.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table, Text

from unforgotten.store.schema import VERSIONED_TABLES, metadata

__all__ = ["RELATION_STATES", "relation"]

RELATION_STATES = ("linked", "proposed")

relation = Table(
    "relation",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("source_record_id", ForeignKey("source_record.id"), nullable=False, index=True),
    Column("property", Text, nullable=False),  # the column (Uwazi property label) it came from
    Column("target_text", Text, nullable=False),  # the related title as written
    Column("person_id", ForeignKey("person.id"), index=True),  # set when linked
    Column("state", String(10), nullable=False),  # linked | proposed
    Column("candidates", JSON, nullable=False),  # person ids the title may mean (proposed)
)

VERSIONED_TABLES[relation.name] = relation
