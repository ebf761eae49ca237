"""The Splink model: settings, blocking rules, and training without labels.

Training follows the Fellegi-Sunter recipe Splink recommends, in four steps:

1. the prior (probability that two random records match) from deterministic rules whose
   recall is assumed (``LinkageConfig.prior_recall``);
2. the u probabilities from random record pairs (almost all non-matches), fixed after;
3. the m probabilities by EM, twice: on pairs blocked on the name keys (which trains
   every comparison but the names) and on pairs agreeing on birth date, event year and
   event place (which trains the names; see :data:`NAME_TRAINING_COLUMNS`);
4. optionally, m from reviewed pairs that a person accepted.

The surname term-frequency table blends the observed frequencies with the shipped
census shares (a prior worth ``SURNAME_PRIOR_WEIGHT`` records), so that agreeing on 김
counts for little even in a list of twenty.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
from splink import Linker, SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.exceptions import EMTrainingException
from splink.internals.splink_dataframe import SplinkDataFrame

from unforgotten.errors import ValidationError
from unforgotten.linkage.comparisons import UNSPLIT_NAMES, comparisons_for
from unforgotten.linkage.config import LinkageConfig

__all__ = [
    "SURNAME_PRIOR_WEIGHT",
    "blocking_rules",
    "settings_for",
    "surname_frequency_table",
    "train",
]

#: How many records' worth of weight the census surname shares carry.
SURNAME_PRIOR_WEIGHT = 1000.0

_KEYED_RULES: tuple[tuple[str, ...], ...] = (
    ("surname_key", "given_key"),
    ("given_key", "birth_year"),
    ("surname_key", "birth_year", "birth_month"),
    ("birth_year", "birth_month", "birth_day"),
)
_PLAIN_RULES: tuple[tuple[str, ...], ...] = (
    ("full_form",),
    ("birth_year", "birth_month", "birth_day"),
    ("substr(full_form, 1, 3)", "birth_year"),
)


def blocking_rules(config: LinkageConfig, present: frozenset[str]) -> list[BlockingRuleCreator]:
    """Rules that generate the candidate pairs: any rule's equality admits a pair.

    The Korean profile also pairs records sharing any of their name keys (every written
    form, one-deletion variants of the given name).
    """
    base = _PLAIN_RULES if config.profile == "plain" else _KEYED_RULES
    rules = [block_on(*columns) for columns in (*base, *config.extra_blocking)]
    if config.profile != "plain" and UNSPLIT_NAMES in present:
        rules.append(block_on("full_form"))
    if config.profile == "korean":
        rules.insert(0, block_on("name_keys", arrays_to_explode=["name_keys"]))
    return rules


#: Columns whose joint agreement selects the pairs on which EM learns the name weights.
#: The more of them, the fewer look-alike non-matches (same era, same camp) in the
#: sample; EM otherwise takes those for matches and undervalues name disagreement.
NAME_TRAINING_COLUMNS = ("birth_year", "birth_month", "birth_day", "event_year", "event_place_code")


def _em_rules(config: LinkageConfig, present: frozenset[str]) -> list[BlockingRuleCreator]:
    names = ("full_form",) if config.profile == "plain" else ("surname_key", "given_key")
    others = [c for c in NAME_TRAINING_COLUMNS if c in present]
    return [block_on(*names), block_on(*others)]


def _prior_rules(config: LinkageConfig) -> list[BlockingRuleCreator]:
    if config.profile == "plain":
        return [block_on("full_form", "birth_year")]
    return [block_on("surname_key", "given_key", "birth_year")]


def settings_for(config: LinkageConfig, *, present: frozenset[str]) -> SettingsCreator:
    """Splink settings of ``config``: one table deduplicated (within and across lists).

    ``present``: the columns that hold data (see
    :func:`~unforgotten.linkage.comparisons.present_columns`).
    """
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=list(comparisons_for(config, present=present)),
        blocking_rules_to_generate_predictions=list(blocking_rules(config, present)),
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=["source"],
        max_iterations=25,
    )


def surname_frequency_table(features: pd.DataFrame) -> pd.DataFrame:
    """``surname_key`` → ``tf_surname_key``: observed share blended with the census prior.

    ``tf = (count + w·share) / (n + w)`` with ``w = SURNAME_PRIOR_WEIGHT`` where the
    census share of the key is known, else the observed share.
    """
    keyed = features.dropna(subset=["surname_key"])
    grouped = keyed.groupby("surname_key", sort=True).agg(
        count=("unique_id", "size"), share=("surname_share", "max")
    )
    total = float(grouped["count"].sum())
    observed = grouped["count"] / total
    blended = (grouped["count"] + SURNAME_PRIOR_WEIGHT * grouped["share"]) / (total + SURNAME_PRIOR_WEIGHT)
    tf = blended.where(grouped["share"].notna(), observed)
    return pd.DataFrame({"surname_key": grouped.index.astype(str), "tf_surname_key": tf.values})


def has_surname_prior(features: pd.DataFrame) -> bool:
    """Whether the feature step knew the population share of some surname."""
    return "surname_share" in features and bool(features["surname_share"].notna().any())


def register_surname_prior(linker: Linker, features: pd.DataFrame) -> None:
    """Use :func:`surname_frequency_table` as the surname's term frequencies."""
    if has_surname_prior(features):
        table = linker._db_api.register(surname_frequency_table(features))
        linker.table_management.register_term_frequency_lookup(table, "surname_key")


def _labels_frame(accepted: Sequence[tuple[int, int]]) -> pd.DataFrame:
    left = [min(pair) for pair in accepted]
    right = [max(pair) for pair in accepted]
    return pd.DataFrame({"unique_id_l": left, "unique_id_r": right})


def _estimate_prior(linker: Linker, config: LinkageConfig) -> None:
    """Prior from deterministic rules; one expected match per record when they find none."""
    linker.training.estimate_probability_two_random_records_match(
        list(_prior_rules(config)), recall=config.prior_recall
    )
    settings = linker._settings_obj
    if not 0 < settings._probability_two_random_records_match < 1:
        records = max(int(_record_count(linker)), 2)
        settings._probability_two_random_records_match = 2 / records


def _record_count(linker: Linker) -> int:
    table = next(iter(linker._input_tables_dict.values()))
    sql = f"SELECT count(*) AS n FROM {table.physical_name}"
    return int(linker.misc.query_sql(sql, output_type="pandas")["n"].iloc[0])


def train(
    linker: Linker,
    *,
    config: LinkageConfig,
    present: frozenset[str],
    accepted: Sequence[tuple[int, int]] = (),
) -> None:
    """Estimate the model's parameters in place (see the module docstring).

    ``present``: the columns holding data, which choose the EM blocking rules.
    """
    _estimate_prior(linker, config)
    linker.training.estimate_u_using_random_sampling(max_pairs=config.u_max_pairs, seed=config.seed)
    trained = 0
    for rule in _em_rules(config, present):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, max_pairs=config.em_max_pairs
            )
        except EMTrainingException:  # no pair agrees on this rule's columns: a small registry
            continue
        trained += 1
    if not trained:
        raise ValidationError(
            f"linkage has too few records to learn from ({_record_count(linker):,} records, and no two "
            "agree on the training columns); link once the lists hold a few hundred records, or merge "
            "by hand with `unforgotten merge`"
        )
    if config.use_review_labels and len(accepted) >= config.min_labels:
        labels = linker._db_api.register(_labels_frame(accepted))
        linker.training.estimate_m_from_pairwise_labels(labels)
    bound_place_weights(linker, floor_bits=config.place_floor_bits)
    related_is_not_against(linker)


def related_is_not_against(linker: Linker) -> None:
    """The "related case types" level never weighs against a pair: its m is a fixed prior
    (:data:`~unforgotten.linkage.comparisons.RELATED_CASE_TYPE_M`), right for lists that
    never code one person two ways and too low for lists that do (one list codes everyone
    held in the North as a detainee); compatible codes are at worst no evidence."""
    for comparison in linker._settings_obj.comparisons:
        if comparison.output_column_name != "case_type":
            continue
        for level in comparison.comparison_levels:
            if level.is_null_level or level.label_for_charts != "related case types":
                continue
            weight, u = _weight(level), level.u_probability
            if weight is not None and weight < 0 and isinstance(u, float):
                level.m_probability = min(1.0, u)


#: Comparisons whose weights :func:`bound_place_weights` bounds.
PLACE_COMPARISONS = ("birth_place", "event_place")


def _weight(level: Any) -> float | None:
    m, u = level.m_probability, level.u_probability
    if not isinstance(m, float) or not isinstance(u, float) or m <= 0 or u <= 0:
        return None
    return math.log2(m / u)


def bound_place_weights(linker: Linker, *, floor_bits: float) -> None:
    """Place levels graded and never a veto: no level weighs less than ``-floor_bits`` bits, and
    a level that is closer (same unit, then same province) never weighs less than one
    further down. Places as written are resolved with errors and remembered loosely; EM on
    a list whose places seldom resolve learns extreme weights for levels it hardly saw (one
    list's "different place" came out at -29 bits, "same province" at -39)."""
    for comparison in linker._settings_obj.comparisons:
        if comparison.output_column_name not in PLACE_COMPARISONS:
            continue
        levels = [lv for lv in comparison.comparison_levels if not lv.is_null_level]
        floor = -floor_bits
        for level in reversed(levels):  # from "different" up to "same unit"
            weight = _weight(level)
            if weight is not None and weight < floor:
                level.m_probability = min(1.0, level.u_probability * 2.0**floor)
            floor = max(floor, weight if weight is not None else floor)


def new_linker(table: SplinkDataFrame, settings: SettingsCreator | dict[str, Any]) -> Linker:
    """A linker on one registered table; Splink logs errors only (training notes such as
    "level not observed" are expected when a list lacks a field)."""
    return Linker(table, settings, log_level=logging.ERROR)
