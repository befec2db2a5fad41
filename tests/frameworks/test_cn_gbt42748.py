"""GB/T 42748 indicator tree: shipped configuration, scenarios, weights, bad configurations."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipvalue.core.errors import InputError
from ipvalue.frameworks import cn
from ipvalue.frameworks._scoring_tree import evaluate_tree

CFG = cn.load_gbt42748_config()
LEAVES = {d: list(CFG.dimensions[d]["indicators"]) for d in cn.GBT_DIMENSIONS}


def _scores(legal: float, technical: float, economic: float) -> dict[str, float]:
    by_dim = {"legal": legal, "technical": technical, "economic": economic}
    return {i: by_dim[d] for d, inds in LEAVES.items() for i in inds}


def test_shipped_config_shape_and_labels() -> None:
    assert CFG.config_id == "ipvalue-gbt42748" and CFG.version == "1"
    assert set(CFG.dimensions) == {"legal", "technical", "economic"}
    assert set(CFG.scenarios) == set(cn.GBT_SCENARIOS)
    assert not CFG.standard_names and not CFG.standard_weights


def test_equal_weights_total() -> None:
    # equal dimension weights: (90 + 60 + 30)/3 = 60
    res = cn.gbt42748_score(_scores(90, 60, 30), scenario="finance")
    assert res.total == pytest.approx(60.0)
    assert res.dimensions == pytest.approx({"legal": 90, "technical": 60, "economic": 30})
    codes = {w.code for w in res.warnings}
    assert codes == {"GBT42748_NAMES_NOT_STANDARD", "GBT42748_WEIGHTS_NOT_STANDARD"}


def test_indicator_level_mean() -> None:
    # legal has 7 indicators: one at 100, six at 30 -> (100 + 180)/7 = 40
    s = _scores(30, 50, 50)
    s["stability"] = 100
    res = cn.gbt42748_score(s, scenario="licensing_transfer")
    assert res.dimensions["legal"] == pytest.approx(280 / 7)
    assert res.total == pytest.approx((280 / 7 + 50 + 50) / 3)


def test_weight_override_by_user() -> None:
    # 0.5·90 + 0.3·60 + 0.2·30 = 45 + 18 + 6 = 69
    w = {"dimension_weights": {"legal": 0.5, "technical": 0.3, "economic": 0.2}}
    res = cn.gbt42748_score(_scores(90, 60, 30), scenario="infringement", weights=w)
    assert res.total == pytest.approx(69.0)
    assert "GBT42748_WEIGHTS_NOT_STANDARD" not in {x.code for x in res.warnings}
    assert res.assumptions[1].evidence == "input"


def test_indicator_weight_override() -> None:
    iw = dict.fromkeys(LEAVES["economic"], 0.0)
    iw["market_size"] = 1.0
    s = _scores(50, 50, 10)
    s["market_size"] = 100
    res = cn.gbt42748_score(
        s,
        scenario="other",
        weights={"indicator_weights": {"legal": "equal", "technical": "equal", "economic": iw}},
    )
    assert res.dimensions["economic"] == pytest.approx(100.0)


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        ({"dimension_weights": {"legal": 0.5, "technical": 0.3, "economic": 0.3}}, "sum to 1"),
        ({"dimension_weights": {"legal": 0.5, "technical": 0.5}}, "a weight for each"),
        ({"indicator_weights": {"legal": "equal"}}, "technical"),
        ({"bogus": 1}, "unknown key"),
    ],
)
def test_bad_weights(weights: dict[str, object], match: str) -> None:
    with pytest.raises(InputError, match=match):
        cn.gbt42748_score(_scores(1, 1, 1), scenario="finance", weights=weights)


def test_bad_scores_and_scenario() -> None:
    s = _scores(50, 50, 50)
    with pytest.raises(InputError, match="must be one of"):
        cn.gbt42748_score(s, scenario="tax")
    with pytest.raises(InputError) as e:
        cn.gbt42748_score({**s, "maturity": 120}, scenario="finance")
    assert e.value.field == "gbt42748.scores.maturity"
    del s["policy_fit"]
    with pytest.raises(InputError, match="policy_fit"):
        cn.gbt42748_score(s, scenario="finance")


def test_three_level_config_and_shape_rules(tmp_path: Path) -> None:
    text = CFG_TEXT.replace("SUBLEGAL", "")
    p = tmp_path / "cfg.yaml"
    p.write_text(text, encoding="utf-8")
    cfg = cn.load_gbt42748_config(p)
    scores = {"claims": 80, "validity": 40, "term": 60, "t1": 50, "e1": 20}
    res = cn.gbt42748_score(scores, scenario="finance", config=cfg)
    # legal: 0.5·(0.75·80 + 0.25·40) + 0.5·60 = 0.5·70 + 30 = 65
    assert res.dimensions["legal"] == pytest.approx(65.0)
    # finance: 0.5·65 + 0.25·50 + 0.25·20 = 32.5 + 12.5 + 5 = 50
    assert res.total == pytest.approx(50.0)
    assert not res.warnings  # declares the standard's names and weights
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        text.replace("  economic:\n    label: e\n", "  finance_value:\n    label: e\n", 1),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="exactly legal, technical, economic"):
        cn.load_gbt42748_config(bad)
    with pytest.raises(InputError, match="cannot read"):
        cn.load_gbt42748_config(tmp_path / "missing.yaml")


@settings(max_examples=30)
@given(st.lists(st.floats(0, 100), min_size=18, max_size=18))
def test_total_equals_leaf_weighted_sum(values: list[float]) -> None:
    leaves = [i for d in cn.GBT_DIMENSIONS for i in LEAVES[d]]
    scores = dict(zip(leaves, values, strict=True))
    root = cn.gbt42748_tree(CFG, "management")
    tree = evaluate_tree(root, scores, scale=(0, 100), path="t")
    assert sum(tree.leaf_weights.values()) == pytest.approx(1.0)
    assert tree.total == pytest.approx(sum(tree.leaf_weights[k] * scores[k] for k in scores))
    assert min(values) - 1e-9 <= tree.total <= max(values) + 1e-9


CFG_TEXT = """
config_id: test
version: "2"
names_source: test
weights_source: test
standard_names: true
standard_weights: true
dimensions:
  legal:
    label: l
    indicators:
      scope: {label: scope, sub: {claims: c, validity: v}}
      term: t
  technical:
    label: t
    indicators: {t1: a}
  economic:
    label: e
    indicators: {e1: b}
scenarios:
""" + "".join(
    f"  {s}:\n    dimension_weights: {{legal: 0.5, technical: 0.25, economic: 0.25}}\n"
    "    indicator_weights:\n      legal: equal\n      technical: equal\n      economic: equal\n"
    "      scope: {claims: 0.75, validity: 0.25}\n"
    for s in (
        "licensing_transfer",
        "finance",
        "financial_reporting",
        "infringement",
        "management",
        "other",
    )
)
