"""Import throughput on SQLite: a 100,000-row canonical CSV, validation, versions and audit on.

Each run imports into a fresh registry in a child process, so its peak memory (max RSS) is the
import's own. Prints and writes bench/results/import.md.

    .venv/bin/python bench/import_bench.py [--rows 100000] [--runs 3] [--file bench/out/canonical-100k.csv]
        [--baseline OTHER_CHECKOUT/src] [--db postgresql://…]

With ``--file``, the generated CSV is kept at that path and reused by later runs (generating
100,000 rows takes a minute or more); ``bench/out/`` is git-ignored. With ``--baseline``, each
run of this tree alternates with a run of the package found under that ``src`` folder (another
checkout, e.g. ``git worktree add /tmp/base <commit>``), and the ratio of the medians is printed.

CPU time counts the importing process and the child that prepares rows for it; peak memory is
given for each of the two.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from unforgotten.synth import generate_population, make_lists, preset
from unforgotten.synth.lists import CANONICAL_COLUMNS

CHILD = """
import json, resource, sys, time
from pathlib import Path
from unforgotten.settings import Settings
from unforgotten.store.workspace import Workspace
from unforgotten.ingest import import_file
db, key = sys.argv[1], sys.argv[3]
if db.startswith("postgresql"):  # a fresh schema in the given database
    import sqlalchemy as sa
    engine = sa.create_engine(db.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
ws = Workspace(Settings.build(db=db, key_file=key))
ws.init()
start, cpu = time.perf_counter(), time.process_time()
report = import_file(ws, Path(sys.argv[2]), source="bench")
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
kid_cpu = kids.ru_utime + kids.ru_stime
print(json.dumps({"rows": report.rows, "seconds": seconds, "cpu": cpu + kid_cpu,
                  "cpu_writer": cpu, "cpu_preparer": kid_cpu,
                  "self_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "child_mib": kids.ru_maxrss / 1024}))
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


def run_once(file: Path, *, src: Path | None = None, db: str | None = None) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(src)} if src else None
    with tempfile.TemporaryDirectory() as tmp:
        args = [db or str(Path(tmp) / "bench.db"), str(file), str(Path(tmp) / "bench.key")]
        out = subprocess.run(
            [sys.executable, "-c", CHILD, *args], check=True, capture_output=True, text=True, env=env
        )
    return {k: float(v) for k, v in json.loads(out.stdout).items()}


def _row(number: int, run: dict[str, float], rows: int) -> str:
    wall, cpu = run["seconds"], run["cpu"]
    split = f"{run['cpu_writer']:.2f} + {run['cpu_preparer']:.2f}"
    return f"| {number} | {wall:.2f} | {rows / wall:,.0f} | {cpu:.2f} ({split}) | {rows / cpu:,.0f} |"


def _baseline_lines(base: list[dict[str, float]], seconds: float, rows: int) -> list[str]:
    if not base:
        return []
    median = statistics.median(r["seconds"] for r in base)
    cpu = statistics.median(r["cpu"] for r in base)
    return [
        "",
        "Baseline (another checkout, runs alternated with these):",
        "",
        "| run | seconds | rows/s | CPU seconds (storing + preparing) | rows per CPU second |",
        "|---|---|---|---|---|",
        *[_row(i, r, rows) for i, r in enumerate(base, start=1)],
        "",
        f"Baseline median {median:.2f} s, {rows / median:,.0f} rows/s, {cpu:.2f} CPU seconds. This tree "
        f"is **{median / seconds:.2f}×** as fast by wall time.",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--file", type=Path, help="keep the generated CSV here and reuse it if present")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/results alone")
    parser.add_argument("--baseline", type=Path, help="a src folder of another checkout to run alternately")
    parser.add_argument("--db", help="a PostgreSQL URL to use instead (its public schema is replaced)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        file = args.file or Path(tmp) / "canonical.csv"
        if not file.exists():
            file.parent.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            make_file(file, args.rows)
            print(f"wrote {args.rows} rows in {time.perf_counter() - started:.1f} s", flush=True)
        runs, base = [], []
        load_before = os.getloadavg()[0]
        for _ in range(args.runs):
            if args.baseline:
                base.append(run_once(file, src=args.baseline, db=args.db))
            runs.append(run_once(file, db=args.db))
    load = f"load average {load_before:.1f} before the runs, {os.getloadavg()[0]:.1f} after"
    seconds = statistics.median(r["seconds"] for r in runs)
    rows = int(runs[0]["rows"])
    rate = rows / seconds
    peak, child_peak = max(r["self_mib"] for r in runs), max(r["child_mib"] for r in runs)
    cpu = statistics.median(r["cpu"] for r in runs)
    lines = [
        f"# Import throughput ({'PostgreSQL' if args.db else 'SQLite'})",
        "",
        f"{rows:,}-row canonical CSV from `unforgotten.synth`, validation, versions, audit and "
        "encryption on;",
        f"each run a fresh registry in a child process; {args.runs} runs on {os.cpu_count()} cores ({load}).",
        "",
        "| run | seconds | rows/s | CPU seconds (storing + preparing) | rows per CPU second |",
        "|---|---|---|---|---|",
        *[_row(i, r, rows) for i, r in enumerate(runs, start=1)],
        "",
        f"Median: **{rate:,.0f} rows/s** ({seconds:.2f} s). Peak memory (max RSS): importing process "
        f"**{peak:,.0f} MiB**, the child preparing its rows {child_peak:,.0f} MiB. Median CPU time (both "
        f"processes): {cpu:.2f} s, {rows / cpu:,.0f} rows per CPU second. "
        + ("The server runs on the same machine." if args.db else "Floor: 10,000 rows/s."),
        *_baseline_lines(base, seconds, rows),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.no_write:
        return
    Path(__file__).with_name("results").mkdir(exist_ok=True)
    name = "import-postgres.md" if args.db else "import.md"
    Path(__file__).with_name("results").joinpath(name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
