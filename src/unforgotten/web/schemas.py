"""Pydantic models at the edge: what each page (and its JSON twin) shows.

Every field is listed: no model inherits from a storage row, so a protected column can reach a
response only through :class:`ProtectedFields`, which only the reveal path of a role that may read
protected data fills.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from unforgotten.web.schemas_evidence import ConsentPart, EvidencePart

__all__ = [
    "ActPublic",
    "BatchPage",
    "BatchPublic",
    "CasePage",
    "CasePublic",
    "ConsentPublic",
    "EstimateRow",
    "EstimatesPage",
    "EventPublic",
    "EventSource",
    "HistoryEntry",
    "HomePage",
    "IncidentPublic",
    "LinkEvidence",
    "MapPage",
    "MapUnit",
    "NamePublic",
    "PersonPage",
    "ProtectedFields",
    "RecordPublic",
    "ReviewPage",
    "ReviewPair",
    "SearchHitPublic",
    "SearchPage",
    "SourcePage",
    "SourcePublic",
    "SourcesPage",
    "TokenPublic",
    "UserPublic",
    "UsersPage",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class UserPublic(_Model):
    id: int
    name: str
    role: str
    active: bool
    totp: bool
    created_at: str


class TokenPublic(_Model):
    id: int
    user: str
    label: str | None
    created_at: str
    revoked: bool


class UsersPage(_Model):
    users: list[UserPublic]
    roles: list[str]
    new_password: str | None = None
    tokens: list[TokenPublic] = []


class NamePublic(_Model):
    id: int
    text: str
    kind: str
    script: str
    system: str | None
    source_record_id: int | None


class CasePublic(_Model):
    id: int
    person_id: int
    case_type: str
    case_type_label: str
    status: str
    event_date: str | None
    event_place: str | None
    province_code: str | None
    source_record_id: int | None


class EventSource(_Model):
    """One source's account of an event: the case its record made, as that record tells it."""

    case_id: int
    source_record_id: int | None  # the record's store id (what `unforgotten split --record` takes)
    source: str | None
    record_id: str | None
    status: str
    event_date: str | None
    event_place: str | None
    province_code: str | None


class EventPublic(_Model):
    """One event of a person, with every source that reports it (``domain.events`` groups them)."""

    case_type: str
    case_type_label: str
    case_ids: list[int]
    statuses: list[str]
    event_dates: list[str]
    event_places: list[str]
    province_codes: list[str]
    agree: bool  # every source gives the same status, date and place
    sources: list[EventSource]


class ActPublic(_Model):
    id: int
    violation_code: str
    perpetrator_text: str | None


class IncidentPublic(_Model):
    id: int
    case_id: int
    title: str
    date: str | None
    place: str | None
    acts: list[ActPublic]


class RecordPublic(_Model):
    id: int
    source_id: int
    source: str
    record_id: str
    batch_id: int
    row_number: int
    person_id: int
    raw: dict[str, Any]


class ProtectedFields(_Model):
    record_id: int
    fields: dict[str, str | None]


class HistoryEntry(_Model):
    version_id: int
    table_name: str
    row_id: int
    version: int
    op: str
    reason: str | None
    at: str
    actor: str
    action: str
    data: dict[str, Any]


class ConsentPublic(_Model):
    id: int
    may_publish: bool
    given_by: str
    recorded_on: str
    note: str | None


class LinkEvidence(_Model):
    record_l: int
    record_r: int
    decision_id: int | None = None
    decision: str | None
    decided_by: str | None
    match_probability: float | None
    evidence: dict[str, Any]
    state: str = "pending"  # merged | accepted | rejected | pending | not_linked | apart
    run_id: int | None = None
    band: str | None = None  # match | review | low, of the newest run that scored the pair
    threshold: float | None = None  # the run's match threshold
    decided_at: str | None = None


class WorkbenchPart(_Model):
    """A record's state in the workbench: version, review state, sourced values, versions."""

    kind: str
    id: int
    version: int
    state: str
    entered: bool  # has versions of its own (entered or edited in the workbench)
    author: str | None = None
    reviewed_by: str | None = None
    reviewed_version: int | None = None
    retired_reason: str | None = None
    values: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    may_edit: bool = False
    may_review: bool = False


class PersonPage(_Model):
    person_id: int
    primary_name: str
    sex: str
    birth_date: str | None
    members: list[int]
    names: list[NamePublic]
    cases: list[CasePublic]
    incidents: list[IncidentPublic]
    records: list[RecordPublic]
    events: list[EventPublic] = []
    linkage: list[LinkEvidence]
    history: list[HistoryEntry]
    consent: list[ConsentPublic]
    consent_state: ConsentPart | None = None
    evidence: EvidencePart | None = None
    may_reveal: bool
    may_link: bool = False
    protected: list[ProtectedFields] | None = None
    workbench: WorkbenchPart | None = None


class SearchHitPublic(_Model):
    person_id: int
    primary_name: str
    names: list[str]
    case_types: list[str]
    provinces: list[str]
    score: float
    matched: str


class Label(_Model):
    en: str
    ko: str


class SearchPage(_Model):
    query: str
    total: int
    offset: int
    limit: int
    place: str | None
    place_label: Label | None = None
    filters: dict[str, str | None]
    facets: dict[str, dict[str, int]]
    facet_labels: dict[str, dict[str, Label]] = {}  # facet → code → its label in each language
    results: list[SearchHitPublic]


class CasePage(_Model):
    case: CasePublic
    person_name: str
    incidents: list[IncidentPublic]
    record: RecordPublic | None
    workbench: WorkbenchPart | None = None
    evidence: EvidencePart | None = None
    statuses: list[dict[str, Any]] = []


class SourcePublic(_Model):
    id: int
    name: str
    kind: str
    organisation: str | None
    confidentiality: str
    description: str | None
    records: int
    persons: int
    batches: int


class SourcesPage(_Model):
    sources: list[SourcePublic]
    overlap: list[list[int]]


class BatchPublic(_Model):
    id: int
    source_id: int
    source: str
    file_name: str
    sha256: str
    file_format: str
    row_count: int
    actor: str
    imported_at: str


class SourcePage(_Model):
    source: SourcePublic
    batches: list[BatchPublic]
    shared_with: dict[str, int]
    case_types: dict[str, int]
    evidence: EvidencePart | None = None


class BatchPage(_Model):
    batch: BatchPublic
    mapping: dict[str, Any] | None
    case_types: dict[str, int]
    provinces: dict[str, int]
    records: list[RecordPublic]


class HomePage(_Model):
    persons: int
    records: int
    batches: int
    audit_events: int
    by_source: dict[str, int]
    by_case_type: dict[str, int]
    by_province: dict[str, int]


class EstimateRow(_Model):
    stratum: str
    method: str
    observed: int | None
    estimate: float | None
    lower: float | None
    upper: float | None
    level: float | None
    error: str | None
    warnings: list[str]


class EstimatesPage(_Model):
    stratify: str
    lists: list[str]
    rows: list[EstimateRow]
    ran_at: str | None
    may_run: bool
    posterior: dict[str, list[float]]
    run_id: int | None = None  # the saved estimate run shown (store.estimates)
    origin: str | None = None  # web | cli | demo
    saved_by: str | None = None


class MapUnit(_Model):
    code: str
    name_en: str
    name_ko: str
    cases: int


class MapPage(_Model):
    provinces: list[MapUnit]
    counties: list[MapUnit]
    facilities: list[dict[str, Any]]
    unresolved: int


class ReviewPair(_Model):
    pair_id: int
    match_probability: float
    match_weight: float
    evidence: dict[str, Any]
    left: dict[str, Any]
    right: dict[str, Any]


class PlaceRate(_Model):
    """How many of one list's place values the gazetteer resolved, in the newest link run."""

    source: str
    column: str
    resolved: int
    written: int


class ReviewPage(_Model):
    pairs: list[ReviewPair]
    total: int
    decided: int
    may_decide: bool
    places: list[PlaceRate] = []
    expected_errors: dict[str, float] = {}
