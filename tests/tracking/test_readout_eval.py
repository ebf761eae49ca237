"""The precision/recall scorer of bench/readout_eval.py."""

from __future__ import annotations

from bench.readout_eval import evaluate, overlap_f1


def test_overlap_f1() -> None:
    assert overlap_f1("hold the next round", "hold the next round") == 1.0
    assert overlap_f1("a b", "c d") == 0.0
    assert overlap_f1("a b c d", "a b") == 2 * (1.0 * 0.5) / 1.5


def test_scores_on_the_reference_readouts() -> None:
    scores, per_doc = evaluate()
    assert {k: (s.tp, s.fp, s.fn) for k, s in scores.items()} == {
        "participants": (12, 0, 0),
        "agreed": (4, 0, 0),
        "next_steps": (1, 0, 0),
        "references": (3, 0, 0),
        "topics": (23, 0, 0),
    }
    assert all(d["date"] and d["place"] and d["format"] for d in per_doc)
