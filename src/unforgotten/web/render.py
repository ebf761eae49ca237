"""Templates and the page/JSON twin: one function gives a page's model; two routes serve it.

``@page(router, "/persons/{person_id}", "person.html", PersonPage)`` registers the function at
``/api/persons/{person_id}`` (JSON, in the OpenAPI description) and at ``/persons/{person_id}``
(HTML rendered from the same model), so every page has its JSON twin by construction. Both
routes declare the page's access (``Permission.READ`` unless given).
"""

from __future__ import annotations

import inspect
import json
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel

from unforgotten.domain.roles import Permission, may
from unforgotten.web import charts
from unforgotten.web.accounts import User
from unforgotten.web.deps import Access, CurrentUser, Lang, csrf_token, declare
from unforgotten.web.gaps import gap_text
from unforgotten.web.i18n import translator
from unforgotten.web.labels import labelled, stratum_term, term_labeller

__all__ = ["page", "render", "templates"]

templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
templates.env.globals["may"] = may
templates.env.globals["P"] = Permission
templates.env.globals["charts"] = charts
templates.env.filters["tojson_pretty"] = lambda v: json.dumps(v, ensure_ascii=False, indent=1, default=str)
templates.env.filters["num"] = lambda v: "—" if v is None else f"{v:,.0f}"

M = TypeVar("M", bound=BaseModel)


def render(
    request: Request, template: str, *, lang: str, user: User | None, status: int = 200, **context: Any
) -> HTMLResponse:
    """A page in the user's language, with the CSRF token for its forms."""
    return templates.TemplateResponse(
        request,
        template,
        {
            "t": translator(lang),
            "term": term_labeller(lang),
            "labelled": lambda vocabulary, counts: labelled(lang, vocabulary, counts),
            "stratum_term": lambda by, value: stratum_term(lang, by, value),
            "gap_text": lambda gap: gap_text(gap, lang),
            "lang": lang,
            "user": user,
            "csrf": csrf_token(request),
            **context,
        },
        status_code=status,
    )


def _html_signature(fn: Callable[..., Any]) -> inspect.Signature:
    sig = inspect.signature(fn)
    hints = typing.get_type_hints(fn, include_extras=True)
    params = [
        p.replace(annotation=hints.get(p.name, p.annotation))
        for p in sig.parameters.values()
        if p.name not in ("request", "page_lang", "page_user")
    ]
    extra = [
        inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request),
        inspect.Parameter("page_lang", inspect.Parameter.KEYWORD_ONLY, annotation=Lang),
        inspect.Parameter("page_user", inspect.Parameter.KEYWORD_ONLY, annotation=CurrentUser),
    ]
    return sig.replace(parameters=params + extra, return_annotation=HTMLResponse)


def page(
    router: APIRouter,
    path: str,
    template: str,
    model: type[M],
    *,
    summary: str | None = None,
    access: Access = Permission.READ,
) -> Callable[[Callable[..., M]], Callable[..., M]]:
    """Register ``fn`` as ``GET /api{path}`` (JSON) and ``GET {path}`` (HTML of the same model)."""
    guard = [declare(access)]

    def decorate(fn: Callable[..., M]) -> Callable[..., M]:
        takes_request = "request" in inspect.signature(fn).parameters
        api_path = "/api" + (path if path != "/" else "")
        router.get(
            api_path,
            response_model=model,
            summary=summary or fn.__doc__,
            name=f"{fn.__name__}_json",
            dependencies=guard,
        )(fn)

        def html(**kwargs: Any) -> HTMLResponse:
            request: Request = kwargs.pop("request")
            lang, user = kwargs.pop("page_lang"), kwargs.pop("page_user")
            if takes_request:
                kwargs["request"] = request
            data = fn(**kwargs)
            return render(request, template, lang=lang, user=user, page=data, api_url=_api_url(request))

        html.__signature__ = _html_signature(fn)  # type: ignore[attr-defined]
        html.__name__ = fn.__name__
        router.get(
            path, response_class=HTMLResponse, include_in_schema=False, name=fn.__name__, dependencies=guard
        )(html)
        return fn

    return decorate


def _api_url(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return "/api" + (request.url.path if request.url.path != "/" else "") + query
