"""Audit commands: verify the chain and its signed checkpoints; sign a checkpoint now."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from unforgotten.cli.context import open_workspace
from unforgotten.cli.options import DbOption, JsonOption, console, err_console, print_json
from unforgotten.store.checkpoints import SigningKey

__all__ = ["register"]


def verify(
    expect_head: Annotated[
        str | None,
        typer.Option("--expect-head", help="A head hash noted earlier (full, or its first 8+ digits)."),
    ] = None,
    copies: Annotated[
        list[Path] | None,
        typer.Option(
            "--checkpoints",
            help="Also check a copy of checkpoints kept elsewhere (a file, or `checkpoint --json` output).",
        ),
    ] = None,
    public_key: Annotated[
        str | None,
        typer.Option("--public-key", help="Check signatures with this public key (hex), not the key file."),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Recompute the audit chain and every record version, and check them against the signed
    checkpoints; re-hash every stored evidence file; report the first break of the chain and
    every evidence file changed, unreadable or missing.

    A checkpoint signed earlier must still be an event of the chain with the same hash: a chain
    cut short after it, or history rewritten and re-hashed, is reported. Exits 7 when anything was
    changed behind the application's back.

    Example:
        unforgotten verify
        unforgotten checkpoint --json > kept.json
        unforgotten verify --checkpoints kept.json --json
    """
    ws = open_workspace(db)
    report = ws.verify(
        expect_head=expect_head,
        copies=tuple(copies or ()),
        public_key=SigningKey.from_public_hex(public_key) if public_key else None,
    )
    if as_json:
        print_json(report.to_dict())
    elif report.ok:
        signed = sum(c.checked for c in report.checkpoints)
        console.print(
            f"OK: {report.events} audit events, {report.versions} versions, {report.rows} rows, "
            f"{report.files} evidence files re-hashed; "
            f"{signed} signed checkpoints hold; head {report.head}",
            highlight=False,
        )
    else:
        for line in report.breaks:
            err_console.print(f"[bold red]BROKEN:[/] {line}", highlight=False)
    for note in report.notes:
        err_console.print(f"note: {note}", highlight=False)
    if not report.ok:
        raise typer.Exit(7)


def checkpoint(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Sign the audit chain's current head with the organisation's key and append it to the
    checkpoint file beside the database.

    Every write already ends with one; run this to have a current one to keep elsewhere (send it
    to a partner, print it, put it in the backup). `verify --checkpoints FILE` checks a kept copy.

    Example:
        unforgotten checkpoint --json > checkpoint-2026-12-01.json
    """
    ws = open_workspace(db)
    signed = ws.checkpoint()
    assert ws.signer is not None  # checkpoint() refuses without one
    data = {**signed.to_dict(), "public_key": ws.signer.public_hex}
    if as_json:
        print_json(data)
        return
    console.print(
        f"Checkpoint: event {signed.event_id}, head {signed.head}\n"
        f"signed {signed.at} by {signed.key_id} (public key {ws.signer.public_hex})\n"
        f"appended to {ws.settings.checkpoint_file}",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add the audit commands."""
    app.command("verify")(verify)
    app.command("checkpoint")(checkpoint)
