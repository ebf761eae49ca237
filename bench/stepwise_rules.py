"""The three stepwise rules on every public table, beside R's modslavmse ``MSEfit`` and SparseMSE.

Ours: ``msefit``, ``skip-disjoint`` (the default) and ``sparsemse``; R: ``modslavmse::MSEfit``
(pthresh 0.05, Rcapture's profile interval) and ``SparseMSE::estimatepopulation.0`` (stepwise,
pthresh 0.02, log-normal interval). The two derived tables of the reference README (UKdat
without NG∩GO, UKdat_5 without LA∩NG) are built here from the shipped tables. R runs once per
table, after ours, in the same loop.

Run (``R_LIBS`` pointing at a library holding Rcapture, modslavmse and SparseMSE)::

    R_LIBS=LIB .venv/bin/python bench/stepwise_rules.py --out bench/results/stepwise_rules.md

Without R (``--no-r``) only our columns are filled.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from unforgotten.errors import EstimationError
from unforgotten.estimate import CaptureTable, Stepwise
from unforgotten.estimate.datasets import SHIPPED, shipped_table
from unforgotten.estimate.stepwise import RULES

R_SCRIPT = r"""
suppressMessages({library(modslavmse); library(SparseMSE)})
z <- read.csv(commandArgs(trailingOnly = TRUE)[1])
a <- tryCatch(as.numeric(MSEfit(z, pthresh = 0.05, returnfit = FALSE))[c(3, 1, 5)],
              error = function(e) c(NA, NA, NA))
b <- tryCatch(as.numeric(estimatepopulation.0(z, method = "stepwise", pthresh = 0.02)$estimate),
              error = function(e) c(NA, NA, NA))
b <- b[c(2, 1, 3)]
f <- function(x) paste0("[", paste(ifelse(is.na(x), "null", sprintf("%.1f", x)), collapse = ","), "]")
cat(sprintf('{"msefit": %s, "sparsemse": %s}\n', f(a), f(b)))
"""


def _without_pair(table: CaptureTable, a: str, b: str) -> CaptureTable:
    i, j = table.lists.index(a), table.lists.index(b)
    cells = {
        tuple(int(v) for v in p): int(c)
        for p, c in zip(table.patterns, table.counts, strict=True)
        if not (p[i] == 1 and p[j] == 1)
    }
    return CaptureTable.from_counts(list(table.lists), cells)


def tables() -> dict[str, Callable[[], CaptureTable]]:
    out: dict[str, Callable[[], CaptureTable]] = {name: (lambda n=name: shipped_table(n)) for name in SHIPPED}
    out["UKdat_no_NG_GO"] = lambda: _without_pair(shipped_table("UKdat"), "NG", "GO")
    out["UKdat_5_no_LA_NG"] = lambda: _without_pair(shipped_table("UKdat_5"), "LA", "NG")
    return out


def _write(table: CaptureTable, path: Path) -> None:
    rows = [",".join([*table.lists, "count"])]
    rows += [",".join([*map(str, p), str(c)]) for p, c in zip(table.patterns, table.counts, strict=True)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def ours(table: CaptureTable, rule: str) -> str:
    started = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = Stepwise(rule=rule, compare_rules=False).fit(table).result_  # type: ignore[arg-type]
    except EstimationError as exc:
        return f"— ({exc})"
    seconds = time.perf_counter() - started
    return f"{r.estimate:,.1f} ({r.lower:,.1f}–{r.upper:,.1f}) {r.diagnostics['model']} [{seconds:.2f} s]"


def in_r(script: Path, csv: Path) -> dict[str, list[float | None]]:
    out = subprocess.run(["Rscript", str(script), str(csv)], capture_output=True, text=True, check=True)
    parsed: dict[str, list[float | None]] = json.loads(out.stdout.strip().splitlines()[-1])
    return parsed


def _r_cell(values: list[float | None]) -> str:
    if values[0] is None:
        return "— (error)"
    return f"{values[0]:,.1f} ({values[1]:,.1f}–{values[2]:,.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-r", action="store_true")
    parser.add_argument("--out", type=Path, default=Path("bench/results/stepwise_rules.md"))
    args = parser.parse_args()
    lines = [
        "# Stepwise rules: ours beside R (modslavmse MSEfit, SparseMSE estimatepopulation.0)",
        "",
        "Point estimate (95 % interval) and the selected model; ours also the seconds. msefit and "
        "skip-disjoint: pthresh 0.05, profile interval; sparsemse: pthresh 0.02, log-normal "
        "interval. Produced by `bench/stepwise_rules.py`.",
        "",
        "| table | R MSEfit | ours msefit | ours skip-disjoint | R SparseMSE | ours sparsemse |",
        "|---|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "stepwise.R"
        script.write_text(R_SCRIPT, encoding="utf-8")
        for name, make in tables().items():
            table = make()
            cells = {rule: ours(table, rule) for rule in RULES}
            r_cells = {"msefit": "not run", "sparsemse": "not run"}
            if not args.no_r:
                csv = Path(tmp) / f"{name}.csv"
                _write(table, csv)
                r_cells = {k: _r_cell(v) for k, v in in_r(script, csv).items()}
            lines.append(
                f"| {name} | {r_cells['msefit']} | {cells['msefit']} | {cells['skip-disjoint']} | "
                f"{r_cells['sparsemse']} | {cells['sparsemse']} |"
            )
            print(lines[-1], flush=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
