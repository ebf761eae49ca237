"""The public statistics rules: consent, small-cell suppression and complementary suppression.

:func:`public_table` turns per-person rows into a one-way or two-way table that is safe to
publish. The rules (also in docs/tracking.md):

1. **Consent.** A person who has not consented to publication is left out before anything is
   counted; no count, total or category comes from them. Person ids must be unique.
2. **Primary suppression.** Every cell *and every total* with a count of 1 to ``threshold - 1``
   is suppressed. Zero is published (it counts nobody).
3. **Complementary suppression.** Cells and totals are seen as one extended table (the totals
   as an extra row and column), in which every line adds up. A suppressed value could be
   worked out from what is published exactly when, in the graph whose nodes are the lines and
   whose edges are the suppressed entries, that entry is a *bridge* (lies on no cycle). So
   while some suppressed entry is a bridge, the cheapest rectangle of further non-zero entries
   that puts it on a cycle is suppressed too. Entries suppressed are never zero, so each
   suppressed value can move by one either way along its cycle: it has at least two values
   consistent with everything published (checked by linear programming in the tests).
4. **Estimates** (e.g. from multiple systems estimation) are published only beside a
   published cell.

Tables of three or more dimensions are refused: publish two-way tables, and mind that several
tables cut from the same rows can be combined against each other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from unforgotten.errors import ValidationError

__all__ = ["DIMENSIONS", "Estimate", "PersonRow", "PublicCell", "PublicTable", "public_table"]

DIMENSIONS = ("case_type", "province", "period")
TOTAL = "*"
"""The category label of a total in a cell key: ``("Pyongyang", "*")`` is a row total."""


@dataclass(frozen=True, slots=True)
class PersonRow:
    """One person as the public statistics see them; ``consented`` defaults to no."""

    person_id: str
    case_type: str
    province: str
    period: str
    consented: bool = False


@dataclass(frozen=True, slots=True)
class Estimate:
    """An estimate for a cell (point and interval), e.g. from multiple systems estimation."""

    point: float
    lower: float
    upper: float
    method: str


@dataclass(frozen=True, slots=True)
class PublicCell:
    """One published cell or total; ``count`` is None when suppressed."""

    key: tuple[str, ...]
    count: int | None
    estimate: Estimate | None = None

    @property
    def suppressed(self) -> bool:
        """Whether the count is withheld."""
        return self.count is None


@dataclass(frozen=True, slots=True)
class PublicTable:
    """A table safe to publish: cells and totals (keys with ``"*"``), some suppressed."""

    by: tuple[str, ...]
    categories: tuple[tuple[str, ...], ...]
    cells: tuple[PublicCell, ...]
    totals: tuple[PublicCell, ...]
    threshold: int

    def get(self, key: Sequence[str]) -> PublicCell:
        """The cell or total with this key (``"*"`` for a total over a dimension)."""
        wanted = tuple(key)
        for cell in (*self.cells, *self.totals):
            if cell.key == wanted:
                return cell
        raise KeyError(wanted)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: suppressed counts are ``null``."""

        def one(cell: PublicCell) -> dict[str, Any]:
            est = cell.estimate
            estimate = (
                None
                if est is None
                else {"point": est.point, "lower": est.lower, "upper": est.upper, "method": est.method}
            )
            return {**dict(zip(self.by, cell.key, strict=True)), "count": cell.count, "estimate": estimate}

        return {
            "by": list(self.by),
            "threshold": self.threshold,
            "cells": [one(c) for c in self.cells],
            "totals": [one(c) for c in self.totals],
        }


def _check(rows: Sequence[PersonRow], by: Sequence[str], threshold: int) -> None:
    if not 1 <= len(by) <= 2 or len(set(by)) != len(by):
        raise ValidationError("a public table has one or two different dimensions")
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown:
        raise ValidationError(f"unknown dimension(s) {', '.join(unknown)}; use {', '.join(DIMENSIONS)}")
    if threshold < 1:
        raise ValidationError("the threshold must be 1 or more")
    ids = Counter(r.person_id for r in rows)
    repeated = sorted(pid for pid, n in ids.items() if n > 1)
    if repeated:
        raise ValidationError(f"person ids must be unique; repeated: {', '.join(repeated[:5])}")


Grid = list[list[int]]
Entry = tuple[int, int]


def _grid(rows: Sequence[PersonRow], by: Sequence[str], cats: Sequence[Sequence[str]]) -> Grid:
    """Counts as an extended grid: last row = column totals, last column = row totals."""
    rows_cats = cats[0] if len(by) == 2 else ("",)
    cols_cats = cats[1] if len(by) == 2 else cats[0]
    counts = Counter(
        (getattr(r, by[0]), getattr(r, by[1])) if len(by) == 2 else ("", getattr(r, by[0])) for r in rows
    )
    grid = [[counts[(a, b)] for b in cols_cats] for a in rows_cats]
    grid = [[*line, sum(line)] for line in grid]
    return [*grid, [sum(line[j] for line in grid) for j in range(len(cols_cats) + 1)]]


def _adjacency(entries: Iterable[Entry]) -> dict[str, list[tuple[str, Entry]]]:
    graph: dict[str, list[tuple[str, Entry]]] = {}
    for i, j in entries:
        graph.setdefault(f"r{i}", []).append((f"c{j}", (i, j)))
        graph.setdefault(f"c{j}", []).append((f"r{i}", (i, j)))
    return graph


def _bridges(entries: set[Entry]) -> list[Entry]:
    """Suppressed entries that lie on no cycle (Tarjan's bridge algorithm), in sorted order."""
    graph = _adjacency(sorted(entries))
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    found: list[Entry] = []

    def visit(node: str, via: Entry | None) -> None:
        order[node] = low[node] = len(order)
        for nxt, edge in graph[node]:
            if edge == via:
                continue
            if nxt in order:
                low[node] = min(low[node], order[nxt])
                continue
            visit(nxt, edge)
            low[node] = min(low[node], low[nxt])
            if low[nxt] > order[node]:
                found.append(edge)

    for node in sorted(graph):
        if node not in order:
            visit(node, None)
    return sorted(found)


def _close_cycle(grid: Grid, hidden: set[Entry], bridge: Entry) -> list[Entry]:
    """The cheapest rectangle of non-zero entries that puts ``bridge`` on a cycle."""
    i, j = bridge
    best: tuple[int, list[Entry]] | None = None
    for i2 in range(len(grid)):
        for j2 in range(len(grid[0])):
            if i2 == i or j2 == j:
                continue
            corners = [(i2, j), (i, j2), (i2, j2)]
            if any(grid[a][b] == 0 for a, b in corners):
                continue
            new = [c for c in corners if c not in hidden]
            cost = sum(grid[a][b] for a, b in new)
            if best is None or cost < best[0]:
                best = (cost, new)
    if best is None:  # cannot happen: the totals row and column always offer a rectangle
        raise AssertionError("no complementary suppression found")
    return best[1]


def _suppress(grid: Grid, threshold: int) -> set[Entry]:
    hidden = {(i, j) for i, line in enumerate(grid) for j, v in enumerate(line) if 0 < v < threshold}
    while bridges := _bridges(hidden):
        hidden.update(_close_cycle(grid, hidden, bridges[0]))
    return hidden


def _categories(
    rows: Sequence[PersonRow], by: Sequence[str], given: Mapping[str, Sequence[str]] | None
) -> list[tuple[str, ...]]:
    given = given or {}
    return [tuple(given[d]) if d in given else tuple(sorted({getattr(r, d) for r in rows})) for d in by]


def public_table(
    rows: Iterable[PersonRow],
    *,
    by: Sequence[str],
    threshold: int = 5,
    categories: Mapping[str, Sequence[str]] | None = None,
    estimates: Mapping[tuple[str, ...], Estimate] | None = None,
) -> PublicTable:
    """Count consenting persons by one or two of ``case_type``, ``province``, ``period`` and
    suppress what could disclose a small group (rules in the module docstring).

    ``categories`` fixes the categories of a dimension (default: those of consenting rows);
    rows outside them are not counted. ``estimates`` maps a cell key to its estimate.

    >>> rows = [PersonRow(str(i), "abductee", p, "1970s", consented=True)
    ...         for i, p in enumerate(["Seoul"] * 7 + ["Busan"] * 2 + ["Incheon"] * 6)]
    >>> [(c.key, c.count) for c in public_table(rows, by=["province"]).cells]
    [(('Busan',), None), (('Incheon',), None), (('Seoul',), 7)]
    """
    all_rows = list(rows)
    _check(all_rows, by, threshold)
    consenting = [r for r in all_rows if r.consented]
    cats = _categories(consenting, by, categories)
    grid = _grid(consenting, by, cats)
    hidden = _suppress(grid, threshold)
    return _table(
        grid, hidden=hidden, by=tuple(by), cats=cats, threshold=threshold, estimates=estimates or {}
    )


def _table(
    grid: Grid,
    *,
    hidden: set[Entry],
    by: tuple[str, ...],
    cats: list[tuple[str, ...]],
    threshold: int,
    estimates: Mapping[tuple[str, ...], Estimate],
) -> PublicTable:
    row_labels = [*cats[0], TOTAL] if len(by) == 2 else [""]
    col_labels = [*cats[-1], TOTAL]
    cells: list[PublicCell] = []
    totals: list[PublicCell] = []
    for i, a in enumerate(row_labels):
        for j, b in enumerate(col_labels):
            key = (a, b) if len(by) == 2 else (b,)
            count = None if (i, j) in hidden else grid[i][j]
            estimate = estimates.get(key) if count is not None else None
            (totals if TOTAL in key else cells).append(PublicCell(key, count, estimate))
    if len(by) == 1:  # the one-way grid repeats its single line as "column totals"
        totals = [PublicCell((TOTAL,), None if (0, len(cats[0])) in hidden else grid[0][-1])]
    return PublicTable(by, tuple(cats), tuple(cells), tuple(totals), threshold)
