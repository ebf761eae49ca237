"""Speed sanity at benchmark scale: it must run, not beat a clock (timings: docs/synth.md)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from unforgotten.synth import preset, simulate_capture, write_csv
from unforgotten.synth.bench import bulk_list


@pytest.mark.slow
def test_a_100k_row_list_is_made_and_written(tmp_path: Path) -> None:
    made = bulk_list(100_000, seed=1)
    assert len(made["ngo_db"]) == 100_000
    path = write_csv(made["ngo_db"], tmp_path / "bulk.csv", encoding="cp949", delimiter=";")
    with path.open(encoding="cp949", newline="") as handle:
        assert sum(1 for _ in csv.reader(handle, delimiter=";")) == 100_001
    truth = simulate_capture(made.population, preset("mixed"), seed=2)
    assert truth.n_total == 100_000
