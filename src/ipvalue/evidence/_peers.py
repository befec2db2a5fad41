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


@dataclass(frozen=True)
class GroupColumns:
    """:class:`GroupStats` of many subjects as columns (``NaN`` where a figure is undefined)."""

    percentile: np.ndarray
    n: np.ndarray
    median: np.ndarray

    def at(self, k: int) -> GroupStats:
        """The statistics of subject ``k`` as one :class:`GroupStats`."""
        p, m = float(self.percentile[k]), float(self.median[k])
        return GroupStats(None if p != p else p, int(self.n[k]), None if m != m else m)


def _segment_stats(
    keys: np.ndarray,
    ranks: np.ndarray,
    uniq: np.ndarray,
    group: np.ndarray,
    width: int,
    subject_rank: np.ndarray,
    subject_ok: np.ndarray,
) -> GroupColumns:
    # keys: sorted group·width + rank of every valid value; a group's values are one segment
    start = np.searchsorted(keys, group * width, "left")
    n = np.searchsorted(keys, (group + 1) * width, "left") - start
    key = group * width + subject_rank
    lo = np.searchsorted(keys, key, "left")
    below = lo - start
    equal = np.searchsorted(keys, key, "right") - lo
    has = n > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(has & subject_ok, (below + 0.5 * equal) / n, np.nan)
    # median of the segment: mean of its two middle values (np.median's rule)
    mid_lo = np.where(has, start + (n - 1) // 2, 0)
    mid_hi = np.where(has, start + n // 2, 0)
    if keys.size:
        a, b = uniq[ranks[mid_lo]], uniq[ranks[mid_hi]]
        med = np.where(has, np.where(mid_lo == mid_hi, a, (a + b) / 2), np.nan)
    else:
        med = np.full(len(group), np.nan)
    return GroupColumns(pct, n.astype(np.int64), med)


def group_stats_many(
    values: np.ndarray, valid: np.ndarray, cohorts: np.ndarray | None, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, GroupColumns, GroupColumns]:
    """:func:`group_stats` of many subjects at once, within their cohorts and the whole file.

    Parameters
    ----------
    values, valid : ndarray
        One numeric column of the whole file and its validity mask.
    cohorts : ndarray of int, optional
        Cohort code of every row (``-1``: empty cohort); ``None`` when the file has no cohorts.
    rows : ndarray of int
        The subjects' rows.

    Returns
    -------
    value, value_valid, cohort, file
        The subjects' values and validity, and their cohort and file statistics.

    Notes
    -----
    Values are replaced by their rank among the distinct valid values, so a cohort's values are
    one contiguous run of ``cohort · width + rank`` keys: below / equal / n are counts found by
    bisection on that sorted array (O((N + m) log N)), exactly the counts :func:`group_stats`
    makes. A subject without a cohort (code ``-1``) gets ``n = 0`` as there.
    """
    rows = np.asarray(rows, dtype=np.intp)
    v = values[valid]
    # one sort: distinct values, each valid value's rank among them, and their counts
    uniq, inverse, counts = np.unique(v, return_inverse=True, return_counts=True)
    width = int(uniq.size) + 1
    subject_ok = valid[rows]
    subject_rank = np.searchsorted(uniq, values[rows])
    file = _file_stats(uniq, counts, subject_rank, subject_ok)
    zero = np.zeros(len(rows), dtype=np.int64)
    if cohorts is None:
        cohort = GroupColumns(np.full(len(rows), np.nan), zero, np.full(len(rows), np.nan))
    else:
        codes = cohorts[valid].astype(np.int64)
        keep = codes >= 0
        keys = np.sort(codes[keep] * width + inverse[keep])
        ranks = keys % width
        g = cohorts[rows].astype(np.int64)
        cohort = _segment_stats(
            keys, ranks, uniq, np.where(g >= 0, g, 0), width, subject_rank, subject_ok
        )
        none = g < 0
        if none.any():  # no cohort: n = 0, no percentile or median
            cohort.percentile[none] = np.nan
            cohort.n[none] = 0
            cohort.median[none] = np.nan
    return values[rows], subject_ok, cohort, file


def _file_stats(
    uniq: np.ndarray, counts: np.ndarray, subject_rank: np.ndarray, subject_ok: np.ndarray
) -> GroupColumns:
    """Whole-file statistics from the distinct values and their counts: ``below`` is the
    count of smaller values (a running total), ``equal`` the subject value's count."""
    m = len(subject_rank)
    n = int(counts.sum())
    if n == 0:
        return GroupColumns(np.full(m, np.nan), np.zeros(m, dtype=np.int64), np.full(m, np.nan))
    start = np.concatenate(([0], np.cumsum(counts)))
    # subjects are rows of the file: a valid subject's value is one of ``uniq``
    r = np.where(subject_ok, np.minimum(subject_rank, uniq.size - 1), 0)
    below = start[r]
    equal = np.where(subject_ok, counts[r], 0)
    pct = np.where(subject_ok, (below + 0.5 * equal) / n, np.nan)
    # median: the values at sorted positions (n − 1) // 2 and n // 2 (np.median's rule)
    lo = uniq[np.searchsorted(start, (n - 1) // 2, "right") - 1]
    hi = uniq[np.searchsorted(start, n // 2, "right") - 1]
    med = lo if (n - 1) // 2 == n // 2 else (lo + hi) / 2
    return GroupColumns(pct, np.full(m, n, dtype=np.int64), np.full(m, med))
