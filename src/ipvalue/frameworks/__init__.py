"""Jurisdiction frameworks behind one protocol: ``get("SG").resolve(case)``.

Codes: IVS, KR, CN, JP, SG, HK, IN, AU (:mod:`ipvalue.frameworks.registry`). Protocol and result
types: :mod:`ipvalue.frameworks.base`. Jurisdiction modules (``kr``, ``cn`` …) are imported on
demand so that ``import ipvalue.frameworks`` stays cheap.
"""

from ipvalue.frameworks.base import (
    FACTOR_LABELS,
    FACTORS,
    Framework,
    FrameworkWarning,
    Requirement,
    ResolvedCase,
    ResolvedParameter,
)
from ipvalue.frameworks.registry import CODES, UnknownFramework, available, get

__all__ = [
    "CODES",
    "FACTORS",
    "FACTOR_LABELS",
    "Framework",
    "FrameworkWarning",
    "Requirement",
    "ResolvedCase",
    "ResolvedParameter",
    "UnknownFramework",
    "available",
    "get",
]
