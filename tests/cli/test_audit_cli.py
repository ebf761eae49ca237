"""`verify` and `checkpoint` as a user drives them: exported checkpoints, kept copies, exit 7."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_registry_cli import _invoke, db  # noqa: F401  (fixture)
from tests.helpers import canonical_rows, cut_chain, write_csv

from unforgotten.store.db import create_store_engine


def test_checkpoint_json_is_signed_and_a_kept_copy_catches_truncation(db: str, tmp_path: Path) -> None:  # noqa: F811
    _invoke("import", str(write_csv(tmp_path / "a.csv", canonical_rows(3))), "--source", "A", "--db", db)
    code, out, _ = _invoke("checkpoint", "--db", db, "--json")
    assert code == 0
    signed = json.loads(out)
    assert set(signed) == {"head", "event_id", "signature", "at", "key_id", "public_key"}
    assert signed["event_id"] == 2 and len(signed["head"]) == 64
    kept = tmp_path / "kept.json"
    kept.write_text(out, encoding="utf-8")

    code, out, _ = _invoke(
        "verify", "--db", db, "--checkpoints", str(kept), "--public-key", signed["public_key"]
    )
    assert code == 0
    assert out.replace("\n", " ").startswith("OK: 2 audit events, ")
    code, out, _ = _invoke("verify", "--db", db, "--expect-head", signed["head"][:12], "--json")
    assert code == 0 and json.loads(out)["ok"] is True

    engine = create_store_engine(f"sqlite:///{db}")
    cut_chain(engine, keep=1)  # someone with the database file cuts it back to its first event
    engine.dispose()
    Path(db + ".checkpoints").unlink()
    code, out, err = _invoke("verify", "--db", db, "--checkpoints", str(kept))
    assert code == 7 and err.startswith("BROKEN: the checkpoint file")
    code, out, _ = _invoke("verify", "--db", db, "--checkpoints", str(kept), "--json")
    assert code == 7
    assert json.loads(out)["breaks"] == [
        f"the checkpoint file {db}.checkpoints is missing (deleted?): "
        "1 events cannot be checked against signed history",
        f"the chain ends at event 1, but event 2 was signed at {signed['at']}: "
        "1 newest event(s) were removed (truncated)",
    ]


def test_a_short_or_ambiguous_head_is_a_clear_error(db: str) -> None:  # noqa: F811
    code, _, message = _invoke("verify", "--db", db, "--expect-head", "3f2a…")
    assert code == 4
    assert message == "--expect-head '3f2a…': give the head hash, or at least its first 8 hexadecimal digits"
