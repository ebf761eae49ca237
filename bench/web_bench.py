"""Web benchmark on SQLite: search latency over 100,000 persons and server time of the main pages.

Builds (once) a registry of ``--persons`` persons from ``synth.bench.bulk_list`` and caches the
database under bench/out/ (git-ignored); then measures, in-process with the real application
(FastAPI TestClient, session log-in, bearer token for the API):

- search: ``search()`` on the store for 200 queries (names drawn from the registry in their Hangul,
  romanized and variant spellings, places, case-type filters) — p50/p95/max;
- pages: server time (request in, response out) of the main pages and their JSON twins, 30 each.

    .venv/bin/python bench/web_bench.py [--persons 100000] [--seed 7]

Writes bench/results/web.md. Floors: search p95 < 100 ms, page p95 < 200 ms.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import select

from unforgotten.settings import Settings
from unforgotten.store import schema as s
from unforgotten.store.search import refresh_index, search
from unforgotten.store.workspace import Workspace

OUT = Path(__file__).parent / "out"
RESULTS = Path(__file__).parent / "results" / "web.md"


def build(persons: int, seed: int) -> Workspace:
    db = OUT / f"web-{persons}-{seed}.db"
    ws = Workspace(Settings.build(db=str(db), key_file=str(db) + ".key", actor="bench"))
    if db.exists():
        return ws
    from unforgotten.ingest import import_file
    from unforgotten.synth.bench import bulk_list
    from unforgotten.synth.writers import write_list

    OUT.mkdir(exist_ok=True)
    ws.init()
    lists = bulk_list(persons, seed=seed)
    start = time.perf_counter()
    for source in lists.lists:
        import_file(ws, write_list(source, OUT), source=source.name)
    print(f"imported {persons:,} in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    start = time.perf_counter()
    refresh_index(ws)
    print(f"indexed in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return ws


def _queries(ws: Workspace, n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    with ws.read() as conn:
        names = [t for (t,) in conn.execute(select(s.name.c.text).order_by(s.name.c.id).limit(50_000))]
    picks = rng.sample(names, n - 6)
    return [*picks, "함경북도", "Hamgyong-bukto", "Yodok", "Pyongyang", "이영희", "Ri Yong Hui"]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_search(ws: Workspace, seed: int) -> dict[str, float]:
    times = []
    hits = 0
    with ws.read() as conn:
        for q in _queries(ws, 200, seed):
            start = time.perf_counter()
            result = search(conn, q, limit=50)
            times.append((time.perf_counter() - start) * 1000)
            hits += result.total > 0
    return {"p50": statistics.median(times), "p95": _pct(times, 0.95), "max": max(times), "found": hits / 200}


def bench_pages(ws: Workspace) -> dict[str, dict[str, float]]:
    from fastapi.testclient import TestClient

    from unforgotten.web.accounts import add_user
    from unforgotten.web.app import create_app
    from unforgotten.web.config import WebSettings
    from unforgotten.web.tokens import create_token

    name = f"bench{int(time.time())}"
    add_user(ws, name, role="admin", password="bench password 1")
    token = create_token(ws, name)
    app = create_app(WebSettings(ws.settings, "b" * 48), engine=ws.engine)
    client = TestClient(app)
    with ws.read() as conn:
        pid = conn.execute(
            select(s.person.c.id).where(s.person.c.merged_into.is_(None)).limit(1).offset(5000)
        ).scalar()
        case_id = conn.execute(select(s.case.c.id).limit(1).offset(5000)).scalar()
    pages = [
        "/",
        "/persons?q=김영희",
        f"/persons/{pid}",
        f"/cases/{case_id}",
        "/sources",
        "/sources/1",
        "/batches/1",
        "/map",
        "/estimates",
    ]
    out: dict[str, dict[str, float]] = {}
    headers = {"authorization": f"Bearer {token}"}
    for url in [*pages, "/api/persons?q=Kim+Young-hee", f"/api/persons/{pid}"]:
        times = []
        for _ in range(30):
            start = time.perf_counter()
            response = client.get(url, headers=headers)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        out[url] = {"p50": statistics.median(times), "p95": _pct(times, 0.95)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    ws = build(args.persons, args.seed)
    searched = bench_search(ws, args.seed)
    pages = bench_pages(ws)
    lines = [
        "# Web benchmark",
        "",
        f"SQLite, {args.persons:,} persons (synth.bench.bulk_list, seed {args.seed}); "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}; "
        "bench/web_bench.py, in-process (TestClient), times in ms.",
        "",
        "## Search (`search()`, 200 queries: registry names in any spelling, places)",
        "",
        "| p50 | p95 | max | queries with hits | floor |",
        "|---:|---:|---:|---:|---|",
        f"| {searched['p50']:.1f} | {searched['p95']:.1f} | {searched['max']:.1f} "
        f"| {searched['found']:.0%} | "
        f"p95 < 100 ms: {'met' if searched['p95'] < 100 else 'NOT met'} |",
        "",
        "## Pages (server time, 30 requests each, admin via bearer token)",
        "",
        "| page | p50 | p95 | floor p95 < 200 ms |",
        "|---|---:|---:|---|",
    ]
    lines += [
        f"| `{u}` | {v['p50']:.1f} | {v['p95']:.1f} | {'met' if v['p95'] < 200 else 'NOT met'} |"
        for u, v in pages.items()
    ]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
