"""Mid-rank percentiles and medians of the subject against its cohort and the file."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipvalue.evidence import group_stats, peer_table


def _col(*xs: float | None) -> tuple[np.ndarray, np.ndarray]:
    valid = np.array([x is not None for x in xs])
    return np.array([0.0 if x is None else x for x in xs]), valid


def test_group_stats_by_hand() -> None:
    # values 4, 2, 4, (empty), 10, 0; subject 4: below = 2 (2, 0), equal = 2, n = 5
    # → (2 + 0.5·2) / 5 = 0.6; median of 0, 2, 4, 4, 10 = 4
    v, ok = _col(4, 2, 4, None, 10, 0)
    s = group_stats(v, ok, 4.0)
    assert (s.percentile, s.n, s.median) == (pytest.approx(0.6), 5, 4.0)


def test_ties_everywhere_sit_at_half() -> None:
    v, ok = _col(3, 3, 3)
    assert group_stats(v, ok, 3.0).percentile == 0.5


def test_empty_subject_has_no_percentile_but_group_has_median() -> None:
    v, ok = _col(1, None, 3)
    s = group_stats(v, ok, None)
    assert s.percentile is None and s.n == 2 and s.median == 2.0


def test_empty_group() -> None:
    v, ok = _col(None, None)
    s = group_stats(v, ok, None)
    assert (s.percentile, s.n, s.median) == (None, 0, None)


def test_peer_table_cohort_and_file() -> None:
    fwd = _col(4, 2, 4, None, 10, 0)
    claims = _col(20, 10, 15, 30, 5, 25)
    cohorts = ["A", "A", "A", "A", "B", None]
    mask = np.array([c == "A" for c in cohorts])
    rows = peer_table({"fwd_cits5": fwd, "claims": claims}, {"claims": "claims"}, 0, mask)
    f, c = rows
    # fwd_cits5 cohort A: 4, 2, 4 → below 1, equal 2 → (1 + 1) / 3; median 4
    assert f.value == 4.0 and f.cohort.n == 3
    assert f.cohort.percentile == pytest.approx(2 / 3) and f.cohort.median == 4.0
    assert f.file.percentile == pytest.approx(0.6)
    # claims cohort A: 20, 10, 15, 30 → below 2, equal 1 → 2.5 / 4; median (15 + 20) / 2
    assert c.cohort.percentile == pytest.approx(0.625) and c.cohort.median == 17.5
    # file: 20, 10, 15, 30, 5, 25 → below 3 → 3.5 / 6; median 17.5
    assert c.file.percentile == pytest.approx(3.5 / 6) and c.file.median == 17.5
    assert c.unit == "claims" and f.unit == ""


def test_subject_without_cohort() -> None:
    rows = peer_table({"x": _col(1, 2)}, {}, 0, None)  # the subject's cohort cell is empty
    assert rows[0].cohort.n == 0 and rows[0].cohort.percentile is None
    assert rows[0].file.percentile == pytest.approx(0.25)  # below 0, equal 1 → 0.5 / 2


def test_subject_empty_value_stays_empty() -> None:
    rows = peer_table({"x": _col(None, 2, 3)}, {}, 0, np.ones(3, dtype=bool))
    r = rows[0].as_row()
    assert r["value"] is None and r["cohort_percentile"] is None and r["file_percentile"] is None
    assert r["cohort_n"] == 2 and r["cohort_median"] == 2.5


@given(st.lists(st.one_of(st.none(), st.integers(-50, 50)), min_size=1, max_size=40), st.data())
def test_percentile_properties(xs: list[int | None], data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(xs) - 1))
    v, ok = _col(*[None if x is None else float(x) for x in xs])
    subject = None if xs[i] is None else float(xs[i])  # type: ignore[arg-type]
    s = group_stats(v, ok, subject)
    present = [x for x in xs if x is not None]
    assert s.n == len(present)
    if subject is None:
        assert s.percentile is None
        return
    assert s.percentile is not None and 0 < s.percentile < 1
    # the strict maximum sits at 1 − 0.5/n; a larger value never ranks lower
    higher = [x for x in present if x > subject]
    if higher:
        assert group_stats(v, ok, float(min(higher))).percentile > s.percentile  # type: ignore[operator]
    else:
        assert s.percentile == pytest.approx(1 - 0.5 * present.count(xs[i]) / len(present))
