"""``unforgotten link --explain``: what the saved model weighs, and how much.

Each comparison level has an m probability (how often true matches reach it), a u
probability (how often non-matches do) and a match weight ``log2(m / u)``: the bits of
evidence it adds for (positive) or against (negative) a match.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

__all__ = ["ExplainRow", "explain"]


@dataclass(frozen=True, slots=True)
class ExplainRow:
    """One comparison level of a saved model."""

    comparison: str
    level: str
    m: float | None
    u: float | None
    match_weight: float | None
    term_frequency_adjusted: bool = False


def _weight(m: float | None, u: float | None) -> float | None:
    if m is None or u is None or m <= 0 or u <= 0:
        return None
    return math.log2(m / u)


def _level_row(comparison: str, level: dict[str, Any]) -> ExplainRow:
    m, u = level.get("m_probability"), level.get("u_probability")
    return ExplainRow(
        comparison=comparison,
        level=str(level.get("label_for_charts") or level.get("sql_condition")),
        m=m,
        u=u,
        match_weight=_weight(m, u),
        term_frequency_adjusted=bool(level.get("tf_adjustment_column")),
    )


def _prior_row(model: dict[str, Any]) -> ExplainRow:
    prior = float(model.get("probability_two_random_records_match", 0.0))
    odds = prior / (1 - prior) if 0 < prior < 1 else None
    return ExplainRow(
        comparison="prior",
        level="two random records match",
        m=prior,
        u=None,
        match_weight=math.log2(odds) if odds else None,
    )


def explain(model_json: str) -> list[ExplainRow]:
    """Rows of the model: the prior, then every non-null level of every comparison."""
    model: dict[str, Any] = json.loads(model_json)
    rows = [_prior_row(model)]
    for comparison in model.get("comparisons", []):
        name = str(comparison.get("output_column_name"))
        levels = comparison.get("comparison_levels", [])
        rows += [_level_row(name, lv) for lv in levels if not lv.get("is_null_level")]
    return rows
