"""The name-variant generator of :mod:`unforgotten.synth.names`."""

from __future__ import annotations

import random

from unforgotten.korean import Script, name_key, name_keys, script_of
from unforgotten.synth.names import noisy_variant, random_korean_name, variant_spellings


def test_variant_spellings_cover_every_system() -> None:
    assert variant_spellings("이", "설주") == [
        "이설주", "리설주", "I Seol-ju", "I Seolju", "Lee Seol-ju", "Yi Sŏl-chu", "Yi Sol-chu",
        "Ri Sol Ju", "Seol-ju Lee"]


def test_variant_spellings_of_north_hangul_start_from_the_south_form() -> None:
    assert variant_spellings("리", "설주") == variant_spellings("이", "설주")


def test_every_systematic_spelling_shares_a_key_with_the_hangul() -> None:
    rng = random.Random(11)
    for _ in range(200):
        hangul, *spellings = variant_spellings(*random_korean_name(rng))
        for spelling in spellings:
            assert set(name_keys(spelling)) & set(name_keys(hangul)), spelling
            if "-" in spelling or spelling.count(" ") > 1:  # given-name syllables apart
                assert name_key(spelling) == name_key(hangul), spelling


def test_random_names_are_seeded_and_hangul() -> None:
    first = [random_korean_name(random.Random(5)) for _ in range(3)]
    assert first[0] == first[1] == first[2]
    rng = random.Random(5)
    names = [random_korean_name(rng) for _ in range(2000)]
    assert all(script_of(f + g) is Script.HANGUL for f, g in names)
    share_kim = sum(f == "김" for f, _ in names) / len(names)
    assert 0.17 < share_kim < 0.26
    assert {len(g) for _, g in names} == {1, 2, 3}


def test_noisy_variants_are_mostly_blockable() -> None:
    rng = random.Random(3)
    names = [random_korean_name(rng) for _ in range(500)]
    shared = sum(
        bool(set(name_keys(noisy_variant(*n, rng))) & set(name_keys(noisy_variant(*n, rng))))
        for n in names
    )
    assert shared / len(names) >= 0.97


def test_noisy_variants_mix_scripts() -> None:
    rng = random.Random(8)
    scripts = {script_of(noisy_variant("김", "영희", rng)) for _ in range(200)}
    assert scripts == {Script.HANGUL, Script.LATIN}
