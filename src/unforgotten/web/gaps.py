"""The gaps a dossier states (English in its JSON, as :mod:`unforgotten.accountability.query`
writes them), said in the page's language."""

from __future__ import annotations

import re

__all__ = ["gap_text"]

_YEAR = r"(?P<when>\d{4}|an unknown year)"
_KO: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"^no known commander of (?P<unit>.+) in {_YEAR}$"), "{when} {unit}의 지휘관이 기록에 없음"),
    (re.compile(rf"^no known parent of (?P<unit>.+) in {_YEAR}$"), "{when} {unit}의 상위 기관이 기록에 없음"),
    (
        re.compile(
            rf"^(?P<unit>.+) has (?P<n>\d+) recorded parents in {_YEAR}; the first recorded is followed$"
        ),
        "{when} {unit}의 상위 기관이 {n}개 기록됨: 처음 기록된 것을 따름",
    ),
    (
        re.compile(
            r"^act (?P<act>\d+) has no date: "
            r"(it cannot be placed in any chain|no one can be placed in the chain)$"
        ),
        "행위 {act}: 일자가 없어 지휘 계통에 둘 수 없음",
    ),
    (
        re.compile(r"^act (?P<act>\d+): no organisation is recorded for it on (?P<day>[\d-]+)$"),
        "행위 {act}: {day} 당시 기록된 기관 없음",
    ),
    (
        re.compile(r"^act (?P<act>\d+) is attributed to no organisation or post-holder$"),
        "행위 {act}: 귀속된 기관이나 직위 보유자 없음",
    ),
]


def gap_text(gap: str, lang: str) -> str:
    """``gap`` in Korean when ``lang`` is ``ko`` and its form is known; else as written."""
    if lang != "ko":
        return gap
    for pattern, korean in _KO:
        if found := pattern.match(gap):
            parts = found.groupdict()
            if parts.get("when") == "an unknown year":
                parts["when"] = "연도 미상"
            elif "when" in parts:
                parts["when"] = f"{parts['when']}년"
            return korean.format(**parts)
    return gap
