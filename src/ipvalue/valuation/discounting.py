"""Present-value factors, timing conventions, terminal value and TAB (METHODS §1).

Every convention is a required keyword argument: ``timing`` (``"end"``, ``"mid"``, ``"stub"``),
``tv_discounting`` (``"final_factor"``, ``"end_of_horizon"``) and the TAB amortisation period,
which is separate from the projection horizon (or a declining-balance rate).
"""

from ._factors import Timing, discount_factors, flow_times, geometric_sum, npv, present_value, pvaf
from ._tab import TaxAmortisation, declining_balance_tab_factor, tab_factor
from ._terminal import TVDiscounting, gordon_terminal_value, terminal_discount_factor

__all__ = [
    "TVDiscounting",
    "TaxAmortisation",
    "Timing",
    "declining_balance_tab_factor",
    "discount_factors",
    "flow_times",
    "geometric_sum",
    "gordon_terminal_value",
    "npv",
    "present_value",
    "pvaf",
    "tab_factor",
    "terminal_discount_factor",
]
