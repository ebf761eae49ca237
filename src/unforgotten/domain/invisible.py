"""Characters that change how text looks without being seen: zero-width marks and bidi controls.

A zero-width space or joiner, a left-to-right or right-to-left mark, or a byte-order mark inside a
name makes two spellings that look the same compare as different (and lets a name hide from
search); a bidirectional override or isolate (U+202A–U+202E, U+2066–U+2069) makes the text after
it display in another order, so a page can show something other than what is stored. Names lose
the zero-width marks at import; any cell holding a bidi control is refused.

>>> strip_invisible("Kim\\u200b Chol\\ufeff")
'Kim Chol'
>>> bidi_control("abc\\u202edef")
'U+202E RIGHT-TO-LEFT OVERRIDE'
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["BIDI_CONTROLS", "ZERO_WIDTH", "bidi_control", "strip_invisible"]

ZERO_WIDTH = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
"""Zero-width space, non-joiner, joiner, left-to-right and right-to-left marks, word joiner, BOM."""
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Embeddings, overrides, pop, and the isolates."""

_ZERO = re.compile(f"[{ZERO_WIDTH}]")
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")


def strip_invisible(text: str) -> str:
    """``text`` without zero-width marks (and so without a BOM)."""
    return _ZERO.sub("", text) if _ZERO.search(text) else text


def bidi_control(text: str) -> str | None:
    """The first bidi control in ``text``, named (``U+202E RIGHT-TO-LEFT OVERRIDE``), or ``None``."""
    found = _BIDI.search(text)
    if found is None:
        return None
    char = found.group()
    return f"U+{ord(char):04X} {unicodedata.name(char)}"
