"""Every label of the web application in English and Korean; the user chooses.

>>> translate("ko", "search")
'검색'
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from unforgotten.domain.vocab import CASE_STATUSES, CASE_TYPES, SEX
from unforgotten.korean import counties, facilities, provinces, south_korea
from unforgotten.web.i18n_accountability import MESSAGES as _ACCOUNTABILITY
from unforgotten.web.i18n_evidence import EVIDENCE_MESSAGES

__all__ = ["LANGUAGES", "MESSAGES", "code_label", "code_labels", "translate", "translator"]

LANGUAGES = ("en", "ko")

MESSAGES: dict[str, tuple[str, str]] = {
    "app_name": ("Unforgotten", "언포갓튼"),
    "tagline": ("Records of abductions, detentions and disappearances", "납북·억류·실종 기록"),
    "skip": ("Skip to content", "본문으로 건너뛰기"),
    "home": ("Overview", "개요"),
    "search": ("Search", "검색"),
    "persons": ("Persons", "인물"),
    "sources": ("Sources", "출처"),
    "review": ("Review", "검토"),
    "estimates": ("Estimates", "추정"),
    "map": ("Map", "지도"),
    "rounds": ("Consultations", "협의"),
    "brief": ("Brief for the next round", "다음 협의 준비 자료"),
    "round_date": ("Date", "일자"),
    "round_place": ("Place", "장소"),
    "round_format": ("Format", "형식"),
    "round_status": ("Status", "상태"),
    "commitments": ("Commitments", "합의 이행 과제"),
    "open_commitments": ("Open commitments", "미이행 과제"),
    "due": ("Due", "기한"),
    "commitment_who": ("Who", "주체"),
    "overdue": ("overdue", "기한 경과"),
    "participants": ("Participants", "참석자"),
    "changes_since": ("Since the round", "협의 이후 변화"),
    "records_new": ("records newly documented", "새로 기록된 기록"),
    "persons_total": ("persons in the registry", "등록된 인물"),
    "recommendations": ("UN recommendations on the round's topics", "협의 의제 관련 유엔 권고"),
    "theme": ("Theme", "주제"),
    "accepted_share": ("accepted", "수용"),
    "all_recommendations": ("All recommendations", "전체 권고"),
    "users": ("Users", "사용자"),
    "account": ("Account", "계정"),
    "log_in": ("Log in", "로그인"),
    "log_out": ("Log out", "로그아웃"),
    "user_name": ("User name", "사용자 이름"),
    "password": ("Password", "비밀번호"),
    "totp_code": ("Six-digit code", "6자리 인증 코드"),
    "totp_prompt": ("Enter the code from your authenticator app.", "인증 앱의 코드를 입력하십시오."),
    "verify": ("Verify", "확인"),
    "bad_login": ("Wrong user name or password.", "사용자 이름 또는 비밀번호가 틀렸습니다."),
    "locked": (
        "Too many failed attempts. Try again in 15 minutes.",
        "실패가 너무 많습니다. 15분 후에 다시 시도하십시오.",
    ),
    "bad_code": ("That code is not valid.", "유효하지 않은 코드입니다."),
    "language": ("Language", "언어"),
    "signed_in_as": ("Signed in as", "로그인 사용자"),
    "role": ("Role", "역할"),
    "role_admin": ("Administrator", "관리자"),
    "role_analyst": ("Analyst", "분석가"),
    "role_documenter": ("Documenter", "기록 담당자"),
    "role_viewer": ("Viewer", "열람자"),
    "search_placeholder": ("Name in any spelling or script, or a place", "이름(모든 표기·문자) 또는 장소"),
    "search_help": (
        "이영희, Lee Young-hee, Ri Yong Hui and Yi Yŏng-hŭi find the same person.",
        "이영희, Lee Young-hee, Ri Yong Hui, Yi Yŏng-hŭi 모두 같은 사람을 찾습니다.",
    ),
    "case_type": ("Case type", "사건 유형"),
    "province": ("Province", "도"),
    "period": ("Period", "시기"),
    "source": ("Source", "출처"),
    "date_from": ("From", "시작일"),
    "date_to": ("To", "종료일"),
    "any": ("Any", "전체"),
    "apply": ("Apply", "적용"),
    "results": ("results", "건"),
    "no_results": ("No person matches.", "일치하는 사람이 없습니다."),
    "matched": ("Matched", "일치"),
    "names": ("Names and spellings", "이름과 표기"),
    "name": ("Name", "이름"),
    "script": ("Script", "문자"),
    "system": ("System", "표기법"),
    "kind": ("Kind", "종류"),
    "cases": ("Cases", "사건"),
    "case": ("Case", "사건"),
    "status": ("Status", "상태"),
    "event_date": ("Date", "일자"),
    "place": ("Place", "장소"),
    "incidents": ("Incidents and acts", "사건 경위와 행위"),
    "violation": ("Violation", "침해"),
    "perpetrator": ("Perpetrator", "가해자"),
    "records": ("Source records", "출처 기록"),
    "raw_row": ("Row as imported", "원본 행"),
    "record": ("Record", "기록"),
    "row": ("Row", "행"),
    "batch": ("Batch", "배치"),
    "batches": ("Import batches", "가져오기 배치"),
    "linkage": ("Linkage evidence", "연계 근거"),
    "no_linkage": ("No linkage decision concerns this person.", "이 인물에 대한 연계 결정이 없습니다."),
    "history": ("Version history", "변경 이력"),
    "when": ("When", "일시"),
    "who": ("Who", "작업자"),
    "what": ("What", "내용"),
    "reason": ("Reason", "사유"),
    "consent": ("Consent", "동의"),
    "consent_none": ("No consent recorded: not for publication.", "동의 기록 없음: 공개 불가."),
    "may_publish": ("May publish", "공개 가능"),
    "may_not_publish": ("May not publish", "공개 불가"),
    "protected": ("Protected fields", "보호 항목"),
    "reveal": ("Show protected fields (audited)", "보호 항목 보기(감사 기록됨)"),
    "protected_note": (
        "Each view of these fields is written to the audit log.",
        "이 항목을 볼 때마다 감사 기록에 남습니다.",
    ),
    "protected_hidden": ("Hidden for your role.", "이 역할에는 표시되지 않습니다."),
    "informant_name": ("Informant", "제보자"),
    "informant_contact": ("Informant contact", "제보자 연락처"),
    "sex": ("Sex", "성별"),
    "birth_date": ("Born", "출생"),
    "person": ("Person", "인물"),
    "overlap": ("Overlap between lists", "목록 간 중복"),
    "overlap_help": (
        "Persons on each pair of lists (diagonal: persons on the list).",
        "두 목록에 모두 있는 인물 수(대각선: 해당 목록의 인물 수).",
    ),
    "organisation": ("Organisation", "기관"),
    "confidentiality": ("Confidentiality", "기밀 등급"),
    "file": ("File", "파일"),
    "imported_at": ("Imported", "가져온 시각"),
    "rows": ("Rows", "행 수"),
    "actor": ("Actor", "작업자"),
    "mapping": ("Column mapping", "열 매핑"),
    "count": ("Count", "수"),
    "total": ("Total", "합계"),
    "statistics": ("The registry", "등록부 현황"),
    "audit_events": ("Audit events", "감사 이벤트"),
    "by_case_type": ("By case type", "사건 유형별"),
    "by_province": ("By province", "도별"),
    "run_estimates": ("Run estimates", "추정 실행"),
    "no_estimates": ("No estimate has been run yet.", "아직 추정을 실행하지 않았습니다."),
    "estimate_note": (
        "Multiple systems estimation from the lists each person is on. "
        "Read docs/estimation.md before quoting a number.",
        "각 인물이 포함된 목록으로 다중체계추정(MSE)을 합니다. "
        "수치를 인용하기 전에 docs/estimation.md를 읽으십시오.",
    ),
    "stratum": ("Stratum", "층"),
    "method": ("Method", "방법"),
    "observed": ("Observed", "관측"),
    "estimate": ("Estimate", "추정치"),
    "interval": ("Interval", "구간"),
    "notes": ("Notes", "비고"),
    "posterior": ("Posterior of N", "N의 사후분포"),
    "observed_vs_estimated": ("Observed and estimated by stratum", "층별 관측치와 추정치"),
    "methods_side_by_side": ("Methods side by side", "방법별 비교"),
    "stratify_by": ("Strata", "층 구분"),
    "overall": ("Overall", "전체"),
    "facilities": ("Detention facilities", "구금 시설"),
    "map_help": (
        "Cases by province of the event; detention facilities marked.",
        "사건 발생 도별 사건 수. 구금 시설 표시.",
    ),
    "counties": ("Counties and cities", "군·시"),
    "unresolved": ("Unresolved place", "미확인 장소"),
    "queue": ("Review queue", "검토 대기열"),
    "accept": ("Accept (same person)", "수락(같은 사람)"),
    "reject": ("Reject (different)", "거부(다른 사람)"),
    "skip_pair": ("Skip", "건너뛰기"),
    "progress": ("Progress", "진행"),
    "decided": ("decided", "결정됨"),
    "pending": ("pending", "대기"),
    "undo_merge": ("Undo merge", "병합 취소"),
    "field": ("Field", "항목"),
    "agreement": ("Agreement", "일치 수준"),
    "weight": ("Weight", "가중치"),
    "probability": ("Match probability", "일치 확률"),
    "shortcuts": ("Keys: A accept · R reject · S skip", "단축키: A 수락 · R 거부 · S 건너뛰기"),
    "queue_empty": ("Nothing to review.", "검토할 항목이 없습니다."),
    "link_run_card": ("Newest linkage run", "최근 연계 실행"),
    "places_resolved": ("Places resolved to the gazetteer", "지명 사전에서 찾은 장소"),
    "resolved_of": ("resolved / written", "찾음 / 기재"),
    "expected_errors": ("Expected errors (calibrated probabilities)", "예상 오류(보정된 확률)"),
    "merged_false": ("false matches among merged pairs", "병합된 쌍 중 잘못된 일치"),
    "review_true": (
        "true matches among review pairs (missed unless reviewed)",
        "검토 쌍 중 실제 일치(검토하지 않으면 놓침)",
    ),
    "below_true": ("true matches below the review band", "검토 구간 아래의 실제 일치"),
    "add_user": ("Add a user", "사용자 추가"),
    "add": ("Add", "추가"),
    "active": ("Active", "활성"),
    "second_factor": ("Second factor", "2단계 인증"),
    "created": ("Created", "생성일"),
    "change_role": ("Change role", "역할 변경"),
    "save": ("Save", "저장"),
    "new_password": ("Password shown once", "한 번만 표시되는 비밀번호"),
    "totp_enable": ("Turn on a second factor", "2단계 인증 켜기"),
    "totp_on": ("A second factor is on.", "2단계 인증이 켜져 있습니다."),
    "totp_secret": ("Secret for your authenticator app", "인증 앱에 입력할 비밀 키"),
    "yes": ("yes", "예"),
    "no": ("no", "아니요"),
    "error": ("Something went wrong", "오류가 발생했습니다"),
    "not_found": ("Not found", "찾을 수 없습니다"),
    "forbidden": ("Your role may not do this", "이 역할로는 할 수 없습니다"),
    "bad_request": ("The request was not valid", "요청이 올바르지 않습니다"),
    "conflict": ("Changed since", "그 사이에 바뀌었습니다"),
    "busy": ("The registry is busy: try again in a minute", "등록부가 다른 작업 중입니다"),
    "back_home": ("Back to the overview", "개요로 돌아가기"),
    "json_twin": ("JSON", "JSON"),
    "previous": ("Previous", "이전"),
    "next": ("Next", "다음"),
    "api": ("API (OpenAPI)", "API(OpenAPI)"),
    "access": ("Access", "접근"),
    "disable": ("Disable", "비활성화"),
    "enable": ("Enable", "활성화"),
    "tokens": ("API tokens", "API 토큰"),
    "token_label": ("Label", "표시 이름"),
    "revoke": ("Revoke", "폐기"),
    "revoked": ("Revoked", "폐기됨"),
    "change_password": ("Change password", "비밀번호 변경"),
    "current_password": ("Current password", "현재 비밀번호"),
    "new_password_field": ("New password (10 characters or more)", "새 비밀번호(10자 이상)"),
    "password_changed": ("Password changed; log in again.", "비밀번호가 바뀌었습니다. 다시 로그인하십시오."),
    # person page: events, store ids, linkage states
    "store_id": ("Store id", "저장 ID"),
    "events_help": (
        "One table per event; each source that reports it is a column "
        "(store id: what unforgotten split takes).",
        "사건마다 한 표이며, 그 사건을 전하는 출처마다 한 열입니다(저장 ID: unforgotten split에 쓰는 번호).",
    ),
    "sources_disagree": ("sources disagree", "출처 간 불일치"),
    "sources_report": ("Sources reporting this event", "이 사건을 전하는 출처"),
    "merged_by_run": ("merged by linkage run", "연계 실행으로 병합됨:"),
    # estimates page
    "saved_by": ("saved by", "저장:"),
    # consultation rounds: readout import
    "readout_import": ("Import a readout", "협의 결과문 가져오기"),
    "readout_text": ("Readout text (English or Korean)", "결과문 본문(영어 또는 한국어)"),
    "readout_file_name": ("File name (optional)", "파일 이름(선택)"),
    "save_draft": ("Save as draft round", "초안 협의로 저장"),
    "confirm_round": ("Confirm (checked against the readout)", "확정(결과문과 대조 확인)"),
    "duplicate_readout": ("Already saved", "이미 저장됨"),
    # UN resolutions
    "resolutions": ("UN resolutions", "유엔 결의"),
    "resolutions_help": (
        "General Assembly and Human Rights Council resolutions on the DPRK, paragraph by paragraph. "
        "A quoted passage is as the cited page quotes it; "
        "load a full text with `unforgotten resolution load`.",
        "북한 인권 상황에 관한 유엔 총회·인권이사회 결의를 문단별로 보여 줍니다. 인용 문단은 출처 페이지가 "
        "인용한 그대로이며, 전문은 `unforgotten resolution load`로 불러옵니다.",
    ),
    "resolution_symbol": ("Symbol", "문서 번호"),
    "resolution_body": ("Body", "기관"),
    "resolution_year": ("Year", "연도"),
    "resolution_text_found": ("Text found", "확보한 본문"),
    "resolution_paragraph": ("Paragraph", "문단"),
    "resolution_themes": ("Themes", "주제"),
    "resolution_diff": ("What changed", "변경 내용"),
    "resolution_source": ("Source", "출처"),
    # the workbench: forms to enter, correct, restore, retire and approve records
    "drafts": ("Drafts", "초안"),
    "drafts_help": (
        "Records entered or changed in the workbench that wait for a second person's review.",
        "작업대에서 입력하거나 고친 기록 중 다른 사람의 검토를 기다리는 기록입니다.",
    ),
    "drafts_hidden": (
        "Drafts are shown to the team, not to viewers.",
        "초안은 작업 팀에만 표시되며 열람자에게는 표시되지 않습니다.",
    ),
    "not_approved": ("Not approved:", "승인되지 않았습니다:"),
    "approve": ("Approve", "승인"),
    "state": ("State", "상태"),
    "state_draft": ("draft", "초안"),
    "state_approved": ("approved", "승인됨"),
    "state_retired": ("retired", "폐기됨"),
    "edited_since": ("changed since its review", "검토 후 변경됨"),
    "incident": ("Incident", "사건 경위"),
    "version": ("Version", "버전"),
    "versions": ("Versions and their differences", "버전과 변경 내용"),
    "workbench": ("Record", "기록 관리"),
    "saved_as": ("Saved as version", "저장했습니다. 버전"),
    "reviewed_by": ("reviewed by", "검토자:"),
    "entered_by": ("entered by", "입력자:"),
    "retired_because": ("Retired", "폐기 사유"),
    "edit": ("Edit", "편집"),
    "retire": ("Retire with a reason", "사유를 적고 폐기"),
    "restore_version": ("Restore version", "이 버전으로 복원:"),
    "sourced_values": ("Values and their sources", "값과 출처"),
    "value": ("Value", "값"),
    "preferred": ("preferred", "우선 값"),
    "make_preferred": ("Make preferred", "우선 값으로 지정"),
    "confidence": ("Confidence", "신뢰도"),
    "conf_confirmed": ("confirmed", "확인됨"),
    "conf_probable": ("probable", "개연성 높음"),
    "conf_possible": ("possible", "가능성 있음"),
    "conf_contested": ("contested", "이견 있음"),
    "citation": ("Citation (page, paragraph, minute)", "인용 위치(쪽, 단락, 녹음 시각)"),
    "citation_col": ("Citation", "인용 위치"),
    "h_citation": (
        "Where in the source the value is found.",
        "출처의 어느 부분에 이 값이 있는지 적으십시오.",
    ),
    "h_reason": (
        "Required: a few words on why, kept with the version.",
        "필수: 변경 사유를 짧게 적으십시오(버전과 함께 보관).",
    ),
    "h_source": ("Empty: the record's own source.", "비워 두면 이 기록의 원래 출처입니다."),
    "own_source": ("The record's own source", "기록의 원래 출처"),
    "keep_beside": ("Keep beside the shown value", "표시된 값은 그대로 두고 함께 보관"),
    "h_keep": (
        "The values typed are kept as another source's version; the page still shows the current ones.",
        "입력한 값을 다른 출처의 값으로 함께 보관하고, 화면에는 현재 값을 계속 표시합니다.",
    ),
    "required": ("required", "필수"),
    "protected_tag": ("protected", "보호"),
    "back": ("Back", "돌아가기"),
    "cancel": ("Cancel", "취소"),
    "based_on_version": ("based on version", "기준 버전"),
    "not_saved": ("Not saved.", "저장되지 않았습니다."),
    "fix_fields": ("Correct the fields marked below.", "아래 표시된 항목을 고치십시오."),
    "fields": ("Fields", "항목"),
    "acts": ("Acts", "행위"),
    "someone_saved_first": ("Someone saved first", "다른 사람이 먼저 저장했습니다"),
    "stale_explain": (
        "Your changes were based on version {expected}; version {current} was saved since. "
        "Nothing of yours was saved and nothing you typed is lost.",
        "입력하신 내용은 버전 {expected} 기준인데, 그 사이에 버전 {current}이(가) 저장되었습니다. "
        "아무것도 저장되지 않았고 입력한 내용은 그대로 남아 있습니다.",
    ),
    "stale_carry": (
        "The form below is based on their version and holds every change you typed: check it and save.",
        "아래 양식은 새 버전을 기준으로 하고 입력하신 변경 사항을 모두 담고 있습니다. "
        "확인한 뒤 저장하십시오.",
    ),
    "theirs": ("Saved since", "새로 저장된 값"),
    "yours": ("Yours", "내가 입력한 값"),
    "both_changed": ("both changed", "양쪽 모두 변경"),
    "unchanged": ("not changed by you", "변경하지 않음"),
    "save_carry": ("Save my changes on the new version", "새 버전에 내 변경 사항 저장"),
    "fs_person": ("Person", "인물"),
    "fs_case": ("Case", "사건"),
    "fs_status": ("Status step", "상태 단계"),
    "fs_incident": ("Incident", "사건 경위"),
    "fs_act": ("Act", "행위"),
    "fs_source": ("Source", "출처"),
    "fs_provenance": ("Where this comes from, and why", "근거와 사유"),
    "new_person": ("New person", "새 인물"),
    "edit_person": ("Correct a person", "인물 정보 수정"),
    "new_case": ("New case", "새 사건"),
    "edit_case": ("Correct a case", "사건 정보 수정"),
    "add_status": ("Add a status step", "상태 단계 추가"),
    "new_incident": ("New incident", "새 사건 경위"),
    "edit_incident": ("Correct an incident", "사건 경위 수정"),
    "add_act": ("Add an act", "행위 추가"),
    "new_source": ("New source", "새 출처"),
    "edit_source": ("Correct a source", "출처 정보 수정"),
    "status_history": ("Status history", "상태 이력"),
    "no_statuses": ("No status step recorded.", "기록된 상태 단계가 없습니다."),
    "f_name": ("Name as written in the source", "출처에 적힌 이름"),
    "h_name": ("Any script: Hangul, a romanization, Hanja.", "모든 문자: 한글, 로마자, 한자."),
    "f_name_system": ("Romanization of the name", "이름의 로마자 표기법"),
    "f_name_hangul": ("Name in Hangul", "한글 이름"),
    "f_aliases": ("Other names", "다른 이름"),
    "h_aliases": ("Separate names with |", "여러 이름은 |로 구분하십시오."),
    "f_sex": ("Sex", "성별"),
    "f_birth_date": ("Birth date", "생년월일"),
    "h_date": (
        "A partial date is fine: 1977, 1977-08, 1977년 8월, c. 1977, 1950~1953.",
        "일부만 알아도 됩니다: 1977, 1977-08, 1977년 8월, c. 1977, 1950~1953.",
    ),
    "f_birth_place": ("Birth place", "출생지"),
    "h_place": (
        "Any spelling; places of the gazetteer are suggested as you type.",
        "어떤 표기든 됩니다. 입력하면 지명 사전의 장소가 제안됩니다.",
    ),
    "f_case_type": ("Case type", "사건 유형"),
    "f_event_date": ("Date", "일자"),
    "f_event_place": ("Place", "장소"),
    "f_status": ("Status", "상태"),
    "f_first_status": ("First status", "최초 상태"),
    "f_statuses": ("Status history", "상태 이력"),
    "f_acts": ("Acts", "행위"),
    "f_note": ("Note", "메모"),
    "f_title": ("Title", "제목"),
    "f_date": ("Date", "일자"),
    "f_place": ("Place", "장소"),
    "f_date_range": ("Date or range", "일자 또는 기간"),
    "f_description": ("Description", "설명"),
    "f_victim": ("Victim (person id)", "피해자(인물 번호)"),
    "h_victim": (
        "The case's person unless another is named.",
        "비워 두거나 그대로 두면 이 사건의 인물입니다.",
    ),
    "h_perpetrator": ("As the source names them (text).", "출처에 적힌 대로(텍스트)."),
    "f_source_name": ("Name of the source", "출처 이름"),
    "f_kind": ("Kind", "종류"),
    "f_organisation": ("Organisation", "기관"),
    "f_confidentiality": ("Confidentiality", "기밀 등급"),
    **_ACCOUNTABILITY,
}

MESSAGES.update(EVIDENCE_MESSAGES)


def translate(lang: str, key: str) -> str:
    """The label ``key`` in ``lang`` (English when the language is unknown); the key if none."""
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "ko" else pair[0]


def translator(lang: str) -> Callable[[str], str]:
    """``t(key)`` for templates."""
    return lambda key: translate(lang, key)


# ------------------------------------------------------------------ codes shown on pages
@cache
def _place_names() -> dict[str, tuple[str, str]]:
    units = (*provinces(), *south_korea(), *counties(), *facilities())
    return {u.code: (u.name_en, u.name_hangul or u.name_en) for u in units}


_VOCABULARIES = {"case_type": CASE_TYPES, "status": CASE_STATUSES, "sex": SEX}


def code_labels(facet: str, code: str) -> tuple[str, str]:
    """(English, Korean) of a code a page shows: a case type, status or sex term, a place code
    (``KP-09``, ``KR-46-hongdo``), ``unresolved`` for a place; anything else (a source's name)
    as it is.

    >>> code_labels("province", "KP-09"), code_labels("case_type", "pow")[1]
    (('North Hamgyong', '함경북도'), '국군포로')
    """
    vocabulary = _VOCABULARIES.get(facet)
    if vocabulary is not None and code in vocabulary.codes:
        term = vocabulary.term(code)
        return term.label_en, term.label_ko
    if facet in ("province", "place"):
        if code == "unresolved":
            return MESSAGES["unresolved"]
        return _place_names().get(code, (code, code))
    return code, code


def code_label(lang: str, facet: str, code: str) -> str:
    """:func:`code_labels` in ``lang`` (English when the language is unknown)."""
    en, ko = code_labels(facet, code)
    return ko if lang == "ko" else en
