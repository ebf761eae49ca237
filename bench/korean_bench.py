"""Benchmark of :mod:`unforgotten.korean`: keys, similarity, candidates and throughput.

Run ``.venv/bin/python bench/korean_bench.py`` (add ``--names 20000`` for a quick run).
It prints a Markdown report; ``--out bench/results/korean.md`` writes it there.

1. Real public spellings (``data/korean/public_name_variants.csv``): every pair of spellings
   of one person (the Hangul included) — shared key, similarity; every pair of different
   people — the highest similarity.
2. Synthetic pairs from :mod:`unforgotten.synth.names` (seeded): true pairs are two noisy
   spellings of one name; different-person pairs are random pairs of names and "near
   misses" (the same name with one jamo of the given name changed, as 김영희/김영회).
3. Top-3 accuracy of :func:`hangul_candidates` on names whose Hangul is certain: a list
   of well-known public figures' names in the spellings the press uses, and synthetic
   names romanized by each system. A hit is the name, in Southern or Northern spelling,
   among the first three candidates.
4. Throughput of :func:`name_keys` and :func:`name_similarity` over N noisy names.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import platform
import random
import statistics
import time
from collections.abc import Callable, Sequence

from unforgotten.data import data_path
from unforgotten.korean import (
    hangul_candidates,
    name_key,
    name_keys,
    name_similarity,
    north_to_south_name,
    romanize_name,
    south_to_north,
)
from unforgotten.korean.hangul import compose, decompose
from unforgotten.synth.names import noisy_variant, random_korean_name

# well-known people whose Hangul is certain, in the spellings the press uses
PUBLIC_FIGURES = (
    ("김정은", "Kim Jong Un"), ("김정일", "Kim Jong Il"), ("김일성", "Kim Il Sung"),
    ("김여정", "Kim Yo Jong"), ("리설주", "Ri Sol Ju"), ("최룡해", "Choe Ryong Hae"),
    ("장성택", "Jang Song Thaek"), ("김영남", "Kim Yong Nam"), ("박봉주", "Pak Pong Ju"),
    ("김계관", "Kim Kye Gwan"), ("리용호", "Ri Yong Ho"), ("최선희", "Choe Son Hui"),
    ("김영철", "Kim Yong Chol"), ("현송월", "Hyon Song Wol"), ("김경희", "Kim Kyong Hui"),
    ("강석주", "Kang Sok Ju"), ("황병서", "Hwang Pyong So"), ("리수용", "Ri Su Yong"),
    ("김기남", "Kim Ki Nam"), ("문재인", "Moon Jae-in"), ("박근혜", "Park Geun-hye"),
    ("이명박", "Lee Myung-bak"), ("노무현", "Roh Moo-hyun"), ("김대중", "Kim Dae-jung"),
    ("김영삼", "Kim Young-sam"), ("윤석열", "Yoon Suk-yeol"), ("반기문", "Ban Ki-moon"),
    ("이재명", "Lee Jae-myung"), ("박정희", "Park Chung-hee"), ("전두환", "Chun Doo-hwan"),
    ("노태우", "Roh Tae-woo"), ("이승만", "Syngman Rhee"), ("김연아", "Kim Yu-na"),
    ("손흥민", "Son Heung-min"), ("박지성", "Park Ji-sung"), ("류현진", "Ryu Hyun-jin"),
    ("김정욱", "Kim Jung-wook"), ("김국기", "Kim Kook-ki"), ("최춘길", "Choi Chun-gil"),
    ("고현철", "Ko Hyon Chol"), ("김원호", "Kim Won-ho"), ("정의용", "Chung Eui-yong"),
    ("강경화", "Kang Kyung-wha"), ("한덕수", "Han Duck-soo"), ("황교안", "Hwang Kyo-ahn"),
    ("이낙연", "Lee Nak-yon"), ("정세균", "Chung Sye-kyun"), ("김부겸", "Kim Boo-kyum"),
    ("한동훈", "Han Dong-hoon"), ("안철수", "Ahn Cheol-soo"),
)
SYSTEMS = ("rr", "rr_conventional", "mr", "mr_plain", "dprk")


def public_variants() -> dict[str, list[str]]:
    """person → every spelling in the reference file, the Hangul first."""
    text = data_path("korean", "public_name_variants.csv").read_text(encoding="utf-8")
    people: dict[str, list[str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        spellings = people.setdefault(row["person"], [row["hangul"]])
        spellings.append(row["variant"])
    return people


def real_spellings() -> list[str]:
    """Markdown lines for the real public spellings."""
    people = public_variants()
    same = [(a, b) for s in people.values() for a, b in itertools.combinations(s, 2)]
    keyed = sum(name_key(a) == name_key(b) for a, b in same)
    sims = [name_similarity(a, b) for a, b in same]
    cross = [
        name_similarity(a, b)
        for p, q in itertools.combinations(people.values(), 2)
        for a in p
        for b in q
    ]
    return [
        f"- {len(people)} people, {sum(map(len, people.values()))} spellings, "
        f"{len(same)} same-person pairs, {len(cross)} different-person pairs",
        f"- same-person pairs sharing the exact key: {keyed}/{len(same)}",
        f"- same-person similarity: min {min(sims):.3f}, mean {statistics.mean(sims):.3f}",
        f"- different-person similarity: max {max(cross):.3f}, mean {statistics.mean(cross):.3f}",
    ]


def near_miss(family: str, given: str, rng: random.Random) -> tuple[str, str]:
    """The same name with one jamo of one given-name syllable changed (another person)."""
    i = rng.randrange(len(given))
    parts = list(decompose(given[i]))
    slot = rng.randrange(3)
    size = (19, 21, 28)[slot]
    parts[slot] = (parts[slot] + rng.randrange(1, size)) % size
    return family, given[:i] + compose(*parts) + given[i + 1 :]


def share_key(a: str, b: str) -> bool:
    """Whether two written names share any blocking key."""
    return bool(set(name_keys(a)) & set(name_keys(b)))


def synthetic_pairs(n: int, seed: int) -> list[str]:
    """Markdown lines for the synthetic pair study."""
    rng = random.Random(seed)
    names = [random_korean_name(rng) for _ in range(n)]
    true = [(noisy_variant(*m, rng), noisy_variant(*m, rng)) for m in names]
    shuffled = names[1:] + names[:1]
    random_pairs = [
        (noisy_variant(*a, rng), noisy_variant(*b, rng))
        for a, b in zip(names, shuffled, strict=True)
        if north_to_south_name(*a) != north_to_south_name(*b)
    ]
    near = [(noisy_variant(*m, rng), noisy_variant(*near_miss(*m, rng), rng)) for m in names]
    lines = [f"- {n} names (seed {seed}); one pair of noisy spellings per name"]
    for label, pairs in (("true pairs", true), ("random different pairs", random_pairs),
                         ("near-miss different pairs", near)):
        exact = sum(name_key(a) == name_key(b) for a, b in pairs) / len(pairs)
        blocked = sum(share_key(a, b) for a, b in pairs) / len(pairs)
        sims = [name_similarity(a, b) for a, b in pairs]
        high = sum(s >= 0.9 for s in sims) / len(sims)
        lines.append(
            f"- {label} ({len(pairs)}): share any key {blocked:.4f}; exact key {exact:.4f}; "
            f"similarity mean {statistics.mean(sims):.3f}, median {statistics.median(sims):.3f},"
            f" share ≥ 0.9 {high:.4f}"
        )
    return lines


def top3(pairs: Sequence[tuple[str, str]]) -> float:
    """Share of (hangul, romanized) pairs whose Hangul is among the first three candidates."""
    hits = 0
    for hangul, romanized in pairs:
        found = {c.hangul for c in hangul_candidates(romanized, limit=3)}
        family, given = (hangul[:2], hangul[2:]) if len(hangul) > 3 else (hangul[0], hangul[1:])
        south = "".join(north_to_south_name(family, given))
        hits += bool(found & {hangul, south, south_to_north(south)})
    return hits / len(pairs)


def candidates(n: int, seed: int) -> list[str]:
    """Markdown lines for the candidate study."""
    rng = random.Random(seed)
    lines = [f"- public figures, press spellings ({len(PUBLIC_FIGURES)}): "
             f"top-3 {top3(PUBLIC_FIGURES):.3f}"]
    names = [random_korean_name(rng) for _ in range(n)]
    total = 0.0
    for system in SYSTEMS:
        pairs = [(f + g, romanize_name(f, g, system=system)) for f, g in names]
        score = top3(pairs)
        total += score
        lines.append(f"- synthetic names, {system} ({n}): top-3 {score:.3f}")
    lines.append(f"- synthetic, all systems ({n * len(SYSTEMS)}): top-3 {total / len(SYSTEMS):.3f}")
    return lines


def timed(label: str, work: Callable[[], int], count: int) -> str:
    """Run ``work`` once and report names per second."""
    start, cpu = time.perf_counter(), time.process_time()
    work()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return (f"- {label}: {count:,} in {seconds:.1f} s wall = {count / seconds:,.0f} names/s; "
            f"{cpu:.1f} s CPU = {count / cpu:,.0f} names/s per core")


def throughput(n: int, seed: int) -> list[str]:
    """Markdown lines for the throughput study (cold caches: fresh strings)."""
    rng = random.Random(seed)
    texts = [noisy_variant(*random_korean_name(rng), rng) for _ in range(n)]
    distinct = len(set(texts))
    others = texts[1:] + texts[:1]
    lines = [f"- {n:,} noisy names ({distinct:,} distinct strings), seed {seed}"]
    lines.append(timed("name_keys", lambda: sum(len(name_keys(t)) for t in texts), n))
    lines.append(timed("name_similarity (pairs)",
                       lambda: int(sum(name_similarity(a, b) for a, b in zip(texts, others,
                                                                              strict=True))),
                       n))
    return lines


def main() -> None:
    """Run every study and print (or write) the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--names", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20240415)
    parser.add_argument("--out")
    args = parser.parse_args()
    sections = [
        ("Real public spellings", real_spellings()),
        ("Synthetic variant pairs", synthetic_pairs(args.pairs, args.seed)),
        ("Romanized → Hangul candidates", candidates(args.candidates, args.seed)),
        ("Throughput", throughput(args.names, args.seed)),
    ]
    machine = f"Python {platform.python_version()} on {platform.machine()}, one process"
    report = ["# unforgotten.korean benchmark", "", f"Machine: {machine}.", ""]
    for title, lines in sections:
        report += [f"## {title}", "", *lines, ""]
    text = "\n".join(report)
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(text)


if __name__ == "__main__":
    main()
