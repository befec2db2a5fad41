"""Real-option kernels (METHODS §5): Black–Scholes with a continuous cost of delay and a
Cox–Ross–Rubinstein lattice with early exercise (launch) and a year-stepped delay yield."""

from ._options import (
    CostOfDelay,
    OptionResult,
    binomial_real_option,
    black_scholes_delay,
    delay_yield_schedule,
)

__all__ = [
    "CostOfDelay",
    "OptionResult",
    "binomial_real_option",
    "black_scholes_delay",
    "delay_yield_schedule",
]
