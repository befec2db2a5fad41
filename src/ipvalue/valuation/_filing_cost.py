"""Filing and maintenance cost across countries, converted and restated (METHODS §4)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ipvalue.core.errors import InputError

from ._arrays import BoolArray, Checks, FloatArray, InvalidMode, as_param, leading_shape


@dataclass(frozen=True)
class CountryFees:
    """Official and attorney fees paid for the right in one country.

    Parameters
    ----------
    country : str
        ISO 3166 code or office label (``"KR"``, ``"EP"``).
    currency : str
        ISO 4217 code of the fees.
    fx_rate : float or array (n,)
        Valuation-currency units per unit of ``currency`` at the valuation date (> 0), an input
        with its own source.
    fees : mapping of calendar year to amount
        Fees paid in each year (>= 0), in ``currency``.
    price_index : mapping of calendar year to index level
        The country's price index for every fee year and the valuation year (> 0).
    """

    country: str
    currency: str
    fx_rate: ArrayLike
    fees: Mapping[int, ArrayLike]
    price_index: Mapping[int, float]


@dataclass(frozen=True)
class CountryCost:
    """One country's fees: nominal and restated in local currency, and converted."""

    country: str
    currency: str
    nominal_local: FloatArray
    restated_local: FloatArray
    value: FloatArray


@dataclass(frozen=True)
class FilingCostResult:
    """Total restated filing and maintenance cost in the valuation currency.

    ``valid`` is False for paths whose drawn fees or rates break a rule (``invalid="nan"``).
    """

    value: FloatArray
    countries: tuple[CountryCost, ...]
    valid: BoolArray


def filing_maintenance_cost(
    countries: Sequence[CountryFees], *, valuation_year: int, invalid: InvalidMode = "raise"
) -> FilingCostResult:
    """``sum_c FX_c sum_y fee_(c,y) Index_c(valuation_year) / Index_c(y)``.

    Each country's fees are restated with its own price index to the valuation year, then
    converted at the valuation-date rate. Fees after the valuation year are refused (look-ahead).
    With ``invalid="nan"`` drawn fees or FX rates that break a rule give ``nan`` on their path.

    Raises
    ------
    InputError
        No countries, duplicate countries, no fees, a fee year after the valuation year, a
        missing or non-positive index level, negative fees, FX not > 0.
    """
    if not countries:
        raise InputError("countries", "at least one country is required")
    if len({c.country for c in countries}) != len(countries):
        raise InputError("countries", "each country may appear once")
    checks = Checks((), invalid)
    fields: dict[str, np.ndarray] = {}
    out: list[CountryCost] = []
    for i, c in enumerate(countries):
        where = f"countries.{i}"
        if not c.fees:
            raise InputError(f"{where}.fees", "at least one year of fees is required")
        fx = as_param(c.fx_rate, f"{where}.fx_rate")
        checks.require(f"{where}.fx_rate", "must be > 0", fx > 0)
        fields[f"{where}.fx_rate"] = fx
        base = c.price_index.get(valuation_year)
        if base is None or not base > 0:
            raise InputError(
                f"{where}.price_index.{valuation_year}", "needs a level > 0 for the valuation year"
            )
        nominal = np.zeros(())
        restated = np.zeros(())
        for year, fee in sorted(c.fees.items()):
            if year > valuation_year:
                raise InputError(f"{where}.fees.{year}", "is after the valuation year")
            level = c.price_index.get(year)
            if level is None or not level > 0:
                raise InputError(f"{where}.price_index.{year}", "needs a level > 0 for this year")
            amount = as_param(fee, f"{where}.fees.{year}")
            checks.require(f"{where}.fees.{year}", "must be >= 0", amount >= 0)
            fields[f"{where}.fees.{year}"] = amount
            nominal = nominal + amount
            restated = restated + amount * (base / level)
        out.append(
            CountryCost(
                country=c.country,
                currency=c.currency,
                nominal_local=np.asarray(nominal, dtype=np.float64),
                restated_local=np.asarray(restated, dtype=np.float64),
                value=np.asarray(restated * fx, dtype=np.float64),
            )
        )
    shape = leading_shape(fields)
    checks.shape = shape
    total = np.zeros(shape)
    for cc in out:
        total = total + cc.value
    return FilingCostResult(
        value=checks.finish(np.asarray(total, dtype=np.float64)),
        countries=tuple(out),
        valid=checks.mask(),
    )
