"""Enterprise adjustment profiles: validation, arithmetic, and their trace in a valuation."""

from __future__ import annotations

from pathlib import Path

import pytest
from _ivs_cases import make_case, two_approaches

from ipvalue.core.errors import InputError
from ipvalue.frameworks._valuate import value_under
from ipvalue.frameworks.profiles import (
    Profile,
    adjust_value,
    family_weights_to_approaches,
    load_profile,
    parse_profile,
    weighted_score,
)

BASE = {"name": "Acme", "rationale": "credit policy 2025"}


def test_adjust_value_multiplies_every_coefficient() -> None:
    p = parse_profile({**BASE, "coefficients": {"market_position": 1.1, "liquidity": 0.8}})
    adj = adjust_value(1000.0, p)
    assert adj.factor == pytest.approx(1.1 * 0.8)
    assert adj.value_after == pytest.approx(880.0)
    assert adj.coefficients == (("liquidity", 0.8), ("market_position", 1.1))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "x"}, "profile.rationale"),
        ({**BASE, "method_weights": {"income": 0.7, "market": 0.2}}, "profile.method_weights"),
        ({**BASE, "method_weights": {"income": 1.2, "market": -0.2}}, "profile.method_weights"),
        ({**BASE, "coefficients": {"x": 0.0}}, "profile.coefficients"),
        ({**BASE, "coefficients": {"x": float("nan")}}, "profile.coefficients"),
        (
            {**BASE, "indicator_weights": {"smart": {"a": 0.5, "b": 0.4}}},
            "profile.indicator_weights",
        ),
        ({**BASE, "unknown": 1}, "profile.unknown"),
    ],
)
def test_bad_profiles(data: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as exc:
        parse_profile(data)
    assert exc.value.field == field


def test_family_weights_hand_computed() -> None:
    # income 0.6 shared by two income approaches, cost 0.1; market absent → /0.7
    w = family_weights_to_approaches(
        ["income", "income", "cost"], {"income": 0.6, "market": 0.3, "cost": 0.1}, "f"
    )
    assert w == pytest.approx([0.3 / 0.7, 0.3 / 0.7, 0.1 / 0.7])
    assert sum(w) == 1.0
    with pytest.raises(InputError, match="families present"):
        family_weights_to_approaches(["cost"], {"income": 1.0}, "f")


def test_weighted_score() -> None:
    p = parse_profile(
        {**BASE, "indicator_weights": {"t": {"legal": 0.5, "tech": 0.3, "econ": 0.2}}}
    )
    # 0.5·4 + 0.3·3 + 0.2·5 = 2 + 0.9 + 1 = 3.9
    assert weighted_score({"legal": 4, "tech": 3, "econ": 5}, p, "t") == pytest.approx(3.9)
    with pytest.raises(InputError, match="no weights"):
        weighted_score({"legal": 4}, p, "other")
    with pytest.raises(InputError, match="must match"):
        weighted_score({"legal": 4}, p, "t")


def test_load_profile_file(tmp_path: Path) -> None:
    f = tmp_path / "org.yaml"
    f.write_text(
        "name: Bank A\nscope: organisation\nrationale: r\ncoefficients: {haircut: 0.7}\n",
        encoding="utf-8",
    )
    p = load_profile(f)
    assert p.scope == "organisation" and p.factor == 0.7
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Bank A\nrationale: r\ncoefficients: {haircut: -1}\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_profile(bad)
    assert exc.value.field == f"{bad}.coefficients"
    with pytest.raises(InputError, match="not found"):
        load_profile(tmp_path / "missing.yaml")
    lst = tmp_path / "list.yaml"
    lst.write_text("- 1\n", encoding="utf-8")
    with pytest.raises(InputError, match="mapping"):
        load_profile(lst)


def test_profile_method_weights_replace_framework_defaults() -> None:
    from ipvalue.frameworks import get
    from ipvalue.frameworks._valuate import with_profile_weights

    case = two_approaches()
    prof = parse_profile({**BASE, "method_weights": {"income": 0.5, "market": 0.5}})
    rc = with_profile_weights(get("SG").resolve(case), case, prof)
    assert [rc.patches()[f"approaches.{i}.weight"] for i in range(3)] == pytest.approx(
        [0.25, 0.25, 0.5]
    )
    assert rc.parameter("weight").evidence == "input"
    assert "Acme" in rc.parameter("weight").source
    assert [a.weight for a in rc.case.approaches] == pytest.approx([0.25, 0.25, 0.5])


def test_inline_profile_coefficients_with_trace() -> None:
    profile = {**BASE, "coefficients": {"market_position": 0.9}}
    plain = value_under(make_case(), "SG")
    run = value_under(make_case(profile=profile), "SG")
    steps = [s.step for s in run.valuation.trace]
    assert steps[0] == "framework_resolution" and steps[-1] == "profile_adjustment"
    detail = run.valuation.trace[-1].detail
    assert detail["coefficient.market_position"] == 0.9
    assert detail["value_before"] == pytest.approx(plain.valuation.value, rel=1e-15)
    assert run.valuation.value == pytest.approx(plain.valuation.value * 0.9, rel=1e-15)
    assert run.valuation.range.low == pytest.approx(plain.valuation.range.low * 0.9)
    names = {a.name for a in run.valuation.assumptions}
    assert "profile.coefficients.market_position" in names


def test_case_weights_beat_profile_weights() -> None:
    case = make_case(profile={**BASE, "method_weights": {"income": 1.0}})
    run = value_under(case, "SG")
    assert [a.weight for a in run.valuation.approaches] == [1.0]
    assert isinstance(run.profile, Profile)


def test_organisation_profile_from_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """IPVALUE_PROFILE_FILE applies to a plain `ipvalue value` (no framework named)."""
    import ipvalue
    from ipvalue.core.settings import get_settings

    f = tmp_path / "org.yaml"
    f.write_text(
        "name: Bank A\nscope: organisation\nrationale: haircut policy\n"
        "coefficients: {haircut: 0.6}\n",
        encoding="utf-8",
    )
    case = make_case(
        approaches=[
            {
                "method": "relief_from_royalty",
                "revenue": [100.0],
                "royalty_rate": 0.05,
                "discount_rate": 0.1,
                "tab": False,
                "timing": "end",
                "tax_rate": 0.2,
            }
        ]
    )
    plain = ipvalue.value(case)
    monkeypatch.setenv("IPVALUE_PROFILE_FILE", str(f))
    get_settings.cache_clear()
    try:
        adjusted = ipvalue.value(case)
    finally:
        monkeypatch.delenv("IPVALUE_PROFILE_FILE")
        get_settings.cache_clear()
    # 100 · 0.05 · (1 − 0.2) / 1.1 = 3.636…; × 0.6
    assert plain.value == pytest.approx(100 * 0.05 * 0.8 / 1.1, rel=1e-12)
    assert adjusted.value == pytest.approx(plain.value * 0.6, rel=1e-15)
    assert adjusted.trace[-1].step == "profile_adjustment"
