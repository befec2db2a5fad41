"""Portfolio: stacked kernel calls equal a loop of single-asset valuations, exactly."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from ipvalue import load_case, value
from ipvalue.model.portfolio import PortfolioCase
from ipvalue.valuation.portfolio import asset_case


def _portfolio(n: int, seed: int = 5, synergy: float | None = None) -> Any:
    rng = np.random.default_rng(seed)
    assets = []
    for i in range(n):
        approaches: list[dict[str, Any]] = [
            {
                "method": "relief_from_royalty",
                "revenue": rng.uniform(1e5, 1e7, 4).tolist(),
                "royalty_rate": float(rng.uniform(0.01, 0.08)),
                "tax_rate": 0.24,
                "discount_rate": float(rng.uniform(0.08, 0.2)),
                "tab": {"period_years": 15},
            }
        ]
        if i % 3 == 0:  # a second structure: cost with different obsolescence
            approaches.append(
                {
                    "method": "cost",
                    "basis": "replacement",
                    "direct_cost": float(rng.uniform(1e5, 1e6)),
                    "obsolescence": {"functional": float(rng.uniform(0, 0.5))},
                }
            )
        assets.append(
            {
                "asset": {
                    "id": f"A{i}",
                    "type": "patent",
                    "name": f"p{i}",
                    "remaining_legal_term_years": float(rng.uniform(2, 10)),
                },
                "approaches": approaches,
            }
        )
    doc: dict[str, Any] = {
        "id": "pf",
        "title": "pf",
        "purpose": "transaction",
        "valuation_date": "2025-01-01",
        "currency": "USD",
        "conventions": {"timing": "mid"},
        "assets": assets,
    }
    if synergy is not None:
        doc["synergy"] = {"rate": synergy, "rationale": "test"}
    return load_case(doc)


def test_portfolio_equals_loop_of_single_assets_exactly() -> None:
    pf = _portfolio(30)
    result = value(pf)
    singles = [value(asset_case(pf, i)) for i in range(30)]
    assert [a.value for a in result.assets] == [s.value for s in singles]
    assert [[x.value for x in a.approaches] for a in result.assets] == [
        [x.value for x in s.approaches] for s in singles
    ]
    kernel_calls = [t for t in result.trace if t.step == "kernel_call"]
    # one call per group
    assert sorted(int(str(t.detail["assets"])) for t in kernel_calls) == [10, 30]


def test_synergy_adjusts_total() -> None:
    pf = _portfolio(4, synergy=-0.1)
    v = value(pf)
    subtotal = sum(a.value for a in v.assets)
    assert v.value == pytest.approx(subtotal * 0.9, rel=1e-15)
    assert v.synergy == pytest.approx(-0.1 * subtotal, rel=1e-15)
    assert v.range.low <= v.value <= v.range.high


def test_portfolio_error_names_the_asset(run_cli: Any, tmp_path: Any) -> None:
    import json

    pf = _portfolio(3).model_dump(mode="json", exclude_none=True)
    del pf["assets"][2]["approaches"][0]["discount_rate"]
    f = tmp_path / "pf.json"
    f.write_text(json.dumps(pf))
    code, _, err = run_cli("value", f)
    assert code == 2 and "assets.2.approaches.0.discount_rate" in err


def test_duplicate_asset_ids_refused(run_cli: Any, tmp_path: Any) -> None:
    import json

    pf = _portfolio(2).model_dump(mode="json", exclude_none=True)
    pf["assets"][1]["asset"]["id"] = "A0"
    f = tmp_path / "pf.json"
    f.write_text(json.dumps(pf))
    code, _, err = run_cli("value", f)
    assert code == 2 and "assets.1.asset.id" in err


def test_portfolio_reports_terminal_value_warnings_like_single_assets() -> None:
    from pathlib import Path

    pf = load_case(Path(__file__).resolve().parents[2] / "examples" / "portfolio_patents.yaml")
    assert isinstance(pf, PortfolioCase)
    v = value(pf)
    single = value(asset_case(pf, 3))  # the trademark with a terminal value
    assert {w.code for w in single.warnings} >= {"terminal_value_share"}
    assert any(
        w.code == "terminal_value_share" and w.message.startswith("SG-TM-001") for w in v.warnings
    )


def test_columnar_results_read_and_serialise_like_tuples() -> None:
    pf = _portfolio(6)
    result = value(pf)
    one_by_one = [result.assets[i] for i in range(6)]  # built from the columns on access
    flat_one_by_one = [result.approaches[k] for k in range(8)]
    assets = tuple(result.assets)  # built all at once, then kept
    assert list(assets) == one_by_one and tuple(result.approaches) == tuple(flat_one_by_one)
    assert len(result.assets) == 6 and result.assets[-1] == assets[5]
    assert result.assets[1:3] == assets[1:3] and result.assets == assets
    # assets 0 and 3 have two approaches (RfR + cost): the flat list holds 6 + 2
    assert [a.id for a in result.approaches][:3] == [
        "A0/relief_from_royalty",
        "A0/cost",
        "A1/relief_from_royalty",
    ]
    assert len(result.approaches) == 8
    with pytest.raises(IndexError):
        result.assets[6]
    data = result.to_json_dict()
    assert [a["value"] for a in data["assets"]] == [a.value for a in assets]
    assert data["assets"][3]["approaches"][1]["id"] == "A3/cost"
    rows = next(s for s in data["trace"] if s["step"] == "portfolio")["rows"]
    assert [r["asset"] for r in rows] == [f"A{i}" for i in range(6)]
    assert len(result.to_frame("assets")) == 6


def _mixed_portfolio(n: int, seed: int = 11) -> Any:
    """Structures that the column-wise matcher must tell apart: revenue lengths, a tax rate
    from reference data, given weights, no legal term (economic life instead), a second
    approach on some assets only, jurisdictions."""
    rng = np.random.default_rng(seed)
    assets = []
    for i in range(n):
        rfr: dict[str, Any] = {
            "method": "relief_from_royalty",
            "revenue": rng.uniform(1e5, 1e7, 3 + i % 2).tolist(),
            "royalty_rate": float(rng.uniform(0.01, 0.08)),
            "tax_rate": {"ref": "country_parameters/KR/cit_statutory_combined_pct"}
            if i % 7 == 3
            else 0.24,
            "discount_rate": float(rng.uniform(0.08, 0.2)),
            "tab": {"period_years": 15},
        }
        approaches = [rfr]
        if i % 5 == 1:  # two approaches with given weights
            rfr["weight"] = 0.7
            approaches.append(
                {
                    "method": "cost",
                    "basis": "replacement",
                    "weight": 0.3,
                    "direct_cost": float(rng.uniform(1e5, 1e6)),
                }
            )
        asset: dict[str, Any] = {"id": f"M{i}", "type": "patent", "name": f"m{i}"}
        if i % 4 == 2:
            asset["economic_life_years"] = float(rng.uniform(2, 10))
        else:
            asset["remaining_legal_term_years"] = float(rng.uniform(2, 10))
        if i % 6 == 5:
            asset["jurisdictions"] = ["SG"]
        assets.append({"asset": asset, "approaches": approaches})
    return load_case(
        {
            "id": "mixed",
            "title": "mixed",
            "purpose": "licensing",
            "valuation_date": "2025-01-01",
            "currency": "USD",
            "conventions": {"timing": "end"},
            "assets": assets,
        }
    )


def test_mixed_structures_equal_single_assets_exactly() -> None:
    pf = _mixed_portfolio(60)
    result = value(pf)
    singles = [value(asset_case(pf, i)) for i in range(60)]
    assert [a.value for a in result.assets] == [s.value for s in singles]
    assert [(a.range.low, a.range.high) for a in result.assets] == [
        (s.range.low, s.range.high) for s in singles
    ]
    assert [[(x.value, x.weight) for x in a.approaches] for a in result.assets] == [
        [(x.value, x.weight) for x in s.approaches] for s in singles
    ]
    # every approach is in exactly one kernel call
    calls = [int(str(t.detail["assets"])) for t in result.trace if t.step == "kernel_call"]
    assert sum(calls) == 60 + 12  # 12 assets (i % 5 == 1) carry a cost approach too


def test_column_wise_members_name_their_asset() -> None:
    from ipvalue.valuation._portfolio_fast import resolve_portfolio

    pf = _portfolio(9)  # asset 0 is resolved alone, assets 1..8 matched column-wise
    batch = resolve_portfolio(pf)
    rfr = next(g for g in batch.groups if g.template.model.method == "relief_from_royalty")
    assert len(rfr) == 9 and sum(len(b[0]) for b in rfr.blocks) == 8
    at, _table, lives = rfr.arrays
    r = int(np.flatnonzero(at[:, 0] == 7)[0])
    member = rfr.member(r)
    assert member.prefix == "assets.7.approaches.0."
    assert member.params["royalty_rate"] == pf.assets[7].approaches[0].royalty_rate
    assert lives is not None and lives[r] == pf.assets[7].asset.remaining_legal_term_years


def test_optional_number_left_out_is_structure_not_a_match() -> None:
    # Regression: an approach with terminal_growth matched a template without it and was valued
    # with no terminal value. Life 20 y > 5-year forecast, so the TV counts: with it the value
    # is larger (single-asset values are the reference).
    def item(i: int) -> dict[str, Any]:
        a: dict[str, Any] = {
            "method": "relief_from_royalty",
            "revenue": [1e6] * 5,
            "royalty_rate": 0.03,
            "tax_rate": 0.3,
            "discount_rate": 0.12,
            "tab": False,
        }
        if i % 2:
            a["terminal_growth"] = 0.01
        return {
            "asset": {
                "id": f"A{i}",
                "type": "patent",
                "name": "x",
                "remaining_legal_term_years": 20.0,
            },
            "approaches": [a],
        }

    pf = load_case(
        {
            "id": "p",
            "title": "p",
            "purpose": "collateral",
            "valuation_date": "2013-06-30",
            "currency": "USD",
            "assets": [item(i) for i in range(40)],
        }
    )
    v = value(pf)
    singles = [value(asset_case(pf, i)) for i in range(40)]
    assert [a.value for a in v.assets] == [s.value for s in singles]
    assert v.assets[1].value > v.assets[0].value
    # the single-asset warnings about the terminal value and the life, per asset
    tv = [w.message for w in v.warnings if w.code == "terminal_value_to_life"]
    assert len(tv) == 20 and tv[0].startswith("A1: relief_from_royalty: ")


def test_asset_without_life_never_takes_the_template_assets_life() -> None:
    # Regression: a lifeless asset matched the template of an asset with a legal term and was
    # capped at that term. Asset A0 (term 2 y) makes the template; A1 has no term: its 10-year
    # forecast is not capped, so its value is that of the single case (larger).
    def item(i: int, term: float | None) -> dict[str, Any]:
        asset: dict[str, Any] = {"id": f"A{i}", "type": "patent", "name": "x"}
        if term is not None:
            asset["remaining_legal_term_years"] = term
        return {
            "asset": asset,
            "approaches": [
                {
                    "method": "relief_from_royalty",
                    "revenue": [1e6] * 10,
                    "royalty_rate": 0.03,
                    "tax_rate": 0.3,
                    "discount_rate": 0.12,
                    "tab": False,
                }
            ],
        }

    pf = load_case(
        {
            "id": "p",
            "title": "p",
            "purpose": "collateral",
            "valuation_date": "2013-06-30",
            "currency": "USD",
            "assets": [item(0, 2.0), item(1, None), item(2, None)],
        }
    )
    v = value(pf)
    singles = [value(asset_case(pf, i)).value for i in range(3)]
    # 1e-15: without a life the kernel's discounted sum is one matrix-vector product, whose
    # summation order BLAS may pick by the number of rows (the bug was a 3.3x difference)
    assert [a.value for a in v.assets] == pytest.approx(singles, rel=1e-15)
    assert v.assets[1].value > 3 * v.assets[0].value
