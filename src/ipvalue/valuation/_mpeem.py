"""Multi-period excess earnings with contributory asset charges (METHODS §2.3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from ipvalue.core.errors import InputError

from ._arrays import Checks, FloatArray, InvalidMode, as_param, as_series, col, leading_shape
from ._dcf import IncomeResult, _check_conventions, prepare_options, value_flows
from ._factors import Timing
from ._tab import TaxAmortisation
from ._terminal import TVDiscounting

AssetKind = Literal["working_capital", "land", "workforce", "fixed_asset", "intangible"]
RETURN_ON_ONLY: tuple[str, ...] = ("working_capital", "land", "workforce")
ASSET_KINDS: tuple[str, ...] = (*RETURN_ON_ONLY, "fixed_asset", "intangible")


@dataclass(frozen=True)
class ContributoryAsset:
    """An asset that supports the subject's earnings and is charged for its use.

    Parameters
    ----------
    name : str
        Unique label (e.g. ``"working capital"``, ``"customer list"``).
    kind : {"working_capital", "land", "workforce", "fixed_asset", "intangible"}
        Working capital, land and an assembled workforce (whose replacement already sits in
        operating costs) earn a return *on* only; fixed assets and finite-life intangibles
        earn *on* and *of*.
    average_balance : float or array (T,) or (n, T)
        Average value ``B_(j,t)`` of the asset in each year (>= 0).
    required_return : float or array (n,)
        Required return ``r_j`` (after tax when excess earnings are after tax), > -1.
    depreciation : float or array (T,) or (n, T), optional
        Economic depreciation ``D_(j,t)`` (return *of*), >= 0.
    depreciation_in_ebita : bool, optional
        Required for fixed assets and intangibles: True when ``D`` is already deducted in EBITA,
        in which case no return *of* is charged again.
    is_subject : bool
        Marks the subject asset; charging it is refused.
    """

    name: str
    kind: AssetKind
    average_balance: ArrayLike
    required_return: ArrayLike
    depreciation: ArrayLike | None = None
    depreciation_in_ebita: bool | None = None
    is_subject: bool = False


@dataclass(frozen=True)
class ContributoryCharge:
    """Charges for one contributory asset, shape ``(T,)`` or ``(n, T)``."""

    name: str
    return_on: FloatArray
    return_of: FloatArray


@dataclass(frozen=True)
class ExcessEarningsResult(IncomeResult):
    """:class:`IncomeResult` plus the MPEEM build-up.

    Attributes
    ----------
    after_tax_earnings : ndarray
        ``EBITA_t * (1 - T)``.
    excess_earnings : ndarray
        ``after_tax_earnings - sum_j CAC_(j,t)`` (before probability/life weighting).
    charges : tuple of ContributoryCharge
        Return on and return of per asset, in the order given.
    """

    after_tax_earnings: FloatArray
    excess_earnings: FloatArray
    charges: tuple[ContributoryCharge, ...]


def _yearly(value: ArrayLike, field: str, horizon: int) -> FloatArray:
    """A constant or a ``(T,)``/``(n, T)`` series whose last axis matches the horizon."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(field, "must be a number or a series of numbers") from None
    if arr.ndim > 2 or (arr.ndim >= 1 and arr.shape[-1] != horizon):
        raise InputError(field, f"must be a number or have one value per year ({horizon})")
    return arr


def _charge(
    i: int, asset: ContributoryAsset, horizon: int, checks: Checks
) -> tuple[ContributoryCharge, dict[str, np.ndarray]]:
    field = f"contributory_assets.{i}"
    if not isinstance(asset, ContributoryAsset):
        raise InputError(field, "must be a ContributoryAsset")
    if asset.is_subject:
        raise InputError(field, "never charge the subject asset itself")
    if asset.kind not in ASSET_KINDS:
        raise InputError(f"{field}.kind", "must be one of " + ", ".join(ASSET_KINDS))
    balance = _yearly(asset.average_balance, f"{field}.average_balance", horizon)
    rate = as_param(asset.required_return, f"{field}.required_return")
    checks.require(
        f"{field}.average_balance", "must be >= 0", balance >= 0, per_year=balance.ndim > 0
    )
    checks.require(f"{field}.required_return", "must be > -1", rate > -1.0)
    ret_on = np.asarray(col(rate) * balance, dtype=np.float64)
    ret_of = np.zeros_like(ret_on)
    if asset.kind in RETURN_ON_ONLY:
        if asset.depreciation is not None:
            raise InputError(
                f"{field}.depreciation", "working capital, land and workforce earn a return on only"
            )
    else:
        if asset.depreciation_in_ebita is None:
            raise InputError(
                f"{field}.depreciation_in_ebita",
                "required for fixed assets and intangibles (is D already deducted in EBITA?)",
            )
        if not asset.depreciation_in_ebita:
            if asset.depreciation is None:
                raise InputError(
                    f"{field}.depreciation", "required when it is not deducted in EBITA"
                )
            dep = _yearly(asset.depreciation, f"{field}.depreciation", horizon)
            checks.require(f"{field}.depreciation", "must be >= 0", dep >= 0, per_year=dep.ndim > 0)
            ret_of = np.asarray(
                np.broadcast_to(dep, np.broadcast_shapes(dep.shape, ret_on.shape)),
                dtype=np.float64,
            )
    fields = {f"{field}.required_return": rate}
    for name, arr in ((f"{field}.average_balance", balance), (f"{field}.depreciation", ret_of)):
        if arr.ndim == 2:
            fields[f"series:{name}"] = arr
    return ContributoryCharge(asset.name, ret_on, ret_of), fields


def excess_earnings(
    ebita: ArrayLike,
    tax_rate: ArrayLike,
    rate: ArrayLike,
    contributory_assets: Sequence[ContributoryAsset],
    *,
    timing: Timing,
    tab: TaxAmortisation | None,
    terminal_growth: ArrayLike | None = None,
    tv_discounting: TVDiscounting | None = None,
    probability: ArrayLike | None = None,
    life: ArrayLike | None = None,
    times: ArrayLike | None = None,
    invalid: InvalidMode = "raise",
) -> ExcessEarningsResult:
    """MPEEM: ``EE_t = EBITA_t (1 - T) - sum_j CAC_(j,t)``, ``V = sum EE_t DF_t * TAB_factor``.

    ``CAC_(j,t) = r_j * B_(j,t)`` (return on) ``+ D_(j,t)`` (return of, only for fixed assets and
    intangibles whose depreciation is not already deducted in EBITA).

    Parameters
    ----------
    ebita : array (T,) or (n, T)
        Earnings before interest, tax and amortisation attributable to the subject's business.
    tax_rate : float or array (n,)
        In ``[0, 1)``.
    rate : float or array (n,)
        Discount rate of the subject asset.
    contributory_assets : sequence of ContributoryAsset
        May be empty (then ``EE = EBITA (1 - T)``); names must be unique.
    timing, tab, terminal_growth, tv_discounting, probability, life, times, invalid
        As in :func:`dcf`.

    Raises
    ------
    InputError
        :func:`dcf` rules; tax outside ``[0, 1)``; a charged subject asset; return *of* on
        working capital, land or workforce; missing ``depreciation_in_ebita`` or depreciation;
        duplicate names; negative balances or depreciation; series of the wrong length.
    """
    _check_conventions(timing, tab, terminal_growth, tv_discounting)
    earn = as_series(ebita, "ebita")
    tax = as_param(tax_rate, "tax_rate")
    r = as_param(rate, "rate")
    horizon = earn.shape[-1]
    names = [getattr(a, "name", None) for a in contributory_assets]
    if len(set(names)) != len(names):
        raise InputError("contributory_assets", "names must be unique")
    options, fields = prepare_options(
        horizon=horizon,
        timing=timing,
        probability=probability,
        life=life,
        terminal_growth=terminal_growth,
        times=times,
        tab=tab,
    )
    checks = Checks((), invalid)
    charges = []
    for i, asset in enumerate(contributory_assets):
        charge, more = _charge(i, asset, horizon, checks)
        charges.append(charge)
        fields.update(more)
    shape = leading_shape({"series:ebita": earn, "tax_rate": tax, "rate": r, **fields})
    final_checks = checks
    final_checks.shape = shape
    final_checks.require("tax_rate", "must be in [0, 1)", (tax >= 0) & (tax < 1))
    after_tax = np.asarray(earn * col(1.0 - tax), dtype=np.float64)
    ee = after_tax
    for charge in charges:
        ee = ee - charge.return_on - charge.return_of
    ee = np.asarray(ee, dtype=np.float64)
    base = value_flows(
        ee,
        r,
        None,
        timing=timing,
        options=options,
        tv_discounting=tv_discounting,
        tab=tab,
        checks=final_checks,
        series=True,
        flows_field="ebita",
    )
    return ExcessEarningsResult(
        **base.__dict__,
        after_tax_earnings=after_tax,
        excess_earnings=ee,
        charges=tuple(charges),
    )


@dataclass(frozen=True)
class ReturnReconciliation:
    """Weighted average return on assets (WARA) against the entity's WACC or IRR."""

    wara: float
    wacc: float
    gap: float
    weights: dict[str, float]


def reconcile_asset_returns(
    fair_values: dict[str, float], required_returns: dict[str, float], wacc: float
) -> ReturnReconciliation:
    """``WARA = sum_j V_j r_j / sum_j V_j`` compared with the WACC/IRR (METHODS §2.3 check).

    Pass every asset of the business, the subject and goodwill included, at fair value; a
    ``gap = WARA - WACC`` far from 0 means the contributory rates or the subject's rate need
    another look.

    Raises
    ------
    InputError
        No assets, names that differ between the two mappings, negative or all-zero values,
        returns <= -1, a WACC <= -1.
    """
    if not fair_values:
        raise InputError("fair_values", "at least one asset is required")
    if set(fair_values) != set(required_returns):
        raise InputError("required_returns", "must name exactly the assets in fair_values")
    if not wacc > -1:
        raise InputError("wacc", "must be > -1")
    for name, v in fair_values.items():
        if not (np.isfinite(v) and v >= 0):
            raise InputError(f"fair_values.{name}", "must be >= 0")
        if not required_returns[name] > -1:
            raise InputError(f"required_returns.{name}", "must be > -1")
    total = float(sum(fair_values.values()))
    if not total > 0:
        raise InputError("fair_values", "must not all be 0")
    weights = {k: v / total for k, v in fair_values.items()}
    wara = float(sum(weights[k] * required_returns[k] for k in weights))
    return ReturnReconciliation(
        wara=wara, wacc=float(wacc), gap=wara - float(wacc), weights=weights
    )
