"""Anomaly detection over an organisation's whole case base (scikit-learn IsolationForest).

The forest is fitted on the key parameters of every case's latest version *including* the case
under check (missing values imputed with the column median; a parameter nobody has is dropped),
and the case is flagged when the forest puts it among the ``contamination`` share of most
isolated cases. Fitting with the case included matters: an isolation forest cannot tell how
far a new point lies *beyond* the range it was trained on. Above :data:`MAX_FIT_CASES` the rest
of the base is a seeded random sample, so a save stays fast with 100,000 stored cases. The
seed and case counts are recorded in the finding, so the flag can be reproduced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ipvalue.cases._checks import QualityFinding

MIN_CASES = 20
MAX_FIT_CASES = 2_000


def anomaly_finding(
    base: np.ndarray,
    row: Mapping[str, float | None],
    features: Sequence[str],
    *,
    seed: int,
    contamination: float,
) -> QualityFinding | None:
    """``Q-ANOM-001`` when ``row`` is among the most isolated of ``base`` + ``row``.

    ``base`` holds the other cases' parameters, one row per case, columns in ``features``
    order, NaN where missing. Returns None (no finding) when the base has fewer than
    ``MIN_CASES`` cases, when no feature is present in both the case and the base, or when the
    case is not isolated.
    """
    if len(base) < MIN_CASES:
        return None
    rng = np.random.default_rng(seed)
    sample = base if len(base) <= MAX_FIT_CASES else base[
        np.sort(rng.choice(len(base), MAX_FIT_CASES, replace=False))]
    mine = np.array([[np.nan if row.get(f) is None else float(row[f] or 0.0)
                      for f in features]])
    x = np.vstack([sample, mine])
    keep = ~np.all(np.isnan(x[:-1]), axis=0) & ~np.isnan(x[-1])
    if not keep.any():
        return None
    used = [f for f, k in zip(features, keep, strict=True) if k]
    x = x[:, keep]
    x = np.where(np.isnan(x), np.nanmedian(x, axis=0), x)
    from sklearn.ensemble import IsolationForest  # heavy import, only when there is a base

    forest = IsolationForest(n_estimators=50, contamination=contamination, random_state=seed)
    flags = forest.fit_predict(x)
    if flags[-1] != -1:
        return None
    score = float(forest.score_samples(x[-1:])[0])
    n = len(sample) + 1
    return QualityFinding(
        "Q-ANOM-001", "warning", "parameters",
        f"flagged for review: the combination of {', '.join(used)} is among the "
        f"{contamination:.0%} most unusual of {n} cases of this organisation (isolation score "
        f"{score:.3f}, threshold {float(forest.offset_):.3f}, seed {seed})",
        {"score": score, "threshold": float(forest.offset_), "features": used, "seed": seed,
         "contamination": contamination, "cases": n, "case_base": len(base) + 1,
         "values": {f: row.get(f) for f in used}},
    )


@dataclass(frozen=True)
class AnomalyScan:
    """Result of scanning a whole case base: which rows are flagged, scores, threshold."""

    flagged: np.ndarray
    scores: np.ndarray
    threshold: float
    features: tuple[str, ...]
    seed: int
    contamination: float
    fitted_on: int


def scan_case_base(
    matrix: np.ndarray, features: Sequence[str], *, seed: int, contamination: float
) -> AnomalyScan | None:
    """Fit one seeded forest on the case base (a seeded sample above ``MAX_FIT_CASES``) and
    score every case; a case is flagged when its score is below the forest's threshold.

    None when fewer than ``MIN_CASES`` cases or no feature has a value.
    """
    if len(matrix) < MIN_CASES:
        return None
    keep = ~np.all(np.isnan(matrix), axis=0)
    if not keep.any():
        return None
    x = matrix[:, keep]
    x = np.where(np.isnan(x), np.nanmedian(x, axis=0), x)
    rng = np.random.default_rng(seed)
    fit = x if len(x) <= MAX_FIT_CASES else x[
        np.sort(rng.choice(len(x), MAX_FIT_CASES, replace=False))]
    from sklearn.ensemble import IsolationForest

    forest = IsolationForest(n_estimators=100, contamination=contamination, random_state=seed)
    forest.fit(fit)
    scores = forest.score_samples(x)
    threshold = float(forest.offset_)
    used = tuple(f for f, k in zip(features, keep, strict=True) if k)
    return AnomalyScan(scores < threshold, scores, threshold, used, seed, contamination,
                       len(fit))
