"""The same readout saved twice, or a round confirmed twice, is refused: store, CLI, on both backends."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from unforgotten.cli.main import app
from unforgotten.errors import ConflictError, DuplicateReadoutError
from unforgotten.store import schema as s
from unforgotten.store.schema_tracking import consultation_round
from unforgotten.store.workspace import Workspace
from unforgotten.tracking.readout import parse_readout, text_hash
from unforgotten.tracking.store import confirm_round, save_draft

SEED = Path(__file__).parent / "readouts" / "2024-04-15_rok-us_2nd-consultation_seed-full-text.txt"
LATER = (
    "1. The third round took place in Seoul on November 20, 2024.\n"
    "2. Both sides agreed to meet again by the end of 2025.\n"
)
runner = CliRunner()


def _counts(ws: Workspace) -> tuple[int, int]:
    with ws.read() as conn:
        rounds = conn.execute(select(func.count()).select_from(consultation_round)).scalar_one()
        events = conn.execute(select(func.count()).select_from(s.audit_event)).scalar_one()
    return int(rounds), int(events)


def test_text_hash_evens_out_line_ends_and_trailing_spaces() -> None:
    assert text_hash("a \r\nb\r\n\r\n") == text_hash("a\nb") == text_hash("\na\nb   \n")
    assert text_hash("a\nb") != text_hash("a\nc")


def test_same_text_is_refused_and_names_the_stored_round(ws: Workspace) -> None:
    text = SEED.read_text(encoding="utf-8")
    first = save_draft(ws, parse_readout(text, source=SEED.name))
    before = _counts(ws)
    with pytest.raises(DuplicateReadoutError) as caught:
        save_draft(ws, parse_readout(text.replace("\n", "\r\n"), source="copy.txt"))
    assert str(caught.value) == (
        f"copy.txt: this readout was already saved as draft round {first} "
        f"(unforgotten round show {first}; /rounds/{first}); nothing was saved"
    )
    assert _counts(ws) == before  # no round, no audit event


def test_same_date_and_place_is_refused_even_with_other_words(ws: Workspace) -> None:
    first = save_draft(ws, parse_readout(LATER, source="later.txt"))
    confirm_round(ws, first)
    reworded = LATER.replace("Both sides agreed", "The two delegations agreed")
    with pytest.raises(DuplicateReadoutError) as caught:
        save_draft(ws, parse_readout(reworded, source="later-2.txt"))
    assert str(caught.value) == (
        f"later-2.txt: a round of 2024-11-20 in Seoul is already stored: confirmed round {first} "
        f"(unforgotten round show {first}; /rounds/{first}); nothing was saved"
    )
    other_day = save_draft(ws, parse_readout(LATER.replace("November 20", "November 21"), source="x.txt"))
    assert other_day == first + 1


def test_confirming_twice_is_a_conflict(ws: Workspace) -> None:
    round_id = save_draft(ws, parse_readout(LATER, source="later.txt"))
    confirm_round(ws, round_id)
    before = _counts(ws)
    with pytest.raises(ConflictError, match=f"^round {round_id} is already confirmed; nothing was changed$"):
        confirm_round(ws, round_id)
    assert _counts(ws) == before


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "unforgotten", *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_cli_refuses_the_second_save_with_a_message_and_exit_code(ws: Workspace) -> None:
    db = ["--db", ws.settings.db_url, "--key-file", str(ws.settings.key_file)]
    saved = runner.invoke(app, ["readout", "import", str(SEED), "--save", "--json", *db])
    assert saved.exit_code == 0, saved.output
    round_id = json.loads(saved.stdout)["round_id"]
    again = _cli("readout", "import", str(SEED), "--save", *db)
    assert again.returncode == ConflictError.exit_code == 11
    assert " ".join(again.stderr.split()) == (
        f"error: {SEED.name}: this readout was already saved as draft round {round_id} "
        f"(unforgotten round show {round_id}; /rounds/{round_id}); nothing was saved"
    )
    assert runner.invoke(app, ["round", "confirm", str(round_id), *db]).exit_code == 0
    twice = _cli("round", "confirm", str(round_id), *db)
    assert (twice.returncode, " ".join(twice.stderr.split())) == (
        11,
        f"error: round {round_id} is already confirmed; nothing was changed",
    )
