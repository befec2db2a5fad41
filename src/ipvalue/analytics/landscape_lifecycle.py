"""Technology life cycle: a logistic S-curve fitted to cumulative filings (pure; scipy).

``y(t) = K / (1 + exp(−r (t − t_m)))`` is fitted by least squares to the cumulative number of
filings ``y`` by year ``t`` (the form of PATENTS.md §1 and the ``technologycycle`` package):
``K`` is the saturation level (total filings the technology will reach), ``t_m`` the year of
fastest growth (half of ``K``) and ``r`` the growth rate. The **stage** follows the share of
``K`` reached in the last year, ``p = y_last / K``: emerging below 10 %, growth below 50 %,
maturity below 90 %, saturation from 90 % (the conventional 10/50/90 % cut-offs of S-curve
analysis; they are parameters). ``t_10`` and ``t_90`` are the years the fit reaches 10 % and
90 % of ``K``; ``t_90 − t_10 = ln(81) / r``.

A logistic bends around any straight cumulative line, so the stage is named only when the fit's
squared residuals are below half those of a straight line (otherwise "undetermined": steady
filings carry no stage). The fit is reported only when it is meaningful: at least ``min_years``
years with filings and an ``R²`` of at least ``min_r2`` on the cumulative series; a fit whose
``K`` exceeds ``max_k_ratio`` times the filings so far is flagged, because the data do not yet
show where growth will stop.
"""

from __future__ import annotations

import math
import warnings as pywarnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import OptimizeWarning, curve_fit

from ipvalue.core.errors import InputError

STAGES: tuple[str, ...] = ("emerging", "growth", "maturity", "saturation")


@dataclass(frozen=True)
class LifecycleFit:
    """A logistic fit of cumulative filings.

    Attributes
    ----------
    saturation : float
        ``K``, the fitted total number of filings.
    midpoint : float
        ``t_m``, the year of fastest growth.
    rate : float
        ``r`` per year.
    r2 : float
        Coefficient of determination on the cumulative series.
    share_reached : float
        ``y_last / K``.
    stage : str
        emerging, growth, maturity, saturation, or undetermined when a straight line fits the
        cumulative filings about as well (steady filings show no life-cycle stage).
    t10, t90 : float
        Years at which the fit reaches 10 % and 90 % of ``K``.
    table : DataFrame
        ``year, n, cumulative, fitted``.
    warnings : tuple of str
    """

    saturation: float
    midpoint: float
    rate: float
    r2: float
    share_reached: float
    stage: str
    t10: float
    t90: float
    table: pd.DataFrame
    warnings: tuple[str, ...]


def logistic(t: np.ndarray, k: float, r: float, t_m: float) -> np.ndarray:
    """``K / (1 + exp(−r (t − t_m)))``."""
    return k / (1.0 + np.exp(-r * (t - t_m)))


def stage_of(share: float, cutoffs: tuple[float, float, float] = (0.1, 0.5, 0.9)) -> str:
    """Life-cycle stage for a share of saturation reached (see module docstring)."""
    if not 0 < cutoffs[0] < cutoffs[1] < cutoffs[2] < 1:
        raise InputError("cutoffs", "must be increasing shares between 0 and 1")
    return STAGES[int(np.searchsorted(np.asarray(cutoffs), share, side="right"))]


def fit_lifecycle(
    counts_by_year: pd.Series,
    *,
    min_years: int = 6,
    min_r2: float = 0.9,
    max_k_ratio: float = 10.0,
    max_residual_ratio: float = 0.5,
    cutoffs: tuple[float, float, float] = (0.1, 0.5, 0.9),
) -> LifecycleFit | None:
    """Fit the S-curve to yearly filings; None when the data cannot support a fit.

    Parameters
    ----------
    counts_by_year : Series
        Filings per year (index = year); missing years inside the range count 0.
    min_years : int
        Minimum number of years from first to last filing.
    min_r2 : float
        Minimum R² of the fit on the cumulative series.
    max_k_ratio : float
        Flag (warning) fits with ``K`` above this multiple of the filings so far.
    max_residual_ratio : float
        The S-curve's squared residuals must be below this share of a straight line's on the
        cumulative series, else the stage is "undetermined" (steady filings).
    cutoffs : (float, float, float)
        Shares of ``K`` that end the emerging, growth and maturity stages.

    Raises
    ------
    InputError
        Negative counts or bad parameters.
    """
    if min_years < 3:
        raise InputError("min_years", "must be >= 3 (three parameters are fitted)")
    if not 0 <= min_r2 <= 1:
        raise InputError("min_r2", "must be between 0 and 1")
    s = pd.Series(counts_by_year, dtype=float)
    if (s < 0).any():
        raise InputError("counts", "must be >= 0")
    s = s[s.index.notna()]
    s.index = s.index.astype(int)
    s = s.loc[s[s > 0].index.min() : s[s > 0].index.max()] if (s > 0).any() else s.iloc[:0]
    if len(s) < min_years:
        return None
    s = s.reindex(range(int(s.index.min()), int(s.index.max()) + 1), fill_value=0.0)
    t = s.index.to_numpy(dtype=float)
    y = s.cumsum().to_numpy()
    total = float(y[-1])
    # Start at "half-way now": K = 2 × filings so far, midpoint at the last year.
    p0 = (2.0 * total, 0.5, t[-1])
    bounds = ([total, 1e-3, t[0] - 50.0], [total * 1e3, 5.0, t[-1] + 50.0])
    try:
        with pywarnings.catch_warnings():
            pywarnings.simplefilter("ignore", OptimizeWarning)
            (k, r, t_m), _ = curve_fit(logistic, t, y, p0=p0, bounds=bounds, maxfev=20_000)
    except (RuntimeError, ValueError):
        return None
    fitted = logistic(t, k, r, t_m)
    ss_res = float(((y - fitted) ** 2).sum())
    ss_tot = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - ss_res / ss_tot if ss_tot > 0 else 0.0
    if r2 < min_r2:
        return None
    notes = []
    # A logistic can bend around any straight cumulative line; demand that it fit clearly better
    # than the line (constant filings) before naming a stage.
    line = np.polyval(np.polyfit(t, y, 1), t)
    ss_line = float(((y - line) ** 2).sum())
    s_shaped = ss_res < max_residual_ratio * ss_line
    if not s_shaped:
        notes.append(
            "a straight line fits the cumulative filings about as well as the S-curve (steady "
            "filings): no evidence of a life-cycle stage"
        )
    if k > max_k_ratio * total:
        notes.append(
            f"the fitted saturation ({k:,.0f}) is over {max_k_ratio:g}× the filings so far: "
            "growth shows no sign of slowing, so K and the stage are weakly determined"
        )
    share = total / k
    half = math.log(81.0) / (2.0 * r)  # ln(9) / r on each side of the midpoint
    return LifecycleFit(
        saturation=float(k),
        midpoint=float(t_m),
        rate=float(r),
        r2=r2,
        share_reached=share,
        stage=stage_of(share, cutoffs) if s_shaped else "undetermined",
        t10=float(t_m - half),
        t90=float(t_m + half),
        table=pd.DataFrame(
            {"year": s.index.to_numpy(), "n": s.to_numpy(), "cumulative": y, "fitted": fitted}
        ),
        warnings=tuple(notes),
    )
