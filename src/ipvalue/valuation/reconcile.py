"""Reconciliation: weights per approach, concluded value, range and divergence check.

Weights come from the case (every approach weighted, summing to 1), else from the framework,
else from :data:`DEFAULT_FAMILY_WEIGHTS` by purpose. Default weights are set per approach
family (income, market, cost, option), renormalised over the families the case uses and split
equally between methods of one family. Sanity checks (the 25 % rule) never carry weight.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations

#: Default weight of each approach family by purpose (platform convention; no standard fixes
#: numbers — IVS 105 §10.4 asks the valuer to weigh approaches by the evidence). Rationale in
#: ``docs/methods/reconciliation.md``.
DEFAULT_FAMILY_WEIGHTS: dict[str, dict[str, float]] = {
    "transaction": {"income": 0.5, "market": 0.3, "cost": 0.1, "option": 0.1},
    "licensing": {"income": 0.6, "market": 0.4, "cost": 0.0, "option": 0.0},
    "collateral": {"income": 0.4, "market": 0.4, "cost": 0.2, "option": 0.0},
    "financial_reporting": {"income": 0.5, "market": 0.4, "cost": 0.1, "option": 0.0},
    "litigation": {"income": 0.6, "market": 0.4, "cost": 0.0, "option": 0.0},
    "tax": {"income": 0.5, "market": 0.4, "cost": 0.1, "option": 0.0},
}


@dataclass(frozen=True)
class Divergence:
    """Two approaches whose values differ by more than the threshold."""

    a: str
    b: str
    value_a: float
    value_b: float
    relative: float

    @property
    def message(self) -> str:
        hi, lo = (self.a, self.b) if self.value_a >= self.value_b else (self.b, self.a)
        vh, vl = max(self.value_a, self.value_b), min(self.value_a, self.value_b)
        return f"approaches diverge: {hi} ({vh:,.2f}) is {self.relative:.1%} above {lo} ({vl:,.2f})"


@dataclass(frozen=True)
class Reconciled:
    """Concluded value, the weights used, where they came from, range and divergences."""

    value: float
    weights: dict[str, float]
    weight_source: str
    low: float
    high: float
    divergences: tuple[Divergence, ...]
    fallback: bool = False


def default_weights(
    families: Mapping[str, str], purpose: str, table: Mapping[str, float] | None = None
) -> tuple[dict[str, float], bool]:
    """Weights per approach from family weights by purpose.

    Parameters
    ----------
    families : mapping
        Approach name -> family (``income``, ``market``, ``cost``, ``option``).
    purpose : str
        Case purpose (key of :data:`DEFAULT_FAMILY_WEIGHTS`).
    table : mapping, optional
        Family weights to use instead of the default table (a framework's).

    Returns
    -------
    weights, fallback
        Weights summing to 1. When every family present has weight 0 (e.g. only options for
        licensing), equal weights and ``fallback=True``.
    """
    fam_w = dict(table) if table is not None else DEFAULT_FAMILY_WEIGHTS[purpose]
    present = set(families.values())
    total = sum(fam_w.get(f, 0.0) for f in present)
    if total <= 0:
        k = len(families)
        return {name: 1.0 / k for name in families}, True
    count = {f: sum(1 for v in families.values() if v == f) for f in present}
    return {name: fam_w.get(f, 0.0) / total / count[f] for name, f in families.items()}, False


def divergences(values: Mapping[str, float], threshold: float) -> tuple[Divergence, ...]:
    """Pairs whose relative difference ``|a − b| / min(|a|, |b|)`` exceeds ``threshold``.

    A pair with one value 0 and the other not diverges by ``inf``; both 0 do not diverge.
    """
    out = []
    for a, b in combinations(values, 2):
        va, vb = values[a], values[b]
        lo = min(abs(va), abs(vb))
        diff = abs(va - vb)
        if diff == 0:
            continue
        rel = diff / lo if lo > 0 else float("inf")
        if rel > threshold:
            out.append(Divergence(a, b, va, vb, rel))
    return tuple(out)


def reconcile(
    values: Mapping[str, float],
    families: Mapping[str, str],
    *,
    purpose: str,
    threshold: float,
    weights: Mapping[str, float] | None = None,
    framework_weights: Mapping[str, float] | None = None,
    ranges: Mapping[str, tuple[float, float]] | None = None,
) -> Reconciled:
    """Combine approach values into one concluded value.

    Parameters
    ----------
    values : mapping
        Approach name -> value (finite).
    families : mapping
        Approach name -> family.
    purpose : str
        Case purpose, for default weights.
    threshold : float
        Divergence threshold (relative, > 0).
    weights : mapping, optional
        Case weights (all approaches, summing to 1; validated by the case model).
    framework_weights : mapping, optional
        Family weights from the framework, used when the case gives none.
    ranges : mapping, optional
        Approach name -> its own (low, high) (e.g. the comparables' spread).

    Returns
    -------
    Reconciled
        ``value = Σ w_i V_i``; the range spans the values (and own ranges) of the approaches
        with weight > 0, so the concluded value always lies inside it.
    """
    fallback = False
    if weights is not None:
        w, source = dict(weights), "case file"
    elif framework_weights is not None:
        w, fallback = default_weights(families, purpose, framework_weights)
        source = "framework default by purpose"
    else:
        w, fallback = default_weights(families, purpose)
        source = f"ipvalue default for purpose '{purpose}' (docs/methods/reconciliation.md)"
    concluded = sum(w[k] * values[k] for k in values)
    weighted = [k for k in values if w[k] > 0]
    lows = [values[k] for k in weighted]
    highs = list(lows)
    for k in weighted:
        if ranges and k in ranges:
            lows.append(ranges[k][0])
            highs.append(ranges[k][1])
    low, high = min(lows), max(highs)
    # Guard against the last-ulp rounding of Σ w_i V_i when all values are equal.
    concluded = min(max(concluded, low), high)
    return Reconciled(concluded, w, source, low, high, divergences(values, threshold), fallback)
