"""Weighted indicator trees: ``score(node) = Σ_children w_child · score(child)``.

Used by the GB/T 42748 indicator tree and the IPscore-style questionnaire. Sibling weights
must sum to 1 (never rescaled silently); leaf scores must lie on the tree's scale; every leaf
must be scored, and a score for an unknown indicator is refused, both by name.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from ipvalue.core.errors import InputError
from ipvalue.frameworks._kcj import WEIGHT_SUM_TOL, Step, exact_keys, in_range, non_negative


@dataclass(frozen=True)
class Node:
    """An indicator: a leaf (scored) or a weighted group of child indicators."""

    code: str
    label: str
    weight: float
    children: tuple[Node, ...] = field(default=())

    @property
    def is_leaf(self) -> bool:
        """True for a scored indicator (no children)."""
        return not self.children


def validate_tree(root: Node, *, path: str) -> None:
    """Check sibling weights (>= 0, sum 1) and unique codes throughout the tree."""
    seen: set[str] = set()

    def walk(node: Node, where: str) -> None:
        if node.code in seen:
            raise InputError(f"{where}.{node.code}", "indicator code is used twice")
        seen.add(node.code)
        if node.is_leaf:
            return
        for c in node.children:
            non_negative(f"{where}.{node.code}.{c.code}.weight", c.weight)
        total = math.fsum(c.weight for c in node.children)
        if abs(total - 1.0) > WEIGHT_SUM_TOL:
            raise InputError(
                f"{where}.{node.code}", f"child weights must sum to 1 (sum is {total:.12g})"
            )
        for c in node.children:
            walk(c, f"{where}.{node.code}")

    walk(root, path)


def leaves(root: Node) -> list[Node]:
    """Leaf indicators in tree order."""
    if root.is_leaf:
        return [root]
    return [leaf for c in root.children for leaf in leaves(c)]


@dataclass(frozen=True)
class TreeScore:
    """Score of every node (leaves as given), the root total and the effective leaf weights."""

    total: float
    node_scores: dict[str, float]
    leaf_weights: dict[str, float]
    trace: tuple[Step, ...]


def evaluate_tree(
    root: Node,
    scores: Mapping[str, float],
    *,
    scale: tuple[float, float],
    path: str,
) -> TreeScore:
    """Weighted score of ``root`` from leaf ``scores`` on ``scale`` (inclusive).

    ``leaf_weights`` are the products of weights along each path; they sum to 1, so
    ``total = Σ leaf_weight · score`` as well (a cross-check the tests use).
    """
    validate_tree(root, path=path)
    leaf_codes = [leaf.code for leaf in leaves(root)]
    exact_keys(f"{path}.scores", scores, leaf_codes)
    lo, hi = scale
    checked = {k: in_range(f"{path}.scores.{k}", v, lo, hi) for k, v in scores.items()}
    node_scores: dict[str, float] = {}
    leaf_weights: dict[str, float] = {}
    trace: list[Step] = []

    def walk(node: Node, cum_weight: float) -> float:
        if node.is_leaf:
            node_scores[node.code] = checked[node.code]
            leaf_weights[node.code] = cum_weight
            return checked[node.code]
        value = math.fsum(c.weight * walk(c, cum_weight * c.weight) for c in node.children)
        node_scores[node.code] = value
        trace.append(Step(f"{node.code} score", "Σ w_child · score_child", value))
        return value

    total = walk(root, 1.0)
    return TreeScore(total, node_scores, leaf_weights, tuple(trace))
