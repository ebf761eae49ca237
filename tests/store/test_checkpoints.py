"""Signed checkpoints catch what the hash chain cannot: a chain cut short, or rewritten and re-hashed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.helpers import canonical_rows, cut_chain, write_csv

from unforgotten.errors import ConfigError, ValidationError
from unforgotten.ingest import import_file
from unforgotten.store import checkpoints as cp
from unforgotten.store.audit import GENESIS, event_hash
from unforgotten.store.schema import audit_event
from unforgotten.store.verify import VerifyReport, verify_store
from unforgotten.store.workspace import Workspace


def _verify(ws: Workspace, **kwargs: Any) -> VerifyReport:
    with ws.read() as conn:
        return verify_store(conn, signer=ws.signer, checkpoint_file=ws.settings.checkpoint_file, **kwargs)


@pytest.fixture
def loaded(ws: Workspace, tmp_path: Path) -> Workspace:
    import_file(ws, write_csv(tmp_path / "a.csv", canonical_rows(5)), source="A")
    import_file(ws, write_csv(tmp_path / "b.csv", canonical_rows(5, start=6)), source="B")
    return ws


def _remove_newest_event(ws: Workspace) -> None:
    """Delete the newest event and everything it wrote, so the chain and rows stay consistent."""
    with ws.read() as conn:
        last = conn.execute(select(audit_event.c.id).order_by(audit_event.c.id.desc()).limit(1)).scalar_one()
    cut_chain(ws.engine, keep=last - 1)


def _rewrite_history(ws: Workspace, *, event_id: int, actor: str) -> None:
    """Edit one old event and re-hash it and every event after it: the chain is whole again."""
    with ws.engine.begin() as conn:
        events = [dict(r) for r in conn.execute(select(audit_event).order_by(audit_event.c.id)).mappings()]
        prev = GENESIS
        for event in events:
            if event["id"] == event_id:
                event["actor"] = actor
            new = event_hash(prev, event)
            conn.execute(
                audit_event.update()
                .where(audit_event.c.id == event["id"])
                .values(actor=event["actor"], prev_hash=prev, hash=new)
            )
            prev = new


def test_every_write_is_signed_and_a_clean_store_verifies(loaded: Workspace) -> None:
    report = _verify(loaded)
    assert report.ok, report.breaks
    [checked] = report.checkpoints
    assert (checked.checked, checked.last_signed, checked.unsigned_events) == (3, 3, 0)
    lines = loaded.settings.checkpoint_file.read_text(encoding="ascii").splitlines()
    assert [json.loads(line)["event_id"] for line in lines] == [1, 2, 3]
    assert loaded.settings.checkpoint_file.stat().st_mode & 0o077 == 0
    assert loaded.settings.signing_key_file.stat().st_mode & 0o077 == 0


def test_truncating_the_chain_is_reported(loaded: Workspace) -> None:
    _remove_newest_event(loaded)
    with loaded.read() as conn:
        assert verify_store(conn).ok  # the chain alone cannot see it …
    report = _verify(loaded)
    assert not report.ok  # … the signed checkpoint can
    assert report.breaks == [
        f"the chain ends at event 2, but event 3 was signed at {_signed_at(loaded, 3)}: "
        "1 newest event(s) were removed (truncated)"
    ]


def _signed_at(ws: Workspace, event_id: int) -> str:
    found, _ = cp.read_file(ws.settings.checkpoint_file)
    return next(c.at for c in found if c.event_id == event_id)


def test_rewriting_an_old_event_and_rehashing_everything_after_it_is_reported(loaded: Workspace) -> None:
    with loaded.read() as conn:
        signed = conn.execute(select(audit_event.c.hash).where(audit_event.c.id == 2)).scalar_one()
    _rewrite_history(loaded, event_id=2, actor="someone else")
    with loaded.read() as conn:
        assert verify_store(conn).ok  # re-hashed: the chain is whole again
        now = conn.execute(select(audit_event.c.hash).where(audit_event.c.id == 2)).scalar_one()
    report = _verify(loaded)
    assert report.breaks == [
        f"event 2 no longer has the hash signed at {_signed_at(loaded, 2)} (signed {signed}, now {now}): "
        "signed history was rewritten"
    ]


def test_deleting_or_emptying_the_checkpoint_file_is_reported(loaded: Workspace) -> None:
    path = loaded.settings.checkpoint_file
    path.write_text("", encoding="ascii")
    assert _verify(loaded).breaks == [f"the checkpoint file {path} is empty (emptied?)"]
    path.unlink()
    assert _verify(loaded).breaks == [
        f"the checkpoint file {path} is missing (deleted?): 3 events cannot be checked against signed history"
    ]


def test_a_forged_checkpoint_is_reported(loaded: Workspace) -> None:
    path = loaded.settings.checkpoint_file
    other = cp.SigningKey.generate().sign(event_id=3, head="0" * 64)
    cp.append(path, other)
    edited = json.loads(path.read_text(encoding="ascii").splitlines()[0])
    edited["event_id"] = 2
    cp.append(path, cp.Checkpoint.from_dict(edited))
    with path.open("a", encoding="ascii") as handle:
        handle.write("not json\n")
    report = _verify(loaded)
    assert report.breaks == [
        f"{path.name} line 6: not a checkpoint (Expecting value: line 1 column 1 (char 0))",
        f"2 checkpoint(s) in {path} do not carry a valid signature by the signing key "
        f"{loaded.signer.key_id if loaded.signer else ''} (forged, edited, or signed with another key)",
    ]


def test_a_kept_copy_catches_an_attacker_who_also_rewrote_the_checkpoint_file(
    loaded: Workspace, tmp_path: Path
) -> None:
    kept = tmp_path / "kept.json"
    signed = loaded.checkpoint()
    kept.write_text(json.dumps(signed.to_dict(), indent=2), encoding="ascii")
    _remove_newest_event(loaded)
    loaded.settings.checkpoint_file.unlink()
    loaded.checkpoint()  # the attacker holds the key too: a fresh, validly signed file
    assert _verify(loaded).ok
    report = _verify(loaded, copies=(kept,))
    assert report.breaks == [
        f"the chain ends at event 2, but event 3 was signed at {signed.at}: "
        "1 newest event(s) were removed (truncated)"
    ]


def test_new_events_after_the_last_checkpoint_are_a_note_not_a_break(loaded: Workspace) -> None:
    lines = loaded.settings.checkpoint_file.read_text(encoding="ascii").splitlines()
    loaded.settings.checkpoint_file.write_text("\n".join(lines[:2]) + "\n", encoding="ascii")
    report = _verify(loaded)
    assert report.ok
    assert report.notes == [
        "1 event(s) after the last checkpoint (event 2) are not signed yet; "
        "`unforgotten checkpoint` signs the current head"
    ]


def test_expect_head_takes_a_unique_prefix_and_any_earlier_head(loaded: Workspace) -> None:
    with loaded.read() as conn:
        first = conn.execute(select(audit_event.c.hash).where(audit_event.c.id == 1)).scalar_one()
    assert _verify(loaded, expect_head=first).ok  # an earlier head is an ancestor, not "removed"
    assert _verify(loaded, expect_head=first[:10] + "…").ok
    _rewrite_history(loaded, event_id=1, actor="someone else")
    report = _verify(loaded, expect_head=first[:10])
    assert f"no event of the chain has the hash {first[:10]}" in report.breaks[-1]
    with pytest.raises(ValidationError, match="at least its first 8 hexadecimal digits"):
        _verify(loaded, expect_head="3f2a")


def test_a_registry_without_a_signing_key_says_it_is_not_anchored(loaded: Workspace) -> None:
    loaded.settings.signing_key_file.unlink()
    loaded.settings.checkpoint_file.unlink()
    fresh = Workspace(loaded.settings)
    assert fresh.signer is None
    report = _verify(fresh)
    assert report.ok
    assert report.notes == ["the chain is not anchored: no signing key (run `unforgotten init`)"]
    with pytest.raises(ConfigError, match="no signing key at"):
        fresh.checkpoint()


def test_a_verify_only_public_key_checks_the_signatures(loaded: Workspace) -> None:
    assert loaded.signer is not None
    public = cp.SigningKey.from_public_hex(loaded.signer.public_hex)
    with loaded.read() as conn:
        report = verify_store(conn, signer=public, checkpoint_file=loaded.settings.checkpoint_file)
    assert report.ok and report.checkpoints[0].checked == 3
    stranger = cp.SigningKey.generate()
    with loaded.read() as conn:
        report = verify_store(conn, signer=stranger, checkpoint_file=loaded.settings.checkpoint_file)
    assert report.breaks[0].startswith("3 checkpoint(s) in")
