"""Discount rate of the IVS family: build-up in the framework's country, translated to the case
currency by the inflation differential (METHODS §1.5)."""

from __future__ import annotations

from typing import Any

from ipvalue.core.errors import InputError
from ipvalue.frameworks._ivs_context import _country_of_currency, _Ctx, _figure
from ipvalue.frameworks.base import FrameworkWarning


def build_discount_rate(fw: Any, ctx: _Ctx, i: int) -> None:
    """``r = r_f + ERP + asset premium (+ size premium)`` in the framework's country."""
    inp, c = ctx.inputs, ctx.country
    if inp.asset_risk_premium is None:
        raise InputError(
            ctx.input_field("asset_risk_premium"),
            f"is required: approaches.{i}.discount_rate is open and framework {fw.code} "
            "builds it as r_f + ERP + asset premium (or give the discount rate)",
        )
    if inp.risk_free_rate is not None:
        rf = inp.risk_free_rate
        ctx.add("risk_free_rate", rf, "fraction", "case input", "input", "discount_rate")
    else:
        f = _figure(
            ctx,
            f"country_parameters/{c}/gov_bond_10y_pct",
            f"{ctx.input_field('risk_free_rate')}",
            warn=True,
        )
        rf = f.as_float()
        ctx.add(
            "risk_free_rate",
            rf,
            "fraction",
            f"refdata {f.ref}: {f.source}",
            "refdata",
            "discount_rate",
            source_date=f.source_date,
            confidence=f.confidence,
        )
    if inp.equity_risk_premium is not None:
        erp = inp.equity_risk_premium
        ctx.add("equity_risk_premium", erp, "fraction", "case input", "input", "discount_rate")
    else:
        f = _figure(
            ctx,
            f"country_parameters/{c}/damodaran_total_erp_pct",
            ctx.input_field("equity_risk_premium"),
            warn=True,
        )
        erp = f.as_float()
        ctx.add(
            "equity_risk_premium",
            erp,
            "fraction",
            f"refdata {f.ref}: {f.source} (mature-market ERP + country risk premium; "
            "secondary transcription, check the primary)",
            "refdata",
            "discount_rate",
            source_date=f.source_date,
            confidence=f.confidence,
        )
    prem = inp.asset_risk_premium
    ctx.add("asset_risk_premium", prem, "fraction", "case input", "input", "discount_rate")
    size = inp.size_premium or 0.0
    if inp.size_premium is not None:
        ctx.add("size_premium", size, "fraction", "case input", "input", "discount_rate")
    r_home = rf + erp + prem + size
    built = f"{fw.rate_source} = {rf:.6g} + {erp:.6g} + {prem:.6g}" + (
        f" + {size:.6g}" if size else ""
    )
    r, how = _translate(fw, ctx, r_home)
    ctx.add(
        "discount_rate",
        r,
        "fraction",
        built + (f"; {how}" if how else ""),
        "U",
        "discount_rate",
        f"approaches.{i}.discount_rate",
    )


def _translate(fw: Any, ctx: _Ctx, r_home: float) -> tuple[float, str]:
    """Put a home-currency rate on the case currency (METHODS §1.5 [Dam-CR]):
    ``1 + r_case = (1 + r_home) · (1 + π_case) / (1 + π_home)``.

    π is the latest annual (else monthly year-on-year) CPI inflation in reference data, or
    ``home_inflation`` / ``case_inflation`` inputs; CPI as expected inflation is our proxy
    (U). Without both figures the rate stays untranslated and a warning says so.
    """
    home_ccy = _home_currency(fw, ctx)
    case_ccy = ctx.case.currency
    if home_ccy is None or home_ccy == case_ccy:
        return r_home, ""
    pi_home = _inflation(ctx, "home_inflation", ctx.country)
    pi_case = _inflation(ctx, "case_inflation", _country_of_currency(case_ccy))
    if pi_home is None or pi_case is None:
        ctx.warnings.append(
            FrameworkWarning(
                "rate_currency_mismatch",
                f"{fw.code}: the discount rate is built in {home_ccy} but the cash flows "
                f"are in {case_ccy}; no inflation figure to translate it (give "
                f"{ctx.input_field('home_inflation')} and "
                f"{ctx.input_field('case_inflation')}, or the rate itself)",
            )
        )
        return r_home, f"not translated from {home_ccy} to {case_ccy} (inflation missing)"
    r = (1 + r_home) * (1 + pi_case) / (1 + pi_home) - 1
    ctx.add(
        "rate_currency_translation",
        f"{home_ccy}→{case_ccy}",
        None,
        "1 + r_case = (1 + r_home)(1 + π_case)/(1 + π_home) (METHODS §1.5 [Dam-CR]); CPI "
        "inflation as the expected-inflation proxy is an ipvalue convention",
        "U",
        "discount_rate",
    )
    return r, (
        f"translated {home_ccy}→{case_ccy}: (1 + {r_home:.6g})·(1 + {pi_case:.6g})/"
        f"(1 + {pi_home:.6g}) − 1"
    )


def _home_currency(fw: Any, ctx: _Ctx) -> str | None:
    if fw.currency:
        return fw.currency
    from ipvalue.refdata import lookup

    try:
        return str(lookup(f"country_parameters/{ctx.country}/currency_iso4217").value)
    except InputError:
        return None


def _inflation(ctx: _Ctx, name: str, country: str | None) -> float | None:
    given = getattr(ctx.inputs, name)
    if given is not None:
        ctx.add(name, given, "fraction", "case input", "input", "discount_rate")
        return float(given)
    if country is None:
        return None
    for col in ("cpi_inflation_annual_pct", "cpi_latest_monthly_yoy_pct"):
        try:
            f = _figure(ctx, f"country_parameters/{country}/{col}", "", warn=True)
        except InputError:
            continue
        ctx.add(
            name,
            f.as_float(),
            "fraction",
            f"refdata {f.ref}: {f.source}",
            "refdata",
            "discount_rate",
            source_date=f.source_date,
            confidence=f.confidence,
        )
        return f.as_float()
    return None
