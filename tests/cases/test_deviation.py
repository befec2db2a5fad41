"""Robust deviation against similar cases: median/MAD with IQR fallback, by hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipvalue.cases import Peer, deviation_findings, robust_spread


def peers(*rates: float) -> list[Peer]:
    return [Peer(i + 1, 1, f"case {i + 1}", {"royalty_rate": r}) for i, r in enumerate(rates)]


def test_mad_by_hand() -> None:
    # median 0.03; |dev| = .01 0 0 .01 .02 → MAD .01 → σ̂ = 1.4826 × .01
    s = robust_spread([0.02, 0.03, 0.03, 0.04, 0.05])
    assert (s.median, s.method) == (0.03, "mad")
    assert s.scale == pytest.approx(0.014826)


def test_iqr_fallback_by_hand() -> None:
    # MAD = 0 (three of five equal); q1 = .03, q3 = .04 → σ̂ = .01 / 1.349
    s = robust_spread([0.03, 0.03, 0.03, 0.04, 0.05])
    assert s.method == "iqr" and s.scale == pytest.approx(0.01 / 1.349)


def test_deviation_flags_and_names_the_cases_compared() -> None:
    ps = peers(0.02, 0.03, 0.03, 0.04, 0.05)
    (f,) = deviation_findings({"royalty_rate": 0.08}, ps, threshold=3.0, min_peers=5)
    # z = (0.08 − 0.03) / 0.014826 = 3.3725
    assert f.code == "Q-DEV-ROYALTY_RATE" and f.severity == "warning"
    assert f.detail["z"] == pytest.approx(0.05 / 0.014826)
    assert "#1v1, #2v1, #3v1, #4v1, #5v1" in f.message
    assert [p["case"] for p in f.detail["peers"]] == ["#1v1", "#2v1", "#3v1", "#4v1", "#5v1"]
    # z = 0.04 / 0.014826 = 2.698 < 3: no warning
    assert deviation_findings({"royalty_rate": 0.07}, ps, threshold=3.0, min_peers=5) == []
    # a lower threshold (an organisation setting) flags it
    assert len(deviation_findings({"royalty_rate": 0.07}, ps, threshold=2.5, min_peers=5)) == 1


def test_identical_peers_flag_any_difference_without_z() -> None:
    ps = peers(0.03, 0.03, 0.03, 0.03, 0.03)
    (f,) = deviation_findings({"royalty_rate": 0.031}, ps, threshold=3.0, min_peers=5)
    assert f.detail["z"] is None and f.detail["method"] == "none"
    assert deviation_findings({"royalty_rate": 0.03}, ps, threshold=3.0, min_peers=5) == []


def test_too_few_peers_is_an_info_and_missing_parameter_skipped() -> None:
    ps = peers(0.02, 0.03, 0.04, 0.05)
    (f,) = deviation_findings({"royalty_rate": 0.9, "growth": None}, ps, threshold=3.0, min_peers=5)
    assert (f.code, f.severity, f.field) == ("Q-DEV-000", "info", "royalty_rate")


@given(st.lists(st.floats(0.001, 0.5), min_size=5, max_size=40), st.floats(0.001, 0.5))
def test_value_at_the_median_never_deviates(values: list[float], _x: float) -> None:
    med = robust_spread(values).median
    ps = [Peer(i, 1, "", {"royalty_rate": v}) for i, v in enumerate(values)]
    assert deviation_findings({"royalty_rate": med}, ps, threshold=3.0, min_peers=5) == []
