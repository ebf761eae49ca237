"""Name parsing of real-list forms: surname-only entries, given-first orders, capitals,
compound surnames, and the surname spellings of passports and everyday use."""

from __future__ import annotations

import pytest

from unforgotten.korean import parse_name
from unforgotten.korean.similarity import name_forms, name_key
from unforgotten.korean.surnames import surnames_spelled, usage_variants
from unforgotten.linkage.features import NameInput
from unforgotten.linkage.korean_features import KoreanNames


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("박씨", "박"),
        ("박 씨", "박"),
        ("박 (이름 미상)", "박"),
        ("박(미상)", "박"),
        ("김 모", "김"),
        ("김모", "김"),
        ("김선생", "김"),
        ("김 선생님", "김"),
        ("박 여사", "박"),
        ("박여사", "박"),
        ("남궁씨", "남궁"),
        ("박", "박"),
        ("Mr. Pak", "Pak"),
        ("Mr Pak", "Pak"),
        ("Ms. Kim", "Kim"),
        ("Mrs Lee", "Lee"),
        ("MRS. LEE", "LEE"),
        ("Miss Choi", "Choi"),
        ("Kim (unknown)", "Kim"),
    ],
)
def test_surname_only_entries_leave_the_given_name_unknown(text: str, family: str) -> None:
    parsed = parse_name(text)
    assert (parsed.family, parsed.given) == (family, "")
    assert parsed.surname_only and not parsed.given_known


@pytest.mark.parametrize("text", ["박씨", "박 (이름 미상)", "Mr. Pak", "김 모"])
def test_surname_only_entries_have_no_given_feature(text: str) -> None:
    features = KoreanNames()(NameInput(full_name=text))
    assert features.given_form is None and features.given_key is None
    assert features.surname_key == name_key(text).rstrip("|")
    assert features.surname_key == ("KIM" if text.startswith("김") else "PAK")


def test_surname_only_keys_agree_across_scripts() -> None:
    keys = {KoreanNames()(NameInput(full_name=t)).surname_key for t in ("박씨", "Mr. Pak", "박 (이름 미상)")}
    assert len(keys) == 1


@pytest.mark.parametrize("text", ["Mrs", "선생", "(이름 미상)", "unknown"])
def test_a_placeholder_alone_is_no_name(text: str) -> None:
    parsed = parse_name(text)
    assert (parsed.family, parsed.given) == ("", "")


@pytest.mark.parametrize(
    ("text", "family", "given"),
    [
        ("홍길동씨", "홍", "길동"),
        ("김영모", "김", "영모"),
        ("이복님", "이", "복님"),
        ("김철씨", "김", "철"),
        ("Mr. Pak Chol Su", "Pak", "Chol Su"),
    ],
)
def test_honorifics_after_a_full_name_keep_the_given_name(text: str, family: str, given: str) -> None:
    parsed = parse_name(text)
    assert (parsed.family, parsed.given) == (family, given)
    assert not parsed.surname_only


@pytest.mark.parametrize(
    ("text", "family", "given"),
    [
        ("Chol Su Pae", "Pae", "Chol Su"),
        ("Young Hee Kim", "Kim", "Young Hee"),
        ("Young-hee Lee", "Lee", "Young-hee"),
        ("Pae Chol Su", "Pae", "Chol Su"),
    ],
)
def test_given_first_orders(text: str, family: str, given: str) -> None:
    parsed = parse_name(text)
    assert (parsed.family, parsed.given) == (family, given)


def test_given_first_reading_has_the_key_of_the_hangul_name() -> None:
    assert name_key("Chol Su Pae") == name_key("배철수") == name_key("Pae Chol-su")
    assert name_key("Young Hee Kim") == name_key("Kim Young-hee") == name_key("김영희")


def test_an_unknown_order_gives_both_readings_to_the_comparison() -> None:
    parsed = parse_name("Song Jang")
    assert parsed.ambiguous
    features = KoreanNames()(NameInput(full_name="Song Jang"))
    assert features.surname_key_alt is not None and features.given_key_alt is not None
    assert features.surname_key_alt != features.surname_key
    assert (features.surname_key_alt, features.given_key_alt) == (features.given_key, features.surname_key)


@pytest.mark.parametrize(
    ("text", "family", "given"),
    [
        ("SIM Yong Ho", "SIM", "Yong Ho"),
        ("Yong Ho SIM", "SIM", "Yong Ho"),
        ("PAE Chol Su", "PAE", "Chol Su"),
        ("Chol Su PAE", "PAE", "Chol Su"),
    ],
)
def test_the_capitalised_token_is_the_family_name(text: str, family: str, given: str) -> None:
    parsed = parse_name(text)
    assert (parsed.family, parsed.given) == (family, given)


@pytest.mark.parametrize(
    ("text", "family", "given"),
    [
        ("남궁민", "남궁", "민"),
        ("황보석", "황보", "석"),
        ("제갈성", "제갈", "성"),
        ("독고현", "독고", "현"),
        ("사공일", "사공", "일"),
        ("남궁철수", "남궁", "철수"),
        ("Namgung Min", "Namgung", "Min"),
        ("Namkoong Min", "Namkoong", "Min"),
        ("Hwangbo In", "Hwangbo", "In"),
        ("Whangbo In", "Whangbo", "In"),
        ("Jegal Sung", "Jegal", "Sung"),
        ("Chegal Sung", "Chegal", "Sung"),
        ("Seonu Jin", "Seonu", "Jin"),
        ("Sunwoo Jin", "Sunwoo", "Jin"),
        ("Dokgo Hyun", "Dokgo", "Hyun"),
        ("Tokko Hyun", "Tokko", "Hyun"),
        ("Sagong Il", "Sagong", "Il"),
        ("Seomun Tak", "Seomun", "Tak"),
    ],
)
def test_compound_surnames_are_kept_whole(text: str, family: str, given: str) -> None:
    parsed = parse_name(text)
    assert (parsed.family, parsed.given) == (family, given)


def test_compound_romanizations_share_the_hangul_key() -> None:
    assert name_key("Namkoong Min") == name_key("Namgung Min") == name_key("남궁민")
    assert name_key("Whangbo In") == name_key("Hwangbo In") == name_key("황보인")


@pytest.mark.parametrize(("text", "other"), [("서문석", ("서", "문석")), ("선우진", ("선", "우진"))])
def test_a_compound_that_is_also_surname_plus_given_keeps_both_readings(
    text: str, other: tuple[str, str]
) -> None:
    parsed = parse_name(text)
    assert parsed.ambiguous and parsed.other == other
    assert parsed.swapped().family == other[0]
    assert len({f.family for f in name_forms(text)}) == 2


def test_a_compound_alone_reads_as_surname_and_one_syllable_given() -> None:
    parsed = parse_name("남궁")
    assert (parsed.family, parsed.given) == ("남", "궁")
    assert parsed.other == ("남궁", "")


def test_a_compound_with_a_rare_given_start_is_not_split() -> None:
    assert parse_name("남궁민").other is None and parse_name("황보석").other is None


@pytest.mark.parametrize(
    ("spelling", "hangul"),
    [
        ("shim", "심"),
        ("sim", "심"),
        ("uhm", "엄"),
        ("um", "엄"),
        ("yum", "염"),
        ("yeom", "염"),
        ("whangbo", "황보"),
        ("doh", "도"),
        ("goo", "구"),
        ("koo", "구"),
        ("kahng", "강"),
        ("nahm", "남"),
        ("noh", "노"),
        ("kwun", "권"),
        ("gill", "길"),
        ("keum", "금"),
    ],
)
def test_surname_spellings_resolve(spelling: str, hangul: str) -> None:
    assert hangul in surnames_spelled()[spelling]


def test_usage_variants_follow_the_published_patterns() -> None:
    assert {"um", "uhm"} <= set(usage_variants("eom"))
    assert "shim" in usage_variants("sim") and "doh" in usage_variants("do")
    assert "sim" not in usage_variants("sim")


@pytest.mark.parametrize(
    ("latin", "hangul"),
    [
        ("Shim Yong Ho", "심용호"),
        ("Uhm Ji Won", "엄지원"),
        ("Doh Kyung Soo", "도경수"),
        ("Goo Ja Chol", "구자철"),
    ],
)
def test_everyday_surname_spellings_key_like_hangul(latin: str, hangul: str) -> None:
    assert name_key(latin).split("|")[0] == name_key(hangul).split("|")[0]
