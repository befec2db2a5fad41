"""IsolationForest anomaly flag: seeded, reproducible, flags the odd case only."""

from __future__ import annotations

import numpy as np

from ipvalue.cases._anomaly import AnomalyModel, anomaly_finding

FEATURES = ("royalty_rate", "discount_rate", "growth")


def base(n: int = 40) -> np.ndarray:
    """n cases: royalty ~ N(3 %, 0.3 %), discount ~ N(12 %, 0.5 %), growth missing."""
    rng = np.random.default_rng(7)
    return np.column_stack(
        [rng.normal(0.03, 0.003, n), rng.normal(0.12, 0.005, n), np.full(n, np.nan)]
    )


def test_outlier_is_flagged_with_seed_and_typical_case_is_not() -> None:
    odd = {"royalty_rate": 0.30, "discount_rate": 0.12, "growth": None}
    f = anomaly_finding(base(), odd, FEATURES, seed=3, contamination=0.05)
    assert f is not None and f.code == "Q-ANOM-001"
    assert (f.detail["seed"], f.detail["cases"]) == (3, 40)
    assert f.detail["features"] == ["royalty_rate", "discount_rate"]
    # base royalty: max 0.0340, IQR 0.0273..0.0303 = 0.0030; 0.30 > 0.0340 + 0.0030
    assert f.detail["beyond_range"] == ["royalty_rate"]
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
    assert big is not None and big.detail["cases"] == 2_000 and big.detail["case_base"] == 3_000


def test_too_few_cases_or_no_features_gives_nothing() -> None:
    odd = {"royalty_rate": 0.30}
    assert anomaly_finding(base(19), odd, FEATURES, seed=0, contamination=0.05) is None
    assert (
        anomaly_finding(
            np.full((30, 1), np.nan), {"growth": 0.1}, ("growth",), seed=0, contamination=0.05
        )
        is None
    )


def test_odd_combination_inside_the_range_is_flagged_by_the_forest() -> None:
    b = base()
    # highest royalty with the lowest discount rate: each value seen, the pair is not
    odd = {"royalty_rate": float(b[:, 0].max()), "discount_rate": float(b[:, 1].min())}
    f = anomaly_finding(b, odd, FEATURES, seed=3, contamination=0.05)
    assert f is not None and f.detail["beyond_range"] == []
    assert f.detail["score"] < f.detail["threshold"]


def test_beyond_range_rule_is_max_plus_interquartile_range() -> None:
    b = base()
    hi = float(b[:, 0].max())
    q1, q3 = np.percentile(b[:, 0], [25, 75])
    model = AnomalyModel(b, FEATURES, seed=3, contamination=0.05)
    just_out = model.finding({"royalty_rate": hi + (q3 - q1) * 1.01, "discount_rate": 0.12})
    assert just_out is not None and just_out.detail["beyond_range"] == ["royalty_rate"]
    assert model.finding({"royalty_rate": 0.03, "discount_rate": 0.12}) is None


def test_one_forest_per_feature_set_is_fitted_once_and_reused() -> None:
    model = AnomalyModel(base(), FEATURES, seed=3, contamination=0.05, fitted_through=77)
    a = model.finding({"royalty_rate": 0.30, "discount_rate": 0.12})
    forests = dict(model._forests)
    b = model.finding({"royalty_rate": 0.30, "discount_rate": 0.12})
    model.finding({"royalty_rate": 0.30})
    assert a == b and a is not None and a.detail["fitted_through_version_id"] == 77
    assert len(model._forests) == 2
    assert all(model._forests[k] is v for k, v in forests.items())  # not refitted
