"""The source pages count live persons: overlap between lists and persons shared, exact, on both backends.

Three lists: A (5 records), B (3), C (2). Merged into one person each: A1+B1+C1 (on three lists),
A2+B2, A3+A4 (twice on one list) and B3+C2; A5 stays alone. Five live persons:

    pattern   ABC  AB  A  A  BC
    persons     1   1  1  1   1
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from tests.helpers import canonical_rows, write_csv

from unforgotten.ingest import import_file
from unforgotten.linkage.store import merge_persons
from unforgotten.store import queries
from unforgotten.store import schema as s
from unforgotten.store.workspace import Workspace
from unforgotten.web.views import source_page, sources_page

LISTS = {"A": 5, "B": 3, "C": 2}
MERGED = (("A1", "B1", "C1"), ("A2", "B2"), ("A3", "A4"), ("B3", "C2"))


def _person(ws: Workspace, key: str) -> int:
    """The person of record ``A1`` (list A, first row)."""
    r = s.source_record.c
    query = (
        select(r.person_id)
        .join(s.source)
        .where(s.source.c.name == f"List {key[0]}", r.record_id == f"R{int(key[1:]):06d}")
    )
    with ws.read() as conn:
        return int(conn.execute(query).scalar_one())


def _source_id(ws: Workspace, letter: str) -> int:
    with ws.read() as conn:
        return int(
            conn.execute(select(s.source.c.id).where(s.source.c.name == f"List {letter}")).scalar_one()
        )


@pytest.fixture
def lists(ws: Workspace, tmp_path: Path) -> Workspace:
    for letter, count in LISTS.items():
        import_file(ws, write_csv(tmp_path / f"{letter}.csv", canonical_rows(count)), source=f"List {letter}")
    for first, *others in MERGED:
        for other in others:
            merge_persons(ws, _person(ws, first), _person(ws, other))
    return ws


def test_sources_page_counts_and_overlap(lists: Workspace) -> None:
    with lists.read() as conn:
        page = sources_page(conn)
    assert [(x.name, x.records, x.persons) for x in page.sources] == [
        ("List A", 5, 5),
        ("List B", 3, 3),
        ("List C", 2, 2),
    ]
    assert page.overlap == [[4, 2, 1], [2, 3, 2], [1, 2, 2]]


def test_source_page_persons_shared_with_each_other_list(lists: Workspace) -> None:
    with lists.read() as conn:
        shared = {x: list(source_page(conn, _source_id(lists, x)).shared_with.items()) for x in LISTS}
    assert shared == {
        "A": [("List B", 2), ("List C", 1)],
        "B": [("List A", 2), ("List C", 2)],
        "C": [("List B", 2), ("List A", 1)],
    }


def test_capture_patterns_are_counted_per_live_person(lists: Workspace) -> None:
    a, b, c = (_source_id(lists, x) for x in LISTS)
    with lists.read() as conn:
        patterns = queries.source_patterns(conn)
    assert patterns == {
        frozenset({a, b, c}): 1,
        frozenset({a, b}): 1,
        frozenset({a}): 2,
        frozenset({b, c}): 1,
    }


def test_a_merge_shows_at_once(lists: Workspace) -> None:
    merge_persons(lists, _person(lists, "A5"), _person(lists, "B3"))  # A5 joins B3+C2: now on A, B, C
    with lists.read() as conn:
        page = sources_page(conn)
        shared = source_page(conn, _source_id(lists, "C")).shared_with
    assert page.overlap == [[4, 3, 2], [3, 3, 2], [2, 2, 2]]
    assert list(shared.items()) == [("List A", 2), ("List B", 2)]
