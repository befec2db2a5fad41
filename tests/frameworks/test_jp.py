"""Japanese framework: JPO royalty benchmarks, TMF platform model, bank-style assessment."""

from __future__ import annotations

import pytest

from ipvalue.core.errors import InputError
from ipvalue.frameworks import jp


def test_jpo_royalty_from_refdata() -> None:
    b = jp.jpo_royalty("patent_all_fields")
    assert b.rate == pytest.approx(0.037)
    assert b.ref == "royalty_rates/RR001/mean_pct"
    assert "Teikoku Databank" in b.source and b.source_date == "2010-03"
    assert b.assumption.evidence == "S"
    assert [w.code for w in b.warnings] == ["JP_ROYALTY_SECONDARY"]


@pytest.mark.parametrize(
    ("field", "pct"),
    [
        ("patent_biotech_pharma", 6.0),
        ("patent_health_amusement", 5.3),
        ("patent_chemistry", 4.3),
        ("patent_micro_nano", 4.1),
    ],
)
def test_jpo_fields_match_methods_table(field: str, pct: float) -> None:
    b = jp.jpo_royalty(field)
    assert b.rate == pytest.approx(pct / 100)
    assert "JP_ROYALTY_HIGHEST_CATEGORY" in [w.code for w in b.warnings]


def test_jpo_unknown_field() -> None:
    with pytest.raises(InputError, match="not retrieved") as e:
        jp.jpo_royalty("patent_electronics")
    assert e.value.field == "jp.royalty_field"


RATINGS = {
    "technology": {"superiority": 5, "ip_protection": 3},
    "market": {
        "market_size": 4,
        "market_growth": 4,
        "competitive_position": 2,
        "customer_access": 2,
    },
    "finance": {"profitability": 3, "funding_capacity": 1, "cash_flow_visibility": 5},
}


def test_tmf_hand_case() -> None:
    # TRL 7 -> 75; superiority 5 -> 100; ip_protection 3 -> 50: technology (75+100+50)/3 = 75
    # market: 75, 75, 25, 25 -> 50; finance: 50, 0, 100 -> 50; overall (75 + 50 + 50)/3
    res = jp.tmf_assessment(trl=7, ratings=RATINGS)
    assert res.axes == pytest.approx({"technology": 75.0, "market": 50.0, "finance": 50.0})
    assert res.overall == pytest.approx(175 / 3)
    assert res.grade == "B"  # 58.3 < 60
    assert "platform model" in res.model_label
    assert res.warnings[0].code == "JP_TMF_PLATFORM_MODEL"


def test_tmf_custom_weights() -> None:
    cfg = jp.TmfConfig(
        axis_weights={"technology": 0.5, "market": 0.25, "finance": 0.25},
        item_weights={"technology": {"trl": 1.0, "superiority": 0.0, "ip_protection": 0.0}},
    )
    res = jp.tmf_assessment(trl=9, ratings=RATINGS, config=cfg)
    # technology = TRL only = 100; overall 0.5·100 + 0.25·50 + 0.25·50 = 75
    assert res.overall == pytest.approx(75.0)
    assert res.grade == "A"


@pytest.mark.parametrize("trl", [0, 10, 3.5, True])
def test_tmf_bad_trl(trl: object) -> None:
    with pytest.raises(InputError) as e:
        jp.tmf_assessment(trl=trl, ratings=RATINGS)  # type: ignore[arg-type]
    assert e.value.field == "jp.tmf.trl"


def test_tmf_bad_ratings_and_weights() -> None:
    bad = {**RATINGS, "finance": {**RATINGS["finance"], "profitability": 0}}
    with pytest.raises(InputError) as e:
        jp.tmf_assessment(trl=5, ratings=bad)
    assert e.value.field == "jp.tmf.ratings.finance.profitability"
    with pytest.raises(InputError, match="sum to 1"):
        jp.tmf_assessment(
            trl=5,
            ratings=RATINGS,
            config=jp.TmfConfig(axis_weights={"technology": 0.5, "market": 0.5, "finance": 0.5}),
        )


def _bank(**ratings: float) -> dict[str, jp.DimensionInput]:
    base = dict.fromkeys(jp.BANK_DIMENSIONS, 4.0)
    base.update(ratings)
    return {d: jp.DimensionInput(r, evidence=(f"{d} evidence",)) for d, r in base.items()}


def test_bank_assessment_grades_and_narrative() -> None:
    # ratings 5, 4, 2, 4, 4 -> mean 19/5 = 3.8 -> A
    res = jp.bank_assessment(_bank(validity=5, detectability=2), value=3.2e8, value_currency="JPY")
    assert res.mean_rating == pytest.approx(3.8)
    assert res.grade == "A"
    grades = {d.dimension: d.grade for d in res.dimensions}
    assert grades == {
        "validity": "S",
        "exclusivity": "A",
        "detectability": "C",
        "market_fit": "A",
        "contribution": "A",
    }
    det = next(d for d in res.dimensions if d.dimension == "detectability")
    assert det.narrative_en.startswith("Ease of detecting infringement: C")
    assert "detectability evidence" in det.narrative_en
    assert det.narrative_ja.startswith("侵害発見の容易性：C")
    assert res.value_order_of_magnitude == 8
    assert "10^8 JPY" in res.summary_en
    assert "JP_BANK_WEAK_DIMENSION" in [w.code for w in res.warnings]


@pytest.mark.parametrize(
    ("r", "g"),
    [(5, "S"), (4.5, "S"), (4.49, "A"), (3.5, "A"), (3.49, "B"), (2.5, "B"), (2.49, "C"), (1, "C")],
)
def test_grade_bands(r: float, g: str) -> None:
    assert jp.rating_grade(r) == g


def test_bank_weights_and_bad_inputs() -> None:
    w = {
        "validity": 0.4,
        "exclusivity": 0.15,
        "detectability": 0.15,
        "market_fit": 0.15,
        "contribution": 0.15,
    }
    # 0.4·1 + 0.6·5 = 3.4 -> B
    res = jp.bank_assessment(
        _bank(validity=1, exclusivity=5, detectability=5, market_fit=5, contribution=5), weights=w
    )
    assert res.mean_rating == pytest.approx(3.4)
    assert res.grade == "B"
    with pytest.raises(InputError, match="sum to 1"):
        jp.bank_assessment(_bank(), weights={**w, "validity": 0.5})
    with pytest.raises(InputError) as e:
        jp.bank_assessment(_bank(market_fit=6))
    assert e.value.field == "jp_bank.dimensions.market_fit.rating"
    missing = _bank()
    del missing["contribution"]
    with pytest.raises(InputError, match="contribution"):
        jp.bank_assessment(missing)
    with pytest.raises(InputError, match="is required with a value"):
        jp.bank_assessment(_bank(), value=1e6)
    no_ev = {d: jp.DimensionInput(3) for d in jp.BANK_DIMENSIONS}
    assert "JP_BANK_NO_EVIDENCE" in [x.code for x in jp.bank_assessment(no_ev).warnings]
