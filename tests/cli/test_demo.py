"""The demo end to end: synthetic lists imported, linked, estimated, seed round and brief."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from unforgotten.cli.main import app


def test_demo_builds_a_linked_estimated_registry(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["demo", "--dir", str(tmp_path / "demo"), "--persons", "400", "--no-serve", "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["true_population"] == 400
    assert summary["records"] >= summary["documented_persons"] > 0
    assert summary["persons"] == summary["linkage"]["persons"] < summary["records"]
    estimate = summary["estimate"]
    assert estimate["lower"] <= estimate["estimate"] <= estimate["upper"]
    assert estimate["estimate"] >= estimate["observed"] == summary["persons"]
    assert summary["verified"] is True
    workspace = Path(summary["workspace"])
    kept = [json.loads(line) for line in (workspace / "registry.db.checkpoints").read_text().splitlines()]
    assert summary["checkpoint"] == kept[-1]  # the demo prints a current, signed checkpoint
    assert summary["checkpoint"]["head"] == summary["audit_head"]
    brief = Path(summary["brief"]).read_text(encoding="utf-8")
    assert brief.startswith("#") and "2024" in brief


def test_a_port_in_use_is_a_clear_error_and_the_demo_takes_the_next(tmp_path: Path) -> None:
    from unforgotten.web import free_port, port_free

    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        assert not port_free("127.0.0.1", port)
        assert free_port("127.0.0.1", port) > port
        db = str(tmp_path / "r.db")
        assert CliRunner().invoke(app, ["init", "--db", db]).exit_code == 0
        command = [sys.executable, "-m", "unforgotten", "serve", "--db", db, "--port", str(port)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0
    assert f"port {port} on 127.0.0.1 is in use" in done.stderr and "Traceback" not in done.stderr
