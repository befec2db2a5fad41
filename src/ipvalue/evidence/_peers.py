"""How the subject patent compares with its peers: mid-rank percentiles and medians (pure).

Convention (recorded in the trace): the percentile of a value ``x`` in a group is the mid-rank
``(below + 0.5 · equal) / n``, where ``n`` counts the group's non-empty values, ``below`` those
``< x`` and ``equal`` those ``== x`` (the subject included). It lies in ``(0, 1)``: a patent tied
with every peer sits at 0.5, the strict maximum of ``n`` at ``1 − 0.5/n``. Empty values are
left out of ``n`` and the median; an empty subject value has no percentile (never 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

PERCENTILE_CONVENTION = "mid-rank (below + 0.5·equal) / n over non-empty values"


@dataclass(frozen=True)
class GroupStats:
    """The subject's standing in one group (cohort or whole file)."""

    percentile: float | None
    n: int
    median: float | None


@dataclass(frozen=True)
class PeerRow:
    """One indicator: the subject's value and its standing in its cohort and in the file."""

    indicator: str
    unit: str
    value: float | None
    cohort: GroupStats
    file: GroupStats

    def as_row(self) -> dict[str, float | int | str | None]:
        """Flat mapping for the trace (``cohort_*`` and ``file_*`` keys)."""
        return {
            "indicator": self.indicator,
            "unit": self.unit,
            "value": self.value,
            "cohort_percentile": self.cohort.percentile,
            "cohort_n": self.cohort.n,
            "cohort_median": self.cohort.median,
            "file_percentile": self.file.percentile,
            "file_n": self.file.n,
            "file_median": self.file.median,
        }


def group_stats(values: np.ndarray, valid: np.ndarray, subject: float | None) -> GroupStats:
    """Mid-rank percentile of ``subject`` among the valid ``values``, their count and median.

    Parameters
    ----------
    values : ndarray of float
        The group's values (any value where ``valid`` is False is ignored).
    valid : ndarray of bool
        Which cells are non-empty.
    subject : float or None
        The subject's value; ``None`` gives no percentile (the count and median still do).

    Notes
    -----
    Edge cases: an empty group gives ``n = 0`` and no median or percentile. The subject is
    expected to be one of the group's values; if it is not (a peer set without it), the formula
    is applied unchanged with ``n`` the peers' count.
    """
    x = values[valid]
    n = int(x.size)
    if n == 0:
        return GroupStats(None, 0, None)
    median = float(np.median(x))
    if subject is None:
        return GroupStats(None, n, median)
    below = int(np.count_nonzero(x < subject))
    equal = int(np.count_nonzero(x == subject))
    return GroupStats((below + 0.5 * equal) / n, n, median)


def peer_table(
    columns: Mapping[str, tuple[np.ndarray, np.ndarray]],
    units: Mapping[str, str],
    subject_row: int,
    in_cohort: np.ndarray | None,
) -> tuple[PeerRow, ...]:
    """Peer comparison of row ``subject_row`` for each column in ``columns`` (in that order).

    Parameters
    ----------
    columns : mapping of name to (values, valid)
        Numeric columns of the whole file.
    units : mapping of name to str
        Unit text per column.
    subject_row : int
        Index of the subject.
    in_cohort : ndarray of bool, optional
        Which rows are in the subject's cohort; ``None`` (no cohort column, or the subject's
        cohort is empty) gives cohort statistics with ``n = 0``.
    """
    out = []
    for name, (values, valid) in columns.items():
        subject = float(values[subject_row]) if valid[subject_row] else None
        whole = group_stats(values, valid, subject)
        if in_cohort is None:
            cohort = GroupStats(None, 0, None)
        else:
            cohort = group_stats(values, valid & in_cohort, subject)
        out.append(PeerRow(name, units.get(name, ""), subject, cohort, whole))
    return tuple(out)
