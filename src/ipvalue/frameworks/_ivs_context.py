"""Resolution context shared by the IVS-family modules: collected parameters and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ipvalue.core.errors import InputError
from ipvalue.frameworks._inputs import FrameworkInputs
from ipvalue.frameworks.base import (
    Evidence,
    Factor,
    FrameworkWarning,
    ResolvedParameter,
)
from ipvalue.model.case import ValuationCase

OURS = "ipvalue convention (docs/frameworks/ivs.md: not prescribed by the standard)"


@dataclass
class _Ctx:
    code: str
    case: ValuationCase
    inputs: FrameworkInputs
    origin: dict[str, str]
    country: str
    params: list[ResolvedParameter] = field(default_factory=list)
    warnings: list[FrameworkWarning] = field(default_factory=list)

    def add(
        self,
        name: str,
        value: Any,
        unit: str | None,
        source: str,
        evidence: Evidence,
        factor: Factor,
        path: str | None = None,
        patch: Any = None,
        **kw: Any,
    ) -> None:
        self.params.append(
            ResolvedParameter(name, value, unit, source, evidence, factor, path, patch, **kw)
        )

    def input_field(self, name: str) -> str:
        return f"framework_inputs.{self.origin.get(name, self.code)}.{name}"


def _country_of_currency(ccy: str) -> str | None:
    """The reference-data country whose currency is ``ccy`` (EUR → DE); None if not unique."""
    from ipvalue.refdata import get_table

    rows = get_table("country_parameters").rows
    hits = [k for k, r in rows.items() if r.cells.get("currency_iso4217", "").strip() == ccy]
    return hits[0] if len(hits) == 1 else None


def _figure(ctx: _Ctx, ref: str, hint: str, *, warn: bool = False) -> Any:
    """Look up ``ref``; with ``warn`` add its staleness / look-ahead / confidence warnings (for
    components the engine never sees; figures written as ``{ref}`` are checked by the engine)."""
    from ipvalue.refdata import figure_warnings, lookup

    try:
        fig = lookup(ref)
    except InputError as exc:
        raise InputError(exc.field, f"{exc.rule}; or give {hint}") from None
    if warn:
        for w in figure_warnings(fig, ctx.case.valuation_date):
            ctx.warnings.append(FrameworkWarning(w.code, f"{ctx.code}: {w.message}"))
    return fig
