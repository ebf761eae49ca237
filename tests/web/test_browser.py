"""The application in real headless Chromium: log-in, search in three scripts, the person page,
review accept/reject with the keyboard, the estimates page; screenshots for docs/screenshots/.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import select
from tests.web.conftest import PASSWORD, SECRET
from tests.web.data import SECRET_NAME, fill

from unforgotten.domain.roles import Role
from unforgotten.store import schema as s
from unforgotten.store.schema_linkage import link_decision, link_pair, link_run
from unforgotten.store.search import refresh_index
from unforgotten.store.workspace import Workspace
from unforgotten.store.writer import now_iso
from unforgotten.web.accounts import add_user
from unforgotten.web.app import create_app
from unforgotten.web.config import WebSettings

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SHOTS = os.environ.get("UNFORGOTTEN_SCREENSHOTS")  # a folder: write screenshots there

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no /usr/bin/chromium"),
]


def _add_review_pairs(ws: Workspace) -> None:
    with ws.read() as conn:
        recs = dict(conn.execute(select(s.source_record.c.record_id, s.source_record.c.id)).all())
    with ws.write(action="link", subject="test") as writer:
        run = writer.allocate(link_run)
        writer.insert(
            link_run,
            [
                {
                    "id": run,
                    "kind": "full",
                    "engine": "duckdb",
                    "started_at": now_iso(),
                    "actor": "test",
                    "config": {},
                    "counts": {},
                    "timings": {},
                    "model": "{}",
                }
            ],
        )
        evidence = {"name": [3, 6.2], "birth_year": [2, 1.4], "sex": [1, 0.6], "event_place": [0, -2.1]}
        writer.conn.execute(
            link_pair.insert(),
            [
                {
                    "id": 1,
                    "run_id": run,
                    "record_l": recs["A2"],
                    "record_r": recs["B1"],
                    "match_probability": 0.81,
                    "match_weight": 2.1,
                    "evidence": evidence,
                    "band": "review",
                },
                {
                    "id": 2,
                    "run_id": run,
                    "record_l": recs["A3"],
                    "record_r": recs["B2"],
                    "match_probability": 0.64,
                    "match_weight": 0.8,
                    "evidence": evidence,
                    "band": "review",
                },
            ],
        )


@pytest.fixture
def server(sqlite_ws: Workspace, tmp_path: Path) -> Iterator[str]:
    fill(sqlite_ws, tmp_path)
    refresh_index(sqlite_ws)
    for role in Role:
        add_user(sqlite_ws, role.value, role=role.value, password=PASSWORD)
    _add_review_pairs(sqlite_ws)
    app = create_app(WebSettings(sqlite_ws.settings, SECRET), engine=sqlite_ws.engine)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(5)


@pytest.fixture
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def _page(
    browser: object, base: str, role: str, *, width: int = 1280, height: int = 860, lang: str = "en"
) -> object:
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=base)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"/lang/{lang}")
    page.goto("/login")
    page.fill("#name", role)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    return page


def _shot(page: object, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_login_fails_then_succeeds(server: str, browser: object) -> None:
    context = browser.new_context(base_url=server)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto("/persons")
    assert page.url.startswith(server + "/login")
    page.fill("#name", "viewer")
    page.fill("#password", "wrong password!")
    page.click("button[type=submit]")
    assert page.get_by_role("alert").inner_text() == "Wrong user name or password."
    page.fill("#name", "viewer")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server + "/persons")
    cookie = next(c for c in context.cookies() if c["name"] == "unforgotten_session")
    assert (cookie["httpOnly"], cookie["sameSite"]) == (True, "Lax")


@pytest.mark.parametrize("query", ["이영희", "Lee Young-hee", "Ri Yong Hui"])
def test_search_in_three_scripts_finds_one_person(server: str, browser: object, query: str) -> None:
    page = _page(browser, server, "viewer")
    page.fill("#q", query)
    page.keyboard.press("Enter")
    page.wait_for_url("**/persons?q=*")
    first = page.locator(".hit").first
    assert first.locator(".hitname").inner_text() == "이영희"
    assert "Yi Yŏng-hŭi" in first.locator(".spellings").inner_text()
    if query == "Ri Yong Hui":
        _shot(page, "search-desktop")


def test_person_page_and_protected_fields(server: str, browser: object) -> None:
    viewer = _page(browser, server, "viewer")
    viewer.goto("/persons?q=Lee+Young-hee")
    viewer.click(".hit .hitname")
    assert viewer.locator("h1").inner_text() == "이영희"
    assert SECRET_NAME not in viewer.content()
    assert viewer.get_by_text("Hidden for your role.").is_visible()
    assert "Ri Yong Hui" in viewer.locator("table").first.inner_text()
    documenter = _page(browser, server, "documenter", lang="ko")
    documenter.goto(viewer.url)
    documenter.click("text=보호 항목 보기(감사 기록됨)")
    assert SECRET_NAME in documenter.locator("table.protected").inner_text()
    _shot(viewer, "person-desktop")


def test_review_accept_and_reject_with_keys(server: str, browser: object, sqlite_ws: Workspace) -> None:
    from playwright.sync_api import expect  # like the fixture: only where Chromium runs

    page = _page(browser, server, "analyst")
    page.goto("/review")
    assert page.locator("#progress-text").inner_text() == "Progress: 0 / 2 decided"
    _shot(page, "review-desktop")
    page.keyboard.press("a")
    expect(page.locator("#progress-text")).to_have_text("Progress: 1 / 2 decided")  # waits for the reload
    page.wait_for_load_state("load")  # the text shows before app.js has bound the keys
    page.keyboard.press("r")
    expect(page.locator("#progress-text")).to_have_text("Progress: 2 / 2 decided")
    expect(page.get_by_text("Nothing to review.")).to_be_visible()
    with sqlite_ws.read() as conn:
        decisions = sorted(d for (d,) in conn.execute(select(link_decision.c.decision)))
    assert decisions == ["accepted", "rejected"]


def test_estimates_page_runs_and_draws(server: str, browser: object) -> None:
    page = _page(browser, server, "analyst")
    page.goto("/estimates")
    assert page.get_by_text("No estimate has been run yet.").is_visible()
    page.click("#run-estimates")
    page.wait_for_selector("#estimates-table")
    methods = page.locator("#estimates-table tbody tr td:nth-child(2)").all_inner_texts()
    assert methods == ["loglinear", "stepwise", "lcmcr", "dga"]
    assert page.locator("svg.chart").count() >= 2
    _shot(page, "estimates-desktop")


def test_admin_disables_a_user_and_their_open_session_ends(server: str, browser: object) -> None:
    viewer = _page(browser, server, "viewer")
    admin = _page(browser, server, "admin")
    admin.goto("/users")
    admin.locator("form[action='/users/viewer/active'] button").click()
    admin.wait_for_url(server + "/users")
    assert admin.locator("form[action='/users/viewer/active'] button").inner_text() == "Enable"
    viewer.goto("/persons")
    assert viewer.url.startswith(server + "/login")


def test_own_password_change_logs_out(server: str, browser: object) -> None:
    page = _page(browser, server, "documenter")
    page.goto("/account")
    page.fill("#current", PASSWORD)
    page.fill("#new", "another good passphrase")
    page.click("form[action='/account/password'] button")
    page.wait_for_url(server + "/login?changed=1")
    assert page.get_by_role("status").inner_text() == "Password changed; log in again."
    page.goto("/account")
    assert page.url.startswith(server + "/login")
