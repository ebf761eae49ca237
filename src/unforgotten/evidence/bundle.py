"""Signed export bundles: a BagIt bag (RFC 8493, written and checked with the ``bagit`` library)
that a recipient can verify without the registry.

A bag holds, under ``data/``, the records as JSON and CSV (no protected field), the evidence
files (the original bytes, or shareable copies), one custody report per file and the consent
basis; ``manifest-sha256.txt`` and ``manifest-sha512.txt`` list every payload file, and the tag
manifests list those. ``tagmanifest-sha512.txt.sig`` is an Ed25519 signature, by the
organisation's key, over the exact bytes of ``tagmanifest-sha512.txt``, so it covers every
manifest, ``bag-info.txt`` and through them every payload byte. ``timestamp-request.tsq`` is an
RFC 3161 request for the same bytes, to send to a time-stamping authority later (offline here).

Persons whose consent does not cover the bundle's scope are left out, with their records and
their evidence; ``bag-info.txt`` says only how many were withheld.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bagit
from asn1crypto import tsp
from sqlalchemy import Connection, func, select

from unforgotten.domain.roles import Permission
from unforgotten.errors import ConfigError, ValidationError
from unforgotten.evidence.bundle_select import filter_dossier, select_persons
from unforgotten.evidence.service import Evidence, custody_events
from unforgotten.records import consent
from unforgotten.store import queries
from unforgotten.store import schema as s
from unforgotten.store.checkpoints import SigningKey
from unforgotten.store.consents import record_disclosure
from unforgotten.store.schema_evidence import evidence_link
from unforgotten.store.workspace import Workspace

__all__ = ["BundleReport", "create_bundle", "signed_bytes"]

SIGNED = "tagmanifest-sha512.txt"
SIGNATURE = SIGNED + ".sig"
PUBLIC_KEY = "signing-key.pub"
TIMESTAMP_REQUEST = "timestamp-request.tsq"
_DOMAIN = b"unforgotten bundle v1\n"


def signed_bytes(tag_manifest: bytes) -> bytes:
    """The exact message a bundle's signature covers."""
    return _DOMAIN + tag_manifest


@dataclass(slots=True)
class BundleReport:
    """What went into a bundle."""

    path: str
    recipient: str
    scope: str
    persons: list[int] = field(default_factory=list)
    withheld: int = 0
    evidence: list[int] = field(default_factory=list)
    key_id: str = ""
    timestamp_request: bool = True
    chosen_by: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "path": self.path,
            "recipient": self.recipient,
            "scope": self.scope,
            "chosen_by": self.chosen_by,
            "persons": self.persons,
            "withheld_persons": self.withheld,
            "evidence": self.evidence,
            "signed_by": self.key_id,
            "timestamp_request": TIMESTAMP_REQUEST if self.timestamp_request else None,
        }


def _csv(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    rows = list(rows)
    columns = list(dict.fromkeys(k for r in rows for k in r)) or ["id"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})


def _cell(value: Any) -> str:
    text = (
        ""
        if value is None
        else json.dumps(value, default=str)
        if isinstance(value, dict | list)
        else str(value)
    )
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _write_records(conn: Connection, folder: Path, persons: list[int], cases: list[int]) -> None:
    folder.mkdir(parents=True)
    details = [queries.person_detail(conn, p) for p in persons]
    for detail in details:
        detail["cases"] = [c for c in detail["cases"] if not cases or c["id"] in cases]
    (folder / "records.json").write_text(
        json.dumps(details, ensure_ascii=False, indent=2, default=str), "utf-8"
    )
    _csv(folder / "persons.csv", (d["person"] for d in details))
    _csv(folder / "names.csv", (n for d in details for n in d["names"]))
    _csv(folder / "cases.csv", (c for d in details for c in d["cases"]))


def _evidence_ids(conn: Connection, persons: list[int], cases: list[int]) -> list[int]:
    link = evidence_link
    incidents = select(s.incident.c.id).where(s.incident.c.case_id.in_(cases))
    where = link.c.person_id.in_(persons) | link.c.case_id.in_(cases) | link.c.incident_id.in_(incidents)
    ids = conn.execute(select(link.c.evidence_id).where(where).distinct()).scalars().all()
    return sorted(int(i) for i in ids)


def _timestamp_request(message: bytes) -> bytes:
    request = tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha512"},
                "hashed_message": hashlib.sha512(message).digest(),
            },
            "nonce": int.from_bytes(secrets.token_bytes(8), "big"),
            "cert_req": True,
        }
    )
    return bytes(request.dump())


def _prepare_out(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ValidationError(
            f"{out}: already exists and is not an empty folder; a bundle needs a new folder"
        )
    out.mkdir(mode=0o700, parents=True, exist_ok=True)


def _signer(ws: Workspace) -> SigningKey:
    if ws.signer is None or ws.signer.private is None:
        raise ConfigError(
            f"no signing key at {ws.settings.signing_key_file}; run `unforgotten init` to make one"
        )
    return ws.signer


def create_bundle(
    ws: Workspace,
    *,
    out: Path,
    recipient: str,
    scope: str,
    person: int | None = None,
    case: int | None = None,
    dossier: str | None = None,
    query: str | None = None,
    shareable_copies: bool = False,
) -> BundleReport:
    """Write a signed bag to the new folder ``out``: the records and evidence of one person, one
    case, the victims of a dossier (``KIND:NAME-OR-ID``) or the persons a search finds."""
    ws.require(Permission.EXPORT)
    ws.ensure_ready()
    if not recipient.strip():
        raise ValidationError("--for: name the recipient")
    signer = _signer(ws)
    chosen = select_persons(ws, person=person, case=case, dossier=dossier, query=query)
    _prepare_out(out)
    report = BundleReport(
        str(out), recipient.strip(), scope, key_id=signer.key_id, chosen_by=chosen.chosen_by
    )
    with ws.read() as conn:
        wanted, cases = chosen.persons, chosen.cases
        basis = consent.consent_basis(conn, wanted, scope)
        report.persons = [b["person_id"] for b in basis if b["granted"]]
        report.withheld = len(wanted) - len(report.persons)
        cases = _cases_of_persons(conn, cases, report.persons)
        _write_records(conn, out / "records", report.persons, cases)
        report.evidence = _evidence_ids(conn, report.persons, cases) if report.persons else []
        custody = {i: custody_events(conn, i) for i in report.evidence}
    (out / "consent.json").write_text(
        json.dumps([b for b in basis if b["granted"]], ensure_ascii=False, indent=2), "utf-8"
    )
    shown_dossier = filter_dossier(chosen, report.persons)
    if shown_dossier is not None:
        (out / "dossier.json").write_text(
            json.dumps(shown_dossier, ensure_ascii=False, indent=1, default=str), "utf-8"
        )
    _write_evidence(ws, out, report.evidence, custody, shareable=shareable_copies)
    _bag(out, report)
    _sign(out, signer)
    _audit(ws, report)
    return report


def _cases_of_persons(conn: Connection, cases: list[int], persons: list[int]) -> list[int]:
    """The cases chosen whose person (or a person merged into them) is included."""
    if not persons or not cases:
        return []
    owners = dict(
        conn.execute(
            select(s.case.c.id, func.coalesce(s.person.c.merged_into, s.person.c.id))
            .join(s.person, s.person.c.id == s.case.c.person_id)
            .where(s.case.c.id.in_(cases))
        ).all()
    )
    return [c for c in cases if owners.get(c) in set(persons)]


def _write_evidence(
    ws: Workspace, out: Path, ids: list[int], custody: dict[int, list[dict[str, Any]]], *, shareable: bool
) -> None:
    files, reports = out / "evidence", out / "custody"
    files.mkdir()
    reports.mkdir()
    service = Evidence(ws)
    index = []
    for evidence_id in ids:
        item = service.export_copy(evidence_id, files, shareable=shareable)
        index.append(item)
        (reports / f"{evidence_id}.json").write_text(
            json.dumps({"evidence": item, "events": custody[evidence_id]}, ensure_ascii=False, indent=2),
            "utf-8",
        )
    (out / "evidence.json").write_text(json.dumps(index, ensure_ascii=False, indent=2), "utf-8")


def _bag(out: Path, report: BundleReport) -> None:
    info = {
        "Source-Organization": "Unforgotten registry",
        "External-Description": f"Records and evidence for {report.recipient}, scope {report.scope}",
        "Unforgotten-Recipient": report.recipient,
        "Unforgotten-Scope": report.scope,
        "Unforgotten-Chosen-By": report.chosen_by,
        "Unforgotten-Persons": str(len(report.persons)),
        "Unforgotten-Withheld-Persons": str(report.withheld),
        "Unforgotten-Evidence-Files": str(len(report.evidence)),
        "Unforgotten-Signing-Key": report.key_id,
    }
    bagit.make_bag(str(out), bag_info=info, checksums=["sha256", "sha512"])


def _sign(out: Path, signer: SigningKey) -> None:
    message = signed_bytes((out / SIGNED).read_bytes())
    (out / SIGNATURE).write_text(base64.b64encode(signer.sign_bytes(message)).decode("ascii") + "\n", "ascii")
    (out / PUBLIC_KEY).write_text(signer.public_pem(), "ascii")
    (out / TIMESTAMP_REQUEST).write_bytes(_timestamp_request(message))


def _audit(ws: Workspace, report: BundleReport) -> None:
    detail = {"recipient": report.recipient, "scope": report.scope, "chosen_by": report.chosen_by}
    for evidence_id in report.evidence:
        ws.audit(
            action="evidence_exported", subject=f"evidence:{evidence_id}", detail={**detail, "bundle": True}
        )
    with ws.write(action="bundle_created", subject=f"bundle:{Path(report.path).name}") as w:
        w.detail.update(
            {**detail, "persons": report.persons, "withheld": report.withheld, "evidence": report.evidence}
        )
        record_disclosure(
            w, kind="bundle", recipient=report.recipient, scope=report.scope, person_ids=report.persons
        )
