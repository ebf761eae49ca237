"""Which lists record which persons: capture with known heterogeneity and dependence.

Person *i* is on list *j* with probability ``p_ij`` given by a logistic model::

    logit p_ij = logit(base_j) + log(case_odds_j[case_i]) + log(era_odds_j[era_i])
                 + loading_j · u_i + Σ_k log(OR_jk) · x_ik

``u_i`` is the person's catchability (a latent class shift plus a normal frailty), ``x_ik``
whether the person is on an earlier list *k* that list *j* depends on, and ``OR_jk`` the
odds ratio of that dependence (> 1: list *j* copies list *k*; < 1: it avoids it). Lists are
drawn in order, so a list may depend only on lists before it. Persons on no list are the
dark figure that multiple systems estimation has to recover.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from unforgotten.errors import ValidationError
from unforgotten.synth.population import CASE_TYPES, ERAS, Population

__all__ = [
    "PRESETS",
    "CaptureModel",
    "CaptureTruth",
    "Heterogeneity",
    "ListSpec",
    "capture",
    "capture_table_counts",
    "preset",
    "random_model",
    "simulate_capture",
]


@dataclass(frozen=True)
class ListSpec:
    """One source list: its base capture rate, strata effects and dependence on earlier lists.

    ``base_rate`` is the capture probability of a reference person (catchability 0, odds 1
    in every stratum, on none of the lists it depends on). ``depends_on`` holds
    ``(earlier list, odds ratio)`` pairs; ``loading`` scales the person's catchability.
    """

    name: str
    base_rate: float
    case_type_odds: Mapping[str, float] = field(default_factory=dict)
    era_odds: Mapping[str, float] = field(default_factory=dict)
    depends_on: tuple[tuple[str, float], ...] = ()
    loading: float = 1.0


@dataclass(frozen=True)
class Heterogeneity:
    """Catchability: latent classes (weights and logit shifts) plus a normal frailty."""

    class_weights: tuple[float, ...] = (1.0,)
    class_shifts: tuple[float, ...] = (0.0,)
    frailty_sd: float = 0.0


@dataclass(frozen=True)
class CaptureModel:
    """A named capture model: the lists in drawing order and the persons' heterogeneity."""

    name: str
    lists: tuple[ListSpec, ...]
    heterogeneity: Heterogeneity = Heterogeneity()

    @property
    def list_names(self) -> tuple[str, ...]:
        """The list names in drawing order."""
        return tuple(spec.name for spec in self.lists)

    def take(self, k: int) -> CaptureModel:
        """The model restricted to its first ``k`` lists (dependence on dropped lists removed)."""
        if not 1 <= k <= len(self.lists):
            raise ValueError(f"k must be between 1 and {len(self.lists)}, got {k}")
        kept = self.lists[:k]
        names = {spec.name for spec in kept}
        specs = tuple(
            replace(spec, depends_on=tuple(d for d in spec.depends_on if d[0] in names))
            for spec in kept
        )
        return replace(self, lists=specs)


_FOCUS: tuple[ListSpec, ...] = (
    ListSpec("ministry", 0.40, {"abductee_wartime": 1.5, "abductee_postwar": 2.5, "pow": 1.5,
                                "forcibly_returned": 0.5, "political_prisoner": 0.6}),
    ListSpec("families", 0.25, {"abductee_wartime": 2.5, "abductee_postwar": 2.0, "pow": 1.2,
                                "detainee": 0.5, "forcibly_returned": 0.3,
                                "political_prisoner": 0.3}, {"korean_war": 1.2}),
    ListSpec("ngo_db", 0.30, {"abductee_wartime": 0.4, "pow": 0.5, "detainee": 1.5,
                              "forcibly_returned": 2.0, "political_prisoner": 2.0},
             {"famine": 1.3, "recent": 1.5}),
    ListSpec("un_wgeid", 0.15, {"detainee": 2.5, "abductee_postwar": 1.5,
                                "forcibly_returned": 1.3}, {"korean_war": 0.6}),
    ListSpec("press", 0.12, {"detainee": 3.0, "abductee_postwar": 1.5},
             {"korean_war": 0.7, "recent": 2.0}),
)
_LOADINGS = (1.0, 0.6, 1.4, 1.0, 0.8)


def _base_lists(k: int) -> tuple[ListSpec, ...]:
    extra = tuple(ListSpec(f"list{j + 1}", 0.2) for j in range(len(_FOCUS), k))
    return (_FOCUS + extra)[:k]


def _plain(specs: Sequence[ListSpec]) -> tuple[ListSpec, ...]:
    return tuple(ListSpec(spec.name, spec.base_rate) for spec in specs)


def _with_dependence(specs: Sequence[ListSpec], deps: Mapping[str, tuple[tuple[str, float], ...]]
                     ) -> tuple[ListSpec, ...]:
    return tuple(replace(spec, depends_on=deps.get(spec.name, ())) for spec in specs)


def _with_loadings(specs: Sequence[ListSpec]) -> tuple[ListSpec, ...]:
    loads = _LOADINGS + (1.0,) * max(0, len(specs) - len(_LOADINGS))
    return tuple(replace(spec, loading=load) for spec, load in zip(specs, loads, strict=False))


_POSITIVE = {"families": (("ministry", 4.0),), "un_wgeid": (("ngo_db", 5.0),)}
_MIXED = {"families": (("ministry", 3.0),), "un_wgeid": (("ngo_db", 4.0),),
          "press": (("ministry", 0.4),)}
_NEGATIVE = {"families": (("ministry", 0.3),), "press": (("ngo_db", 0.4),)}
_TWO_CLASSES = Heterogeneity(class_weights=(0.65, 0.35), class_shifts=(-1.0, 1.0))


def _build_preset(name: str, specs: tuple[ListSpec, ...]) -> CaptureModel:
    if name == "independent":
        return CaptureModel(name, _plain(specs))
    if name == "positive_dependence":
        return CaptureModel(name, _with_dependence(_plain(specs), _POSITIVE))
    if name == "negative_dependence":
        return CaptureModel(name, _with_dependence(_plain(specs), _NEGATIVE))
    if name == "heterogeneous":
        return CaptureModel(name, _with_loadings(specs), _TWO_CLASSES)
    mixed_het = replace(_TWO_CLASSES, frailty_sd=0.5)
    return CaptureModel(name, _with_loadings(_with_dependence(specs, _MIXED)), mixed_het)


PRESETS: tuple[str, ...] = (
    "independent", "positive_dependence", "negative_dependence", "heterogeneous", "mixed",
)
"""Named capture models; see :func:`preset`."""


def preset(name: str, *, lists: int = 5) -> CaptureModel:
    """A named capture model over ``lists`` lists (the first five have their own focus).

    ``independent``: constant rates, no dependence (every MSE assumption holds).
    ``positive_dependence`` / ``negative_dependence``: constant rates, some lists copy or
    avoid an earlier one. ``heterogeneous``: strata effects and two latent catchability
    classes with list-specific loadings, no direct dependence. ``mixed``: all of it.
    """
    if name not in PRESETS:
        raise ValidationError(f"unknown capture model {name!r}; use one of {', '.join(PRESETS)}")
    if lists < 1:
        raise ValidationError(f"lists must be >= 1, got {lists}")
    return _build_preset(name, _base_lists(lists))


def random_model(lists: int, *, seed: int, dependence: float = 1.0) -> CaptureModel:
    """A random model for coverage studies: random rates, pairs, odds ratios, heterogeneity.

    ``dependence`` scales the log odds ratios (0: independent lists).
    """
    gen = np.random.default_rng(seed)
    names = [f"L{j + 1}" for j in range(lists)]
    specs = []
    for j, name in enumerate(names):
        deps = tuple((names[k], float(np.exp(dependence * gen.uniform(-1.2, 1.6))))
                     for k in range(j) if gen.random() < 0.3)
        specs.append(ListSpec(name, float(gen.uniform(0.1, 0.4)), depends_on=deps,
                              loading=float(gen.uniform(0.5, 1.5))))
    het = Heterogeneity(frailty_sd=float(gen.uniform(0.0, 1.0)))
    return CaptureModel(f"random-{seed}", tuple(specs), het)


@dataclass(frozen=True, eq=False)
class CaptureTruth:
    """The true captures: for every person (population order) and list, on it or not.

    ``histories`` is an (N, J) boolean array, ``probabilities`` the capture probabilities
    each draw used, ``catchability`` each person's latent shift ``u_i``.
    """

    model: CaptureModel
    person_ids: tuple[str, ...]
    histories: np.ndarray
    probabilities: np.ndarray
    catchability: np.ndarray

    @property
    def list_names(self) -> tuple[str, ...]:
        """List names, in the column order of ``histories``."""
        return self.model.list_names

    @property
    def n_total(self) -> int:
        """The true N, persons on no list included."""
        return len(self.person_ids)

    @property
    def n_observed(self) -> int:
        """Persons on at least one list."""
        return int(self.histories.any(axis=1).sum())

    def members(self) -> dict[str, list[str]]:
        """Person ids on each list, in population order."""
        ids = np.asarray(self.person_ids, dtype=object)
        return {name: list(ids[self.histories[:, j]]) for j, name in enumerate(self.list_names)}

    def history(self, person_id: str) -> tuple[int, ...]:
        """One person's capture history, 0/1 per list."""
        row = self.person_ids.index(person_id)
        return tuple(int(v) for v in self.histories[row])


def simulate_capture(population: Population, model: CaptureModel, *, seed: int
                     ) -> CaptureTruth:
    """Draw every person's capture history under ``model``."""
    gen = np.random.default_rng(seed)
    n = len(population)
    u = _catchability(n, model.heterogeneity, gen)
    fixed = _stratum_logits(population, model)
    index = {name: j for j, name in enumerate(model.list_names)}
    hist = np.zeros((n, len(model.lists)), dtype=bool)
    prob = np.zeros((n, len(model.lists)))
    for j, spec in enumerate(model.lists):
        logit = fixed[:, j] + spec.loading * u
        for parent, odds in spec.depends_on:
            if index.get(parent, j) >= j:
                raise ValueError(f"list {spec.name!r} depends on {parent!r}, not an earlier list")
            logit = logit + np.log(odds) * hist[:, index[parent]]
        prob[:, j] = 1.0 / (1.0 + np.exp(-logit))
        hist[:, j] = gen.random(n) < prob[:, j]
    ids = tuple(population.person_ids)
    return CaptureTruth(model, ids, hist, prob, u)


def capture(population: Population, model: CaptureModel, *, seed: int) -> dict[str, list[str]]:
    """Person ids on each list (see :func:`simulate_capture` for the full truth)."""
    return simulate_capture(population, model, seed=seed).members()


def _catchability(n: int, het: Heterogeneity, gen: np.random.Generator) -> np.ndarray:
    weights = np.asarray(het.class_weights, dtype=float)
    classes = gen.choice(weights.size, size=n, p=weights / weights.sum())
    shift = np.asarray(het.class_shifts, dtype=float)[classes]
    return shift + (gen.normal(0.0, het.frailty_sd, size=n) if het.frailty_sd > 0 else 0.0)


def _stratum_logits(population: Population, model: CaptureModel) -> np.ndarray:
    case = np.array([CASE_TYPES.index(p.case_type) for p in population], dtype=np.int64)
    eras = [name for name, _, _ in ERAS]
    era = np.array([eras.index(p.era) for p in population], dtype=np.int64)
    out = np.zeros((len(population), len(model.lists)))
    for j, spec in enumerate(model.lists):
        case_log = np.log([spec.case_type_odds.get(c, 1.0) for c in CASE_TYPES])
        era_log = np.log([spec.era_odds.get(e, 1.0) for e in eras])
        rate = min(max(spec.base_rate, 1e-12), 1.0 - 1e-12)  # 0 and 1 allowed: never, always
        base = np.log(rate / (1.0 - rate))
        out[:, j] = base + case_log[case] + era_log[era]
    return out


def capture_table_counts(
    captures: Mapping[str, Sequence[str]] | CaptureTruth,
    *,
    list_names: Sequence[str] | None = None,
) -> dict[tuple[int, ...], int]:
    """Observed capture-pattern counts: every non-zero 0/1 pattern, zero counts included.

    ``captures`` is either :class:`CaptureTruth` or list name → ids (person ids of the truth,
    or cluster ids after linkage). Patterns follow ``list_names`` (default: mapping order).
    This is the table format of ``reference/mse/data`` without its ``count`` header.
    """
    if isinstance(captures, CaptureTruth):
        captures = captures.members()
    names = list(list_names or captures)
    sets = [set(captures[name]) for name in names]
    counts = dict.fromkeys(itertools.product((0, 1), repeat=len(names)), 0)
    del counts[(0,) * len(names)]
    for ident in set().union(*sets):
        counts[tuple(int(ident in s) for s in sets)] += 1
    return counts
