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
from sqlalchemy import func, select
from tests.web.conftest import PASSWORD, SECRET
from tests.web.data import SECRET_NAME, add_review_pairs, fill

from unforgotten.domain.roles import Role
from unforgotten.store import schema as s
from unforgotten.store.schema_linkage import link_decision
from unforgotten.store.search import refresh_index
from unforgotten.store.workspace import Workspace
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


def _serve(ws: Workspace) -> Iterator[str]:
    app = create_app(WebSettings(ws.settings, SECRET), engine=ws.engine)
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
def server(sqlite_ws: Workspace, tmp_path: Path) -> Iterator[str]:
    fill(sqlite_ws, tmp_path)
    refresh_index(sqlite_ws)
    for role in Role:
        add_user(sqlite_ws, role.value, role=role.value, password=PASSWORD)
    add_review_pairs(sqlite_ws)
    yield from _serve(sqlite_ws)


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
    assert methods == ["log-linear", "stepwise", "LCMCR", "dga"]
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


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[tuple[str, Workspace]]:
    """The registry `unforgotten demo` builds (400 persons), served."""
    from typer.testing import CliRunner

    from unforgotten.cli.main import app as cli
    from unforgotten.settings import Settings

    folder = tmp_path / "demo"
    done = CliRunner().invoke(cli, ["demo", "--dir", str(folder), "--persons", "400", "--no-serve", "--json"])
    assert done.exit_code == 0, done.output
    ws = Workspace(Settings.build(db=str(folder / "registry.db")))
    for role in Role:
        add_user(ws, role.value, role=role.value, password=PASSWORD)
    yield from ((base, ws) for base in _serve(ws))


def _most_reported(ws: Workspace) -> int:
    """The live person with the most source records."""
    root = s.person.c.merged_into
    query = select(root).where(root.is_not(None)).group_by(root).order_by(func.count().desc(), root).limit(1)
    with ws.read() as conn:
        return int(conn.execute(query).scalar_one())


def test_demo_person_page_in_korean_shows_one_event(
    demo_server: tuple[str, Workspace], browser: object
) -> None:
    base, ws = demo_server
    person = _most_reported(ws)
    page = _page(browser, base, "viewer", lang="ko")
    page.goto(f"/persons/{person}")
    events = page.locator("article.event")
    assert events.count() == 1
    columns = events.first.locator("thead th").count() - 1
    assert columns == page.locator("details summary .store-id").count() >= 3  # every record reports it
    assert "KP-" not in page.locator("#events").inner_text()
    cells = page.locator("section.card:has(h2:text('연계 근거')) tbody tr td:nth-child(4)").all_inner_texts()
    assert cells and all(c.startswith("연계 실행으로 병합됨: 1 (p=") for c in cells)
    _shot(page, "person-ko-desktop")


def test_demo_estimate_in_korean(demo_server: tuple[str, Workspace], browser: object) -> None:
    base, _ = demo_server
    page = _page(browser, base, "viewer", lang="ko")
    page.goto("/estimates")
    rows = page.locator("#estimates-table tbody tr").all_inner_texts()
    assert len(rows) == 1 and rows[0].startswith("전체\t단계적 로그선형\t")
    assert "저장: demo:officer (데모)" in page.locator("#estimate-run").inner_text()
    _shot(page, "estimates-ko-desktop")
