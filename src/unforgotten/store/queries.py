"""Read-side queries: statistics, history, one person in full, export rows.

Functions take a connection and return plain data; protected values appear only in the functions
that say so, and their callers audit the read.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import BigInteger, Connection, and_, case, cast, func, literal, or_, select
from sqlalchemy.sql import ColumnElement, FromClause

from unforgotten.domain.events import CaseFacts, group_events
from unforgotten.domain.periods import period_of
from unforgotten.errors import NotFoundError, ValidationError
from unforgotten.store import schema as s
from unforgotten.store.crypto import Keyring
from unforgotten.store.schema_records import case_status, field_value, record_entry

__all__ = [
    "STRATA",
    "capture_memberships",
    "case_events",
    "cluster_rows",
    "history",
    "linkage_draw_inputs",
    "members",
    "person_detail",
    "person_rows",
    "protected_of_records",
    "record_rows",
    "shared_persons",
    "source_patterns",
    "source_rows",
    "stats",
    "withheld_persons",
]

_CHUNK = 900  # ids per IN list: under SQLite's oldest limit of 999 bound parameters


def _counts(
    conn: Connection, column: Any, *, join: Any = None, label: str, where: Any = None
) -> dict[str, int]:
    query = select(column, func.count()).group_by(column).order_by(func.count().desc())
    if join is not None:
        query = query.select_from(join)
    if where is not None:
        query = query.where(where)
    return {str(k) if k is not None else label: int(n) for k, n in conn.execute(query)}


def withheld_persons(state: str | None = None) -> Any:
    """The ids of persons entered but not yet approved (drafts), of retired persons and of persons
    whose source withdrew them by re-import (or of one ``state``): left out of estimates and
    statistics (docs/editing.md, docs/migrating.md)."""
    e = record_entry
    states = (state,) if state else ("draft", "retired", "withdrawn")
    return select(e.c.row_id).where(e.c.table_name == "person", e.c.state.in_(states))


def stats(conn: Connection) -> dict[str, Any]:
    """Counts by source, case type and province of the event, and totals (drafts and retired
    persons left out, and counted apart)."""
    shown = s.person.c.id.not_in(withheld_persons())
    live = and_(s.person.c.merged_into.is_(None), shown)
    event_place = s.case.outerjoin(s.location, s.location.c.id == s.case.c.event_place_id)
    counted_records = s.source_record.c.person_id.not_in(withheld_persons())
    counted_cases = s.case.c.person_id.not_in(withheld_persons())

    def count(state: str) -> int:
        return int(
            conn.execute(select(func.count()).select_from(withheld_persons(state).subquery())).scalar_one()
        )

    return {
        "persons": conn.execute(select(func.count()).where(live)).scalar_one(),
        "drafts": count("draft"),
        "retired": count("retired"),
        "records": conn.execute(select(func.count()).select_from(s.source_record)).scalar_one(),
        "batches": conn.execute(select(func.count()).select_from(s.import_batch)).scalar_one(),
        "audit_events": conn.execute(select(func.count()).select_from(s.audit_event)).scalar_one(),
        "by_source": _counts(
            conn, s.source.c.name, label="(none)", join=s.source_record.join(s.source), where=counted_records
        ),
        "by_case_type": _counts(conn, s.case.c.case_type, label="(none)", where=counted_cases),
        "by_province": _counts(
            conn, s.location.c.province_code, join=event_place, label="unresolved", where=counted_cases
        ),
    }


def source_rows(conn: Connection) -> list[dict[str, Any]]:
    """Every source with its kind, organisation, confidentiality and number of records."""
    counts: dict[int, int] = dict(
        conn.execute(
            select(s.source_record.c.source_id, func.count()).group_by(s.source_record.c.source_id)
        ).all()
    )
    query = select(s.source).order_by(s.source.c.name)
    return [{**dict(r), "records": int(counts.get(r["id"], 0))} for r in conn.execute(query).mappings()]


def members(conn: Connection, person_id: int) -> list[int]:
    """The person and every person merged into it (linkage keeps records on their first person)."""
    query = select(s.person.c.id).where(or_(s.person.c.id == person_id, s.person.c.merged_into == person_id))
    return sorted(int(p) for p in conn.execute(query).scalars())


def _person_children(conn: Connection, person_id: int) -> list[tuple[str, int]]:
    group = members(conn, person_id)
    keys: list[tuple[str, int]] = [("person", p) for p in group]
    for table in (s.name, s.case, s.source_record, s.consent):
        ids = conn.execute(select(table.c.id).where(table.c.person_id.in_(group))).scalars()
        keys += [(table.name, i) for i in ids]
    records = [i for t, i in keys if t == "source_record"]
    cases = [i for t, i in keys if t == "case"]
    if records:
        query = select(s.informant.c.id).where(s.informant.c.source_record_id.in_(records))
        keys += [("informant", i) for i in conn.execute(query).scalars()]
    incidents: list[int] = []
    if cases:
        incidents = list(
            conn.execute(select(s.incident.c.id).where(s.incident.c.case_id.in_(cases))).scalars()
        )
        keys += [("incident", i) for i in incidents]
        ids = conn.execute(select(case_status.c.id).where(case_status.c.case_id.in_(cases))).scalars()
        keys += [("case_status", i) for i in ids]
    for kind, row_ids in (("person", group), ("case", cases), ("incident", incidents)):
        if not row_ids:
            continue
        entries = select(record_entry.c.id).where(
            record_entry.c.table_name == kind, record_entry.c.row_id.in_(row_ids)
        )
        keys += [("record_entry", i) for i in conn.execute(entries).scalars()]
        values = select(field_value.c.id).where(
            field_value.c.table_name == kind, field_value.c.row_id.in_(row_ids)
        )
        keys += [("field_value", i) for i in conn.execute(values).scalars()]
    return keys


def _versions(conn: Connection, keys: list[tuple[str, int]]) -> list[Any]:
    """The versions of ``keys`` (table, row id) with their events, oldest first.

    One query per table and chunk of ids, each on ``uq_record_version_row`` (table, row, version);
    a row-value ``IN`` over every key would make SQLite walk all of ``record_version`` in id order.
    """
    v, e = s.record_version, s.audit_event
    columns = (v.c.id, v.c.table_name, v.c.row_id, v.c.version, v.c.op, v.c.reason, v.c.data)
    query = select(*columns, e.c.at, e.c.actor, e.c.action).join(e, e.c.id == v.c.event_id)
    by_table: dict[str, list[int]] = {}
    for table, row_id in keys:
        by_table.setdefault(table, []).append(row_id)
    rows = [
        row
        for table, ids in by_table.items()
        for start in range(0, len(ids), _CHUNK)
        for row in conn.execute(
            query.where(v.c.table_name == table, v.c.row_id.in_(ids[start : start + _CHUNK]))
        ).mappings()
    ]
    return sorted(rows, key=lambda row: int(row["id"]))


def history(conn: Connection, person_id: int) -> list[dict[str, Any]]:
    """Every version of a person, of the persons merged into it and of what hangs on them, oldest first."""
    if conn.execute(select(s.person.c.id).where(s.person.c.id == person_id)).first() is None:
        raise NotFoundError(f"person {person_id} does not exist")
    rows = []
    previous: dict[tuple[str, int], dict[str, Any]] = {}
    for row in _versions(conn, _person_children(conn, person_id)):
        data = json.loads(row["data"])
        if row["table_name"] == "informant":  # never show protected content, even as ciphertext
            data = {k: ("[protected]" if k.endswith("_enc") and val else val) for k, val in data.items()}
        key = (str(row["table_name"]), int(row["row_id"]))
        before = previous.get(key)
        changed = sorted(k for k in data if k != "id" and (before is None or before.get(k) != data[k]))
        if before is None:  # a row's first version: the fields it was written with
            changed = sorted(k for k in data if k != "id" and data[k] not in (None, "", False))
        previous[key] = data
        rows.append({**{k: row[k] for k in row if k != "data"}, "data": data, "changed": changed})
    return rows


def case_events(conn: Connection, person_ids: list[int]) -> list[list[int]]:
    """The case ids of these persons grouped by the event they report (:mod:`domain.events`)."""
    c, loc = s.case.c, s.location.c
    query = (
        select(c.id, c.case_type, c.event_date_start, c.event_date_end, loc.code, loc.province_code)
        .select_from(s.case.outerjoin(s.location, loc.id == c.event_place_id))
        .where(c.person_id.in_(person_ids))
    )
    facts = [
        CaseFacts(int(i), str(kind), start, end, code or None, province or None)
        for i, kind, start, end, code, province in conn.execute(query)
    ]
    return group_events(facts)


def _event_dicts(conn: Connection, cases: list[dict[str, Any]], group: list[int]) -> list[dict[str, Any]]:
    by_id = {int(x["id"]): x for x in cases}

    def distinct(ids: list[int], key: str) -> list[Any]:
        return list(dict.fromkeys(by_id[i][key] for i in ids if by_id[i][key] is not None))

    return [
        {
            "case_type": by_id[ids[0]]["case_type"],
            "case_ids": ids,
            "statuses": distinct(ids, "status"),
            "event_dates": distinct(ids, "event_date_raw"),
            "source_record_ids": distinct(ids, "source_record_id"),
        }
        for ids in case_events(conn, group)
    ]


def person_detail(conn: Connection, person_id: int) -> dict[str, Any]:
    """A person with names, cases, the events the cases report and source records (no protected values).

    ``events`` groups the cases of the person and of those merged into it by the event they
    report (one event, several sources); ``cases`` keeps every case as stored.
    """
    person = conn.execute(select(s.person).where(s.person.c.id == person_id)).mappings().first()
    if person is None:
        raise NotFoundError(f"person {person_id} does not exist")
    group = members(conn, person_id)
    names = conn.execute(select(s.name).where(s.name.c.person_id.in_(group))).mappings().all()
    cases = (
        conn.execute(select(s.case).where(s.case.c.person_id.in_(group)).order_by(s.case.c.id))
        .mappings()
        .all()
    )
    records = (
        conn.execute(
            select(
                s.source_record.c.id,
                s.source_record.c.record_id,
                s.source_record.c.row_number,
                s.source_record.c.batch_id,
                s.source_record.c.person_id,
                s.source_record.c.raw,
                s.source.c.name.label("source"),
            )
            .join(s.source)
            .where(s.source_record.c.person_id.in_(group))
        )
        .mappings()
        .all()
    )
    return {
        "person": dict(person),
        "members": group,
        "names": [dict(n) for n in names],
        "cases": [dict(c) for c in cases],
        "events": _event_dicts(conn, [dict(c) for c in cases], group),
        "records": [dict(r) for r in records],
    }


def protected_of_records(
    conn: Connection, keyring: Keyring, record_ids: list[int]
) -> dict[int, dict[str, Any]]:
    """Decrypted informant fields and protected extras by record id. Callers must audit."""
    out: dict[int, dict[str, Any]] = {rid: {} for rid in record_ids}
    inf = conn.execute(select(s.informant).where(s.informant.c.source_record_id.in_(record_ids)))
    for row in inf.mappings():
        out[row["source_record_id"]].update(
            {
                "informant_name": keyring.decrypt(row["name_enc"], context=f"informant.name_enc.{row['id']}"),
                "informant_contact": keyring.decrypt(
                    row["contact_enc"], context=f"informant.contact_enc.{row['id']}"
                ),
            }
        )
    extras = conn.execute(
        select(s.source_record.c.id, s.source_record.c.protected_extra).where(
            and_(s.source_record.c.id.in_(record_ids), s.source_record.c.protected_extra.is_not(None))
        )
    )
    for rid, blob in extras:
        clear = keyring.decrypt(blob, context=f"source_record.protected_extra.{rid}")
        out[rid].update(json.loads(clear or "{}"))
    return out


def person_rows(conn: Connection) -> list[dict[str, Any]]:
    """One row per live person: id, primary name, sex, birth date, all spellings, case types, sources."""
    root = {int(p): int(m or p) for p, m in conn.execute(select(s.person.c.id, s.person.c.merged_into))}
    names: dict[int, list[str]] = {}
    for pid, text in conn.execute(select(s.name.c.person_id, s.name.c.text).order_by(s.name.c.id)):
        spellings = names.setdefault(root[pid], [])
        if text not in spellings:
            spellings.append(text)
    cases: dict[int, set[str]] = {}
    for pid, ctype in conn.execute(select(s.case.c.person_id, s.case.c.case_type)):
        cases.setdefault(root[pid], set()).add(ctype)
    sources: dict[int, set[str]] = {}
    for pid, src in conn.execute(select(s.source_record.c.person_id, s.source.c.name).join(s.source)):
        sources.setdefault(root[pid], set()).add(src)
    query = select(s.person).where(s.person.c.merged_into.is_(None)).order_by(s.person.c.id)
    return [
        {
            "person_id": p["id"],
            "primary_name": p["primary_name"],
            "sex": p["sex"],
            "birth_date": p["birth_date_raw"] or "",
            "birth_date_precision": p["birth_date_precision"],
            "names": "|".join(names.get(p["id"], [])),
            "case_types": "|".join(sorted(cases.get(p["id"], []))),
            "sources": "|".join(sorted(sources.get(p["id"], []))),
            "records": sum(1 for r in root.values() if r == p["id"]),
        }
        for p in conn.execute(query).mappings()
    ]


def record_rows(conn: Connection) -> list[dict[str, Any]]:
    """One row per source record: source, record id, person, then the record's cells as imported."""
    query = (
        select(
            s.source_record.c.id,
            s.source.c.name,
            s.source_record.c.record_id,
            s.source_record.c.person_id,
            s.source_record.c.batch_id,
            s.source_record.c.row_number,
            s.source_record.c.raw,
        )
        .join(s.source)
        .order_by(s.source_record.c.id)
    )
    return [
        {
            "_id": r.id,
            "source": r.name,
            "record_id": r.record_id,
            "person_id": r.person_id,
            "batch_id": r.batch_id,
            "row_number": r.row_number,
            **{k: v for k, v in r.raw.items() if k != "record_id"},
        }
        for r in conn.execute(query)
    ]


def cluster_rows(conn: Connection) -> list[dict[str, Any]]:
    """One row per source record: source, record id, person (after linkage), match probability.

    The probability is the highest of the newest run's pairs joining the record to another
    record of the same person (empty for a person of one record).
    """
    from unforgotten.store.schema_linkage import link_pair, link_run  # noqa: PLC0415 — optional tables

    root = func.coalesce(s.person.c.merged_into, s.person.c.id)
    records = conn.execute(
        select(s.source_record.c.id, s.source.c.name, s.source_record.c.record_id, root.label("root"))
        .join(s.source)
        .join(s.person, s.person.c.id == s.source_record.c.person_id)
        .order_by(s.source_record.c.id)
    ).all()
    person_of = {r.id: r.root for r in records}
    best: dict[int, float] = {}
    run = conn.execute(select(func.max(link_run.c.id))).scalar()
    if run is not None:
        pairs = conn.execute(
            select(link_pair.c.record_l, link_pair.c.record_r, link_pair.c.match_probability).where(
                link_pair.c.run_id == run
            )
        )
        for left, right, probability in pairs:
            if person_of.get(left) == person_of.get(right):
                for rid in (left, right):
                    best[rid] = max(best.get(rid, 0.0), float(probability))
    return [
        {
            "source": r.name,
            "record_id": r.record_id,
            "person_id": r.root,
            "match_probability": "" if r.id not in best else round(best[r.id], 6),
        }
        for r in records
    ]


STRATA = ("case_type", "province", "sex", "era", "period", "source_count")
_BY = STRATA[:5]  # what capture_memberships stratifies by


def _era(start: Any) -> str:
    if start is None:
        return "unknown"
    year = int(str(start)[:4])
    return f"{year // 10 * 10}s"


def _period(start: Any) -> str:
    return period_of(None if start is None else int(str(start)[:4]))


def capture_memberships(
    conn: Connection, *, by: str | None = None
) -> tuple[list[tuple[str, frozenset[str]]], list[str]]:
    """Per linked person: its stratum and the set of source lists it is on; and all list names.

    ``by``: ``case_type``, ``province`` (of the event place), ``sex``, ``era`` (decade of the
    event), ``period`` (historical period of the event, ``domain.periods``) or ``None`` (one
    stratum, ``all``). A person's stratum comes from its first case.
    """
    if by is not None and by not in _BY:
        raise ValidationError(f"cannot stratify by {by!r}; use one of {', '.join(_BY)}")
    root_of = {int(p): int(m or p) for p, m in conn.execute(select(s.person.c.id, s.person.c.merged_into))}
    withheld = {int(p) for p in conn.execute(withheld_persons()).scalars()}
    lists: dict[int, set[str]] = {}
    for person, source in conn.execute(select(s.source_record.c.person_id, s.source.c.name).join(s.source)):
        root = root_of[int(person)]
        if int(person) not in withheld and root not in withheld:
            lists.setdefault(root, set()).add(source)
    stratum: dict[int, str] = {}
    if by == "sex":
        stratum = {int(p): sex for p, sex in conn.execute(select(s.person.c.id, s.person.c.sex))}
    elif by is not None:
        query = (
            select(
                s.case.c.person_id, s.case.c.case_type, s.location.c.province_code, s.case.c.event_date_start
            )
            .outerjoin(s.location, s.location.c.id == s.case.c.event_place_id)
            .order_by(s.case.c.id)
        )
        for person, case_type, province, start in conn.execute(query):
            value = {
                "case_type": case_type,
                "province": province or "unresolved",
                "era": _era(start),
                "period": _period(start),
            }[by]
            stratum.setdefault(root_of[int(person)], value)
    rows = [
        (stratum.get(root, "unknown") if by else "all", frozenset(names))
        for root, names in sorted(lists.items())
    ]
    all_lists = sorted({name for names in lists.values() for name in names})
    return rows, all_lists


_WORD = 62  # source ids per bit mask: distinct powers of two below 2**62 sum within a signed 64-bit integer


def _live_records(
    alias: str = "",
) -> tuple[FromClause, ColumnElement[int], ColumnElement[int], ColumnElement[bool]]:
    """Source records joined to their person: the join, the source id and the live person id.

    Records of drafts and retired persons, and records merged into one, are left out (the join
    keeps only records whose person and live person are both counted)."""
    record = s.source_record.alias(f"{alias}record") if alias else s.source_record
    person = s.person.alias(f"{alias}person") if alias else s.person
    withheld = withheld_persons().subquery(f"{alias}withheld")
    mine = withheld.alias(f"{alias}withheld_own")
    root = func.coalesce(person.c.merged_into, person.c.id)
    joined = (
        record.join(person, person.c.id == record.c.person_id)
        .outerjoin(mine, mine.c.row_id == person.c.id)
        .outerjoin(withheld, withheld.c.row_id == root)
    )
    counted = and_(mine.c.row_id.is_(None), withheld.c.row_id.is_(None))
    return joined, record.c.source_id, root, counted


def _mask(source_id: ColumnElement[int], word: int) -> ColumnElement[int]:
    """``2 ** (source_id - 62 * word)`` for the source ids of mask ``word``, else 0."""
    low = word * _WORD
    bit = cast(literal(1), BigInteger).op("<<")(source_id - low)
    return case((source_id.between(low, low + _WORD - 1), bit), else_=0)


def _source_ids(words: list[int], masks: tuple[Any, ...]) -> frozenset[int]:
    return frozenset(
        word * _WORD + bit
        for word, mask in zip(words, masks, strict=True)
        for bit in range(_WORD)
        if int(mask) >> bit & 1
    )


def source_patterns(conn: Connection) -> dict[frozenset[int], int]:
    """Live persons by the set of source ids they are on (their capture pattern).

    The database does the counting: per live person (``coalesce(merged_into, id)``) one bit mask
    per 62 source ids, ``SUM(DISTINCT 2 ** bit)``, then a count per distinct set of masks, so one
    row comes back per pattern, not per person. Persons without records are on no list.
    """
    source_ids = conn.execute(select(s.source.c.id)).scalars().all()
    words = sorted({int(i) // _WORD for i in source_ids})
    if not words:
        return {}
    joined, source_id, root, counted = _live_records()
    masks = [func.sum(_mask(source_id, w).distinct()).label(f"w{w}") for w in words]
    per_person = select(*masks).select_from(joined).where(counted).group_by(root).subquery()
    columns = list(per_person.c)
    rows = conn.execute(select(*columns, func.count()).group_by(*columns))
    return {_source_ids(words, tuple(row[:-1])): int(row[-1]) for row in rows}


def shared_persons(conn: Connection, source_id: int) -> dict[int, int]:
    """For each other source: how many live persons of ``source_id`` are on it too.

    Goes through the records of the other sources, keeping those whose live person is among the
    live persons of ``source_id``; a source sharing nobody is left out.
    """
    joined_x, on_x, root_x, counted_x = _live_records("x_")
    of_source = select(root_x).select_from(joined_x).where(on_x == source_id, counted_x)
    joined, other, root, counted = _live_records()
    query = (
        select(other, func.count(root.distinct()))
        .select_from(joined)
        .where(other != source_id, root.in_(of_source), counted)
        .group_by(other)
    )
    return {int(sid): int(n) for sid, n in conn.execute(query)}


def linkage_draw_inputs(conn: Connection) -> dict[str, Any]:
    """What drawing linkages needs from the newest link run (estimate/linkage_draws.py).

    The records counted in estimates (the person and root of each not withheld) with their list
    and the person each was imported as; the run's pairs in the ``match`` and ``review`` bands
    with their match probability; reviewers' standing decisions; and the run's clustering rule.
    """
    from unforgotten.store.schema_linkage import link_decision, link_pair, link_run  # noqa: PLC0415

    newest = select(link_run.c.id, link_run.c.config).order_by(link_run.c.id.desc()).limit(1)
    run = conn.execute(newest).first()
    if run is None:
        raise NotFoundError("no linkage run yet: --linkage-draws needs one; run `unforgotten link` first")
    root_of = {int(p): int(m or p) for p, m in conn.execute(select(s.person.c.id, s.person.c.merged_into))}
    withheld = {int(p) for p in conn.execute(withheld_persons()).scalars()}
    records: list[tuple[int, str, int]] = []
    query = (
        select(s.source_record.c.id, s.source.c.name, s.source_record.c.person_id)
        .join(s.source)
        .order_by(s.source_record.c.id)
    )
    for record, source, person in conn.execute(query):
        if int(person) not in withheld and root_of[int(person)] not in withheld:
            records.append((int(record), str(source), int(person)))
    pairs = [
        (int(a), int(b), float(p))
        for a, b, p in conn.execute(
            select(link_pair.c.record_l, link_pair.c.record_r, link_pair.c.match_probability)
            .where(link_pair.c.run_id == run.id, link_pair.c.band.in_(("match", "review")))
            .order_by(link_pair.c.id)
        )
    ]
    decisions: dict[str, list[tuple[int, int]]] = {"accepted": [], "rejected": []}
    for a, b, decision in conn.execute(
        select(link_decision.c.record_l, link_decision.c.record_r, link_decision.c.decision).where(
            link_decision.c.decision.in_(("accepted", "rejected"))
        )
    ):
        decisions[str(decision)].append((int(a), int(b)))
    config = run.config or {}
    return {
        "run_id": int(run.id),
        "records": records,
        "pairs": pairs,
        "accepted": decisions["accepted"],
        "rejected": decisions["rejected"],
        "one_per_source": config.get("clustering") == "one_per_source",
    }
