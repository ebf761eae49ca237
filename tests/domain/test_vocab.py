import pytest

from unforgotten.domain.roles import Permission, Role, may
from unforgotten.domain.vocab import CASE_STATUSES, CASE_TYPES, SEX, case_type_violation, violations


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("pow", "pow"),
        ("POW", "pow"),
        ("국군포로", "pow"),
        ("Prisoner of War", "pow"),
        ("abductee-wartime", "abductee_wartime"),
        ("전시 납북자", "abductee_wartime"),
        ("강제북송", "forcibly_returned"),
        ("kwanliso", "political_prisoner"),
    ],
)
def test_case_types_accept_codes_labels_and_aliases(value: str, code: str) -> None:
    assert CASE_TYPES.normalise(value) == code


def test_required_case_types_exist() -> None:
    required = {
        "abductee_wartime",
        "abductee_postwar",
        "detainee",
        "pow",
        "forcibly_returned",
        "political_prisoner",
    }
    assert required <= set(CASE_TYPES.codes)


def test_unknown_value_gets_close_suggestions() -> None:
    assert CASE_TYPES.normalise("detainne") is None
    assert CASE_TYPES.suggest("detainne") == ["detainee"]
    assert CASE_TYPES.suggest("zzzzzz") == []


@pytest.mark.parametrize(
    ("value", "code"), [("남", "M"), ("여자", "F"), ("female", "F"), ("m", "M"), ("?", "U")]
)
def test_sex_notations(value: str, code: str) -> None:
    assert SEX.normalise(value) == code


def test_statuses_in_korean() -> None:
    assert CASE_STATUSES.normalise("생사불명") == "unresolved"
    assert CASE_STATUSES.normalise("사망") == "deceased"


def test_every_case_type_maps_to_a_violation_code() -> None:
    codes = set(violations().codes)
    assert all(case_type_violation(c) in codes for c in CASE_TYPES.codes)
    assert case_type_violation("pow") == "NKV-F3"


def test_permission_matrix() -> None:
    assert may(Role.ADMIN, Permission.EXPORT_PROTECTED)
    assert not may(Role.ANALYST, Permission.READ_PROTECTED)
    assert may(Role.DOCUMENTER, Permission.READ_PROTECTED)
    assert [p for p in Permission if may(Role.VIEWER, p)] == [Permission.READ]
    assert not may("intruder", Permission.READ)
