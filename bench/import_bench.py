"""Import throughput on SQLite: a 100,000-row canonical CSV, validation, versions and audit on.

Each run imports into a fresh registry in a child process, so its peak memory (max RSS) is the
import's own. Prints and writes bench/results/import.md.

    .venv/bin/python bench/import_bench.py [--rows 100000] [--runs 3] [--file bench/out/canonical-100k.csv]

With ``--file``, the generated CSV is kept at that path and reused by later runs (generating
100,000 rows takes a minute or more); ``bench/out/`` is git-ignored.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from unforgotten.synth import generate_population, make_lists, preset
from unforgotten.synth.lists import CANONICAL_COLUMNS

CHILD = """
import json, sys, time
from pathlib import Path
from unforgotten.settings import Settings
from unforgotten.store.workspace import Workspace
from unforgotten.ingest import import_file
ws = Workspace(Settings.build(db=sys.argv[1], key_file=sys.argv[1] + ".key"))
ws.init()
start, cpu = time.perf_counter(), time.process_time()
report = import_file(ws, Path(sys.argv[2]), source="bench")
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"rows": report.rows, "seconds": seconds, "cpu": cpu}))
"""


def make_file(path: Path, rows: int) -> None:
    """Write ``rows`` synthetic rows in the canonical columns (record ids renumbered)."""
    population = generate_population(int(rows * 1.6), seed=11)
    lists = make_lists(population, preset("mixed", lists=5), seed=12)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(CANONICAL_COLUMNS), extrasaction="ignore")
        writer.writeheader()
        written = 0
        while written < rows:
            for source in lists.lists:
                for row in source.rows:
                    if written == rows:
                        break
                    written += 1
                    writer.writerow({**row, "record_id": f"B{written:07d}"})


def run_once(file: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        out = subprocess.run(
            [sys.executable, "-c", CHILD, db, str(file)], check=True, capture_output=True, text=True
        )
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = json.loads(out.stdout)
    return {
        "seconds": result["seconds"],
        "cpu": result["cpu"],
        "rows": result["rows"],
        "peak_mib": max(peak, before) / 1024,
    }


def _row(number: int, run: dict[str, float], rows: int) -> str:
    wall, cpu = run["seconds"], run["cpu"]
    return f"| {number} | {wall:.2f} | {rows / wall:,.0f} | {cpu:.2f} | {rows / cpu:,.0f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--file", type=Path, help="keep the generated CSV here and reuse it if present")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/results alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        file = args.file or Path(tmp) / "canonical.csv"
        if not file.exists():
            file.parent.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            make_file(file, args.rows)
            print(f"wrote {args.rows} rows in {time.perf_counter() - started:.1f} s", flush=True)
        runs = [run_once(file) for _ in range(args.runs)]
    seconds = statistics.median(r["seconds"] for r in runs)
    rows = int(runs[0]["rows"])
    rate = rows / seconds
    peak = max(r["peak_mib"] for r in runs)
    cpu = statistics.median(r["cpu"] for r in runs)
    lines = [
        "# Import throughput (SQLite)",
        "",
        f"{rows:,}-row canonical CSV from `unforgotten.synth`, validation, versions, audit and "
        "encryption on;",
        f"each run a fresh registry in a child process; {args.runs} runs.",
        "",
        "| run | seconds | rows/s | CPU seconds | rows per CPU second |",
        "|---|---|---|---|---|",
        *[_row(i, r, rows) for i, r in enumerate(runs, start=1)],
        "",
        f"Median: **{rate:,.0f} rows/s** ({seconds:.2f} s). Peak memory (max RSS of the importing process): "
        f"**{peak:,.0f} MiB**. Median CPU time (all threads of the importing process): {cpu:.2f} s, "
        f"{rows / cpu:,.0f} rows per CPU second. Floor: 10,000 rows/s.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.no_write:
        return
    Path(__file__).with_name("results").mkdir(exist_ok=True)
    Path(__file__).with_name("results").joinpath("import.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
