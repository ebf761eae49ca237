"""Consent per person and scope, as exports and bundles ask for it.

A minimal reading of the ``consent`` table: the newest row of a person decides. The scope
``publication`` is the row's ``may_publish``; no other scope is recorded yet, so every other
scope is refused (nothing leaves without consent that covers it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, select

from unforgotten.store import schema as s

__all__ = ["SCOPES", "allowed", "consent_basis"]

SCOPES = ("publication",)


def _newest(conn: Connection, person_ids: Iterable[int]) -> dict[int, Any]:
    wanted = sorted(set(person_ids))
    query = (
        select(s.consent)
        .where(s.consent.c.person_id.in_(wanted))
        .order_by(s.consent.c.recorded_on, s.consent.c.id)
    )
    return {int(row.person_id): row for row in conn.execute(query)}


def allowed(conn: Connection, person_id: int, scope: str) -> bool:
    """Whether the person's newest consent covers ``scope``."""
    row = _newest(conn, [person_id]).get(person_id)
    return bool(row is not None and scope == "publication" and row.may_publish)


def consent_basis(conn: Connection, person_ids: Iterable[int], scope: str) -> list[dict[str, Any]]:
    """For each person, whether ``scope`` is covered and the consent record that says so."""
    ids = sorted(set(person_ids))
    newest = _newest(conn, ids)
    basis = []
    for person_id in ids:
        row = newest.get(person_id)
        basis.append(
            {
                "person_id": person_id,
                "scope": scope,
                "allowed": bool(row is not None and scope == "publication" and row.may_publish),
                "consent_id": None if row is None else int(row.id),
                "given_by": None if row is None else row.given_by,
                "recorded_on": None if row is None else row.recorded_on.isoformat(),
                "note": None if row is None else row.note,
            }
        )
    return basis
