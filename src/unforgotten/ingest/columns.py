"""The canonical import columns: a file that uses these names needs no mapping."""

from __future__ import annotations

__all__ = ["CANONICAL_COLUMNS", "HEADER_ALIASES", "PROTECTED_COLUMNS", "SENSITIVE_COLUMNS", "header_key"]

CANONICAL_COLUMNS: dict[str, str] = {
    "record_id": "the source's own id of the row, unique in that source (required)",
    "full_name": "the name as written, any script or romanization",
    "family_name": "family name (surname), if the list separates it",
    "given_name": "given name, if the list separates it",
    "name_hangul": "the name in Hangul",
    "aliases": "other names, separated by |",
    "sex": "M/F/U, 남/여, male/female",
    "birth_date": "partial or Korean-formatted date (1952, 1952-03, 1952년 3월 14일, c. 1950 …)",
    "birth_place": "place of birth, any spelling",
    "case_type": "abductee_wartime, abductee_postwar, detainee, pow, forcibly_returned, "
    "political_prisoner … (see docs/import-format.md)",
    "event_date": "date of the abduction, detention or disappearance (partial allowed)",
    "event_place": "place of the event, any spelling",
    "status": "unresolved, alive, deceased, returned, released, detained",
    "notes": "free text",
    "perpetrator_name": "SENSITIVE: alleged perpetrators by name, separated by | (matched to known "
    "post-holders in any spelling; kept encrypted, shown to analysts and above)",
    "perpetrator_unit": "the organisations or units said to be responsible, separated by | (any of their "
    "names, the one in force at the event date or any other)",
    "perpetrator_role": "the involvement (direct, ordered, commanded, instigated, complicit, member_of, "
    "지시 …) or a description (interrogator)",
    "facility": "the detention facilities, separated by | (any name, or kind and number: Camp 15, "
    "15호 관리소)",
    "informant_name": "PROTECTED: who gave the information",
    "informant_contact": "PROTECTED: how to reach them",
}

PROTECTED_COLUMNS: frozenset[str] = frozenset({"informant_name", "informant_contact"})
#: Cells kept encrypted with the record rather than in its raw values.
SENSITIVE_COLUMNS: frozenset[str] = PROTECTED_COLUMNS | {"perpetrator_name"}

# Headers that lists keep (Korean and English) and the canonical column each one means; used
# for a column the mapping does not name, when the file has no column of the canonical name.
HEADER_ALIASES: dict[str, str] = {
    "번호": "record_id",
    "연번": "record_id",
    "일련번호": "record_id",
    "관리번호": "record_id",
    "id": "record_id",
    "no": "record_id",
    "no.": "record_id",
    "성명": "full_name",
    "이름": "full_name",
    "성명(한글)": "name_hangul",
    "한글": "name_hangul",
    "한글성명": "name_hangul",
    "성": "family_name",
    "surname": "family_name",
    "family name": "family_name",
    "given name": "given_name",
    "한자": "aliases",
    "한자성명": "aliases",
    "이명": "aliases",
    "별명": "aliases",
    "성별": "sex",
    "gender": "sex",
    "생년월일": "birth_date",
    "출생일": "birth_date",
    "생년": "birth_date",
    "date of birth": "birth_date",
    "출생지": "birth_place",
    "본적": "birth_place",
    "place of birth": "birth_place",
    "피해유형": "case_type",
    "피해 유형": "case_type",
    "구분": "case_type",
    "납북일": "event_date",
    "납북일자": "event_date",
    "피랍일": "event_date",
    "납북장소": "event_place",
    "납북 장소": "event_place",
    "피랍장소": "event_place",
    "생사": "status",
    "생사여부": "status",
    "현황": "status",
    "비고": "notes",
    "메모": "notes",
    "remarks": "notes",
    "가해자": "perpetrator_name",
    "가해자 성명": "perpetrator_name",
    "perpetrator": "perpetrator_name",
    "가해기관": "perpetrator_unit",
    "가해 기관": "perpetrator_unit",
    "가해자 소속": "perpetrator_unit",
    "소속기관": "perpetrator_unit",
    "perpetrator unit": "perpetrator_unit",
    "가해자 역할": "perpetrator_role",
    "가담 유형": "perpetrator_role",
    "perpetrator role": "perpetrator_role",
    "수용시설": "facility",
    "구금시설": "facility",
    "구금 시설": "facility",
    "detention facility": "facility",
    "제보자": "informant_name",
    "제보자 연락처": "informant_contact",
    "연락처": "informant_contact",
}


def header_key(column: str) -> str:
    """A header as :data:`HEADER_ALIASES` keys it: trimmed, lower case, single spaces."""
    return " ".join(column.strip().lower().split())
