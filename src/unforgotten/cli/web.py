"""Web commands: ``serve``, ``user add|list|disable|enable|password``, ``token create|list|revoke``.

FastAPI and uvicorn are imported inside the commands, so that ``unforgotten --help`` stays fast.
"""

from __future__ import annotations

import sys
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
        unforgotten user add kim --role documenter
        export TOKEN=$(unforgotten token create kim --label scripts)
        curl -G -H "Authorization: Bearer $TOKEN" --data-urlencode "q=이영희" \\
            http://127.0.0.1:8000/api/persons
    """
    from unforgotten.web.tokens import create_token  # noqa: PLC0415

    ws = open_workspace(db, key_file)
    token = create_token(ws, name, label=label)
    if as_json:
        print_json({"token": token})
        return
    console.print(token)


NameArg = Annotated[str, typer.Argument(help="User name.")]


def _set_active(name: str, *, active: bool, db: str | None, key_file: str | None, as_json: bool) -> None:
    from unforgotten.web.accounts import set_active  # noqa: PLC0415

    set_active(open_workspace(db, key_file), name, active)
    if as_json:
        print_json({"name": name, "active": active})
        return
    console.print(f"User {name} {'enabled' if active else 'disabled; their sessions have ended'}.")


def user_disable(
    name: NameArg, db: DbOption = None, key_file: KeyFileOption = None, as_json: JsonOption = False
) -> None:
    """Disable a user: log-ins and tokens are refused and every open session ends at once.

    Example:
        unforgotten user add kim --role documenter
        unforgotten user disable kim
        unforgotten user disable kim --json
    """
    _set_active(name, active=False, db=db, key_file=key_file, as_json=as_json)


def user_enable(
    name: NameArg, db: DbOption = None, key_file: KeyFileOption = None, as_json: JsonOption = False
) -> None:
    """Enable a user that was disabled.

    Example:
        unforgotten user add kim --role documenter
        unforgotten user disable kim
        unforgotten user enable kim --json
    """
    _set_active(name, active=True, db=db, key_file=key_file, as_json=as_json)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("New password", hide_input=True, confirmation_prompt=True))


def user_password(
    name: NameArg,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the new password from the first line of stdin.")
    ] = False,
    db: DbOption = None,
    key_file: KeyFileOption = None,
    as_json: JsonOption = False,
) -> None:
    """Set a user's password (asked twice, or read from stdin); every session of the user ends.

    Example:
        unforgotten user add kim --role documenter
        NEW_PASSWORD=$(openssl rand -base64 18)    # or from your password manager
        printf '%s\\n' "$NEW_PASSWORD" | unforgotten user password kim --password-stdin --json
    """
    from unforgotten.web.accounts import set_password  # noqa: PLC0415

    ws = open_workspace(db, key_file)
    set_password(ws, name, _read_password(password_stdin))
    if as_json:
        print_json({"name": name, "password_changed": True})
        return
    console.print(f"Password of {name} changed; their sessions have ended.")


def token_list(db: DbOption = None, key_file: KeyFileOption = None, as_json: JsonOption = False) -> None:
    """List the API tokens (id, user, label, created, revoked; never the token).

    Example:
        unforgotten token list --json
    """
    from unforgotten.web.tokens import list_tokens  # noqa: PLC0415

    ws = open_workspace(db, key_file)
    with ws.read() as conn:
        issued = list_tokens(conn)
    if as_json:
        print_json(
            [
                {
                    "id": t.id,
                    "user": t.user,
                    "label": t.label,
                    "created_at": t.created_at,
                    "revoked": t.revoked,
                }
                for t in issued
            ]
        )
        return
    table = Table("id", "user", "label", "created", "revoked")
    for t in issued:
        table.add_row(str(t.id), t.user, t.label or "", t.created_at[:10], "yes" if t.revoked else "no")
    console.print(table)


def token_revoke(
    ref: Annotated[str, typer.Argument(help="The token's id or its label.")],
    db: DbOption = None,
    key_file: KeyFileOption = None,
    as_json: JsonOption = False,
) -> None:
    """Revoke an API token by id or label; requests with it are refused from then on.

    Example:
        unforgotten user add kim --role documenter
        unforgotten token create kim --label scripts
        unforgotten token create kim --label nightly-export
        unforgotten token revoke 1
        unforgotten token revoke nightly-export --json
    """
    from unforgotten.web.tokens import revoke_token  # noqa: PLC0415

    token_id = revoke_token(open_workspace(db, key_file), ref)
    if as_json:
        print_json({"id": token_id, "revoked": True})
        return
    console.print(f"Token {token_id} revoked.")


def register(app: typer.Typer) -> None:
    """Add ``serve``, ``user`` and ``token`` to the main application."""
    app.command("serve")(serve)
    user_app.command("add")(user_add)
    user_app.command("list")(user_list)
    user_app.command("disable")(user_disable)
    user_app.command("enable")(user_enable)
    user_app.command("password")(user_password)
    token_app.command("create")(token_create)
    token_app.command("list")(token_list)
    token_app.command("revoke")(token_revoke)
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
