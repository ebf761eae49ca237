"""Wall time of ``unforgotten estimate`` from the shell: start-up plus the estimate.

Each case runs the command in a fresh interpreter ``--repeats`` times (median reported), with
the cases interleaved so that load on the machine hits them alike. ``python -c pass`` is the
floor of any Python command. ``--before SRC`` also runs every case with ``PYTHONPATH=SRC`` (an
older checkout's ``src``), interleaved with the current one. With ``--r``, R's LCMCR run with the
same sampler settings (``Rscript``, the package loaded, ``R_LIBS`` pointing at its library) is
timed the same way.

Run::

    .venv/bin/python bench/cli_startup.py --repeats 5 --out bench/results/cli_startup.md
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from unforgotten.estimate.datasets import DATA_DIR

CLI = [sys.executable, "-m", "unforgotten", "estimate"]
LCMCR_ARGS = ["--k", "10", "--burnin", "10000", "--samples", "1000", "--thinning", "100", "--seed", "1"]
CASES = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "unforgotten --help": [sys.executable, "-m", "unforgotten", "--help"],
    "estimate loglinear (kosovo, BIC search)": [*CLI, "--dataset", "kosovo", "--method", "loglinear"],
    "estimate stepwise (UKdat_4)": [*CLI, "--dataset", "UKdat_4", "--method", "stepwise"],
    "estimate lcmcr (kosovo, K=10, 110,000 sweeps)": [
        *CLI,
        "--dataset",
        "kosovo",
        "--method",
        "lcmcr",
        *LCMCR_ARGS,
    ],
}
R_LCMCR = r"""
suppressMessages(library(LCMCR))
tab <- read.csv(commandArgs(trailingOnly = TRUE)[1])
for (j in 1:(ncol(tab) - 1)) tab[[j]] <- factor(tab[[j]], levels = c(0, 1))
names(tab)[ncol(tab)] <- "Freq"
tab <- tab[tab$Freq > 0, ]
o <- lcmCR(tab, tabular = TRUE, K = 10, a_alpha = 0.25, b_alpha = 0.25, seed = 1,
           buffer_size = 1000, thinning = 100, verbose = FALSE)
N <- lcmCR_PostSampl(o, burnin = 10000, samples = 1000, thinning = 100, output = FALSE)
cat(quantile(N, c(0.025, 0.5, 0.975)), "\n")
"""


def wall(cmd: list[str], pythonpath: str | None = None) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one run of ``cmd``.

    On a shared machine the wall time swings with the load; the CPU time is what the command
    itself costs, and an idle machine's wall time is close to it.
    """
    env = dict(os.environ, PYTHONPATH=pythonpath) if pythonpath else None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--r", action="store_true", help="also time R's LCMCR")
    parser.add_argument("--label", default="")
    parser.add_argument("--before", help="src folder of the version to compare with")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    cases = dict(CASES)
    with tempfile.TemporaryDirectory() as tmp:
        if args.r:
            script = Path(tmp) / "lcmcr.R"
            script.write_text(R_LCMCR, encoding="utf-8")
            cases["R LCMCR (kosovo, same settings, Rscript)"] = [
                "Rscript",
                str(script),
                str(DATA_DIR / "kosovo.csv"),
            ]
        runs = [(name, cmd, None) for name, cmd in cases.items()]
        if args.before:
            runs += [
                (f"{name}, before", cmd, args.before) for name, cmd in cases.items() if "unforgotten" in cmd
            ]
        for _, cmd, path in runs:  # one untimed run each: disk caches, numba's cache
            wall(cmd, path)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in runs}
        for _ in range(args.repeats):
            for name, cmd, path in runs:
                times[name].append(wall(cmd, path))
    lines = [
        f"| case | median wall s ({args.repeats} runs) | median CPU s | wall runs |",
        "|---|---|---|---|",
        *(
            f"| {name} | {statistics.median(w for w, _ in t):.2f} | {statistics.median(c for _, c in t):.2f}"
            f" | {', '.join(f'{w:.2f}' for w, _ in t)} |"
            for name, t in times.items()
        ),
    ]
    text = "\n".join(lines)
    print(text)
    if args.out:
        load = f"load average {os.getloadavg()[0]:.1f} at the end of the run, {os.cpu_count()} cores"
        header = (f"\n## {args.label}\n\n" if args.label else "\n") + load + "\n\n"
        with args.out.open("a", encoding="utf-8") as handle:
            handle.write(header + text + "\n")


if __name__ == "__main__":
    main()
