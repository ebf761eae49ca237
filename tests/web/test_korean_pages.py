"""The main pages in Korean show no raw code of the vocabularies: labels in Korean instead.

Text shown as it was written is left out: the row of a record as imported, the compared fields of
a review pair, the column mapping, the reasons in the version history and the estimators' notes
(English messages); so are the search facets, whose labels are another change's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.web.conftest import csrf_of
from tests.web.data import add_review_pairs

from unforgotten.linkage.merges import merge_persons
from unforgotten.store import schema as s
from unforgotten.store.workspace import Workspace
from unforgotten.tracking.store import seed_demo
from unforgotten.web.labels import VOCABULARIES, vocabulary_labels

# classes of elements whose text is shown as written: rows as imported, the compared fields of a
# review pair, the audit log's reasons, the estimators' own notes, and the search facets
_AS_IMPORTED = ("raw", "compare-fields", "log", "notes", "facets")


class _Visible(HTMLParser):
    """The text a reader sees, without scripts, styles and elements holding data as imported."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self._skip: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self._skip or tag in ("script", "style", "pre") or set(classes) & set(_AS_IMPORTED):
            self._skip.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)


def _codes() -> set[str]:
    """Codes a reader could mistake for words: every vocabulary code of three characters or more."""
    return {code for name in VOCABULARIES for code in vocabulary_labels(name) if len(code) >= 3}


def raw_codes(html: str) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    # an actor such as "web:analyst" is one word, not the code "web"
    words = re.findall(r"[A-Za-z][A-Za-z0-9_\-:]*[A-Za-z0-9]", " ".join(parser.chunks))
    return sorted(set(words) & _codes())


def test_the_checker_finds_raw_codes() -> None:
    html = (
        '<p>KP-09 forcibly_returned <span class="tag">unresolved</span></p>'
        '<table class="raw"><td>pow</td></table><td class="small log">merged by hand</td>'
    )
    assert raw_codes(html) == ["KP-09", "forcibly_returned", "unresolved"]


def _ids(ws: Workspace) -> dict[str, int]:
    with ws.read() as conn:
        return dict(conn.execute(select(s.source_record.c.record_id, s.source_record.c.person_id)).all())


@pytest.fixture
def korean(registry: Workspace, client_for: Callable[[str], TestClient]) -> TestClient:
    ids = _ids(registry)
    merge_persons(registry, ids["A2"], ids["B1"])  # two reports of one detention
    seed_demo(registry)
    add_review_pairs(registry)
    analyst = client_for("analyst")
    for by in ("all", "case_type"):
        ran = analyst.post(
            "/estimates", data={"by": by, "csrf": csrf_of(analyst)}, headers={"accept": "application/json"}
        )
        assert ran.status_code == 200
    analyst.cookies.set("lang", "ko")
    return analyst


def test_main_pages_in_korean_show_no_raw_codes(registry: Workspace, korean: TestClient) -> None:
    ids = _ids(registry)
    with registry.read() as conn:
        case = conn.execute(select(s.case.c.id).where(s.case.c.person_id == ids["A1"])).scalar_one()
    pages = [
        "/",
        f"/persons/{ids['A1']}",
        f"/persons/{ids['A2']}",
        f"/cases/{case}",
        "/sources",
        "/sources/1",
        "/batches/1",
        "/estimates",
        "/estimates?by=case_type",
        "/rounds",
        "/rounds/1",
        "/map",
        "/review",
        "/persons?q=이영희",
    ]
    found = {}
    for url in pages:
        response = korean.get(url)
        assert response.status_code == 200, url
        assert '<html lang="ko"' in response.text, url
        found[url] = raw_codes(response.text)
    assert found == {url: [] for url in pages}
