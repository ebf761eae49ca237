"""The workbench's forms in real headless Chromium: enter a person with a Hangul name and a
partial date, correct the year, see the difference, restore; a stale save from a second browser
refused and carried over; review by a second person; a viewer sees no edit control and a forged
POST is refused; the forms at phone width stay in one column without overflow. Screenshots of
the forms go to docs/screenshots/ when UNFORGOTTEN_SCREENSHOTS is set.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from tests.web import test_browser as tb

from unforgotten.records import Records
from unforgotten.store.workspace import Workspace

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(tb.CHROMIUM).exists(), reason="no /usr/bin/chromium"),
]
server, browser = tb.server, tb.browser  # the same served registry and Chromium as test_browser
_page, _shot = tb._page, tb._shot

SOURCE = "Families association"


def _enter_person(page: Any, server: str, *, name: str = "Kim Chol-su", hangul: str = "김철수") -> int:
    page.goto("/persons/new")
    page.fill("#f-name", name)
    page.click("#f-name_hangul")
    page.keyboard.type(hangul)  # typed key by key, as a Korean keyboard's composed text arrives
    page.select_option("#f-name_system", "mr")
    page.select_option("#f-sex", "M")
    page.click("#f-birth_date")
    page.keyboard.type("1977-08")
    page.fill("#f-birth_place", "Chongjin")
    page.select_option("#f-source", SOURCE)
    page.fill("#f-reason", "testimony of his sister")
    page.keyboard.press("Enter")  # Enter submits the form
    page.wait_for_url(re.compile(r".*/persons/\d+\?saved=1$"))
    return int(re.search(r"/persons/(\d+)", page.url).group(1))  # type: ignore[union-attr]


def test_enter_correct_see_the_difference_and_restore(
    server: str, browser: Any, sqlite_ws: Workspace
) -> None:
    page = _page(browser, server, "documenter")
    person = _enter_person(page, server)
    assert page.locator("#state").inner_text() == "draft"
    assert Records(sqlite_ws).show("person", person)["document"]["name_hangul"] == "김철수"
    page.click("#edit")
    assert page.input_value("#f-birth_date") == "1977-08"
    assert page.input_value("#f-name_hangul") == "김철수"
    page.fill("#f-birth_date", "1978-08")
    page.fill("#f-reason", "the family corrected the year")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*\?saved=2$"))
    change = page.locator("#v2 tr[data-field=birth_date]")
    assert change.locator("td.old").inner_text() == "1977-08"
    assert change.locator("td.new").inner_text() == "1978-08"
    page.fill("#restore-reason-1", "the correction was wrong")
    page.click("#restore-1")
    page.wait_for_url(re.compile(r".*\?saved=3$"))
    assert "Born: 1977-08" in page.locator("main > p.muted").first.inner_text()
    assert page.locator("#v3 tr[data-field=birth_date] td.new").inner_text() == "1977-08"


def test_a_stale_save_is_refused_and_carried_over(server: str, browser: Any, sqlite_ws: Workspace) -> None:
    first = _page(browser, server, "documenter")
    person = _enter_person(first, server)
    second = _page(browser, server, "admin", lang="ko")  # another person, another browser context
    first.goto(f"/persons/{person}/edit")
    second.goto(f"/persons/{person}/edit")
    first.fill("#f-birth_date", "1978-08")
    first.fill("#f-reason", "year corrected")
    first.click("#save")
    first.wait_for_url(re.compile(r".*\?saved=2$"))
    second.fill("#f-aliases", "Kim Cheol-su|Gim Cheolsu")
    second.fill("#f-reason", "spellings of the second list")
    with second.expect_response(lambda r: r.request.method == "POST") as answer:
        second.click("#save")
    assert answer.value.status == 409
    assert second.locator("#stale-h").inner_text() == "다른 사람이 먼저 저장했습니다"
    assert second.input_value("#f-aliases") == "Kim Cheol-su|Gim Cheolsu"  # nothing typed is lost
    assert second.input_value("#f-birth_date") == "1978-08"  # their change is kept
    assert second.input_value("#f-reason") == "spellings of the second list"
    assert second.locator("tr[data-field=birth_date] td.theirs").inner_text() == "1978-08"
    _shot(second, "stale-ko-desktop")
    second.click("#save")
    second.wait_for_url(re.compile(r".*\?saved=3$"))
    document = Records(sqlite_ws).show("person", person)["document"]
    assert (document["birth_date"], document["aliases"]) == ("1978-08", "Kim Cheol-su|Gim Cheolsu")


def test_a_documenter_cannot_approve_their_own_draft(server: str, browser: Any) -> None:
    documenter = _page(browser, server, "documenter")
    person = _enter_person(documenter, server)
    documenter.goto("/drafts")
    documenter.click(f"#approve-person-{person}")
    assert "a second person must approve it" in documenter.locator("#refused").inner_text()
    _shot(documenter, "drafts-en-desktop")
    admin = _page(browser, server, "admin")
    admin.goto("/drafts")
    admin.click(f"#approve-person-{person}")
    admin.wait_for_url(re.compile(r".*/drafts\?saved=1$"))
    assert admin.locator(f"#draft-person-{person}").count() == 0
    admin.goto(f"/persons/{person}")
    assert admin.locator("#state").inner_text() == "approved"


def test_a_viewer_sees_no_edit_control_and_a_forged_post_is_refused(server: str, browser: Any) -> None:
    documenter = _page(browser, server, "documenter")
    draft = _enter_person(documenter, server)
    viewer = _page(browser, server, "viewer")
    assert viewer.goto(f"/persons/{draft}").status == 404  # drafts are for the team
    viewer.goto("/persons?q=Lee+Young-hee")
    viewer.click(".hit .hitname")
    person = int(re.search(r"/persons/(\d+)", viewer.url).group(1))  # type: ignore[union-attr]
    assert viewer.locator("#version").is_visible()
    controls = "#edit, #approve, #retire, form[action*='/restore'], form[action*='/prefer']"
    assert viewer.locator(controls).count() == 0
    token = viewer.locator("input[name=csrf]").first.get_attribute("value")
    form = {"name": "Forged", "reason": "forged", "expect_version": "1"}
    assert viewer.request.post(f"/persons/{person}/edit", form={**form, "csrf": token}).status == 403
    no_token = documenter.request.post(f"/persons/{person}/edit", form=form)
    assert no_token.status == 403
    assert "CSRF" in no_token.text()
    documenter.goto(f"/persons/{person}")
    assert documenter.locator("#edit").is_visible()


def _no_overflow(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_forms_at_desktop_and_phone_width(server: str, browser: Any, lang: str) -> None:
    documenter = _page(browser, server, "documenter", lang=lang)
    person = _enter_person(documenter, server)
    documenter.goto(f"/persons/{person}/cases/new")
    documenter.select_option("#f-case_type", "abductee_postwar")
    documenter.fill("#f-event_date", "1977-08")
    documenter.fill("#f-reason", "testimony")
    documenter.click("#save")
    documenter.wait_for_url(re.compile(r".*/cases/\d+\?saved=1$"))
    case = int(re.search(r"/cases/(\d+)", documenter.url).group(1))  # type: ignore[union-attr]
    for width, label in ((1280, "desktop"), (390, "phone")):
        page = _page(
            browser, server, "documenter", width=width, height=900 if width > 400 else 844, lang=lang
        )
        page.goto("/persons/new")
        _no_overflow(page)
        name, hangul = page.locator("#f-name").bounding_box(), page.locator("#f-name_hangul").bounding_box()
        if label == "phone":  # one column: each field below the one before
            assert hangul["y"] > name["y"] + name["height"] and abs(hangul["x"] - name["x"]) < 2
        else:
            assert abs(hangul["y"] - name["y"]) < 2  # side by side
        page.keyboard.press("Tab")  # the skip link first, then the page in order
        assert page.evaluate("document.activeElement.className") == "skip"
        _shot(page, f"person-form-{lang}-{label}")
        page.fill("#f-birth_date", "next spring")
        page.click("#save")
        assert page.locator("#err-birth_date").is_visible()
        assert page.get_attribute("#f-birth_date", "aria-invalid") == "true"
        _no_overflow(page)
        _shot(page, f"person-form-errors-{lang}-{label}")
        page.goto(f"/persons/{person}/edit")
        _no_overflow(page)
        _shot(page, f"person-edit-{lang}-{label}")
        page.goto(f"/persons/{person}")
        _no_overflow(page)
        _shot(page, f"person-record-{lang}-{label}")
        page.goto(f"/persons/{person}/cases/new")
        _no_overflow(page)
        _shot(page, f"case-form-{lang}-{label}")
        page.goto(f"/cases/{case}/incidents/new")
        _no_overflow(page)
        _shot(page, f"incident-form-{lang}-{label}")
        page.goto(f"/cases/{case}")
        _no_overflow(page)
        page.goto("/sources/new")
        _no_overflow(page)
        _shot(page, f"source-form-{lang}-{label}")
        page.goto("/drafts")
        _no_overflow(page)
        page.context.close()
