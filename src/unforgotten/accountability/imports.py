"""Perpetrators and facilities from an imported list: the columns ``perpetrator_name``,
``perpetrator_unit``, ``perpetrator_role`` and ``facility`` (several values with ``|``).

Each value is matched to a known person, organisation or facility by any spelling or alias and by
the name in force at the act's date (:mod:`.matching`). A match becomes an attribution or the
act's place, written by the accountability service inside the import's transaction, with the
list as its source and the row as its citation. A value that matches no single entity becomes a
*proposal* to review (:mod:`.proposals`): never a silent new entity.

- ``perpetrator_role``: an involvement word (``direct``, ``ordered``, ``지시`` …) gives the
  involvement; any other text (``interrogator``) describes the perpetrator and the involvement is
  ``direct`` for a named person, ``member_of`` for a unit.
- a named person is attributed with the row's first matched unit; a matched unit that no named
  person carries is attributed on its own.
- the first matched facility is the act's place; each further one is another act of the same
  incident (the same violation against the same victim) at that facility.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection

from unforgotten.accountability.matching import Match, match_facility, match_organisation, match_perpetrator
from unforgotten.accountability.service import INVOLVEMENTS, Accountability
from unforgotten.store.schema_accountability import attribution_proposal
from unforgotten.store.workspace import Workspace
from unforgotten.store.writer import Writer

__all__ = ["PERPETRATOR_COLUMNS", "ActRow", "Linked", "Linker", "role_of", "split_values"]

PERPETRATOR_COLUMNS = ("perpetrator_name", "perpetrator_unit", "perpetrator_role", "facility")


def split_values(cell: str) -> list[str]:
    """The values of a cell that holds several, separated by ``|``."""
    return [part.strip() for part in cell.split("|") if part.strip()]


def role_of(cell: str) -> tuple[str | None, str]:
    """The involvement a ``perpetrator_role`` cell names (or ``None``) and its descriptive text."""
    wanted = cell.strip().casefold().replace("-", " ").replace("_", " ")
    if not wanted:
        return None, ""
    for code, words in INVOLVEMENTS.items():
        if wanted in {w.replace("_", " ") for w in words}:
            return code, ""
    return None, cell.strip()


@dataclass(frozen=True, slots=True)
class ActRow:
    """One imported row that made an act, with its perpetrator and facility cells."""

    act_id: int
    row_number: int
    record_id: str
    at: date | None
    values: dict[str, str]


@dataclass(slots=True)
class Linked:
    """What the perpetrator and facility columns of an import did."""

    attributions: int = 0
    placed: int = 0
    extra_acts: int = 0
    proposals: int = 0
    rows: int = 0

    def to_dict(self) -> dict[str, int]:
        """JSON-ready."""
        return {
            "rows": self.rows,
            "attributions": self.attributions,
            "placed_at_facility": self.placed,
            "acts_at_further_facilities": self.extra_acts,
            "proposals": self.proposals,
        }


@dataclass
class Linker:
    """Matches and writes the perpetrator and facility cells of an import's rows."""

    ws: Workspace
    writer: Writer
    source: str
    batch_id: int
    file: str
    done: Linked = field(default_factory=Linked)
    _cache: dict[tuple[str, str, date | None], Match | None] = field(default_factory=dict)

    @property
    def conn(self) -> Connection:
        """The import's connection."""
        return self.writer.conn

    def _match(self, kind: str, text: str, at: date | None) -> Match | None:
        key = (kind, text, at)
        if key not in self._cache:
            find = {"unit": match_organisation, "person": match_perpetrator, "facility": match_facility}[kind]
            self._cache[key] = find(self.conn, text, at)
        return self._cache[key]

    def link(self, row: ActRow) -> None:
        """Attribute, place or propose every value of one row."""
        if not any(row.values.get(c) for c in PERPETRATOR_COLUMNS):
            return
        self.done.rows += 1
        acc = Accountability(self.ws).within(self.writer)
        code, role = role_of(row.values.get("perpetrator_role", ""))
        units = self._units(row, code=code, role=role)
        carried = self._persons(acc, row, units=units, code=code, role=role)
        for unit in units:
            if unit.id not in carried:
                self._attribute(acc, row, org=unit.id, code=code or "member_of", role=role)
        self._facilities(acc, row)

    def _units(self, row: ActRow, *, code: str | None, role: str) -> list[Match]:
        found: list[Match] = []
        for text in split_values(row.values.get("perpetrator_unit", "")):
            match = self._match("unit", text, row.at)
            if match is None:
                self._propose(row, "perpetrator_unit", text, code=code or "member_of", role=role)
            elif match.id not in {m.id for m in found}:
                found.append(match)
        return found

    def _persons(
        self, acc: Accountability, row: ActRow, *, units: list[Match], code: str | None, role: str
    ) -> set[int]:
        unit = units[0].id if units else None
        carried: set[int] = set()
        for text in split_values(row.values.get("perpetrator_name", "")):
            match = self._match("person", text, row.at)
            if match is None:
                self._propose(row, "perpetrator_name", text, code=code or "direct", role=role, unit=unit)
                continue
            self._attribute(acc, row, person=match.id, org=unit, code=code or "direct", role=role)
            carried |= {unit} if unit is not None else set()
        return carried

    def _attribute(
        self,
        acc: Accountability,
        row: ActRow,
        *,
        code: str,
        role: str,
        org: int | None = None,
        person: int | None = None,
    ) -> None:
        acc.attribute(
            row.act_id,
            involvement=code,
            source=self.source,
            person_id=person,
            org=str(org) if org is not None else None,
            text=role,
            citation=self.citation(row),
            reason=f"import batch {self.batch_id} ({self.file})",
        )
        self.done.attributions += 1

    def citation(self, row: ActRow) -> str:
        """Where the list says so: its file, row and record id."""
        return f"{self.file}, row {row.row_number} (record {row.record_id})"

    def _facilities(self, acc: Accountability, row: ActRow) -> None:
        placed = False
        for text in split_values(row.values.get("facility", "")):
            match = self._match("facility", text, row.at)
            if match is None:
                self._propose(row, "facility", text, code="direct", role="")
            elif not placed:
                acc.place_act(row.act_id, str(match.id), reason=f"import batch {self.batch_id} ({self.file})")
                placed = True
                self.done.placed += 1
            else:
                acc.also_at(row.act_id, str(match.id), reason=f"import batch {self.batch_id} ({self.file})")
                self.done.extra_acts += 1

    def _propose(
        self, row: ActRow, column: str, text: str, *, code: str, role: str, unit: int | None = None
    ) -> None:
        proposal_id = self.writer.allocate(attribution_proposal)
        secret = column == "perpetrator_name"
        sealed = (
            self.ws.keyring.encrypt(text, context=f"attribution_proposal.text_enc.{proposal_id}")
            if secret
            else None
        )
        values = {
            "id": proposal_id,
            "act_id": row.act_id,
            "batch_id": self.batch_id,
            "row_number": row.row_number,
            "field": column,
            "text": None if secret else text,
            "text_enc": sealed,
            "role": role or None,
            "involvement": code,
            "organisation_id": unit,
            "at_date": row.at,
            "state": "open",
        }
        self.writer.insert(
            attribution_proposal, [values], reason=f"import batch {self.batch_id}: no single match"
        )
        self.done.proposals += 1
