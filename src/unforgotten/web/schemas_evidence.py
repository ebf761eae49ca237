"""Pydantic models of the evidence and consent parts of the pages (listed field by field, like
:mod:`unforgotten.web.schemas`: who handed a file over never reaches them)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = [
    "ConsentPart",
    "ConsentRow",
    "CustodyEvent",
    "CustodyPage",
    "Disclosure",
    "EvidenceItem",
    "EvidenceLinkPublic",
    "EvidenceListed",
    "EvidencePage",
    "EvidencePart",
    "UploadResult",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ConsentRow(_Model):
    """One grant or withdrawal of a scope."""

    id: int
    person_id: int
    scope: str
    granted: bool
    given_by: str
    relation: str | None
    recorded_on: str
    how: str | None
    recorded_by: str | None
    reason: str | None


class Disclosure(_Model):
    """An export or bundle that included the person (to recall after a withdrawal)."""

    event_id: int
    kind: str
    recipient: str | None
    scope: str | None
    at: str


class ConsentPart(_Model):
    """A person's consent: the current state per scope, every row, and the disclosures."""

    current: dict[str, bool]
    history: list[ConsentRow]
    disclosures: list[Disclosure]
    may_record: bool = False


class EvidenceListed(_Model):
    """An evidence file as listed on a record's page (one row per intake link)."""

    evidence_id: int
    link_id: int
    file_name: str
    media_type: str
    size: int
    sha256: str
    attached_to: str
    received_at: str
    received_by: str | None
    received_how: str | None
    description: str | None


class EvidencePart(_Model):
    """The evidence of a record, and where its upload form posts (for roles that take files in)."""

    items: list[EvidenceListed]
    upload_url: str | None = None
    incidents: list[int] = []


class EvidenceLinkPublic(_Model):
    """One intake of an item: for which record, when, by whom, how; who handed it over only as
    "(protected)" (it is never shown on a page)."""

    link_id: int
    attached_to: str
    file_name: str
    received_at: str
    received_by: str | None
    received_how: str | None
    received_from: str | None
    description: str | None


class EvidenceItem(_Model):
    """An item's hashes and metadata, as received."""

    evidence_id: int
    file_name: str
    media_type: str
    size: int
    sha256: str
    sha512: str
    description: str | None
    metadata: dict[str, Any]
    gps_position: list[float] | None = None
    text_chars: int
    text_excerpt: str
    derived_from: int | None
    derivation: str | None
    stored_at: str | None


class EvidencePage(_Model):
    item: EvidenceItem
    links: list[EvidenceLinkPublic]
    derived_copies: list[int]
    may_download: bool = False
    may_reveal: bool = False
    revealed: bool = False


class CustodyEvent(_Model):
    id: int
    at: str
    actor: str
    role: str | None
    action: str
    detail: dict[str, Any]
    hash: str


class CustodyPage(_Model):
    item: EvidenceItem
    events: list[CustodyEvent]


class UploadResult(_Model):
    """What an upload took in (the same shape as ``evidence add --json``)."""

    evidence: list[dict[str, Any]]
