"""``unforgotten readout`` and ``unforgotten upr`` as a user drives them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from unforgotten.cli.main import app
from unforgotten.errors import UnforgottenError

runner = CliRunner()
SEED = Path(__file__).parent / "readouts" / "2024-04-15_rok-us_2nd-consultation_seed-full-text.txt"


def _invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    if isinstance(result.exception, UnforgottenError):
        return result.exception.exit_code, str(result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout


def test_readout_import_json() -> None:
    code, out = _invoke("readout", "import", str(SEED), "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["date"], data["place"]) == ("2024-04-15", "Washington, D.C.")
    assert data["next_steps"] == [
        {
            "text": "hold the next consultations in the second half of this year",
            "due_from": "2024-07-01",
            "due_to": "2024-12-31",
        }
    ]
    assert data["evidence"]["source"] == SEED.name


def test_readout_import_table_says_it_is_a_draft() -> None:
    code, out = _invoke("readout", "import", str(SEED))
    assert code == 0
    assert "Draft round" in out
    assert "not saved" in out
    assert "Chun Young-Hee" in out


def test_readout_import_missing_file(tmp_path: Path) -> None:
    assert _invoke("readout", "import", str(tmp_path / "absent.txt")) == (
        3,
        f"{tmp_path / 'absent.txt'}: no such file",
    )


def test_readout_import_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(b"\xff\xfe\x00bad")
    code, message = _invoke("readout", "import", str(path))
    assert code == 4
    assert message.startswith(f"{path}: not UTF-8 text")
    code, message = _invoke("readout", "import", str(tmp_path))
    assert (code, message) == (4, f"{tmp_path}: not a file")


def test_upr_summary_json() -> None:
    code, out = _invoke("upr", "summary", "--by", "cycle", "--json")
    assert code == 0
    assert [(r["key"], r["total"], r["accepted"], r["accepted_share"]) for r in json.loads(out)] == [
        ("1", 167, 0, 0.0),
        ("2", 269, 114, 0.4238),
    ]


def test_upr_summary_table() -> None:
    code, out = _invoke("upr", "summary", "--by", "response")
    assert code == 0
    assert "accepted" in out


def test_upr_themes() -> None:
    code, out = _invoke("upr", "themes", "Abolish the death penalty", "--json")
    assert code == 0
    assert json.loads(out) == {
        "themes": ["NKV-E5"],
        "hits": [{"code": "NKV-E5", "rule": "TH-EXEC", "matched": "death penalty"}],
    }
    code, out = _invoke("upr", "themes", "Cooperate with treaty bodies")
    assert (code, out.strip()) == (0, "no theme rule matches this text")


def test_every_command_help_ends_with_an_example() -> None:
    for group, command in [("readout", "import"), ("upr", "summary"), ("upr", "themes")]:
        result = runner.invoke(app, [group, command, "--help"], terminal_width=200)
        assert result.exit_code == 0
        assert "Example:" in result.stdout
        assert f"unforgotten {group} {command}" in result.stdout.split("Example:")[1]
