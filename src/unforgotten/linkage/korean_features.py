"""Korean names and places as linkage features, through :mod:`unforgotten.korean`.

A record's name is read from ``name_hangul`` when it has one (Hangul keeps the jamo,
which grade typos finely), else from ``full_name``, else from family and given name
joined. The forms are the sound-class strings of :func:`unforgotten.korean.name_forms`:
every systematic spelling of one name (RR, McCune-Reischauer, DPRK, Northern Hangul,
passport surnames such as Lee/Rhee/Ri) has the same classes, so "key equal" means "same
name in any script". The blocking keys are :func:`unforgotten.korean.name_keys` of every
written form of the name (Hangul and romanized), which include one-deletion variants of
the given name so that a single typo still shares a key.
"""

from __future__ import annotations

from unforgotten.korean import name_keys, parse_name, resolve_place, surname_frequency
from unforgotten.korean.hangul import is_hangul_syllable
from unforgotten.korean.similarity import name_forms
from unforgotten.korean.surnames import fold_latin, surnames_spelled
from unforgotten.linkage.features import NameFeatures, NameInput

__all__ = ["PLACE_CONFIDENCE", "KoreanNames", "korean_places"]

#: A place resolves to a gazetteer unit only at or above this confidence.
PLACE_CONFIDENCE = 0.6


def _texts(name: NameInput) -> list[str]:
    """Every written form of the name, the one to read first."""
    joined = f"{name.family_name} {name.given_name}".strip()
    candidates = (name.name_hangul, name.full_name, joined)
    return list(dict.fromkeys(t.strip() for t in candidates if t and t.strip()))


def _surname_hangul(family: str) -> str | None:
    if family and all(is_hangul_syllable(ch) for ch in family):
        return family
    spelled = surnames_spelled().get(fold_latin(family))
    return spelled[0] if spelled else None


def _share(text: str) -> float | None:
    hangul = _surname_hangul(parse_name(text).family)
    return surname_frequency(hangul) if hangul else None


class KoreanNames:
    """Name features on sound classes and jamo, keys from every written form."""

    def __call__(self, name: NameInput) -> NameFeatures:
        """Features of one name."""
        texts = _texts(name)
        forms = [form for text in texts for form in name_forms(text)]
        if not forms:
            return NameFeatures()
        first = forms[0]
        alt = next((f for f in name_forms(texts[0]) if f.family != first.family), None)
        keys = [key for text in texts for key in name_keys(text)]
        return NameFeatures(
            full_form=f"{first.family} {first.given}".strip() or None,
            surname_form=first.family or None,
            given_form=first.given or None,
            surname_key=first.family or None,
            given_key=first.given or None,
            given_jamo=next((f.given_jamo for f in forms if f.given_jamo), None),
            surname_key_alt=(alt.family or None) if alt else None,
            given_key_alt=(alt.given or None) if alt else None,
            surname_share=_share(texts[0]) if first.family else None,
            keys=tuple(dict.fromkeys(keys)),
        )


def korean_places(text: str) -> tuple[str | None, str | None]:
    """Gazetteer unit and province of a place as written (``None`` when unsure)."""
    matches = resolve_place(text)
    if not matches or matches[0].confidence < PLACE_CONFIDENCE:
        return (None, None)
    best = matches[0]
    return (best.code, best.province_code or None)
