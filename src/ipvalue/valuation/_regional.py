"""Regionally weighted income (METHODS §2.7): markets with own share, growth, risk, tax, FX."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
from numpy.typing import ArrayLike

from ipvalue.core.errors import InputError

from ._arrays import BoolArray, Checks, FloatArray, InvalidMode, as_param, as_series
from ._dcf import IncomeResult, _check_conventions, prepare_options, value_flows
from ._factors import Timing
from ._tab import TaxAmortisation
from ._terminal import TVDiscounting

WEIGHT_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Market:
    """One market in which the asset earns income.

    Parameters
    ----------
    name, currency : str
        Label and ISO 4217 code of the market's income.
    fx_rate : float or array (n,)
        Valuation-date spot rate: units of the valuation currency per unit of ``currency`` (> 0).
    discount_rate : float or array (n,)
        Risk-adjusted rate for the market (country risk premium included), > -1.
    tax_rate : float or array (n,)
        ``T_m`` in ``[0, 1)``.
    tab : TaxAmortisation or None
        The market's tax amortisation benefit (stated explicitly; None for none).
    weight : float or array (T,), optional
        Share ``w_(m,t)`` of the shared ``income``; across markets the shares sum to 1 each year.
    growth : float, optional
        Market-specific growth of a constant share: ``w_(m,t) ∝ w_m (1 + g_m)^(t-1)``,
        renormalised each year so shares still sum to 1.
    availability : array (T,) of 0/1, optional
        ``A_(m,t)``: 1 while an enforceable right (or protectable know-how) exists in the market.
    income : array (T,) or (n, T), optional
        The market's own income in ``currency``, instead of a share of the shared income.
    terminal_growth : float or array (n,), optional
        Gordon growth for the market after year ``T``.
    """

    name: str
    currency: str
    fx_rate: ArrayLike
    discount_rate: ArrayLike
    tax_rate: ArrayLike
    tab: TaxAmortisation | None
    weight: ArrayLike | None = None
    growth: float | None = None
    availability: ArrayLike | None = None
    income: ArrayLike | None = None
    terminal_growth: ArrayLike | None = None


@dataclass(frozen=True)
class MarketValue:
    """One market's contribution: local-currency result and its converted value."""

    name: str
    currency: str
    weights: FloatArray | None
    local: IncomeResult
    value: FloatArray


@dataclass(frozen=True)
class RegionalResult:
    """``value = sum_m FX_m * V_m``, with every market's build-up and the validity mask."""

    value: FloatArray
    markets: tuple[MarketValue, ...]
    valid: BoolArray


def _weights(markets: Sequence[Market], horizon: int) -> list[FloatArray]:
    raw: list[FloatArray] = []
    for i, m in enumerate(markets):
        if m.weight is None:
            raise InputError(f"markets.{i}.weight", "required when markets share one income series")
        w = np.asarray(m.weight, dtype=np.float64)
        if w.ndim > 1 or (w.ndim == 1 and w.shape[0] != horizon):
            raise InputError(
                f"markets.{i}.weight", f"must be a number or one value per year ({horizon})"
            )
        if not np.all((w >= 0) & (w <= 1)):
            raise InputError(f"markets.{i}.weight", "must be in [0, 1]")
        if m.growth is not None:
            if w.ndim != 0:
                raise InputError(f"markets.{i}.growth", "needs a constant weight, not a series")
            if not float(m.growth) > -1:
                raise InputError(f"markets.{i}.growth", "must be > -1")
            w = w * (1.0 + float(m.growth)) ** np.arange(horizon, dtype=np.float64)
        raw.append(np.broadcast_to(w, (horizon,)).astype(np.float64))
    total = np.sum(raw, axis=0)
    if any(m.growth is not None for m in markets):
        if np.any(total <= 0):
            raise InputError("markets", "weights must not all be 0")
        raw = [w / total for w in raw]
    elif np.any(np.abs(total - 1.0) > WEIGHT_TOLERANCE):
        raise InputError("markets", "weights must sum to 1 in every year")
    return raw


def regional_income(
    income: ArrayLike | None,
    markets: Sequence[Market],
    *,
    timing: Timing,
    tv_discounting: TVDiscounting | None = None,
    life: ArrayLike | None = None,
    invalid: InvalidMode = "raise",
) -> RegionalResult:
    """``V = sum_m FX_m sum_t w_(m,t) I_t A_(m,t) (1 - T_m) DF_(m,t)`` (+ each market's TV, TAB).

    Each market is valued in its own currency with its own discount and tax rate, then converted
    at the valuation-date spot rate (METHODS §1.5, §2.7). Either every market takes a share of the
    shared ``income`` (``weight``, optional ``growth``) or every market brings its own ``income``.

    A market's TAB (``Market.tab``) scales that market's local value by its own factor
    ``1 / (1 − (T/n)·PVAF(k_m, n))``, with ``k_m`` the market's discount rate (METHODS §1.3:
    the rate used for the value the TAB is computed on); converted at the same spot rate.

    Parameters
    ----------
    income : array (T,) or (n, T), or None
        Shared pre-tax income ``I_t`` (None when every market has its own ``income``).
    markets : sequence of Market
        At least one; names must be unique.
    timing, tv_discounting, invalid
        As in :func:`dcf`.
    life : float or array (n,), optional
        Remaining legal term / economic life of the asset: every market's income stops there
        (fractional final year, and a terminal value becomes a growing annuity up to it), as in
        :func:`dcf`. ``availability`` still ends a market's income earlier.

    Returns
    -------
    RegionalResult

    Raises
    ------
    InputError
        No markets, duplicate names, a mix of shared and own income, weights outside [0, 1] or
        not summing to 1, availability not 0/1, FX not > 0, the :func:`dcf` rules per market
        (fields prefixed ``markets.i.``).
    """
    if not markets:
        raise InputError("markets", "at least one market is required")
    names = [m.name for m in markets]
    if len(set(names)) != len(names):
        raise InputError("markets", "names must be unique")
    own = [m.income is not None for m in markets]
    if any(own) and not all(own):
        raise InputError("markets", "either every market has its own income or none has")
    shared: FloatArray | None = None
    weights: list[FloatArray | None] = [None] * len(markets)
    if not all(own):
        if income is None:
            raise InputError("income", "required when markets share one income series")
        shared = as_series(income, "income")
        weights = list(_weights(markets, shared.shape[-1]))
    elif income is not None:
        raise InputError("income", "must be omitted when every market has its own income")
    results: list[MarketValue] = []
    total: FloatArray | None = None
    valid: BoolArray | None = None
    for i, (m, w) in enumerate(zip(markets, weights, strict=True)):
        prefix = f"markets.{i}."
        _check_conventions(timing, m.tab, m.terminal_growth, tv_discounting)
        if shared is None or w is None:
            flows = as_series(cast(ArrayLike, m.income), prefix + "income")
        else:
            flows = np.asarray(shared * w, dtype=np.float64)
        horizon = flows.shape[-1]
        if m.availability is not None:
            avail = np.asarray(m.availability, dtype=np.float64)
            if avail.shape != (horizon,) or not np.all((avail == 0) | (avail == 1)):
                raise InputError(prefix + "availability", f"must be {horizon} values of 0 or 1")
            flows = flows * avail
        fx = as_param(m.fx_rate, prefix + "fx_rate")
        tax = as_param(m.tax_rate, prefix + "tax_rate")
        r = as_param(m.discount_rate, prefix + "discount_rate")
        try:
            options, _ = prepare_options(
                horizon=horizon,
                timing=timing,
                probability=None,
                life=life,
                terminal_growth=m.terminal_growth,
                times=None,
                tab=m.tab,
            )
            checks = Checks((), invalid)
            checks.require("fx_rate", "must be > 0", fx > 0)
            checks.require("tax_rate", "must be in [0, 1)", (tax >= 0) & (tax < 1))
            shape = np.broadcast_shapes(flows.shape[:-1], fx.shape, tax.shape, r.shape)
            checks.shape = shape
            local = value_flows(
                flows,
                r,
                1.0 - tax,
                timing=timing,
                options=options,
                tv_discounting=tv_discounting,
                tab=m.tab,
                checks=checks,
                series=True,
                flows_field="income",
            )
        except InputError as err:
            raise InputError(prefix + err.field, err.rule) from None
        except ValueError:
            raise InputError(prefix.rstrip("."), "paths/assets disagree in length") from None
        converted = np.asarray(local.value * fx, dtype=np.float64)
        results.append(MarketValue(m.name, m.currency, w, local, converted))
        total = converted if total is None else total + converted
        valid = local.valid if valid is None else valid & local.valid
    assert total is not None and valid is not None
    return RegionalResult(value=np.asarray(total), markets=tuple(results), valid=np.asarray(valid))
