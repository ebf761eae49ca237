"""Evidence and consent in real headless Chromium: two files uploaded with the progress bar and
their hashes shown (and the same form without JavaScript); the item and custody pages; consent
withdrawn through the form, the earlier bundle listed to recall and the next bundle leaving the
person out; a viewer sees no upload or consent control and a forged POST is refused. Screenshots
of the new pages (desktop and phone, English and Korean) go to docs/screenshots/ when
UNFORGOTTEN_SCREENSHOTS is set.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.web import test_browser as tb
from tests.web.test_workbench_browser import _no_overflow

from unforgotten.evidence import create_bundle
from unforgotten.store import schema as s
from unforgotten.store.workspace import Workspace

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(tb.CHROMIUM).exists(), reason="no /usr/bin/chromium"),
]
server, browser = tb.server, tb.browser
_page, _shot = tb._page, tb._shot

# every upload progress event the page's XMLHttpRequest fires, recorded beside the page's own handler
_RECORD_PROGRESS = """
window.__progress = [];
const open = XMLHttpRequest.prototype.open;
XMLHttpRequest.prototype.open = function (...args) {
  this.upload.addEventListener("progress", (e) => window.__progress.push([e.loaded, e.total]));
  return open.apply(this, args);
};
"""


def _person(ws: Workspace) -> int:
    with ws.read() as conn:
        return int(conn.execute(select(s.person.c.id).order_by(s.person.c.id)).scalars().first() or 0)


def _files(tmp: Path) -> list[Path]:
    big, small = tmp / "recording.bin", tmp / "letter.txt"
    big.write_bytes(os.urandom(24 * 1024 * 1024))
    small.write_text("편지: the letter from the camp\n", encoding="utf-8")
    return [big, small]


def test_two_files_upload_with_the_progress_bar_and_show_their_hashes(
    server: str, browser: Any, sqlite_ws: Workspace, tmp_path: Path
) -> None:
    person = _person(sqlite_ws)
    page = _page(browser, server, "documenter")
    page.add_init_script(_RECORD_PROGRESS)
    page.goto(f"/persons/{person}")
    files = _files(tmp_path)
    page.set_input_files("#u-files", [str(f) for f in files])
    page.fill("#u-received_from", "the witness's cousin")
    page.fill("#u-how", "USB stick, in person")
    page.click("#upload")
    page.wait_for_selector("#upload-result code.sha256 >> nth=1")
    shown = page.locator("#upload-result code.sha256").all_inner_texts()
    assert shown == [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]
    assert page.url.endswith(f"/persons/{person}")  # the page stayed: the answer came by XHR
    assert page.locator("#upload-progress").is_visible()
    assert page.eval_on_selector("#upload-progress", "e => e.value") == 100
    events = page.evaluate("window.__progress")
    total = events[-1][1]
    assert total > 24 * 1024 * 1024 and events[-1][0] == total
    assert page.input_value("#u-how") == ""  # the form is ready for the next files
    assert "the witness's cousin" not in page.content()
    _shot(page, "evidence-upload-en-desktop")
    page.goto(f"/persons/{person}")
    assert page.locator("#evidence .evidence-list tbody tr").count() == 2


def test_the_form_works_without_javascript(
    server: str, browser: Any, sqlite_ws: Workspace, tmp_path: Path
) -> None:
    person = _person(sqlite_ws)
    context = browser.new_context(base_url=server, java_script_enabled=False)
    page = context.new_page()
    page.goto("/login")
    page.fill("#name", "documenter")
    page.fill("#password", tb.PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"/persons/{person}")
    letter = tmp_path / "letter.txt"
    letter.write_text("a letter", encoding="utf-8")
    page.set_input_files("#u-files", str(letter))
    page.click("#upload")
    page.wait_for_url(f"{server}/persons/{person}/evidence")
    assert page.locator("#upload-done code.sha256").inner_text() == hashlib.sha256(b"a letter").hexdigest()
    context.close()


def test_item_and_custody_pages(server: str, browser: Any, sqlite_ws: Workspace, tmp_path: Path) -> None:
    person = _person(sqlite_ws)
    page = _page(browser, server, "documenter")
    page.goto(f"/persons/{person}")
    page.set_input_files("#u-files", str(_files(tmp_path)[1]))
    page.click("#upload")
    page.click("#upload-result .received h3 a")
    page.wait_for_selector("#sha512")
    assert page.locator("h1").inner_text() == "letter.txt"
    page.click("#custody")
    page.wait_for_selector("#custody-events")
    actions = page.locator(".custody-event").evaluate_all("els => els.map(e => e.dataset.action)")
    assert actions == ["evidence_received", "evidence_viewed"]
    assert "USB" not in page.content()


def test_consent_withdrawn_in_the_form_and_the_next_bundle_leaves_the_person_out(
    server: str, browser: Any, sqlite_ws: Workspace, tmp_path: Path
) -> None:
    person = _person(sqlite_ws)
    page = _page(browser, server, "documenter")
    page.goto(f"/persons/{person}")

    def record(decision: str, reason: str) -> None:
        page.select_option("#c-scope", "un")
        page.check(f"#c-{decision}")
        page.fill("#c-given_by", "the victim's daughter")
        page.select_option("#c-relation", "family")
        page.fill("#c-how", "signed form")
        page.fill("#c-reason", reason)
        page.click("#consent-save")
        page.wait_for_selector("#consent-saved")

    record("granted", "consent form of 3 March")
    assert page.locator("tr[data-scope=un] td").inner_text().startswith("Granted")
    first = create_bundle(sqlite_ws, out=tmp_path / "b1", recipient="OHCHR Seoul", scope="un", person=person)
    assert first.persons == [person]
    record("withdrawn", "asked by telephone")
    recall = page.locator("#recall")
    assert "OHCHR Seoul" in recall.inner_text() and "signed bundle" in recall.inner_text()
    assert page.locator("tr[data-scope=un] td").inner_text().startswith("Withdrawn")
    _shot(page, "consent-withdrawn-en-desktop")
    after = create_bundle(sqlite_ws, out=tmp_path / "b2", recipient="OHCHR Seoul", scope="un", person=person)
    assert (after.persons, after.withheld) == ([], 1)


def test_a_viewer_sees_no_control_and_forged_posts_are_refused(
    server: str, browser: Any, sqlite_ws: Workspace
) -> None:
    person = _person(sqlite_ws)
    viewer = _page(browser, server, "viewer")
    viewer.goto(f"/persons/{person}")
    assert viewer.locator("#upload-form").count() == 0
    assert viewer.locator("#consent-form").count() == 0
    assert viewer.locator("#consent").is_visible()
    forged = """async ([url, token]) => {
        const body = new FormData();
        body.append("csrf", token);
        body.append("files", new Blob(["forged"]), "forged.txt");
        return (await fetch(url, {method: "POST", body})).status;
    }"""
    token = viewer.get_attribute("form.inline input[name=csrf]", "value")
    assert viewer.evaluate(forged, [f"/persons/{person}/evidence", token]) == 403
    documenter = _page(browser, server, "documenter")
    documenter.goto(f"/persons/{person}")
    assert documenter.evaluate(forged, [f"/persons/{person}/evidence", "not the token"]) == 403
    consent = """async (url) => (await fetch(url, {method: "POST", body: new URLSearchParams(
        {scope: "publication", decision: "granted", given_by: "x", reason: "y"})})).status"""
    assert documenter.evaluate(consent, f"/persons/{person}/consent") == 403
    with sqlite_ws.read() as conn:
        assert conn.execute(select(s.evidence.c.id)).all() == []
        assert conn.execute(select(s.consent.c.id)).all() == []


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_new_pages_at_desktop_and_phone_width(
    server: str, browser: Any, sqlite_ws: Workspace, tmp_path: Path, lang: str
) -> None:
    person = _person(sqlite_ws)
    with sqlite_ws.read() as conn:
        case = conn.execute(select(s.case.c.id).where(s.case.c.person_id == person)).scalar()
    setup = _page(browser, server, "documenter", lang=lang)
    setup.goto(f"/persons/{person}")
    photo = tmp_path / "photo.jpg"
    from tests.evidence.files import jpeg_with_gps

    jpeg_with_gps(photo)
    setup.set_input_files("#u-files", [str(photo), str(_files(tmp_path)[1])])
    setup.fill("#u-description", "photos of the house")
    setup.click("#upload")
    setup.wait_for_selector("#upload-result code.sha256 >> nth=1")
    evidence = setup.locator("#upload-result .received").first.get_attribute("data-evidence")
    setup.context.close()
    for width, label in ((1280, "desktop"), (390, "phone")):
        page = _page(
            browser, server, "documenter", width=width, height=900 if width > 400 else 844, lang=lang
        )
        for url, name in (
            (f"/persons/{person}#consent", "person-evidence-consent"),
            (f"/evidence/{evidence}", "evidence-item"),
            (f"/evidence/{evidence}/custody", "evidence-custody"),
            (f"/cases/{case}", "case-evidence"),
        ):
            page.goto(url)
            _no_overflow(page)
            if name == "evidence-item":  # the photo: its GPS position and the warning
                assert page.locator("#gps").is_visible()
            if name == "person-evidence-consent":
                page.locator("#consent").scroll_into_view_if_needed()
            _shot(page, f"{name}-{lang}-{label}")
        page.context.close()
