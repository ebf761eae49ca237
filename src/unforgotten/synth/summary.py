"""What a set of synthetic lists holds, in numbers: for the CLI summary and for reports.

>>> from unforgotten.synth import HangulOnlySpeller, generate_population, make_lists, preset
>>> pop = generate_population(50, seed=1, name_source=lambda rng: ("김", "영수"))
>>> lists = make_lists(pop, preset("independent", lists=2), seed=2, speller=HangulOnlySpeller())
>>> sorted(summarize(lists))
['lists', 'model', 'n_observed', 'n_total', 'n_unobserved', 'overlaps', 'population_seed', 'rows', 'seed']
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

from unforgotten.synth.lists import SyntheticLists

__all__ = ["summarize"]


def summarize(lists: SyntheticLists) -> dict[str, Any]:
    """N, observed and unobserved persons, per-list counts and pairwise overlaps."""
    truth = lists.capture
    members = {name: set(ids) for name, ids in truth.members().items()}
    return {
        "model": truth.model.name,
        "population_seed": lists.population.seed,
        "seed": lists.seed,
        "n_total": truth.n_total,
        "n_observed": truth.n_observed,
        "n_unobserved": truth.n_total - truth.n_observed,
        "rows": len(lists.truth),
        "lists": [_list_summary(lists, name, members[name]) for name in lists.list_names],
        "overlaps": [
            {"lists": [a, b], "persons": len(members[a] & members[b])}
            for a, b in itertools.combinations(lists.list_names, 2)
        ],
    }


def _list_summary(lists: SyntheticLists, name: str, persons: set[str]) -> dict[str, Any]:
    per_person = Counter(pid for (lst, _), pid in lists.truth.items() if lst == name)
    return {
        "name": name,
        "rows": sum(per_person.values()),
        "persons": len(persons),
        "duplicated_persons": sum(1 for count in per_person.values() if count > 1),
    }
