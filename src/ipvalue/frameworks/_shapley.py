"""Exact Shapley values over a handful of factor groups (pure, no I/O).

For players ``N`` (k ≤ 7) and a characteristic function ``v`` with ``v(∅)`` = baseline value and
``v(N)`` = target value,

    φ_i = Σ_{S ⊆ N∖{i}} |S|! (k − |S| − 1)! / k! · (v(S ∪ {i}) − v(S))

over all 2^k coalitions. Efficiency: ``Σ_i φ_i = v(N) − v(∅)``; symmetry, null player and
additivity hold exactly in real arithmetic (floating-point sums use ``math.fsum``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import combinations

from ipvalue.core.errors import InputError

MAX_PLAYERS = 7


def coalitions(players: Sequence[str]) -> list[frozenset[str]]:
    """All 2^k subsets of ``players``, smallest first."""
    return [frozenset(c) for r in range(len(players) + 1) for c in combinations(players, r)]


def shapley(players: Sequence[str], v: Callable[[frozenset[str]], float]) -> dict[str, float]:
    """Exact Shapley value of each player; ``v`` is called once per coalition (2^k calls).

    Raises
    ------
    InputError
        More than :data:`MAX_PLAYERS` players or a repeated player.
    """
    k = len(players)
    if k > MAX_PLAYERS:
        raise InputError("factors", f"at most {MAX_PLAYERS} factor groups (2^k evaluations)")
    if len(set(players)) != k:
        raise InputError("factors", "factor names must be unique")
    values = {s: float(v(s)) for s in coalitions(players)}
    fact = [math.factorial(n) for n in range(k + 1)]
    out: dict[str, float] = {}
    for i in players:
        terms = []
        for s, vs in values.items():
            if i in s:
                continue
            weight = fact[len(s)] * fact[k - len(s) - 1] / fact[k]
            terms.append(weight * (values[s | {i}] - vs))
        out[i] = math.fsum(terms)
    return out
