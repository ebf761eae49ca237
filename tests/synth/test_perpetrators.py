"""The synthetic lists' perpetrator and facility columns: one truth per person, written in each
list's spelling; imported with the starter set, every unit matches and only the holding centre
the starter set lacks (and the made-up officers) become proposals."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from unforgotten.accountability import Accountability, match_facility, match_organisation
from unforgotten.accountability import proposals as p
from unforgotten.accountability.starter import load_starter
from unforgotten.ingest import import_file
from unforgotten.store.schema_accountability import attribution
from unforgotten.store.workspace import Workspace
from unforgotten.synth import generate_population, make_lists, preset, write_list
from unforgotten.synth.perpetrators import PERPETRATOR_COLUMNS, true_act


def _made(persons: int = 400):  # type: ignore[no-untyped-def]
    population = generate_population(persons, seed=5)
    return population, make_lists(population, preset("mixed", lists=3), seed=6, perpetrators=True)


def test_the_columns_come_only_when_asked_for() -> None:
    population = generate_population(200, seed=5)
    plain = make_lists(population, preset("mixed", lists=2), seed=6)
    asked = make_lists(population, preset("mixed", lists=2), seed=6, perpetrators=True)
    for before, after in zip(plain.lists, asked.lists, strict=True):
        assert not set(PERPETRATOR_COLUMNS) & set(before.columns)
        assert after.columns == before.columns + PERPETRATOR_COLUMNS
        assert [{k: r[k] for k in before.columns} for r in after] == list(before)


def test_every_list_writes_one_truth_in_its_own_spelling() -> None:
    population, made = _made()
    by_id = {person.person_id: person for person in population.persons}
    filled = 0
    for source in made.lists:
        for row in source:
            assert set(PERPETRATOR_COLUMNS) <= set(row)
            if not row["perpetrator_unit"]:
                continue
            filled += 1
            truth = true_act(by_id[made.truth[(source.name, row["record_id"])]])
            assert row["perpetrator_unit"] in truth.units
            assert (row["facility"] == "") == (truth.facility is None)
    assert filled > 100


def test_imported_with_the_starter_set_units_and_camps_match(ws: Workspace, tmp_path: Path) -> None:
    load_starter(Accountability(ws))
    _, made = _made()
    source = made.lists[0]
    import_file(ws, write_list(source, tmp_path), source=source.name)
    with ws.read() as conn:
        units = Counter(row["perpetrator_unit"] for row in source if row["perpetrator_unit"])
        assert all(match_organisation(conn, unit) is not None for unit in units)
        places = {row["facility"] for row in source if row["facility"]}
        unknown = {f for f in places if match_facility(conn, f) is None}
        attributed = conn.execute(select(func.count()).select_from(attribution)).scalar_one()
    assert unknown <= {"온성 집결소", "Onsong holding centre"}
    assert attributed >= sum(units.values())
    fields = Counter(x["field"] for x in p.list_proposals(ws))
    assert set(fields) <= {"facility", "perpetrator_name"}
