"""The web application: server-rendered pages with a JSON twin each, for daily work.

Only this package imports FastAPI. Importing it is cheap: the application is built by
:func:`create_app` (in :mod:`unforgotten.web.app`), which :func:`serve` calls.

- :mod:`~unforgotten.web.accounts`  users, argon2id passwords, TOTP, disabling (no FastAPI)
- :mod:`~unforgotten.web.tokens`    API tokens: create, list, check, revoke (no FastAPI)
- :mod:`~unforgotten.web.throttle`  attempt limits of every credential check (no FastAPI)
- :mod:`~unforgotten.web.sessions`  server-side sessions in ``web_session`` (no FastAPI)
- :mod:`~unforgotten.web.middleware` security headers, the session middleware
- :mod:`~unforgotten.web.config`    web settings and the session secret
- :mod:`~unforgotten.web.views`     what each registry page shows (no FastAPI)
- :mod:`~unforgotten.web.schemas`   Pydantic models of the pages and their JSON twins
- :mod:`~unforgotten.web.deps`      ``CurrentUser``, ``WorkspaceDep``, CSRF, language
- :mod:`~unforgotten.web.render`    templates and the ``@page`` page/JSON twin
- :mod:`~unforgotten.web.routes_*`  the routes, thin
- :mod:`~unforgotten.web.charts`    inline SVG charts and the map
"""

from __future__ import annotations

import logging
import secrets

from unforgotten.errors import ConfigError
from unforgotten.store.workspace import Workspace

__all__ = ["create_demo_user", "log_without_data", "serve"]

DEMO_USER = "demo"


def create_demo_user(ws: Workspace) -> tuple[str, str]:
    """Create (or replace the password of) an admin ``demo`` user; returns ``(name, password)``."""
    from sqlalchemy import select  # noqa: PLC0415 - keep the package import light

    from unforgotten.store.schema_web import web_user  # noqa: PLC0415
    from unforgotten.web.accounts import add_user, set_password  # noqa: PLC0415

    password = secrets.token_urlsafe(9)
    with ws.read() as conn:
        uid = conn.execute(select(web_user.c.id).where(web_user.c.name == DEMO_USER)).scalar()
    if uid is None:
        add_user(ws, DEMO_USER, role="admin", password=password)
    else:
        set_password(ws, DEMO_USER, password)  # ends the demo user's sessions too
    return DEMO_USER, password


def _drop_query(record: logging.LogRecord) -> bool:
    args = record.args
    if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
        record.args = (args[0], args[1], args[2].split("?", 1)[0], args[3], args[4])
    return True


def log_without_data() -> None:
    """Keep data out of the server's logs: the access log shows paths without query strings.

    (A search query can be a victim's name.) Errors are logged by the application with an id and
    the exception's type only, so no traceback, SQL or value reaches the server's error log.
    """
    access = logging.getLogger("uvicorn.access")
    if _drop_query not in access.filters:
        access.addFilter(_drop_query)


def port_free(host: str, port: int) -> bool:
    """Whether a server could listen on ``host:port`` now (nothing else listens there)."""
    import socket  # noqa: PLC0415

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str, first: int, *, tries: int = 20) -> int:
    """The first port from ``first`` on that is free (see :func:`port_free`)."""
    for port in range(first, first + tries):
        if port_free(host, port):
            return port
    raise ConfigError(f"ports {first}–{first + tries - 1} on {host} are all in use; choose one with --port")


def serve(
    ws: Workspace, host: str = "127.0.0.1", port: int = 8000, *, development: bool | None = None
) -> None:
    """Serve the registry of ``ws`` until interrupted (uvicorn). A port in use is a clear error."""
    import uvicorn  # noqa: PLC0415

    if not port_free(host, port):
        raise ConfigError(f"port {port} on {host} is in use (another server?); choose another with --port")

    from unforgotten.web.app import create_app  # noqa: PLC0415
    from unforgotten.web.config import WebSettings  # noqa: PLC0415

    app = create_app(WebSettings.build(ws.settings, development=development), engine=ws.engine)
    config = uvicorn.Config(app, host=host, port=port, proxy_headers=True, log_level="info")
    log_without_data()  # after the server's logging is configured
    uvicorn.Server(config).run()
