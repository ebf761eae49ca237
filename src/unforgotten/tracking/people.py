"""Find the officials named in a readout: name, title and organisation, English and Korean.

Only sentences that describe taking part in a meeting are read (a *cue*: "co-hosted",
"led by", "head delegates", "had a meeting with", 참석, 면담, 만나, ...), so a person merely
mentioned is not taken for a participant. Patterns, each with its rule id:

- ``PA-APPOS``   Name, Title [of the Organisation] / Name, Organisation Title
- ``PA-TITLE``   Title Name [of the Organisation]
- ``PA-KO-LATIN`` [기관] 이름(Latin Name) 직함
- ``PA-KO-FOREIGN`` [기관] 이름 이름 [기관] 직함: a name of two or three Hangul words, as
  foreign names are written ("엘리자베스 살몬 유엔 북한인권특별보고관")
- ``PA-KO-NAME`` 이름 [기관] 직함 (followed by a particle or a space)

A name in Hangul that the shipped list of officials knows is given its Latin form
("살몬" → "살몬 (Elizabeth Salmón)"); see :mod:`unforgotten.tracking.officials`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from unforgotten.tracking.officials import find_official
from unforgotten.tracking.text import Sentence

__all__ = ["Mention", "find_people"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_CUE_EN = re.compile(
    r"co-hosted|\bhosted\b|\bled by\b|\bhead delegates?\b|\bdelegations?\b|\bhad a meeting with\b"
    r"|\bmet(?: with)?\b|\bparticipated\b|\battended\b|\bchaired\b|\bjoined by\b"
    r"|\bcourtesy call\b|\breceived\b|\bheld\b",
    re.IGNORECASE,
)
_CUE_KO = re.compile(r"참석|만나|만났|면담|방문|주재|회담|협의|개최|임명식|접견|예방|패널")
_TITLE_HEADS = _words(
    "Director Director-General Envoy Ambassador Ambassador-at-large Minister Secretary Official "
    "Representative Chair Chairman Chairperson President Commissioner Rapporteur Coordinator "
    "Counselor Counsellor Adviser Advisor Spokesperson Head Chief Administrator"
)
_ORG_HEADS = _words(
    "Ministry Department Office Bureau Agency Council Commission Embassy Mission Government "
    "Institute Center Centre Foundation University Service Committee Secretariat Congress"
)
_NOT_NAME = (
    _TITLE_HEADS
    | _ORG_HEADS
    | _words(
        "General Special Deputy Assistant Under Senior Vice High Affairs Issues Rights Human North "
        "South Korean Korea Koreans Peninsula Peace Regime Policy Unification Foreign State States "
        "United Republic Consultation Consultations Summit Trilateral The In On Both Various Led "
        "Through Among Furthermore Additionally Also Washington Seoul Brussels Tokyo Geneva Japan "
        "Japanese Russia National Security Interagency January February March April May June July "
        "August September October November December Day Defectors Act Amb"
    )
)
_NAME_TOKEN = re.compile(r"[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?|[A-Z]{3,}")
_CAPS = re.compile(r"[A-Z]{3,}")
_WORD = re.compile(r"[\w’'.()-]+")
_CONNECTORS = frozenset({"for", "on", "of", "the", "to", "and"})
_PARTICLES = frozenset({"Van", "Von", "De", "Der", "Del", "Da", "Di", "Bin", "Le", "La"})
_HONORIFIC = re.compile(r"\s*\b(?:Dr|Mr|Ms|Mrs|Prof)\.$")

_KO_ORG = (
    r"(?:미국|한국|일본|중국|영국|유엔|우리|[가-힣]+(?:외교부|국무부|통일부|부|처|청|연구소|위원회|재단"
    r"|대학교|대학|대사관|협회|센터))(?:\([A-Z]+\))?"
)
_KO_ORG_WORD = r"(?:미국|한국|일본|중국|영국|유엔|우리)"
_KO_TITLE = (
    r"(?:[^\s,()]+\s+){0,3}?[^\s,()]*?(?:특별부대표|부대표|대표|특사|대사|차관보|차관|장관|국장|석좌"
    r"|단장|실장|본부장|위원장|보좌관|조정관|의원|대변인|심의관|특별보고관|보고관|사무소장|대신)"
)
_KO_LATIN = re.compile(
    rf"(?P<org>(?:{_KO_ORG}\s+)*)(?P<name>[가-힣]{{1,4}}(?:\s[가-힣]{{1,4}})?)"
    rf"\((?P<latin>[A-Z][A-Za-z.' -]+)\)\s*(?P<title>{_KO_TITLE})"
)
_KO_NAME = re.compile(
    rf"(?<![가-힣])(?P<name>[가-힣]{{2,4}})\s+(?P<org>(?:{_KO_ORG}\s+)*)(?P<title>{_KO_TITLE})"
    r"(?=[은는이가의을를와과께도\s,]|$)"
)
_KO_TOKEN = rf"(?!(?:{_KO_ORG_WORD}|{_KO_ORG})(?:\s|$))[가-힣]+(?:-[가-힣]+)?"
_KO_FOREIGN = re.compile(
    rf"(?<![가-힣])(?P<name>{_KO_TOKEN}(?:\s{_KO_TOKEN}){{1,2}})\s+(?:전\(前\)\s*)?"
    rf"(?P<org>(?:{_KO_ORG}\s+)*)(?P<title>(?:[^\s,]+\s+){{0,3}}?[^\s,]*?"
    r"(?:특별보고관|보고관|부대표|대표|특사|대사|차관보|차관|장관|국장|위원장|사무소장|대신))"
    r"(?=[은는이가의을를와과께도\s,]|$)"
)
_KO_STOP = frozenset(
    {
        "동안",
        "기간",
        "방문기간",
        "이번",
        "또한",
        "아울러",
        "한편",
        "등",
        "및",
        "그리고",
        "당시",
        "오후",
        "오전",
    }
    | {"현지시간", "패널"}
)
_KO_NOT_NAME = re.compile(rf"^(?:{_KO_ORG})$|[여며고서는은을를의에와과도로가다면해]$")
_KO_JOIN = re.compile(r"^\s*(?:및|와|과|,)?\s*$")


@dataclass(frozen=True, slots=True)
class Mention:
    """A person found in one sentence, with the rule that found them."""

    name: str
    title: str | None
    organization: str | None
    sentence: Sentence
    start: int
    end: int
    rule: str

    @property
    def key(self) -> str:
        """The name folded for de-duplication (Hangul part and Latin part both count)."""
        return _fold(self.name.split(" (")[0])


def _fold(name: str) -> str:
    return re.sub(r"[\s\-.'’]", "", name).lower()


def _tidy(text: str | None) -> str | None:
    if text is None:
        return None
    text = re.sub(r"\s+", " ", text).strip(" ,.")
    text = re.sub(r"^(?:the|The)\s+", "", text)
    return text or None


def _is(word: str, heads: frozenset[str]) -> bool:
    return word.strip(",.").lower() in {h.lower() for h in heads}


def _split_appositive(appos: str) -> tuple[str | None, str | None]:
    """``Title of the Org`` or ``Org Title`` → (title, organisation)."""
    words = appos.split()
    head = next((i for i, w in enumerate(words) if _is(w, _TITLE_HEADS)), len(words))
    if any(_is(w, _ORG_HEADS) for w in words[:head]):
        return _tidy(" ".join(words[head:])), _tidy(" ".join(words[:head]))
    for m in [*re.finditer(r"\s+at\s+(?:the\s+)?", appos), *re.finditer(r"\s+of\s+(?:the\s+)?", appos)]:
        rest = appos[m.end() :]
        if any(_is(w, _ORG_HEADS) for w in rest.split()):
            return _tidy(appos[: m.start()]), _tidy(rest)
    return _tidy(appos), None


def _trim(run: list[re.Match[str]]) -> list[re.Match[str]]:
    """The name at the end of a run of capitalised words: ``Justice Beth Van Schaack`` → 3
    words, ``Intelligence Cho Koo-rae`` → 2 (a hyphenated Korean given name ends it)."""
    if "-" in run[-1].group(0):
        return run[-2:]
    if len(run) >= 3 and run[-2].group(0) in _PARTICLES:
        return run[-3:]
    return run if len(run) <= 3 else run[-2:]


def _name_runs(text: str) -> list[tuple[int, int]]:
    """Names: runs of capitalised words that are not title, organisation or place words."""
    runs: list[list[re.Match[str]]] = [[]]
    for m in _WORD.finditer(text):
        ok = _NAME_TOKEN.fullmatch(m.group(0)) and m.group(0) not in _NOT_NAME
        adjacent = runs[-1] and text[runs[-1][-1].end() : m.start()] == " "
        if ok and (adjacent or not runs[-1]):
            runs[-1].append(m)
        elif ok:
            runs.append([m])
        elif runs[-1]:
            runs.append([])
    # a surname in capitals ("TSUGE Yoshifumi") counts, a run of acronyms ("ROK DPRK") does not
    mixed = [r for r in runs if len(r) >= 2 and not all(_CAPS.fullmatch(w.group(0)) for w in r)]
    names = [_trim(r) for r in mixed]
    return [(r[0].start(), r[-1].end()) for r in names]


def _has_head(words: str, heads: frozenset[str]) -> bool:
    return any(_is(w, heads) for w in words.split())


def _appositive(sentence: Sentence, a: int, b: int) -> Mention | None:
    m = re.match(r",\s*(?P<appos>[^,;]+?)\s*(?=,|;|\.?$)", sentence.text[b:])
    if not m or not _has_head(m.group("appos"), _TITLE_HEADS):
        return None
    title, org = _split_appositive(m.group("appos"))
    name = sentence.text[a:b]
    return Mention(name, title, org, sentence, a, b + m.end(), "PA-APPOS")


def _title_before(text: str, a: int, floor: int) -> tuple[str, int] | None:
    words = list(_WORD.finditer(text, floor, a))
    start = a
    for w in reversed(words):
        token = w.group(0)
        if not (token[0].isupper() or token in _CONNECTORS):
            break
        start = w.start()
    title = _HONORIFIC.sub("", text[start:a].strip())
    title = re.sub(r"^(?:(?:the|for|on|of|to|and)\s+)+", "", title)
    return (title, start) if _has_head(title, _TITLE_HEADS) else None


def _org_after(text: str) -> tuple[str | None, int]:
    m = re.match(r"\s+of\s+(?:the\s+)?(?P<org>[A-Z][\w.’'-]*(?:\s+(?:of|for|[A-Z][\w.’'-]*))*)", text)
    if m and _has_head(m.group("org"), _ORG_HEADS):
        return _tidy(m.group("org")), m.end()
    return None, 0


def _title_name(sentence: Sentence, a: int, b: int, floor: int) -> Mention | None:
    found = _title_before(sentence.text, a, floor)
    if found is None:
        return None
    phrase, start = found
    title, org_before = _split_appositive(phrase)
    org_after, length = _org_after(sentence.text[b:])
    name = sentence.text[a:b]
    return Mention(name, title, org_before or org_after, sentence, start, b + length, "PA-TITLE")


def _english(sentence: Sentence) -> list[Mention]:
    found: list[Mention] = []
    floor = 0  # a title never reaches back into the person before
    for a, b in _name_runs(sentence.text):
        if a < floor:
            continue
        mention = _appositive(sentence, a, b) or _title_name(sentence, a, b, floor)
        if mention:
            found.append(mention)
            floor = mention.end
    return found


def _korean(sentence: Sentence) -> list[Mention]:
    text = sentence.text
    found: list[Mention] = []
    for m in _KO_LATIN.finditer(text):
        if re.fullmatch(r"[A-Z]+", m.group("latin").strip()):
            continue  # an acronym in brackets ("조사위원회(COI)") is not a name
        name = f"{m.group('name')} ({m.group('latin').strip()})"
        org, title = _tidy(m.group("org")), _tidy(m.group("title"))
        found.append(Mention(name, title, org, sentence, m.start(), m.end(), "PA-KO-LATIN"))
    found += _korean_foreign(sentence, found)
    for m in _KO_NAME.finditer(text):
        taken = any(f.start < m.end() and m.start() < f.end for f in found)
        if taken or _bad_ko_word(m.group("name")):
            continue
        org, title = _tidy(m.group("org")), _tidy(m.group("title"))
        found.append(Mention(m.group("name"), title, org, sentence, m.start(), m.end(), "PA-KO-NAME"))
    return _share_organisation(sorted(found, key=lambda f: f.start), text)


_KO_TITLE_NOISE = re.compile(r"[\d▵‘’「」]|[는은을를에와과도고]$")


def _bad_ko_word(word: str) -> bool:
    """Not part of a name: a particle or verb ending, a stop word, a human-rights word."""
    return word in _KO_STOP or bool(_KO_NOT_NAME.search(word)) or "인권" in word or "북한" in word


def _korean_foreign(sentence: Sentence, found: list[Mention]) -> list[Mention]:
    """Names of two or three Hangul words before an organisation and a title."""
    out: list[Mention] = []
    for m in _KO_FOREIGN.finditer(sentence.text):
        words = m.group("name").split()
        start = m.start("name")
        while words and (words[0] in _KO_STOP or _KO_NOT_NAME.search(words[0])):
            start += len(words[0]) + 1
            words = words[1:]
        taken = any(f.start < m.end() and start < f.end for f in [*found, *out])
        bad_word = any(_bad_ko_word(w) for w in words)
        bad_title = any(_KO_TITLE_NOISE.search(w) for w in m.group("title").split()[:-1])
        if len(words) < 2 or taken or bad_word or bad_title:
            continue
        org, title = _tidy(m.group("org")), _tidy(m.group("title"))
        out.append(Mention(" ".join(words), title, org, sentence, start, m.end(), "PA-KO-FOREIGN"))
    return out


def _with_latin(mention: Mention) -> Mention:
    """A name in Hangul only, known to the list of officials, gets its Latin form."""
    if "(" in mention.name or not re.search(r"[가-힣]", mention.name):
        return mention
    official = find_official(mention.name)
    if official is None:
        return mention
    return replace(mention, name=f"{mention.name} ({official.name_latin})")


def _share_organisation(found: list[Mention], text: str) -> list[Mention]:
    """``미국 국무부 A 차관 및 B 부대표``: B, with no organisation of its own, shares A's."""
    out: list[Mention] = []
    for mention in found:
        prev = out[-1] if out else None
        joined = prev is not None and _KO_JOIN.match(text[prev.end : mention.start])
        if prev and joined and mention.organization is None and prev.organization:
            out.append(replace(mention, organization=prev.organization))
        else:
            out.append(mention)
    return out


def find_people(sentences: tuple[Sentence, ...]) -> list[Mention]:
    """Participants named in the cue sentences, first mention of each person kept."""
    seen: set[str] = set()
    people: list[Mention] = []
    for sentence in sentences:
        korean = bool(re.search(r"[가-힣]", sentence.text))
        if not (_CUE_KO if korean else _CUE_EN).search(sentence.text):
            continue
        for found in _korean(sentence) if korean else _english(sentence):
            mention = _with_latin(found)
            if mention.key not in seen:
                seen.add(mention.key)
                people.append(mention)
    return people
