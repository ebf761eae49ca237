"""Verification: recompute the audit chain and every record version; report the first break.

Catches a value edited behind the application's back (the row no longer matches its newest
version), a deleted row (a version without its row), an inserted row (a row without a version),
an edited, inserted or deleted version (its hash, or its event's digest), and an edited, inserted
or deleted audit event (the chain). A version whose ciphertexts a key rotation re-encrypted is
checked against its newest hash in ``version_rekey``, and those hashes against the rotation's
event. Deleting the newest events *and* everything they wrote, or
rewriting the whole chain and re-hashing it, is caught against what was signed outside the
database: the checkpoints (:mod:`.checkpoints`), or a head hash noted elsewhere (``expect_head``,
which must still be an event of the chain).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, func, select

from unforgotten.errors import CryptoError, ValidationError
from unforgotten.store import checkpoints as cp
from unforgotten.store.audit import GENESIS, canonical_json, event_hash, normalise_row, version_hash
from unforgotten.store.crypto import Keyring
from unforgotten.store.files import FileStore, file_key
from unforgotten.store.schema import VERSIONED_TABLES, audit_event, evidence, record_version, version_rekey
from unforgotten.store.schema_evidence import evidence_content
from unforgotten.store.verify_derived import check_derived

__all__ = ["VerifyReport", "verify_files", "verify_store"]


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The outcome of a verification: counts, the head hash, and the first break found."""

    events: int
    versions: int
    rows: int
    head: str
    breaks: list[str] = field(default_factory=list)
    checkpoints: list[cp.CheckpointReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: int = 0

    @property
    def ok(self) -> bool:
        """Whether nothing was found wrong."""
        return not self.breaks

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "ok": self.ok,
            "events": self.events,
            "versions": self.versions,
            "rows": self.rows,
            "head": self.head,
            "files": self.files,
            "breaks": self.breaks,
            "checkpoints": [c.to_dict() for c in self.checkpoints],
            "notes": self.notes,
        }


_Digests = dict[int, dict[str, Any]]


def _check_chain(conn: Connection, breaks: list[str], links: _Digests) -> tuple[int, str, _Digests, _Digests]:
    prev, expected_id, digests, rekeys = GENESIS, 1, {}, {}
    count = 0
    for event in conn.execute(select(audit_event).order_by(audit_event.c.id)).mappings():
        count += 1
        if event["id"] != expected_id:
            breaks.append(f"audit event {expected_id} is missing (next is {event['id']})")
        if event["prev_hash"] != prev:
            breaks.append(f"audit event {event['id']}: previous-hash link broken")
        if event_hash(event["prev_hash"], cast(Mapping[str, Any], event)) != event["hash"]:
            breaks.append(f"audit event {event['id']}: content does not match its hash (edited)")
        detail = _detail(event["detail"])
        if versions := detail.get("versions"):
            digests[event["id"]] = versions
        if rekeyed := detail.get("rekeyed"):
            rekeys[event["id"]] = rekeyed
        if event["action"] == "link":
            links[event["id"]] = detail
        prev, expected_id = event["hash"], event["id"] + 1
        if breaks:
            break
    return count, prev, digests, rekeys


def _detail(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _rekeyed(conn: Connection, rekeys: dict[int, dict[str, Any]], breaks: list[str]) -> dict[int, str]:
    """Each re-encrypted version's newest hash; checks the rotations' digests of them."""
    newest: dict[int, str] = {}
    running: dict[int, Any] = {}
    counts: dict[int, int] = {}
    for r in conn.execute(select(version_rekey).order_by(version_rekey.c.id)):
        newest[r.version_id] = r.hash
        running.setdefault(r.event_id, hashlib.sha256()).update(r.hash.encode("ascii"))
        counts[r.event_id] = counts.get(r.event_id, 0) + 1
    for event_id in sorted(set(rekeys) | set(running)):
        expected, got = rekeys.get(event_id), running.get(event_id)
        if (
            expected is None
            or got is None
            or got.hexdigest() != expected.get("digest")
            or (counts[event_id] != expected.get("count"))
        ):
            breaks.append(f"audit event {event_id}: the record versions it re-encrypted were changed")
            break
    return newest


def _check_versions(
    conn: Connection, digests: dict[int, dict[str, Any]], breaks: list[str], rekeyed: dict[int, str]
) -> tuple[int, dict[tuple[str, int], tuple[str, str]]]:
    latest: dict[tuple[str, int], tuple[str, str]] = {}
    running: dict[int, Any] = {}
    counts: dict[int, int] = {}
    total = 0
    query = select(record_version).order_by(record_version.c.id)
    for v in conn.execute(query).mappings():
        total += 1
        expected = rekeyed.get(v["id"], v["hash"])
        if version_hash(v["table_name"], v["row_id"], v["version"], v["op"], v["data"]) != expected:
            breaks.append(f"version {v['id']} of {v['table_name']} {v['row_id']}: content edited")
            return total, latest
        if v["event_id"] not in digests:
            breaks.append(f"version {v['id']} of {v['table_name']} {v['row_id']}: no audit event wrote it")
            return total, latest
        running.setdefault(v["event_id"], hashlib.sha256()).update(v["hash"].encode("ascii"))
        counts[v["event_id"]] = counts.get(v["event_id"], 0) + 1
        latest[(v["table_name"], v["row_id"])] = (v["op"], v["data"])
    for event_id, expected in digests.items():
        got = running.get(event_id)
        if got is None or got.hexdigest() != expected["digest"] or counts[event_id] != expected["count"]:
            breaks.append(f"audit event {event_id}: its record versions were added, removed or changed")
            break
    return total, latest


def _rows(conn: Connection) -> Iterator[tuple[str, int, str]]:
    for name, table in VERSIONED_TABLES.items():
        for row in conn.execute(select(table).order_by(table.c.id)).mappings():
            yield name, row["id"], canonical_json(normalise_row(cast(Mapping[str, Any], row)))


def _check_rows(conn: Connection, latest: dict[tuple[str, int], tuple[str, str]], breaks: list[str]) -> int:
    seen: set[tuple[str, int]] = set()
    count = 0
    for name, row_id, data in _rows(conn):
        count += 1
        seen.add((name, row_id))
        version = latest.get((name, row_id))
        if version is None:
            breaks.append(f"{name} {row_id}: row has no version (inserted behind the application's back)")
        elif version[0] == "delete" or version[1] != data:
            breaks.append(
                f"{name} {row_id}: row differs from its last version (edited behind the application's back)"
            )
        if breaks:
            return count
    for (name, row_id), (op, _) in latest.items():
        if op != "delete" and (name, row_id) not in seen:
            breaks.append(f"{name} {row_id}: row is missing (deleted behind the application's back)")
            break
    return count


def _check_expected(conn: Connection, expected: str, breaks: list[str]) -> None:
    """A head noted earlier (full hash or a unique prefix) must still be an event of the chain."""
    prefix = expected.strip().lower().rstrip("….")
    if len(prefix) < 8 or any(ch not in "0123456789abcdef" for ch in prefix):
        raise ValidationError(
            f"--expect-head {expected!r}: give the head hash, or at least its first 8 hexadecimal digits"
        )
    matches = conn.execute(
        select(audit_event.c.id).where(audit_event.c.hash.like(prefix + "%")).order_by(audit_event.c.id)
    ).all()
    if not matches:
        breaks.append(
            f"no event of the chain has the hash {prefix}: the events up to it were removed, "
            "or the history before it was rewritten"
        )
    elif len(matches) > 1:
        ids = ", ".join(str(r.id) for r in matches[:5])
        raise ValidationError(f"--expect-head {prefix} matches events {ids}; give more digits")


def _check_signed(
    conn: Connection,
    report: VerifyReport,
    *,
    signer: cp.SigningKey | None,
    own_file: Path | None,
    copies: tuple[Path, ...],
) -> None:
    files = ([own_file] if own_file is not None else []) + list(copies)
    if signer is None:
        if files and any(f.exists() for f in files):
            report.notes.append("checkpoints not checked: no signing key (give --public-key)")
        else:
            report.notes.append("the chain is not anchored: no signing key (run `unforgotten init`)")
        return
    last = int(conn.execute(select(func.coalesce(func.max(audit_event.c.id), 0))).scalar_one())
    for path in files:
        if not path.exists():
            report.breaks.append(
                f"the checkpoint file {path} is missing (deleted?): {last} events cannot be checked "
                "against signed history"
            )
            continue
        found, problems = cp.read_file(path)
        result = cp.check(conn, found, signer, file=str(path), last_event=last)
        result.breaks[:0] = problems
        if not found and not problems:
            result.breaks.append(f"the checkpoint file {path} is empty (emptied?)")
        report.checkpoints.append(result)
        report.breaks.extend(result.breaks)
        report.notes.extend(result.notes if path == own_file else [])


def verify_store(
    conn: Connection,
    *,
    expect_head: str | None = None,
    signer: cp.SigningKey | None = None,
    checkpoint_file: Path | None = None,
    copies: tuple[Path, ...] = (),
    now: dt.datetime | None = None,
) -> VerifyReport:
    """Walk the chain, the versions and the rows (stopping at the first break of each walk), check
    the derived tables security depends on (:mod:`.verify_derived`), then check the chain against
    its signed checkpoints and a head noted earlier."""
    breaks: list[str] = []
    links: _Digests = {}
    events, head, digests, rekeys = _check_chain(conn, breaks, links)
    versions, rows = 0, 0
    rekeyed = _rekeyed(conn, rekeys, breaks) if not breaks else {}
    if not breaks:
        versions, latest = _check_versions(conn, digests, breaks, rekeyed)
        if not breaks:
            rows = _check_rows(conn, latest, breaks)
    notes: list[str] = []
    if not breaks:
        check_derived(conn, links, breaks, notes, now=now)
    report = VerifyReport(events, versions, rows, head, breaks, notes=notes)
    if signer is not None or checkpoint_file is not None or copies:
        _check_signed(conn, report, signer=signer, own_file=checkpoint_file, copies=copies)
    if expect_head:
        _check_expected(conn, expect_head, breaks)
    return report


def verify_files(conn: Connection, store: FileStore, keyring: Callable[[], Keyring]) -> tuple[int, list[str]]:
    """Open and re-hash every stored evidence file; name each one missing, unreadable or changed.

    ``keyring`` is called only when there is a file to open. Returns how many files were checked
    and what was found wrong (every file is checked: one bad file does not hide another).
    """
    query = (
        select(evidence.c.id, evidence.c.sha256, evidence_content.c.sha512, evidence_content.c.file_key_enc)
        .join(evidence_content, evidence_content.c.id == evidence.c.id)
        .order_by(evidence.c.id)
    )
    rows = conn.execute(query).all()
    problems: list[str] = []
    if not rows:
        return 0, problems
    ring = keyring()
    for row in rows:
        where = f"evidence {row.id} ({store.path(row.sha256)})"
        if not store.path(row.sha256).is_file():
            problems.append(f"{where}: the stored file is missing")
            continue
        try:
            digests = store.rehash(row.sha256, file_key(ring, row.file_key_enc, evidence_id=row.id))
        except (CryptoError, OSError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else str(exc).split(": ", 1)[-1]
            problems.append(f"{where}: the stored file is unreadable ({reason})")
            continue
        if digests != (row.sha256, row.sha512):
            problems.append(f"{where}: the stored file changed (its bytes no longer hash as received)")
    return len(rows), problems
