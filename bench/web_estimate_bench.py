"""Time of the web estimates page's own run (``POST /estimates``) against the command line's.

Builds a registry the way ``unforgotten demo`` does (synthetic lists imported, then linked),
then, in a fresh interpreter each time, times ``save_run`` — what the page's button runs: every
method on the registry for one stratification, saved — first in the process (imports and the
sampler's compiled cache loaded) and again (a long-running web process). The command line's
``unforgotten estimate --method stepwise`` on the same registry is timed beside it.

    .venv/bin/python bench/web_estimate_bench.py --persons 400 --repeats 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import sys, time
start = time.perf_counter()
from unforgotten.settings import Settings
from unforgotten.store.workspace import Workspace
from unforgotten.web.estimates import save_run
ws = Workspace(Settings.build(db=sys.argv[1], key_file=sys.argv[2], actor="bench:analyst"))
for by in sys.argv[3:]:
    t = time.perf_counter(); save_run(ws, by); first = time.perf_counter() - t
    t = time.perf_counter(); save_run(ws, by); again = time.perf_counter() - t
    print(by, f"{first:.3f}", f"{again:.3f}")
print("process", f"{time.perf_counter() - start:.3f}")
"""


def build(folder: Path, persons: int) -> tuple[str, str]:
    """A demo-like registry in ``folder``: its URL and key file."""
    from unforgotten.ingest import import_file
    from unforgotten.linkage.store import link_store
    from unforgotten.settings import Settings
    from unforgotten.store.workspace import Workspace
    from unforgotten.synth import generate_population, make_lists, preset
    from unforgotten.synth.writers import write_list

    url, key = f"sqlite:///{folder / 'registry.db'}", str(folder / "registry.key")
    ws = Workspace(Settings.build(db=url, key_file=key, actor="bench:officer"))
    ws.init()
    lists = make_lists(generate_population(persons, seed=2024), preset("mixed", lists=4), seed=2025)
    (folder / "lists").mkdir()
    for source in lists.lists:
        import_file(ws, write_list(source, folder / "lists"), source=source.name)
    link_store(ws)
    ws.engine.dispose()
    return url, key


def main() -> None:
    """Build once, then time the page's run and the command line, interleaved."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url, key = build(Path(tmp), args.persons)
        env = dict(os.environ, UNFORGOTTEN_KEY_FILE=key)
        page: dict[str, list[tuple[float, float]]] = {}
        cli: list[float] = []
        for _ in range(args.repeats):
            out = subprocess.run(
                [sys.executable, "-c", CHILD, url, key, "all", "period"],
                check=True,
                capture_output=True,
                text=True,
                env=env,
            ).stdout
            for line in out.splitlines():
                name, *vals = line.split()
                if name != "process":
                    page.setdefault(name, []).append((float(vals[0]), float(vals[1])))
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "unforgotten", "estimate", "--db", url, "--method", "stepwise"],
                check=True,
                capture_output=True,
                env=env,
            )
            cli.append(time.perf_counter() - started)
    print(f"{args.persons} persons, 4 lists; load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores")
    print("| run | median s, first in the process | median s, again |")
    print("|---|---|---|")
    for name, runs in page.items():
        first = statistics.median(f for f, _ in runs)
        again = statistics.median(a for _, a in runs)
        print(f"| page: every method, by {name} | {first:.2f} | {again:.2f} |")
    print(
        f"| command line: stepwise, whole registry (wall, fresh process) | {statistics.median(cli):.2f} | — |"
    )


if __name__ == "__main__":
    main()
