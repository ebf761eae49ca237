"""UN recommendations to the DPRK: the shipped UPR cycles, CSV import, themes and views.

The shipped data (``data/un/``) holds the 436 recommendations of UPR cycles 1–2 and the
per-cycle counts of cycles 1–4. More recommendations (cycles 3–4, operative paragraphs of GA
and HRC resolutions) come in with :func:`import_csv`, which checks every row and raises one
:class:`~unforgotten.errors.BatchRejected` naming file, row and column of each problem.

Themes are codes of the violation vocabulary given by the reviewable rules of
``data/un/upr_theme_rules.csv`` (:func:`themes_for`, :func:`theme_hits`).

>>> recs = load_recommendations()
>>> len(recs), recs[0].cycle, recs[0].response
(436, 1, 'noted')
>>> themes_for("Close all political prison camps and end the practice of torture")
('NKV-E2', 'NKV-E4')
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from unforgotten.data import data_path
from unforgotten.errors import BatchRejected, NotFoundError, Problem, ValidationError
from unforgotten.tracking.rules import (
    apply_rules,
    theme_rules,
    violation_codes,
    violation_labels,
    violation_parents,
)

__all__ = [
    "BY_CHOICES",
    "RESPONSES",
    "CycleCount",
    "Recommendation",
    "SummaryRow",
    "import_csv",
    "load_counts",
    "load_recommendations",
    "parse_rows",
    "summarise",
    "theme_hits",
    "themes_for",
]

RESPONSES = ("accepted", "partially accepted", "noted", "rejected", "pending")
"""The DPRK's responses, canonical spellings (``Supported`` reads as accepted)."""

_RESPONSE_ALIASES = {
    "accepted": "accepted",
    "supported": "accepted",
    "accept": "accepted",
    "partially accepted": "partially accepted",
    "partially supported": "partially accepted",
    "noted": "noted",
    "not accepted": "noted",
    "rejected": "rejected",
    "pending": "pending",
    "": "pending",
}
KINDS = ("upr", "resolution")
REQUIRED = ("recommending_state", "text", "response")
BY_CHOICES = ("theme", "category", "state", "group", "response", "cycle")


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One recommendation (or operative resolution paragraph) and the DPRK's response.

    ``recommending_state`` is the body (``General Assembly``) for a resolution paragraph;
    ``document`` the working-group report or resolution symbol; ``case_ids`` and
    ``incident_ids`` the links to registry records (empty until the store links them).
    """

    kind: str
    cycle: int | None
    recommending_state: str
    text: str
    response: str
    document: str | None
    paragraph: str | None
    year: int | None = None
    regional_group: str | None = None
    note: str | None = None
    themes: tuple[str, ...] = ()
    source: str = "shipped"
    case_ids: tuple[str, ...] = ()
    incident_ids: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, int | None, str | None, str | None, str, str]:
        """What makes a recommendation unique: kind, cycle, document, paragraph, state, text.

        The text is part of it because one paragraph may be split in two (cycle 2, 124.7).
        """
        return (self.kind, self.cycle, self.document, self.paragraph, self.recommending_state, self.text)


@dataclass(frozen=True, slots=True)
class CycleCount:
    """Per-cycle totals as published; ``supported``/``noted`` stay text (they carry caveats)."""

    cycle: int
    review_date: str
    document: str
    received: int
    supported: str
    noted: str
    source_note: str


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """One line of a view: how many recommendations, by response, and the accepted share."""

    key: str
    label: str
    total: int
    accepted: int
    partially_accepted: int
    noted: int
    rejected: int
    pending: int

    @property
    def accepted_share(self) -> float:
        """Accepted (fully) over all recommendations in the line; 0.0 for an empty line."""
        return self.accepted / self.total if self.total else 0.0


def theme_hits(text: str) -> list[tuple[str, str, str]]:
    """Why ``text`` got its themes: ``(code, rule id, matched words)`` for every rule hit."""
    return [(h.rule.code, h.rule.rule_id, text[h.start : h.end]) for h in apply_rules(theme_rules(), text)]


def themes_for(text: str) -> tuple[str, ...]:
    """Violation codes the theme rules give ``text``, in vocabulary order."""
    codes = {code for code, _, _ in theme_hits(text)}
    return tuple(c for c in violation_labels() if c in codes)


def _cell(row: Mapping[str, str | None], column: str) -> str:
    return (row.get(column) or "").strip()


class _RowReader:
    """Read one CSV row into a Recommendation, collecting problems instead of raising."""

    def __init__(self, file: str, number: int, row: Mapping[str, str | None]) -> None:
        self.file, self.number, self.row = file, number, row
        self.problems: list[Problem] = []

    def fail(self, column: str, reason: str) -> None:
        self.problems.append(Problem(self.file, self.number, column, _cell(self.row, column)[:80], reason))

    def integer(self, column: str, *, required: bool) -> int | None:
        raw = _cell(self.row, column)
        if not raw:
            if required:
                self.fail(column, "is required")
            return None
        if not re.fullmatch(r"\d{1,4}", raw) or int(raw) < 1:
            self.fail(column, "must be a whole number of 1 or more")
            return None
        return int(raw)

    def response(self) -> str:
        raw = _cell(self.row, "response").lower()
        if raw not in _RESPONSE_ALIASES:
            self.fail("response", f"must be one of {', '.join(RESPONSES)} (or Supported)")
        return _RESPONSE_ALIASES.get(raw, "pending")

    def themes(self, text: str) -> tuple[str, ...]:
        raw = _cell(self.row, "themes")
        if not raw:
            return themes_for(text)
        codes = tuple(c.strip() for c in raw.split("|") if c.strip())
        unknown = [c for c in codes if c not in violation_codes()]
        if unknown:
            self.fail("themes", f"unknown violation code(s) {', '.join(unknown)}")
        return codes

    def read(self, source: str) -> Recommendation:
        kind = _cell(self.row, "kind").lower() or "upr"
        if kind not in KINDS:
            self.fail("kind", "must be 'upr' or 'resolution'")
        for column in REQUIRED:
            if not _cell(self.row, column) and column != "response":
                self.fail(column, "is required")
        text = _cell(self.row, "text")
        return Recommendation(
            kind=kind,
            cycle=self.integer("cycle", required=kind == "upr"),
            recommending_state=_cell(self.row, "recommending_state"),
            text=text,
            response=self.response(),
            document=_cell(self.row, "wg_report") or _cell(self.row, "document") or None,
            paragraph=_cell(self.row, "wg_paragraph") or _cell(self.row, "paragraph") or None,
            year=self.integer("review_year", required=False),
            regional_group=_cell(self.row, "recommending_state_regional_group") or None,
            note=_cell(self.row, "wg_stage_position") or None,
            themes=self.themes(text),
            source=source,
        )


def _header_problems(file: str, header: Sequence[str]) -> list[Problem]:
    missing = [c for c in REQUIRED if c not in header]
    return [Problem(file, 1, c, "", "required column is missing") for c in missing]


def parse_rows(
    rows: Iterable[Mapping[str, str | None]], *, file: str, header: Sequence[str]
) -> list[Recommendation]:
    """Validate CSV rows (row 1 is the header) into recommendations, all or nothing.

    Raises :class:`BatchRejected` listing every problem (file, row, column, why).
    """
    problems = _header_problems(file, header)
    if problems:
        raise BatchRejected(file, problems)
    recs: list[Recommendation] = []
    seen: dict[tuple[object, ...], int] = {}
    for number, row in enumerate(rows, start=2):
        reader = _RowReader(file, number, row)
        rec = reader.read(file)
        if rec.key in seen:
            reader.fail("text", f"repeats row {seen[rec.key]} (same paragraph, state and text)")
        seen.setdefault(rec.key, number)
        problems += reader.problems
        recs.append(rec)
    if problems:
        raise BatchRejected(file, problems)
    return recs


def import_csv(path: str | Path) -> list[Recommendation]:
    """Read more recommendations from a CSV file (columns as the shipped file; see docs).

    Raises :class:`NotFoundError` when the file is missing, :class:`ValidationError` when it
    cannot be read as UTF-8 CSV, :class:`BatchRejected` when rows break the rules.
    """
    file = Path(path)
    if not file.is_file():
        raise NotFoundError(f"{file}: no such file")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"{file}: cannot be read as UTF-8 text ({exc})") from exc
    reader = csv.DictReader(io.StringIO(text))
    return parse_rows(list(reader), file=file.name, header=reader.fieldnames or [])


def load_recommendations() -> list[Recommendation]:
    """The shipped recommendations of UPR cycles 1–2 (``data/un/upr_dprk_cycles_1_2.csv``)."""
    text = data_path("un", "upr_dprk_cycles_1_2.csv").read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    recs = parse_rows(list(reader), file="upr_dprk_cycles_1_2.csv", header=reader.fieldnames or [])
    return [replace(r, source="shipped") for r in recs]


def load_counts() -> list[CycleCount]:
    """Per-cycle counts of all four cycles (``data/un/upr_dprk_counts.csv``)."""
    text = data_path("un", "upr_dprk_counts.csv").read_text(encoding="utf-8")
    return [
        CycleCount(
            cycle=int(r["cycle"]),
            review_date=r["review_date"],
            document=r["wg_report"],
            received=int(r["received"]),
            supported=r["supported"],
            noted=r["noted"],
            source_note=r["source_note"],
        )
        for r in csv.DictReader(io.StringIO(text))
    ]


def _keys(rec: Recommendation, by: str) -> tuple[str, ...]:
    if by == "theme":
        return rec.themes or ("(none)",)
    if by == "category":
        parents = violation_parents()
        return tuple(dict.fromkeys(parents.get(t) or t for t in rec.themes)) or ("(none)",)
    value = {
        "state": rec.recommending_state,
        "group": rec.regional_group or "(none)",
        "response": rec.response,
        "cycle": str(rec.cycle) if rec.cycle is not None else "(none)",
    }[by]
    return (value,)


def _label(key: str, by: str) -> str:
    if by in {"theme", "category"}:
        return violation_labels().get(key, "no theme")
    return key


def summarise(recs: Iterable[Recommendation], *, by: str = "theme") -> list[SummaryRow]:
    """Counts by response and the accepted share, per theme, category, state, group, response
    or cycle. A recommendation with several themes counts once under each of them.

    >>> rows = summarise(load_recommendations(), by="cycle")
    >>> [(r.key, r.total, r.accepted) for r in rows]
    [('1', 167, 0), ('2', 269, 114)]
    """
    if by not in BY_CHOICES:
        raise ValidationError(f"--by must be one of {', '.join(BY_CHOICES)}, not {by!r}")
    counts: dict[str, Counter[str]] = {}
    for rec in recs:
        for key in _keys(rec, by):
            counts.setdefault(key, Counter())[rec.response] += 1
    return [_row(key, by, c) for key, c in sorted(counts.items(), key=lambda kv: _order(kv, by))]


def _order(item: tuple[str, Counter[str]], by: str) -> tuple[int, int | str]:
    key, counter = item
    if by in {"theme", "category"}:
        codes = list(violation_labels())
        return (0, codes.index(key)) if key in codes else (1, key)
    if by == "cycle":
        return (0, key)
    return (0, -sum(counter.values())) if by == "state" else (0, key)


def _row(key: str, by: str, c: Counter[str]) -> SummaryRow:
    return SummaryRow(
        key=key,
        label=_label(key, by),
        total=sum(c.values()),
        accepted=c["accepted"],
        partially_accepted=c["partially accepted"],
        noted=c["noted"],
        rejected=c["rejected"],
        pending=c["pending"],
    )
