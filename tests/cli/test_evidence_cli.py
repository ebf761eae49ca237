"""The evidence and bundle commands as a user runs them: JSON shapes, exit codes, no tracebacks,
and the protected ``--received-from`` never printed."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.evidence.files import SECRET, jpeg_with_gps


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from unforgotten.cli.main import run; run()", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("UNFORGOTTEN_KEY", raising=False)
    monkeypatch.delenv("UNFORGOTTEN_EVIDENCE_DIR", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    path = str(tmp_path / "r.db")
    assert _cli("init", "--db", path).returncode == 0
    assert _cli("source", "add", "Testimonies", "--kind", "testimonies", "--db", path).returncode == 0
    added = _cli("person", "add", "--name", "Kim", "--source", "Testimonies", "--reason", "r", "--db", path)
    assert added.returncode == 0, added.stderr
    return path


def test_add_answers_with_the_hashes_and_verify_names_a_removed_file(db: str, tmp_path: Path) -> None:
    photo = jpeg_with_gps(tmp_path / "photo.jpg")
    done = _cli(
        "evidence", "add", str(photo), "--person", "1", "--received-from", SECRET, "--json", "--db", db
    )
    assert done.returncode == 0, done.stderr
    [item] = json.loads(done.stdout)["evidence"]
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    assert (item["evidence_id"], item["sha256"], item["size"], item["media_type"]) == (
        1,
        digest,
        photo.stat().st_size,
        "image/jpeg",
    )
    assert item["sha512"] == hashlib.sha512(photo.read_bytes()).hexdigest()
    shown = _cli("evidence", "show", "1", "--db", db)
    custody = _cli("evidence", "custody", "1", "--json", "--db", db)
    assert SECRET not in shown.stdout + shown.stderr + custody.stdout
    assert [e["action"] for e in json.loads(custody.stdout)["events"]] == [
        "evidence_received",
        "evidence_viewed",
    ]
    stored = tmp_path / "r.db.evidence" / digest[:2] / digest[2:4] / digest
    stored.unlink()
    broken = _cli("verify", "--db", db)
    assert broken.returncode == 7
    assert f"evidence 1 ({stored}): the stored file is missing" in " ".join(broken.stderr.split())


def test_bad_input_is_a_message_and_an_exit_code_never_a_traceback(db: str, tmp_path: Path) -> None:
    missing = _cli("evidence", "add", str(tmp_path / "nope.jpg"), "--person", "1", "--db", db)
    assert (missing.returncode, "Traceback" in missing.stderr) == (4, False)
    assert "nope.jpg: no such file" in missing.stderr
    (tmp_path / "a.txt").write_text("a")
    unknown = _cli(
        "evidence", "add", str(tmp_path / "a.txt"), "--case", "42", "--received-from", SECRET, "--db", db
    )
    assert (unknown.returncode, unknown.stderr.strip()) == (3, "error: case 42 does not exist")
    assert _cli("evidence", "show", "9", "--db", db).returncode == 3
    not_a_bag = _cli("bundle", "verify", str(tmp_path / "a.txt"))
    assert (not_a_bag.returncode, "Traceback" in not_a_bag.stderr) == (4, False)


def test_a_bundle_verifies_with_the_exported_key_and_fails_when_changed(db: str, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("statement")
    assert _cli("evidence", "add", str(tmp_path / "a.txt"), "--person", "1", "--db", db).returncode == 0
    key = tmp_path / "org.pem"
    assert _cli("key", "export-public", "--out", str(key), "--db", db).returncode == 0
    out = tmp_path / "bundle"
    made = _cli(
        "bundle",
        "create",
        "--person",
        "1",
        "--for",
        "Court",
        "--scope",
        "publication",
        "--out",
        str(out),
        "--json",
        "--db",
        db,
    )
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["withheld_persons"] == 1  # no consent recorded: left out
    ok = _cli("bundle", "verify", str(out), "--public-key", str(key), "--json")
    assert (ok.returncode, json.loads(ok.stdout)["valid"]) == (0, True)
    (out / "bag-info.txt").write_text((out / "bag-info.txt").read_text().replace("Court", "Press"))
    bad = _cli("bundle", "verify", str(out), "--public-key", str(key), "--json")
    assert bad.returncode == 7
    assert {p["file"] for p in json.loads(bad.stdout)["problems"]} == {"bag-info.txt"}
