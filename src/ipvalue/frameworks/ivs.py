"""IVS baseline framework: IVS 105 (valuation approaches and methods) and IVS 210 (intangible
assets), with the case jurisdiction's reference data. See docs/frameworks/ivs.md."""

from __future__ import annotations

from ipvalue.frameworks._iso10668 import brand_methods_for
from ipvalue.frameworks._ivs_context import _Ctx
from ipvalue.frameworks._ivs_family import IVS_WEIGHTS, TAB_PURPOSES, IvsFamilyFramework

__all__ = ["FRAMEWORK", "IVS_WEIGHTS", "TAB_PURPOSES", "IvsFramework"]


class IvsFramework(IvsFamilyFramework):
    """IVS 105/210 with brand methods (ISO 10668) recorded for trademarks."""

    def extra(self, ctx: _Ctx) -> None:
        record_brand_methods(ctx)


def record_brand_methods(ctx: _Ctx) -> None:
    """For a trademark, name the ISO 10668 method(s) each income approach computes (U)."""
    if ctx.case.asset.type != "trademark":
        return
    for i, a in enumerate(ctx.case.approaches):
        names = [m.iso_name for m in brand_methods_for(a.method)]
        if names:
            ctx.add(
                f"approaches.{i}.iso10668_method",
                " / ".join(names),
                None,
                "ISO 10668:2010 income methods mapped onto engine methods (method names "
                "unconfirmed against the standard text)",
                "U",
                "income",
            )


FRAMEWORK = IvsFramework(
    code="IVS",
    name="International Valuation Standards (IVS 105, IVS 210)",
    follows="IVS 105 Valuation Approaches and Methods; IVS 210 Intangible Assets",
)
