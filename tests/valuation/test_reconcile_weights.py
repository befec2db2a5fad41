"""Reconciliation: weights, defaults by purpose, range, divergence (and a hypothesis property)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipvalue.valuation.reconcile import (
    DEFAULT_FAMILY_WEIGHTS,
    default_weights,
    divergences,
    reconcile,
)


def test_given_weights() -> None:
    r = reconcile(
        {"a": 100.0, "b": 200.0},
        {"a": "income", "b": "market"},
        purpose="transaction",
        threshold=0.15,
        weights={"a": 0.25, "b": 0.75},
    )
    assert r.value == pytest.approx(0.25 * 100 + 0.75 * 200)
    assert (r.low, r.high) == (100.0, 200.0)
    assert r.weight_source == "case file"


def test_default_weights_renormalise_over_families_present() -> None:
    # collateral: income 0.4, market 0.4, cost 0.2; only income and cost present → 2/3, 1/3;
    # two income methods share the income weight equally.
    w, fallback = default_weights({"r": "income", "d": "income", "c": "cost"}, "collateral")
    assert w == pytest.approx({"r": 1 / 3, "d": 1 / 3, "c": 1 / 3})
    assert not fallback
    w, _ = default_weights({"r": "income", "c": "cost"}, "collateral")
    assert w == pytest.approx({"r": 2 / 3, "c": 1 / 3})


def test_default_weights_fallback_when_all_zero() -> None:
    w, fallback = default_weights({"o": "option", "c": "cost"}, "licensing")
    assert fallback and w == {"o": 0.5, "c": 0.5}


def test_every_purpose_has_weights_summing_to_one() -> None:
    for purpose, fam in DEFAULT_FAMILY_WEIGHTS.items():
        assert sum(fam.values()) == pytest.approx(1.0), purpose


def test_divergence_names_pair_and_size() -> None:
    d = divergences({"rfr": 130.0, "market": 100.0, "cost": 105.0}, 0.15)
    assert [(x.a, x.b) for x in d] == [("rfr", "market"), ("rfr", "cost")]
    assert d[0].relative == pytest.approx(0.3)
    assert "rfr (130.00) is 30.0% above market (100.00)" in d[0].message
    assert divergences({"a": 100.0, "b": 114.0}, 0.15) == ()


def test_zero_weight_approach_outside_range() -> None:
    r = reconcile(
        {"a": 100.0, "b": 900.0}, {"a": "income", "b": "cost"}, purpose="licensing", threshold=0.15
    )
    assert r.weights == {"a": 1.0, "b": 0.0}
    assert (r.low, r.high) == (100.0, 100.0) and r.value == 100.0


@given(
    st.lists(st.floats(min_value=-1e9, max_value=1e12, allow_nan=False), min_size=1, max_size=6),
    st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=6, max_size=6),
)
def test_concluded_value_lies_within_approaches_range(
    values: list[float], raw: list[float]
) -> None:
    names = [f"m{i}" for i in range(len(values))]
    w = raw[: len(values)]
    total = sum(w)
    weights = (
        {n: x / total for n, x in zip(names, w, strict=True)}
        if total > 0
        else {n: 1 / len(names) for n in names}
    )
    r = reconcile(
        dict(zip(names, values, strict=True)),
        dict.fromkeys(names, "income"),
        purpose="tax",
        threshold=0.15,
        weights=weights,
    )
    assert r.low <= r.value <= r.high
