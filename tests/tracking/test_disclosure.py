"""Public statistics: consent, primary and complementary suppression (property tests).

"Not derivable" is checked by linear programming: for each suppressed entry, the smallest and
largest values consistent with every published cell and total (counts ≥ 0) must differ. The
constraint matrices are those of two-way tables with margins (totally unimodular), so the LP
bounds are the integer bounds.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from unforgotten.errors import ValidationError
from unforgotten.tracking.disclosure import Estimate, PersonRow, PublicTable, public_table

CASES = ["abductee", "detainee", "pow"]
PROVINCES = ["Hamgyong", "Pyongan", "Hwanghae", "Kangwon"]
PERIODS = ["1950s", "1970s", "2000s"]


@st.composite
def person_rows(draw: st.DrawFn) -> list[PersonRow]:
    n = draw(st.integers(min_value=0, max_value=60))
    return [
        PersonRow(
            person_id=f"p{i}",
            case_type=draw(st.sampled_from(CASES)),
            province=draw(st.sampled_from(PROVINCES)),
            period=draw(st.sampled_from(PERIODS)),
            consented=draw(st.booleans()),
        )
        for i in range(n)
    ]


BYS = st.sampled_from([("case_type",), ("province",), ("case_type", "province"), ("province", "period")])
THRESHOLDS = st.integers(min_value=1, max_value=6)


def _published(table: PublicTable) -> list[int]:
    return [c.count for c in (*table.cells, *table.totals) if c.count is not None]


def _true_counts(rows: list[PersonRow], by: tuple[str, ...]) -> dict[tuple[str, ...], int]:
    counts: dict[tuple[str, ...], int] = {}
    for r in rows:
        if r.consented:
            key = tuple(getattr(r, d) for d in by)
            for mask in range(2 ** len(by)):  # the cell and every total it belongs to
                k = tuple("*" if mask >> i & 1 else key[i] for i in range(len(by)))
                counts[k] = counts.get(k, 0) + 1
    return counts


@settings(max_examples=60, deadline=None)
@given(rows=person_rows(), by=BYS, threshold=THRESHOLDS)
def test_no_published_count_below_threshold(
    rows: list[PersonRow], by: tuple[str, ...], threshold: int
) -> None:
    table = public_table(rows, by=by, threshold=threshold)
    assert all(v == 0 or v >= threshold for v in _published(table))


@settings(max_examples=60, deadline=None)
@given(rows=person_rows(), by=BYS, threshold=THRESHOLDS)
def test_only_consenting_persons_are_counted(
    rows: list[PersonRow], by: tuple[str, ...], threshold: int
) -> None:
    table = public_table(rows, by=by, threshold=threshold)
    assert table == public_table([r for r in rows if r.consented], by=by, threshold=threshold)
    truth = _true_counts(rows, by)
    for cell in (*table.cells, *table.totals):
        if cell.count is not None:
            assert cell.count == truth.get(cell.key, 0)
    consenting_values = {getattr(r, d) for r in rows if r.consented for d in by}
    assert {c for cats in table.categories for c in cats} == consenting_values


def _bounds(table: PublicTable) -> list[tuple[float, float]]:
    """Min and max of each suppressed entry given everything published (LP, counts ≥ 0)."""
    entries = [*table.cells, *table.totals]
    hidden = [c.key for c in entries if c.count is None]
    if not hidden:
        return []
    index = {k: i for i, k in enumerate(hidden)}
    value = {c.key: c.count for c in entries}
    rows_eq, rhs = [], []
    for line in _lines(table):
        coef = np.zeros(len(hidden))
        const = 0.0
        for key, sign in line:
            if key in index:
                coef[index[key]] += sign
            else:
                const += sign * (value[key] or 0)
        rows_eq.append(coef)
        rhs.append(-const)
    out = []
    for i in range(len(hidden)):
        c = np.zeros(len(hidden))
        c[i] = 1
        lo = linprog(c, A_eq=np.array(rows_eq), b_eq=np.array(rhs), bounds=(0, None), method="highs")
        hi = linprog(-c, A_eq=np.array(rows_eq), b_eq=np.array(rhs), bounds=(0, None), method="highs")
        assert lo.status == 0
        out.append((lo.fun, np.inf if hi.status == 3 else -hi.fun))
    return out


def _lines(table: PublicTable) -> list[list[tuple[tuple[str, ...], int]]]:
    """Each additive constraint as (key, sign) pairs: parts minus their total equal zero."""
    if len(table.by) == 1:
        return [[((c,), 1) for c in table.categories[0]] + [(("*",), -1)]]
    rows, cols = [*table.categories[0], "*"], [*table.categories[1], "*"]
    lines = [[((a, b), 1) for b in cols[:-1]] + [((a, "*"), -1)] for a in rows]
    return lines + [[((a, b), 1) for a in rows[:-1]] + [(("*", b), -1)] for b in cols]


@settings(max_examples=50, deadline=None)
@given(rows=person_rows(), by=BYS, threshold=THRESHOLDS)
def test_suppressed_counts_cannot_be_derived(
    rows: list[PersonRow], by: tuple[str, ...], threshold: int
) -> None:
    table = public_table(rows, by=by, threshold=threshold)
    for lo, hi in _bounds(table):
        assert hi - lo >= 1 - 1e-6


def test_one_way_example() -> None:
    rows = [
        PersonRow(str(i), "abductee", p, "1970s", consented=True) for i, p in enumerate("AAAAAAABBCCCCCC")
    ]
    rows.append(PersonRow("x", "abductee", "D", "1970s", consented=False))
    table = public_table(rows, by=["province"], threshold=5)
    assert [(c.key, c.count) for c in table.cells] == [(("A",), 7), (("B",), None), (("C",), None)]
    assert table.get(["*"]).count == 15


def test_two_way_example_and_estimates() -> None:
    spec = {
        ("abductee", "Hamgyong"): 9,
        ("abductee", "Pyongan"): 2,
        ("detainee", "Hamgyong"): 8,
        ("detainee", "Pyongan"): 12,
    }
    rows = [
        PersonRow(f"{k}{i}", k[0], k[1], "2000s", consented=True) for k, n in spec.items() for i in range(n)
    ]
    est = {
        ("detainee", "Pyongan"): Estimate(20.0, 14.0, 31.0, "lcmcr"),
        ("abductee", "Pyongan"): Estimate(5.0, 2.0, 9.0, "lcmcr"),
    }
    table = public_table(rows, by=["case_type", "province"], threshold=5, estimates=est)
    assert [(c.key, c.count) for c in table.cells] == [
        (("abductee", "Hamgyong"), None),
        (("abductee", "Pyongan"), None),
        (("detainee", "Hamgyong"), None),
        (("detainee", "Pyongan"), None),
    ]
    assert table.get(["abductee", "Pyongan"]).estimate is None
    assert table.to_dict()["totals"][0] == {
        "case_type": "abductee",
        "province": "*",
        "count": 11,
        "estimate": None,
    }


def test_estimate_beside_a_published_cell() -> None:
    rows = [PersonRow(str(i), "pow", "Kangwon", "1950s", consented=True) for i in range(6)]
    est = {("Kangwon",): Estimate(9.5, 6.0, 15.0, "loglinear")}
    table = public_table(rows, by=["province"], estimates=est)
    assert table.get(["Kangwon"]).estimate == est[("Kangwon",)]


@pytest.mark.parametrize(
    ("by", "threshold", "message"),
    [
        (["case_type", "province", "period"], 5, "one or two"),
        (["colour"], 5, "unknown dimension"),
        (["province"], 0, "threshold"),
    ],
)
def test_refuses_bad_requests(by: list[str], threshold: int, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        public_table([], by=by, threshold=threshold)


def test_refuses_repeated_person() -> None:
    rows = [
        PersonRow("p1", "pow", "Kangwon", "1950s", True),
        PersonRow("p1", "pow", "Kangwon", "1950s", True),
    ]
    with pytest.raises(ValidationError, match="unique"):
        public_table(rows, by=["province"])
