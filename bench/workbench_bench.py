"""Server time of a workbench save on SQLite with 100,000 persons.

Builds (once) a registry of 100,000 imported persons in ``bench/out/workbench-<n>/`` (git-ignored;
a canonical CSV from ``unforgotten.synth``, as bench/import_bench.py makes it), copies it for the
run, then times, through the JSON API (FastAPI's TestClient, a documenter's bearer token, so
routing, validation, the record service, the write, its versions, the audit event and the signed
checkpoint all count):

* ``POST /api/persons`` — a new person with a Hangul name, a partial birth date, a place and a case;
* ``PATCH /api/persons/{id}`` with ``If-Match`` — one field of an imported person (its first edit,
  which writes version 1 "as imported" too) and of an entered one (a later edit);
* ``POST /api/cases/{id}/statuses`` — a dated status step.

    .venv/bin/python bench/workbench_bench.py [--persons 100000] [--saves 200]

Writes bench/results/workbench.md. Floor: p95 under 100 ms for every kind of save.
"""

from __future__ import annotations

import argparse
import platform
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from import_bench import make_file
from sqlalchemy import func, select

from unforgotten.ingest import import_file
from unforgotten.records import Records
from unforgotten.settings import Settings
from unforgotten.store import schema as s
from unforgotten.store.workspace import Workspace

OUT = Path(__file__).parent / "out"
RESULTS = Path(__file__).parent / "results" / "workbench.md"
FLOOR_MS = 100.0


def build(persons: int) -> Path:
    """A registry of ``persons`` imported persons (made once, then reused)."""
    folder = OUT / f"workbench-{persons}"
    db = folder / "registry.db"
    if db.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    csv_file = OUT / f"canonical-{persons}.csv"
    if not csv_file.exists():
        make_file(csv_file, persons)
    ws = Workspace(Settings.build(db=str(db), key_file=str(db) + ".key", actor="bench"))
    ws.init()
    import_file(ws, csv_file, source="Registry list")
    Records(ws).add_source("Testimonies 2024", kind="testimonies", organisation="NKDB")
    ws.engine.dispose()
    return folder


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(folder: Path, saves: int) -> tuple[dict[str, list[float]], int]:
    from fastapi.testclient import TestClient

    from unforgotten.web.accounts import add_user
    from unforgotten.web.app import create_app
    from unforgotten.web.config import WebSettings
    from unforgotten.web.tokens import create_token

    work = OUT / "workbench-run"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(folder, work)
    db = work / "registry.db"
    ws = Workspace(Settings.build(db=str(db), key_file=str(db) + ".key", actor="bench"))
    add_user(ws, "officer", role="documenter", password="bench password 1")
    headers = {"authorization": f"Bearer {create_token(ws, 'officer')}"}
    client = TestClient(create_app(WebSettings(ws.settings, "b" * 48), engine=ws.engine), headers=headers)
    with ws.read() as conn:
        persons = int(conn.execute(select(func.count()).select_from(s.person)).scalar_one())
    rng = random.Random(7)
    imported = rng.sample(range(1, persons + 1), saves)
    times: dict[str, list[float]] = {"create": [], "first edit": [], "later edit": [], "status": []}

    def timed(kind: str, method: str, url: str, **kwargs: object) -> dict[str, object]:
        start = time.perf_counter()
        response = client.request(method, url, **kwargs)  # type: ignore[arg-type]
        times[kind].append((time.perf_counter() - start) * 1000)
        assert response.status_code in (200, 201), response.text
        return dict(response.json())

    for i in range(saves):
        body = {
            "name": f"Kim Chol-su {i}",
            "name_hangul": "김철수",
            "sex": "M",
            "birth_date": "1977-08",
            "birth_place": "함경북도 청진시",
            "source": "Testimonies 2024",
            "reason": "testimony",
            "case": {"case_type": "abductee_postwar", "event_date": "1977"},
        }
        created = timed("create", "POST", "/api/persons", json=body)
        timed(
            "later edit",
            "PATCH",
            f"/api/persons/{created['person_id']}",
            json={"set": {"birth_date": "1976"}, "reason": "family letter"},
            headers={"if-match": '"1"'},
        )
        timed(
            "status",
            "POST",
            f"/api/cases/{created['case_id']}/statuses",
            json={"status": "alive", "date": "2002", "reason": "report"},
        )
        timed(
            "first edit",
            "PATCH",
            f"/api/persons/{imported[i]}",
            json={"set": {"birth_place": f"평안남도 {i}"}, "reason": "registry extract"},
            headers={"if-match": '"1"'},
        )
    ws.engine.dispose()
    return times, persons


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--saves", type=int, default=200)
    args = parser.parse_args()
    times, persons = run(build(args.persons), args.saves)
    lines = [
        "# Workbench saves (SQLite)",
        "",
        f"A registry of {persons:,} imported persons; {args.saves} saves of each kind through the "
        f"JSON API (TestClient, a documenter's bearer token); {platform.machine()}, Python "
        f"{platform.python_version()}; bench/workbench_bench.py. Times in ms, each request's whole "
        "server time (routing, checks, the record service, rows, versions, audit event, signed "
        "checkpoint).",
        "",
        "| save | p50 | p95 | max |",
        "|---|---:|---:|---:|",
    ]
    worst = 0.0
    for kind, values in times.items():
        p95 = _pct(values, 0.95)
        worst = max(worst, p95)
        lines.append(f"| {kind} | {statistics.median(values):.1f} | {p95:.1f} | {max(values):.1f} |")
    verdict = "met" if worst < FLOOR_MS else "NOT met"
    lines += ["", f"Worst p95: {worst:.1f} ms — floor p95 < {FLOOR_MS:.0f} ms: {verdict}.", ""]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
