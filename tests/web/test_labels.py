"""Every label the pages use, and every stored code they show, has an English and a Korean text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from unforgotten.domain.vocab import CASE_STATUSES, CASE_TYPES, SEX, violations
from unforgotten.korean import provinces
from unforgotten.web import app as web_app
from unforgotten.web.i18n import MESSAGES, translate
from unforgotten.web.labels import VOCABULARIES, labelled, stratum_term, term, vocabulary_labels

WEB = Path(web_app.__file__).parent
TEMPLATES = sorted((WEB / "templates").glob("*.html"))
HANGUL = re.compile("[가-힣]")


def _template_keys() -> set[str]:
    keys: set[str] = set()
    for path in TEMPLATES:
        keys |= set(re.findall(r"\bt\('([a-z0-9_]+)'\)", path.read_text(encoding="utf-8")))
    return keys


def _dynamic_keys() -> set[str]:
    """Keys templates receive as values: error titles, log-in errors, tab and facet labels."""
    titles = {title for _, _, title in web_app._STATUS} | {"not_found", "error"}
    source = "\n".join(p.read_text(encoding="utf-8") for p in WEB.glob("*.py"))
    errors = set(re.findall(r'error\s*=\s*"([a-z_]+)"', source))
    errors |= set(re.findall(r'"(bad_login|bad_code|locked)"', source))
    estimates = (WEB / "templates" / "estimates.html").read_text(encoding="utf-8")
    tabs = set(re.findall(r"\('[a-z_]+', '([a-z_]+)'\)", estimates))
    protected = {"informant_name", "informant_contact"}
    return titles | errors | tabs | protected


def test_template_key_scan_finds_the_keys() -> None:
    keys = _template_keys()
    assert {"search", "store_id", "sources_disagree", "merged_by_run", "readout_import"} <= keys
    assert {"bad_login", "locked", "bad_code", "overall", "case_type", "duplicate_readout"} <= _dynamic_keys()


@pytest.mark.parametrize("key", sorted(_template_keys() | _dynamic_keys()))
def test_every_key_used_has_both_labels(key: str) -> None:
    assert key in MESSAGES, f"{key!r} is used by a page but has no label in i18n.MESSAGES"
    english, korean = MESSAGES[key]
    assert english.strip() and korean.strip()
    assert translate("en", key) == english
    assert translate("ko", key) == korean


def test_every_korean_message_is_korean() -> None:
    not_korean = {k for k, (_, ko) in MESSAGES.items() if not HANGUL.search(ko)}
    assert not_korean == {"json_twin", "api"}  # "JSON", "API(OpenAPI)": the same in both languages


def test_every_term_call_names_a_vocabulary() -> None:
    used: set[str] = set()
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bterm\('([a-z_]+)'", text)) | set(
            re.findall(r"labelled\('([a-z_]+)'", text)
        )
    assert used <= set(VOCABULARIES)
    assert {"case_type", "status", "province", "violation", "link_state", "round_status"} <= used


def _stored_codes() -> list[tuple[str, str]]:
    codes = [("case_type", c) for c in CASE_TYPES.codes] + [("status", c) for c in CASE_STATUSES.codes]
    codes += [("sex", c) for c in SEX.codes] + [("violation", c) for c in violations().codes]
    codes += [("province", p.code) for p in provinces()]
    return codes + [(name, code) for name in VOCABULARIES for code in vocabulary_labels(name)]


@pytest.mark.parametrize(("vocabulary", "code"), sorted(set(_stored_codes())))
def test_every_vocabulary_value_has_both_labels(vocabulary: str, code: str) -> None:
    english, korean = vocabulary_labels(vocabulary)[code]
    assert english.strip() and korean.strip()
    assert HANGUL.search(korean), f"{vocabulary} {code!r}: Korean label {korean!r} has no Hangul"
    assert term("ko", vocabulary, code) == korean
    assert term("en", vocabulary, code) == english


def test_terms_read_in_the_page_language() -> None:
    assert [term("ko", "province", "KP-09"), term("en", "province", "KP-09")] == [
        "함경북도",
        "North Hamgyong",
    ]
    assert term("ko", "case_type", "forcibly_returned") == "강제송환 탈북민"
    assert term("ko", "status", "unresolved") == "미해결(생사 불명)"
    assert term("ko", "link_state", "pending") == "검토 대기"
    assert term("ko", "case_type", None) == "—"
    assert term("ko", "case_type", "not_a_code") == "not_a_code"  # unknown values are shown as stored
    assert stratum_term("ko", "province", "unresolved") == "미확인 장소"
    assert stratum_term("ko", "case_type", "pow") == "국군포로"
    assert stratum_term("ko", "era", "1950s") == "1950s"
    assert labelled("ko", "province", {"KP-09": 3, "": 2, "unresolved": 1}) == {
        "함경북도": 3,
        "미확인 장소": 3,
    }
