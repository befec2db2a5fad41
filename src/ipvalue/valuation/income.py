"""Income-approach kernels (METHODS §2): DCF, relief from royalty, MPEEM, with-and-without,
profit split, regional weighting, and the 25 % rule as a labelled sanity check.

All kernels are pure and vectorised over a leading axis; see :class:`IncomeResult` for the
components returned and :func:`income_warning_flags` for the conditions the engine reports.
"""

from ._dcf import IncomeResult, dcf
from ._rfr import relief_from_royalty, relief_from_royalty_growth

__all__ = [
    "IncomeResult",
    "dcf",
    "relief_from_royalty",
    "relief_from_royalty_growth",
]
