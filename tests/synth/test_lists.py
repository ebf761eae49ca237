from __future__ import annotations

import re
from collections import Counter

import pytest

from unforgotten.domain.dates import parse_partial_date
from unforgotten.domain.vocab import CASE_STATUSES, CASE_TYPES, SEX
from unforgotten.synth import (
    CANONICAL_COLUMNS,
    PROTECTED_COLUMNS,
    SyntheticLists,
    generate_population,
    make_lists,
    preset,
)
from unforgotten.synth.styles import style_for

from .conftest import ManyVariantSpeller, stub_name

HANGUL = re.compile("[가-힣]")
CONTACT = re.compile(r"^(\+82-10-0000-\d{4}|informant\d{5}@example\.org)$")
FORMAT_PATTERNS = {
    "iso": r"\d{4}-\d{2}-\d{2}",
    "year_month": r"\d{4}-\d{2}",
    "year": r"\d{4}",
    "month_name": r"[A-Z][a-z]+ \d{4}",
    "korean": r"\d{4}년 \d{1,2}월 \d{1,2}일",
    "korean_month": r"\d{4}년 \d{1,2}월",
    "dotted": r"\d{4}\.\d{1,2}\.\d{1,2}",
    "circa": r"c\. \d{4}",
    "korean_circa": r"약 \d{4}",
    "blank": r"",
}


def date_format(text: str) -> str:
    for name, pattern in FORMAT_PATTERNS.items():
        if re.fullmatch(pattern, text):
            return name
    raise AssertionError(f"unrecognised date {text!r}")


@pytest.fixture(scope="module")
def made() -> SyntheticLists:
    population = generate_population(6_000, seed=21, name_source=stub_name)
    return make_lists(population, preset("mixed"), seed=22, duplicate_rate=0.1,
                      speller=ManyVariantSpeller())


def test_every_row_has_a_record_id_and_a_name(made: SyntheticLists) -> None:
    for source in made.lists:
        ids = [row["record_id"] for row in source]
        assert len(set(ids)) == len(ids)
        assert all(re.fullmatch(rf"{source.style.prefix}-\d{{6}}", rid) for rid in ids)
        assert all(row["full_name"].strip() for row in source)
        assert all(tuple(row) == source.columns for row in source)
        assert source.columns[: len(CANONICAL_COLUMNS)] == CANONICAL_COLUMNS


def test_truth_covers_every_row_and_only_captured_persons(made: SyntheticLists) -> None:
    assert len(made.truth) == sum(len(source) for source in made.lists)
    members = made.capture.members()
    for source in made.lists:
        persons = {made.truth[(source.name, row["record_id"])] for row in source}
        assert persons == set(members[source.name])


def test_duplicates_come_at_the_set_rate_with_another_spelling(made: SyntheticLists) -> None:
    persons = sum(len(ids) for ids in made.capture.members().values())
    per_person = Counter((lst, pid) for (lst, _), pid in made.truth.items())
    twice = [key for key, count in per_person.items() if count == 2]
    assert max(per_person.values()) == 2
    assert len(twice) == pytest.approx(0.1 * persons, abs=5 * (0.09 * persons) ** 0.5)
    names: dict[tuple[str, str], list[str]] = {}
    for source in made.lists:
        for row in source:
            names.setdefault((source.name, made.truth[(source.name, row["record_id"])]), []).append(
                row["full_name"])
    assert all(len(set(names[key])) == 2 for key in twice)


def test_date_formats_follow_each_list_style(made: SyntheticLists) -> None:
    for position, source in enumerate(made.lists):
        style = style_for(source.name, position)
        seen = Counter(date_format(row["birth_date"]) for row in source)
        assert set(seen) == set(style.birth_formats), source.name
        for name, weight in style.birth_formats.items():
            assert seen[name] / len(source) == pytest.approx(weight, abs=0.04), (source.name, name)


def test_written_birth_years_stay_near_the_truth(made: SyntheticLists) -> None:
    people = made.population.by_id
    for source in made.lists:
        for row in source:
            parsed = parse_partial_date(row["birth_date"])
            true = people[made.truth[(source.name, row["record_id"])]].birth_date
            if parsed.year is not None:
                assert abs(parsed.year - true.year) <= 3


def test_protected_columns_only_where_intended(made: SyntheticLists) -> None:
    for position, source in enumerate(made.lists):
        share = style_for(source.name, position).informants
        named = [row for row in source if row["informant_name"]]
        assert all(bool(row["informant_contact"]) == bool(row["informant_name"]) for row in source)
        if share == 0:
            assert named == []
        else:
            assert len(named) / len(source) == pytest.approx(share, abs=0.04)
            assert all(CONTACT.match(row["informant_contact"]) for row in named)
    assert {s.name for s in made.lists if any(r[PROTECTED_COLUMNS[0]] for r in s)} == {
        "families", "ngo_db"}


def test_sex_is_written_in_accepted_notations(made: SyntheticLists) -> None:
    written = {row["sex"] for source in made.lists for row in source}
    assert written == {"", "M", "F", "남", "여", "male", "female", "Male", "Female"}
    assert {SEX.normalise(value) for value in written - {""}} == {"M", "F"}


def test_codes_by_default_labels_with_vocabulary_noise() -> None:
    population = generate_population(400, seed=5, name_source=stub_name)
    plain = make_lists(population, preset("independent"), seed=6, speller=ManyVariantSpeller())
    assert {r["case_type"] for s in plain.lists for r in s} <= set(CASE_TYPES.codes)
    noisy = make_lists(population, preset("independent"), seed=6, vocabulary_noise=1.0,
                       speller=ManyVariantSpeller())
    for source in noisy.lists:
        for row in source:
            true = noisy.population.by_id[noisy.truth[(source.name, row["record_id"])]]
            assert row["case_type"] != true.case_type
            assert CASE_TYPES.normalise(row["case_type"]) == true.case_type
            assert CASE_STATUSES.normalise(row["status"]) == true.status


def test_same_seed_same_lists() -> None:
    population = generate_population(300, seed=8, name_source=stub_name)
    a = make_lists(population, preset("mixed"), seed=9, speller=ManyVariantSpeller())
    b = make_lists(population, preset("mixed"), seed=9, speller=ManyVariantSpeller())
    c = make_lists(population, preset("mixed"), seed=10, speller=ManyVariantSpeller())
    assert [s.rows for s in a.lists] == [s.rows for s in b.lists]
    assert a.truth == b.truth
    assert [s.rows for s in a.lists] != [s.rows for s in c.lists]


def test_float_date_noise_and_lookup(made: SyntheticLists) -> None:
    population = generate_population(100, seed=8, name_source=stub_name)
    made_plain = make_lists(population, preset("independent", lists=2), seed=1, date_noise=0.0,
                            duplicate_rate=0.0, name_noise=0.0, speller=ManyVariantSpeller())
    ministry = made_plain["ministry"]
    for row in ministry:
        true = population.by_id[made_plain.truth[("ministry", row["record_id"])]]
        if date_format(row["birth_date"]) == "iso":
            assert row["birth_date"] == true.birth_date.isoformat()
        assert row["full_name"] == true.name_hangul
    with pytest.raises(KeyError):
        made["nope"]
    assert made.list_names == preset("mixed").list_names


def test_real_speller_mixes_scripts_by_list_style() -> None:
    population = generate_population(1_500, seed=41)
    made = make_lists(population, preset("independent"), seed=42, duplicate_rate=0.2)
    hangul_share = {
        source.name: sum(bool(HANGUL.search(r["full_name"])) for r in source) / len(source)
        for source in made.lists
    }
    assert hangul_share["ministry"] > 0.6 and hangul_share["families"] > 0.6
    assert all(hangul_share[name] < 0.3 for name in ("ngo_db", "un_wgeid", "press"))
    assert all(hangul_share[name] > 0.0 for name in made.list_names)
    for source in made.lists:
        by_person: dict[str, set[str]] = {}
        for row in source:
            by_person.setdefault(made.truth[(source.name, row["record_id"])], set()).add(
                row["full_name"])
        counts = Counter(made.truth[(source.name, r["record_id"])] for r in source)
        assert all(len(by_person[pid]) == 2 for pid, n in counts.items() if n == 2)
