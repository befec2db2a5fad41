"""Australia: no local IP-valuation guidance was found (APES 225 *Valuation Services* is an
unreviewed lead), so this is the IVS framework with Australian reference data and the ITAA 1997
effective lives of intangibles for TAB. **Every convention here is ours** except the tax rate,
the effective lives and the reference figures. See docs/frameworks/au.md."""

from __future__ import annotations

from ipvalue.frameworks._ivs_context import _Ctx
from ipvalue.frameworks.ivs import IvsFramework, record_brand_methods

__all__ = ["FRAMEWORK", "AuFramework"]

OURS_AU = (
    "ipvalue default for AU: no Australian IP valuation guidance, bank IP-lending programme or "
    "advance rate was found (METHODS §6.7); IVS conventions applied, every local parameter is "
    "an input"
)


class AuFramework(IvsFramework):
    """IVS with AU tax (30 %), AU yield and risk premium, ITAA 1997 s.40-95(7) lives (S)."""

    def extra(self, ctx: _Ctx) -> None:
        record_brand_methods(ctx)
        ctx.add("au_practice", "IVS conventions (ours)", None, OURS_AU, "U", "method_mix")


FRAMEWORK = AuFramework(
    code="AU",
    name="Australia (IVS with ITAA 1997 effective lives; defaults are ipvalue's)",
    follows="IVS 105/210; ITAA 1997 s.40-95(7) effective lives of intangibles (ATO)",
    country="AU",
    currency="AUD",
)
