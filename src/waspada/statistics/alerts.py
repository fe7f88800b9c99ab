"""Spike detection on area x period count series (pure; numpy + scipy).

Method (a Farrington-style quasi-Poisson GLM, evaluated one period at a time):

* The baseline is the ``window`` periods just before the period under test (36 months,
  12 quarters or 104 ISO weeks), gaps counted as zero. At least ``min_baseline`` periods
  are needed; earlier periods are not tested.
* A log-linear Poisson GLM is fitted to the baseline by IRLS: an intercept, a linear trend
  (kept only when significant, |z| >= 2, so a noisy slope is not extrapolated into a false
  alarm or a missed one), and one yearly harmonic (sin/cos) once the baseline covers two
  years, for seasonality.
* Over-dispersion ``phi`` is the Pearson chi-square over its degrees of freedom (at least 1).
  The prediction for the tested period has mean ``mu`` and variance
  ``phi*mu + mu^2 * var(eta)``, so the uncertainty of the fitted baseline is included; the
  upper-tail p-value comes from the negative binomial with that mean and variance (Poisson
  when there is no extra variance).
* An alarm needs all of: ``p < alpha / periods_per_year`` (so the false-alarm budget is per
  year whatever the period length), ``observed >= min_count`` (1 -> 3 is never an alarm) and
  ``observed / expected >= min_ratio`` (huge series do not alarm on a 3 % wobble).

Why not EWMA/CUSUM: those need a known in-control mean and variance per series and accumulate
evidence over several periods, which delays a one-quarter jump; the GLM gives an expected count,
a ratio and a p-value for each period, which is what officers read, and handles trend and
seasonality explicitly. ``bench/stats.py`` measures catch and false-alarm rates.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats as _st

from .periods import Period

__all__ = ["Alert", "DetectorSettings", "Evaluation", "detect", "detect_series", "evaluate"]


@dataclass(frozen=True, slots=True)
class DetectorSettings:
    alpha_per_year: float = 0.001
    """False-alarm budget per series-year before the min-count/min-ratio filters."""
    min_count: int = 5
    min_ratio: float = 1.5
    min_baseline: int = 4
    window_years: float = 3.0
    max_window: int = 156

    def window(self, per_year: float) -> int:
        return max(self.min_baseline, min(self.max_window, round(self.window_years * per_year)))


DEFAULT = DetectorSettings()


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The detector's verdict on one period of one series."""

    area: str
    period: str
    observed: int
    expected: float
    ratio: float | None
    p_value: float
    alarm: bool


@dataclass(frozen=True, slots=True)
class Alert:
    area: str
    period: str
    observed: int
    expected: float
    ratio: float | None
    p_value: float

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _irls(x: np.ndarray, y: np.ndarray, iterations: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Poisson log-link GLM: (coefficients, fitted means)."""
    mu = y + 0.5
    eta = np.log(mu)
    beta = np.zeros(x.shape[1])
    for _ in range(iterations):
        z = eta + (y - mu) / mu
        w = mu
        xtw = x.T * w
        new, *_ = np.linalg.lstsq(xtw @ x, xtw @ z, rcond=None)
        eta = np.clip(x @ new, -30.0, 30.0)
        mu = np.exp(eta)
        if np.max(np.abs(new - beta)) < 1e-8:
            beta = new
            break
        beta = new
    return beta, mu


def _design(t: np.ndarray, centre: float, per_year: float, seasonal: bool, trend: bool
            ) -> np.ndarray:
    cols = [np.ones_like(t)]
    if seasonal:
        w = 2 * math.pi / per_year
        cols += [np.sin(w * t), np.cos(w * t)]
    if trend:
        cols.append(t - centre)
    return np.column_stack(cols)


def _fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """(coefficients, covariance scaled by the dispersion, dispersion)."""
    beta, mu = _irls(x, y)
    dof = max(1, len(y) - x.shape[1])
    phi = max(1.0, float(np.sum((y - mu) ** 2 / mu)) / dof)
    info = (x.T * mu) @ x
    try:
        cov = np.linalg.inv(info) * phi
    except np.linalg.LinAlgError:
        cov = np.linalg.pinv(info) * phi
    return beta, cov, phi


def _wald(beta: np.ndarray, cov: np.ndarray, idx: list[int]) -> float:
    b = beta[idx]
    c = cov[np.ix_(idx, idx)]
    try:
        return float(b @ np.linalg.solve(c, b))
    except np.linalg.LinAlgError:
        return 0.0


def _fit_predict(y: np.ndarray, t: np.ndarray, t_new: float, per_year: float
                 ) -> tuple[float, float, float]:
    """(mu, var_eta, phi) for the period at ``t_new`` from baseline counts ``y`` at ``t``.

    Seasonal and trend terms are kept only when significant (Wald test at about 5 %:
    chi-square 5.99 on 2 df for the harmonic, 4 = z^2 for the trend).
    """
    n = len(y)
    centre = float(t.mean())
    seasonal = n >= 2 * per_year
    trend = n >= 6
    beta, cov, phi = _fit(_design(t, centre, per_year, seasonal, trend), y)
    keep_s = seasonal and _wald(beta, cov, [1, 2]) >= 5.99
    keep_t = trend and _wald(beta, cov, [3 if seasonal else 1]) >= 4.0
    if (keep_s, keep_t) != (seasonal, trend):
        seasonal, trend = keep_s, keep_t
        beta, cov, phi = _fit(_design(t, centre, per_year, seasonal, trend), y)
    xn = _design(np.array([t_new]), centre, per_year, seasonal, trend)[0]
    eta = float(np.clip(xn @ beta, -30.0, 30.0))
    var_eta = float(max(xn @ cov @ xn, 0.0))
    return math.exp(eta), var_eta, phi


def upper_p(observed: int, mu: float, variance: float) -> float:
    """P(X >= observed) for a count with mean ``mu`` and ``variance`` (>= mu)."""
    if observed <= 0:
        return 1.0
    if variance <= mu * (1 + 1e-9):
        return float(_st.poisson.sf(observed - 1, mu))
    size = mu * mu / (variance - mu)
    return float(_st.nbinom.sf(observed - 1, size, size / (size + mu)))


def dense(points: Mapping[Period, int]) -> tuple[Period, list[int]]:
    """(first period, counts for every period up to the last; gaps are zero)."""
    first, last = min(points), max(points)
    return first, [points.get(first.shift(i), 0) for i in range(last.index - first.index + 1)]


def evaluate(area: str, points: Mapping[Period, int],
             settings: DetectorSettings = DEFAULT, since: Period | None = None
             ) -> list[Evaluation]:
    """Every testable period of one series (those with enough baseline before them).

    With ``since``, only periods from ``since`` on that could alarm (observed at least the
    minimum count) are evaluated: what the current-alerts list needs, at a fraction of the cost.
    """
    if not points:
        return []
    first, counts = dense(points)
    per_year = first.per_year
    window = settings.window(per_year)
    alpha = settings.alpha_per_year / per_year
    y_all = np.asarray(counts, dtype=float)
    out: list[Evaluation] = []
    start = settings.min_baseline
    if since is not None:
        start = max(start, since.index - first.index)
    for i in range(start, len(counts)):
        lo = max(0, i - window)
        y = y_all[lo:i]
        obs = counts[i]
        if since is not None and obs < settings.min_count:
            continue
        if y.sum() == 0:
            mu, variance = 0.5 / len(y), 0.5 / len(y)
        else:
            mu, var_eta, phi = _fit_predict(y, np.arange(lo, i, dtype=float), float(i), per_year)
            variance = phi * mu + mu * mu * var_eta
        p = upper_p(obs, mu, variance)
        ratio = obs / mu if mu > 0 else None
        alarm = (p < alpha and obs >= settings.min_count
                 and (ratio is None or ratio >= settings.min_ratio))
        out.append(Evaluation(area, first.shift(i).label, obs, round(mu, 3),
                              None if ratio is None else round(ratio, 3),
                              float(f"{p:.3g}"), alarm))
    return out


def detect_series(area: str, points: Mapping[Period, int],
                  settings: DetectorSettings = DEFAULT, since: Period | None = None
                  ) -> list[Alert]:
    return [Alert(e.area, e.period, e.observed, e.expected, e.ratio, e.p_value)
            for e in evaluate(area, points, settings, since) if e.alarm]


def detect(series: Mapping[str, Mapping[Period, int]] | Iterable[tuple[str, Mapping[Period, int]]],
           settings: DetectorSettings = DEFAULT, since: Period | None = None) -> list[Alert]:
    """Alerts for every series, ordered by area then period (``since``: see :func:`evaluate`)."""
    items: Sequence[tuple[str, Mapping[Period, int]]] = (
        sorted(series.items()) if isinstance(series, Mapping) else list(series))
    alerts: list[Alert] = []
    for area, points in items:
        alerts.extend(detect_series(area, points, settings, since))
    return alerts
