"""Anomaly detection over an organisation's whole case base (scikit-learn IsolationForest).

Features are the key parameters of every case's latest version (missing values imputed with the
column median; a parameter nobody has is dropped). The forest is seeded and the seed is recorded
in the finding, so the flag can be reproduced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.ensemble import IsolationForest

from ipvalue.cases._checks import QualityFinding

MIN_CASES = 20


@dataclass(frozen=True)
class AnomalyScores:
    """Per-row ``score`` (lower = more isolated), ``flag`` and the features used."""

    score: np.ndarray
    flag: np.ndarray
    features: tuple[str, ...]
    seed: int
    contamination: float


def isolation_scores(
    rows: Sequence[Mapping[str, float | None]],
    features: Sequence[str],
    *,
    seed: int,
    contamination: float,
) -> AnomalyScores | None:
    """Fit a seeded IsolationForest on ``rows``; None when fewer than ``MIN_CASES`` rows or no
    feature has any value."""
    if len(rows) < MIN_CASES:
        return None
    x = np.array([[np.nan if r.get(f) is None else float(r[f]) for f in features] for r in rows])  # type: ignore[arg-type]
    keep = ~np.all(np.isnan(x), axis=0)
    if not keep.any():
        return None
    x = x[:, keep]
    med = np.nanmedian(x, axis=0)
    x = np.where(np.isnan(x), med, x)
    forest = IsolationForest(n_estimators=200, contamination=contamination, random_state=seed)
    flag = forest.fit_predict(x) == -1
    used = tuple(f for f, k in zip(features, keep, strict=True) if k)
    return AnomalyScores(forest.score_samples(x), flag, used, seed, contamination)


def anomaly_finding(scores: AnomalyScores, index: int, n_cases: int) -> QualityFinding | None:
    """``Q-ANOM-001`` for row ``index`` when the forest isolates it."""
    if not bool(scores.flag[index]):
        return None
    return QualityFinding(
        "Q-ANOM-001", "warning", "parameters",
        f"flagged for review: the combination of {', '.join(scores.features)} is unusual among "
        f"the {n_cases} cases of this organisation (isolation score "
        f"{float(scores.score[index]):.3f}, seed {scores.seed})",
        {"score": float(scores.score[index]), "features": list(scores.features),
         "seed": scores.seed, "contamination": scores.contamination, "cases": n_cases},
    )
