"""Gazetteer and resolve_place."""

from __future__ import annotations

import pytest

from unforgotten.korean import counties, facilities, provinces, resolve_place, south_korea


def test_gazetteer_sizes() -> None:
    codes = [p.code for p in provinces() if p.code.startswith("KP-") and "|" not in p.code]
    assert len(codes) == 13
    assert len(counties()) == 179
    assert {f.code for f in facilities()} >= {"kwanliso-14", "kwanliso-15", "kwanliso-16",
                                              "kwanliso-25"}


@pytest.mark.parametrize(
    "text",
    ["North Hamgyong", "Hamgyong-bukto", "Hamgyŏngbuk-do", "Hamkyeongpukto", "함경북도", "함북",
     "Hamgyeongbuk-do", "N. Hamgyong Province", "함경북"],
)
def test_every_spelling_family_of_north_hamgyong(text: str) -> None:
    assert [(m.code, m.confidence) for m in resolve_place(text)] == [("KP-09", 1.0)]


@pytest.mark.parametrize(
    ("text", "code"),
    [("양강도", "KP-10"), ("량강도", "KP-10"), ("Yanggang", "KP-10"), ("Chagang", "KP-04"),
     ("Jakangto", "KP-04"), ("Najin-Sonbong", "KP-13"), ("평남", "KP-02"),
     ("P'yŏngan-namdo", "KP-02"), ("Hwanghainamto", "KP-05"), ("S. Hwanghae", "KP-05"),
     ("평양직할시", "KP-01"), ("Nampho", "KP-14")],
)
def test_provinces_in_any_spelling(text: str, code: str) -> None:
    assert resolve_place(text)[0].code == code


def test_gangwon_is_ambiguous_and_says_so() -> None:
    found = resolve_place("강원도")
    assert [(m.code, m.confidence) for m in found] == [("KP-07", 0.5), ("KR-42", 0.5)]
    assert all("ambiguous" in m.note for m in found)


def test_old_hwanghae_points_at_both_successors() -> None:
    match = resolve_place("Hwanghae-do")[0]
    assert match.code == "KP-05|KP-06" and "1954" in match.note


@pytest.mark.parametrize(("text", "code"), [("회령시", "KP0203"), ("Hoeryong", "KP0203"),
                                            ("무산군", "KP0218"), ("청진", "KP0205")])
def test_counties_from_hangul_or_english(text: str, code: str) -> None:
    assert resolve_place(text)[0].code == code


def test_same_county_name_in_two_provinces_splits_confidence() -> None:
    found = resolve_place("Unsan")
    assert {m.province_code for m in found} == {"KP-02", "KP-03"}
    assert [m.confidence for m in found] == [0.5, 0.5]


def test_facilities_by_number_and_name() -> None:
    assert resolve_place("Camp 15")[0].code == "kwanliso-15"
    assert resolve_place("관리소 16")[0].code == "kwanliso-16"
    assert resolve_place("Yodok camp")[0].code == "kwanliso-15"


def test_typo_falls_back_to_a_lower_confidence_match() -> None:
    found = resolve_place("Hamgyonbuk")
    assert [(m.code, m.confidence) for m in found] == [("KP-09", 0.711)]
    assert resolve_place("Chongjn")[0].code == "KP0205"


def test_nothing_for_empty_text() -> None:
    assert resolve_place(" ") == []


def test_south_korea_has_the_17_first_level_units() -> None:
    codes = [u.code for u in south_korea() if u.code == u.province_code]
    assert codes == ["KR-11", "KR-26", "KR-27", "KR-28", "KR-29", "KR-30", "KR-31", "KR-41", "KR-42",
                     "KR-43", "KR-44", "KR-45", "KR-46", "KR-47", "KR-48", "KR-49", "KR-50"]


@pytest.mark.parametrize(
    ("text", "code"),
    [("서울특별시", "KR-11"), ("Seoul", "KR-11"), ("부산광역시", "KR-26"), ("Pusan", "KR-26"),
     ("Incheon-gwangyeoksi", "KR-28"), ("Inch'ŏn", "KR-28"), ("충북", "KR-43"),
     ("North Chungcheong", "KR-43"), ("Ch'ungch'ŏng-bukto", "KR-43"), ("전라남도", "KR-46"),
     ("South Jeolla", "KR-46"), ("Chŏlla-namdo", "KR-46"), ("제주특별자치도", "KR-49"),
     ("Cheju-do", "KR-49"), ("세종특별자치시", "KR-50"), ("전북특별자치도", "KR-45")],
)
def test_south_korean_divisions_in_hangul_rr_and_mr(text: str, code: str) -> None:
    assert [(m.code, m.confidence) for m in resolve_place(text)] == [(code, 1.0)]


@pytest.mark.parametrize(
    ("text", "code"),
    [("홍도", "KR-46-hongdo"), ("Hongdo", "KR-46-hongdo"), ("Hong-do", "KR-46-hongdo"),
     ("연평도", "KR-28-yeonpyeongdo"), ("Yeonpyeong-do", "KR-28-yeonpyeongdo"),
     ("Yŏnp'yŏng-do", "KR-28-yeonpyeongdo"), ("Yeonpyeong Island", "KR-28-yeonpyeongdo"),
     ("백령도", "KR-28-baengnyeongdo"), ("Paengnyong-do", "KR-28-baengnyeongdo"),
     ("대청도", "KR-28-daecheongdo"), ("소청도", "KR-28-socheongdo"), ("강화도", "KR-28-ganghwado"),
     ("속초", "KR-42-sokcho"), ("Sokch'o", "KR-42-sokcho"), ("주문진읍", "KR-42-jumunjin"),
     ("Chumunjin", "KR-42-jumunjin"), ("군산시", "KR-45-gunsan"), ("Kunsan", "KR-45-gunsan"),
     ("목포", "KR-46-mokpo"), ("선유도", "KR-45-seonyudo"), ("Sŏnyu-do", "KR-45-seonyudo"),
     ("거문도", "KR-46-geomundo"), ("Kŏmun-do", "KR-46-geomundo")],
)
def test_south_korean_islands_and_towns_in_any_spelling(text: str, code: str) -> None:
    found = resolve_place(text)
    assert [(m.code, m.confidence) for m in found] == [(code, 1.0)]
    assert found[0].province_code == code[:5]


def _brute_force(key: str) -> set[str]:
    """Every gazetteer key within the fuzzy floor of ``key``, by measuring each one."""
    from unforgotten.korean.places import FUZZY_FLOOR, _index
    from unforgotten.korean.similarity import levenshtein

    return {
        other
        for other in _index()
        if other and 1 - levenshtein(key, other) / max(len(key), len(other)) >= FUZZY_FLOOR
    }


@pytest.mark.parametrize(
    "text",
    [
        "Hamgyongbuk",
        "Hamgyng",
        "Chongjinn",
        "Sinuju",
        "Kaesng",
        "Pyongsung",
        "Hoeryong-si",
        "연평",
        "Musann",
        "Kimcheck",
        "Yonan-gun",
        "Kangdong",
        "Hyesan",
        "Onsongg",
        "Sariwon",
    ],
)
def test_the_deletion_index_finds_every_key_a_scan_would(text: str) -> None:
    from unforgotten.korean.places import _near_keys, place_key

    key = place_key(text)
    assert _brute_force(key) <= _near_keys(key)


def test_a_distinct_place_is_resolved_once() -> None:
    from unforgotten.korean.places import _resolved

    resolve_place("Chongjinn")
    before = _resolved.cache_info().hits
    assert resolve_place("Chongjinn") == resolve_place("Chongjinn")
    assert _resolved.cache_info().hits == before + 2


def test_every_south_korean_city_county_and_district_is_in_the_gazetteer() -> None:
    from unforgotten.korean.gazetteer import municipalities

    units = municipalities()
    assert len(units) == 260
    assert {u.level for u in units} == {"city", "county", "district"}
    jangan = next(u for u in units if u.name_hangul == "장안구")
    assert (jangan.province_code, jangan.parent_code) == ("KR-41", "KR-41-31010")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("서울특별시 서대문구", "KR-11-11130"),
        ("Seodaemun-gu, Seoul", "KR-11-11130"),
        ("경기도 연천군", "KR-41-31350"),
        ("Yeoncheon-gun, Gyeonggi-do", "KR-41-31350"),
        ("Gyeonggi Yŏnch'ŏn", "KR-41-31350"),
        ("경기도 연천군 전곡읍", "KR-41-31350"),
        ("서울 중구", "KR-11-11020"),
        ("Busan Jung-gu", "KR-26-21010"),
        ("수원시 장안구", "KR-41-31011"),
        ("경상남도 고성군", "KR-48-38340"),
        ("Goseong-gun, Gyeongsangnam-do", "KR-48-38340"),
        ("경기도 광주시", "KR-41-31250"),
        ("함경북도 회령시", "KP0203"),
        ("Hoeryong, North Hamgyong", "KP0203"),
        ("Jongno district", "KR-11-11010"),
    ],
)
def test_province_and_county_in_any_script_and_order(text: str, code: str) -> None:
    assert resolve_place(text)[0].code == code
    assert resolve_place(text)[0].confidence == 1.0


@pytest.mark.parametrize(
    ("old", "code"),
    [
        ("충무시", "KR-48-38050"),
        ("이리시", "KR-45-35030"),
        ("미추홀구", "KR-28-23030"),
        ("여주시", "KR-41-31320"),
    ],
)
def test_old_and_new_names_find_the_unit(old: str, code: str) -> None:
    assert resolve_place(old)[0].code == code


def test_a_bare_name_shared_by_several_units_stays_unsure() -> None:
    found = resolve_place("중구")
    assert len(found) == 5 and all(m.confidence < 0.6 for m in found)
    assert resolve_place("강원도 고성군")[0].confidence < 0.6  # 강원도 and its 고성군: North or South


def test_a_hangul_name_written_exactly_wins_over_a_sound_alike() -> None:
    assert [(m.code, m.confidence) for m in resolve_place("소청도")] == [("KR-28-socheongdo", 1.0)]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("연평도 근해", "KR-28-yeonpyeongdo"),
        ("Yeonpyeong waters", "KR-28-yeonpyeongdo"),
        ("East Sea off Sokcho", "KR-42-sokcho"),
        ("속초 앞바다", "KR-42-sokcho"),
        ("Thongchon, Kangwon", "KP0405"),
        ("춘천", "KR-42-32010"),
        ("Ch'unch'ŏn", "KR-42-32010"),
        ("Kaech'on Kwalliso", "kwanliso-14"),
    ],
)
def test_qualifiers_containers_and_written_forms_settle_a_place(text: str, code: str) -> None:
    assert [(m.code, m.confidence) for m in resolve_place(text)][:1] == [(code, 1.0)]
