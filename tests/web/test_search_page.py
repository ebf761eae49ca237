"""The search page: surnames and parts of names, ROK places, facet labels in the page's language."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.store.search_data import fill_names
from tests.web.conftest import PASSWORD, SECRET, login

from unforgotten.store.workspace import Workspace
from unforgotten.web.accounts import add_user
from unforgotten.web.app import create_app
from unforgotten.web.config import WebSettings


@pytest.fixture
def viewer(ws: Workspace, tmp_path: Path) -> Iterator[Callable[[str], TestClient]]:
    fill_names(ws, tmp_path)
    add_user(ws, "viewer", role="viewer", password=PASSWORD)
    app = create_app(WebSettings(ws.settings, SECRET), engine=ws.engine)
    with TestClient(app) as client:
        login(client, "viewer")

        def in_language(lang: str) -> TestClient:
            client.get(f"/lang/{lang}")
            return client

        yield in_language


def test_json_twin_keeps_codes_and_adds_labels(viewer: Callable[[str], TestClient]) -> None:
    found = viewer("en").get("/api/persons", params={"q": "Kim"}).json()
    matched = [h["matched"] for h in found["results"]]
    assert matched == ["KIM Chol-min", "Kim Chol-su", "Gim Yong-ho", "김영희"]
    assert found["facets"]["province"] == {"KP-01": 1, "KR-28": 1, "KR-46": 1, "unresolved": 1}
    assert found["facet_labels"]["province"] == {
        "KP-01": {"en": "Pyongyang", "ko": "평양직할시"},
        "KR-28": {"en": "Incheon", "ko": "인천광역시"},
        "KR-46": {"en": "South Jeolla", "ko": "전라남도"},
        "unresolved": {"en": "Unresolved place", "ko": "미확인 장소"},
    }
    labels = found["facet_labels"]
    assert labels["case_type"]["pow"] == {"en": "Unrepatriated prisoner of war", "ko": "국군포로"}
    assert labels["sex"] == {"M": {"en": "male", "ko": "남"}, "F": {"en": "female", "ko": "여"}}
    assert found["facet_labels"]["status"]["detained"] == {"en": "Still detained", "ko": "억류 중"}
    assert found["facet_labels"]["source"] == {
        "Families association": {"en": "Families association", "ko": "Families association"}
    }


@pytest.mark.parametrize(
    ("lang", "shown", "hidden"),
    [
        ("ko", ["전라남도", "인천광역시", "평양직할시", "미확인 장소", "전후 납북자", "억류자", "국군포로",
                "남", "여", "미해결(생사 불명)", "억류 중"],
         ["Post-war abductee", "South Jeolla", "Still detained"]),
        ("en", ["South Jeolla", "Incheon", "Pyongyang", "Unresolved place", "Post-war abductee",
                "Detainee held in the DPRK", "Unrepatriated prisoner of war", "male", "female",
                "Unresolved: fate unknown", "Still detained"],
         ["전라남도", "전후 납북자", "억류 중"]),
    ],
)
def test_facets_show_labels_in_the_page_language_never_codes(
    viewer: Callable[[str], TestClient], lang: str, shown: list[str], hidden: list[str]
) -> None:
    html = viewer(lang).get("/persons", params={"q": "Kim"}).text
    facets = html[html.index('<aside class="facets"') : html.index("</aside>")]
    for text in shown:
        assert f">{text}</a>" in facets, text
    for text in hidden:
        assert text not in html, text
    for code in ("KR-46", "KP-01", "abductee_postwar", "detainee"):
        assert f">{code}<" not in html, code


def test_place_and_hit_tags_are_labelled(viewer: Callable[[str], TestClient]) -> None:
    html = viewer("ko").get("/persons", params={"q": "Hongdo"}).text
    assert "<strong>3</strong>" in html and "장소: 홍도" in html and "일치: 홍도" in html
    assert '<span class="tag alt">전라남도</span>' in html
    assert "KR-46-hongdo<" not in html and ">KR-46<" not in html
    found = viewer("en").get("/api/persons", params={"q": "연평도"}).json()
    assert (found["place"], found["place_label"]) == (
        "KR-28-yeonpyeongdo", {"en": "Yeonpyeong Island", "ko": "연평도"}
    )


def test_status_and_sex_filters_from_the_page(viewer: Callable[[str], TestClient]) -> None:
    found = viewer("en").get("/api/persons", params={"q": "Chol", "status": "detained"}).json()
    assert [h["primary_name"] for h in found["results"]] == ["Yi Chol", "김철수"]
    women = viewer("en").get("/api/persons", params={"sex": "F"}).json()
    assert women["total"] == 3 and women["facets"]["sex"] == {"F": 3}
