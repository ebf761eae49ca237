"""The search index: any spelling in any script, places, filters, facets; SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.web.data import fill

from unforgotten.store.search import SearchFilters, index_is_stale, refresh_index, search
from unforgotten.store.workspace import Workspace


@pytest.fixture
def filled(ws: Workspace, tmp_path: Path) -> Workspace:
    fill(ws, tmp_path)
    refresh_index(ws)
    return ws


@pytest.mark.parametrize("query", ["이영희", "Lee Young-hee", "Ri Yong Hui", "Yi Yŏng-hŭi", "리영희"])
def test_every_spelling_finds_the_same_person(filled: Workspace, query: str) -> None:
    with filled.read() as conn:
        result = search(conn, query)
    assert [h.primary_name for h in result.hits][:1] == ["이영희"]
    assert result.hits[0].names == ("Lee Young-hee", "이영희", "Ri Yong Hui", "Yi Yŏng-hŭi")
    assert result.hits[0].case_types == ("abductee_postwar",)


def test_refresh_is_incremental(filled: Workspace, tmp_path: Path) -> None:
    assert refresh_index(filled) == 0
    with filled.read() as conn:
        assert not index_is_stale(conn)


def test_place_in_any_spelling(filled: Workspace) -> None:
    for query in ("함경북도", "Hamgyong-bukto", "North Hamgyong"):
        with filled.read() as conn:
            result = search(conn, query)
        assert result.place == "KP-09", query
        assert sorted(h.primary_name for h in result.hits) == ["이영희", "최춘길"], query


def test_filters_and_facets(filled: Workspace) -> None:
    with filled.read() as conn:
        detainees = search(conn, "", SearchFilters(case_type="detainee"))
        dated = search(conn, "", SearchFilters(date_from=dt.date(1977, 1, 1), date_to=dt.date(1979, 1, 1)))
        everyone = search(conn, "", SearchFilters(source="NGO database"))
    assert sorted(h.primary_name for h in detainees.hits) == ["김철수", "최춘길"]
    assert detainees.facets["case_type"] == {"detainee": 2}
    assert sorted(h.primary_name for h in dated.hits) == ["이영희", "정수아"]
    assert everyone.facets["source"] == {"NGO database": 2}


def test_unknown_name_finds_nothing(filled: Workspace) -> None:
    with filled.read() as conn:
        result = search(conn, "Zzyzx Qwerty")
    assert (result.total, result.hits) == (0, ())
