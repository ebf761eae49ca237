"""Linkage against the registry: extract records, run, write persons back, review, merge, split.

Records never move: each keeps pointing at the person created when it was imported. Linking
sets ``person.merged_into`` to the root person of its cluster (the smallest person id), as
versioned updates closed by one audit event, so every merge is recorded and can be undone.
Reviewers' decisions (``link_decision``) are respected by every later run: an accepted pair is
always in one person, a rejected pair never.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import pandas as pd
from sqlalchemy import Connection, func, select

from unforgotten.domain.roles import Permission
from unforgotten.errors import NotFoundError, ValidationError
from unforgotten.linkage.calibration import reliability_table
from unforgotten.linkage.config import LinkageConfig
from unforgotten.linkage.merges import (
    merge_persons,
    merge_roots,
    person_of_record,
    record_decision,
    root_of,
    split_person,
    undo_merge,
)
from unforgotten.linkage.run import LinkageResult, link_records
from unforgotten.store import schema as s
from unforgotten.store.schema_linkage import link_decision, link_pair, link_run
from unforgotten.store.verify_derived import pair_digest
from unforgotten.store.workspace import Workspace
from unforgotten.store.writer import Writer, now_iso

__all__ = [
    "LinkReport",
    "decide",
    "extract_records",
    "latest_model",
    "link_store",
    "merge_persons",
    "review_queue",
    "split_person",
    "undo_merge",
]

Decision = Literal["accepted", "rejected"]
_DECIDED = ("accepted", "rejected")  # a withdrawn decision leaves its pair undecided
_TEXT = ("full_name", "family_name", "given_name", "name_hangul", "aliases", "birth_place", "event_place")


@dataclass(frozen=True, slots=True)
class LinkReport:
    """What a linkage run did to the registry."""

    run_id: int
    records: int
    persons: int
    pairs: int
    review: int
    merged: int
    unmerged: int
    timings: dict[str, float]
    place_resolution: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    calibration: dict[str, Any] = field(default_factory=dict)
    error_budget: dict[str, float] = field(default_factory=dict)
    reliability: list[dict[str, float]] = field(default_factory=list)
    contradicting_clusters: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def _date_parts(iso: str | None) -> tuple[int | None, int | None, int | None]:
    if not iso or "/" in iso:
        return (int(iso[:4]) if iso else None), None, None
    parts: list[int | None] = [int(p) for p in iso.split("-")]
    year, month, day = [*parts, None, None][:3]
    return year, month, day


def extract_records(conn: Connection) -> pd.DataFrame:
    """Every source record as a row of the table the linkage engine takes."""
    query = (
        select(
            s.source_record.c.id,
            s.source.c.name,
            s.source_record.c.record_id,
            s.source_record.c.raw,
            s.source_record.c.parsed,
        )
        .join(s.source)
        .order_by(s.source_record.c.id)
    )
    rows = []
    for rid, source, record_id, raw, parsed in conn.execute(query):
        year, month, day = _date_parts(parsed.get("birth_date"))
        event_year, _, _ = _date_parts(parsed.get("event_date"))
        rows.append(
            {
                "unique_id": rid,
                "source": source,
                "record_id": record_id,
                **{c: raw.get(c) or None for c in _TEXT},
                "sex": None if parsed.get("sex") in (None, "U") else parsed["sex"],
                "birth_date": raw.get("birth_date") or None,
                "birth_year": year,
                "birth_month": month,
                "birth_day": day,
                "birth_precision": parsed.get("birth_date_precision", "unknown"),
                "birth_lunar": parsed.get("birth_date_lunar") or None,
                "case_type": parsed.get("case_type"),
                "event_date": raw.get("event_date") or None,
                "event_year": event_year,
            }
        )
    return pd.DataFrame(rows)


def _decisions(conn: Connection) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    accepted: list[tuple[int, int]] = []
    rejected: list[tuple[int, int]] = []
    for left, right, decision in conn.execute(
        select(link_decision.c.record_l, link_decision.c.record_r, link_decision.c.decision).where(
            link_decision.c.decision.in_(_DECIDED)
        )
    ):
        (accepted if decision == "accepted" else rejected).append((int(left), int(right)))
    return accepted, rejected


def _record_persons(conn: Connection) -> dict[int, int]:
    query = select(s.source_record.c.id, s.source_record.c.person_id)
    return {int(r): int(p) for r, p in conn.execute(query)}


def _current_roots(conn: Connection) -> dict[int, int | None]:
    return {int(p): m for p, m in conn.execute(select(s.person.c.id, s.person.c.merged_into))}


def _desired_roots(clusters: pd.Series, persons: Mapping[int, int]) -> dict[int, int | None]:
    root_of_cluster: dict[int, int] = {}
    for record, cluster in clusters.items():
        person = persons[int(record)]
        root_of_cluster[int(cluster)] = min(root_of_cluster.get(int(cluster), person), person)
    desired: dict[int, int | None] = {}
    for record, cluster in clusters.items():
        person, root = persons[int(record)], root_of_cluster[int(cluster)]
        desired[person] = None if person == root else root
    return desired


def _apply_roots(
    writer: Writer, desired: Mapping[int, int | None], current: Mapping[int, int | None], *, reason: str
) -> tuple[int, int]:
    changes = {p: {"merged_into": r} for p, r in desired.items() if current.get(p) != r}
    writer.update_many(s.person, changes, reason=reason)
    merged = sum(1 for c in changes.values() if c["merged_into"] is not None)
    return merged, len(changes) - merged


def _pair_rows(result: LinkageResult, run_id: int, first_id: int) -> list[dict[str, Any]]:
    lo, hi = result.config.review_band
    names = [c[len("gamma_") :] for c in result.pairs.columns if c.startswith("gamma_")]
    rows = []
    for offset, pair in enumerate(result.pairs.itertuples(index=False)):
        values = pair._asdict()
        probability = float(values["match_probability"])
        band = "match" if probability >= hi else "review" if probability >= lo else "low"
        band = "review" if values.get("held_apart") else band
        evidence = {
            n: [int(values[f"gamma_{n}"]), round(float(values.get(f"mw_{n}", 0.0) or 0.0), 3)] for n in names
        }
        rows.append(
            {
                "id": first_id + offset,
                "run_id": run_id,
                "record_l": int(values["unique_id_l"]),
                "record_r": int(values["unique_id_r"]),
                "match_probability": round(probability, 6),
                "match_weight": round(float(values["match_weight"]), 4),
                "evidence": evidence,
                "band": band,
            }
        )
    return rows


def link_store(ws: Workspace, *, config: LinkageConfig | None = None, engine: str = "duckdb") -> LinkReport:
    """Link every record in the registry and write the persons back (one audited unit)."""
    ws.require(Permission.LINK)
    ws.ensure_ready()
    config = config or LinkageConfig()
    with ws.read() as conn:
        records = extract_records(conn)
        accepted, rejected = _decisions(conn)
    if len(records) < 2:
        raise ValidationError("linkage needs at least two records in the registry; import lists first")
    result = link_records(records, config=config, accepted=accepted, rejected=rejected, engine=engine)  # type: ignore[arg-type]
    with ws.write(action="link", subject="persons") as writer:
        persons = _record_persons(writer.conn)
        run_id = writer.allocate(link_run)
        writer.insert(
            link_run,
            [
                {
                    "id": run_id,
                    "kind": "full",
                    "engine": engine,
                    "started_at": now_iso(),
                    "actor": ws.settings.actor,
                    "config": json.loads(json.dumps(asdict(config))),
                    "counts": {
                        **result.counts,
                        "place_resolution": result.place_resolution,
                        "calibration": asdict(result.calibration),
                        "error_budget": result.error_budget(),
                    },
                    "timings": {k: round(v, 3) for k, v in result.timings.items()},
                    "model": result.model_json,
                }
            ],
        )
        pairs = _pair_rows(result, run_id, writer.allocate(link_pair, len(result.pairs)))
        writer.insert_derived(link_pair, pairs)
        desired = _desired_roots(result.clusters, persons)
        merged, unmerged = _apply_roots(
            writer, desired, _current_roots(writer.conn), reason=f"link run {run_id}"
        )
        review = sum(1 for p in pairs if p["band"] == "review")
        writer.detail.update(
            {
                "run": run_id,
                "merged": merged,
                "unmerged": unmerged,
                "pairs": len(pairs),
                "pairs_digest": pair_digest(
                    writer.conn.execute(select(link_pair).where(link_pair.c.run_id == run_id)).mappings()
                ),
            }
        )
    return LinkReport(
        run_id,
        len(records),
        int(result.clusters.nunique()),
        len(pairs),
        review,
        merged,
        unmerged,
        dict(result.timings),
        {k: {c: dict(n) for c, n in v.items()} for k, v in result.place_resolution.items()},
        asdict(result.calibration),
        result.error_budget(),
        _reliability(result, accepted, rejected),
        int(result.counts.get("contradicting_clusters", 0)),
    )


def _reliability(
    result: LinkageResult, accepted: list[tuple[int, int]], rejected: list[tuple[int, int]]
) -> list[dict[str, float]]:
    """Reliability table of this run's probabilities on the registry's review decisions."""
    decided = {**{(min(p), max(p)): True for p in accepted}, **{(min(p), max(p)): False for p in rejected}}
    pairs = result.pairs
    keys = list(zip(pairs["unique_id_l"].tolist(), pairs["unique_id_r"].tolist(), strict=True))
    chosen = [i for i, k in enumerate(keys) if k in decided]
    if not chosen:
        return []
    probabilities = pairs["match_probability"].to_numpy()[chosen]
    labels = [decided[keys[i]] for i in chosen]
    return [asdict(row) for row in reliability_table(probabilities, labels)]


def latest_model(conn: Connection) -> tuple[int, str]:
    """The id and saved model (Splink JSON) of the newest run."""
    row = conn.execute(
        select(link_run.c.id, link_run.c.model).order_by(link_run.c.id.desc()).limit(1)
    ).first()
    if row is None:
        raise NotFoundError("no linkage run yet; run `unforgotten link` first")
    return int(row.id), str(row.model)


def _record_view(conn: Connection, record_id: int) -> dict[str, Any]:
    row = conn.execute(
        select(
            s.source_record.c.id,
            s.source.c.name,
            s.source_record.c.record_id,
            s.source_record.c.raw,
            s.person.c.id.label("person"),
            s.person.c.merged_into,
        )
        .join(s.source)
        .join(s.person, s.person.c.id == s.source_record.c.person_id)
        .where(s.source_record.c.id == record_id)
    ).one()
    shown = {k: v for k, v in row.raw.items() if k not in ("record_id",) and v}
    return {
        "record": row.id,
        "source": row.name,
        "record_id": row.record_id,
        "person_id": row.merged_into or row.person,
        "fields": shown,
    }


def review_queue(conn: Connection, *, limit: int = 50) -> list[dict[str, Any]]:
    """Undecided pairs of the newest run in the review band, most probable first, with evidence."""
    run = conn.execute(select(func.max(link_run.c.id))).scalar()
    if run is None:
        return []
    decided = (
        select(link_decision.c.id)
        .where(
            link_decision.c.record_l == link_pair.c.record_l,
            link_decision.c.record_r == link_pair.c.record_r,
            link_decision.c.decision.in_(_DECIDED),
        )
        .exists()
    )
    query = (
        select(link_pair)
        .where(link_pair.c.run_id == run, link_pair.c.band == "review", ~decided)
        .order_by(link_pair.c.match_probability.desc(), link_pair.c.id)
        .limit(limit)
    )
    return [
        {
            "pair_id": p["id"],
            "match_probability": p["match_probability"],
            "match_weight": p["match_weight"],
            "evidence": p["evidence"],
            "left": _record_view(conn, p["record_l"]),
            "right": _record_view(conn, p["record_r"]),
        }
        for p in conn.execute(query).mappings()
    ]


def review_progress(conn: Connection) -> dict[str, int]:
    """How many review pairs the newest run has, and how many are decided."""
    run = conn.execute(select(func.max(link_run.c.id))).scalar()
    if run is None:
        return {"total": 0, "decided": 0}
    total = conn.execute(select(func.count()).where(link_pair.c.run_id == run, link_pair.c.band == "review"))
    decided = conn.execute(
        select(func.count())
        .select_from(
            link_pair.join(
                link_decision,
                (link_decision.c.record_l == link_pair.c.record_l)
                & (link_decision.c.record_r == link_pair.c.record_r)
                & link_decision.c.decision.in_(_DECIDED),
            )
        )
        .where(link_pair.c.run_id == run, link_pair.c.band == "review")
    )
    return {"total": int(total.scalar_one()), "decided": int(decided.scalar_one())}


def decide(ws: Workspace, pair_id: int, decision: Decision, *, note: str | None = None) -> dict[str, Any]:
    """Record a reviewer's decision on a pair; an accepted pair is merged at once."""
    ws.require(Permission.LINK)
    if decision not in ("accepted", "rejected"):
        raise ValidationError(f"decision must be 'accepted' or 'rejected', not {decision!r}")
    with ws.write(action=f"review_{decision}", subject=f"pair:{pair_id}") as writer:
        pair = writer.conn.execute(select(link_pair).where(link_pair.c.id == pair_id)).mappings().first()
        if pair is None:
            raise NotFoundError(f"pair {pair_id} does not exist")
        decision_id = record_decision(
            writer, pair["record_l"], pair["record_r"], decision, actor=ws.settings.actor, note=note
        )
        roots = [
            root_of(writer.conn, person_of_record(writer.conn, r))
            for r in (pair["record_l"], pair["record_r"])
        ]
        person = (
            merge_roots(writer, *roots, reason=f"review of pair {pair_id}")[0]
            if decision == "accepted"
            else None
        )
        writer.detail.update({"pair": pair_id, "records": [pair["record_l"], pair["record_r"]]})
    pending = decision == "rejected" and roots[0] == roots[1]
    return {
        "pair_id": pair_id,
        "decision": decision,
        "decision_id": decision_id,
        "person_id": person,
        "split_at_next_run": pending,
    }
