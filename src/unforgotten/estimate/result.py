"""The result every estimator returns, and the warnings they raise."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from unforgotten.errors import UnforgottenWarning

__all__ = [
    "ConvergenceWarning",
    "EstimateResult",
    "EstimateWarning",
    "IdentifiabilityWarning",
    "ThinStratumWarning",
    "json_safe",
]


class EstimateWarning(UnforgottenWarning):
    """A note about an estimate that does not stop it (wide interval, short grid, …)."""


class ConvergenceWarning(EstimateWarning):
    """A fit or sampler did not converge, hit a cap, or chains disagree."""


class IdentifiabilityWarning(EstimateWarning):
    """A model term is not identified: non-overlapping lists or a non-existent MLE."""


class ThinStratumWarning(EstimateWarning):
    """A table (a stratum) has too few persons or overlaps for an estimate to be relied on."""


def json_safe(value: Any) -> Any:
    """Turn numpy scalars, tuples and non-finite floats into plain JSON values (inf → None)."""
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass(frozen=True)
class EstimateResult:
    """A population-size estimate with its interval, settings and diagnostics.

    ``estimate`` is the point estimate of the total ``N`` (observed plus dark figure);
    ``lower``/``upper`` bound an interval at ``level``. ``settings`` are the estimator's
    parameters, ``diagnostics`` what a reader needs to judge the fit.
    """

    method: str
    observed: int
    estimate: float
    lower: float
    upper: float
    level: float
    seed: int | None
    settings: Mapping[str, Any] = field(default_factory=dict)
    diagnostics: Mapping[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))
        object.__setattr__(self, "diagnostics", MappingProxyType(dict(self.diagnostics)))

    @property
    def dark_figure(self) -> float:
        """Estimated number of units on no list."""
        return self.estimate - self.observed

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``unforgotten estimate --json``."""
        return {
            "method": self.method,
            "observed": self.observed,
            "estimate": json_safe(round(self.estimate, 2)),
            "lower": json_safe(round(self.lower, 2)),
            "upper": json_safe(round(self.upper, 2)),
            "level": self.level,
            "seed": self.seed,
            "settings": json_safe(self.settings),
            "diagnostics": json_safe(self.diagnostics),
            "seconds": round(self.seconds, 4),
        }
