"""Bad-input rules of the JP TMF model, bank assessment and IPscore limits."""

from __future__ import annotations

import pytest

from ipvalue.core.errors import InputError
from ipvalue.frameworks import ipscore as ips
from ipvalue.frameworks import jp

RATINGS = {axis: dict.fromkeys(items, 3.0) for axis, items in jp.TMF_ITEMS.items()}


def test_tmf_grade_bands_and_item_weights() -> None:
    with pytest.raises(InputError, match="descending lower bounds"):
        jp.tmf_assessment(
            trl=5, ratings=RATINGS, config=jp.TmfConfig(grade_bands=(("A", 10.0), ("S", 50.0)))
        )
    with pytest.raises(InputError, match="descending lower bounds"):
        jp.tmf_assessment(trl=5, ratings=RATINGS, config=jp.TmfConfig(grade_bands=(("A", 5.0),)))
    bad = jp.TmfConfig(item_weights={"market": {"market_size": 1.0}})
    with pytest.raises(InputError) as e:
        jp.tmf_assessment(trl=5, ratings=RATINGS, config=bad)
    assert e.value.field.startswith("jp.tmf.item_weights.market")
    missing = {k: v for k, v in RATINGS.items() if k != "finance"}
    with pytest.raises(InputError, match="finance"):
        jp.tmf_assessment(trl=5, ratings=missing)


def test_bank_value_rules() -> None:
    dims = {d: jp.DimensionInput(3, ("e",)) for d in jp.BANK_DIMENSIONS}
    with pytest.raises(InputError) as e:
        jp.bank_assessment(dims, value=0.0, value_currency="JPY")
    assert e.value.field == "jp_bank.value"
    with pytest.raises(InputError) as e:
        jp.bank_assessment(dims, value=float("nan"), value_currency="JPY")
    assert e.value.field == "jp_bank.value"
    res = jp.bank_assessment(dims)
    assert res.value_order_of_magnitude is None and res.grade == "B"


def test_ipscore_limits_rules() -> None:
    answers = {f.code: ips.Answer(rating=3) for f in ips.FACTORS}
    with pytest.raises(InputError, match="must differ"):
        ips.ipscore(answers, limits={"A2": ips.NumericLimits(5, 5, "years")})
    with pytest.raises(InputError) as e:
        ips.ipscore(answers, limits={"A2": ips.NumericLimits(float("inf"), 5, "years")})
    assert e.value.field == "ipscore.limits.A2.worst"
    with pytest.raises(InputError) as e:
        ips.ipscore(answers, weights={"Z9": 1.0})
    assert e.value.field == "ipscore.weights.Z9"
