"""Search for what an officer types: a surname alone, part of a name, a South Korean place.

Every query runs on SQLite and PostgreSQL against a registry imported through the importer;
each expects the exact persons in the exact order, with the score and the spelling matched.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.store.search_data import fill_names

from unforgotten.store.search import SearchFilters, search
from unforgotten.store.search_names import is_lone_surname, patterns
from unforgotten.store.workspace import Workspace


@pytest.fixture
def named(ws: Workspace, tmp_path: Path) -> tuple[Workspace, dict[int, str]]:
    ids = fill_names(ws, tmp_path)
    return ws, {pid: rid for rid, pid in ids.items()}


def _found(named: tuple[Workspace, dict[int, str]], query: str, **kw: object) -> list[tuple[str, float, str]]:
    ws, rid = named
    with ws.read() as conn:
        result = search(conn, query, **kw)  # type: ignore[arg-type]
    return [(rid[h.person_id], h.score, h.matched) for h in result.hits]


KIMS = {
    "Kim": [("K2", 1.0, "KIM Chol-min"), ("K1", 1.0, "Kim Chol-su"), ("K3", 0.95, "Gim Yong-ho"),
            ("K4", 0.9, "김영희")],
    "KIM": [("K2", 1.0, "KIM Chol-min"), ("K1", 1.0, "Kim Chol-su"), ("K3", 0.95, "Gim Yong-ho"),
            ("K4", 0.9, "김영희")],
    "김": [("K4", 1.0, "김영희"), ("K2", 1.0, "김철민"), ("K1", 1.0, "김철수"), ("K3", 0.9, "Gim Yong-ho")],
    "Gim": [("K1", 1.0, "Gim Cheol-su"), ("K3", 1.0, "Gim Yong-ho"), ("K2", 0.95, "KIM Chol-min"),
            ("K4", 0.9, "김영희")],
    "Pak": [("P2", 1.0, "Pak Chol"), ("P1", 1.0, "Pak Chol Su")],
    "Park": [("P1", 1.0, "Park Chul-soo"), ("P2", 0.95, "Pak Chol")],
    "박": [("P1", 1.0, "박철수"), ("P2", 0.9, "Pak Chol")],
    "Ri": [("L1", 1.0, "Ri Chol Su"), ("L2", 0.95, "Lee Min-ho"), ("L3", 0.95, "Yi Chol")],
    "Lee": [("L2", 1.0, "Lee Min-ho"), ("L1", 0.95, "Ri Chol Su"), ("L3", 0.95, "Yi Chol")],
    "이": [("L2", 1.0, "이민호"), ("L1", 0.95, "리철수"), ("L3", 0.9, "Yi Chol")],
}


@pytest.mark.parametrize("query", list(KIMS))
def test_a_surname_alone_finds_everyone_with_it_exact_spelling_first(
    named: tuple[Workspace, dict[int, str]], query: str
) -> None:
    assert _found(named, query) == KIMS[query]


def test_a_surname_alone_pages_and_counts(named: tuple[Workspace, dict[int, str]]) -> None:
    ws, rid = named
    with ws.read() as conn:
        first = search(conn, "Kim", limit=2)
        second = search(conn, "Kim", limit=2, offset=2)
    assert (first.total, second.total) == (4, 4)
    assert [rid[h.person_id] for h in first.hits + second.hits] == ["K2", "K1", "K3", "K4"]
    assert first.facets["case_type"] == {"abductee_postwar": 2, "detainee": 1, "pow": 1}


def test_a_surname_that_is_also_a_place_is_read_as_a_surname(
    named: tuple[Workspace, dict[int, str]],
) -> None:
    assert is_lone_surname("Hong") and _found(named, "Hong") == []
    assert [r for r, _, _ in _found(named, "Hongdo")] == ["K3", "L2", "J1"]


PARTS = {
    "Kim Chol": [("K1", 0.888, "Gim Cheol-su"), ("K2", 0.86, "KIM Chol-min")],
    "김철": [("K1", 0.888, "Gim Cheol-su"), ("K2", 0.86, "KIM Chol-min")],
    "철수": [("K1", 0.85, "Gim Cheol-su"), ("P1", 0.85, "Pak Chol Su"), ("L1", 0.85, "Ri Chol Su")],
    "Chol": [("P2", 0.85, "Pak Chol"), ("L3", 0.85, "Yi Chol"), ("K1", 0.738, "Gim Cheol-su"),
             ("P1", 0.738, "Pak Chol Su"), ("L1", 0.738, "Ri Chol Su")],
    "Chol-su Kim": [("K1", 1.0, "Gim Cheol-su")],
    "Chol Su": [("K1", 0.85, "Gim Cheol-su"), ("P1", 0.85, "Pak Chol Su"), ("L1", 0.85, "Ri Chol Su")],
    "Cholsu": [("K1", 0.85, "Gim Cheol-su"), ("P1", 0.85, "Pak Chol Su"), ("L1", 0.85, "Ri Chol Su")],
    "Chol-su": [("K1", 0.85, "Gim Cheol-su"), ("P1", 0.85, "Pak Chol Su"), ("L1", 0.85, "Ri Chol Su")],
}


@pytest.mark.parametrize("query", list(PARTS))
def test_part_of_a_name_ranked_best_first(named: tuple[Workspace, dict[int, str]], query: str) -> None:
    assert _found(named, query) == PARTS[query]


def test_hangul_prefix_is_compared_letter_by_letter() -> None:
    assert [(p.family, p.given, p.given_jamo) for p in patterns("김철")] == [
        ("KIM", "COL", "ㅊㅓㄹ"), (None, "KIMCOL", "ㄱㅣㅁㅊㅓㄹ")
    ]


@pytest.mark.parametrize(
    ("query", "place", "expected"),
    [("Hongdo", "KR-46-hongdo", ["K3", "L2", "J1"]), ("홍도", "KR-46-hongdo", ["K3", "L2", "J1"]),
     ("Hong-do", "KR-46-hongdo", ["K3", "L2", "J1"]),
     ("연평도", "KR-28-yeonpyeongdo", ["K4", "P1"]), ("Yŏnp'yŏng-do", "KR-28-yeonpyeongdo", ["K4", "P1"]),
     ("Incheon", "KR-28", ["K4", "P1", "L1"]), ("인천광역시", "KR-28", ["K4", "P1", "L1"]),
     ("선유도", "KR-45-seonyudo", ["J1"])],
)
def test_south_korean_places_by_case_or_birth_place(
    named: tuple[Workspace, dict[int, str]], query: str, place: str, expected: list[str]
) -> None:
    ws, rid = named
    with ws.read() as conn:
        result = search(conn, query)
    assert result.place == place
    assert [rid[h.person_id] for h in result.hits] == expected
    assert {h.matched for h in result.hits} == {place}


def test_status_and_sex_filters_and_facets(named: tuple[Workspace, dict[int, str]]) -> None:
    ws, rid = named
    with ws.read() as conn:
        women = search(conn, "", SearchFilters(sex="F"))
        detained = search(conn, "Chol", SearchFilters(status="detained"))
    assert [rid[h.person_id] for h in women.hits] == ["K4", "L3", "J1"]
    assert women.facets["sex"] == {"F": 3}
    assert women.facets["status"] == {"detained": 1, "returned": 1, "unresolved": 1}
    assert [rid[h.person_id] for h in detained.hits] == ["L3", "K1"]
    assert detained.facets["status"] == {"detained": 2}
