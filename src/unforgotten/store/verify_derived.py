"""Verification of the tables that are not versioned but that security depends on.

- ``search_key`` (the search index) is derived from ``name``: it is recomputed from the names up
  to the index's watermark and must be exactly what is stored. A deleted key hides a person
  from search; an added one shows a person under a name that is not theirs.
- ``link_pair`` (the scored pairs a run wrote, which fill the review queue) is checked against the
  digest that the run's audit event holds (:func:`pair_digest`). Runs written before the digest
  existed are listed as a note.
- ``credential_attempt`` (the lock-out counts) changes too fast to version; it is checked against
  the audit log, which records every completed password and second-factor check: within the
  window the throttle keeps rows (twice its lock-out time), a key must hold at least as many
  failed attempts as there are ``login_failed``/``totp_failed`` events for it, and no more
  successes than ``login``/``totp`` events. Deleting failures, or marking them successes, to
  lift a lock-out is reported. The second factor's used time steps (``totp-step:``) are not
  audited one by one either. Wrong API tokens count on the client address only and are not
  audited one by one, so the address counts are not covered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, select

from unforgotten.korean import name_keys
from unforgotten.store import schema as s
from unforgotten.store.audit import canonical_json
from unforgotten.store.schema_linkage import link_pair
from unforgotten.store.schema_web import credential_attempt, search_key, search_state

__all__ = ["check_derived", "pair_digest", "search_keys_of"]

_PAIR_FIELDS = (
    "id",
    "run_id",
    "record_l",
    "record_r",
    "match_probability",
    "match_weight",
    "evidence",
    "band",
)
KEEP = dt.timedelta(minutes=30)
"""How long the throttle keeps attempts (``2 * throttle.LOCKOUT``; the store cannot import the web
package, a test pins the two together)."""
_SLACK = dt.timedelta(minutes=1)  # an attempt is reserved moments before its audit event


def search_keys_of(text: str) -> list[str]:
    """The index keys of one name, as :func:`unforgotten.store.search.refresh_index` stores them."""
    return [key[:120] for key in name_keys(text)]


def pair_digest(rows: Iterable[Any]) -> str:
    """SHA-256 over the pairs of one run, in id order (each as canonical JSON)."""
    digest = hashlib.sha256()
    for row in sorted(rows, key=lambda r: int(r["id"])):
        value = {k: row[k] for k in _PAIR_FIELDS}
        if isinstance(value["evidence"], str):
            value["evidence"] = json.loads(value["evidence"])
        value["match_probability"] = float(value["match_probability"])
        value["match_weight"] = float(value["match_weight"])
        digest.update(canonical_json(value).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def _check_search(conn: Connection, breaks: list[str]) -> None:
    mark = int(conn.execute(select(search_state.c.last_name_id).where(search_state.c.id == 1)).scalar() or 0)
    expected: Counter[tuple[int, str]] = Counter()
    for nid, text in conn.execute(select(s.name.c.id, s.name.c.text).where(s.name.c.id <= mark)):
        expected.update((int(nid), key) for key in search_keys_of(text))
    stored = Counter(
        (int(n), str(k)) for n, k in conn.execute(select(search_key.c.name_id, search_key.c.key))
    )
    missing, extra = expected - stored, stored - expected
    if missing or extra:
        names = sorted({n for n, _ in (*missing, *extra)})
        shown = ", ".join(str(n) for n in names[:5]) + (" …" if len(names) > 5 else "")
        breaks.append(
            f"search_key: the search index differs from the names ({sum(missing.values())} key(s) "
            f"missing, {sum(extra.values())} not from any name; name ids {shown}): edited behind the "
            "application's back"
        )


def _check_pairs(
    conn: Connection, events: Mapping[int, Mapping[str, Any]], breaks: list[str], notes: list[str]
) -> None:
    by_run: dict[int, list[Any]] = {}
    for row in conn.execute(select(link_pair)).mappings():
        by_run.setdefault(int(row["run_id"]), []).append(row)
    signed = {int(d["run"]): (eid, d) for eid, d in events.items() if "pairs_digest" in d and "run" in d}
    unsigned = sorted(set(by_run) - set(signed))
    for run, (event_id, detail) in sorted(signed.items()):
        rows = by_run.get(run, [])
        if len(rows) != detail.get("pairs") or pair_digest(rows) != detail["pairs_digest"]:
            breaks.append(
                f"link_pair: the pairs of link run {run} do not match the digest in audit event "
                f"{event_id} (added, removed or changed behind the application's back)"
            )
            return
    if unsigned:
        notes.append(
            f"link_pair: runs {', '.join(map(str, unsigned))} have no digest (written before it existed)"
        )


def _when(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


_OUTCOMES = {"login": ("password", True), "login_failed": ("password", False)}
_OUTCOMES.update({"totp": ("totp", True), "totp_failed": ("totp", False)})


def _check_attempts(conn: Connection, breaks: list[str], now: dt.datetime) -> None:
    since = now - KEEP + _SLACK
    audited: Counter[tuple[str, bool]] = Counter()
    query = select(s.audit_event.c.action, s.audit_event.c.subject, s.audit_event.c.at).where(
        s.audit_event.c.action.in_(list(_OUTCOMES))
    )
    for action, subject, at in conn.execute(query):
        if _when(at) >= since and subject.startswith("user:"):
            kind, ok = _OUTCOMES[action]
            audited[(f"{kind}:{subject[5:]}", ok)] += 1
    stored: Counter[tuple[str, bool]] = Counter()
    for key, at, ok in conn.execute(
        select(credential_attempt.c.key, credential_attempt.c.at, credential_attempt.c.ok)
    ):
        if _when(at) >= since - _SLACK:
            stored[(str(key), bool(ok))] += 1
    for (key, ok), count in sorted(audited.items()):
        held = stored.get((key, ok), 0)
        if not ok and held < count:
            breaks.append(
                f"credential_attempt: {key.split(':', 1)[0]} key holds {held} failed attempt(s) where the "
                f"audit log records {count} (deleted or marked successful to lift a lock-out)"
            )
            return
    for (key, ok), held in sorted(stored.items()):
        if ok and key.split(":", 1)[0] in ("password", "totp") and held > audited.get((key, True), 0):
            breaks.append(
                f"credential_attempt: {key.split(':', 1)[0]} key holds {held} successful attempt(s) where "
                f"the audit log records {audited.get((key, True), 0)} (a failure marked successful)"
            )
            return


def check_derived(
    conn: Connection,
    link_events: Mapping[int, Mapping[str, Any]],
    breaks: list[str],
    notes: list[str],
    *,
    now: dt.datetime | None = None,
) -> None:
    """Check the search index, the link pairs and the credential attempts (see the module)."""
    _check_search(conn, breaks)
    _check_pairs(conn, link_events, breaks, notes)
    _check_attempts(conn, breaks, now or dt.datetime.now(dt.UTC))
