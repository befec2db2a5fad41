"""Cost-approach kernels (METHODS §4): reproduction and replacement cost with developer's
profit, entrepreneurial incentive and obsolescence; activity-based R&D cost; filing and
maintenance cost across countries. Cost values never receive a TAB."""

from ._cost_approach import CostBasis, CostResult, ObsolescenceMode, cost_approach
from ._filing_cost import CountryCost, CountryFees, FilingCostResult, filing_maintenance_cost
from ._rd_cost import ActivityCost, RDActivity, RDCostResult, activity_based_rd_cost

__all__ = [
    "ActivityCost",
    "CostBasis",
    "CostResult",
    "CountryCost",
    "CountryFees",
    "FilingCostResult",
    "ObsolescenceMode",
    "RDActivity",
    "RDCostResult",
    "activity_based_rd_cost",
    "cost_approach",
    "filing_maintenance_cost",
]
