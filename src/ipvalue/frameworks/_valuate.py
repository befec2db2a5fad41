"""Value a case under one framework (and an optional enterprise profile) with the engine.

``value_under`` = ``framework.resolve(case)`` → profile method weights → ``engine.value`` →
framework assumptions/warnings merged into the result → profile coefficients applied to the
concluded value, each step recorded in the trace.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ipvalue.frameworks._patch import apply_patches
from ipvalue.frameworks.base import ResolvedCase, ResolvedParameter
from ipvalue.frameworks.profiles import (
    Profile,
    adjust_value,
    family_weights_to_approaches,
    parse_profile,
)
from ipvalue.frameworks.registry import get
from ipvalue.model.case import ValuationCase
from ipvalue.model.portfolio import PortfolioCase
from ipvalue.model.result import Assumption, TraceStep, Valuation, ValuationWarning


@dataclass(frozen=True)
class FrameworkRun:
    """A case valued under one framework: its resolution and the (adjusted) valuation."""

    resolved: ResolvedCase
    valuation: Valuation
    profile: Profile | None


def case_profile(
    case: ValuationCase | PortfolioCase, profile: Profile | None = None
) -> Profile | None:
    """The profile to apply: the one given, else the case's inline one, else the organisation
    profile of the setting ``profile_file`` (``IPVALUE_PROFILE_FILE``)."""
    if profile is not None:
        return profile
    if case.profile is not None:
        return parse_profile(case.profile, "profile")
    org = _organisation_profile_file()
    if org is not None:
        from ipvalue.frameworks.profiles import load_profile

        return load_profile(org)
    return None


def _organisation_profile_file() -> Any:
    from ipvalue.core.settings import get_settings

    return get_settings().profile_file


def with_profile_weights(
    resolved: ResolvedCase, original: ValuationCase, profile: Profile | None
) -> ResolvedCase:
    """Replace the framework's purpose-default weights by the profile's method weights.

    Case weights always win: nothing changes when the case gives approach weights or has a
    single approach.
    """
    aps = original.approaches
    if (
        profile is None
        or profile.method_weights is None
        or len(aps) < 2
        or any(a.weight is not None for a in aps)
    ):
        return resolved
    fams: list[str] = [type(a).family for a in aps]
    weights = family_weights_to_approaches(
        fams, {str(k): v for k, v in profile.method_weights.items()}, "profile.method_weights"
    )
    kept = [
        p
        for p in resolved.parameters
        if p.factor != "method_mix" or (p.path is None and p.name != "method_weights")
    ]
    src = f"{profile.label()}: {profile.rationale}"
    added = [
        ResolvedParameter(
            "method_weights",
            str(dict(sorted(profile.method_weights.items()))),
            None,
            src,
            "input",
            "method_mix",
        )
    ]
    added += [
        ResolvedParameter(
            "weight", w, "fraction", src, "input", "method_mix", f"approaches.{i}.weight"
        )
        for i, w in enumerate(weights)
    ]
    params = tuple(kept + added)
    patches = {p.path: p.patch_value for p in params if p.path is not None}
    return dataclasses.replace(resolved, case=apply_patches(original, patches), parameters=params)


def _merge(val: Valuation, resolved: ResolvedCase) -> Valuation:
    by_path = {p.path: p for p in resolved.parameters if p.path is not None}
    assumptions: list[Assumption] = []
    for a in val.assumptions:
        p = by_path.get(a.name)
        if p is not None and a.source == "case file":  # filled by the framework, not the case
            a = dataclasses.replace(
                a,
                source=f"framework {resolved.framework} [{p.evidence}]: {p.source}",
                source_date=a.source_date or p.source_date,
                confidence=a.confidence or p.confidence,
            )
        assumptions.append(a)
    assumptions += [
        a for a in resolved.assumptions() if a.name not in {x.name for x in assumptions}
    ]
    seen = {(w.code, w.message) for w in val.warnings}
    warnings = list(val.warnings) + [
        w for w in resolved.valuation_warnings() if (w.code, w.message) not in seen
    ]
    step = TraceStep(
        step="framework_resolution",
        detail={
            "framework": resolved.framework,
            "parameters": len(resolved.parameters),
            "unconfirmed": sum(p.evidence == "U" for p in resolved.parameters),
        },
        rows=tuple(
            {
                "name": p.name,
                "path": p.path,
                "value": _scalar(p.value),
                "evidence": p.evidence,
                "factor": p.factor,
                "source": p.source,
            }
            for p in resolved.parameters
        ),
    )
    return dataclasses.replace(
        val, assumptions=tuple(assumptions), warnings=tuple(warnings), trace=(step, *val.trace)
    )


def _scalar(v: Any) -> float | str | bool | None:
    return v if isinstance(v, float | str | bool) or v is None else str(v)


def apply_profile(val: Valuation, profile: Profile | None) -> Valuation:
    """Multiply the concluded value (and range, distribution) by ``Π c_j``, traced."""
    if profile is None or not profile.coefficients:
        return val
    adj = adjust_value(val.value, profile)
    f = adj.factor
    rng = dataclasses.replace(val.range, low=val.range.low * f, high=val.range.high * f)
    dist = val.distribution
    if dist is not None:
        dist = dataclasses.replace(
            dist,
            mean=dist.mean * f,
            std=dist.std * abs(f),
            p5=dist.p5 * f,
            p50=dist.p50 * f,
            p95=dist.p95 * f,
            percentiles={k: v * f for k, v in dist.percentiles.items()},
            histogram={
                k: ([x * f for x in v] if "edge" in k else v) for k, v in dist.histogram.items()
            },
        )
    step = TraceStep(step="profile_adjustment", detail=dict(adj.detail()))
    assumptions = (
        *val.assumptions,
        *(
            Assumption(
                f"profile.coefficients.{k}", c, "factor", f"{profile.label()}: {profile.rationale}"
            )
            for k, c in adj.coefficients
        ),
    )
    return dataclasses.replace(
        val,
        value=adj.value_after,
        range=rng,
        distribution=dist,
        trace=(*val.trace, step),
        assumptions=assumptions,
    )


class _Resolved:
    """Engine stand-in framework: the case is already resolved (stops a second resolution)."""

    code = "resolved"
    resolved_already = True


RESOLVED = _Resolved()


def wants_resolution(case: Any, framework: Any) -> bool:
    """Engine hook: resolve with :func:`value_under` when the caller passes a framework, the
    case names one (``framework:``) or carries a ``profile``, or an organisation profile is set
    (setting ``profile_file``); never for :data:`RESOLVED`.
    A bare ``jurisdiction`` only supplies reference data and ``defaults``."""
    if getattr(framework, "resolved_already", False):
        return False
    return (
        framework is not None
        or getattr(case, "framework", None) is not None
        or getattr(case, "profile", None) is not None
        or _organisation_profile_file() is not None
    )


def value_under(
    case: ValuationCase,
    framework: Any,
    *,
    profile: Profile | None = None,
    seed: int | None = None,
    paths: int | None = None,
    progress: Any = None,
) -> FrameworkRun:
    """Value ``case`` under ``framework`` (a code, an object, or None for profile only).

    Steps: ``framework.resolve(case)`` → profile method weights → ``engine.value`` on the
    resolved case → framework assumptions (with evidence labels) and warnings merged, the
    engine's "case file" provenance replaced for filled fields → profile coefficients.

    Raises
    ------
    InputError
        Unknown framework, missing framework inputs, or an input the engine refuses.
    """
    from ipvalue.valuation.engine import value

    fw = get(framework) if isinstance(framework, str) else framework
    prof = case_profile(case, profile)
    if fw is None or not hasattr(fw, "resolve"):
        val = value(case, seed=seed, paths=paths, framework=RESOLVED, progress=progress)
        empty = ResolvedCase(framework="none", case=case, parameters=())
        return FrameworkRun(empty, apply_profile(val, prof), prof)
    resolved = with_profile_weights(fw.resolve(case), case, prof)
    val = value(resolved.case, seed=seed, paths=paths, framework=RESOLVED, progress=progress)
    val = _merge(val, resolved)
    return FrameworkRun(resolved, apply_profile(val, prof), prof)


def resolve_portfolio(
    case: PortfolioCase, framework: Any
) -> tuple[PortfolioCase, list[ResolvedCase]]:
    """Resolve every asset of a portfolio under one framework (same header for each asset).

    Returns the portfolio with each asset's open fields filled and the per-asset resolutions
    (their parameters, warnings and requirements).
    """
    fw = get(framework) if isinstance(framework, str) else framework
    # patent evidence was prepared before (files read once for the portfolio)
    header = case.model_dump(
        mode="python", exclude_none=True, exclude={"assets", "synergy", "patent_evidence"}
    )
    resolved: list[ResolvedCase] = []
    items: list[dict[str, Any]] = []
    for item in case.assets:
        single = ValuationCase.model_validate(
            {
                **header,
                **item.model_dump(mode="python", exclude_none=True, exclude={"patent_evidence"}),
            }
        )
        rc = fw.resolve(single)
        resolved.append(rc)
        filled = rc.case.model_dump(mode="python", exclude_none=True)
        items.append({"asset": filled["asset"], "approaches": filled["approaches"]})
    data = case.model_dump(mode="python", exclude_none=True)
    data["assets"] = items
    return PortfolioCase.model_validate(data), resolved


def value_portfolio_under(
    case: PortfolioCase, framework: Any, *, profile: Profile | None = None, resolve: bool = True
) -> Valuation:
    """Value a portfolio under ``framework`` and the enterprise profile.

    With ``resolve`` (the case or caller names a framework that can resolve) each asset is
    resolved first; framework assumptions and warnings are prefixed ``assets.<i>.``. The
    profile (``profile``, else the portfolio's inline ``profile:``, else the organisation
    file) sets method weights of unweighted assets and applies its coefficients to every asset
    and the total (:mod:`ipvalue.frameworks._portfolio_profile`).
    """
    from ipvalue.frameworks._portfolio_profile import (
        portfolio_method_weights,
        portfolio_profile_adjustment,
    )
    from ipvalue.valuation.portfolio import value_portfolio

    prof = case_profile(case, profile)
    if not (resolve and hasattr(framework, "resolve")):
        weighted, notes = portfolio_method_weights(case, prof)
        val = value_portfolio(weighted, framework=framework)
        val = dataclasses.replace(val, assumptions=(*val.assumptions, *notes))
        return portfolio_profile_adjustment(val, prof)
    filled, resolutions = resolve_portfolio(case, framework)
    filled, notes = portfolio_method_weights(filled, prof, original=case)
    val = value_portfolio(filled, framework=RESOLVED)
    val = _merge_portfolio(val, resolutions, notes)
    return portfolio_profile_adjustment(val, prof)


def _merge_portfolio(
    val: Valuation, resolutions: list[ResolvedCase], notes: list[Assumption]
) -> Valuation:
    assumptions = list(val.assumptions)
    by_warning: dict[tuple[str, str], list[int]] = {}  # the same framework warning once
    for i, rc in enumerate(resolutions):
        assumptions += [
            dataclasses.replace(a, name=f"assets.{i}.{a.name}") for a in rc.assumptions()
        ]
        for w in rc.valuation_warnings():
            by_warning.setdefault((w.code, w.message), []).append(i)
    warnings = list(val.warnings)
    for (code, message), idx in by_warning.items():
        shown = ", ".join(f"assets.{i}" for i in idx[:5])
        more = f" and {len(idx) - 5} more" if len(idx) > 5 else ""
        warnings.append(ValuationWarning(code, f"{shown}{more}: {message}"))
    step = TraceStep(
        step="framework_resolution",
        detail={
            "framework": resolutions[0].framework if resolutions else "",
            "assets": len(resolutions),
            "parameters": sum(len(r.parameters) for r in resolutions),
        },
    )
    return dataclasses.replace(
        val,
        assumptions=(*assumptions, *notes),
        warnings=tuple(warnings),
        trace=(step, *val.trace),
    )
