"""Tax amortisation periods by jurisdiction and asset class (METHODS §1.3, evidence S).

One secondary source, snapshot dated Apr 2016; confirm current law before presenting these as
authoritative. ``years=None`` without a ``declining_rate`` means "not amortisable for tax" (the
TAB factor is 1); a ``declining_rate`` (India's 25 % block) is a written-down-value schedule; a
missing entry means "not found" (the framework then applies no TAB and warns).
"""

from __future__ import annotations

from dataclasses import dataclass

AssetClass = str  # "patent" | "technology" | "trademark" | "software" | "copyright" | "design"


@dataclass(frozen=True)
class TabPeriod:
    """Tax amortisation period of one asset class in one jurisdiction."""

    years: int | None
    basis: str
    source: str
    evidence: str = "S"
    declining_rate: float | None = None  # written-down value: the rate replaces ``years``

    @property
    def amortisable(self) -> bool:
        return self.years is not None or self.declining_rate is not None


_SRC = "METHODS.md §1.3 (secondary snapshot, Apr 2016)"


def _in_block(what: str) -> TabPeriod:
    # s.32(1)(ii): intangible assets form one block written down at 25 % a year (not a period)
    return TabPeriod(
        None,
        f"Income Tax Act s.32(1)(ii): {what} in the 25 % written-down-value intangible block "
        "(declining balance; half rate in year 1 when used under 180 days)",
        f"{_SRC} [TAB-IN]",
        declining_rate=0.25,
    )


TAB_PERIODS: dict[tuple[str, AssetClass], TabPeriod] = {
    ("US", "patent"): TabPeriod(15, "IRC §197 (acquired with a business)", f"{_SRC} [TAB-wiki]"),
    ("US", "technology"): TabPeriod(15, "IRC §197", f"{_SRC} [TAB-wiki]"),
    ("US", "trademark"): TabPeriod(15, "IRC §197", f"{_SRC} [TAB-wiki]"),
    ("JP", "patent"): TabPeriod(8, "useful-lives ordinance", f"{_SRC} [TAB-JP]"),
    ("JP", "trademark"): TabPeriod(10, "useful-lives ordinance", f"{_SRC} [TAB-JP]"),
    ("JP", "software"): TabPeriod(5, "useful-lives ordinance (3–5; upper end)", f"{_SRC} [TAB-JP]"),
    ("JP", "design"): TabPeriod(7, "useful-lives ordinance", f"{_SRC} [TAB-JP]"),
    ("CN", "patent"): TabPeriod(
        10, "CIT Law Art. 67 rule (≥10, straight line)", f"{_SRC} [TAB-CN]"
    ),
    ("CN", "technology"): TabPeriod(10, "CIT Law Art. 67 rule (≥10)", f"{_SRC} [TAB-CN]"),
    ("CN", "trademark"): TabPeriod(10, "CIT Law Art. 67 rule (≥10)", f"{_SRC} [TAB-CN]"),
    ("SG", "patent"): TabPeriod(
        5, "Income Tax Act s.19B writing-down allowance", f"{_SRC} [TAB-SG]"
    ),
    ("SG", "technology"): TabPeriod(5, "s.19B", f"{_SRC} [TAB-SG]"),
    ("SG", "trademark"): TabPeriod(5, "s.19B", f"{_SRC} [TAB-SG]"),
    ("SG", "copyright"): TabPeriod(5, "s.19B", f"{_SRC} [TAB-SG]"),
    ("HK", "patent"): TabPeriod(
        1,
        "IRD practice: deductible when incurred if used in HK (one-year deduction)",
        f"{_SRC} [TAB-HK]",
    ),
    ("HK", "technology"): TabPeriod(
        1, "IRD practice: deductible when incurred", f"{_SRC} [TAB-HK]"
    ),
    ("HK", "trademark"): TabPeriod(5, "IRD practice", f"{_SRC} [TAB-HK]"),
    ("HK", "copyright"): TabPeriod(5, "IRD practice", f"{_SRC} [TAB-HK]"),
    ("HK", "design"): TabPeriod(5, "IRD practice", f"{_SRC} [TAB-HK]"),
    ("AU", "patent"): TabPeriod(
        20, "ITAA 1997 s.40-95(7) standard patent effective life", f"{_SRC} [TAB-AU][ATO]"
    ),
    ("AU", "design"): TabPeriod(15, "ITAA 1997 s.40-95(7)", f"{_SRC} [TAB-AU][ATO]"),
    ("AU", "software"): TabPeriod(5, "in-house software", f"{_SRC} [TAB-AU][ATO]"),
    ("AU", "trademark"): TabPeriod(None, "not a depreciating asset", f"{_SRC} [TAB-AU][ATO]"),
    ("IN", "patent"): _in_block("patent"),
    ("IN", "technology"): _in_block("know-how"),
    ("IN", "trademark"): _in_block("trademark"),
    ("IN", "copyright"): _in_block("copyright"),
}


def tab_asset_class(ip_type: str) -> AssetClass:
    """Tax asset class of an IP type (trade secrets and data assets are taxed as technology)."""
    return {
        "patent": "patent",
        "trademark": "trademark",
        "copyright": "copyright",
        "trade_secret": "technology",
        "data_asset": "technology",
    }.get(ip_type, "technology")


def tab_period(country: str, asset_class: AssetClass) -> TabPeriod | None:
    """The period for ``(country, asset_class)``, or None when not found (KR, NZ, MY …)."""
    return TAB_PERIODS.get((country, asset_class))
