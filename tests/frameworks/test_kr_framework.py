"""KR framework end to end: resolve + engine on the Korean example, and bad framework inputs."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import pytest

import ipvalue
from ipvalue.api_python import read_case_data
from ipvalue.core.errors import InputError
from ipvalue.frameworks import get, kr
from ipvalue.frameworks._valuate import value_under
from ipvalue.model.case import ValuationCase

EXAMPLE = (
    Path(__file__).resolve().parents[2] / "examples/jurisdictions/kr_technology_contribution.yaml"
)
FCF = [1.2e9, 2.4e9, 3.6e9, 4.2e9, 4.5e9, 4.6e9, 4.4e9, 4.0e9, 3.5e9, 3.0e9]


def _data() -> dict[str, Any]:
    return copy.deepcopy(dict(read_case_data(EXAMPLE)))


def _case(data: dict[str, Any]) -> ValuationCase:
    case = ipvalue.load_case(data)
    assert isinstance(case, ValuationCase)
    return case


def test_registry_and_protocol() -> None:
    fw = get("KR")
    assert fw is kr.FRAMEWORK and fw.code == "KR" and fw.currency == "KRW"
    assert fw.defaults(None) == {"timing": "end"}


def test_example_hand_value() -> None:
    run = value_under(_case(_data()), "KR")
    trp = -0.0709 * math.log(32 / 10 - 1) + 0.1001  # S = 32 from the 10 risk items
    r = 0.06 * 0.3 + (0.115 + 0.035) * 0.7 + trp  # guide_example
    cc = 0.55 * 0.8 * (70 / 100)  # strength 70/100, equal weights
    life = 7 + (12 - 7) * (68 - 60) / 40  # Model I: 8.0 years
    assert life == 8.0
    expected = sum(FCF[t - 1] * cc / (1 + r) ** t for t in range(1, 9))
    assert run.valuation.value == pytest.approx(expected, rel=1e-12)
    assert run.valuation.value == pytest.approx(4.2705e9, rel=1e-4)
    p = {x.name: x for x in run.resolved.parameters}
    assert p["discount_rate"].value == pytest.approx(r)
    assert p["technology_contribution"].value == pytest.approx(0.308)
    assert p["economic_life_years"].path == "asset.economic_life_years"
    assert p["tab"].patch_value is False and p["timing"].value == "end"


def test_fractional_life_prorates_final_year() -> None:
    data = _data()
    data["framework_inputs"]["KR"]["life"]["score"] = 30  # L = 4 + 3·10/40 = 4.75
    run = value_under(_case(data), "KR")
    r = float(run.resolved.parameter("discount_rate").value)  # type: ignore[arg-type]
    cc = 0.308
    # the engine's DCF kernel counts the final 0.75 year by its fraction and discounts it at
    # the end of the life (t = 4.75), not at t = 5
    expected = (
        sum(FCF[t - 1] * cc / (1 + r) ** t for t in range(1, 5))
        + 0.75 * FCF[4] * cc / (1 + r) ** 4.75
    )
    assert run.valuation.value == pytest.approx(expected, rel=1e-12)


def test_wacc_variant_takes_refdata_tax_rate() -> None:
    data = _data()
    data["framework_inputs"]["KR"]["rate"]["kr_rate_variant"] = "wacc_tax_shield"
    res = get("KR").resolve(_case(data))
    t = res.parameter("rate_tax_rate").value
    trp = res.parameter("trp").value
    assert res.parameter("discount_rate").value == pytest.approx(
        0.06 * (1 - t) * 0.3 + (0.115 + 0.035 + trp) * 0.7
    )
    assert res.parameter("rate_tax_rate").evidence == "refdata"


def test_case_life_wins_over_model_i() -> None:
    data = _data()
    data["asset"]["economic_life_years"] = 5
    res = get("KR").resolve(_case(data))
    assert res.parameter("economic_life_years").value == 5
    assert res.parameter("model_i_life_years").value == pytest.approx(8.0)
    assert "KR_LIFE_CASE_OVERRIDES_MODEL_I" in [w.code for w in res.warnings()]


def test_cycle_time_file(tmp_path: Path) -> None:
    f = tmp_path / "ct.csv"
    f.write_text("scheme,code,n_patents,n_ages,q1,q2,q3,mean\nipc,H01M,50,300,4,7,12,7.5\n")
    data = _data()
    data["framework_inputs"]["KR"]["life"] = {
        "cycle_time_file": str(f),
        "scheme": "ipc",
        "code": "H01M",
        "score": 68,
    }
    res = get("KR").resolve(_case(data))
    assert res.parameter("economic_life_years").value == pytest.approx(8.0)
    assert "ct.csv" in res.parameter("economic_life_years").source


def _mutate(path: list[str], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(_data())
    node = data
    for k in path[:-1]:
        node = node[k]
    if value is None:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


KR = ["framework_inputs", "KR"]


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ([*KR, "rate", "kr_rate_variant"], None, "framework_inputs.KR.rate.kr_rate_variant"),
        ([*KR, "rate", "kr_rate_variant"], "average", "framework_inputs.KR.rate.kr_rate_variant"),
        ([*KR, "rate"], None, "framework_inputs.KR.rate"),
        ([*KR, "rate", "tax_rate"], 0.2, "framework_inputs.KR.rate.tax_rate"),
        ([*KR, "contribution", "approach"], "nope", "framework_inputs.KR.contribution.approach"),
        (
            [*KR, "contribution", "industry_factor"],
            1.5,
            "framework_inputs.KR.contribution.industry_factor",
        ),
        (
            [*KR, "contribution", "strength_scores", "spillover"],
            0,
            "framework_inputs.KR.contribution.strength_scores.spillover",
        ),
        ([*KR, "life", "score"], 10, "framework_inputs.KR.life.score"),
        ([*KR, "bogus"], 1, "framework_inputs.KR.bogus"),
    ],
)
def test_bad_inputs_are_named(path: list[str], value: Any, field: str) -> None:
    with pytest.raises(InputError) as e:
        get("KR").resolve(_case(_mutate(path, value)))
    assert e.value.field.startswith(field)


def test_trp_items_out_of_range_names_item() -> None:
    with pytest.raises(InputError) as e:
        get("KR").resolve(_case(_mutate([*KR, "rate", "trp_items", "profitability"], 6)))
    assert e.value.field == "framework_inputs.KR.rate.trp_items.profitability"


def test_too_few_cash_flows_for_life() -> None:
    data = _data()
    data["approaches"][0]["cash_flows"] = FCF[:5]
    with pytest.raises(InputError, match="at least 8 years"):
        get("KR").resolve(_case(data))


def test_life_from_factors_is_flagged_unconfirmed() -> None:
    data = _data()
    data["framework_inputs"]["KR"]["life"].pop("score")
    data["framework_inputs"]["KR"]["life"]["factors"] = dict.fromkeys(kr.LIFE_FACTORS, 4)
    res = get("KR").resolve(_case(data))
    # S = 2·(10·4) = 80 -> 7 + 5·20/40 = 9.5 years
    assert res.parameter("economic_life_years").value == pytest.approx(9.5)
    assert res.parameter("life_score").evidence == "U"
    assert "unconfirmed_parameter" in [w.code for w in res.warnings()]


def test_resolving_twice_does_not_apply_contribution_twice() -> None:
    once = get("KR").resolve(_case(_data()))
    twice = get("KR").resolve(once.case)
    assert twice.case.approaches[0].cash_flows == once.case.approaches[0].cash_flows
    assert ipvalue.value(twice.case).value == pytest.approx(ipvalue.value(once.case).value)


def test_technology_value_is_contribution_times_business_value() -> None:
    # cross-check: the same case valued as plain DCF of the business flows (same rate, life,
    # year end, no TAB) times CC equals the KR technology value
    run = value_under(_case(_data()), "KR")
    r = float(run.resolved.parameter("discount_rate").value)  # type: ignore[arg-type]
    data = _data()
    data["framework_inputs"] = {}
    data.pop("framework")
    data["asset"]["economic_life_years"] = 8.0
    data["approaches"][0].update({"discount_rate": r, "timing": "end", "tab": False})
    business = ipvalue.value(_case(data)).value
    assert run.valuation.value == pytest.approx(0.308 * business, rel=1e-12)


def test_industry_factor_from_user_refdata_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a KSIC factor table keyed in by the user as an override of industry_technology_factors
    from ipvalue.core.settings import get_settings

    (tmp_path / "industry_technology_factors.csv").write_text(
        "record_id,jurisdiction,factor_type,classification_system,classification_code,value,"
        "unit,source,source_date,author,reason\n"
        "KR-C28,KR,industry_technology_factor,KSIC,C28,55,%,KR guide 2021 table 3-2,2021,"
        "J. Kim,keyed in from the guide\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("IPVALUE_REFDATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        data = _data()
        contribution = data["framework_inputs"]["KR"]["contribution"]
        contribution["industry_factor"] = {"ref": "industry_technology_factors/KR-C28/value"}
        del contribution["industry_factor_source"]
        res = get("KR").resolve(_case(data))
        p = res.parameter("industry_technology_factor")
        assert p.value == pytest.approx(0.55) and p.evidence == "refdata"
        assert "KR guide 2021 table 3-2" in p.source
        assert res.parameter("technology_contribution").value == pytest.approx(0.308)
    finally:
        monkeypatch.delenv("IPVALUE_REFDATA_DIR")
        get_settings.cache_clear()


def test_numeric_industry_factor_needs_source() -> None:
    data = _data()
    del data["framework_inputs"]["KR"]["contribution"]["industry_factor_source"]
    with pytest.raises(InputError) as e:
        get("KR").resolve(_case(data))
    assert e.value.field == "framework_inputs.KR.contribution.industry_factor_source"


def test_public_api_resolves_the_kr_case() -> None:
    # ipvalue.value / `ipvalue value` on the example: the engine resolves the KR framework
    direct = ipvalue.value(_case(_data())).value
    assert direct == pytest.approx(value_under(_case(_data()), "KR").valuation.value, rel=1e-12)
    assert direct == pytest.approx(4.2705e9, rel=1e-4)


def test_cycle_time_file_is_relative_to_the_case_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    folder = tmp_path / "cases" / "kr"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "ct.csv").write_text(
        "scheme,code,n_patents,n_ages,q1,q2,q3,mean\nipc,H01M,50,300,4,7,12,7.5\n"
    )
    data = _data()
    data["framework_inputs"]["KR"]["life"] = {
        "cycle_time_file": "data/ct.csv",
        "scheme": "ipc",
        "code": "H01M",
        "score": 68,
    }
    case_file = folder / "case.yaml"
    case_file.write_text(yaml.safe_dump(data, allow_unicode=True))
    monkeypatch.chdir(tmp_path)  # neither the case folder nor the data folder
    res = get("KR").resolve(ipvalue.load_case(Path("cases/kr/case.yaml")))
    # Q2 + (Q3 − Q2)·(68 − 60)/40 = 7 + 5·0.2 = 8.0
    assert res.parameter("economic_life_years").value == pytest.approx(8.0)
    # an absolute path is kept as given
    data["framework_inputs"]["KR"]["life"]["cycle_time_file"] = str(folder / "data" / "ct.csv")
    case_file.write_text(yaml.safe_dump(data, allow_unicode=True))
    res = get("KR").resolve(ipvalue.load_case(case_file))
    assert res.parameter("economic_life_years").value == pytest.approx(8.0)
    # a missing file names the full field and the anchored path
    data["framework_inputs"]["KR"]["life"]["cycle_time_file"] = "nope.csv"
    case_file.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(InputError) as exc:
        get("KR").resolve(ipvalue.load_case(case_file))
    assert exc.value.field == "framework_inputs.KR.life.cycle_time_file"
    assert str(folder / "nope.csv") in exc.value.rule


def test_strength_weights_from_the_enterprise_profile() -> None:
    from ipvalue.frameworks._kr_contribution import STRENGTH_ITEMS

    data = _data()
    contribution = data["framework_inputs"]["KR"]["contribution"]
    del contribution["strength_weights"]
    scores = contribution["strength_scores"]
    # profile: all the weight on the first two items (the rest 0): strength = (s1 + s2)/(5·2)
    first, second = list(STRENGTH_ITEMS)[:2]
    w = {k: 0.0 for k in STRENGTH_ITEMS} | {first: 0.5, second: 0.5}
    data["profile"] = {
        "name": "TB lending",
        "rationale": "rights-heavy policy",
        "indicator_weights": {"kr_strength": w},
    }
    res = get("KR").resolve(_case(data))
    st = res.parameter("individual_technology_strength")
    assert st.value == pytest.approx((scores[first] + scores[second]) / 10, rel=1e-12)
    assert "TB lending" in st.source and "rights-heavy policy" in st.source
    del data["profile"]
    with pytest.raises(InputError) as exc:
        get("KR").resolve(_case(data))
    assert exc.value.field == "framework_inputs.KR.contribution.strength_weights"
    data["profile"] = {
        "name": "x",
        "rationale": "y",
        "indicator_weights": {"kr_strength": {first: 1.0}},
    }
    with pytest.raises(InputError) as bad:
        get("KR").resolve(_case(data))
    assert bad.value.field.startswith("profile.indicator_weights.kr_strength")
