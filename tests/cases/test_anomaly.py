"""IsolationForest anomaly flag: seeded, reproducible, flags the odd case only."""

from __future__ import annotations

import numpy as np

from ipvalue.cases._anomaly import anomaly_finding

FEATURES = ("royalty_rate", "discount_rate", "growth")


def base(n: int = 40) -> np.ndarray:
    """n cases: royalty ~ N(3 %, 0.3 %), discount ~ N(12 %, 0.5 %), growth missing."""
    rng = np.random.default_rng(7)
    return np.column_stack([rng.normal(0.03, 0.003, n), rng.normal(0.12, 0.005, n),
                            np.full(n, np.nan)])


def test_outlier_is_flagged_with_seed_and_typical_case_is_not() -> None:
    odd = {"royalty_rate": 0.30, "discount_rate": 0.12, "growth": None}
    f = anomaly_finding(base(), odd, FEATURES, seed=3, contamination=0.05)
    assert f is not None and f.code == "Q-ANOM-001"
    assert (f.detail["seed"], f.detail["cases"]) == (3, 41)
    assert f.detail["features"] == ["royalty_rate", "discount_rate"]
    assert f.detail["score"] < f.detail["threshold"]
    typical = {"royalty_rate": 0.03, "discount_rate": 0.12}
    assert anomaly_finding(base(), typical, FEATURES, seed=3, contamination=0.05) is None


def test_missing_parameter_of_the_case_is_not_imputed_into_an_anomaly() -> None:
    # the case has no discount rate: only royalty_rate is compared
    f = anomaly_finding(base(), {"royalty_rate": 0.5}, FEATURES, seed=0, contamination=0.05)
    assert f is not None and f.detail["features"] == ["royalty_rate"]


def test_same_seed_same_result_and_large_base_is_sampled() -> None:
    odd = {"royalty_rate": 0.30, "discount_rate": 0.12}
    a = anomaly_finding(base(), odd, FEATURES, seed=11, contamination=0.05)
    b = anomaly_finding(base(), odd, FEATURES, seed=11, contamination=0.05)
    assert a is not None and b is not None and a.detail == b.detail
    big = anomaly_finding(base(3_000), odd, FEATURES, seed=1, contamination=0.05)
    assert big is not None and big.detail["cases"] == 2_001 and big.detail["case_base"] == 3_001


def test_too_few_cases_or_no_features_gives_nothing() -> None:
    odd = {"royalty_rate": 0.30}
    assert anomaly_finding(base(19), odd, FEATURES, seed=0, contamination=0.05) is None
    assert anomaly_finding(np.full((30, 1), np.nan), {"growth": 0.1}, ("growth",), seed=0,
                           contamination=0.05) is None
