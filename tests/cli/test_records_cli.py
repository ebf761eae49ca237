"""The workbench on the command line, run as the console script runs it (errors → exit codes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def _run(
    tmp: Path, *args: str, actor: str = "officer.kim", role: str = "documenter"
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "UNFORGOTTEN_DB": str(tmp / "r.db"),
        "UNFORGOTTEN_ACTOR": actor,
        "UNFORGOTTEN_ROLE": role,
    }
    env.pop("UNFORGOTTEN_KEY", None)
    return subprocess.run(
        [sys.executable, "-m", "unforgotten", *args], capture_output=True, text=True, env=env, check=False
    )


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    assert _run(tmp_path, "init", role="admin").returncode == 0
    assert _run(tmp_path, "source", "add", "Testimonies 2024", "--kind", "testimonies").returncode == 0
    return tmp_path


def test_add_edit_stale_history_restore_and_review(registry: Path) -> None:
    added = _run(
        registry,
        "person",
        "add",
        "--name",
        "Kim Chol-su",
        "--name-hangul",
        "김철수",
        "--birth-date",
        "1977-08",
        "--case-type",
        "abductee_postwar",
        "--source",
        "Testimonies 2024",
        "--reason",
        "testimony",
        "--json",
    )
    assert added.returncode == 0, added.stderr
    body = json.loads(added.stdout)
    assert (body["person_id"], body["version"], body["state"]) == (1, 1, "draft")
    edited = _run(
        registry,
        "person",
        "edit",
        "1",
        "--set",
        "birth_date=1976",
        "--reason",
        "letter",
        "--expect-version",
        "1",
        "--json",
    )
    assert json.loads(edited.stdout)["version"] == 2
    stale = _run(
        registry, "person", "edit", "1", "--set", "sex=F", "--reason", "mine", "--expect-version", "1"
    )
    assert stale.returncode == 11
    assert "version 2" in stale.stderr and "version 1" in stale.stderr
    bad = _run(
        registry,
        "person",
        "edit",
        "1",
        "--set",
        "birth_date=soon",
        "--set",
        "nickname=x",
        "--reason",
        "r",
        "--json",
    )
    assert bad.returncode == 4
    assert set(json.loads(bad.stdout)["errors"]) == {"birth_date", "nickname"}
    assert "Traceback" not in bad.stderr
    history = json.loads(_run(registry, "person", "history", "1", "--json").stdout)
    assert history[1]["changes"] == {"birth_date": ["1977-08", "1976"]}
    assert _run(registry, "person", "restore", "1", "--version", "1", "--reason", "misread").returncode == 0
    shown = json.loads(_run(registry, "person", "1", "--json").stdout)  # the old form still works
    assert shown["person"]["birth_date_raw"] == "1977-08" and shown["version"] == 3
    own = _run(registry, "person", "approve", "1")
    assert own.returncode == 6 and "second person" in own.stderr
    viewer = _run(registry, "person", "approve", "1", actor="someone", role="viewer")
    assert viewer.returncode == 6
    assert _run(registry, "person", "approve", "1", actor="reviewer.park").returncode == 0
    assert json.loads(_run(registry, "drafts", "--json").stdout) == [
        d for d in json.loads(_run(registry, "drafts", "--json").stdout) if d["kind"] != "person"
    ]
    assert _run(registry, "verify").returncode == 0
