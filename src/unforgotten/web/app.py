"""The FastAPI application: sessions, security headers, errors as pages or JSON, the routers.

Errors of our own tree become a page (or JSON under ``/api``) with the matching status and our
own message, which never holds a protected value. Anything else is caught by
:class:`CatchErrors` before the server sees it: the log gets an error id and the exception's
type only (no message, SQL, parameters or traceback), the page gets the same error id.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from unforgotten.domain.roles import Permission
from unforgotten.errors import (
    ConflictError,
    DuplicateReadoutError,
    FieldErrors,
    NotFoundError,
    PermissionDenied,
    RegistryBusy,
    StaleVersionError,
    UnforgottenError,
    ValidationError,
)
from unforgotten.store.workspace import Workspace
from unforgotten.web import (
    routes_accountability,
    routes_admin,
    routes_analysis,
    routes_auth,
    routes_consent,
    routes_evidence,
    routes_forms,
    routes_records,
    routes_registry,
    routes_tracking,
)
from unforgotten.web.config import WebSettings
from unforgotten.web.deps import AppState, LoginRequired, declare, language, public
from unforgotten.web.middleware import SecurityHeaders, ServerSessions
from unforgotten.web.render import render
from unforgotten.web.routes_records import PreconditionRequired
from unforgotten.web.sessions import SessionStore

__all__ = ["CatchErrors", "create_app"]

log = logging.getLogger("unforgotten.web")


_STATUS: list[tuple[type[Exception], int, str]] = [
    (NotFoundError, 404, "not_found"),
    (PermissionDenied, 403, "forbidden"),
    (ValidationError, 400, "bad_request"),
    (DuplicateReadoutError, 409, "duplicate_readout"),
    (ConflictError, 409, "conflict"),
]


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or "application/json" in request.headers.get("accept", "")


def _error(request: Request, status: int, title: str, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": title, "detail": message}, status_code=status)
    return render(
        request, "error.html", lang=language(request), user=None, status=status, title=title, message=message
    )


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: Exception) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": "unauthorised", "detail": "log in or send a bearer token"}, 401)
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(RegistryBusy)
    async def busy(request: Request, exc: Exception) -> Response:
        response = _error(request, 503, "busy", str(exc))
        response.headers["retry-after"] = str(getattr(exc, "retry_after", 30))
        return response

    @app.exception_handler(UnforgottenError)
    async def ours(request: Request, exc: Exception) -> Response:
        if isinstance(exc, StaleVersionError) and _wants_json(request):
            body = {
                "error": "stale_version",
                "detail": str(exc),
                "expected": exc.expected,
                "current": exc.current,
                "theirs": exc.theirs,
                "mine": exc.mine,
            }
            return JSONResponse(body, status_code=412, headers={"etag": f'"{exc.current}"'})
        if isinstance(exc, FieldErrors) and _wants_json(request):
            return JSONResponse(
                {"error": "invalid", "detail": str(exc), "errors": exc.errors}, status_code=422
            )
        if isinstance(exc, PreconditionRequired):
            return _error(request, 428, "precondition_required", str(exc))
        for kind, status, title in _STATUS:
            if isinstance(exc, kind):
                return _error(request, status, title, str(exc))
        return _error(request, 409, "error", str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors())
        return _error(request, 422, "bad_request", f"invalid or missing: {fields}")

    @app.exception_handler(StarletteHTTPException)
    async def http(request: Request, exc: StarletteHTTPException) -> Response:
        title = "not_found" if exc.status_code == 404 else "error"
        return _error(request, exc.status_code, title, "no such page" if exc.status_code == 404 else "")


class CatchErrors:
    """Turns an unexpected exception into a 500 naming an error id; logs the id and type only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def wrapped(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, wrapped)
        except Exception as exc:  # the one place that must catch everything
            error_id = secrets.token_hex(6)
            route = getattr(scope.get("route"), "path", "?")
            log.error("error %s: %s on %s %s", error_id, type(exc).__name__, scope["method"], route)
            if not started:
                message = f"an unexpected error; it was logged without its data as error {error_id}"
                response = _error(Request(scope), 500, "error", message)
                await response(scope, receive, send)


def _openapi(app: FastAPI, settings: WebSettings) -> None:
    @app.get(
        "/api/openapi.json",
        include_in_schema=False,
        dependencies=[public() if settings.openapi_public else declare(Permission.READ)],
    )
    def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())  # built on first use, then kept


def create_app(settings: WebSettings, *, engine: Any = None) -> FastAPI:
    """The application for one registry."""
    base = Workspace(settings.registry, engine=engine)
    base.ensure_ready()
    app = FastAPI(
        title="Unforgotten",
        description="Records of abductions, detentions and disappearances in North Korea. "
        "Every page has a JSON twin under /api; authenticate with `Authorization: Bearer TOKEN`.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.unforgotten = AppState(settings, base.engine, base)
    store = SessionStore(base, secret=settings.session_secret, hours=settings.session_hours)
    app.add_middleware(CatchErrors)
    app.add_middleware(ServerSessions, store=store, max_age=settings.session_hours * 3600)
    app.add_middleware(SecurityHeaders, secure_cookies=settings.secure_cookies)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).with_name("static"))), name="static")
    app.state.public_mounts = ("/static",)  # mounts carry no dependency: declared here
    for module in (
        routes_auth,
        routes_admin,
        routes_forms,
        routes_evidence,
        routes_consent,
        routes_records,
        routes_registry,
        routes_analysis,
        routes_accountability,
        routes_tracking,
    ):
        app.include_router(module.router)
    _openapi(app, settings)
    _install_errors(app)
    return app
