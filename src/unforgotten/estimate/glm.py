"""Poisson log-linear regression by iteratively reweighted least squares.

The fitting follows the textbook IRLS of McCullagh & Nelder (1989, *Generalized Linear Models*,
§2.5) with the same start (``mu = y + 0.1``), convergence rule (relative deviance change below
``1e-8``) and iteration cap (25) as R's ``glm``, so that fits whose MLE does not exist (a cell
fitted to zero) stop where the reference packages stop and report the same deviance and AIC.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["PoissonFit", "fit_poisson", "poisson_deviance", "poisson_loglik"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class PoissonFit:
    """A fitted Poisson GLM with log link.

    Attributes
    ----------
    beta, cov
        Coefficients and their estimated covariance (inverse Fisher information).
    mu
        Fitted means of the cells used.
    deviance, loglik
        Residual deviance and maximised log-likelihood (with the ``log y!`` constant).
    converged
        False when the iteration cap was reached (typically a non-existent MLE).
    rank
        Numerical rank of the design matrix.
    """

    beta: FloatArray
    cov: FloatArray
    mu: FloatArray
    deviance: float
    loglik: float
    converged: bool
    iterations: int
    rank: int

    @property
    def n_params(self) -> int:
        """Number of coefficients."""
        return int(self.beta.shape[0])


def xlogy(x: FloatArray, y: FloatArray) -> FloatArray:
    """``x · log y``, 0 where ``x`` is 0 (as ``scipy.special.xlogy``, without loading scipy)."""
    xa = np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore"):
        out = xa * np.log(np.where(xa == 0, 1.0, y))
    return np.where(xa == 0, 0.0, out)


def log_factorial(y: FloatArray) -> FloatArray:
    """``log y!`` element-wise (``lgamma(y + 1)``)."""
    flat = np.asarray(y, dtype=np.float64).ravel()
    return np.array([math.lgamma(v + 1.0) for v in flat]).reshape(np.shape(y))


def poisson_deviance(y: FloatArray, mu: FloatArray) -> float:
    """Poisson deviance ``2 Σ [y log(y/μ) − (y − μ)]``."""
    return float(2.0 * np.sum(xlogy(y, y) - xlogy(y, mu) - (y - mu)))


def poisson_loglik(y: FloatArray, mu: FloatArray) -> float:
    """Poisson log-likelihood ``Σ [y log μ − μ − log y!]``."""
    return float(np.sum(xlogy(y, mu) - mu - log_factorial(y)))


def fit_poisson(
    x: FloatArray,
    y: FloatArray,
    *,
    offset: FloatArray | None = None,
    max_iter: int = 25,
    tol: float = 1e-8,
) -> PoissonFit:
    """Fit ``log E[y] = offset + x @ beta`` by IRLS.

    Parameters
    ----------
    x
        Design matrix, intercept included.
    y
        Non-negative counts.
    offset
        Known part of the linear predictor.
    max_iter, tol
        Iteration cap and relative-deviance tolerance (R's ``glm.control`` defaults).
    """
    off = np.zeros_like(y) if offset is None else offset
    mu = y + 0.1
    eta = np.log(mu)
    dev_old = poisson_deviance(y, mu)
    beta = np.zeros(x.shape[1])
    converged = False
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - reported after the loop
        beta, eta = _irls_step(x, y, mu, eta, off)
        mu = np.exp(eta)
        dev = poisson_deviance(y, mu)
        if abs(dev - dev_old) / (abs(dev) + 0.1) < tol:
            converged = True
            break
        dev_old = dev
    return _finish(x, y, beta, mu, converged, iterations)


def _irls_step(
    x: FloatArray, y: FloatArray, mu: FloatArray, eta: FloatArray, off: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """One weighted least-squares step; returns new coefficients and linear predictor."""
    z = eta - off + (y - mu) / mu
    w = np.sqrt(mu)
    beta = np.asarray(np.linalg.lstsq(x * w[:, None], z * w, rcond=None)[0], dtype=np.float64)
    return beta, off + x @ beta


def _finish(  # noqa: PLR0917 - private helper, called once
    x: FloatArray,
    y: FloatArray,
    beta: FloatArray,
    mu: FloatArray,
    converged: bool,
    iterations: int,
) -> PoissonFit:
    info = x.T @ (x * mu[:, None])
    rank = int(np.linalg.matrix_rank(x))
    cov: FloatArray = np.asarray(np.linalg.pinv(info), dtype=np.float64)
    return PoissonFit(
        beta=beta,
        cov=cov,
        mu=mu,
        deviance=poisson_deviance(y, mu),
        loglik=poisson_loglik(y, mu),
        converged=converged,
        iterations=iterations,
        rank=rank,
    )
