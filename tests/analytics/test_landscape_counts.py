"""Filing counts, growth and concentration on tiny tables computed by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipvalue.analytics.landscape_corpus import corpus_from_frame
from ipvalue.analytics.landscape_counts import (
    cagr,
    concentration,
    concentration_from_counts,
    filings_by,
    filings_by_year_and,
    growth,
    growth_by,
)
from ipvalue.core.errors import InputError


@pytest.fixture
def tiny():
    # 8 patents; P8 has no assignee and no class, P7 has no date.
    return corpus_from_frame(
        pd.DataFrame(
            {
                "pub_id": [f"P{i}" for i in range(1, 9)],
                "office": ["KR", "KR", "JP", "CN", "KR", "US", "JP", "AU"],
                "date": [
                    "2010-03-01",
                    "2010-07-01",
                    "2012-01-05",
                    "2012-02-01",
                    "2013-05-05",
                    "2013-06-06",
                    "",
                    "2013-01-01",
                ],
                "assignees": ["A", "a.", "A;;B", "B", "C", "D", "E", None],
                "classes": [
                    "H01M10/052",
                    "H01M4/13;B60L50/64",
                    "B60L58/12",
                    "H01M10/44",
                    "G06F3/01",
                    "H01M10/052;H01M4/13",
                    "G06F3/01",
                    "",
                ],
            }
        )
    )


def test_concentration_hand_computed(tiny) -> None:
    # Fractional counts: A = 1 + 1 + 0.5 = 2.5, B = 0.5 + 1 = 1.5, C = D = E = 1; total 7.
    r = concentration(tiny)
    assert r.n_patents == 7 and r.n_missing == 1 and r.n_entities == 5
    assert r.cr_k == pytest.approx((2.5 + 1.5 + 1 + 1) / 7)  # 6/7 = 0.857142...
    hhi = (2.5**2 + 1.5**2 + 1 + 1 + 1) / 49  # 11.5 / 49 = 0.2346938...
    assert r.hhi == pytest.approx(hhi)
    assert r.hhi_points == pytest.approx(hhi * 10_000)
    assert r.equivalent_entities == pytest.approx(49 / 11.5)
    assert list(r.shares["entity"][:2]) == ["A", "B"]


def test_cr4_of_monopoly_and_equal_firms() -> None:
    assert concentration_from_counts({"X": 5}).hhi == 1.0
    r = concentration_from_counts({c: 1 for c in "ABCDEFGHIJ"})
    assert r.hhi == pytest.approx(0.1) and r.cr_k == pytest.approx(0.4)


@given(st.lists(st.floats(0.01, 1e6), min_size=1, max_size=40))
def test_hhi_bounds(counts: list[float]) -> None:
    r = concentration_from_counts({str(i): c for i, c in enumerate(counts)})
    assert 1 / len(counts) - 1e-12 <= r.hhi <= 1 + 1e-12
    assert r.hhi <= r.cr_k + 1e-12 or len(counts) > 4  # top-k share bounds HHI when n <= k
    assert r.cr_k <= 1 + 1e-12


def test_filings_by_year_fills_gaps_and_counts_missing(tiny) -> None:
    t = filings_by(tiny, "year")
    assert t.table["year"].tolist() == [2010, 2011, 2012, 2013]
    assert t.table["n"].tolist() == [2, 0, 2, 3]
    assert t.n_missing == 1  # P7 has no date


def test_filings_by_class_whole_and_fractional(tiny) -> None:
    whole = filings_by(tiny, "class").table.set_index("class")["n"]
    # H01M: P1, P2, P4, P6 ; B60L: P2, P3 ; G06F: P5, P7
    assert whole.to_dict() == {"H01M": 4, "B60L": 2, "G06F": 2}
    frac = filings_by(tiny, "class", counting="fractional").table.set_index("class")["n"]
    # P2 is split 0.5 / 0.5 between H01M and B60L.
    assert frac["H01M"] == pytest.approx(3.5) and frac["B60L"] == pytest.approx(1.5)
    assert frac.sum() == pytest.approx(7)
    groups = filings_by(tiny, "class", class_level="group").table.set_index("class")["n"]
    assert groups["H01M10/052"] == 2
    assert filings_by(tiny, "class", class_level="section").table.iloc[0].tolist()[:2] == ["H", 4]


def test_filings_by_office_top(tiny) -> None:
    t = filings_by(tiny, "office", top=2).table
    assert t["office"].tolist() == ["KR", "JP"] and t["n"].tolist() == [3, 2]


def test_year_matrix(tiny) -> None:
    m = filings_by_year_and(tiny, "class", top=2)
    assert list(m.columns) == ["H01M", "B60L"]
    assert m.loc[2010].tolist() == [2, 1] and m.loc[2011].tolist() == [0, 0]


def test_growth_hand_computed() -> None:
    g = growth({2010: 4, 2012: 6, 2013: 9})
    assert g.cagr == pytest.approx((9 / 4) ** (1 / 3) - 1)  # 2.25 ** (1/3) - 1 = 0.31037
    assert pd.isna(g.yoy["yoy"].iloc[0])
    assert g.yoy["yoy"].tolist()[1] == pytest.approx(-1.0)  # 4 -> 0
    assert pd.isna(g.yoy["yoy"].iloc[2])  # from 0: undefined
    assert g.yoy["yoy"].tolist()[3] == pytest.approx(0.5)  # 6 -> 9
    assert growth({2010: 0, 2011: 3}).cagr is None
    assert cagr(100, 0, 5) == -1.0
    assert math.isclose(cagr(100, 121, 2) or 0, 0.1)


def test_growth_by_class(tiny) -> None:
    t = growth_by(tiny, "class", start_year=2010, end_year=2013).set_index("class")
    # H01M: 2 in 2010, 1 in 2013 -> (1/2)^(1/3) - 1
    assert t.loc["H01M", "cagr"] == pytest.approx(0.5 ** (1 / 3) - 1)
    assert pd.isna(t.loc["G06F", "cagr"])  # no filing in 2010


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: filings_by(c, "colour"), "by"),  # type: ignore[arg-type]
        (lambda c: filings_by(c, "class", class_level="digit"), "class_level"),  # type: ignore[arg-type]
        (lambda c: filings_by(c, "year", counting="half"), "counting"),  # type: ignore[arg-type]
        (lambda c: filings_by(c, "office", top=0), "top"),
        (lambda c: concentration(c, k=0), "k"),
        (lambda c: growth({2010: 1}, start_year=2010, end_year=2010), "--window"),
        (lambda c: growth({}), "years"),
        (lambda c: cagr(-1, 1, 1), "counts"),
        (lambda c: filings_by_year_and(c, "year"), "by"),
    ],
)
def test_bad_input(tiny, call, field) -> None:
    with pytest.raises(InputError) as exc:
        call(tiny)
    assert exc.value.field == field


def test_concentration_needs_assignees() -> None:
    c = corpus_from_frame(pd.DataFrame({"pub_id": ["X"]}))
    with pytest.raises(InputError, match="assignee"):
        concentration(c)
