"""UPR recommendations: shipped data, theme rules, CSV import and summaries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from unforgotten.errors import BatchRejected, NotFoundError, ValidationError
from unforgotten.tracking.rules import agenda_topics, theme_rules, topic_rules, violation_codes
from unforgotten.tracking.upr import (
    import_csv,
    load_counts,
    load_recommendations,
    summarise,
    theme_hits,
    themes_for,
)

HEADER = "cycle,recommending_state,text,response,wg_report,wg_paragraph,themes\n"


def test_shipped_recommendations() -> None:
    recs = load_recommendations()
    assert len(recs) == 436
    assert [sum(r.cycle == c for r in recs) for c in (1, 2)] == [167, 269]
    first = recs[0]
    assert (first.recommending_state, first.response, first.document, first.paragraph) == (
        "Chile", "noted", "A/HRC/13/13", "90.1",
    )  # fmt: skip
    assert first.source == "shipped"


def test_shipped_counts_of_all_cycles() -> None:
    counts = load_counts()
    assert [(c.cycle, c.received) for c in counts] == [(1, 167), (2, 268), (3, 262), (4, 294)]


def test_every_rule_points_at_a_known_code() -> None:
    known = violation_codes()
    assert all(rule.code in known for rule in theme_rules())
    assert all(rule.code in agenda_topics() for rule in topic_rules())
    assert all(code in known or code.startswith("AGD-") for code in agenda_topics())
    ids = [r.rule_id for r in (*theme_rules(), *topic_rules())]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("text", "themes"),
    [
        ("Close all political prison camps and end the practice of torture", ("NKV-E2", "NKV-E4")),
        (
            "Provide the families of those abducted with full information on their fate and whereabouts",
            ("NKV-E6", "NKV-F1"),
        ),
        ("Ensure free access of all its citizens to information in line with ICCPR", ("NKV-A1",)),
        ("Eliminate from the Criminal Code the crime of guilt by association", ("NKV-E7",)),
        ("Release all prisoners of conscience", ("NKV-E2",)),
        ("Cooperate with the treaty bodies", ()),
    ],
)
def test_themes_for(text: str, themes: tuple[str, ...]) -> None:
    assert themes_for(text) == themes


def test_theme_hits_say_why() -> None:
    assert theme_hits("Abolish the death penalty") == [("NKV-E5", "TH-EXEC", "death penalty")]


def test_summary_by_cycle_and_response() -> None:
    recs = load_recommendations()
    assert [(r.key, r.total, r.accepted, r.noted) for r in summarise(recs, by="cycle")] == [
        ("1", 167, 0, 167),
        ("2", 269, 114, 155),
    ]
    assert [(r.key, r.total) for r in summarise(recs, by="response")] == [("accepted", 114), ("noted", 322)]


def test_summary_by_theme_counts_each_theme() -> None:
    rows = {r.key: r for r in summarise(load_recommendations(), by="theme")}
    assert (rows["NKV-F1"].total, rows["NKV-F1"].accepted) == (12, 0)
    assert rows["NKV-A1"].accepted_share == pytest.approx(1 / 7)
    categories = {r.key for r in summarise(load_recommendations(), by="category")}
    assert {"NKV-E", "NKV-F", "(none)"} <= categories


def test_summary_rejects_unknown_grouping() -> None:
    with pytest.raises(ValidationError, match="--by must be one of"):
        summarise([], by="colour")


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "more.csv"
    path.write_text(body, encoding="utf-8")
    return path


def test_import_csv(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + '3,Japan,"Resolve the abduction issue",Noted,A/HRC/42/10,126.1,\n'
                  '3,Chile,"Ratify CRPD",Supported,A/HRC/42/10,126.2,NKV-B3\n')  # fmt: skip
    recs = import_csv(path)
    assert [(r.cycle, r.recommending_state, r.response, r.themes, r.source) for r in recs] == [
        (3, "Japan", "noted", ("NKV-F1",), "more.csv"),
        (3, "Chile", "accepted", ("NKV-B3",), "more.csv"),
    ]


def test_import_csv_names_every_bad_row_and_column(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        HEADER + ",Japan,text,Noted,,,\n3,,text,Maybe,,,NKV-ZZ\n3,Peru,a,Noted,D,1,\n3,Peru,a,Noted,D,1,\n",
    )
    with pytest.raises(BatchRejected) as err:
        import_csv(path)
    assert [str(p) for p in err.value.problems] == [
        "more.csv: row 2, column 'cycle': is required",
        "more.csv: row 3, column 'recommending_state': is required",
        "more.csv: row 3, column 'response': 'Maybe' must be one of accepted, partially accepted, noted, "
        "rejected, pending (or Supported)",
        "more.csv: row 3, column 'themes': 'NKV-ZZ' unknown violation code(s) NKV-ZZ",
        "more.csv: row 5, column 'text': 'a' repeats row 4 (same paragraph, state and text)",
    ]


def test_import_csv_missing_column(tmp_path: Path) -> None:
    with pytest.raises(BatchRejected) as err:
        import_csv(_write(tmp_path, "cycle,text\n1,x\n"))
    assert [(p.row, p.column) for p in err.value.problems] == [(1, "recommending_state"), (1, "response")]


def test_import_csv_resolution_paragraph_needs_no_cycle(tmp_path: Path) -> None:
    header = "kind,recommending_state,text,response,document,paragraph\n"
    path = _write(
        tmp_path,
        header + "resolution,General Assembly,Urges the DPRK to end forced labour,,A/RES/78/218,12\n",
    )
    (rec,) = import_csv(path)
    assert (rec.kind, rec.cycle, rec.response, rec.document, rec.themes) == (
        "resolution", None, "pending", "A/RES/78/218", ("NKV-E8",),
    )  # fmt: skip


def test_import_csv_missing_or_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no such file"):
        import_csv(tmp_path / "absent.csv")
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("cycle,recommending_state,text,response\n1,Perú,x,Noted\n".encode("latin-1"))
    with pytest.raises(ValidationError, match=re.escape("cannot be read as UTF-8")):
        import_csv(bad)
