"""Singapore: IVS-style practice (the IPOS valuation guideline text was not retrieved, so the IVS
framework is the default) with Singapore reference data and s.19B writing-down allowances.
See docs/frameworks/sg.md."""

from __future__ import annotations

from ipvalue.frameworks._ivs_context import _Ctx
from ipvalue.frameworks.base import Requirement
from ipvalue.frameworks.ivs import IvsFramework, record_brand_methods
from ipvalue.model.case import ValuationCase

__all__ = ["FRAMEWORK", "PANEL_REQUIREMENT", "SgFramework"]

PANEL_REQUIREMENT = Requirement(
    code="sg_ip_financing_panel",
    text="under the IPOS IP Financing Scheme (Apr 2014; trade marks and copyright from 1 Jul "
    "2016) the valuation was made by one IPOS-appointed panel valuer per application; no LTV "
    "was published — check whether the lender still requires a panel valuer",
    source="METHODS §6.4 [iam-sg][managingip][spruson]",
    evidence="S",
)


class SgFramework(IvsFramework):
    """IVS with SG tax (17 %), SG yields and risk premia, and s.19B 5-year TAB (S)."""

    def requirements(self, case: ValuationCase) -> tuple[Requirement, ...]:
        reqs = super().requirements(case)
        return (*reqs, PANEL_REQUIREMENT) if case.purpose == "collateral" else reqs

    def extra(self, ctx: _Ctx) -> None:
        record_brand_methods(ctx)
        ctx.add(
            "valuation_guideline",
            "IVS (IPOS guideline text not retrieved)",
            None,
            "METHODS §6.4",
            "S",
            "method_mix",
        )


FRAMEWORK = SgFramework(
    code="SG",
    name="Singapore (IVS practice, IPOS / ACRA context)",
    follows="IVS 105/210 as practised by Singapore valuers; IP Financing Scheme panel practice",
    country="SG",
    currency="SGD",
)
