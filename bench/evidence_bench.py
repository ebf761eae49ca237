"""Evidence intake and bundle throughput on mixed files, against ``sha256sum`` of the same files
in the same run, and the peak memory of a 1 GB intake.

Mixed files: one large file (40 % of the total), eight medium ones (5 % each) and small ones of
100 KB to 2 MB (the rest), random bytes (incompressible, like video and photos), plus a real JPEG
and PDF. Intake (hash SHA-256 and SHA-512, seal with AES-256-GCM, store by SHA-256, record the
receipt) runs in a child process on a fresh SQLite registry; so does the bundle of all of them
(decrypt, write, BagIt manifests SHA-256 and SHA-512, sign); so does the 1 GB intake whose
maximum resident set size is the peak memory. Prints and writes bench/results/evidence.md.

    .venv/bin/python bench/evidence_bench.py [--size 2000] [--upload 1000] [--dir bench/out/evidence]

Sizes are in MB (10^6 bytes). ``bench/out/`` is git-ignored; the files are made once and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import json, resource, sys, time
from pathlib import Path
from unforgotten.settings import Settings
from unforgotten.store.workspace import Workspace
from unforgotten.records import Records
from unforgotten.evidence import Attach, Evidence, create_bundle
work, files, bundle = Path(sys.argv[1]), [Path(p) for p in json.loads(sys.argv[2])], sys.argv[3] == "1"
ws = Workspace(Settings.build(db=str(work / "r.db"), key_file=str(work / "r.key"), actor="bench"))
ws.init()
records = Records(ws)
records.add_source("Bench", kind="testimonies")
person = records.add_person({"name": "Bench"}, source="Bench", reason="bench").row_id
start = time.perf_counter()
Evidence(ws).add(files, attach=Attach(person=person))
intake = time.perf_counter() - start
made = None
if bundle:
    with ws.write(action="consent_bench", subject="person") as w:
        from unforgotten.store import schema as s
        import datetime as dt
        w.insert(s.consent, [{"id": w.allocate(s.consent), "person_id": person, "may_publish": True,
                              "given_by": "bench", "recorded_on": dt.date(2026, 1, 1), "note": None}])
    start = time.perf_counter()
    create_bundle(ws, out=work / "bundle", recipient="bench", scope="publication", person=person)
    made = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"intake_s": intake, "bundle_s": made, "max_rss": rss}))
"""

MB = 1_000_000


def _write_random(path: Path, size: int) -> None:
    with path.open("wb") as handle:
        left = size
        while left:
            step = min(left, 8 << 20)
            handle.write(os.urandom(step))
            left -= step


def make_files(folder: Path, total: int) -> list[Path]:
    """The mixed files (made once per size; reused when present)."""
    folder.mkdir(parents=True, exist_ok=True)
    plan = [("large.mp4", int(total * 0.4))] + [(f"medium-{i}.mov", int(total * 0.05)) for i in range(8)]
    small, i = total - sum(size for _, size in plan), 0
    sizes = [100_000, 400_000, 900_000, 2_000_000]
    while small > 0:
        size = min(sizes[i % len(sizes)], small)
        plan.append((f"small-{i:04d}.jpg.bin", size))
        small -= size
        i += 1
    paths = []
    for name, size in plan:
        path = folder / name
        if not path.exists() or path.stat().st_size != size:
            _write_random(path, size)
        paths.append(path)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.evidence.files import jpeg_with_gps, pdf_with_text

    paths += [jpeg_with_gps(folder / "photo.jpg"), pdf_with_text(folder / "report.pdf")]
    return paths


def sha256sum(paths: list[Path]) -> float:
    start = time.perf_counter()
    subprocess.run(["sha256sum", *map(str, paths)], check=True, capture_output=True)
    return time.perf_counter() - start


def child(paths: list[Path], *, bundle: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory(dir=paths[0].parent.parent) as work:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, work, json.dumps([str(p) for p in paths]), "1" if bundle else "0"],
            check=True,
            capture_output=True,
            text=True,
        )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000, help="MB of mixed files (default 2000)")
    parser.add_argument("--upload", type=int, default=1000, help="MB of the one-file intake (default 1000)")
    parser.add_argument("--dir", type=Path, default=Path("bench/out/evidence"))
    args = parser.parse_args()
    paths = make_files(args.dir / f"mixed-{args.size}", args.size * MB)
    total = sum(p.stat().st_size for p in paths)
    sha256sum(paths)  # warm the page cache for both
    baseline = sha256sum(paths)
    run = child(paths, bundle=True)
    after = sha256sum(paths)  # the machine is shared: the baseline is taken before and after
    upload = args.dir / f"upload-{args.upload}.bin"
    if not upload.exists() or upload.stat().st_size != args.upload * MB:
        _write_random(upload, args.upload * MB)
    one = child([upload], bundle=False)
    base_mbs = total / MB / min(baseline, after)
    intake_mbs = total / MB / run["intake_s"]
    bundle_mbs = total / MB / run["bundle_s"]
    lines = [
        "# Evidence intake and bundles",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores (shared), "
        f"Python {platform.python_version()}, SQLite. Files: {len(paths)} mixed files, {total / MB:,.0f} MB.",
        "Command: `python bench/evidence_bench.py " + " ".join(sys.argv[1:]) + "`",
        "",
        "| step | seconds | MB/s | of `sha256sum` |",
        "|---|---:|---:|---:|",
        f"| `sha256sum` of the files (best of before/after) | {min(baseline, after):.1f} "
        f"| {base_mbs:,.0f} | 100 % |",
        f"| intake: SHA-256 + SHA-512 + seal + store + record | {run['intake_s']:.1f} | {intake_mbs:,.0f} "
        f"| {intake_mbs / base_mbs:.0%} |",
        f"| bundle: decrypt + write + BagIt SHA-256/512 + sign | {run['bundle_s']:.1f} | {bundle_mbs:,.0f} "
        f"| {bundle_mbs / base_mbs:.0%} |",
        "",
        f"Peak memory (max RSS of the process) of a {args.upload:,} MB one-file intake: "
        f"{one['max_rss'] / MB:,.0f} MB (intake {args.upload / one['intake_s']:,.0f} MB/s); "
        f"of the mixed intake and bundle: {run['max_rss'] / MB:,.0f} MB. Floors: intake ≥ 50 % of "
        "`sha256sum`, peak memory < 200 MB.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    Path("bench/results/evidence.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
