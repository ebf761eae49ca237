"""The FastAPI application: sessions, security headers, errors as pages or JSON, the routers.

Errors of our own tree become a page (or JSON under ``/api``) with the matching status and our
own message, which never holds a protected value; anything else is a 500 that says nothing of
the exception.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from unforgotten.errors import (
    ConflictError,
    DuplicateReadoutError,
    NotFoundError,
    PermissionDenied,
    RegistryBusy,
    UnforgottenError,
    ValidationError,
)
from unforgotten.store.workspace import Workspace
from unforgotten.web import routes_analysis, routes_auth, routes_registry, routes_tracking
from unforgotten.web.config import WebSettings
from unforgotten.web.deps import AppState, LoginRequired, language
from unforgotten.web.render import render

__all__ = ["create_app"]

log = logging.getLogger("unforgotten.web")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeaders:
    """Adds security headers and marks cookies ``Secure`` when served over https (or always)."""

    def __init__(self, app: ASGIApp, *, secure_cookies: str) -> None:
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = self.secure_cookies == "always" or (
            self.secure_cookies == "auto" and scope.get("scheme") == "https"
        )

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (
                        k,
                        v + b"; Secure"
                        if secure and k == b"set-cookie" and b"secure" not in v.lower()
                        else v,
                    )
                    for k, v in message.get("headers", [])
                ]
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                    (b"cache-control", b"no-store"),
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, wrapped)


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

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.error("unexpected error on %s: %s", request.url.path, type(exc).__name__)
        return _error(request, 500, "error", "an unexpected error; it was logged without its data")


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
        openapi_url="/api/openapi.json",
    )
    app.state.unforgotten = AppState(settings, base.engine, base)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret,
        session_cookie="unforgotten_session",
        max_age=settings.session_hours * 3600,
        same_site="lax",
        https_only=settings.secure_cookies == "always",
    )
    app.add_middleware(SecurityHeaders, secure_cookies=settings.secure_cookies)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).with_name("static"))), name="static")
    for module in (routes_auth, routes_registry, routes_analysis, routes_tracking):
        app.include_router(module.router)
    _install_errors(app)
    return app
