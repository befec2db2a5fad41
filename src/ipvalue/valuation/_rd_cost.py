"""Activity-based R&D cost restated to the valuation date, with opportunity cost (§4.2)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from ipvalue.core.errors import InputError

from ._arrays import (
    BoolArray,
    Checks,
    FloatArray,
    InvalidMode,
    as_param,
    leading_shape,
    require_choice,
)


@dataclass(frozen=True)
class RDActivity:
    """One R&D activity.

    Parameters
    ----------
    name : str
        Unique label.
    stage : str
        R&D stage it belongs to (e.g. ``"research"``, ``"prototype"``, ``"validation"``).
    time : float
        ``t_a``: when the cost was incurred, in years from the project start (the same clock as
        ``completion_time``).
    price_index : float
        Price index level at the activity date (> 0), same series as ``valuation_index``.
    hours : mapping of role to hours
        Hours per role (>= 0); every role needs a rate in ``role_rates``.
    materials, equipment, external : float or array (n,)
        Materials, equipment use and external services (>= 0).
    needed_for_replacement : bool
        False for work an informed developer would no longer need; dropped on the
        ``replacement`` basis.
    """

    name: str
    stage: str
    time: float
    price_index: float
    hours: Mapping[str, ArrayLike] = field(default_factory=dict)
    materials: ArrayLike = 0.0
    equipment: ArrayLike = 0.0
    external: ArrayLike = 0.0
    needed_for_replacement: bool = True


@dataclass(frozen=True)
class ActivityCost:
    """Cost of one activity: ``Cost_a``, restated and its opportunity cost."""

    name: str
    stage: str
    labour: FloatArray
    other: FloatArray
    nominal: FloatArray
    restated: FloatArray
    opportunity_cost: FloatArray


@dataclass(frozen=True)
class RDCostResult:
    """Totals over the activities kept on the chosen basis.

    Attributes
    ----------
    activities : tuple of ActivityCost
        Kept activities, in input order.
    excluded : tuple of str
        Activities dropped on the replacement basis.
    by_stage : dict of str to ndarray
        Restated cost per R&D stage.
    nominal_total, restated_total, opportunity_cost : ndarray
        ``sum Cost_a``; ``RC = sum Cost_a Index(valuation)/Index(a)``;
        ``OC = sum Cost_a [(1 + r_oc)^(T_complete - t_a) - 1]``.
    valid : ndarray of bool
        False for paths whose drawn hours, rates or costs break a rule (``invalid="nan"``;
        their totals are ``nan``).
    """

    basis: str
    activities: tuple[ActivityCost, ...]
    excluded: tuple[str, ...]
    by_stage: dict[str, FloatArray]
    nominal_total: FloatArray
    restated_total: FloatArray
    opportunity_cost: FloatArray
    valid: BoolArray


def activity_based_rd_cost(
    activities: Sequence[RDActivity],
    *,
    role_rates: Mapping[str, ArrayLike],
    valuation_index: float,
    opportunity_rate: ArrayLike,
    completion_time: float,
    basis: Literal["reproduction", "replacement"],
    invalid: InvalidMode = "raise",
) -> RDCostResult:
    """``Cost_a = sum_roles hours x loaded rate + materials + equipment + external`` (§4.2).

    Parameters
    ----------
    activities : sequence of RDActivity
        At least one; names unique.
    role_rates : mapping of role to loaded hourly rate (>= 0)
        Rates at the prices the hours were paid at (restatement uses the index).
    valuation_index : float
        Price index level at the valuation date (> 0).
    opportunity_rate : float or array (n,)
        ``r_oc`` (CN practice: average yield of treasury bonds with <= 5 years to maturity),
        > -1.
    completion_time : float
        ``T_complete`` on the activities' clock; every ``time`` must be <= it.
    basis : {"reproduction", "replacement"}
        ``replacement`` drops activities with ``needed_for_replacement=False``.
    invalid : {"raise", "nan"}
        ``nan`` marks paths whose drawn numbers break a rule instead of raising; structural
        rules (names, roles, index levels, times) always raise.

    Raises
    ------
    InputError
        No activities (or none left), duplicate names, a role without a rate, negative hours,
        rates or costs, index levels not > 0, an activity after completion, ``r_oc <= -1``.
    """
    require_choice("basis", basis, ("reproduction", "replacement"))
    if not activities:
        raise InputError("activities", "at least one activity is required")
    if len({a.name for a in activities}) != len(activities):
        raise InputError("activities", "names must be unique")
    if not valuation_index > 0:
        raise InputError("valuation_index", "must be > 0")
    r_oc = as_param(opportunity_rate, "opportunity_rate")
    checks = Checks((), invalid)
    checks.require("opportunity_rate", "must be > -1", r_oc > -1)
    rates = {role: as_param(rate, f"role_rates.{role}") for role, rate in role_rates.items()}
    for role, rate in rates.items():
        checks.require(f"role_rates.{role}", "must be >= 0", rate >= 0)
    kept: list[ActivityCost] = []
    excluded: list[str] = []
    fields: dict[str, np.ndarray] = {"opportunity_rate": r_oc, **rates}
    for i, act in enumerate(activities):
        where = f"activities.{i}"
        if not act.price_index > 0:
            raise InputError(f"{where}.price_index", "must be > 0")
        if not act.time <= completion_time:
            raise InputError(f"{where}.time", "must be <= completion_time")
        labour = np.zeros(())
        for role, hours in act.hours.items():
            if role not in rates:
                raise InputError(f"{where}.hours.{role}", "has no rate in role_rates")
            h = as_param(hours, f"{where}.hours.{role}")
            checks.require(f"{where}.hours.{role}", "must be >= 0", h >= 0)
            fields[f"{where}.hours.{role}"] = h
            labour = labour + h * rates[role]
        other = np.zeros(())
        for name in ("materials", "equipment", "external"):
            amount = as_param(getattr(act, name), f"{where}.{name}")
            checks.require(f"{where}.{name}", "must be >= 0", amount >= 0)
            fields[f"{where}.{name}"] = amount
            other = other + amount
        if basis == "replacement" and not act.needed_for_replacement:
            excluded.append(act.name)
            continue
        nominal = labour + other
        growth = np.power(1.0 + r_oc, completion_time - act.time) - 1.0
        kept.append(
            ActivityCost(
                name=act.name,
                stage=act.stage,
                labour=np.asarray(labour, dtype=np.float64),
                other=np.asarray(other, dtype=np.float64),
                nominal=np.asarray(nominal, dtype=np.float64),
                restated=np.asarray(
                    nominal * (valuation_index / act.price_index), dtype=np.float64
                ),
                opportunity_cost=np.asarray(nominal * growth, dtype=np.float64),
            )
        )
    shape = leading_shape(fields)
    checks.shape = shape
    if not kept:
        raise InputError("activities", "no activity is left on the replacement basis")
    by_stage: dict[str, FloatArray] = {}
    for a in kept:
        by_stage[a.stage] = np.asarray(by_stage.get(a.stage, 0.0) + a.restated, dtype=np.float64)

    def total(attr: str) -> FloatArray:
        out = np.zeros(shape)
        for a in kept:
            out = out + getattr(a, attr)
        return checks.finish(np.asarray(out, dtype=np.float64))

    return RDCostResult(
        basis=basis,
        activities=tuple(kept),
        excluded=tuple(excluded),
        by_stage=by_stage,
        nominal_total=total("nominal"),
        restated_total=total("restated"),
        opportunity_cost=total("opportunity_cost"),
        valid=checks.mask(),
    )
