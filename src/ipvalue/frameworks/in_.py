"""India: ICAI Valuation Standard 302 *Intangible Assets* (2018): economic useful life (¶30–33),
discount rates (¶34–39), tax amortisation benefit (¶40–42), with Indian reference data and the
Income Tax Act s.32 25 % block for TAB (S). See docs/frameworks/in.md."""

from __future__ import annotations

from ipvalue.frameworks._ivs_context import _Ctx
from ipvalue.frameworks.base import FrameworkWarning, Requirement
from ipvalue.frameworks.ivs import IvsFramework, record_brand_methods

__all__ = ["FRAMEWORK", "ICAI_REQUIREMENT", "InFramework"]

ICAI_REQUIREMENT = Requirement(
    code="icai_vs_302",
    text="ICAI Valuation Standard 302 Intangible Assets (June 2018) applies until the Central "
    "Government notifies standards under Rule 18 of the Companies (Registered Valuers and "
    "Valuation) Rules, 2017; its effective date of 1 Jul 2018 is unconfirmed",
    source="ICAI VS 302 [ICAI302][ICAI-final]; METHODS §6.6",
    evidence="S",
)


class InFramework(IvsFramework):
    """ICAI VS 302 on top of the IVS family, with IN tax (30 %), yield and risk premium."""

    def economic_life(self, ctx: _Ctx) -> None:
        life = ctx.case.asset.economic_life_years
        if life is not None:
            ctx.add(
                "economic_life_years",
                life,
                "years",
                "case input (ICAI VS 302 ¶30–33: economic useful life)",
                "input",
                "economic_life",
            )
            return
        ctx.warnings.append(
            FrameworkWarning(
                "icai_useful_life_not_assessed",
                "IN: ICAI VS 302 ¶30–33 requires the economic useful life to be assessed; none "
                "given (asset.economic_life_years), so only the remaining legal term caps the "
                "income period",
            )
        )

    def extra(self, ctx: _Ctx) -> None:
        record_brand_methods(ctx)


FRAMEWORK = InFramework(
    code="IN",
    name="India (ICAI Valuation Standard 302)",
    follows="ICAI VS 302 Intangible Assets (2018): ¶30–33 useful life, ¶34–39 discount rate, "
    "¶40–42 TAB, ¶43–91 approaches",
    country="IN",
    currency="INR",
    rate_source="ICAI VS 302 ¶34–39 (rate consistent with the risk of the flows); build-up form "
    "r = r_f + ERP + asset premium (+ size premium) is an ipvalue convention",
    framework_requirements=(ICAI_REQUIREMENT,),
)
