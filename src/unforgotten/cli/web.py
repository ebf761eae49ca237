"""Web commands: ``serve``, ``user add``, ``user list``, ``token create``.

FastAPI and uvicorn are imported inside the commands, so that ``unforgotten --help`` stays fast.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from unforgotten.cli.context import KeyFileOption, open_workspace
from unforgotten.cli.options import DbOption, JsonOption, console, print_json

__all__ = ["register"]

user_app = typer.Typer(help="Users of the web application.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for scripts.", no_args_is_help=True)


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    db: DbOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """Serve the web application (pages, JSON API, OpenAPI at /api/openapi.json).

    The session secret comes from UNFORGOTTEN_SESSION_SECRET or a file beside the key file
    (created, owner-only, on first start). Put it behind an https reverse proxy for others.

    Example:
        unforgotten serve --db registry.db --port 8000
    """
    from unforgotten.web import serve as run_server  # noqa: PLC0415 - lazy: FastAPI only when serving

    ws = open_workspace(db, key_file, actor="web:server")
    console.print(f"Serving {ws.settings.db_url} at http://{host}:{port}/")
    run_server(ws, host, port)


def user_add(
    name: Annotated[str, typer.Argument(help="User name (no spaces).")],
    role: Annotated[str, typer.Option("--role", help="admin, analyst, documenter or viewer.")],
    password: Annotated[
        str | None,
        typer.Option("--password", envvar="UNFORGOTTEN_NEW_PASSWORD", help="Password (default: generated)."),
    ] = None,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add a user of the web application; prints the password once.

    Example:
        unforgotten user add kim --role documenter
        unforgotten user add lee --role viewer --json
    """
    from unforgotten.web.accounts import add_user  # noqa: PLC0415

    ws = open_workspace(db, key_file)
    user, secret = add_user(ws, name, role=role, password=password)
    if as_json:
        print_json({"id": user.id, "name": user.name, "role": user.role.value, "password": secret})
        return
    console.print(f"User {user.name} ({user.role.value}) added. Password (shown once): {secret}")


def user_list(db: DbOption = None, key_file: KeyFileOption = None, as_json: JsonOption = False) -> None:
    """List the users of the web application.

    Example:
        unforgotten user list --json
    """
    from unforgotten.web.accounts import list_users  # noqa: PLC0415

    ws = open_workspace(db, key_file)
    with ws.read() as conn:
        users = list_users(conn)
    if as_json:
        print_json(
            [
                {"id": u.id, "name": u.name, "role": u.role.value, "active": u.active, "totp": u.totp}
                for u in users
            ]
        )
        return
    table = Table("name", "role", "active", "second factor")
    for u in users:
        table.add_row(u.name, u.role.value, "yes" if u.active else "no", "yes" if u.totp else "no")
    console.print(table)


def token_create(
    name: Annotated[str, typer.Argument(help="The user the token acts as.")],
    label: Annotated[str | None, typer.Option("--label", help="What the token is for.")] = None,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create an API token for a user (send it as `Authorization: Bearer TOKEN`); shown once.

    Example:
        unforgotten token create kim --json
        curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8000/api/persons?q=이영희
    """
    from unforgotten.web.accounts import create_token  # noqa: PLC0415

    ws = open_workspace(db, key_file)
    token = create_token(ws, name, label=label)
    if as_json:
        print_json({"token": token})
        return
    console.print(token)


def register(app: typer.Typer) -> None:
    """Add ``serve``, ``user`` and ``token`` to the main application."""
    app.command("serve")(serve)
    user_app.command("add")(user_add)
    user_app.command("list")(user_list)
    token_app.command("create")(token_create)
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
