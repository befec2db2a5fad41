"""Resolve a case into flat numeric parameters, each with its source.

Resolution order for every parameter: the case's own value > the framework (user override or
framework default) > reference data > an ipvalue default convention (recorded). A parameter
still open after that is an :class:`~ipvalue.core.errors.InputError` naming its field path.

The output is flat: per approach, a mapping from the field path *inside the approach*
(``royalty_rate``, ``revenue.values.3``) to its base value, plus the distributions of the
uncertain ones. The engine evaluates approaches on these mappings, so one evaluate function
serves deterministic runs, Monte Carlo and portfolios alike.
"""

from __future__ import annotations

import math
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from typing import Any

from pydantic import BaseModel

from ipvalue.core.errors import InputError
from ipvalue.model._numbers import Ref, bounds_of, check_bounds
from ipvalue.model.approaches import (
    ActivityBasedRdCost,
    ExcessEarnings,
    FilingMaintenanceCost,
    MarketComparables,
    ProfitSplit,
    RealOptionBinomial,
    RealOptionBlackScholes,
    RegionalIncome,
    Tab,
)
from ipvalue.model.assets import Asset
from ipvalue.model.case import CaseHeader
from ipvalue.model.forecast import LifecycleForecast
from ipvalue.model.result import Assumption, ValuationWarning

IPVALUE_DEFAULT = "ipvalue default convention (docs/case-file.md, 'Conventions')"
CASE_FILE = "case file"
OMITTED = "case model default (field omitted in the case file)"


@dataclass
class ResolvedApproach:
    """One approach with every numeric input resolved.

    ``params`` maps the path inside the approach to its base (deterministic) value; ``dists``
    holds the distributions of uncertain ones; ``settings`` holds the non-numeric conventions
    (``timing``, ``terminal_discounting``, ``tab_period``, ``tab_timing``, ``life_years``).
    """

    model: Any
    prefix: str
    params: dict[str, float] = field(default_factory=dict)
    dists: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    structure: tuple[Any, ...] = ()
    key: Any = None  # portfolio grouping key when resolved from a template

    @property
    def name(self) -> str:
        return str(self.model.name)


@dataclass
class Resolution:
    """Everything the engine needs besides the models: approaches, assumptions, warnings."""

    approaches: list[ResolvedApproach]
    assumptions: list[Assumption]
    warnings: list[ValuationWarning]
    life_years: float | None
    weights_by_purpose: dict[str, float] | None = None


class _Recorder:
    def __init__(self, valuation_date: date) -> None:
        self.valuation_date = valuation_date
        self.assumptions: list[Assumption] = []
        self.warnings: list[ValuationWarning] = []
        self._seen_warnings: set[tuple[str, str]] = set()
        self._figure_seen: dict[tuple[str, str], tuple[int, list[str], str]] = {}

    def assume(self, name: str, value: Any, unit: str | None, source: str, **kw: Any) -> None:
        self.assumptions.append(Assumption(name, value, unit, source, **kw))

    def warn(self, code: str, message: str) -> None:
        if (code, message) not in self._seen_warnings:
            self._seen_warnings.add((code, message))
            self.warnings.append(ValuationWarning(code, message))

    def figure(self, path: str, ref: str, bounds: dict[str, float] | None) -> float:
        from ipvalue.refdata import figure_warnings, lookup

        fig = lookup(ref)
        x = fig.as_float()
        if not math.isfinite(x):
            raise InputError(path, f"reference {ref} is not a finite number")
        broken = check_bounds(x, bounds or {})
        if broken:
            raise InputError(path, f"{broken} (reference {ref} gives {x:g})")
        self.assume(
            path,
            x,
            fig.unit,
            f"refdata {fig.ref}: {fig.source or 'source not stated'}",
            source_date=fig.source_date,
            confidence=fig.confidence,
        )
        for w in figure_warnings(fig, self.valuation_date):
            self._figure_warning(w.code, fig.ref, path, w.message)
        return x

    def _figure_warning(self, code: str, ref: str, path: str, message: str) -> None:
        """Once per (code, figure): the fields using it are listed in front of the message."""
        key = (code, ref)
        if key not in self._figure_seen:
            self._figure_seen[key] = (len(self.warnings), [path], message)
            self.warnings.append(ValuationWarning(code, f"{path}: {message}"))
            return
        i, paths, first = self._figure_seen[key]
        if path not in paths:
            paths.append(path)
            self.warnings[i] = ValuationWarning(code, f"{', '.join(paths)}: {first}")


_FRACTIONS = frozenset(
    {
        "margin",
        "share",
        "growth",
        "volatility",
        "risk_premium",
        "return_on",
        "return_of",
        "probability",
        "first_year_fraction",
        "weight",
        "similarity",
        "recency",
        "quality",
        "split_rate",
        "declining_rate",
    }
)
_AMOUNTS = frozenset(
    {
        "direct_cost",
        "indirect_cost",
        "entrepreneurial_incentive",
        "underlying_value",
        "exercise_cost",
        "materials",
        "equipment",
        "external",
        "year1",
        "base",
    }
)


def _unit(path: str, model: Any, currency: str) -> str | None:
    """Unit of a case number named by its path inside an approach, for the assumptions list.

    Amounts nested under a market or a filing country are in that local currency: named so.
    """
    parts = path.split(".")
    last = parts[-1]
    local = None
    if parts[0] in ("markets", "countries") and len(parts) > 2:
        local = getattr(getattr(model, parts[0])[int(parts[1])], "currency", None) or currency
    if "coefficients" in parts:
        return "ratio (subject / comparable)"
    if parts[0] == "obsolescence" and last in ("physical", "functional", "economic"):
        mode = getattr(getattr(model, "obsolescence", None), "mode", "multiplicative")
        return "fraction" if mode == "multiplicative" else currency
    if parts[0] == "role_rates":
        return f"{currency} per hour"
    if "hours" in parts:
        return "hours"
    if last == "cost_of_delay":
        return "fraction per year"
    if last == "fx_rate":
        return f"{currency} per {local}" if local else None
    if last in _FRACTIONS or last.endswith(("_rate", "_growth")):
        return "fraction"
    if last.endswith("years"):
        return "years"
    if last.startswith("price_index") or (parts[0] == "countries" and "price_index" in parts):
        return "index level"
    if last in _AMOUNTS:
        return local or currency
    if parts[0] == "countries" and "fees" in parts:
        return local
    return None


def _written(model: Any, path: str) -> bool:
    """Whether the case file wrote the field at ``path`` (False: the model's default)."""
    node = model
    for part in path.split("."):
        if isinstance(node, BaseModel):
            if part not in node.model_fields_set:
                return False
            node = getattr(node, part)
        elif isinstance(node, list | tuple) and part.isdigit():
            node = node[int(part)]
        else:
            return True  # inside a dict written by the user
    return True


def _percent_check(ra: ResolvedApproach, rec: _Recorder) -> None:
    """Warn on a rate above 100 %: most likely a percentage written as a number (10 for 0.10).

    Rates that cannot exceed 1 (tax, royalty, margins, shares) are refused by the model; those
    that legitimately can in rare cases (discount and growth rates, volatility, premia) warn.
    """
    for path, x in ra.params.items():
        if x > 1 and _unit(path, ra.model, "") in ("fraction", "fraction per year"):
            rec.warn(
                "rate_above_one",
                f"{ra.prefix}{path} = {x:g} is more than 100 %: rates are fractions (12 % is "
                "0.12); check it was not written in per cent",
            )


def _element_bounds(annotation: Any) -> dict[str, float] | None:
    """Bounds of list/dict element Nums (``list[Fraction]``, ``dict[str, Positive]``)."""
    for arg in typing.get_args(annotation):
        meta = getattr(arg, "__metadata__", None)
        if meta is not None:
            b = bounds_of(list(meta))
            if b is not None:
                return b
    return None


@lru_cache(maxsize=1)
def _dist_types() -> tuple[type, ...]:
    from ipvalue.model import distributions as d

    return (d.Normal, d.Lognormal, d.Uniform, d.Triangular, d.Pert, d.Discrete)


def _is_dist(obj: Any) -> bool:
    return isinstance(obj, _dist_types())


def _is_container(obj: Any) -> bool:
    return isinstance(obj, BaseModel) and not isinstance(obj, (Ref, *_dist_types()))


_NOT_STRUCTURAL = frozenset({"id", "weight", "rationale", "source", "name"})


@cache
def _plan(cls: type[BaseModel]) -> tuple[tuple[str, dict[str, float] | None], ...]:
    """Per model class: each field with the bounds of its Nums (cached: portfolios walk many)."""
    out = []
    for name, info in cls.model_fields.items():
        b = bounds_of(info.metadata)
        if b is None:
            b = _element_bounds(info.annotation)
        out.append((name, b))
    return tuple(out)


def _leaves(
    model: BaseModel, structure: list[Any] | None = None, base: str = ""
) -> Iterator[tuple[str, Any, Any]]:
    """Yield ``(path, leaf, bounds)`` for each numeric leaf; append every other scalar that
    shapes the calculation (forecast years, kinds, flags) to ``structure``."""
    for name, b in _plan(type(model)):
        value = getattr(model, name)
        path = base + name
        if _is_container(value):
            yield from _leaves(value, structure, path + ".")
        elif isinstance(value, list | tuple):
            if structure is not None:
                structure.append((path, len(value)))
            for i, v in enumerate(value):
                if _is_container(v):
                    yield from _leaves(v, structure, f"{path}.{i}.")
                elif b is not None:
                    yield f"{path}.{i}", v, b
                elif structure is not None:
                    structure.append((f"{path}.{i}", v))
        elif isinstance(value, dict):
            if structure is not None:
                structure.append((path, tuple(value)))
            for k, v in value.items():
                if b is not None:
                    yield f"{path}.{k}", v, b
        elif b is not None:
            if value is not None:
                yield path, value, b
        elif structure is not None and name not in _NOT_STRUCTURAL:
            structure.append((path, value))


def remaining_legal_term(asset: Asset, valuation_date: date) -> tuple[float | None, str]:
    """Remaining legal term in years and where it came from (``None`` when unknown)."""
    if asset.remaining_legal_term_years is not None:
        return asset.remaining_legal_term_years, CASE_FILE
    ls = asset.legal_status
    if ls and ls.expiry_date:
        years = max(0.0, (ls.expiry_date - valuation_date).days / 365.25)
        return years, f"legal_status.expiry_date {ls.expiry_date} (days / 365.25)"
    return None, ""


def _jurisdiction(header: CaseHeader, asset: Asset) -> str | None:
    return header.jurisdiction or (asset.jurisdictions[0] if asset.jurisdictions else None)


def resolve(
    header: CaseHeader,
    asset: Asset,
    approaches: list[Any],
    *,
    framework: Any = None,
    prefix: str = "",
    record_case_values: bool = True,
) -> Resolution:
    """Resolve the approaches of one asset.

    Parameters
    ----------
    header : CaseHeader
        The case (valuation date, currency, conventions, jurisdiction).
    asset : Asset
        The asset the approaches value (legal term, economic life, jurisdictions).
    approaches : list
        Validated approach models.
    framework : object, optional
        A framework whose ``defaults(case)`` mapping (``timing``, ``terminal_discounting``,
        ``tab_period``, ``weights``) fills open conventions; see :mod:`ipvalue.frameworks`.
    prefix : str
        Path prefix for messages (``assets.3.``) in portfolios.
    record_case_values : bool
        Record plain case-file numbers as assumptions (portfolios turn this off: the case file
        is the source; figures from reference data and defaults are always recorded).

    Raises
    ------
    InputError
        A required parameter is open after resolution, or a resolved figure breaks its bounds.
    """
    rec = _Recorder(header.valuation_date)
    fw = _framework_defaults(framework, header, rec)
    life, life_src = _life(asset, header.valuation_date, rec, prefix)
    out = []
    for i, a in enumerate(approaches):
        ra = ResolvedApproach(model=a, prefix=f"{prefix}approaches.{i}.")
        structure: list[Any] = []
        for path, leaf, bounds in _leaves(a, structure):
            full = ra.prefix + path
            if isinstance(leaf, Ref):
                ra.params[path] = rec.figure(full, leaf.ref, bounds)
            elif _is_dist(leaf):
                base = float(leaf.point())
                broken = check_bounds(base, bounds or {})
                if broken:
                    raise InputError(full, f"base point {base:g} of the distribution {broken}")
                ra.params[path] = base
                ra.dists[path] = leaf
                rec.assume(
                    full,
                    base,
                    _unit(path, a, header.currency),
                    f"{CASE_FILE} (distribution {leaf.dist}, base point)",
                )
            else:
                ra.params[path] = float(leaf)
                if (
                    record_case_values
                    and ".values." not in path
                    and not path.startswith("probability.")
                ):
                    rec.assume(
                        full,
                        float(leaf),
                        _unit(path, a, header.currency),
                        CASE_FILE if _written(a, path) else OMITTED,
                    )
        ra.structure = tuple(structure)
        _percent_check(ra, rec)
        _fill_open(ra, header, asset, fw, rec)
        ra.settings["life_years"] = life
        ra.settings["life_source"] = life_src
        out.append(ra)
    return Resolution(out, rec.assumptions, rec.warnings, life, fw.get("weights"))


def resolved_life(asset: Asset, valuation_date: date) -> tuple[float | None, str]:
    """Income-period cap: the shorter of remaining legal term and economic life, and which."""
    legal, _ = remaining_legal_term(asset, valuation_date)
    econ = asset.economic_life_years
    if legal is None and econ is None:
        return None, ""
    if econ is None or (legal is not None and legal <= econ):
        return legal, "remaining legal term"
    return econ, "economic life"


def _life(
    asset: Asset, valuation_date: date, rec: _Recorder, prefix: str = ""
) -> tuple[float | None, str]:
    legal, legal_src = remaining_legal_term(asset, valuation_date)
    if legal is not None:
        rec.assume(f"{prefix}asset.remaining_legal_term_years", legal, "years", legal_src)
    if asset.economic_life_years is not None:
        rec.assume(
            f"{prefix}asset.economic_life_years", asset.economic_life_years, "years", CASE_FILE
        )
    return resolved_life(asset, valuation_date)


def _framework_defaults(framework: Any, header: CaseHeader, rec: _Recorder) -> dict[str, Any]:
    """Conventions from the framework, when one is given and offers ``defaults``."""
    if framework is None:
        return {}
    get = getattr(framework, "defaults", None)
    if get is None:
        return {}
    values: dict[str, Any] = dict(get(header))
    name = getattr(framework, "code", type(framework).__name__)
    for k, v in values.items():
        if k != "weights":
            rec.assume(
                f"framework.{k}",
                v if not isinstance(v, dict) else str(v),
                None,
                f"framework {name}",
            )
    return values


def _setting(
    ra: ResolvedApproach,
    name: str,
    header: CaseHeader,
    fw: Mapping[str, Any],
    default: Any,
    rec: _Recorder,
) -> Any:
    own = getattr(ra.model, name, None)
    if own is not None:
        return own
    case_level = getattr(header.conventions, name, None)
    if case_level is not None:
        rec.assume(f"{ra.prefix}{name}", case_level, None, f"{CASE_FILE} conventions.{name}")
        return case_level
    if name in fw:
        rec.assume(f"{ra.prefix}{name}", fw[name], None, "framework default")
        return fw[name]
    rec.assume(f"{ra.prefix}{name}", default, None, IPVALUE_DEFAULT)
    return default


def _require(ra: ResolvedApproach, path: str, how: str) -> None:
    if path not in ra.params:
        raise InputError(f"{ra.prefix}{path}", f"is required ({how})")


def _tax_from_refdata(ra: ResolvedApproach, path: str, country: str | None, rec: _Recorder) -> None:
    if path in ra.params:
        return
    if country is None:
        raise InputError(
            f"{ra.prefix}{path}",
            "is required: give a rate or a {ref: ...}, or set the case jurisdiction so that the "
            "statutory rate comes from reference data",
        )
    ra.params[path] = rec.figure(
        f"{ra.prefix}{path}",
        f"country_parameters/{country}/cit_statutory_combined_pct",
        {"ge": 0, "lt": 1},
    )


def _fx_from_refdata(
    ra: ResolvedApproach, path: str, local: str, header: CaseHeader, rec: _Recorder
) -> None:
    if path in ra.params:
        return
    if local == header.currency:
        ra.params[path] = 1.0
        return
    from ipvalue.refdata import fx_rate

    fig = fx_rate(local, header.currency, header.valuation_date)
    x = fig.as_float()
    ra.params[path] = x
    rec.assume(
        f"{ra.prefix}{path}",
        x,
        f"{header.currency} per {local}",
        f"refdata {fig.table}: {fig.source or 'source not stated'}",
        source_date=fig.source_date,
        confidence=fig.confidence,
    )
    if "fx_date_mismatch" in fig.flags or "fx_after_date" in fig.flags:
        note = fig.note or "FX rate from another date"
        rec.warn("fx_date_mismatch", f"{ra.prefix}{path}: {note}")


def _fill_open(
    ra: ResolvedApproach, header: CaseHeader, asset: Asset, fw: Mapping[str, Any], rec: _Recorder
) -> None:
    a = ra.model
    country = _jurisdiction(header, asset)
    if hasattr(a, "timing"):
        ra.settings["timing"] = _setting(ra, "timing", header, fw, "end", rec)
    if hasattr(a, "terminal_discounting"):
        ra.settings["terminal_discounting"] = _setting(
            ra, "terminal_discounting", header, fw, "final_factor", rec
        )
    if hasattr(a, "discount_rate"):
        _require(ra, "discount_rate", "a number, distribution or {ref: ...}")
        _tab(ra, fw, rec)
        if ra.settings.get("tab_period") and not hasattr(a, "tax_rate"):
            _tax_from_refdata(ra, "tab.tax_rate", country, rec)  # a DCF has no tax rate
    if hasattr(a, "tax_rate") and not isinstance(a, RegionalIncome):
        _tax_from_refdata(ra, "tax_rate", country, rec)
    if hasattr(a, "royalty_rate"):
        _require(ra, "royalty_rate", "a pre-tax royalty rate on revenue")
    if isinstance(a, ExcessEarnings | ProfitSplit):
        margin = "ebita_margin" if isinstance(a, ExcessEarnings) else "operating_margin"
        if margin not in ra.params and not isinstance(a.revenue, LifecycleForecast):
            raise InputError(
                f"{ra.prefix}{margin}",
                "is required unless the revenue forecast "
                "is lifecycle-staged (its stage margins are used)",
            )
    if isinstance(a, RegionalIncome):
        for j, m in enumerate(a.markets):
            share = f"markets.{j}.share"
            if share in ra.dists:
                raise InputError(ra.prefix + share, "must be a number (a share is not uncertain)")
            if share in ra.params:  # shares shape the kernel call: keep them structural
                ra.structure += ((share, ra.params[share]),)
            _tax_from_refdata(ra, f"markets.{j}.tax_rate", m.market, rec)
            _fx_from_refdata(ra, f"markets.{j}.fx_rate", m.currency, header, rec)
        _regional_tab(ra, fw, rec)
    if isinstance(a, FilingMaintenanceCost):
        for j, c in enumerate(a.countries):
            _fx_from_refdata(ra, f"countries.{j}.fx_rate", c.currency, header, rec)
    if isinstance(a, RealOptionBlackScholes) and "cost_of_delay" not in ra.params:
        ra.settings["cost_of_delay"] = "inverse_life"
        rec.assume(
            f"{ra.prefix}cost_of_delay",
            "1 / term_years",
            "per year",
            "METHODS §5.1: y = 1 / remaining protected life",
        )
    if isinstance(a, RealOptionBinomial):
        ra.settings["steps"] = a.steps
        lattice = ["steps", "exercise"]
        if "cost_of_delay" not in ra.params:
            ra.settings["cost_of_delay"] = a.delay_schedule
            lattice.append("delay_schedule")
        for name in lattice:  # lattice choices move the value: record where each came from
            rec.assume(
                f"{ra.prefix}{name}",
                getattr(a, name),
                None,
                CASE_FILE if name in a.model_fields_set else OMITTED,
            )
    if isinstance(a, MarketComparables):
        _market_settings(ra, rec)
    if isinstance(a, ActivityBasedRdCost):
        ra.settings["completion_date"] = a.completion_date or header.valuation_date
        if a.completion_date is None:
            rec.assume(
                f"{ra.prefix}completion_date",
                str(header.valuation_date),
                None,
                "ipvalue default: the valuation date",
            )
    if isinstance(a, FilingMaintenanceCost):
        ra.settings["valuation_year"] = header.valuation_date.year
        for j, c in enumerate(a.countries):
            late = [y for y in c.fees if y > header.valuation_date.year]
            if late:
                raise InputError(
                    f"{ra.prefix}countries.{j}.fees.{late[0]}",
                    "must not be after the valuation year (look-ahead)",
                )


def _market_settings(ra: ResolvedApproach, rec: _Recorder) -> None:
    a = ra.model
    for i in range(len(a.comparables)):
        for key in ("weight", "similarity", "recency", "quality"):
            path = f"comparables.{i}.{key}"
            if path in ra.dists:
                raise InputError(ra.prefix + path, "must be a number (weights are not uncertain)")
            if path in ra.params:  # weights shape the kernel call: keep them structural
                ra.structure += ((path, ra.params[path]),)
    if a.coefficient_bounds is None:
        ra.settings["coefficient_bounds"] = (0.5, 2.0)
        rec.assume(f"{ra.prefix}coefficient_bounds", "[0.5, 2.0]", None, IPVALUE_DEFAULT)
    else:
        ra.settings["coefficient_bounds"] = tuple(a.coefficient_bounds)


def _regional_tab(ra: ResolvedApproach, fw: Mapping[str, Any], rec: _Recorder) -> None:
    """Regional income TAB (docs/methods/income.md): the approach's ``tab`` (case, else the
    framework's period) applies to every market at the market's own discount rate, with the
    market's tax rate unless ``tab.tax_rate`` names the one jurisdiction taking the deduction;
    a market's own ``tab`` (or ``false``) replaces it. Sets ``markets.<j>.tab_period``,
    ``tab_timing`` and ``tab_at`` (where that market's TAB numbers sit)."""
    _tab(ra, fw, rec)
    for j, m in enumerate(ra.model.markets):
        pre = f"markets.{j}."
        at, period, timing = "tab.", ra.settings["tab_period"], ra.settings.get("tab_timing")
        if isinstance(m.tab, Tab):
            at, period = f"{pre}tab.", m.tab.period_years or "declining_balance"
            timing = m.tab.timing or ra.settings["timing"]
            if m.tab.period_years is not None:
                rec.assume(f"{ra.prefix}{at}period_years", period, "years", CASE_FILE)
            if m.tab.timing is None:
                rec.assume(
                    f"{ra.prefix}{at}timing",
                    timing,
                    None,
                    f"{IPVALUE_DEFAULT}: the approach's timing",
                )
        elif m.tab is False:
            period = None
            rec.assume(f"{ra.prefix}{pre}tab", "not applied", None, CASE_FILE)
        ra.settings.update(
            {f"{pre}tab_period": period, f"{pre}tab_timing": timing, f"{pre}tab_at": at}
        )
        if period and f"{at}tax_rate" not in ra.params:
            rec.assume(
                f"{ra.prefix}{pre}tab.tax_rate",
                f"= {ra.prefix}{pre}tax_rate",
                "fraction",
                f"{IPVALUE_DEFAULT}: the market's tax rate",
            )


def _tab(ra: ResolvedApproach, fw: Mapping[str, Any], rec: _Recorder) -> None:
    a = ra.model
    tab = getattr(a, "tab", None)
    if isinstance(tab, Tab):
        ra.settings["tab_period"] = tab.period_years or "declining_balance"
        ra.settings["tab_timing"] = tab.timing or ra.settings["timing"]
        if tab.period_years is not None:
            rec.assume(f"{ra.prefix}tab.period_years", tab.period_years, "years", CASE_FILE)
        if tab.timing is None:
            rec.assume(
                f"{ra.prefix}tab.timing",
                ra.settings["tab_timing"],
                None,
                f"{IPVALUE_DEFAULT}: the approach's timing",
            )
        if "tab.tax_rate" not in ra.params and hasattr(a, "tax_rate"):
            rec.assume(
                f"{ra.prefix}tab.tax_rate",
                f"= {ra.prefix}tax_rate",
                "fraction",
                f"{IPVALUE_DEFAULT}: the approach's tax rate",
            )
        return
    if tab is False:
        ra.settings["tab_period"] = None
        rec.assume(f"{ra.prefix}tab", "not applied", None, CASE_FILE)
        return
    period = fw.get("tab_period")
    if period:
        ra.settings["tab_period"] = int(period)
        ra.settings["tab_timing"] = ra.settings["timing"]
        rec.assume(f"{ra.prefix}tab.period_years", int(period), "years", "framework default")
    else:
        ra.settings["tab_period"] = None
        rec.assume(
            f"{ra.prefix}tab",
            "not applied",
            None,
            f"{IPVALUE_DEFAULT}: no TAB unless the case or framework gives a tax period",
        )
