"""One search box over persons: any spelling in any script, places, case types, dates, with facets.

The index is derived data: for each ``name`` row, the blocking keys of
:func:`unforgotten.korean.name_keys` (script- and system-independent), in ``search_key``.
:func:`refresh_index` adds the names written since the last refresh (a watermark in
``search_state``); it writes no versions and no audit event because it holds nothing that is not
already in ``name``. A name's person is read through ``name.person_id`` at query time and merged
persons are followed to the person they were merged into, so merges need no re-indexing.

>>> SearchFilters().is_empty()
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select

from unforgotten.korean import name_keys, resolve_place
from unforgotten.store import schema as s
from unforgotten.store.schema_web import search_key, search_state
from unforgotten.store.search_names import is_lone_surname, name_matches
from unforgotten.store.workspace import Workspace

__all__ = [
    "FACETS",
    "SearchFilters",
    "SearchHit",
    "SearchResult",
    "index_is_stale",
    "members_of",
    "refresh_index",
    "search",
]

PLACE_CONFIDENCE = 0.85  # a box text resolving at least this well is also read as a place
FACETS = ("case_type", "province", "status", "sex", "source")
_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Facet filters; ``None`` means no filter."""

    case_type: str | None = None
    province: str | None = None
    source: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    status: str | None = None
    sex: str | None = None

    def is_empty(self) -> bool:
        """Whether no filter is set."""
        values = (self.case_type, self.province, self.source, self.date_from, self.date_to)
        return all(v is None for v in (*values, self.status, self.sex))


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One person found, with every spelling, case types and why it matched."""

    person_id: int
    primary_name: str
    names: tuple[str, ...]
    case_types: tuple[str, ...]
    provinces: tuple[str, ...]
    score: float
    matched: str  # the spelling (or place) that matched


@dataclass(frozen=True, slots=True)
class SearchResult:
    """A page of hits, the total and the facet counts over every hit."""

    query: str
    total: int
    hits: tuple[SearchHit, ...]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    place: str | None = None  # the province or county code the box was read as


# ------------------------------------------------------------------ the index
def _watermark(conn: Connection) -> int:
    value = conn.execute(select(search_state.c.last_name_id).where(search_state.c.id == 1)).scalar()
    return int(value or 0)


def index_is_stale(conn: Connection) -> bool:
    """Whether names were written since the last refresh."""
    newest = conn.execute(select(func.max(s.name.c.id))).scalar() or 0
    return int(newest) > _watermark(conn)


def refresh_index(ws: Workspace) -> int:
    """Index the names not yet indexed; returns how many names were added."""
    with ws.engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn, conn.begin():
        last = _watermark(conn)
        rows = conn.execute(
            select(s.name.c.id, s.name.c.text).where(s.name.c.id > last).order_by(s.name.c.id)
        ).all()
        if not rows:
            return 0
        keys = [{"name_id": nid, "key": key[:120]} for nid, text in rows for key in name_keys(text)]
        for start in range(0, len(keys), _CHUNK):
            conn.execute(search_key.insert(), keys[start : start + _CHUNK])
        newest = rows[-1][0]
        if last:
            conn.execute(search_state.update().where(search_state.c.id == 1).values(last_name_id=newest))
        else:
            conn.execute(search_state.delete())
            conn.execute(search_state.insert(), [{"id": 1, "last_name_id": newest}])
        return len(rows)


# ------------------------------------------------------------------ matching
def _name_scores(conn: Connection, query: str) -> dict[int, tuple[float, str]]:
    """Live person id → (best score, spelling that matched): whole names, surnames, parts."""
    return _follow_merges(conn, name_matches(conn, query))


def _follow_merges(conn: Connection, found: dict[int, tuple[float, str]]) -> dict[int, tuple[float, str]]:
    merged = {
        pid: into
        for chunk in _chunks(list(found))
        for pid, into in conn.execute(
            select(s.person.c.id, s.person.c.merged_into).where(
                s.person.c.id.in_(chunk), s.person.c.merged_into.is_not(None)
            )
        )
    }
    out: dict[int, tuple[float, str]] = {}
    for pid, hit in found.items():
        live = merged.get(pid, pid)
        old = out.get(live)
        if old is None or (-hit[0], hit[1]) < (-old[0], old[1]):
            out[live] = hit
    return out


def _chunks(ids: Sequence[int], size: int = 900) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _place_code(query: str) -> tuple[str, str] | None:
    """(column, code) when the text names a province or county well enough."""
    if not query.strip():
        return None
    matches = [m for m in resolve_place(query, limit=1) if m.confidence >= PLACE_CONFIDENCE]
    if not matches:
        return None
    top = matches[0]
    if top.code == top.province_code:
        return "province", top.province_code
    return "code", top.code


def _case_conditions(filters: SearchFilters, place: tuple[str, str] | None) -> list[Any]:
    c, loc = s.case.c, s.location.c
    conds: list[Any] = []
    if filters.case_type:
        conds.append(c.case_type == filters.case_type)
    if filters.status:
        conds.append(c.status == filters.status)
    if filters.sex:
        conds.append(s.person.c.sex == filters.sex)
    if filters.province:
        conds.append(loc.province_code == filters.province)
    if place is not None:
        conds.append((loc.province_code if place[0] == "province" else loc.code) == place[1])
    if filters.date_from:
        conds.append(c.event_date_end >= filters.date_from)
    if filters.date_to:
        conds.append(c.event_date_start <= filters.date_to)
    if filters.source:
        rec = select(s.source_record.c.person_id).join(s.source).where(s.source.c.name == filters.source)
        conds.append(c.person_id.in_(rec))
    return conds


def _persons_born(conn: Connection, place: tuple[str, str]) -> list[int]:
    """Live persons (roots) born at the place (province or unit code)."""
    loc = s.location.c
    root = func.coalesce(s.person.c.merged_into, s.person.c.id)
    where = (loc.province_code if place[0] == "province" else loc.code) == place[1]
    joined = s.person.join(s.location, s.location.c.id == s.person.c.birth_place_id)
    query = select(root).select_from(joined).where(where).distinct().order_by(root)
    return [int(p) for p in conn.execute(query).scalars()]


def _case_join() -> Any:
    return s.case.outerjoin(s.location, s.location.c.id == s.case.c.event_place_id)


def _persons_matching(conn: Connection, conds: list[Any], among: Sequence[int] | None) -> list[int]:
    """Live persons (roots) with a case meeting every condition, optionally among given roots."""
    root = func.coalesce(s.person.c.merged_into, s.person.c.id)
    joined = _case_join().join(s.person, s.person.c.id == s.case.c.person_id)
    base = select(root).select_from(joined).where(*conds).distinct()
    if among is None:
        return [int(p) for p in conn.execute(base.order_by(root)).scalars()]
    out: list[int] = []
    for chunk in _chunks(among):
        out += [int(p) for p in conn.execute(base.where(root.in_(chunk))).scalars()]
    return out


# ------------------------------------------------------------------ facets and hits
def _facets(conn: Connection, roots: Sequence[int]) -> dict[str, dict[str, int]]:
    root_of = members_of(conn, roots)
    ids = list(root_of)
    out: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    queries = {
        "case_type": select(s.case.c.person_id, s.case.c.case_type),
        "province": select(s.case.c.person_id, s.location.c.province_code).select_from(_case_join()),
        "status": select(s.case.c.person_id, s.case.c.status),
        "sex": select(s.person.c.id, s.person.c.sex),
        "source": select(s.source_record.c.person_id, s.source.c.name).join(s.source),
    }
    for facet, query in queries.items():
        pid_col = query.selected_columns[0]
        seen: set[tuple[int, str]] = set()
        for chunk in _chunks(ids):
            for pid, value in conn.execute(query.where(pid_col.in_(chunk))):
                seen.add((root_of[pid], value or "unresolved"))
        for _, value in seen:
            out[facet][value] = out[facet].get(value, 0) + 1
    return {k: dict(sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))) for k, v in out.items()}


def members_of(conn: Connection, roots: Sequence[int]) -> dict[int, int]:
    """Member person id → live root, for the roots and every person merged into them."""
    out = {r: r for r in roots}
    for chunk in _chunks(list(roots)):
        query = select(s.person.c.id, s.person.c.merged_into).where(s.person.c.merged_into.in_(chunk))
        out.update({int(pid): int(root) for pid, root in conn.execute(query)})
    return out


def _hits(conn: Connection, ranked: list[tuple[int, float, str]]) -> tuple[SearchHit, ...]:
    roots = [pid for pid, _, _ in ranked]
    if not roots:
        return ()
    root_of = members_of(conn, roots)
    ids = list(root_of)
    primary = dict(
        conn.execute(select(s.person.c.id, s.person.c.primary_name).where(s.person.c.id.in_(ids))).all()
    )
    names: dict[int, list[str]] = {}
    for pid, text in conn.execute(
        select(s.name.c.person_id, s.name.c.text).where(s.name.c.person_id.in_(ids)).order_by(s.name.c.id)
    ):
        if text not in names.setdefault(root_of[pid], []):
            names[root_of[pid]].append(text)
    types: dict[int, set[str]] = {}
    provs: dict[int, set[str]] = {}
    for pid, ctype, prov in conn.execute(
        select(s.case.c.person_id, s.case.c.case_type, s.location.c.province_code)
        .select_from(_case_join())
        .where(s.case.c.person_id.in_(ids))
    ):
        types.setdefault(root_of[pid], set()).add(ctype)
        if prov:
            provs.setdefault(root_of[pid], set()).add(prov)
    return tuple(
        SearchHit(
            pid,
            str(primary.get(pid, "")),
            tuple(names.get(pid, [])),
            tuple(sorted(types.get(pid, ()))),
            tuple(sorted(provs.get(pid, ()))),
            round(score, 4),
            matched,
        )
        for pid, score, matched in ranked
    )


def search(
    conn: Connection,
    query: str,
    filters: SearchFilters | None = None,
    *,
    limit: int = 50,
    offset: int = 0,
    hidden: Collection[int] = (),
) -> SearchResult:
    """Persons whose names (any spelling) or places match ``query``, narrowed by ``filters``.

    Name matches (whole names, a surname alone, parts of names: :mod:`.search_names`) rank
    first by score, then by the spelling that matched, then by person id; a text that also
    names a place (not a lone surname) adds the persons with a case there or born there, in
    person id order. An empty query
    with filters lists the filtered persons. ``hidden`` live persons (a source the reader may not
    see) are left out of the hits, the total and the facets.
    """
    filters = filters or SearchFilters()
    text = query.strip()
    scored = _name_scores(conn, text) if text else {}
    place = _place_code(text) if text and not is_lone_surname(text) else None
    conds = _case_conditions(filters, None)
    ranked = sorted(
        ((pid, sc, m) for pid, (sc, m) in scored.items()), key=lambda r: (-r[1], r[2].casefold(), r[0])
    )
    if conds and ranked:
        keep = set(_persons_matching(conn, conds, [pid for pid, _, _ in ranked]))
        ranked = [r for r in ranked if r[0] in keep]
    if place is not None or (not text and conds):
        place_conds = _case_conditions(filters, place)
        seen = {pid for pid, _, _ in ranked}
        extra = _persons_matching(conn, place_conds, None)
        if place is not None:
            born = _persons_born(conn, place)
            extra += _persons_matching(conn, conds, born) if conds else born
        extra = sorted(set(extra) - seen)
        ranked += [(pid, 0.0, place[1] if place else "") for pid in extra]
    if hidden:
        ranked = [r for r in ranked if r[0] not in hidden]
    ids = [pid for pid, _, _ in ranked]
    return SearchResult(
        query=text,
        total=len(ids),
        hits=_hits(conn, ranked[offset : offset + limit]),
        facets=_facets(conn, ids) if ids else {facet: {} for facet in FACETS},
        place=place[1] if place else None,
    )
