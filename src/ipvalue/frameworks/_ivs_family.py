"""Resolution shared by the IVS family (IVS, SG, HK, IN, AU): IVS 105/210 practice with the
jurisdiction's reference data.

What is sourced and what is ours (docs/frameworks/ivs.md):

* tax rate: statutory CIT of the framework's country from reference data (Tax Foundation 2023);
* TAB period: METHODS §1.3 table (S); whether TAB applies for a purpose is **our** convention (U);
* discount rate: ``r = r_f + ERP + asset premium (+ size premium)`` — IVS 105/210 require a rate
  that reflects the risk of the flows but give no formula, so the build-up form is ours (U);
  ``r_f`` and ``ERP`` come from reference data, the asset premium is a required case input;
* timing (mid-year) and terminal discounting (final factor): common fair-value practice [MHH],
  not prescribed by IVS (U);
* method weights by purpose: ours (U), replaced by ``framework_inputs.*.method_weights``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from ipvalue.core.errors import InputError
from ipvalue.frameworks._inputs import inputs_for
from ipvalue.frameworks._ivs_context import OURS, _Ctx, _figure
from ipvalue.frameworks._ivs_rate import build_discount_rate
from ipvalue.frameworks._patch import apply_patches
from ipvalue.frameworks._tab_periods import tab_asset_class, tab_period
from ipvalue.frameworks.base import (
    Evidence,
    FrameworkWarning,
    Requirement,
    ResolvedCase,
)
from ipvalue.model.case import ValuationCase

#: Approach-family weights by purpose when the case gives none (U: ipvalue convention).
IVS_WEIGHTS: dict[str, dict[str, float]] = {
    "transaction": {"income": 0.5, "market": 0.3, "cost": 0.1, "option": 0.1},
    "licensing": {"income": 0.6, "market": 0.3, "cost": 0.05, "option": 0.05},
    "collateral": {"income": 0.4, "market": 0.4, "cost": 0.15, "option": 0.05},
    "financial_reporting": {"income": 0.6, "market": 0.25, "cost": 0.1, "option": 0.05},
    "litigation": {"income": 0.6, "market": 0.3, "cost": 0.05, "option": 0.05},
    "tax": {"income": 0.5, "market": 0.3, "cost": 0.15, "option": 0.05},
}
#: Purposes for which TAB applies by default (a market-participant buyer who can amortise).
TAB_PURPOSES = frozenset({"financial_reporting", "transaction", "tax"})


@dataclass(frozen=True)
class IvsFamilyFramework:
    """An IVS-based framework bound to one country's reference data.

    Parameters are class attributes so that jurisdictions differ only where their practice does
    (see sg.py, hk.py, in_.py, au.py). ``country`` None means "the case's jurisdiction" (IVS).
    """

    code: str
    name: str
    follows: str
    country: str | None = None
    currency: str | None = None
    timing: str = "mid"
    timing_source: str = f"{OURS}; mid-year is common fair-value practice [MHH]"
    timing_evidence: Evidence = "U"
    terminal_discounting: str = "final_factor"
    tab_purposes: frozenset[str] = TAB_PURPOSES
    weights_by_purpose: Mapping[str, Mapping[str, float]] = field(
        default_factory=lambda: IVS_WEIGHTS
    )
    rate_source: str = (
        "IVS 105 / IVS 210 (rate reflects the risk of the flows); build-up form r = r_f + ERP "
        "+ asset premium (+ size premium) is an ipvalue convention"
    )
    framework_requirements: tuple[Requirement, ...] = ()

    # -- protocol -------------------------------------------------------------------------
    def resolve(self, case: ValuationCase) -> ResolvedCase:
        """Fill the open parameters of ``case`` (see the module docstring for the sources).

        Raises
        ------
        InputError
            No country for reference data, a missing asset premium when a discount rate must
            be built, or a reference figure that is missing (the message says what to give).
        """
        inputs, origin = inputs_for(case, self.code)
        country = self._country(case)
        ctx = _Ctx(self.code, case, inputs, origin, country)
        a: Any
        for i, a in enumerate(case.approaches):
            self._conventions(ctx, i, a)
            if hasattr(a, "discount_rate") and a.discount_rate is None:
                self.discount_rate(ctx, i)
            if (
                hasattr(a, "tax_rate")
                and getattr(a, "tax_rate", None) is None
                and (a.method != "regional_income")
            ):
                self.tax_rate(ctx, i)
            if hasattr(a, "tab") and a.tab is None:
                self.tab(ctx, i)
            if getattr(a, "method", None) == "relief_from_royalty" and a.royalty_rate is None:
                self.royalty(ctx, i)
        self.economic_life(ctx)
        self.weights(ctx)
        self.fx(ctx)
        self.extra(ctx)
        patches = {p.path: p.patch_value for p in ctx.params if p.path is not None}
        return ResolvedCase(
            framework=self.code,
            case=apply_patches(case, patches),
            parameters=tuple(ctx.params),
            requirements=self.requirements(case),
            extra_warnings=tuple(ctx.warnings),
        )

    def defaults(self, case: Any) -> dict[str, Any]:
        """Conventions for a case that only names a jurisdiction: none.

        Every convention of the IVS family is U (ours) or depends on the purpose, so none is
        applied silently; a case that names ``framework:`` gets the full :meth:`resolve`, with
        a warning for each U parameter.
        """
        return {}

    #: Scoring systems this framework grades with (``ipvalue score --framework …``).
    scoring_systems: tuple[str, ...] = ("ipscore",)

    def score(self, case: ValuationCase, *, base_dir: Path | None = None) -> dict[str, Any]:
        """Grade the asset: IVS prescribes no grade, so the IPscore-style questionnaire (any
        asset, any jurisdiction; ``framework_inputs.IPSCORE``) is used, tagged with this
        framework's code.

        Raises
        ------
        InputError
            No ``framework_inputs.IPSCORE`` block, or an invalid answer (named by field).
        """
        from ipvalue.frameworks._scoring_case import score_case

        out = score_case(case, "ipscore", base_dir=base_dir or Path("."))
        return {**out, "valuation_framework": self.code}

    def requirements(self, case: ValuationCase) -> tuple[Requirement, ...]:
        reqs = list(self.framework_requirements)
        if case.asset.type == "trademark":
            from ipvalue.frameworks._iso10668 import ISO10668_REQUIREMENT

            reqs.append(ISO10668_REQUIREMENT)
        return tuple(reqs)

    # -- parts (overridable) --------------------------------------------------------------
    def _country(self, case: ValuationCase) -> str:
        if self.country:
            return self.country
        c = case.jurisdiction or (case.asset.jurisdictions[0] if case.asset.jurisdictions else None)
        if c is None:
            raise InputError(
                "jurisdiction",
                f"framework {self.code} needs the case jurisdiction (or asset.jurisdictions) to "
                "take the tax rate, risk-free rate and risk premium from reference data",
            )
        return c

    def _conventions(self, ctx: _Ctx, i: int, a: Any) -> None:
        conv = ctx.case.conventions
        if hasattr(a, "timing") and a.timing is None and conv.timing is None:
            ctx.add(
                "timing",
                self.timing,
                None,
                self.timing_source,
                self.timing_evidence,
                "discount_rate",
                f"approaches.{i}.timing",
            )
        if (
            hasattr(a, "terminal_discounting")
            and a.terminal_discounting is None
            and conv.terminal_discounting is None
            and getattr(a, "terminal_growth", None) is not None
        ):
            ctx.add(
                "terminal_discounting",
                self.terminal_discounting,
                None,
                f"{OURS}; DF_TV = DF_N [MHH]",
                "U",
                "discount_rate",
                f"approaches.{i}.terminal_discounting",
            )

    def discount_rate(self, ctx: _Ctx, i: int) -> None:
        """``r = r_f + ERP + asset premium (+ size premium)``, put on the case currency."""
        build_discount_rate(self, ctx, i)

    def tax_rate(self, ctx: _Ctx, i: int) -> None:
        ref = f"country_parameters/{ctx.country}/cit_statutory_combined_pct"
        f = _figure(ctx, ref, f"approaches.{i}.tax_rate")
        ctx.add(
            "tax_rate",
            f.as_float(),
            "fraction",
            f"refdata {ref}: {f.source}",
            "refdata",
            "tax_tab",
            f"approaches.{i}.tax_rate",
            {"ref": ref},
            source_date=f.source_date,
            confidence=f.confidence,
        )

    def tab(self, ctx: _Ctx, i: int) -> None:
        """TAB on/off by purpose (U) or input; period from the METHODS §1.3 table (S)."""
        inp, case = ctx.inputs, ctx.case
        path = f"approaches.{i}.tab"
        if inp.tab is not None:
            on, src, ev = inp.tab, "case input", cast(Evidence, "input")
        else:
            on = case.purpose in self.tab_purposes
            src = (
                f"{OURS}: TAB for purposes {sorted(self.tab_purposes)} (market-participant "
                "buyer who can amortise); IVS 210 and ICAI VS 302 ¶40–42 treat TAB as a "
                "special topic"
            )
            ev = cast(Evidence, "U")
        if not on:
            ctx.add("tab", False, None, src, ev, "tax_tab", path, False)
            return
        cls = tab_asset_class(case.asset.type)
        if inp.tab_declining_rate is not None:
            ctx.add("tab", True, None, src, ev, "tax_tab")
            self._declining_tab(ctx, path, inp.tab_declining_rate, "case input", "input")
            return
        if inp.tab_period_years is not None:
            ctx.add("tab", True, None, src, ev, "tax_tab")
            ctx.add(
                "tab_period_years",
                inp.tab_period_years,
                "years",
                "case input",
                "input",
                "tax_tab",
                path,
                {"period_years": inp.tab_period_years},
            )
            return
        tp = tab_period(ctx.country, cls)
        if tp is None:
            ctx.warnings.append(
                FrameworkWarning(
                    "tab_period_unknown",
                    f"{self.code}: no tax amortisation period found for {cls} in {ctx.country} "
                    f"(METHODS §1.3); TAB not applied — give {ctx.input_field('tab_period_years')}",
                )
            )
            ctx.add(
                "tab", False, None, "tax amortisation period not found", "U", "tax_tab", path, False
            )
            return
        if tp.declining_rate is not None:
            ctx.add("tab", True, None, src, ev, "tax_tab")
            self._declining_tab(ctx, path, tp.declining_rate, f"{tp.basis} — {tp.source}", "S")
            return
        if tp.years is None:
            ctx.add(
                "tab",
                False,
                None,
                f"{cls} not amortisable for tax in {ctx.country}: {tp.basis} — {tp.source}",
                "S",
                "tax_tab",
                path,
                False,
            )
            return
        ctx.add("tab", True, None, src, ev, "tax_tab")
        ctx.add(
            "tab_period_years",
            tp.years,
            "years",
            f"{tp.basis} — {tp.source}",
            "S",
            "tax_tab",
            path,
            {"period_years": tp.years},
        )

    def _declining_tab(
        self, ctx: _Ctx, path: str, rate: float, source: str, evidence: Evidence
    ) -> None:
        """A written-down-value TAB: ``tab: {declining_rate: δ[, first_year_fraction: h]}``."""
        h = ctx.inputs.tab_first_year_fraction
        patch = {"declining_rate": rate} | ({} if h is None else {"first_year_fraction": h})
        ctx.add(
            "tab_declining_rate",
            rate,
            "fraction per year",
            source,
            evidence,
            "tax_tab",
            path,
            patch,
        )
        if h is not None:
            ctx.add("tab_first_year_fraction", h, "fraction", "case input", "input", "tax_tab")

    def royalty(self, ctx: _Ctx, i: int) -> None:
        """A royalty benchmark only when the case names one (IVS prescribes no table)."""
        ref = ctx.inputs.royalty_benchmark
        if ref is None:
            return  # left open: the engine reports approaches.i.royalty_rate as required
        f = _figure(ctx, ref, f"approaches.{i}.royalty_rate")
        ctx.add(
            "royalty_rate",
            f.as_float(),
            f.unit,
            f"refdata {ref}: {f.source} (benchmark "
            "chosen in the case; a survey average bounds the rate, it is not the subject's)",
            "input",
            "income",
            f"approaches.{i}.royalty_rate",
            {"ref": ref},
            source_date=f.source_date,
            confidence=f.confidence,
        )

    def economic_life(self, ctx: _Ctx) -> None:
        """IVS 210 treats economic life as a special topic without a default: case input."""
        life = ctx.case.asset.economic_life_years
        if life is not None:
            ctx.add("economic_life_years", life, "years", "case input", "input", "economic_life")

    def weights(self, ctx: _Ctx) -> None:
        aps = ctx.case.approaches
        if len(aps) < 2 or any(a.weight is not None for a in aps):
            return
        if ctx.inputs.method_weights is not None:
            table: Mapping[str, float] = {str(k): v for k, v in ctx.inputs.method_weights.items()}
            src, ev = "case input (method_weights)", cast(Evidence, "input")
        else:
            table = self.weights_by_purpose.get(ctx.case.purpose, {})
            src = f"{OURS}: default weights for purpose {ctx.case.purpose}"
            ev = cast(Evidence, "U")
        fams = [type(a).family for a in aps]
        counts = {f: fams.count(f) for f in set(fams)}
        total = sum(table.get(f, 0.0) for f in counts)
        if total <= 0:
            raise InputError(
                ctx.input_field("method_weights"),
                f"give weights for the approach families present {sorted(counts)}",
            )
        raw = [table.get(f, 0.0) / counts[f] / total for f in fams]
        raw[-1] = 1.0 - sum(raw[:-1])  # exact sum: the last weight absorbs rounding
        ctx.add(
            "method_weights",
            str({f: table.get(f, 0.0) for f in sorted(counts)}),
            None,
            f"{src}; shared equally within a family, renormalised over families present",
            ev,
            "method_mix",
        )
        for i, w in enumerate(raw):
            ctx.add("weight", w, "fraction", src, ev, "method_mix", f"approaches.{i}.weight")

    def fx(self, ctx: _Ctx) -> None:
        if ctx.inputs.fx_rate is not None:
            ctx.add(
                "fx_rate",
                ctx.inputs.fx_rate,
                f"{self.currency or ctx.case.currency} per {ctx.case.currency}",
                "case input",
                "input",
                "fx",
            )

    def extra(self, ctx: _Ctx) -> None:
        """Jurisdiction-specific additions (overridden by SG, HK, IN, AU)."""
