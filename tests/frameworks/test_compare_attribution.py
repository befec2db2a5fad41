"""Cross-border comparison: exact Shapley attribution, order independence, clean errors."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest
from _ivs_cases import make_case, two_approaches
from hypothesis import given, settings
from hypothesis import strategies as st

from ipvalue.core.errors import InputError
from ipvalue.frameworks._shapley import coalitions, shapley
from ipvalue.frameworks.compare import compare, parse_codes
from ipvalue.model.case import ValuationCase
from ipvalue.refdata import lookup

# -- Shapley core -----------------------------------------------------------------------------


def test_shapley_hand_example() -> None:
    """v(S) = Σ a_i + 6·[x, y ∈ S]: the interaction 6 is split equally between x and y."""
    a = {"x": 1.0, "y": 2.0, "z": 4.0}

    def v(s: frozenset[str]) -> float:
        return sum(a[i] for i in s) + (6.0 if {"x", "y"} <= s else 0.0)

    phi = shapley(["x", "y", "z"], v)
    assert phi == pytest.approx({"x": 1.0 + 3.0, "y": 2.0 + 3.0, "z": 4.0})


def test_shapley_product_two_factors() -> None:
    """V = r_factor · fx: A = (2, 3) → B = (4, 5). v(∅)=6, v(r)=12, v(fx)=10, v(both)=20.
    φ_r = ½(12 − 6) + ½(20 − 10) = 8; φ_fx = ½(10 − 6) + ½(20 − 12) = 6; 8 + 6 = 20 − 6."""
    vals = {
        frozenset(): 6.0,
        frozenset({"r"}): 12.0,
        frozenset({"fx"}): 10.0,
        frozenset({"r", "fx"}): 20.0,
    }
    phi = shapley(["r", "fx"], lambda s: vals[s])
    assert phi == {"r": 8.0, "fx": 6.0}


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=1, max_value=7).flatmap(
        lambda k: st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2**k, max_size=2**k).map(
            lambda xs: (k, xs)
        )
    )
)
def test_efficiency_property(data: tuple[int, list[float]]) -> None:
    k, xs = data
    players = [f"f{i}" for i in range(k)]
    table = dict(zip(coalitions(players), xs, strict=True))
    phi = shapley(players, table.__getitem__)
    total = table[frozenset(players)] - table[frozenset()]
    assert math.fsum(phi.values()) == pytest.approx(total, abs=1e-6 * (1 + max(map(abs, xs))))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-100, 100, allow_nan=False), min_size=3, max_size=3))
def test_null_player_and_symmetry(w: list[float]) -> None:
    """z never matters → φ_z = 0; x and y enter symmetrically → φ_x = φ_y."""

    def v(s: frozenset[str]) -> float:
        n = len(s & {"x", "y"})
        return w[0] * n + w[1] * (n == 2) + w[2]

    phi = shapley(["x", "y", "z"], v)
    assert phi["z"] == 0.0
    assert phi["x"] == pytest.approx(phi["y"], abs=1e-12)


def test_shapley_limits() -> None:
    with pytest.raises(InputError, match="at most 7"):
        shapley([str(i) for i in range(8)], lambda s: 0.0)
    with pytest.raises(InputError, match="unique"):
        shapley(["a", "a"], lambda s: 0.0)


# -- compare with a fast closed-form evaluator ------------------------------------------------


def closed_form(case: ValuationCase) -> float:
    """A nonlinear stand-in for the engine: Σ_i w_i · 1000·(1 − T_i)/(1 + r_i)² · TAB_i."""
    total = 0.0
    aps = case.approaches
    for a in aps:
        r = float(getattr(a, "discount_rate", None) or 0.1)
        t = getattr(a, "tax_rate", None)
        tax = lookup(t.ref).as_float() if t is not None and hasattr(t, "ref") else float(t or 0.0)
        tab_in = getattr(a, "tab", None)
        years = (tab_in.period_years or 1 / tab_in.declining_rate) if tab_in else 0.0
        tab = 1.0 + 0.01 * years
        w = a.weight if a.weight is not None else 1.0 / len(aps)
        total += float(w) * 1000 * (1 - tax) / (1 + r) ** 2 * tab
    return total


CODES = ["SG", "HK", "IN", "AU", "IVS"]


def _as_tuple(cmp: object) -> object:
    d = cmp.to_json_dict()  # type: ignore[attr-defined]
    return (
        sorted((v["framework"], v["value"]) for v in d["values"]),
        sorted((a["framework"], sorted(a["contributions"].items())) for a in d["attributions"]),
    )


def test_attribution_adds_up_and_matches_values() -> None:
    cmp = compare(two_approaches(), CODES, evaluate=closed_form)
    base = cmp.value_of("IVS").value
    assert base is not None
    for a in cmp.attributions:
        v = cmp.value_of(a.code).value
        assert v is not None
        assert a.difference == pytest.approx(v - base, rel=1e-13, abs=1e-12)
        assert math.fsum(a.contributions.values()) == pytest.approx(a.difference, abs=1e-10)
        assert abs(a.residual) <= 1e-10
    au = cmp.attribution_of("AU")
    assert au.contributions["discount_rate"] != 0 and au.contributions["tax_tab"] != 0
    assert au.contributions["income"] == 0.0 and au.contributions["fx"] == 0.0


def test_order_of_jurisdictions_does_not_change_the_result() -> None:
    case = two_approaches()
    ref = _as_tuple(compare(case, CODES, evaluate=closed_form))
    for perm in itertools.islice(itertools.permutations(["SG", "HK", "IN", "AU"]), 0, 24, 5):
        assert _as_tuple(compare(case, list(perm), evaluate=closed_form)) == ref


def test_fx_factor_when_a_valuer_converts_at_its_own_rate() -> None:
    case = make_case(
        currency="USD",
        framework_inputs={"common": {"asset_risk_premium": 0.06}, "SG": {"fx_rate": 1.30}},
    )
    cmp = compare(case, ["SG"], currency="USD", evaluate=closed_form)
    sg = cmp.value_of("SG")
    assert sg.fx is not None
    # USD → SGD at the valuer's 1.30, SGD → USD at the ECB rate of the valuation date
    # 2025-06-30 (SGD 1.4941, USD 1.172 per EUR): 1.30 / (1.4941 / 1.172) = 1.0197443…
    assert sg.fx.rate == pytest.approx(1.30 / (1.4941 / 1.172), rel=1e-12)
    assert sg.fx.rate == pytest.approx(1.0197443, rel=1e-7)
    assert sg.fx.source_date == "2025-06-30" and sg.fx.note is None  # same day: no gap
    assert cmp.attribution_of("SG").contributions["fx"] != 0.0


def test_a_failing_framework_is_reported_not_fatal() -> None:
    case = make_case(framework_inputs={"common": {"asset_risk_premium": 0.06}, "IN": {"bogus": 1}})
    cmp = compare(case, ["SG", "IN"], evaluate=closed_form)
    assert cmp.value_of("IN").value is None
    assert "framework_inputs.IN.bogus" in (cmp.value_of("IN").error or "")
    assert [a.code for a in cmp.attributions] == ["SG"]


@pytest.mark.parametrize(
    ("kw", "field", "rule"),
    [
        ({"codes": "SG,XX"}, "--jurisdictions", "unknown jurisdiction 'XX'"),
        ({"codes": "SG,sg"}, "--jurisdictions", "listed twice"),
        ({"codes": " , "}, "--jurisdictions", "at least one"),
        ({"codes": "SG", "currency": "US"}, "--currency", "ISO 4217"),
        ({"codes": "SG", "baseline": "ZZ"}, "--baseline", "unknown jurisdiction"),
    ],
)
def test_bad_compare_input(kw: dict[str, Any], field: str, rule: str) -> None:
    with pytest.raises(InputError, match=rule) as exc:
        compare(make_case(), evaluate=closed_form, **kw)
    assert exc.value.field == field


def test_baseline_that_cannot_be_valued() -> None:
    with pytest.raises(InputError, match="baseline IVS") as exc:
        compare(make_case(framework_inputs={}), "SG", evaluate=closed_form)
    assert exc.value.field == "framework_inputs.IVS.asset_risk_premium"


def test_parse_codes_keeps_order() -> None:
    assert parse_codes("kr, sg,IVS") == ["KR", "SG", "IVS"]


# -- with the engine ---------------------------------------------------------------------------


def test_compare_with_engine_sums_exactly() -> None:
    cmp = compare(make_case(), ["SG", "AU", "IN"], currency="USD")
    for a in cmp.attributions:
        assert math.fsum(a.contributions.values()) + a.residual == a.difference
        assert abs(a.residual) <= 1e-12 * max(1.0, abs(a.difference))
    sg = cmp.value_of("SG")
    assert sg.valuation is not None and sg.value == pytest.approx(
        sg.valuation.value * sg.fx.rate  # type: ignore[union-attr]
    )


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.floats(0.0, 0.2, allow_nan=False), min_size=5, max_size=5),
    st.sampled_from(["transaction", "licensing", "collateral", "financial_reporting"]),
    st.permutations(["SG", "HK", "IN", "AU"]),
)
def test_attribution_sums_exactly_for_any_inputs(
    premia: list[float], purpose: str, order: list[str]
) -> None:
    """Random per-framework asset premia and purposes: parts always add up to the gap."""
    inputs: dict[str, Any] = {"common": {"asset_risk_premium": 0.05}}
    for code, p in zip(["IVS", *order], premia, strict=True):
        inputs[code] = {"asset_risk_premium": p}
    case = two_approaches(purpose=purpose, framework_inputs=inputs)
    cmp = compare(case, order, evaluate=closed_form)
    base = cmp.value_of("IVS").value
    for a in cmp.attributions:
        v = cmp.value_of(a.code).value
        assert v is not None and base is not None
        assert math.fsum(a.contributions.values()) + a.residual == a.difference
        assert a.difference == pytest.approx(v - base, rel=1e-12, abs=1e-9)
        assert abs(a.residual) <= 1e-9


def test_attribution_failure_is_reported_per_framework() -> None:
    """An evaluator that refuses one mixed parameter set (HK's TAB with IVS's rate)."""

    def picky(case: ValuationCase) -> float:
        a = case.approaches[0]
        tab = getattr(a, "tab", None)
        if (
            tab
            and tab.period_years == 1
            and getattr(a, "discount_rate", None) == pytest.approx(0.13609)
        ):
            raise InputError("approaches.0.tab", "refused in this test")
        return closed_form(case)

    cmp = compare(make_case(), ["HK", "SG"], evaluate=picky)
    hk = cmp.value_of("HK")
    assert hk.value is not None and "attribution failed" in (hk.error or "")
    assert [a.code for a in cmp.attributions] == ["SG"]
