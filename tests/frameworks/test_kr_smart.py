"""SMART5-style grade: point arithmetic, group weights, stanine grading within a WIPO sector."""

from __future__ import annotations

import pytest

from ipvalue.core.errors import InputError
from ipvalue.frameworks import kr

MIXED = {
    "claim_scope": 3,  # 20·(3−1)/4 = 10
    "right_completeness": 5,  # 20
    "patent_stability": 3,  # −20·(5−3)/4 = −10
    "trend_fit": 1,  # 0
    "technology_life": 5,  # 10
    "technology_leadership": 3,  # 2.5
    "commercialisability": 4,  # 15
    "enforceability": 2,  # 5
}


def test_points_sum_when_weights_equal_point_sums() -> None:
    # 40/20/40 = the point sums, so the score is the plain sum: 10+20−10+0+10+2.5+15+5 = 52.5
    res = kr.smart_grade(MIXED, config=kr.smart_preset("ipm_points_40_20_40"), sector="chemistry")
    assert res.score == pytest.approx(52.5)
    assert res.points["patent_stability"] == pytest.approx(-10.0)
    assert res.group_fraction == pytest.approx(
        {"rights": 20 / 40, "technology": 12.5 / 20, "usability": 20 / 40}
    )


def test_kipa_35_35_30_weights() -> None:
    # 35·0.5 + 35·0.625 + 30·0.5 = 17.5 + 21.875 + 15
    res = kr.smart_grade(MIXED, config=kr.smart_preset("kipa_35_35_30"), sector="chemistry")
    assert res.score == pytest.approx(54.375)
    assert res.grade is None
    assert [w.code for w in res.warnings] == ["SMART_NO_POPULATION"]


def test_best_ratings_score_100_and_stability_deduction() -> None:
    best = dict.fromkeys(MIXED, 5)
    cfg = kr.smart_preset("kipa_35_35_30")
    assert kr.smart_grade(best, config=cfg, sector="instruments").score == pytest.approx(100.0)
    worst_stability = {**best, "patent_stability": 1}  # rights: (20+20−20)/40 = 0.5
    assert kr.smart_grade(worst_stability, config=cfg, sector="instruments").score == pytest.approx(
        100.0 - 35 * 0.5
    )


def test_grade_within_sector_only() -> None:
    cfg = kr.smart_preset("ipm_points_40_20_40")
    # 100 chemistry scores 0..99, plus electrical scores that must be ignored
    pop = [("chemistry", float(v)) for v in range(100)]
    pop += [("electrical_engineering", 1000.0)] * 50
    res = kr.smart_grade(MIXED, config=cfg, sector="chemistry", population=pop)
    # score 52.5: 53 below, 0 equal -> percentile 0.53 -> in (40, 60] -> stanine 5
    assert res.percentile == pytest.approx(0.53)
    assert res.stanine == 5 and res.grade == "BB"
    assert res.population_size == 100
    assert "SMART_LABELS_UNVERIFIED" in [w.code for w in res.warnings]


def test_custom_labels_and_weights() -> None:
    labels = tuple(f"G{i}" for i in range(1, 10))
    cfg = kr.SmartConfig(
        group_weights={"rights": 50, "technology": 25, "usability": 25},
        group_weights_source="bank policy 2025",
        grade_labels=labels,
    )
    pop = [("other_fields", float(v)) for v in range(10)]
    res = kr.smart_grade(dict.fromkeys(MIXED, 5), config=cfg, sector="other_fields", population=pop)
    assert res.score == pytest.approx(100.0)
    assert res.grade == "G9"  # all 10 below -> percentile 1.0
    assert "SMART_LABELS_UNVERIFIED" not in [w.code for w in res.warnings]
    assert "SMART_NO_POPULATION" not in [w.code for w in res.warnings]


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        ({"rights": 35, "technology": 35, "usability": 35}, "must sum to 100"),
        ({"rights": 50, "technology": 50}, "usability"),
        ({"rights": 110, "technology": -10, "usability": 0}, "must be >= 0"),
    ],
)
def test_bad_group_weights(weights: dict[str, float], match: str) -> None:
    with pytest.raises(InputError, match=match):
        kr.SmartConfig(group_weights=weights, group_weights_source="x")


def test_bad_ratings_sector_population() -> None:
    cfg = kr.smart_preset("kipa_35_35_30")
    with pytest.raises(InputError) as e:
        kr.smart_grade({**MIXED, "claim_scope": 6}, config=cfg, sector="chemistry")
    assert e.value.field == "smart.ratings.claim_scope"
    with pytest.raises(InputError, match="must be one of"):
        kr.smart_grade(MIXED, config=cfg, sector="biotech")
    with pytest.raises(InputError, match="at least 9"):
        kr.smart_grade(
            MIXED,
            config=cfg,
            sector="chemistry",
            population=[("chemistry", 1.0)] * 8 + [("instruments", 1.0)] * 20,
        )
    with pytest.raises(InputError, match="unknown preset"):
        kr.smart_preset("50_50")
