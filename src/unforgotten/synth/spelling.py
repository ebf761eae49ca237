"""How a list keeper spells a name: the one seam between the lists and the name models.

:class:`Speller` is the extension point; :class:`KoreanSpeller` is the real one, built on
:mod:`unforgotten.synth.names` and :mod:`unforgotten.korean`. :class:`HangulOnlySpeller`
is a test double that writes Hangul only (no romanization at all), for tests that do not
care about spellings.
"""

from __future__ import annotations

import functools
import importlib
import random
import re
from collections.abc import Callable
from typing import Any, Protocol

__all__ = ["HangulOnlySpeller", "KoreanSpeller", "Speller", "is_hangul"]


_HANGUL = re.compile("[\uac00-\ud7a3]")


def is_hangul(text: str) -> bool:
    """Whether ``text`` contains at least one Hangul syllable."""
    return _HANGUL.search(text) is not None


def _south_to_north() -> Callable[[str], Any]:
    korean = importlib.import_module("unforgotten.korean")
    found = getattr(korean, "south_to_north", None)
    if found is None:  # not re-exported yet: take it from its module
        found = importlib.import_module("unforgotten.korean.initial_law").south_to_north
    convert: Callable[[str], Any] = found
    return convert


def _romanize_name() -> Callable[[str, str, str], Any]:
    korean = importlib.import_module("unforgotten.korean")

    def romanize(family: str, given: str, system: str) -> Any:
        return korean.romanize_name(family, given, system=system)

    return romanize


class Speller(Protocol):
    """Writes one person's name the ways lists do."""

    def hangul(self, family: str, given: str, *, north: bool) -> str:
        """The name in Hangul, Southern or Northern spelling (리설주 / 이설주)."""
        ...

    def romanized(self, family: str, given: str, *, system: str) -> str:
        """The name in one romanization system (``rr``, ``rr_conventional``, ``mr``, …)."""
        ...

    def variant(self, family: str, given: str, rng: random.Random) -> str:
        """One spelling in any script or system, typos included."""
        ...

    def random_name(self, rng: random.Random) -> tuple[str, str]:
        """A fresh (family, given) Hangul name, for informants."""
        ...


class KoreanSpeller:
    """The real speller: :mod:`unforgotten.synth.names` over :mod:`unforgotten.korean`."""

    def __init__(self) -> None:
        self._names: Any = importlib.import_module("unforgotten.synth.names")
        self._to_north = _south_to_north()
        self._romanize = functools.lru_cache(maxsize=1 << 16)(_romanize_name())

    def hangul(self, family: str, given: str, *, north: bool) -> str:
        """The name in Hangul, Southern or Northern spelling."""
        written = family + given
        return str(self._to_north(written)) if north else written

    def romanized(self, family: str, given: str, *, system: str) -> str:
        """:func:`unforgotten.korean.romanize_name` in ``system`` (cached)."""
        return str(self._romanize(family, given, system))

    def variant(self, family: str, given: str, rng: random.Random) -> str:
        """One noisy spelling from :func:`names.noisy_variant`."""
        return str(self._names.noisy_variant(family, given, rng))

    def random_name(self, rng: random.Random) -> tuple[str, str]:
        """A name from :func:`names.random_korean_name`."""
        family, given = self._names.random_korean_name(rng)
        return str(family), str(given)


class HangulOnlySpeller:
    """A test double: Hangul always, North spelling left as is, a spaced variant as noise."""

    def hangul(self, family: str, given: str, *, north: bool) -> str:
        """``family + given``, whatever ``north`` says."""
        return family + given

    def romanized(self, family: str, given: str, *, system: str) -> str:
        """``"family given"`` (still Hangul: this double does not romanize)."""
        return f"{family} {given}"

    def variant(self, family: str, given: str, rng: random.Random) -> str:
        """Either the plain or the spaced form."""
        return f"{family} {given}" if rng.random() < 0.5 else family + given

    def random_name(self, rng: random.Random) -> tuple[str, str]:
        """One of a few fixed names."""
        return rng.choice((("김", "영수"), ("이", "순자"), ("박", "철호"), ("최", "미영")))
