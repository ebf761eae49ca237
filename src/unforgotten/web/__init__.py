"""The web application: server-rendered pages with a JSON twin each, for daily work.

Only this package imports FastAPI. Importing it is cheap: the application is built by
:func:`create_app` (in :mod:`unforgotten.web.app`), which :func:`serve` calls.

- :mod:`~unforgotten.web.accounts`  users, argon2id passwords, TOTP, API tokens, lock-out (no FastAPI)
- :mod:`~unforgotten.web.config`    web settings and the session secret
- :mod:`~unforgotten.web.views`     what each registry page shows (no FastAPI)
- :mod:`~unforgotten.web.schemas`   Pydantic models of the pages and their JSON twins
- :mod:`~unforgotten.web.deps`      ``CurrentUser``, ``WorkspaceDep``, CSRF, language
- :mod:`~unforgotten.web.render`    templates and the ``@page`` page/JSON twin
- :mod:`~unforgotten.web.routes_*`  the routes, thin
- :mod:`~unforgotten.web.charts`    inline SVG charts and the map
"""

from __future__ import annotations

import secrets

from unforgotten.store.workspace import Workspace

__all__ = ["create_demo_user", "serve"]

DEMO_USER = "demo"


def create_demo_user(ws: Workspace) -> tuple[str, str]:
    """Create (or replace the password of) an admin ``demo`` user; returns ``(name, password)``."""
    from sqlalchemy import select  # noqa: PLC0415 - keep the package import light

    from unforgotten.store.schema_web import web_user  # noqa: PLC0415
    from unforgotten.web.accounts import _HASHER, add_user  # noqa: PLC0415

    password = secrets.token_urlsafe(9)
    with ws.read() as conn:
        uid = conn.execute(select(web_user.c.id).where(web_user.c.name == DEMO_USER)).scalar()
    if uid is None:
        add_user(ws, DEMO_USER, role="admin", password=password)
    else:
        with ws.write(action="user_password", subject=f"user:{DEMO_USER}") as writer:
            writer.update(
                web_user, int(uid), {"password_hash": _HASHER.hash(password)}, reason="demo password"
            )
    return DEMO_USER, password


def serve(
    ws: Workspace, host: str = "127.0.0.1", port: int = 8000, *, development: bool | None = None
) -> None:
    """Serve the registry of ``ws`` until interrupted (uvicorn)."""
    import uvicorn  # noqa: PLC0415

    from unforgotten.web.app import create_app  # noqa: PLC0415
    from unforgotten.web.config import WebSettings  # noqa: PLC0415

    app = create_app(WebSettings.build(ws.settings, development=development), engine=ws.engine)
    uvicorn.run(app, host=host, port=port, proxy_headers=True, log_level="info")
