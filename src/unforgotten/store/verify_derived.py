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
- ``web_session`` (the web app's sessions) holds, sealed with the registry key and bound to its
  row, the session's user, start and end (:data:`SESSION_CONTEXT`); the web app trusts only the
  sealed values. :func:`check_sessions` names an open row whose columns differ from its sealed
  values, one that does not open, one cleared of ``revoked`` (revocation drops the sealed data), a
  session the audit log says was logged out that is open again, and a session older than a password
  change or a disabling of its user that is still open.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, select

from unforgotten.errors import ConfigError, CryptoError
from unforgotten.korean import name_keys
from unforgotten.store import schema as s
from unforgotten.store.audit import canonical_json
from unforgotten.store.crypto import Keyring
from unforgotten.store.schema_linkage import link_pair
from unforgotten.store.schema_web import credential_attempt, search_key, search_state, web_session, web_user

__all__ = ["SESSION_CONTEXT", "check_derived", "check_sessions", "pair_digest", "search_keys_of"]

SESSION_CONTEXT = "web_session.data_enc.{}"
"""The encryption context of a session's sealed data (``{}``: the row's ``sid_hash``)."""

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


_ENDS_SESSIONS = ("user_password", "user_active")


def _session_ends(conn: Connection) -> tuple[set[str], dict[int, str]]:
    """Sessions logged out (their keys) and, per user id, the last time all its sessions ended."""
    ids = {str(n): int(i) for i, n in conn.execute(select(web_user.c.id, web_user.c.name))}
    logged_out: set[str] = set()
    ended: dict[int, str] = {}
    query = select(
        s.audit_event.c.action, s.audit_event.c.subject, s.audit_event.c.at, s.audit_event.c.detail
    )
    for action, subject, at, text in conn.execute(
        query.where(s.audit_event.c.action.in_(["logout", *_ENDS_SESSIONS]))
    ):
        detail = json.loads(text) if isinstance(text, str) else dict(text or {})
        if action == "logout":
            if isinstance(detail.get("session"), str):
                logged_out.add(detail["session"])
        elif "sessions_ended" in detail and str(subject).startswith("user:"):
            uid = ids.get(str(subject)[5:])
            if uid is not None:
                ended[uid] = max(ended.get(uid, ""), str(at))
    return logged_out, ended


def check_sessions(
    conn: Connection, keyring: Callable[[], Keyring], breaks: list[str], notes: list[str]
) -> None:
    """Check the open rows of ``web_session`` against their sealed values and the audit log."""
    rows = conn.execute(select(web_session).where(web_session.c.revoked.is_(False))).mappings().all()
    if not rows:
        return
    try:
        ring = keyring()
    except (ConfigError, CryptoError) as exc:
        notes.append(f"web_session not checked: {exc}")
        return
    logged_out, ended = _session_ends(conn)
    old = 0
    for row in rows:
        key = str(row["sid_hash"])
        short = key[:12]
        if row["data_enc"] is None:
            breaks.append(f"web_session {short}…: open but holds no sealed data (revocation undone)")
            continue
        try:
            text = ring.decrypt(row["data_enc"], context=SESSION_CONTEXT.format(key))
        except CryptoError:
            breaks.append(
                f"web_session {short}…: its sealed data do not open (edited or moved from another row)"
            )
            continue
        sealed = json.loads(text or "null")
        if not isinstance(sealed, dict) or sealed.get("v") != 2:
            old += 1
            continue
        columns = {"uid": row["user_id"], "created": row["created_at"], "expires": row["expires_at"]}
        edited = sorted(k for k, v in columns.items() if sealed.get(k) != v)
        if edited:
            breaks.append(f"web_session {short}…: {', '.join(edited)} differ from the sealed values (edited)")
        elif key in logged_out:
            breaks.append(f"web_session {short}…: logged out (audit log) but open again")
        elif row["user_id"] in ended and str(sealed["created"]) < ended[row["user_id"]]:
            breaks.append(
                f"web_session {short}…: began before its user's password change or disabling "
                f"({ended[row['user_id']]}) but is open again"
            )
    if old:
        notes.append(f"web_session: {old} open session(s) sealed in an older form (they open nothing)")
