"""The one settings object of a linkage run.

Every knob that changes which records are compared, how the model is trained or where
clusters are cut lives here, is documented here, and is passed in (never read from the
environment).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from unforgotten.errors import ConfigError

__all__ = ["ClusterMethod", "LinkageConfig", "Profile"]

Profile = Literal["korean", "generic", "plain"]
ClusterMethod = Literal["components", "one_per_source"]


@dataclass(frozen=True, slots=True)
class LinkageConfig:
    """Settings of one linkage run.

    Attributes
    ----------
    profile:
        ``"korean"`` compares names on their jamo/phonetic forms and Korean name keys
        (needs :mod:`unforgotten.korean`); ``"generic"`` uses the same pipeline with
        language-neutral name forms (lower-cased, accents and punctuation removed);
        ``"plain"`` is what Splink gives without our feature step: its stock
        comparisons on the raw columns. ``plain`` exists as a benchmark baseline.
    threshold:
        Match probability at or above which a pair joins two records in one cluster.
    clustering:
        ``"components"``: connected components of the pairs above ``threshold``.
        ``"one_per_source"``: the same, merging best pairs first, but never putting two
        records of one source list in one cluster (use it when lists hold no
        duplicates of their own).
    review_band:
        ``(lo, hi)``: pairs with ``lo <= match_probability < hi`` go to review.
    keep_floor:
        Pairs scored below this probability are not returned (they are never merged and
        never reviewed); keeps the pair table bounded.
    u_max_pairs:
        Random record pairs sampled to estimate the u probabilities.
    em_max_pairs:
        Upper bound on the blocked pairs used by each EM session (``None``: all).
    prior_recall:
        Assumed recall of the deterministic rules that estimate the prior
        probability that two random records match.
    max_key_records:
        Name keys (Korean profile) shared by more records than this are not used for
        blocking: their pairs grow with the square of the store. ``None``: no cap.
    extra_columns:
        Further columns (beyond the canonical ones) compared with generic string
        levels: exact, Jaro-Winkler ≥ 0.9, Levenshtein ≤ 2. FEBRL4's addresses use it.
    extra_blocking:
        Further blocking rules, each a tuple of columns that must all be equal.
    use_review_labels:
        Estimate the m probabilities from accepted/rejected pairs as well, when at
        least ``min_labels`` accepted pairs exist.
    min_labels:
        See ``use_review_labels``.
    name_key_frequency:
        Korean profile: a level "surname and given key equal" adjusted for how common the
        whole name is (any script). Off by default: on the synthetic lists it cost recall
        (0.978 → 0.976) and bought no precision; the Hangul levels already adjust for how
        common a Hangul name is.
    calibrate:
        Calibrate match probabilities (Korean profile): by the calibration fitted on the
        labelled synthetic lists, or refitted on this registry's review decisions once
        there are ``min_labels`` accepted and ``min_labels`` rejected pairs
        (:mod:`unforgotten.linkage.calibration`). ``threshold`` and ``review_band`` then
        apply to calibrated probabilities.
    split_contradictions:
        Split clusters that join records of both sexes or of stated birth years more than
        two years apart, regrowing them best-first without such merges; the pairs cut go
        to review (:mod:`unforgotten.linkage.consistency`). Accepted pairs always stay.
    place_floor_bits:
        No birth- or event-place level weighs less than minus this many bits (and a closer
        level never less than a further one): a place disagreement counts against a pair
        but never vetoes it.
    seed:
        Seed of every random sample (u estimation), so runs are reproducible.
    threads:
        DuckDB worker threads and name-feature processes (``None``: all cores).
    memory_limit:
        DuckDB memory limit, e.g. ``"8GB"`` (``None``: DuckDB's default, 80 % of RAM).
    """

    profile: Profile = "korean"
    threshold: float = 0.9
    clustering: ClusterMethod = "components"
    review_band: tuple[float, float] = (0.5, 0.9)
    keep_floor: float = 0.05
    u_max_pairs: float = 3e6
    em_max_pairs: float | None = 2e6
    prior_recall: float = 0.7
    max_key_records: int | None = 10
    extra_columns: tuple[str, ...] = ()
    extra_blocking: tuple[tuple[str, ...], ...] = field(default_factory=tuple)
    use_review_labels: bool = True
    min_labels: int = 20
    name_key_frequency: bool = False
    calibrate: bool = True
    split_contradictions: bool = True
    place_floor_bits: float = 6.0
    seed: int = 20240415
    threads: int | None = None
    memory_limit: str | None = None

    def __post_init__(self) -> None:
        problems = list(self._problems())
        if problems:
            raise ConfigError("invalid linkage settings: " + "; ".join(problems))

    def _problems(self) -> list[str]:
        lo, hi = self.review_band
        checks = {
            f"profile {self.profile!r} is not korean, generic or plain": self.profile
            in ("korean", "generic", "plain"),
            f"clustering {self.clustering!r} is not components or one_per_source": (
                self.clustering in ("components", "one_per_source")
            ),
            f"threshold {self.threshold} is not in (0, 1)": 0 < self.threshold < 1,
            f"review_band {self.review_band} is not 0 <= lo <= hi <= 1": 0 <= lo <= hi <= 1,
            f"keep_floor {self.keep_floor} is above review_band's low end {lo}": (0 <= self.keep_floor <= lo),
            f"prior_recall {self.prior_recall} is not in (0, 1]": 0 < self.prior_recall <= 1,
            f"place_floor_bits {self.place_floor_bits} is negative": self.place_floor_bits >= 0,
        }
        return [message for message, ok in checks.items() if not ok]
