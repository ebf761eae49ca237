"""Which records are the same person: Splink with Korean-aware comparisons.

The only package that imports Splink. Public surface::

    link_records(records, config=...)        whole store: within and across lists
    link_new_records(new, existing, ...)     a later list against existing persons
    cluster_pairs(pairs, ids=..., ...)       clusters respecting reviewed decisions
    explain(model_json)                      m, u and weight of every level

See docs/linkage.md for how it decides and what its errors look like.
"""

from __future__ import annotations

from unforgotten.linkage.cluster import ConflictingDecisions, cluster_pairs
from unforgotten.linkage.config import LinkageConfig
from unforgotten.linkage.explain import ExplainRow, explain
from unforgotten.linkage.run import LinkageResult, link_new_records, link_records

__all__ = [
    "ConflictingDecisions",
    "ExplainRow",
    "LinkageConfig",
    "LinkageResult",
    "cluster_pairs",
    "explain",
    "link_new_records",
    "link_records",
]
