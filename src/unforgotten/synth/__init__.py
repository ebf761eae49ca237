"""Synthetic populations and source lists with known truth, for the demo, tests and benchmarks.

The model has three layers (docs/synth.md describes each):

* :func:`generate_population` — the true victims (:class:`TruePerson`): Hangul names, exact
  dates, North Korean birth places, case types in their eras, statuses.
* :func:`simulate_capture` / :func:`capture` — which lists record whom, under a
  :class:`CaptureModel` with known heterogeneity and list dependence (:func:`preset`).
* :func:`make_lists` — each list written in its house style: names in any script and
  romanization, partial and drifting dates, duplicates, informants; ``truth`` maps rows
  to persons. Writers put them in CSV (the fast path), JSON or XLSX.
"""

from __future__ import annotations

from unforgotten.synth.capture import (
    PRESETS,
    CaptureModel,
    CaptureTruth,
    Heterogeneity,
    ListSpec,
    capture,
    capture_table_counts,
    preset,
    random_model,
    simulate_capture,
)
from unforgotten.synth.dates import DATE_FORMATS, DateNoise
from unforgotten.synth.lists import (
    CANONICAL_COLUMNS,
    PROTECTED_COLUMNS,
    SourceList,
    SyntheticLists,
    make_lists,
)
from unforgotten.synth.population import (
    CASE_TYPES,
    Population,
    TruePerson,
    generate_population,
)
from unforgotten.synth.spelling import HangulOnlySpeller, KoreanSpeller, Speller
from unforgotten.synth.writers import (
    write_csv,
    write_json,
    write_list,
    write_population_csv,
    write_truth_csv,
    write_xlsx,
)

__all__ = [
    "CANONICAL_COLUMNS",
    "CASE_TYPES",
    "DATE_FORMATS",
    "PRESETS",
    "PROTECTED_COLUMNS",
    "CaptureModel",
    "CaptureTruth",
    "DateNoise",
    "HangulOnlySpeller",
    "Heterogeneity",
    "KoreanSpeller",
    "ListSpec",
    "Population",
    "SourceList",
    "Speller",
    "SyntheticLists",
    "TruePerson",
    "capture",
    "capture_table_counts",
    "generate_population",
    "make_lists",
    "preset",
    "random_model",
    "simulate_capture",
    "write_csv",
    "write_json",
    "write_list",
    "write_population_csv",
    "write_truth_csv",
    "write_xlsx",
]
