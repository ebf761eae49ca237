"""The accountability pages in real headless Chromium: search in any script, the organisation's
names over time and timeline, the perpetrator's posts, the facility's map, the statistics' charts,
at desktop and phone width in English and Korean without overflow; the act form's perpetrator
fields attributing through the attribution service, and refusing an attribution without a
source. Screenshots go to docs/screenshots/ when UNFORGOTTEN_SCREENSHOTS is set."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from tests.web import test_browser as tb
from tests.web.test_accountability_pages import seed_accountability

from unforgotten.store import schema as s
from unforgotten.store.schema_accountability import attribution, organisation
from unforgotten.store.workspace import Workspace

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(tb.CHROMIUM).exists(), reason="no /usr/bin/chromium"),
]
server, browser = tb.server, tb.browser
_page, _shot = tb._page, tb._shot
PHONE = {"width": 390, "height": 844}


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


@pytest.fixture
def officer(server: str, sqlite_ws: Workspace) -> int:
    return seed_accountability(sqlite_ws)


def _mss(ws: Workspace) -> int:
    with ws.read() as conn:
        return int(conn.execute(select(organisation.c.id).where(organisation.c.key == "mss")).scalar_one())


def test_search_then_the_organisation_page(
    server: str, browser: Any, officer: int, sqlite_ws: Workspace
) -> None:
    page = _page(browser, server, "analyst")
    page.click("nav >> text=Accountability")
    page.fill("#q", "bowibu")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/accountability\?q=bowibu$"))
    assert page.locator("#hits-org li").all_inner_texts()[0].startswith("국가보위성")
    page.click("#hits-org li a")
    page.wait_for_url(re.compile(rf".*/organisations/{_mss(sqlite_ws)}$"))
    assert page.inner_text("#org-name") == "국가보위성"
    names = page.locator("#names td:first-child").all_inner_texts()
    assert {"국가안전보위부", "State Security Department", "bowibu"} <= set(names)
    assert page.inner_text("#victims") == "5"  # DS24-001, -002, -003, -010, and -007 through Bureau 7
    assert page.locator("#timeline li").count() >= 6
    assert "Bureau 7" in page.inner_text("#hierarchy")
    _shot(page, "organisation-en-desktop")


def test_perpetrator_facility_and_statistics_pages(server: str, browser: Any, officer: int) -> None:
    page = _page(browser, server, "documenter")
    page.goto(f"/perpetrators/{officer}")
    assert page.inner_text("#person-name") == "리철호"
    assert "head of bureau" in page.inner_text("#posts")
    assert "Bureau 7" in page.inner_text("#posts")
    _shot(page, "perpetrator-en-desktop")
    page.goto("/facilities/1")  # Camp 14: coordinates from a citable source
    assert page.locator("#map svg circle").count() == 1
    _shot(page, "facility-en-desktop")
    page.goto("/facilities/2")  # Yodok: none
    assert page.locator("#no-coordinates").is_visible()
    assert page.inner_text("#victims") == "3"
    page.goto("/accountability/stats")
    assert page.inner_text("#acts-counted") == "9"
    for chart in ("org", "facility", "violation", "year"):
        assert page.locator(f"#chart-{chart} svg").count() == 1
    _shot(page, "accountability-stats-en-desktop")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_pages_fit_a_phone_in_both_languages(
    server: str, browser: Any, officer: int, sqlite_ws: Workspace, lang: str
) -> None:
    mss = _mss(sqlite_ws)
    pages = {
        "accountability": "/accountability",
        "organisation": f"/organisations/{mss}",
        "perpetrator": f"/perpetrators/{officer}",
        "facility": "/facilities/3",  # Hwasong (Camp 16): coordinates and an act
        "accountability-stats": "/accountability/stats",
    }
    desktop = _page(browser, server, "analyst", lang=lang)
    phone = _page(browser, server, "analyst", lang=lang, **PHONE)
    for name, url in pages.items():
        for size, page in (("desktop", desktop), ("phone", phone)):
            page.goto(url)
            assert _fits(page), f"{url} overflows at {size} in {lang}"
            _shot(page, f"{name}-{lang}-{size}")
    if lang == "ko":
        desktop.goto(f"/organisations/{mss}")
        assert "연표" in desktop.inner_text("#timeline h2")


def test_a_viewer_is_refused(server: str, browser: Any, officer: int) -> None:
    page = _page(browser, server, "viewer")
    assert page.locator("nav >> text=Accountability").count() == 0
    response = page.goto(f"/perpetrators/{officer}")
    assert response.status == 403
    assert "리철호" not in page.content()


def _incident(ws: Workspace) -> int:
    with ws.read() as conn:
        return int(conn.execute(select(func.min(s.incident.c.id))).scalar_one())


def _acts(ws: Workspace, incident: int) -> int:
    with ws.read() as conn:
        return int(conn.execute(select(func.count()).where(s.act.c.incident_id == incident)).scalar_one())


def test_the_act_form_attributes_through_the_attribution_service(
    server: str, browser: Any, officer: int, sqlite_ws: Workspace
) -> None:
    incident = _incident(sqlite_ws)
    before = _acts(sqlite_ws, incident)
    page = _page(browser, server, "documenter")
    page.goto(f"/incidents/{incident}/acts/new")
    page.select_option("#f-act_violation", "NKV-F2")
    page.fill("#f-att_org", "bowibu")
    page.fill("#f-att_text", "two State Security agents")
    page.fill("#f-reason", "testimony of a cellmate")
    page.click("button[type=submit]")  # no source: refused, nothing saved
    assert "source" in page.inner_text("#err-att_source")
    assert _acts(sqlite_ws, incident) == before
    assert page.input_value("#f-att_org") == "bowibu"
    page.select_option("#f-att_involvement", "member_of")
    page.select_option("#f-att_source", "Detention survey 2024")
    page.fill("#f-att_citation", "interview 4, p. 2")
    _shot(page, "act-form-perpetrator-en-desktop")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*\?saved=\d+#incident-\d+$"))
    assert _acts(sqlite_ws, incident) == before + 1
    with sqlite_ws.read() as conn:
        row = conn.execute(select(attribution).order_by(attribution.c.id.desc())).mappings().first()
        version = conn.execute(
            select(func.count()).where(s.record_version.c.table_name == "attribution")
        ).scalar_one()
    assert row is not None
    assert (row["organisation_id"], row["text"], row["involvement"], row["citation"]) == (
        _mss(sqlite_ws),
        "two State Security agents",
        "member_of",
        "interview 4, p. 2",
    )
    assert row["author"] == "web:documenter" and version >= 1

