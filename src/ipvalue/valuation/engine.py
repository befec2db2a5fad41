"""``value(case) -> Valuation``: resolve, evaluate each approach, simulate, reconcile, trace.

The flow (ARCHITECTURE.md): resolve every parameter with its source
(:mod:`ipvalue.valuation.resolve`), evaluate each approach with one evaluate function per
method (deterministic ``n = 1``; Monte Carlo with the same function over paths), reconcile
(:mod:`ipvalue.valuation.reconcile`), and assemble a frozen :class:`~ipvalue.model.Valuation`
with assumptions, warnings, tornado sensitivity and a per-year calculation trace.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ipvalue.core.errors import InputError
from ipvalue.model.case import ValuationCase
from ipvalue.model.portfolio import PortfolioCase
from ipvalue.model.result import (
    ApproachValue,
    Assumption,
    DistributionSummary,
    SensitivityBar,
    TraceStep,
    Valuation,
    ValuationWarning,
    ValueRange,
)
from ipvalue.valuation._engine_methods import EVALUATORS, Outcome
from ipvalue.valuation._engine_trace import approach_trace, outcome_warnings
from ipvalue.valuation.reconcile import Reconciled, reconcile
from ipvalue.valuation.resolve import Resolution, ResolvedApproach, resolve

Progress = Callable[[int, int], None]


def evaluate_approach(
    ra: ResolvedApproach,
    p: Mapping[str, Any],
    n: int,
    *,
    invalid: str = "raise",
    series: bool = True,
) -> Outcome:
    """Evaluate one resolved approach on parameters ``p`` (floats or arrays of shape ``(n,)``)."""
    fn = EVALUATORS[ra.model.method]
    try:
        return fn(ra.model, ra.settings, p, n, invalid, series)  # type: ignore[arg-type]
    except InputError as exc:
        # Kernels name their own arguments; report the case field path instead.
        head, _, rest = exc.field.partition(".")
        field = _KERNEL_FIELDS.get(head, head) + (f".{rest}" if rest else "")
        raise InputError(f"{ra.prefix}{field}", exc.rule) from None


_KERNEL_FIELDS = {
    "rate": "discount_rate",
    "life": "life (asset legal term / economic life)",
    "tv_discounting": "terminal_discounting",
    "tab": "tab",
}


def framework_for(case: ValuationCase | PortfolioCase, framework: Any = None) -> Any:
    """The framework object to apply: the argument, else the case's ``framework`` or
    ``jurisdiction`` code looked up in :mod:`ipvalue.frameworks` (None when neither)."""
    if framework is not None and not isinstance(framework, str):
        return framework
    code = framework or case.framework or case.jurisdiction
    if code is None:
        return None
    import importlib

    get = getattr(importlib.import_module("ipvalue.frameworks"), "get", None)
    if get is None:  # frameworks package without a registry: conventions stay explicit
        return None
    try:
        return get(code)
    except (KeyError, LookupError):
        if framework or case.framework:
            raise InputError("framework", f"unknown framework code {code!r}") from None
        return None  # a jurisdiction without a framework: reference data only


@dataclass(frozen=True)
class _Run:
    """Deterministic values of one asset's approaches, reconciled."""

    resolution: Resolution
    outcomes: dict[str, Outcome]
    reconciled: Reconciled
    families: dict[str, str]


def _deterministic(res: Resolution, case: Any, threshold: float) -> _Run:
    outcomes: dict[str, Outcome] = {}
    for ra in res.approaches:
        out = evaluate_approach(ra, ra.params, 1)
        v = float(out.value[0])
        if not math.isfinite(v):
            raise InputError(ra.prefix.rstrip("."), "the inputs give no finite value")
        outcomes[ra.name] = out
    values = {k: float(o.value[0]) for k, o in outcomes.items()}
    families = {ra.name: ra.model.family for ra in res.approaches}
    ranges = {
        k: (float(o.low[0]), float(o.high[0]))
        for k, o in outcomes.items()
        if o.low is not None and o.high is not None
    }
    weights = None
    if res.approaches[0].model.weight is not None:
        weights = {ra.name: ra.params["weight"] for ra in res.approaches}
        if abs(sum(weights.values()) - 1) > 1e-9:
            raise InputError("approaches.*.weight", "weights must sum to 1")
    rec = reconcile(
        values,
        families,
        purpose=case.purpose,
        threshold=threshold,
        weights=weights,
        framework_weights=res.weights_by_purpose,
        ranges=ranges,
    )
    return _Run(res, outcomes, rec, families)


def _threshold(case: Any) -> float:
    from ipvalue.core.settings import get_settings

    t = case.reconciliation.divergence_threshold
    return float(t if t is not None else get_settings().divergence_threshold)


def _concluded_evaluator(run: _Run) -> Callable[[dict[str, np.ndarray]], np.ndarray]:
    """``evaluate(params) -> concluded values`` over absolute parameter paths (Monte Carlo)."""
    approaches = run.resolution.approaches
    weights = run.reconciled.weights

    def evaluate(params: dict[str, np.ndarray]) -> np.ndarray:
        m = len(next(iter(params.values()))) if params else 1
        total = np.zeros(m)
        for ra in approaches:
            w = weights[ra.name]
            if w == 0:
                continue
            p = {k: params.get(ra.prefix + k, v) for k, v in ra.params.items()}
            out = evaluate_approach(ra, p, m, invalid="nan", series=False)
            total = total + w * np.where(out.valid, out.value, np.nan)
        return total

    return evaluate


def _dists(run: _Run) -> dict[str, Any]:
    return {
        ra.prefix + k: d
        for ra in run.resolution.approaches
        if run.reconciled.weights[ra.name] > 0
        for k, d in ra.dists.items()
    }


def _simulate(
    case: ValuationCase, run: _Run, *, paths: int, seed: int | None, progress: Progress | None
) -> tuple[DistributionSummary, list[ValuationWarning]]:
    from ipvalue.core.settings import get_settings
    from ipvalue.valuation.simulate import run_monte_carlo

    dists = _dists(run)
    correlation = None
    if case.simulation and case.simulation.correlations:
        correlation = {}
        for i, c in enumerate(case.simulation.correlations):
            for side in ("a", "b"):
                if getattr(c, side) not in dists:
                    raise InputError(
                        f"simulation.correlations.{i}.{side}",
                        f"must name an uncertain input, one of: {', '.join(dists) or 'none'}",
                    )
            correlation[(c.a, c.b)] = c.rho
    s = run_monte_carlo(
        _concluded_evaluator(run),
        dists,
        paths=paths,
        seed=seed,
        chunk_size=get_settings().mc_chunk_size,
        correlation=correlation,
        progress=progress,
    )
    summary = DistributionSummary(
        mean=s.mean,
        std=s.std,
        p5=s.p5,
        p50=s.p50,
        p95=s.p95,
        n=s.n,
        seed=s.seed,
        rejected=s.rejected,
        percentiles=dict(s.percentiles),
        histogram=s.histogram.to_dict(),
    )
    warns = [ValuationWarning(w.code, w.message) for w in s.warnings]
    return summary, warns


def _simulation_trace(case: ValuationCase, run: _Run, dist: DistributionSummary) -> TraceStep:
    """What was simulated: each uncertain input's distribution and base point, the rank
    correlations, paths, seed and rejected paths — enough to rerun and to defend it."""
    from ipvalue.core.settings import get_settings

    corr = case.simulation.correlations if case.simulation else []
    base = {ra.prefix + k: v for ra in run.resolution.approaches for k, v in ra.params.items()}
    rows = []
    for name, d in _dists(run).items():
        spec = d.model_dump(exclude_none=True)
        kind = spec.pop("dist")
        args = ", ".join(f"{k}={v}" for k, v in spec.items())
        rows.append({"input": name, "distribution": f"{kind}({args})", "base": base.get(name)})
    return TraceStep(
        step="monte_carlo",
        detail={
            "paths": dist.n + dist.rejected,
            "accepted": dist.n,
            "rejected": dist.rejected,
            "seed": dist.seed,
            "chunk_size": get_settings().mc_chunk_size,
            "correlations": "; ".join(f"{c.a} ~ {c.b}: rho = {c.rho:g}" for c in corr)
            or "none (independent draws)",
            "correlation_method": "Gaussian copula on ranks" if corr else "",
            "concluded_per_path": "value = Σ weight_i · value_i(path), deterministic weights",
        },
        rows=tuple(rows),
    )


def _tornado(run: _Run) -> tuple[tuple[SensitivityBar, ...], list[ValuationWarning]]:
    """One-at-a-time sensitivity of the concluded value (:func:`~ipvalue.valuation.sensitivity.
    tornado`): each uncertain input of a weighted approach at its p10 and p90 (METHODS
    convention), the others at their base points; fixed inputs are not moved.

    A bar whose low or high scenario has no finite value (e.g. growth reaching the discount
    rate) cannot be drawn: it is left out and named in a ``tornado_scenario_invalid`` warning.
    """
    from ipvalue.valuation.sensitivity import tornado

    dists = _dists(run)
    if not dists:
        return (), []
    # One call per scenario: each bar is exactly what a deterministic run at that input gives.
    t = tornado(
        _concluded_evaluator(run), dists, low_quantile=0.1, high_quantile=0.9, vectorised=False
    )
    bars = tuple(
        SensitivityBar(b.name, b.low_input, b.high_input, b.low_value, b.high_value)
        for b in t.bars
        if b.low_value is not None and b.high_value is not None
    )
    warns = [
        ValuationWarning("tornado_scenario_invalid", f"sensitivity bar left out: {w}")
        for w in t.warnings
    ]
    return bars, warns


def _approach_values(run: _Run) -> tuple[ApproachValue, ...]:
    out = []
    for ra in run.resolution.approaches:
        o = run.outcomes[ra.name]
        out.append(
            ApproachValue(
                approach=ra.model.family,
                method=ra.model.method,
                id=ra.name,
                value=float(o.value[0]),
                weight=run.reconciled.weights[ra.name],
                low=None if o.low is None else float(o.low[0]),
                high=None if o.high is None else float(o.high[0]),
            )
        )
    return tuple(out)


def _recon_trace(run: _Run) -> TraceStep:
    r = run.reconciled
    return TraceStep(
        step="reconciliation",
        detail={
            "weight_source": r.weight_source,
            "concluded": r.value,
            "low": r.low,
            "high": r.high,
            "formula": "value = Σ weight_i · value_i",
        },
        rows=tuple(
            {
                "approach": k,
                "value": float(run.outcomes[k].value[0]),
                "weight": w,
                "weighted": w * float(run.outcomes[k].value[0]),
            }
            for k, w in r.weights.items()
        ),
    )


def _run_warnings(run: _Run, case: Any, asset: Any) -> list[ValuationWarning]:
    warns = list(run.resolution.warnings)
    for ra in run.resolution.approaches:
        warns.extend(outcome_warnings(ra, run.outcomes[ra.name], asset))
    if run.reconciled.fallback:
        warns.append(
            ValuationWarning(
                "default_weights_fallback",
                f"no default weight for the approach families used for purpose '{case.purpose}'; "
                "equal weights applied — set approach weights in the case",
            )
        )
    warns.extend(
        ValuationWarning("approaches_diverge", d.message) for d in run.reconciled.divergences
    )
    return warns


def _software_version() -> str:
    from ipvalue import __version__

    return __version__


def _refdata_version() -> str | None:
    try:
        from ipvalue.refdata import refdata_version
    except ImportError:  # pragma: no cover - refdata is part of the package
        return None
    return refdata_version()


def _has_dists(run: _Run) -> bool:
    return bool(_dists(run))


def value(
    case: ValuationCase | PortfolioCase,
    *,
    seed: int | None = None,
    paths: int | None = None,
    framework: Any = None,
    progress: Progress | None = None,
) -> Valuation:
    """Value a case.

    Parameters
    ----------
    case : ValuationCase or PortfolioCase
        A validated case (see :func:`ipvalue.load_case`).
    seed : int, optional
        Monte Carlo seed; overrides ``simulation.seed``. Drawn from OS entropy when neither is
        given, and always recorded in ``distribution.seed``.
    paths : int, optional
        Monte Carlo paths; overrides ``simulation.paths``. A case with uncertain inputs is
        simulated when ``paths`` is given or the case has a ``simulation`` section (default
        paths: setting ``mc_paths``); otherwise the deterministic run uses base points.
    framework : Framework or str, optional
        Framework overriding the case's ``framework``/``jurisdiction``.
    progress : callable, optional
        ``progress(done, total)`` during simulation.

    Returns
    -------
    Valuation
        Concluded value, range (approaches, or p5–p95 when simulated), approach values and
        weights, assumptions with sources, warnings, sensitivity and trace.

    Raises
    ------
    InputError
        A parameter is missing or out of range after resolution, or a deterministic run gives
        no finite value.
    """
    from ipvalue import evidence

    if isinstance(case, ValuationCase) and evidence.applies(case):  # read once, attached
        return evidence.value_with_evidence(
            case, lambda c: value(c, seed=seed, paths=paths, framework=framework, progress=progress)
        )
    if isinstance(case, PortfolioCase):
        if case.patent_evidence is not None:  # files read once; per-asset evidence as columns
            return evidence.value_portfolio_with_evidence(
                case,
                lambda c: value(c, seed=seed, paths=paths, framework=framework, progress=progress),
            )
        from ipvalue.valuation.portfolio import value_portfolio

        fw = framework_for(case, framework)
        from ipvalue.frameworks._valuate import value_portfolio_under, wants_resolution

        if wants_resolution(case, framework):  # framework resolve + profile (frameworks stream)
            named = framework is not None or case.framework is not None
            return value_portfolio_under(case, fw, resolve=named)
        return value_portfolio(case, framework=fw)
    if paths is not None and paths < 1:
        raise InputError("--paths", "must be >= 1")
    from ipvalue.frameworks._valuate import value_under, wants_resolution

    if wants_resolution(case, framework):  # framework resolve + profile (frameworks stream)
        fw_obj = framework_for(case, framework) if framework or case.framework else None
        return value_under(case, fw_obj, seed=seed, paths=paths, progress=progress).valuation
    fw = framework_for(case, framework)
    case, fw_assumptions, fw_warnings, fw_trace = _apply_framework(fw, case)
    res = resolve(case, case.asset, case.approaches, framework=fw)
    # A field the framework filled is in the resolved case and would be recorded again as
    # "case file": keep only the framework's entry, which names the real source.
    filled = {a.name for a in fw_assumptions}
    res.assumptions[:] = fw_assumptions + [a for a in res.assumptions if a.name not in filled]
    run = _deterministic(res, case, _threshold(case))
    warnings = fw_warnings + _run_warnings(run, case, case.asset)
    trace = fw_trace + [approach_trace(ra, run.outcomes[ra.name]) for ra in res.approaches]
    trace.append(_recon_trace(run))
    rng = ValueRange(run.reconciled.low, run.reconciled.high, "approaches")
    dist = None
    simulate = _has_dists(run) and (paths is not None or case.simulation is not None)
    if simulate:
        from ipvalue.core.settings import get_settings

        n = paths or (case.simulation.paths if case.simulation else None)
        n = n or get_settings().mc_paths
        s = seed if seed is not None else (case.simulation.seed if case.simulation else None)
        dist, sim_warns = _simulate(case, run, paths=n, seed=s, progress=progress)
        warnings.extend(sim_warns)
        trace.append(_simulation_trace(case, run, dist))
        rng = ValueRange(dist.p5, dist.p95, "monte_carlo_p5_p95")
    elif paths is not None:
        warnings.append(
            ValuationWarning(
                "nothing_uncertain",
                "--paths given but no weighted input is a distribution: deterministic result",
            )
        )
    bars, tornado_warns = _tornado(run)
    warnings.extend(tornado_warns)
    assumptions: list[Assumption] = list(res.assumptions)
    return Valuation(
        case_id=case.id,
        valuation_date=case.valuation_date,
        value=run.reconciled.value,
        currency=case.currency,
        range=rng,
        approaches=_approach_values(run),
        assumptions=tuple(assumptions),
        warnings=tuple(warnings),
        trace=tuple(trace),
        software_version=_software_version(),
        refdata_version=_refdata_version(),
        distribution=dist,
        sensitivity=bars,
        sanity_checks=tuple(_sanity_checks(run)),
    )


def _apply_framework(
    fw: Any, case: ValuationCase
) -> tuple[ValuationCase, list[Assumption], list[ValuationWarning], list[TraceStep]]:
    """Let the framework fill the case's open parameters (case values are never replaced) and
    record what it filled, with evidence labels, as assumptions and warnings."""
    if fw is None or not hasattr(fw, "resolve"):
        return case, [], [], []
    rc = fw.resolve(case)
    assumptions = [
        Assumption(
            p.path or f"framework.{p.name}",
            p.value,
            p.unit,
            f"{rc.framework} [{p.evidence}]: {p.source}",
            p.source_date,
            p.confidence,
        )
        for p in rc.parameters
        if p.evidence != "input"
    ]
    warnings = [ValuationWarning(w.code, w.message) for w in rc.warnings()]
    trace = [
        TraceStep(
            step="framework",
            detail={"framework": rc.framework, "parameters": len(rc.parameters)},
            rows=tuple(
                {"requirement": r.code, "text": r.text, "source": r.source, "evidence": r.evidence}
                for r in rc.requirements
            ),
        )
    ]
    return rc.case, assumptions, warnings, trace


def _sanity_checks(run: _Run) -> list[TraceStep]:
    out = []
    for ra in run.resolution.approaches:
        o = run.outcomes[ra.name]
        if "rule_of_25_value" in o.detail:
            out.append(
                TraceStep(
                    step="sanity_check.rule_of_25",
                    approach=ra.name,
                    detail={
                        "label": "sanity check, not a valuation method (Uniloc v. Microsoft, "
                        "Fed. Cir. 2011); excluded from reconciliation",
                        "value": float(o.detail["rule_of_25_value"][0]),
                        "split_rate": 0.25,
                    },
                )
            )
    return out
