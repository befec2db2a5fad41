"""Enterprise profiles applied to a portfolio valuation.

* **Method weights** — for each asset whose approaches give no weights (and that has two or
  more approaches), the profile's family weights set the approach weights, as for one asset
  (case > profile > framework); each asset so weighted is recorded as an assumption.
* **Correction coefficients** — ``Π c_j`` multiplies every asset's value and range and the
  total (and its range and distribution), so that the total is still
  ``Σ asset values · (1 + synergy)``; a ``profile_adjustment`` trace step records it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ipvalue.frameworks._valuate import apply_profile
from ipvalue.frameworks.profiles import Profile, family_weights_to_approaches
from ipvalue.model.portfolio import PortfolioCase
from ipvalue.model.result import Assumption, Valuation

__all__ = ["portfolio_method_weights", "portfolio_profile_adjustment"]


def portfolio_method_weights(
    case: PortfolioCase, profile: Profile | None, original: PortfolioCase | None = None
) -> tuple[PortfolioCase, list[Assumption]]:
    """``case`` with the profile's method weights on every multi-approach asset whose
    approaches in ``original`` (the case as written, before a framework filled purpose
    weights; default ``case``) carry no weights.

    Returns the (possibly unchanged) portfolio and one assumption per asset weighted.
    """
    given = (original or case).assets
    if profile is None or profile.method_weights is None:
        return case, []
    family = {str(k): v for k, v in profile.method_weights.items()}
    src = f"{profile.label()}: {profile.rationale}"
    data: dict[str, Any] | None = None
    notes: list[Assumption] = []
    for i, item in enumerate(case.assets):
        aps = item.approaches
        if len(aps) < 2 or any(a.weight is not None for a in given[i].approaches):
            continue  # the asset's own weights (or a single approach) win
        weights = family_weights_to_approaches(
            [type(a).family for a in aps], family, "profile.method_weights"
        )
        if data is None:
            data = case.model_dump(mode="python", exclude_none=True)
        for j, w in enumerate(weights):
            data["assets"][i]["approaches"][j]["weight"] = w
        notes.append(
            Assumption(f"assets.{i}.method_weights", str(dict(sorted(family.items()))), None, src)
        )
    if data is None:
        return case, []
    return PortfolioCase.model_validate(data), notes


def portfolio_profile_adjustment(val: Valuation, profile: Profile | None) -> Valuation:
    """Apply ``Π c_j`` to the total (via :func:`apply_profile`) and to every asset."""
    if profile is None or not profile.coefficients:
        return val
    out = apply_profile(val, profile)
    f = profile.factor
    assets = tuple(
        dataclasses.replace(
            a,
            value=a.value * f,
            range=dataclasses.replace(a.range, low=a.range.low * f, high=a.range.high * f),
        )
        for a in val.assets
    )
    return dataclasses.replace(out, assets=assets)
