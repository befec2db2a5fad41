"""Cross-border comparison: one asset valued under several frameworks, the gaps explained.

Each framework resolves the case (:meth:`Framework.resolve`); the resolved values are converted
to one currency; and the difference between each framework and the baseline (IVS unless told
otherwise) is attributed to factor groups — discount rate and discounting conventions, income
base / royalty / contribution, economic life, tax and TAB, method mix, FX, enterprise
adjustments — by **exact Shapley values**: for baseline A and framework B, the value of a
coalition S of factors is the case valued with B's parameters for the factors in S and A's for
the others, ``v(∅) = V_A``, ``v(all) = V_B``; the parts therefore add up to ``V_B − V_A``
(efficiency), and factors on which A and B agree get exactly zero (null player; they are left
out of the enumeration, which does not change any value). The comparison is deterministic (a
case's ``simulation`` section is ignored) and does not depend on the order of the frameworks.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ipvalue.core.errors import InputError
from ipvalue.frameworks._patch import apply_patches
from ipvalue.frameworks._shapley import shapley
from ipvalue.frameworks._valuate import RESOLVED, case_profile, with_profile_weights
from ipvalue.frameworks.base import FACTOR_LABELS, FACTORS, ResolvedCase
from ipvalue.frameworks.profiles import Profile
from ipvalue.frameworks.registry import CODES, get
from ipvalue.model.case import ValuationCase
from ipvalue.model.result import Valuation, ValuationWarning

METHOD = (
    "exact Shapley values over factor groups: 2^k valuations of mixed parameter sets per "
    "framework (k = factors on which the framework and the baseline differ, k ≤ 7); the parts "
    "sum to the total difference"
)
Evaluate = Callable[[ValuationCase], float]


@dataclass(frozen=True)
class FxUsed:
    """Rate converting the case currency into the comparison currency for one framework."""

    rate: float
    from_currency: str
    to_currency: str
    source: str
    source_date: str | None
    note: str | None = None


@dataclass(frozen=True)
class FrameworkValue:
    """The value under one framework, in the comparison currency (None when it failed)."""

    code: str
    name: str
    value: float | None
    value_case_currency: float | None
    fx: FxUsed | None
    adjustment_factor: float = 1.0
    warnings: tuple[ValuationWarning, ...] = ()
    """The framework's own warnings (unconfirmed parameters, requirements), the currency note,
    then the engine's warnings on the framework's valuation; each a stable ``code`` and a
    ``message`` for people."""
    error: str | None = None
    resolved: ResolvedCase | None = field(default=None, repr=False, compare=False)
    valuation: Valuation | None = field(default=None, repr=False, compare=False)
    input_error: InputError | None = field(default=None, repr=False, compare=False)
    """The input error that stopped this framework (None when valued or when only the
    attribution failed); the CLI exits 2 with it after printing the others."""


@dataclass(frozen=True)
class Attribution:
    """``difference = value(framework) − value(baseline) = Σ contributions`` (+ residual ~0)."""

    code: str
    baseline: str
    difference: float
    contributions: dict[str, float]
    residual: float
    evaluations: int
    drivers: dict[str, tuple[Driver, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Driver:
    """One parameter behind a factor's contribution: its value under baseline and framework
    (None where that framework does not use it), with the framework's evidence label."""

    name: str
    baseline_value: float | str | bool | None
    value: float | str | bool | None
    evidence: str | None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "baseline": self.baseline_value,
            "value": self.value,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class Comparison:
    """Values under several frameworks and the attribution of each gap to the baseline."""

    case_id: str
    valuation_date: date
    currency: str
    baseline: str
    values: tuple[FrameworkValue, ...]
    attributions: tuple[Attribution, ...]
    method: str = METHOD
    profile: str | None = None

    def value_of(self, code: str) -> FrameworkValue:
        for v in self.values:
            if v.code == code:
                return v
        raise KeyError(code)

    def attribution_of(self, code: str) -> Attribution:
        for a in self.attributions:
            if a.code == code:
                return a
        raise KeyError(code)

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready dict (numbers unrounded)."""
        return {
            "case_id": self.case_id,
            "valuation_date": self.valuation_date.isoformat(),
            "currency": self.currency,
            "baseline": self.baseline,
            "method": self.method,
            "profile": self.profile,
            "factors": [{"factor": f, "label": FACTOR_LABELS[f]} for f in FACTORS],
            "values": [
                {
                    "framework": v.code,
                    "name": v.name,
                    "value": v.value,
                    "currency": self.currency,
                    "value_case_currency": v.value_case_currency,
                    "adjustment_factor": v.adjustment_factor,
                    "fx": None
                    if v.fx is None
                    else {
                        "rate": v.fx.rate,
                        "from": v.fx.from_currency,
                        "to": v.fx.to_currency,
                        "source": v.fx.source,
                        "source_date": v.fx.source_date,
                        "note": v.fx.note,
                    },
                    "warnings": [{"code": w.code, "message": w.message} for w in v.warnings],
                    "error": v.error,
                }
                for v in self.values
            ],
            "attributions": [
                {
                    "framework": a.code,
                    "baseline": a.baseline,
                    "difference": a.difference,
                    "contributions": a.contributions,
                    "residual": a.residual,
                    "evaluations": a.evaluations,
                    "drivers": {f: [d.to_json_dict() for d in ds] for f, ds in a.drivers.items()},
                }
                for a in self.attributions
            ],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_json_dict(), indent=2, ensure_ascii=False)


def parse_codes(text: str | Sequence[str], field: str = "--jurisdictions") -> list[str]:
    """Framework codes from ``"KR,CN,JP"`` (or a list); unknown or repeated codes are errors."""
    items = text.split(",") if isinstance(text, str) else list(text)
    codes = [c.strip().upper() for c in items if c.strip()]
    if not codes:
        raise InputError(field, "give at least one framework code")
    for c in codes:
        if c not in CODES:
            raise InputError(
                field, f"unknown jurisdiction {c!r}; known codes are {', '.join(CODES)}"
            )
    dup = sorted({c for c in codes if codes.count(c) > 1})
    if dup:
        raise InputError(field, f"{dup[0]} is listed twice")
    return codes


def _engine_valuation(case: ValuationCase) -> Valuation:
    from ipvalue.valuation.engine import value

    return value(case, framework=RESOLVED)


def _fx(resolved: ResolvedCase, fw: Any, case: ValuationCase, currency: str) -> FxUsed:
    """Case currency → comparison currency: the framework valuer's own rate when given
    (``framework_inputs.CODE.fx_rate``, home per case currency), else reference data."""
    from ipvalue.refdata import fx_rate

    on = case.valuation_date
    own = next((p for p in resolved.parameters if p.name == "fx_rate"), None)
    home = getattr(fw, "currency", None) or case.currency
    if own is not None and isinstance(own.value, float) and home != case.currency:
        onward = fx_rate(home, currency, on)
        return FxUsed(
            own.value * onward.as_float(),
            case.currency,
            currency,
            f"framework input ({case.currency}→{home}) × refdata ({home}→{currency}): "
            f"{onward.source}",
            onward.source_date,
            onward.note,
        )
    fig = fx_rate(case.currency, currency, on)
    return FxUsed(
        fig.as_float(), case.currency, currency, fig.source or "refdata", fig.source_date, fig.note
    )


@dataclass
class _Prepared:
    code: str
    fw: Any
    resolved: ResolvedCase
    fx: FxUsed
    adj: float


def compare(
    case: ValuationCase,
    codes: str | Sequence[str],
    *,
    currency: str | None = None,
    baseline: str = "IVS",
    profile: Profile | None = None,
    evaluate: Evaluate | None = None,
) -> Comparison:
    """Value ``case`` under each framework and attribute each gap to the baseline.

    Parameters
    ----------
    case : ValuationCase
        The case; framework inputs for each code go in ``framework_inputs``.
    codes : str or sequence of str
        Frameworks to compare (``"KR,CN,JP,SG,IVS"``); order only affects presentation.
    currency : str, optional
        Comparison currency (default: the case currency); FX from reference data at the
        valuation date (the reference date used is recorded per framework).
    baseline : str
        Framework every difference is measured from (default IVS; valued even if not listed).
    profile : Profile, optional
        Organisation profile (else the case's inline ``profile``), applied to every framework.
    evaluate : callable, optional
        ``case → value`` in the case currency (default: the engine, deterministic).

    Raises
    ------
    InputError
        Unknown or repeated codes, a bad currency, or a baseline that cannot be valued.
    """
    requested = parse_codes(codes)
    base_code = parse_codes([baseline], "--baseline")[0]
    ccy = (currency or case.currency).strip().upper()
    if not isinstance(case, ValuationCase):
        raise InputError("case", "compare values a single-asset case, not a portfolio")
    if len(ccy) != 3 or not ccy.isalpha():
        raise InputError("--currency", f"must be an ISO 4217 code, got {currency!r}")
    det = apply_patches(case, {"simulation": None}) if case.simulation else case
    prof = case_profile(det, profile)
    full: dict[str, Valuation] = {}
    cache: dict[str, float] = {}

    def run(c: ValuationCase) -> float:
        key = c.model_dump_json()
        if key not in cache:
            if evaluate is not None:
                cache[key] = float(evaluate(c))
            else:
                val = _engine_valuation(c)
                full[key] = val
                cache[key] = val.value
        return cache[key]

    prepared: dict[str, _Prepared] = {}
    errors: dict[str, InputError] = {}
    for code in dict.fromkeys([base_code, *requested]):
        try:
            fw = get(code)
            resolved = with_profile_weights(fw.resolve(det), det, prof)
            fx = _fx(resolved, fw, det, ccy)
            prepared[code] = _Prepared(code, fw, resolved, fx, prof.factor if prof else 1.0)
            run(resolved.case)
        except InputError as exc:
            if code == base_code:
                raise InputError(exc.field, f"baseline {code}: {exc.rule}") from None
            errors[code] = exc
    base = prepared[base_code]

    def coalition_value(a: _Prepared, b: _Prepared) -> Callable[[frozenset[str]], float]:
        def v(s: frozenset[str]) -> float:
            patches: dict[str, Any] = {}
            for f in FACTORS:
                patches.update((b if f in s else a).resolved.patches(frozenset({f})))
            fx = (b if "fx" in s else a).fx.rate
            adj = (b if "adjustments" in s else a).adj
            return run(apply_patches(det, patches)) * fx * adj

        return v

    values: list[FrameworkValue] = []
    attributions: list[Attribution] = []
    for code in dict.fromkeys([*requested, base_code]):
        if code in errors:
            err = errors[code]
            values.append(
                FrameworkValue(code, _name(code), None, None, None, error=str(err), input_error=err)
            )
            continue
        p = prepared[code]
        v_case = run(p.resolved.case)
        val = full.get(p.resolved.case.model_dump_json())
        warns = tuple(ValuationWarning(w.code, w.message) for w in p.resolved.warnings())
        warns += _currency_note(p, det)
        if val is not None:
            warns += tuple(val.warnings)
        values.append(
            FrameworkValue(
                code,
                p.fw.name,
                v_case * p.fx.rate * p.adj,
                v_case,
                p.fx,
                p.adj,
                warns,
                None,
                p.resolved,
                val,
            )
        )
        if code == base_code:
            continue
        active = [f for f in FACTORS if _differs(base, p, f)]
        v = coalition_value(base, p)
        try:
            phi = shapley(active, v)
        except InputError as exc:  # a mixed parameter set the engine refuses
            values[-1] = dataclasses.replace(values[-1], error=f"attribution failed: {exc}")
            continue
        total = v(frozenset(FACTORS)) - v(frozenset())
        contributions: dict[str, float] = {f: phi.get(f, 0.0) for f in FACTORS}
        attributions.append(
            Attribution(
                code,
                base_code,
                total,
                contributions,
                total - math.fsum(contributions.values()),
                2 ** len(active),
                {f: ds for f in FACTORS if (ds := _drivers(base, p, f))},
            )
        )
    return Comparison(
        case.id,
        case.valuation_date,
        ccy,
        base_code,
        tuple(values),
        tuple(attributions),
        profile=prof.label() if prof else None,
    )


def _drivers(a: _Prepared, b: _Prepared, factor: str) -> tuple[Driver, ...]:
    """Parameters of ``factor`` whose values differ between baseline ``a`` and ``b`` (case
    fields by path, components such as the risk-free rate by name), in ``b``'s order."""
    if factor == "fx":
        if a.fx.rate == b.fx.rate:
            return ()
        return (Driver("fx_rate", a.fx.rate, b.fx.rate, "input"),)
    if factor == "adjustments":
        return () if a.adj == b.adj else (Driver("profile_factor", a.adj, b.adj, "input"),)

    def table(r: ResolvedCase) -> dict[str, Any]:
        return {p.path or p.name: p for p in r.parameters if p.factor == factor}

    ta, tb = table(a.resolved), table(b.resolved)
    out = []
    for key in [*tb, *(k for k in ta if k not in tb)]:
        pa, pb = ta.get(key), tb.get(key)
        va = None if pa is None else pa.value
        vb = None if pb is None else pb.value
        if va != vb:
            out.append(Driver(key, va, vb, None if pb is None else pb.evidence))
    return tuple(out)


def _currency_note(p: _Prepared, case: ValuationCase) -> tuple[ValuationWarning, ...]:
    """Say so when a framework discounts case-currency flows at a rate built in another
    currency's market without translating it (the rate differential then sits in the
    discount-rate factor, not in FX)."""
    home = getattr(p.fw, "currency", None)
    names = {q.name for q in p.resolved.parameters}
    rate = next((q for q in p.resolved.parameters if q.name == "discount_rate"), None)
    if home is None or home == case.currency or rate is None or rate.path is None:
        return ()
    if "rate_currency_translation" in names:
        return ()
    return (
        ValuationWarning(
            "rate_currency_untranslated",
            f"{p.code}: the discount rate {rate.value} is built with {home} market inputs and "
            f"applied to {case.currency} flows without a currency translation; the {home}–"
            f"{case.currency} rate differential is part of the discount-rate gap (give a "
            f"{case.currency}-consistent rate in framework_inputs.{p.code} if that is not "
            "intended; docs/frameworks/compare.md#fx)",
        ),
    )


def _differs(a: _Prepared, b: _Prepared, factor: str) -> bool:
    if factor == "fx":
        return a.fx.rate != b.fx.rate
    if factor == "adjustments":
        return a.adj != b.adj
    fs = frozenset({factor})
    return bool(a.resolved.patches(fs) != b.resolved.patches(fs))


def _name(code: str) -> str:
    try:
        return str(get(code).name)
    except InputError:
        return code
