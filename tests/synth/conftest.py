"""Fixtures of the synth tests: a name source and a speller that need no romanizer."""

from __future__ import annotations

import random

import pytest

from unforgotten.synth import HangulOnlySpeller, Population, generate_population

FAMILIES = ("김", "이", "박", "최", "정", "강", "조", "윤")
GIVENS = ("영수", "순자", "철호", "미영", "광수", "정희", "성민", "은주", "동구", "설주")


def stub_name(rng: random.Random) -> tuple[str, str]:
    """A name drawn from two short tuples: enough variety for counting tests."""
    return rng.choice(FAMILIES), rng.choice(GIVENS)


class ManyVariantSpeller(HangulOnlySpeller):
    """Hangul only, but with a numbered variant so that two draws rarely agree."""

    def variant(self, family: str, given: str, rng: random.Random) -> str:
        return f"{family} {given} {rng.randrange(1000)}"


@pytest.fixture(scope="session")
def population() -> Population:
    return generate_population(20_000, seed=11, name_source=stub_name)


@pytest.fixture
def speller() -> ManyVariantSpeller:
    return ManyVariantSpeller()
