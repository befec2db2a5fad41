"""figure_warnings(): staleness, look-ahead, confidence, overrides, FX date mismatch."""

from __future__ import annotations

from datetime import date

from ipvalue.refdata import Figure, figure_warnings, fx_rate, lookup


def _codes(fig: Figure, on: date, **kw: float) -> list[str]:
    return [w.code for w in figure_warnings(fig, on, **kw)]


def test_fresh_figure_has_no_warning() -> None:
    # Damodaran January 2025 used on 2025-06-30: 0.5 years old, within the 2-year default.
    f = lookup("country_parameters/KR/damodaran_total_erp_pct")
    assert _codes(f, date(2025, 6, 30)) == []


def test_stale_figure_with_threshold_in_message() -> None:
    f = lookup("royalty_rates/RR001/mean_pct")  # dated 2010-03
    ws = figure_warnings(f, date(2025, 6, 30))
    assert [w.code for w in ws] == ["refdata_stale"]
    assert "2 years" in ws[0].message and "royalty_rates/RR001/mean_pct" in ws[0].message
    # a looser threshold (16 years) accepts it: 2025-06-30 − 2010-03-01 ≈ 15.3 years
    assert _codes(f, date(2025, 6, 30), max_age_years=16) == []


def test_look_ahead() -> None:
    f = lookup("country_parameters/JP/gov_bond_10y_pct")  # 2025-12-29
    assert _codes(f, date(2025, 6, 30)) == ["refdata_after_valuation_date"]


def test_low_confidence_and_metadata_only() -> None:
    f = lookup("industry_technology_factors/TF004/value")  # "low (blog)", undated
    assert _codes(f, date(2025, 6, 30)) == ["refdata_undated", "refdata_low_confidence"]
    meta = lookup("royalty_rates/RR009/sample_size")  # "metadata only", 2025-05
    assert _codes(meta, date(2025, 6, 30)) == ["refdata_low_confidence"]


def test_fx_mismatch_is_reported_not_as_look_ahead() -> None:
    # the packaged ECB history ends 2026-10-30: 21 days before, more than the 7-day setting
    f = fx_rate("KRW", "USD", date(2026, 11, 20))
    assert _codes(f, date(2026, 11, 20)) == ["fx_date_mismatch"]
    # a weekend gap is normal: the Friday's rate, no warning
    assert _codes(fx_rate("KRW", "USD", date(2020, 3, 1)), date(2020, 3, 1)) == []


def test_stale_message_says_how_to_override() -> None:
    f = lookup("country_parameters/US/cit_statutory_combined_pct")  # Tax Foundation 2023
    (w,) = figure_warnings(f, date(2025, 6, 30))
    assert w.code == "refdata_stale"
    assert "IPVALUE_REFDATA_DIR" in w.message and "give the value in the case" in w.message


def test_a_stale_figure_used_twice_is_one_warning_naming_both_fields() -> None:
    from ipvalue import load_case
    from ipvalue.valuation.engine import value

    rfr = {
        "method": "relief_from_royalty",
        "revenue": [100.0],
        "royalty_rate": 0.05,
        "discount_rate": 0.1,
        "tax_rate": {"ref": "country_parameters/US/cit_statutory_combined_pct"},
    }
    case = load_case(
        {
            "schema_version": 1,
            "id": "stale",
            "title": "t",
            "purpose": "transaction",
            "valuation_date": "2025-06-30",
            "currency": "USD",
            "asset": {"type": "patent", "name": "p"},
            "approaches": [{**rfr, "id": "a", "weight": 0.5}, {**rfr, "id": "b", "weight": 0.5}],
        }
    )
    stale = [w for w in value(case).warnings if w.code == "refdata_stale"]
    assert len(stale) == 1
    assert stale[0].message.startswith("approaches.0.tax_rate, approaches.1.tax_rate: ")
    assert stale[0].message.count("country_parameters/US/cit_statutory_combined_pct") == 1


def test_merge_figure_warnings_one_per_figure_other_warnings_untouched() -> None:
    from ipvalue.refdata import merge_figure_warnings

    msg = "country_parameters/US/cit_statutory_combined_pct is dated 2023, …"
    pairs = [("refdata_stale", f"assets.{i}.approaches.0.tax_rate: {msg}") for i in range(7)]
    pairs.insert(1, ("terminal_value_share", "a: approaches.0: the terminal value is 58 %"))
    pairs.append(("refdata_stale", f"assets.0.approaches.0.royalty_rate: other {msg}"))
    out = merge_figure_warnings(pairs)
    assert out == [
        (
            "refdata_stale",
            "assets.0.approaches.0.tax_rate, assets.1.approaches.0.tax_rate, "
            "assets.2.approaches.0.tax_rate, assets.3.approaches.0.tax_rate, "
            f"assets.4.approaches.0.tax_rate and 2 more: {msg}",
        ),
        ("terminal_value_share", "a: approaches.0: the terminal value is 58 %"),
        ("refdata_stale", f"assets.0.approaches.0.royalty_rate: other {msg}"),
    ]


def test_a_portfolio_warns_once_per_stale_figure() -> None:
    from ipvalue import load_case
    from ipvalue.valuation.engine import value

    rfr = {
        "method": "relief_from_royalty",
        "revenue": [1000.0],
        "royalty_rate": 0.1,
        "tax_rate": {"ref": "country_parameters/US/cit_statutory_combined_pct"},
        "discount_rate": 0.25,
        "timing": "end",
        "tab": False,
    }
    case = load_case(
        {
            "schema_version": 1,
            "id": "pf",
            "title": "t",
            "purpose": "collateral",
            "valuation_date": "2025-06-30",
            "currency": "USD",
            "assets": [
                {"asset": {"id": f"p{k}", "type": "patent", "name": "p"}, "approaches": [rfr]}
                for k in range(3)
            ],
        }
    )
    stale = [w for w in value(case).warnings if w.code == "refdata_stale"]
    assert len(stale) == 1
    assert stale[0].message.startswith(
        "assets.0.approaches.0.tax_rate, assets.1.approaches.0.tax_rate, "
        "assets.2.approaches.0.tax_rate: country_parameters/US/cit_statutory_combined_pct"
    )
