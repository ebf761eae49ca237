"""Timing of the estimators on the reference tables (median of repeats).

Run: ``.venv/bin/python bench/estimate_bench.py [--repeats 5]``. The LCMCR anchor is the R
package's compiled sampler: Kosovo, K=10, 10,000 burn-in + 1,000 × 100 sweeps, median 1.52 s
over five seeds on a 2-core machine (reference/mse/reference_results.csv).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from unforgotten.estimate import DGA, LCMCR, Loglinear, Stepwise
from unforgotten.estimate.datasets import shipped_table

REFERENCE_LCMCR_SECONDS = 1.52

FIRST_CALL = (
    "import time; t=time.perf_counter();"
    "from unforgotten.estimate import LCMCR;"
    "from unforgotten.estimate.datasets import shipped_table;"
    "LCMCR(k=10, burnin=1, samples=1, thinning=1).fit(shipped_table('kosovo'));"
    "print(time.perf_counter()-t)"
)


def median_seconds(run: Callable[[], object], repeats: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def first_call_seconds() -> float:
    """Import + first sampler call in a fresh interpreter (compiles unless numba's cache is warm)."""
    out = subprocess.run([sys.executable, "-c", FIRST_CALL], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    kosovo, uk6 = shipped_table("kosovo"), shipped_table("UKdat")
    print(f"first call, fresh process (cache as found): {first_call_seconds():.2f} s")
    lcmcr = LCMCR(k=10, burnin=10_000, samples=1_000, thinning=100, seed=1)
    med, times = median_seconds(lambda: lcmcr.fit(kosovo), args.repeats)
    print(f"LCMCR kosovo 110,000 sweeps: median {med:.2f} s  runs {[round(t, 2) for t in times]}")
    print(
        f"  sweeps/s {110_000 / med:,.0f}; ratio to R ({REFERENCE_LCMCR_SECONDS} s): "
        f"{med / REFERENCE_LCMCR_SECONDS:.2f}"
    )
    cases: list[tuple[str, Callable[[], object]]] = [
        ("loglinear kosovo BIC search (113 models)", lambda: Loglinear().fit(kosovo)),
        ("stepwise (Silverman) UK 6 lists + profile", lambda: Stepwise().fit(uk6)),
        ("stepwise (SparseMSE) UK 6 lists", lambda: Stepwise(rule="sparsemse").fit(uk6)),
        ("dga kosovo grid to 44,000", lambda: DGA(max_total=44_000).fit(kosovo)),
    ]
    for name, run in cases:
        med, _ = median_seconds(run, args.repeats)
        print(f"{name}: median {med:.3f} s")


if __name__ == "__main__":
    import warnings

    warnings.simplefilter("ignore")
    main()
