"""Tables of the web application: users, API tokens, log-in attempts and the search index.

*Users* are records with history (versioned): every change of role, password or second factor is
a new version closed by an audit event. *API tokens* are versioned too (revocation is a change);
only the SHA-256 of a token is stored. *Log-in attempts* are an append-only throttle log, and the
*search keys* are derived data rebuilt from ``name``: neither is versioned.

The pages over the registry also need two indexes on its tables, created by the same branch of
migrations: ``source_record (source_id, person_id)`` answers persons per list and the overlap
between lists from the index alone, ``case (case_type, source_record_id)`` the case types of a
list or batch.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from unforgotten.store.schema import VERSIONED_TABLES, case, metadata, source_record

__all__ = ["api_token", "login_attempt", "search_key", "search_state", "web_user"]

web_user = Table(
    "web_user",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", String(100), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("password_hash", Text, nullable=False),  # argon2id, PHC string
    Column("totp_enc", Text),  # TOTP secret, encrypted like protected fields; None = no second factor
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", String(40), nullable=False),
)

api_token = Table(
    "api_token",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("user_id", ForeignKey("web_user.id"), nullable=False, index=True),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("label", String(200)),
    Column("created_at", String(40), nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

login_attempt = Table(
    "login_attempt",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", String(100), nullable=False, index=True),
    Column("at", String(40), nullable=False),
    Column("ok", Boolean, nullable=False),
)

search_key = Table(
    "search_key",
    metadata,
    Column("name_id", Integer, nullable=False, index=True),  # name.id (not a FK: derived data)
    Column("key", String(120), nullable=False, index=True),
)

search_state = Table(
    "search_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_name_id", Integer, nullable=False),
)

VERSIONED_TABLES[web_user.name] = web_user
VERSIONED_TABLES[api_token.name] = api_token

Index("ix_source_record_source_id_person_id", source_record.c.source_id, source_record.c.person_id)
Index("ix_case_case_type_source_record_id", case.c.case_type, case.c.source_record_id)
