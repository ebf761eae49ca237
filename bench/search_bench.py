"""Search benchmark on the demo registry: surnames alone, parts of names, places, one page each.

Builds (once) the demo registry with ``unforgotten demo --dir bench/out/search-demo --no-serve``
(git-ignored), indexes it, then times ``search()`` on the store for each query — the first
call (cold caches) and the p50/p95 of 20 more, for the first page (50 hits) and a later one
(offset 100) — and the server time of ``/persons?q=Kim`` in Korean and its JSON twin.

    .venv/bin/python bench/search_bench.py [--persons 3000]

Writes bench/results/search.md. Floor: p95 < 100 ms for every query and page.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from unforgotten.settings import Settings
from unforgotten.store import schema as s
from unforgotten.store.search import refresh_index, search
from unforgotten.store.workspace import Workspace

OUT = Path(__file__).parent / "out"
RESULTS = Path(__file__).parent / "results" / "search.md"
QUERIES = [
    "Kim", "KIM", "김", "Gim", "Park", "박", "Lee", "이", "Ri",
    "Kim Chol", "김철", "Chol", "철수", "Chol-su Kim", "Chol Su", "Cholsu",
    "Hongdo", "연평도", "함경북도", "Pyongyang",
]
FLOOR_MS = 100.0


def build(persons: int) -> Workspace:
    folder = OUT / f"search-demo-{persons}"
    db = folder / "registry.db"
    if not db.exists():
        command = [sys.executable, "-m", "unforgotten", "demo", "--dir", str(folder),
                   "--persons", str(persons), "--no-serve"]
        subprocess.run(command, check=True, capture_output=True)
    ws = Workspace(Settings.build(db=str(db), key_file=str(db) + ".key", actor="bench"))
    refresh_index(ws)
    return ws


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _time(ws: Workspace, query: str, offset: int, repeats: int = 20) -> dict[str, float]:
    times = []
    total = 0
    for _ in range(repeats + 1):
        with ws.read() as conn:
            start = time.perf_counter()
            total = search(conn, query, limit=50, offset=offset).total
            times.append((time.perf_counter() - start) * 1000)
    rest = times[1:]
    return {"first": times[0], "p50": statistics.median(rest), "p95": _pct(rest, 0.95), "total": total}


def bench_pages(ws: Workspace) -> dict[str, dict[str, float]]:
    from fastapi.testclient import TestClient

    from unforgotten.web.accounts import add_user, create_token
    from unforgotten.web.app import create_app
    from unforgotten.web.config import WebSettings

    name = f"bench{int(time.time())}"
    add_user(ws, name, role="viewer", password="bench password 1")
    headers = {"authorization": f"Bearer {create_token(ws, name)}", "cookie": "lang=ko"}
    client = TestClient(create_app(WebSettings(ws.settings, "b" * 48), engine=ws.engine))
    out: dict[str, dict[str, float]] = {}
    for url in ["/persons?q=Kim", "/persons?q=Kim&offset=100", "/api/persons?q=김", "/persons?q=Chol"]:
        times = []
        for _ in range(20):
            start = time.perf_counter()
            response = client.get(url, headers=headers)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        out[url] = {"p50": statistics.median(times), "p95": _pct(times, 0.95)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=3000)
    args = parser.parse_args()
    ws = build(args.persons)
    with ws.read() as conn:
        live = conn.execute(select(func.count()).where(s.person.c.merged_into.is_(None))).scalar()
        names = conn.execute(select(func.count()).select_from(s.name)).scalar()
    rows = [(q, _time(ws, q, 0), _time(ws, q, 100)) for q in QUERIES]
    pages = bench_pages(ws)
    worst = max(max(a["p95"], b["p95"]) for _, a, b in rows)
    lines = [
        "# Search benchmark",
        "",
        f"SQLite, the demo registry (`unforgotten demo --persons {args.persons} --no-serve`): "
        f"{live:,} live persons, {names:,} names; {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}; bench/search_bench.py, times in ms "
        "(first call with cold caches, then p50/p95 of 20).",
        "",
        "| query | hits | page 1 first | page 1 p50 | page 1 p95 | offset 100 p50 | offset 100 p95 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| `{q}` | {int(a['total'])} | {a['first']:.1f} | {a['p50']:.1f} | {a['p95']:.1f} "
        f"| {b['p50']:.1f} | {b['p95']:.1f} |"
        for q, a, b in rows
    ]
    lines += [
        "",
        f"Worst p95: {worst:.1f} ms — floor p95 < {FLOOR_MS:.0f} ms: "
        f"{'met' if worst < FLOOR_MS else 'NOT met'}.",
        "",
        "## Pages (server time, 20 requests each, viewer via bearer token, Korean)",
        "",
        "| page | p50 | p95 |",
        "|---|---:|---:|",
    ]
    lines += [f"| `{u}` | {v['p50']:.1f} | {v['p95']:.1f} |" for u, v in pages.items()]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
