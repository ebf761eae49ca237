"""Given-name syllables and how often they occur, for candidate ranking and synthetic names.

No public table of given-name syllable frequencies ships with the project, so this is a
*compiled judgement*, not a statistic: syllables grouped into five tiers by how often they
appear in Korean given names of people born 1920–1990 (the generations the records
concern, South and North), with weights 40, 20, 8, 3 and 1 within the tiers. The
ranking is rough and the weights are a prior: they decide between readings such as
설/솔 for "sol", never between different spellings of one reading.

>>> given_syllable_weight("영") > given_syllable_weight("솔") > given_syllable_weight("뷁")
True
"""

from __future__ import annotations

from functools import cache

__all__ = ["FALLBACK_WEIGHT", "given_syllable_weight", "given_syllables"]

FALLBACK_WEIGHT = 0.05
_TIERS: tuple[tuple[float, str], ...] = (
    (40.0, "영정수현민지진성철숙희자순호준경미은혜옥"),
    (20.0, "선명광남일용석기동상재종태우원국춘길주욱훈혁연윤하승환식규서아나유인중화애란"
           "향금분복덕만봉삼송찬천청형홍효흥설"),
    (8.0, "섭택근범열학창한심예의이조채초충칠표필해빈소빛다라련림례녀님월실룡단미명옥"
          "웅운완오온원익임장전평풍학혜회후휘경계관구귀균녕대도두락량렬령록류률린모무문"),
    (3.0, "각간갑강건걸견겸고곤공교권극달담돈득등려로륜륭마목묵박반배백번벽병보부비사산"
          "새생세섬손숭슬시신안암양억언엽왕요위육율융작점제좌직참치탁탄포항허헌협활황흠"),
    (1.0, "솔별샘슬결늘봄빈솜잎"),
)


@cache
def _weights() -> dict[str, float]:
    weights: dict[str, float] = {}
    for weight, syllables in _TIERS:
        for syllable in syllables:
            weights.setdefault(syllable, weight)
    return weights


def given_syllables() -> dict[str, float]:
    """Every listed given-name syllable with its weight (a copy)."""
    return dict(_weights())


def given_syllable_weight(syllable: str) -> float:
    """The weight of one syllable in given names; :data:`FALLBACK_WEIGHT` if unlisted."""
    return _weights().get(syllable, FALLBACK_WEIGHT)
