"""Scoring building blocks shared by SMART5, GB/T 42748, IPscore and the JP bank assessment.

Weighted indicator trees (weights at every node sum to 1, never rescaled silently) and relative
stanine grading against a supplied population. No system here produces money: scores feed
quality, strength and life, never a price (METHODS.md §6.11).
"""

from __future__ import annotations

from ipvalue.frameworks._scoring_case import SCORE_FRAMEWORKS, score_case
from ipvalue.frameworks._scoring_stanine import (
    MIN_POPULATION,
    STANINE_BAND_PCT,
    STANINE_CUMULATIVE_PCT,
    StanineResult,
    stanine,
)
from ipvalue.frameworks._scoring_tree import Node, TreeScore, evaluate_tree

__all__ = [
    "MIN_POPULATION",
    "SCORE_FRAMEWORKS",
    "STANINE_BAND_PCT",
    "STANINE_CUMULATIVE_PCT",
    "Node",
    "StanineResult",
    "TreeScore",
    "evaluate_tree",
    "score_case",
    "stanine",
]
