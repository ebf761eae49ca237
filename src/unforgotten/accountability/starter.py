"""The shipped starter set: the main DPRK institutions with their names over time and parents
(``data/accountability/organisations.toml``), and the detention facilities of
``data/korean/nk_detention_facilities.csv`` as first-class places with their operators.

Loading adds only what the registry lacks (an organisation or facility whose key exists is left
as it is, so edits made since are kept) and is one write: everything or nothing.
"""

from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from unforgotten.accountability.service import Accountability, dates_of, source_id
from unforgotten.data import data_path
from unforgotten.domain.dates import parse_partial_date
from unforgotten.domain.roles import Permission
from unforgotten.errors import ValidationError
from unforgotten.records.fields import check_confidence
from unforgotten.store import schema as s
from unforgotten.store.schema_accountability import facility, facility_operator, org_parent, organisation
from unforgotten.store.writer import Writer

__all__ = ["Loaded", "load_starter", "starter_data"]

_REASON = "starter set (data/accountability/organisations.toml)"


@dataclass(frozen=True, slots=True)
class Loaded:
    """What a load added."""

    sources: int
    organisations: int
    facilities: int
    operators: int


def starter_data() -> dict[str, Any]:
    """The starter set as shipped."""
    return tomllib.loads(data_path("accountability", "organisations.toml").read_text(encoding="utf-8"))


def _facility_rows() -> list[dict[str, str]]:
    text = data_path("korean", "nk_detention_facilities.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _clean_name(value: str) -> str | None:
    text = value.replace("(spelling unverified)", "").replace("(unverified)", "").strip()
    return text or None


def load_starter(service: Accountability) -> Loaded:
    """Add the starter set to the registry (see the module docstring)."""
    service._may(Permission.EDIT)
    data = starter_data()
    added = {"sources": 0, "organisations": 0, "facilities": 0, "operators": 0}
    with service.ws.write(action="starter_load", subject="accountability:starter") as w:
        names = {}
        for handle, src in data["sources"].items():
            names[handle] = src["name"]
            if w.conn.execute(select(s.source.c.id).where(s.source.c.name == src["name"])).first() is None:
                w.insert(
                    s.source,
                    [
                        {
                            "id": w.allocate(s.source),
                            "name": src["name"],
                            "kind": src["kind"],
                            "organisation": src.get("organisation"),
                            "confidentiality": "public",
                            "description": src.get("description"),
                        }
                    ],
                    reason=_REASON,
                )
                added["sources"] += 1
        keys: dict[str, int] = {
            str(k): int(i) for k, i in w.conn.execute(select(organisation.c.key, organisation.c.id))
        }
        fresh = [o for o in data["organisation"] if o["key"] not in keys]
        for org in fresh:
            keys[org["key"]] = _insert_org(service, w, org, names)
            added["organisations"] += 1
        for org in fresh:
            for parent in org.get("parents", []):
                if parent["parent"] not in keys:
                    raise ValidationError(f"starter set: {org['key']}: unknown parent {parent['parent']!r}")
                w.insert(
                    org_parent,
                    [
                        {
                            "id": w.allocate(org_parent),
                            "organisation_id": keys[org["key"]],
                            "parent_id": keys[parent["parent"]],
                            **dates_of(parent.get("from", ""), parent.get("to", "")),
                            "source_id": source_id(
                                w.conn, names.get(parent.get("source", "")), what="link", required=False
                            ),
                            "citation": parent.get("citation"),
                            "confidence": check_confidence(parent.get("confidence", "confirmed")),
                        }
                    ],
                    reason=_REASON,
                )
        added["facilities"], added["operators"] = _load_facilities(w, data, keys, names)
    return Loaded(**added)


def _insert_org(service: Accountability, w: Writer, org: dict[str, Any], names: dict[str, str]) -> int:
    dissolved = parse_partial_date(org.get("dissolved") or None)
    org_id = w.allocate(organisation)
    w.insert(
        organisation,
        [
            {
                "id": org_id,
                "key": org["key"],
                "kind": org["kind"],
                "dissolved_on": dissolved.end,
                "dissolved_raw": org.get("dissolved"),
                "note": org.get("note"),
            }
        ],
        reason=_REASON,
    )
    for name in org["names"]:
        service._insert_name(w, org_id, {**name, "source": names.get(name.get("source", ""), "")}, _REASON)
    return org_id


def _load_facilities(
    w: Writer, data: dict[str, Any], keys: dict[str, int], names: dict[str, str]
) -> tuple[int, int]:
    operators = {op["facility_kind"]: op for op in data.get("operator", [])}
    existing = set(w.conn.execute(select(facility.c.key)).scalars())
    count = links = 0
    for row in _facility_rows():
        kind = row["type"].split()[0]
        key = f"{kind}-{int(row['number'])}"
        if key in existing:
            continue
        location = w.conn.execute(select(s.location.c.id).where(s.location.c.text == row["name_en"])).scalar()
        if location is None:
            location = w.allocate(s.location)
            w.insert(
                s.location,
                [
                    {
                        "id": location,
                        "text": row["name_en"],
                        "code": key,
                        "level": "facility",
                        "province_code": None,
                    }
                ],
                reason=_REASON,
            )
        fac_id = w.allocate(facility)
        w.insert(
            facility,
            [
                {
                    "id": fac_id,
                    "key": key,
                    "location_id": int(location),
                    "kind": kind,
                    "number": row["number"],
                    "name_en": row["name_en"],
                    "name_hangul": _clean_name(row["name_hangul"]),
                    "name_rr": _clean_name(row["name_rr"]),
                    "name_mr": _clean_name(row["name_mr"]),
                    "place": row["location"],
                    "latitude": float(row["lat"]) if row["lat"] else None,
                    "longitude": float(row["lon"]) if row["lon"] else None,
                    "coordinate_source": row["coordinate_source"] or row["coordinate_note"] or None,
                    "status_note": row["status_note"],
                    **dates_of(),
                }
            ],
            reason=_REASON,
        )
        count += 1
        if (op := operators.get(kind)) and op["organisation"] in keys:
            w.insert(
                facility_operator,
                [
                    {
                        "id": w.allocate(facility_operator),
                        "facility_id": fac_id,
                        "organisation_id": keys[op["organisation"]],
                        **dates_of(),
                        "source_id": source_id(
                            w.conn, names.get(op.get("source", "")), what="link", required=False
                        ),
                        "citation": op.get("citation"),
                        "confidence": "probable",
                    }
                ],
                reason=_REASON,
            )
            links += 1
    return count, links
