"""Options that name the registry and the actor, and the Workspace they open."""

from __future__ import annotations

from typing import Annotated

import typer

from unforgotten.settings import Settings
from unforgotten.store.workspace import Workspace

__all__ = ["ActorOption", "KeyFileOption", "RoleOption", "open_workspace"]

KeyFileOption = Annotated[
    str | None,
    typer.Option(
        "--key-file",
        envvar="UNFORGOTTEN_KEY_FILE",
        show_default=False,
        help="Key file for protected fields (default: beside the SQLite file).",
    ),
]
ActorOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        envvar="UNFORGOTTEN_ACTOR",
        show_default=False,
        help="Who is acting, for the audit log (default: the local user).",
    ),
]
RoleOption = Annotated[
    str | None,
    typer.Option(
        "--role",
        envvar="UNFORGOTTEN_ROLE",
        show_default=False,
        help="Act with this role: admin, analyst, documenter or viewer (default: admin).",
    ),
]


def open_workspace(
    db: str | None,
    key_file: str | None = None,
    actor: str | None = None,
    role: str | None = None,
    *,
    ready: bool = True,
) -> Workspace:
    """The Workspace named by the command's options; unless ``ready=False`` (``init``), the
    registry must already exist and be current, or the command stops with a clear message."""
    ws = Workspace(Settings.build(db=db, key_file=key_file, actor=actor, role=role))
    if ready:
        ws.ensure_ready()
    return ws
