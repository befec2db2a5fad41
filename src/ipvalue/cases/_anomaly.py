"""Anomaly detection over an organisation's whole case base (scikit-learn IsolationForest).

A forest is fitted once per state of the case base (:class:`AnomalyModel`, kept with the
similarity index and rebuilt with it) on the key parameters of every case's latest version
(missing values imputed with the column median; a parameter nobody has is dropped), and a case is
flagged when it scores like the ``contamination`` share of most isolated cases, or lies beyond
the fitted range by more than the interquartile range (a forest cannot tell how far a point lies
*beyond* what it was trained on). Above :data:`MAX_FIT_CASES` the base is a seeded random
sample, so a save stays fast with 100,000 stored cases. The seed, case counts and the last
version id fitted on are recorded in the finding, so the flag can be reproduced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ipvalue.cases._checks import QualityFinding

MIN_CASES = 20
MAX_FIT_CASES = 2_000


class AnomalyModel:
    """Seeded isolation forests over one state of the case base, fitted once and reused.

    ``base`` holds the cases' key parameters, one row per case, columns in ``features`` order,
    NaN where missing. Above :data:`MAX_FIT_CASES` rows a seeded random sample is kept. One
    forest is fitted per set of features a checked case has (lazily, at most one per set), so
    a case's missing parameter is never imputed into an anomaly. ``fitted_through`` (the last
    version id in ``base``) is recorded in findings so that a flag can be reproduced.
    """

    def __init__(
        self,
        base: np.ndarray,
        features: Sequence[str],
        *,
        seed: int,
        contamination: float,
        fitted_through: int | None = None,
    ) -> None:
        self.features = tuple(features)
        self.seed = seed
        self.contamination = contamination
        self.fitted_through = fitted_through
        self.case_base = len(base)
        rng = np.random.default_rng(seed)
        self.sample = (
            base
            if len(base) <= MAX_FIT_CASES
            else base[np.sort(rng.choice(len(base), MAX_FIT_CASES, replace=False))]
        )
        self._forests: dict[tuple[bool, ...], Any] = {}

    @property
    def forests_fitted(self) -> int:
        """How many forests (feature sets) have been fitted so far."""
        return len(self._forests)

    def _forest(self, keep: tuple[bool, ...]) -> tuple[Any, np.ndarray]:
        x = self.sample[:, np.array(keep)]
        median = np.nanmedian(x, axis=0)
        if keep not in self._forests:
            from sklearn.ensemble import IsolationForest  # heavy import, only when needed

            forest = IsolationForest(
                n_estimators=50, contamination=self.contamination, random_state=self.seed
            )
            forest.fit(np.where(np.isnan(x), median, x))
            self._forests[keep] = forest
        return self._forests[keep], median

    def finding(self, row: Mapping[str, float | None]) -> QualityFinding | None:
        """``Q-ANOM-001`` when ``row`` is isolated like the ``contamination`` share of the base.

        A value outside the range the forest was fitted on is isolated at least as fast as the
        most extreme fitted case, but a forest cannot tell how far beyond; such a case is
        flagged when it lies beyond the fitted range by more than the base's interquartile
        range (``beyond_range`` in the detail). None (no finding) when the base has fewer than
        ``MIN_CASES`` cases or no feature is present in both the case and the base.
        """
        if self.case_base < MIN_CASES:
            return None
        mine = np.array(
            [np.nan if row.get(f) is None else float(row[f] or 0.0) for f in self.features]
        )
        keep_arr = ~np.all(np.isnan(self.sample), axis=0) & ~np.isnan(mine)
        if not keep_arr.any():
            return None
        keep = tuple(bool(k) for k in keep_arr)
        forest, _ = self._forest(keep)
        used = [f for f, k in zip(self.features, keep, strict=True) if k]
        x = self.sample[:, keep_arr]
        point = mine[keep_arr]
        score = float(forest.score_samples(point[None, :])[0])
        threshold = float(forest.offset_)
        lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
        q1, q3 = np.nanpercentile(x, [25, 75], axis=0)
        beyond = [
            f
            for f, v, a, b, s in zip(used, point, lo, hi, q3 - q1, strict=True)
            if v < a - s or v > b + s
        ]
        if score >= threshold and not beyond:
            return None
        n = len(self.sample)
        why = (
            f"beyond the range of the case base by more than its interquartile range "
            f"({', '.join(beyond)})"
            if beyond
            else ""
        )
        return QualityFinding(
            "Q-ANOM-001",
            "warning",
            "parameters",
            f"flagged for review: the combination of {', '.join(used)} is among the "
            f"{self.contamination:.0%} most unusual against {n} cases of this organisation "
            f"(isolation score {score:.3f}, threshold {threshold:.3f}, seed {self.seed})"
            + (f"; {why}" if why else ""),
            {
                "score": score,
                "threshold": threshold,
                "features": used,
                "seed": self.seed,
                "contamination": self.contamination,
                "cases": n,
                "case_base": self.case_base,
                "fitted_through_version_id": self.fitted_through,
                "beyond_range": beyond,
                "values": {f: row.get(f) for f in used},
            },
        )


def anomaly_finding(
    base: np.ndarray,
    row: Mapping[str, float | None],
    features: Sequence[str],
    *,
    seed: int,
    contamination: float,
) -> QualityFinding | None:
    """One-off :meth:`AnomalyModel.finding` (fits a model on ``base`` for this row only)."""
    return AnomalyModel(base, features, seed=seed, contamination=contamination).finding(row)


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
    fit = (
        x
        if len(x) <= MAX_FIT_CASES
        else x[np.sort(rng.choice(len(x), MAX_FIT_CASES, replace=False))]
    )
    from sklearn.ensemble import IsolationForest

    forest = IsolationForest(n_estimators=100, contamination=contamination, random_state=seed)
    forest.fit(fit)
    scores = forest.score_samples(x)
    threshold = float(forest.offset_)
    used = tuple(f for f, k in zip(features, keep, strict=True) if k)
    return AnomalyScan(scores < threshold, scores, threshold, used, seed, contamination, len(fit))
