"""The fixed words of the brief in English and Korean, and the lines of its resolution section.

Every phrase the brief writes itself (headings, "no due window", "OVERDUE" …) is one entry of
:data:`LABELS`; the data (commitments, recommendations, paragraphs) stays as stored. A missing
Korean entry is a test failure, not an English fallback.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from unforgotten.data import data_path
from unforgotten.tracking.resolutions import THEMES

if TYPE_CHECKING:
    from unforgotten.tracking.resolution_store import Bearing

__all__ = ["LABELS", "LANGS", "THEMES_KO", "label", "resolution_lines", "topic_labels_ko"]

LANGS = ("en", "ko")

LABELS: dict[str, tuple[str, str]] = {
    "title": ("Brief for the round after {date} ({place})", "{date} 협의({place}) 이후 차기 협의 대비 자료"),
    "undated": ("an undated round", "날짜 미상"),
    "place_unknown": ("place unknown", "장소 미상"),
    "round_line": (
        "Round {id}: {format}, {status}; source {source}. Brief as of {as_of}.",
        "협의 {id}: {format}, {status}; 출처 {source}. 기준일 {as_of}.",
    ),
    "format_unknown": ("format unknown", "형식 미상"),
    "not_recorded": ("not recorded", "기록 없음"),
    "side_unknown": ("side unknown", "소속 미상"),
    "delegations": ("Delegations", "대표단"),
    "topics": ("Topics", "의제"),
    "open_commitments": ("Open commitments", "미이행 합의 사항"),
    "none": ("None.", "없음."),
    "overdue": ("**OVERDUE**", "**기한 경과**"),
    "no_window": ("no due window", "기한 없음"),
    "due": ("due {start} – {end}", "기한 {start} – {end}"),
    "round_ref": ("round {id}, {date}", "협의 {id}, {date}"),
    "changed_since": ("What changed since {date}", "{date} 이후 변화"),
    "the_round": ("the round", "지난 협의"),
    "persons_new": (
        "{persons} persons newly documented, {records} records in {batches} batches",
        "새로 기록된 사람 {persons}명, 기록 {records}건({batches}개 묶음)",
    ),
    "totals": (
        "The registry now holds {persons} persons and {records} records",
        "현재 등록부: 사람 {persons}명, 기록 {records}건",
    ),
    "estimate": (
        "Estimate, {label}: {point} ({lower}–{upper}), {method}",
        "추정, {label}: {point}({lower}–{upper}), {method}",
    ),
    "adopted_since": ("UN resolutions adopted since: {items}", "이후 채택된 유엔 결의: {items}"),
    "recs": ("UN recommendations on the round's topics", "협의 의제에 관한 유엔 권고"),
    "recs_head": (
        "| topic | total | accepted | partially | noted | rejected | pending | accepted share |",
        "| 의제 | 전체 | 수용 | 부분 수용 | 유의 | 거부 | 미정 | 수용 비율 |",
    ),
    "all_recs": ("All stored recommendations", "저장된 권고 전체"),
    "cycle": ("Cycle", "주기"),
    "resolutions": (
        "UN resolution paragraphs bearing on open cases and commitments",
        "미해결 사건·미이행 합의와 관련된 유엔 결의 문단",
    ),
    "no_resolutions": (
        "None stored (load them with `unforgotten resolution load`).",
        "저장된 문단 없음(`unforgotten resolution load`로 불러오기).",
    ),
    "open_cases": ("open cases", "미해결 사건"),
    "linked_cases": ("linked cases", "연결된 사건"),
    "commitments": ("commitments", "합의 사항"),
    "quoted": ("quoted in", "인용 출처"),
    "no_number": ("¶ not given", "문단 번호 없음"),
}

THEMES_KO = {
    "NKV-F1": "납북자·납치",
    "NKV-F2": "억류자",
    "NKV-F3": "국군포로",
    "NKV-F4": "이산가족",
    "NKV-A1": "정보 통제",
    "NKV-C3": "탈북민 강제송환",
    "AGD-ACCOUNTABILITY": "책임 규명",
}


@cache
def topic_labels_ko() -> dict[str, str]:
    """Agenda topic code → Korean label (``data/un/agenda_topics.csv``)."""
    text = data_path("un", "agenda_topics.csv").read_text(encoding="utf-8")
    return {r["code"]: r["label_ko"] for r in csv.DictReader(io.StringIO(text))}


def label(lang: str, key: str, **values: object) -> str:
    """The phrase ``key`` in ``lang`` (``en`` or ``ko``), with ``values`` filled in."""
    text = LABELS[key][LANGS.index(lang)]
    return text.format(**values) if values else text


def _theme(lang: str, code: str) -> str:
    return f"{code} {THEMES_KO[code] if lang == 'ko' else THEMES[code]}"


def _bearing_line(lang: str, b: Bearing) -> str:
    p = b.passage
    where = (
        f"{p['symbol']} ¶{p['paragraph']}"
        if p["paragraph"]
        else f"{p['symbol']} ({label(lang, 'no_number')})"
    )
    facts = [", ".join(_theme(lang, t) for t in p["themes"])] if p["themes"] else []
    if b.open_cases:
        facts.append(label(lang, "open_cases") + " " + ", ".join(f"{t} {n}" for t, n in b.open_cases.items()))
    if b.linked_cases:
        facts.append(label(lang, "linked_cases") + " " + ", ".join(str(c) for c in b.linked_cases))
    if b.commitments:
        facts.append(label(lang, "commitments") + " " + ", ".join(str(c["id"]) for c in b.commitments))
    source = f" ({label(lang, 'quoted')} {p['source_url']})" if p["status"] == "quoted" else ""
    return f"- {where} [{'; '.join(facts)}]: {p['text']}{source}"


def resolution_lines(lang: str, bearings: Sequence[Bearing]) -> list[str]:
    """The resolution section: one line per paragraph, its themes, cases and commitments."""
    lines = ["", f"## {label(lang, 'resolutions')}", ""]
    return lines + ([_bearing_line(lang, b) for b in bearings] or [label(lang, "no_resolutions")])
