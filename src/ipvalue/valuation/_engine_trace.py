"""Calculation trace and per-approach warnings built from deterministic outcomes."""

from __future__ import annotations

import math
from typing import Any

from ipvalue.model.result import Scalar, TraceStep, ValuationWarning
from ipvalue.valuation._engine_methods import Outcome
from ipvalue.valuation.resolve import ResolvedApproach

_SETTINGS = (
    "timing",
    "terminal_discounting",
    "tab_period",
    "tab_timing",
    "life_years",
    "life_source",
    "cost_of_delay",
    "steps",
)
_FINITE_IP = {"patent", "copyright", "data_asset"}


def _scalar(x: Any) -> Scalar:
    if isinstance(x, str | bool | int) or x is None:
        return x
    f = float(x)
    return f if math.isfinite(f) else None


def approach_trace(ra: ResolvedApproach, out: Outcome) -> TraceStep:
    """Trace step of one approach: inputs, conventions, components and per-year rows."""
    detail: dict[str, Scalar] = {"method": ra.model.method, "value": float(out.value[0])}
    detail.update({k: _scalar(ra.settings[k]) for k in _SETTINGS if k in ra.settings})
    detail.update({f"input.{k}": v for k, v in ra.params.items() if ".values." not in k})
    detail.update({k: _scalar(v[0]) for k, v in out.detail.items()})
    rows: list[dict[str, Scalar]] = []
    if out.rows:
        # regional markets may forecast different numbers of years: a shorter series is
        # empty (None) in the later years
        years = max(arr.shape[-1] for arr in out.rows.values())
        for t in range(years):
            row: dict[str, Scalar] = {"year": t + 1}
            for k, arr in out.rows.items():
                if t >= arr.shape[-1]:
                    row[k] = None
                else:
                    row[k] = _scalar(arr[0, t] if arr.ndim == 2 else arr[t])
            rows.append(row)
    return TraceStep(step="approach", approach=ra.name, detail=detail, rows=tuple(rows))


def outcome_warnings(ra: ResolvedApproach, out: Outcome, asset: Any) -> list[ValuationWarning]:
    """Terminal-value, narrow-spread and life-cap warnings for one approach (METHODS §1.2)."""
    from ipvalue.core.settings import get_settings

    s = get_settings()
    warns: list[ValuationWarning] = []
    name = ra.name
    life = ra.settings.get("life_years")
    horizon = None
    if out.rows:
        horizon = next(iter(out.rows.values())).shape[-1]
    if life is not None and horizon is not None and life < horizon:
        warns.append(
            ValuationWarning(
                "life_cap",
                f"{name}: income period capped at {life:.2f} years ({ra.settings['life_source']}) "
                f"of the {horizon}-year forecast",
            )
        )
    has_tv = getattr(ra.model, "terminal_growth", None) is not None
    if has_tv and life is None and not asset.renewable and asset.type in _FINITE_IP:
        warns.append(
            ValuationWarning(
                "perpetual_terminal_value",
                f"{name}: a perpetual terminal value on a {asset.type} with no legal term or "
                "economic life; give asset.remaining_legal_term_years / economic_life_years or "
                "set asset.renewable if follow-on rights are asserted",
            )
        )
    if has_tv and life is not None:
        warns.append(
            ValuationWarning(
                "terminal_value_to_life",
                f"{name}: the terminal value is a growing annuity up to the {life:.2f}-year life, "
                "not a perpetuity",
            )
        )
    if out.tv_share is not None and has_tv:
        share = float(out.tv_share[0])
        if math.isfinite(share) and share > s.terminal_value_share_warning:
            warns.append(
                ValuationWarning(
                    "terminal_value_share",
                    f"{name}: the terminal value is {share:.1%} of the value (warning above "
                    f"{s.terminal_value_share_warning:.0%})",
                )
            )
    if out.spread is not None and has_tv:
        spread = float(out.spread[0])
        if math.isfinite(spread) and spread < s.rate_growth_spread_warning:
            warns.append(
                ValuationWarning(
                    "narrow_rate_growth_spread",
                    f"{name}: discount rate − terminal growth = {spread:.2%} (warning below "
                    f"{s.rate_growth_spread_warning:.2%}); the terminal value is very sensitive",
                )
            )
    return warns
