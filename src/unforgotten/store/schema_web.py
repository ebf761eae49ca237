"""Tables of the web application: users, API tokens, sessions, credential attempts, the search index.

*Users* are records with history (versioned): every change of role, password or second factor is
a new version closed by an audit event. *API tokens* are versioned too (revocation is a change);
only the SHA-256 of a token is stored. *Sessions* are held here, not in the cookie (which carries
only a random id, stored as its keyed hash; the session's data is encrypted with the registry's
key). *Credential attempts* are the throttle log of every password, second-factor and token check,
and the *search keys* are derived data rebuilt from ``name``: none of these three is versioned.

The pages over the registry also need two indexes on its tables, created by the same branch of
migrations: ``source_record (source_id, person_id)`` answers persons per list and the overlap
between lists from the index alone, ``case (case_type, source_record_id)`` the case types of a
list or batch.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from unforgotten.store.schema import VERSIONED_TABLES, case, metadata, source_record

__all__ = ["api_token", "credential_attempt", "search_key", "search_state", "web_session", "web_user"]

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

credential_attempt = Table(
    "credential_attempt",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("key", String(200), nullable=False, index=True),  # password:NAME, totp:NAME or addr:ADDRESS
    Column("at", String(40), nullable=False, index=True),
    Column("ok", Boolean, nullable=False),  # written False before the check, set True on success
)

web_session = Table(
    "web_session",
    metadata,
    Column("sid_hash", String(64), primary_key=True),  # HMAC-SHA-256 of the cookie's id
    Column("user_id", ForeignKey("web_user.id"), index=True),  # None before log-in
    Column("created_at", String(40), nullable=False),
    Column("last_seen", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False, index=True),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("data_enc", Text),  # the session's data, encrypted like protected fields
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
