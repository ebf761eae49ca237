"""Alembic environment: runs on the connection handed over by :func:`unforgotten.store.db.migrate`."""

from __future__ import annotations

from alembic import context

from unforgotten.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - the CLI always passes a connection
    raise RuntimeError("run migrations through `unforgotten init` or unforgotten.store.db.migrate")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
