"""LCMCR side by side with R's LCMCR package (its compiled sampler): posterior of N and of α.

For each public table and each seed, one R run and one run of ours, alternating, on the same
machine and with the same settings; each run reports the posterior median and 2.5/97.5 %
quantiles of N, the share of α draws below 0.01, the smallest α drawn and the sampling time
(R: ``system.time`` around the sampler; ours: the estimator's own clock, after a warm-up run
that loads numba's cache). R's seeds and ours are different streams: compare the spread of the
ten seeds, not seed by seed.

Run (R with the LCMCR package installed, ``R_LIBS`` pointing at its library)::

    R_LIBS=LIB .venv/bin/python bench/lcmcr_vs_r.py --seeds 10 --out bench/results/lcmcr_vs_r.md

Without R (``--no-r``) only our columns are filled.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from unforgotten.estimate import LCMCR
from unforgotten.estimate.datasets import shipped_table
from unforgotten.estimate.table import CaptureTable

TABLES = ("kosovo", "UKdat_4", "UKdat_5", "Congenital")
SETTINGS = {"k": 10, "burnin": 10_000, "samples": 1_000, "thinning": 100}

R_SCRIPT = r"""
suppressMessages(library(LCMCR))
args <- commandArgs(trailingOnly = TRUE)
tab <- read.csv(args[1])
n_lists <- ncol(tab) - 1
for (j in 1:n_lists) tab[[j]] <- factor(tab[[j]], levels = c(0, 1))
names(tab)[ncol(tab)] <- "Freq"
tab <- tab[tab$Freq > 0, ]
k <- as.integer(args[2]); burnin <- as.integer(args[3])
samples <- as.integer(args[4]); thinning <- as.integer(args[5]); seed <- as.integer(args[6])
o <- lcmCR(tab, tabular = TRUE, K = k, a_alpha = 0.25, b_alpha = 0.25, seed = seed,
           buffer_size = samples, thinning = thinning, verbose = FALSE)
o$Set_Trace(c("n0", "alpha"))
t <- system.time({ N <- lcmCR_PostSampl(o, burnin = burnin, samples = samples,
                                        thinning = thinning, output = FALSE) })
a <- as.numeric(o$Get_Trace("alpha"))
q <- quantile(N, c(0.025, 0.5, 0.975))
fmt <- paste0('{"lower": %.1f, "median": %.1f, "upper": %.1f, ',
              '"alpha_small": %.4f, "alpha_min": %.3g, "seconds": %.3f}\n')
cat(sprintf(fmt, q[1], q[2], q[3], mean(a < 0.01), min(a), t[["elapsed"]]))
"""


def ours(table: CaptureTable, seed: int) -> dict[str, float]:
    est = LCMCR(**SETTINGS, seed=seed).fit(table)
    alpha = est.alpha_.ravel()
    r = est.result_
    return {
        "lower": r.lower,
        "median": r.estimate,
        "upper": r.upper,
        "alpha_small": float(np.mean(alpha < 0.01)),
        "alpha_min": float(alpha.min()),
        "seconds": r.seconds,
    }


def in_r(script: Path, csv: Path, seed: int) -> dict[str, float]:
    args = [str(SETTINGS[k]) for k in ("k", "burnin", "samples", "thinning")]
    out = subprocess.run(
        ["Rscript", str(script), str(csv), *args, str(seed)], capture_output=True, text=True, check=True
    )
    parsed: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return parsed


def _summary(rows: Sequence[dict[str, float]]) -> str:
    med = [r["median"] for r in rows]
    up = [r["upper"] for r in rows]
    small = [r["alpha_small"] for r in rows]
    secs = [r["seconds"] for r in rows]
    return (
        f"{statistics.median(med):,.0f} ({min(med):,.0f}–{max(med):,.0f}) | "
        f"{statistics.median(up):,.0f} | {statistics.mean(small):.3f} | "
        f"{min(r['alpha_min'] for r in rows):.2g} | {statistics.median(secs):.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--tables", nargs="*", default=list(TABLES))
    parser.add_argument("--no-r", action="store_true", help="only our sampler")
    parser.add_argument("--out", type=Path, default=Path("bench/results/lcmcr_vs_r.md"))
    args = parser.parse_args()
    LCMCR(k=3, burnin=1, samples=1, thinning=1).fit(shipped_table("kosovo"))  # load the compiled kernel
    results: dict[str, dict[str, list[dict[str, float]]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "lcmcr.R"
        script.write_text(R_SCRIPT, encoding="utf-8")
        for name in args.tables:
            table = shipped_table(name)
            csv = Path(tmp) / f"{name}.csv"
            _write(table, csv)
            results[name] = {"R": [], "ours": []}
            for seed in range(1, args.seeds + 1):
                if not args.no_r:
                    results[name]["R"].append(in_r(script, csv, seed))
                results[name]["ours"].append(ours(table, seed))
                print(name, seed, {k: v[-1]["median"] for k, v in results[name].items() if v}, flush=True)
    lines = [
        "# LCMCR: R's package vs ours",
        "",
        f"Settings: K = {SETTINGS['k']}, a_α = b_α = 0.25, burn-in {SETTINGS['burnin']:,}, "
        f"{SETTINGS['samples']:,} draws thinned by {SETTINGS['thinning']}; seeds 1–{args.seeds}, "
        "one R run and one of ours alternating, same machine. Columns: median of the seeds' "
        "posterior medians (their range), median of the 97.5 % quantiles, mean share of α draws "
        "below 0.01, smallest α drawn, median sampling seconds. Produced by `bench/lcmcr_vs_r.py`.",
        "",
        "| table | sampler | median N (range over seeds) | 97.5 % | P(α < 0.01) | min α | s |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, by in results.items():
        for who, rows in by.items():
            if rows:
                lines.append(f"| {name} | {who} | {_summary(rows)} |")
    lines += ["", "Per seed (median N / 2.5 % / 97.5 % / P(α < 0.01)):", ""]
    for name, by in results.items():
        for who, rows in by.items():
            cells = "; ".join(
                f"{r['median']:,.0f}/{r['lower']:,.0f}/{r['upper']:,.0f}/{r['alpha_small']:.2f}" for r in rows
            )
            if rows:
                lines.append(f"- {name}, {who}: {cells}")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def _write(table: CaptureTable, path: Path) -> None:
    rows = [",".join([*table.lists, "count"])]
    rows += [",".join([*map(str, p), str(c)]) for p, c in zip(table.patterns, table.counts, strict=True)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
