"""Income-approach kernels (METHODS §2): DCF, relief from royalty, MPEEM, with-and-without,
profit split, regional weighting, and the 25 % rule as a labelled sanity check.

All kernels are pure and vectorised over a leading axis; see :class:`IncomeResult` for the
components returned and :func:`income_warning_flags` for the conditions the engine reports.
"""

from . import _sanity as sanity_check
from ._dcf import IncomeResult, dcf
from ._mpeem import (
    AssetKind,
    ContributoryAsset,
    ContributoryCharge,
    ExcessEarningsResult,
    ReturnReconciliation,
    excess_earnings,
    reconcile_asset_returns,
)
from ._profit_split import profit_split, royalty_rate_from_split, split_from_royalty_rate
from ._regional import Market, MarketValue, RegionalResult, regional_income
from ._rfr import relief_from_royalty, relief_from_royalty_growth
from ._sanity import SanityCheck, rule_of_25
from ._warnings import income_warning_flags
from ._with_without import premium_profit_flows, with_and_without

__all__ = [
    "AssetKind",
    "ContributoryAsset",
    "ContributoryCharge",
    "ExcessEarningsResult",
    "IncomeResult",
    "Market",
    "MarketValue",
    "RegionalResult",
    "ReturnReconciliation",
    "SanityCheck",
    "dcf",
    "excess_earnings",
    "income_warning_flags",
    "premium_profit_flows",
    "profit_split",
    "reconcile_asset_returns",
    "regional_income",
    "relief_from_royalty",
    "relief_from_royalty_growth",
    "royalty_rate_from_split",
    "rule_of_25",
    "sanity_check",
    "split_from_royalty_rate",
    "with_and_without",
]
