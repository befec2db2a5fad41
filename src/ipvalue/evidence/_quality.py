"""Market quality ratio (Handan DB1304/T 432-2023, METHODS §3.2): Q values and ratios ``Q/Q_i``.

Under ``quality_adjustment: ratio`` each comparable's adjusted value is multiplied by
``Q / Q_i`` (subject over comparable quality score) before weighting, so the value is
``V = Σ_i w_i · X_i · scale · Π_j c_ij · Q/Q_i``; with equal weights this is exactly the
standard's ``V = (1/n) Σ_i V_i · Q/Q_i`` (:func:`ipvalue.valuation.market.quality_ratio_value`).
Q values the case leaves open are read from ``patent_evidence.indicators_file`` (column
``quality_indicator``): the subject's row for ``subject_quality``, each comparable's
``patent_id`` row for its ``quality_score``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ipvalue.core.errors import InputError
from ipvalue.model.approaches import MarketComparables
from ipvalue.model.result import Assumption

#: ``lookup(patent_id, field) -> (Q, source, source_date)`` (``None`` = the subject's row);
#: raises InputError naming ``field``.
Lookup = Callable[[str | None, str], tuple[float, str, str | None]]


def quality_ratios(subject_quality: float, scores: Sequence[float | None]) -> np.ndarray:
    """``Q / Q_i`` per comparable, by the DB1304 kernel (``V_i = 1``).

    Raises
    ------
    InputError
        ``subject_quality`` or ``comparables.<i>.quality_score`` missing, or not > 0.
    """
    from ipvalue.valuation.market import quality_ratio_value

    for i, q in enumerate(scores):
        if q is None:
            raise InputError(
                f"comparables.{i}.quality_score", "is required with quality_adjustment: ratio"
            )
        if not q > 0:
            raise InputError(f"comparables.{i}.quality_score", "must be > 0")
    if not subject_quality > 0:
        raise InputError("subject_quality", "must be > 0")
    res = quality_ratio_value(
        np.ones(len(scores)), np.asarray(scores, dtype=float), subject_quality
    )
    return np.asarray(res.adjusted_values, dtype=np.float64)


def fill_quality(
    approach: MarketComparables, prefix: str, lookup: Lookup | None, quality_column: str
) -> tuple[MarketComparables, list[Assumption]]:
    """The approach with open Q values filled from the indicators file, and the assumptions
    recording every Q used (case-given ones with source "case file").

    Parameters
    ----------
    approach : MarketComparables
        With ``quality_adjustment == "ratio"``.
    prefix : str
        Field path of the approach (``approaches.0.``).
    lookup : callable or None
        Reads Q of a patent id from the indicators file; ``None`` when the case has no
        indicators file.
    quality_column : str
        Name of the Q column (for messages and units).

    Raises
    ------
    InputError
        A Q is open and cannot be read: no indicators file, a comparable without
        ``patent_id``, an id not in the file, an empty or non-positive Q.
    """
    unit = f"quality score ({quality_column})"
    out: list[Assumption] = []
    update: dict[str, Any] = {}
    q_path = f"{prefix}subject_quality"
    if approach.subject_quality is None:
        if lookup is None:
            raise InputError(
                q_path,
                "is required with quality_adjustment: ratio (give it, or "
                "patent_evidence.indicators_file and patent_id)",
            )
        q, src, when = lookup(None, q_path)
        update["subject_quality"] = q
        out.append(Assumption(q_path, q, unit, src, when))
    else:
        out.append(Assumption(q_path, approach.subject_quality, unit, "case file"))
    comps = []
    for j, c in enumerate(approach.comparables):
        path = f"{prefix}comparables.{j}.quality_score"
        if c.quality_score is not None:
            out.append(Assumption(path, c.quality_score, unit, "case file"))
            comps.append(c)
            continue
        if c.patent_id is None or lookup is None:
            need = (
                "patent_id"
                if lookup is not None
                else "patent_id and patent_evidence.indicators_file"
            )
            raise InputError(
                path, f"is required with quality_adjustment: ratio (give it, or {need})"
            )
        q, src, when = lookup(c.patent_id, f"{prefix}comparables.{j}.patent_id")
        comps.append(c.model_copy(update={"quality_score": q}))
        out.append(Assumption(path, q, unit, src, when))
    update["comparables"] = comps
    return approach.model_copy(update=update), out
