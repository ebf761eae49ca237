"""Korean variants of one person link; different people with similar names do not."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.linkage.conftest import FAST, with_parsed_dates
from unforgotten.linkage import LinkageResult, link_new_records
from unforgotten.linkage.features import NameInput
from unforgotten.linkage.korean_features import KoreanNames, korean_places

NEW_IDS = 10_000_000

# 김정욱 (detainee since 2013) as five outlets wrote him (reference/korean/public_name_variants.csv)
KIM_JONG_WOOK = ["김정욱", "Kim Jong-wook", "Kim Jung-wook", "Kim Jong Uk", "Kim Jeong-wook"]


def _record(uid: int, source: str, name: str, birth: str, **extra: str) -> dict[str, object]:
    base = {"unique_id": uid, "source": source, "record_id": str(uid), "full_name": name}
    base.update({"sex": "M", "birth_date": birth, "case_type": "detainee"})
    base.update({"event_date": "2013-10", "event_place": "Pyongyang"})
    return base | extra


def _new_records() -> pd.DataFrame:
    sources = ["ministry", "families", "ngo_db", "un_wgeid", "press"]
    rows = [
        _record(NEW_IDS + i, src, name, "1964-04-05")
        for i, (src, name) in enumerate(zip(sources, KIM_JONG_WOOK, strict=True))
    ]
    rows += [
        # a different man with a name one syllable away, same list, same era
        _record(NEW_IDS + 10, "ngo_db", "김정훈", "1971-08-12"),
        # the same name, a different man: a prisoner of war born 1931
        _record(
            NEW_IDS + 11,
            "ministry",
            "김정욱",
            "1931-02-20",
            case_type="pow",
            event_date="1951",
            event_place="철원",
        ),
    ]
    return with_parsed_dates(pd.DataFrame(rows))


@pytest.fixture(scope="module")
def with_variants(synthetic: pd.DataFrame, linked: LinkageResult) -> pd.Series:
    result = link_new_records(
        _new_records(),
        synthetic.drop(columns="person"),
        persons=linked.clusters.to_dict(),
        model_json=linked.model_json,
        config=FAST,
    )
    return result.clusters


def test_every_spelling_of_one_name_links(with_variants: pd.Series) -> None:
    clusters = {with_variants[NEW_IDS + i] for i in range(len(KIM_JONG_WOOK))}
    assert len(clusters) == 1


def test_similar_name_does_not_link(with_variants: pd.Series) -> None:
    assert with_variants[NEW_IDS + 10] != with_variants[NEW_IDS]


def test_same_name_other_life_does_not_link(with_variants: pd.Series) -> None:
    assert with_variants[NEW_IDS + 11] != with_variants[NEW_IDS]


@pytest.mark.parametrize(
    "spellings",
    [
        ("리설주", "이설주", "Ri Sol Ju", "Lee Seol-ju"),
        ("최춘길", "Choi Chun-gil", "Choe Chun Gil", "Chun-gil Choi"),
        ("김정은", "Kim Jong Un", "Kim Jeong-eun", "Kim Chong-un"),
    ],
)
def test_spellings_share_name_keys(spellings: tuple[str, ...]) -> None:
    names = KoreanNames()
    features = [names(NameInput(full_name=s)) for s in spellings]
    assert len({(f.surname_key, f.given_key) for f in features}) == 1


def test_hangul_keeps_jamo_and_the_census_share() -> None:
    features = KoreanNames()(NameInput(full_name="Kim Yong-hui", name_hangul="김영희"))
    assert features.given_jamo is not None
    assert features.surname_share == pytest.approx(0.215, abs=0.01)


def test_places_resolve_across_spellings() -> None:
    assert korean_places("양강도") == korean_places("Ryanggang") == ("KP-10", "KP-10")
