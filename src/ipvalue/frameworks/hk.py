"""Hong Kong: HKIS Valuation Standards (2017, 2020) require IVS compliance (VGN2 on intangible
assets); reports must be producible in English and Traditional Chinese. See
docs/frameworks/hk.md."""

from __future__ import annotations

from ipvalue.frameworks._ivs_context import _Ctx
from ipvalue.frameworks.base import Requirement
from ipvalue.frameworks.ivs import IvsFramework, record_brand_methods

__all__ = ["BILINGUAL_REQUIREMENT", "FRAMEWORK", "REPORT_LANGUAGES", "HkFramework"]

#: BCP 47 tags of the report languages; reports set ``lang`` per block.
REPORT_LANGUAGES: tuple[str, ...] = ("en", "zh-Hant-HK")

BILINGUAL_REQUIREMENT = Requirement(
    code="hk_bilingual_report",
    text="the report must be producible in English and Chinese (Traditional), Hong Kong's "
    "official languages, with a lang tag per block (en, zh-Hant-HK) / 報告須備有英文及繁體中文版本",
    source="Official Languages Ordinance (Cap. 5) [Cap5]; METHODS §6.5",
    evidence="V",
)
HKIS_REQUIREMENT = Requirement(
    code="hkis_vs1",
    text="comply with IVS and the HKIS Valuation Standards (VS1; guidance note VGN2 on "
    "intangible assets)",
    source="HKIS Valuation Standards 2017 and 2020 [HKIS-17][HKIS-20]",
    evidence="V",
)


class HkFramework(IvsFramework):
    """IVS with HK tax (16.5 %) and IRD practice for TAB (patents deductible when incurred)."""

    def extra(self, ctx: _Ctx) -> None:
        record_brand_methods(ctx)
        ctx.add(
            "report_languages",
            ", ".join(REPORT_LANGUAGES),
            None,
            BILINGUAL_REQUIREMENT.source,
            "V",
            "method_mix",
        )


FRAMEWORK = HkFramework(
    code="HK",
    name="Hong Kong (HKIS Valuation Standards / IVS)",
    follows="HKIS Valuation Standards 2020 (VS1, VGN2), which reproduce the IVS",
    country="HK",
    currency="HKD",
    framework_requirements=(HKIS_REQUIREMENT, BILINGUAL_REQUIREMENT),
)
