"""Who the registry holds as an alleged perpetrator: anyone with a post or an attribution.

Exports that leave the organisation (with a consent scope) and public statistics never include
them (docs/accountability.md)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from unforgotten.store.schema_accountability import attribution, post

__all__ = ["perpetrator_ids"]


def perpetrator_ids(conn: Connection) -> set[int]:
    """Every person who holds a post or an attribution."""
    ids = set(conn.execute(select(post.c.person_id)).scalars())
    ids |= {p for p in conn.execute(select(attribution.c.person_id)).scalars() if p is not None}
    return {int(p) for p in ids}
