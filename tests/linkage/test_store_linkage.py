"""Linkage against the registry on SQLite and PostgreSQL: persons written back, decisions kept."""

from __future__ import annotations

import csv
from itertools import combinations
from pathlib import Path

from sqlalchemy import select

from unforgotten.ingest import import_file
from unforgotten.linkage import LinkageConfig
from unforgotten.linkage.store import decide, link_store, merge_persons, review_queue, split_person
from unforgotten.store import queries
from unforgotten.store import schema as s
from unforgotten.store.export import export
from unforgotten.store.schema_linkage import link_run
from unforgotten.store.verify import verify_store
from unforgotten.store.workspace import Workspace
from unforgotten.synth import generate_population, make_lists, preset
from unforgotten.synth.writers import write_list


def _pairs(groups: dict[str, set[tuple[str, str]]]) -> set[frozenset[tuple[str, str]]]:
    return {frozenset(p) for g in groups.values() for p in combinations(sorted(g), 2)}


def test_link_review_merge_split_on_the_registry(ws: Workspace, tmp_path: Path) -> None:
    synthetic = make_lists(generate_population(400, seed=3), preset("mixed", lists=3), seed=4)
    for source in synthetic.lists:
        import_file(ws, write_list(source, tmp_path), source=source.name)
    report = link_store(ws, config=LinkageConfig(review_band=(0.3, 0.99)))
    assert report.records == len(synthetic.truth)
    out = tmp_path / "clusters.csv"
    export(ws, "clusters", out)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == ["source", "record_id", "person_id", "match_probability"]
    found: dict[str, set[tuple[str, str]]] = {}
    truth: dict[str, set[tuple[str, str]]] = {}
    for row in rows:
        key = (row["source"], row["record_id"])
        found.setdefault(row["person_id"], set()).add(key)
        truth.setdefault(synthetic.truth[key], set()).add(key)
    predicted, actual = _pairs(found), _pairs(truth)
    precision, recall = len(predicted & actual) / len(predicted), len(predicted & actual) / len(actual)
    assert precision > 0.95 and recall > 0.9, (precision, recall)

    with ws.read() as conn:
        queue = review_queue(conn)
        persons_before = queries.stats(conn)["persons"]
    assert queue, "a 400-person population leaves some pairs to review"
    first = queue[0]
    accepted = decide(ws, first["pair_id"], "accepted", note="same father")
    with ws.read() as conn:
        merged = first["left"]["person_id"] != first["right"]["person_id"]
        assert queries.stats(conn)["persons"] == persons_before - merged
        person = accepted["person_id"]
        records = [r["id"] for r in queries.person_detail(conn, person)["records"]]
    assert {first["left"]["record"], first["right"]["record"]} <= set(records)

    moved = split_person(ws, person, [first["right"]["record"]], note="brothers")
    link_store(ws, config=LinkageConfig(review_band=(0.3, 0.95)))  # decisions survive a new run
    with ws.read() as conn:
        root = {
            rid: merged or person
            for rid, person, merged in conn.execute(
                select(s.source_record.c.id, s.person.c.id, s.person.c.merged_into).join(
                    s.person, s.person.c.id == s.source_record.c.person_id
                )
            )
        }
        assert verify_store(conn).ok
    assert root[first["right"]["record"]] != root[first["left"]["record"]]
    kept = merge_persons(ws, first["left"]["person_id"], moved).person_id
    with ws.read() as conn:
        detail = queries.person_detail(conn, kept)
        assert {first["left"]["record"], first["right"]["record"]} <= {r["id"] for r in detail["records"]}
        assert verify_store(conn).ok


def test_link_reports_place_resolution_and_expected_errors(ws: Workspace, tmp_path: Path) -> None:
    synthetic = make_lists(generate_population(300, seed=5), preset("mixed", lists=3), seed=6)
    for source in synthetic.lists:
        import_file(ws, write_list(source, tmp_path), source=source.name)
    report = link_store(ws)
    assert set(report.place_resolution) == set(synthetic.list_names)
    for places in report.place_resolution.values():
        assert 0 < places["birth_place"]["resolved"] <= places["birth_place"]["written"]
    assert report.calibration["source"] == "labelled synthetic lists"
    assert report.error_budget["merged_pairs"] > 0
    assert 0 <= report.error_budget["merged_false_expected"] < report.error_budget["merged_pairs"]
    assert report.reliability == []  # no review decisions yet
    with ws.read() as conn:
        counts = conn.execute(select(link_run.c.counts)).scalar_one()
    assert counts["place_resolution"] == report.place_resolution
    assert counts["error_budget"] == report.error_budget
