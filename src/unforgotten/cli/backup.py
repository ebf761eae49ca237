"""Backup and restore: one consistent file of a running SQLite registry, and its way back."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from unforgotten.cli.context import ActorOption, KeyFileOption, open_workspace
from unforgotten.cli.options import DbOption, JsonOption, console, print_json
from unforgotten.errors import ConfigError
from unforgotten.store.backup import backup, needs_passphrase, restore

__all__ = ["register"]

PassphraseEnv = Annotated[
    str | None,
    typer.Option("--passphrase-env", help="Read the passphrase from this environment variable (else asked)."),
]


def _passphrase(env: str | None, *, confirm: bool) -> str:
    if env:
        value = os.environ.get(env)
        if not value:
            raise ConfigError(f"the environment variable {env} holds no passphrase")
        return value
    value = str(typer.prompt("Passphrase", hide_input=True, confirmation_prompt=confirm))
    if confirm and len(value) < 12:
        raise ConfigError("use a passphrase of at least 12 characters")
    return value


def backup_command(
    out: Annotated[Path, typer.Option("--out", help="The backup file to write (a new file).")],
    include_keys: Annotated[
        bool,
        typer.Option("--include-keys", help="Add the key file and signing key, sealed with a passphrase."),
    ] = False,
    passphrase_env: PassphraseEnv = None,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Back up the registry to one file while it runs: database snapshot, checkpoints, evidence.

    The snapshot is consistent even while the web application or an import writes (SQLite's
    online backup). Keys are left out unless --include-keys: then they are sealed with a
    passphrase (scrypt, AES-256-GCM). Keep key backups apart from database backups otherwise.

    Example:
        unforgotten backup --out registry-backup.tar
    """
    passphrase = _passphrase(passphrase_env, confirm=True) if include_keys else None
    report = backup(open_workspace(db, key_file, actor), out, passphrase=passphrase)
    if as_json:
        print_json(report.to_dict())
        return
    console.print(
        f"backed up to {report.file}: head event {report.head_event}, {report.members} files"
        + (f", {report.evidence_files} evidence files" if report.evidence_files else "")
        + (", keys sealed with the passphrase" if report.keys_included else ", no keys"),
        highlight=False,
    )


def restore_command(
    file: Annotated[Path, typer.Argument(help="A file written by `unforgotten backup`.")],
    to: Annotated[Path, typer.Option("--to", help="A new folder to restore into.")],
    passphrase_env: PassphraseEnv = None,
    as_json: JsonOption = False,
) -> None:
    """Restore a backup into a new folder, check every file against its manifest, then verify.

    Exits non-zero when the restored registry does not verify.

    Example:
        unforgotten backup --out registry-backup.tar
        unforgotten restore registry-backup.tar --to restored
    """
    passphrase = _passphrase(passphrase_env, confirm=False) if needs_passphrase(file) else None
    report = restore(file, to, passphrase=passphrase)
    if as_json:
        print_json(report.to_dict())
    else:
        console.print(
            f"restored to {report.db} (head event {report.head_event}"
            + (", keys restored" if report.keys_restored else ", no keys: restore the key file beside it")
            + f"); verify: {report.verify_message}",
            highlight=False,
        )
    if not report.verified:
        raise typer.Exit(9)


def register(app: typer.Typer) -> None:
    """Add backup and restore to the main app."""
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
