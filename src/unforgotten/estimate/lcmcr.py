"""LCMCR: Bayesian non-parametric latent-class capture-recapture (Manrique-Vallier 2016).

Units belong to latent classes (a truncated Dirichlet-process mixture, ``K`` classes); within a
class list memberships are independent. The dark figure is data-augmented and drawn from its
negative-binomial full conditional each sweep. The compiled sweep is in
:mod:`unforgotten.estimate.lcmcr_kernel`.

References
----------
Manrique-Vallier, D. (2016). Bayesian population size estimation using Dirichlet process
mixtures. *Biometrics* 72, 1246–1254.
Geyer, C. J. (1992). Practical Markov chain Monte Carlo. *Statist. Sci.* 7, 473–483 (ESS).
Vehtari, A., Gelman, A., Simpson, D., Carpenter, B. & Bürkner, P.-C. (2021). Rank-normalization,
folding, and localization: an improved R-hat. *Bayesian Analysis* 16, 667–718 (split R-hat).
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np
from numpy.typing import NDArray

from unforgotten.estimate.fastrand import new_state
from unforgotten.estimate.glm import FloatArray
from unforgotten.estimate.lcmcr_kernel import run_chain
from unforgotten.estimate.result import ConvergenceWarning, EstimateResult
from unforgotten.estimate.table import CaptureTable

__all__ = ["LCMCR", "effective_sample_size", "split_rhat"]

RHAT_LIMIT = 1.1


def effective_sample_size(draws: FloatArray) -> float:
    """Effective sample size of one chain, Geyer's initial positive sequence estimator."""
    x = np.asarray(draws, dtype=np.float64)
    n = x.shape[0]
    if n < 4 or np.var(x) == 0:
        return float(n)
    centred = x - x.mean()
    spectrum = np.fft.rfft(centred, n=2 * n)
    acov = np.fft.irfft(spectrum * np.conj(spectrum))[:n] / n
    rho = acov / acov[0]
    total = 0.0
    for t in range(0, n - 1, 2):
        pair = rho[t] + rho[t + 1]
        if pair <= 0:
            break
        total += pair
    tau = max(2.0 * total - 1.0, 1.0 / n)
    return float(n / tau)


def split_rhat(chains: list[FloatArray]) -> float:
    """Split-R̂ of Gelman et al. over chains (each halved); 1.0 for a single short chain."""
    halves = []
    for c in chains:
        h = c.shape[0] // 2
        if h >= 2:
            halves += [c[:h], c[h : 2 * h]]
    if len(halves) < 2:
        return 1.0
    arr = np.vstack([np.log(h.astype(np.float64)) for h in halves])
    n = arr.shape[1]
    within = float(np.mean(np.var(arr, axis=1, ddof=1)))
    between = float(n * np.var(arr.mean(axis=1), ddof=1))
    if within == 0:
        return 1.0
    return float(np.sqrt(((n - 1) / n * within + between / n) / within))


def chain_seeds(seed: int, chains: int) -> list[int]:
    """Independent 32-bit seeds for each chain, spawned from one seed (SeedSequence)."""
    return [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(seed).spawn(chains)]


class LCMCR:
    """Latent-class MSE by Gibbs sampling, several seeded chains.

    Parameters
    ----------
    k
        Truncation of the stick-breaking prior (maximum number of latent classes).
    burnin, samples, thinning
        Sweeps discarded, draws kept per chain, sweeps between kept draws.
    chains
        Independent chains, each seeded from ``seed``; their draws are pooled.
    a_alpha, b_alpha
        Gamma(shape, rate) prior of the concentration ``α``.
    cap
        The dark figure is redrawn when above ``cap × n`` (the package's 20).
    seed
        Makes the run reproducible; ``None`` draws one and reports it.
    """

    def __init__(
        self,
        *,
        k: int = 10,
        burnin: int = 10_000,
        samples: int = 1_000,
        thinning: int = 100,
        chains: int = 1,
        a_alpha: float = 0.25,
        b_alpha: float = 0.25,
        cap: int = 20,
        level: float = 0.95,
        seed: int | None = 0,
    ) -> None:
        self.k = k
        self.burnin = burnin
        self.samples = samples
        self.thinning = thinning
        self.chains = chains
        self.a_alpha = a_alpha
        self.b_alpha = b_alpha
        self.cap = cap
        self.level = level
        self.seed = seed

    def get_params(self) -> dict[str, Any]:
        """Parameters as given to ``__init__``."""
        return {
            "k": self.k,
            "burnin": self.burnin,
            "samples": self.samples,
            "thinning": self.thinning,
            "chains": self.chains,
            "a_alpha": self.a_alpha,
            "b_alpha": self.b_alpha,
            "cap": self.cap,
        }

    def _check(self) -> None:
        if self.k < 2 or self.samples < 1 or self.thinning < 1 or self.chains < 1:
            raise ValueError("k ≥ 2, samples ≥ 1, thinning ≥ 1 and chains ≥ 1 are required")
        if self.burnin < 0 or not 0 < self.level < 1:
            raise ValueError("burnin ≥ 0 and 0 < level < 1 are required")

    def fit(self, table: CaptureTable) -> LCMCR:
        """Run the chains; returns ``self`` with ``samples_`` (chains × draws of N)."""
        self._check()
        started = time.perf_counter()
        self.seed_ = (
            self.seed if self.seed is not None else int(np.random.SeedSequence().generate_state(1)[0])
        )
        patterns = np.ascontiguousarray(table.patterns, dtype=np.int64)
        counts = np.asarray(table.counts, dtype=np.int64)
        cap = self.cap * table.observed
        runs = [
            run_chain(
                patterns,
                counts,
                self.k,
                self.burnin,
                self.samples,
                self.thinning,
                self.a_alpha,
                self.b_alpha,
                cap,
                s,
                new_state(s),
            )
            for s in chain_seeds(self.seed_, self.chains)
        ]
        self.samples_: NDArray[np.int64] = np.vstack([r[0] for r in runs])
        self.occupied_: NDArray[np.int64] = np.vstack([r[1] for r in runs])
        self.alpha_: FloatArray = np.vstack([r[2] for r in runs])
        self.cap_hits_ = int(sum(r[3] for r in runs))
        self.result_ = self._result(table, time.perf_counter() - started)
        return self

    def _diagnostics(self, table: CaptureTable) -> dict[str, Any]:
        chains = [c.astype(np.float64) for c in self.samples_]
        sweeps = self.chains * (self.burnin + self.samples * self.thinning)
        return {
            "ess": sum(effective_sample_size(c) for c in chains),
            "rhat": split_rhat(chains),
            "chain_medians": [float(np.median(c)) for c in chains],
            "occupied_classes_mean": float(self.occupied_.mean()),
            "occupied_classes_max": int(self.occupied_.max()),
            "alpha_mean": float(self.alpha_.mean()),
            "cap_hits": self.cap_hits_,
            "cap": self.cap * table.observed,
            "sweeps": sweeps,
            "posterior_mean": float(self.samples_.mean()),
        }

    def _result(self, table: CaptureTable, seconds: float) -> EstimateResult:
        diag = self._diagnostics(table)
        self._warn(diag)
        pooled = self.samples_.ravel()
        tail = (1.0 - self.level) / 2.0
        lower, median, upper = np.quantile(pooled, [tail, 0.5, 1.0 - tail])
        return EstimateResult(
            method="lcmcr",
            observed=table.observed,
            estimate=float(median),
            lower=float(lower),
            upper=float(upper),
            level=self.level,
            seed=self.seed_,
            settings=self.get_params(),
            diagnostics=diag,
            seconds=seconds,
        )

    def _warn(self, diag: dict[str, Any]) -> None:
        notes = []
        if diag["cap_hits"]:
            notes.append(
                f"the dark figure hit the cap ({diag['cap']}) {diag['cap_hits']} time(s): the "
                "posterior has mass beyond it and the upper quantile is understated"
            )
        if self.chains > 1 and diag["rhat"] > RHAT_LIMIT:
            notes.append(f"chains disagree (split R-hat {diag['rhat']:.2f} > {RHAT_LIMIT})")
        if diag["occupied_classes_mean"] >= self.k - 0.5:
            notes.append(f"nearly all {self.k} latent classes are occupied: raise k")
        if diag["ess"] < 100:
            notes.append(f"effective sample size only {diag['ess']:.0f}: run longer")
        for note in notes:
            warnings.warn(f"LCMCR: {note}", ConvergenceWarning, stacklevel=3)
