"""The English and Korean label of every stored code the pages show: vocabularies and places.

Labels of the interface are in :mod:`unforgotten.web.i18n`; this module names the values held in
the registry — case types, statuses, sexes and violations (``domain.vocab``), provinces
(``KP-09`` is 함경북도, North Hamgyong), facilities, agenda topics, name kinds and scripts,
linkage states, round and commitment states — so that no page shows a raw code.

>>> term("ko", "case_type", "forcibly_returned")
'강제송환 탈북민'
>>> term("ko", "province", "KP-09")
'함경북도'
>>> term("en", "status", "nowhere")
'nowhere'
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from functools import cache

from unforgotten.data import data_path
from unforgotten.domain.periods import PERIODS
from unforgotten.domain.vocab import CASE_STATUSES, CASE_TYPES, SEX, Vocabulary, violations
from unforgotten.korean import facilities, provinces, south_korea

__all__ = ["VOCABULARIES", "labelled", "stratum_term", "term", "term_labeller", "vocabulary_labels"]

Pair = tuple[str, str]

# Small closed lists of the store and of the pages (code → English, Korean).
_FIXED: dict[str, dict[str, Pair]] = {
    "name_kind": {
        "full": ("full name", "전체 이름"),
        "hangul": ("Hangul", "한글"),
        "alias": ("alias", "이명"),
    },
    "script": {
        "hangul": ("Hangul", "한글"),
        "latin": ("Latin", "로마자"),
        "hanja": ("Hanja", "한자"),
        "mixed": ("mixed", "혼용"),
        "other": ("other", "기타"),
    },
    "system": {
        "rr": ("Revised Romanization", "국어의 로마자 표기법"),
        "mr": ("McCune–Reischauer", "매큔-라이샤워"),
        "mr_plain": ("McCune–Reischauer (no diacritics)", "매큔-라이샤워(부호 없음)"),
        "kps": ("DPRK romanization", "북한식 로마자 표기"),
        "dprk": ("DPRK romanization", "북한식 로마자 표기"),
        "yale": ("Yale", "예일"),
    },
    "source_kind": {
        "list": ("list", "명단"),
        "testimonies": ("testimonies", "증언"),
        "document": ("document", "문서"),
    },
    "confidentiality": {
        "public": ("public", "공개"),
        "restricted": ("restricted", "제한"),
        "confidential": ("confidential", "기밀"),
    },
    "link_state": {
        "merged": ("merged by linkage", "연계로 병합됨"),
        "accepted": ("accepted (same person)", "수락(같은 사람)"),
        "rejected": ("rejected (different persons)", "거부(다른 사람)"),
        "withdrawn": ("withdrawn", "철회"),
        "pending": ("pending review", "검토 대기"),
        "not_linked": ("not linked (below the review band)", "연계 안 됨(검토 구간 미만)"),
    },
    "round_status": {"draft": ("draft", "초안"), "confirmed": ("confirmed", "확정")},
    "round_format": {"bilateral": ("bilateral", "양자"), "trilateral": ("trilateral", "3자")},
    "commitment_status": {
        "open": ("open", "미이행"),
        "done": ("done", "이행"),
        "dropped": ("dropped", "중단"),
    },
    "method": {  # short: they label the rows of the charts too
        "loglinear": ("log-linear", "로그선형"),
        "stepwise": ("stepwise", "단계적 로그선형"),
        "lcmcr": ("LCMCR", "LCMCR(잠재계층)"),
        "dga": ("dga", "DGA(그래프)"),
    },
    "origin": {  # where a saved estimate was run
        "web": ("estimates page", "추정 화면"),
        "cli": ("command line", "명령줄"),
        "demo": ("demo", "데모"),
    },
    "comparison": {  # the linkage model's comparisons (evidence of a pair)
        "surname_name": ("surname", "성"),
        "given_name": ("given name", "이름"),
        "full_name": ("full name", "전체 이름"),
        "birth_date": ("birth date", "생년월일"),
        "sex": ("sex", "성별"),
        "birth_place": ("birth place", "출생지"),
        "event_place": ("event place", "사건 장소"),
        "case_type": ("case type", "사건 유형"),
        "event_year": ("event year", "사건 연도"),
    },
    "stratum": {
        "all": ("all", "전체"),
        "unknown": ("unknown", "미상"),
        "unresolved": ("unresolved place", "미확인 장소"),
        "": ("unresolved place", "미확인 장소"),
    },
}

VOCABULARIES = (
    "case_type",
    "status",
    "sex",
    "violation",
    "province",
    "facility",
    "topic",
    "incident_title",
    "period",
    *_FIXED,
)
"""Every vocabulary :func:`term` knows."""


def _from(vocabulary: Vocabulary) -> dict[str, Pair]:
    return {t.code: (t.label_en, t.label_ko) for t in vocabulary.terms}


def _topics() -> dict[str, Pair]:
    text = data_path("un", "agenda_topics.csv").read_text(encoding="utf-8")
    return {r["code"]: (r["label_en"], r["label_ko"]) for r in csv.DictReader(io.StringIO(text))}


def _provinces() -> dict[str, Pair]:
    units = {p.code: (p.name_en, p.name_hangul or p.name_en) for p in (*provinces(), *south_korea())}
    return {**units, "unresolved": _FIXED["stratum"]["unresolved"], "": _FIXED["stratum"][""]}


@cache
def vocabulary_labels(name: str) -> Mapping[str, Pair]:
    """Code → (English, Korean) of one vocabulary (``KeyError`` for an unknown one)."""
    built: dict[str, Callable[[], dict[str, Pair]]] = {
        "case_type": lambda: _from(CASE_TYPES),
        "status": lambda: _from(CASE_STATUSES),
        "sex": lambda: _from(SEX),
        "violation": lambda: _from(violations()),
        "province": _provinces,
        "facility": lambda: {f.code: (f.name_en, f.name_hangul or f.name_en) for f in facilities()},
        "topic": lambda: {**_from(violations()), **_topics()},
        # the importer titles an incident with its case type's English label
        "incident_title": lambda: {t.label_en: (t.label_en, t.label_ko) for t in CASE_TYPES.terms},
        "period": lambda: {p.code: (p.label_en, p.label_ko) for p in PERIODS},
    }
    if name in built:
        return built[name]()
    return _FIXED[name]


def term(lang: str, vocabulary: str, code: str | None) -> str:
    """The label of ``code`` in ``lang``; the code itself when the vocabulary does not hold it."""
    if code is None:
        return "—"
    pair = vocabulary_labels(vocabulary).get(code)
    if pair is None:
        return code
    return pair[1] if lang == "ko" else pair[0]


def term_labeller(lang: str) -> Callable[[str, str | None], str]:
    """``term(vocabulary, code)`` for templates."""
    return lambda vocabulary, code: term(lang, vocabulary, code)


def labelled(lang: str, vocabulary: str, counts: Mapping[str, int]) -> dict[str, int]:
    """``counts`` keyed by label instead of code (for charts); codes sharing a label add up."""
    out: dict[str, int] = {}
    for code, n in counts.items():
        label = term(lang, vocabulary, code)
        out[label] = out.get(label, 0) + n
    return out


def stratum_term(lang: str, by: str, value: str) -> str:
    """The label of an estimate's stratum ``value`` when stratified ``by`` a vocabulary."""
    vocabulary = {"case_type": "case_type", "province": "province", "sex": "sex", "period": "period"}.get(by)
    if vocabulary is not None and value in vocabulary_labels(vocabulary):
        return term(lang, vocabulary, value)
    return term(lang, "stratum", value)
