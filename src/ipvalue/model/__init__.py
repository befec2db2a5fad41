"""Pydantic models shared by every edge: assets, cases, approaches, portfolios, results.

``Uncertain``/``Distribution`` live in :mod:`ipvalue.model.distributions` (simulation stream).
"""

from ipvalue.model._numbers import Ref, num
from ipvalue.model.approaches import METHODS, Approach, Tab
from ipvalue.model.assets import Asset, Classification, LegalStatus
from ipvalue.model.case import (
    Conventions,
    Correlation,
    Evidence,
    Reconciliation,
    Simulation,
    ValuationCase,
)
from ipvalue.model.forecast import Forecast
from ipvalue.model.portfolio import PortfolioCase, PortfolioItem, Synergy
from ipvalue.model.result import (
    ApproachValue,
    Assumption,
    DistributionSummary,
    TraceStep,
    Valuation,
    ValuationWarning,
    ValueRange,
)

__all__ = [
    "METHODS",
    "Approach",
    "ApproachValue",
    "Asset",
    "Assumption",
    "Classification",
    "Conventions",
    "Correlation",
    "DistributionSummary",
    "Evidence",
    "Forecast",
    "LegalStatus",
    "PortfolioCase",
    "PortfolioItem",
    "Reconciliation",
    "Ref",
    "Simulation",
    "Synergy",
    "Tab",
    "TraceStep",
    "Valuation",
    "ValuationCase",
    "ValuationWarning",
    "ValueRange",
    "num",
]
