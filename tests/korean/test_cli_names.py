"""The ``unforgotten names`` commands."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from unforgotten.cli.main import app

runner = CliRunner()


def _json(*args: str) -> object:
    result = runner.invoke(app, ["names", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_romanize() -> None:
    assert _json("romanize", "리설주") == {
        "input": "리설주", "rr": "Ri Seol-ju", "mr": "Ri Sŏl-chu", "dprk": "Ri Sol Ju"}


def test_romanize_text() -> None:
    assert _json("romanize", "함경북도 청진시")["rr"] == "Hamgyeongbukdo Cheongjinsi"


def test_romanize_refuses_latin() -> None:
    result = runner.invoke(app, ["names", "romanize", "Kim"])
    assert result.exit_code != 0


def test_candidates() -> None:
    out = _json("candidates", "Ri Sol Ju", "--limit", "2")
    assert out["input"] == "Ri Sol Ju"
    assert [c["hangul"] for c in out["candidates"]] == ["리설주", "이설주"]


def test_compare() -> None:
    assert _json("compare", "Kim Jong Un", "김정은") == {
        "a": "Kim Jong Un", "b": "김정은", "similarity": 1.0, "same_key": True}
    assert _json("compare", "김영희", "김영회")["same_key"] is False


def test_place() -> None:
    out = _json("place", "Hamgyong-bukto")
    assert out["matches"][0]["code"] == "KP-09"
    assert out["matches"][0]["name_hangul"] == "함경북도"
    assert set(out["matches"][0]) == {"code", "name_hangul", "name_en", "confidence", "note"}


def test_every_command_help_ends_with_an_example() -> None:
    for command in ("romanize", "candidates", "compare", "place"):
        result = runner.invoke(app, ["names", command, "--help"])
        assert result.exit_code == 0
        assert "Example:" in result.stdout
