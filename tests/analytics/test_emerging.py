"""Emerging-technology detection on a constructed series with hand-computed statistics."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ipvalue.analytics.emerging import detect_emerging, document_novelty, emergence_table
from ipvalue.analytics.landscape_corpus import corpus_from_frame
from ipvalue.core.errors import InputError

# 20 documents a year, 2010-2017. Per year: "steady" on 5, "rising" on 1 (base) then 10 (recent),
# "new" on 0 then 4, "fading" on 10 then 1.
PLAN = {"steady": (5, 5), "rising": (1, 10), "new": (0, 4), "fading": (10, 1)}


def constructed() -> tuple[pd.DataFrame, pd.Series]:
    pairs, years = [], {}
    for year in range(2010, 2018):
        recent = year >= 2015
        for i in range(20):
            pid = f"{year}-{i}"
            years[pid] = year
            for item, (nb, nr) in PLAN.items():
                if i < (nr if recent else nb):
                    pairs.append((pid, item))
    return pd.DataFrame(pairs, columns=["pub_id", "item"]), pd.Series(years)


def test_emergence_table_hand_computed() -> None:
    pairs, years = constructed()
    t = emergence_table(pairs, years, base=(2010, 2014), recent=(2015, 2017), min_recent_docs=1)
    t = t.set_index("item")
    # N_B = 100, N_R = 60. rising: n_B = 5, n_R = 30 -> ln(31/61) - ln(6/101)
    assert t.loc["rising", "emergence"] == pytest.approx(math.log(31 / 61) - math.log(6 / 101))
    assert t.loc["new", "emergence"] == pytest.approx(math.log(13 / 61) - math.log(1 / 101))
    assert t.loc["steady", "emergence"] == pytest.approx(math.log(16 / 61) - math.log(26 / 101))
    assert t.loc["fading", "emergence"] < 0
    assert t.loc["rising", "share_change"] == pytest.approx(0.5 - 0.05)
    assert bool(t.loc["new", "new"]) and not bool(t.loc["rising", "new"])
    # yearly shares of steady are 0.25 every year -> slope 0
    assert t.loc["steady", "slope"] == pytest.approx(0.0, abs=1e-12)
    # rising: shares 0.05 (x5) then 0.5 (x3) over years 0..7; OLS slope by hand
    x = np.arange(8.0)
    s = np.array([0.05] * 5 + [0.5] * 3)
    expected = ((x - x.mean()) @ (s - s.mean())) / ((x - x.mean()) @ (x - x.mean()))
    assert t.loc["rising", "slope"] == pytest.approx(expected)
    assert list(t.index[:2]) == ["new", "rising"]  # ranked by emergence without novelty
    assert t.index[-1] == "fading"


def test_min_recent_docs_filters() -> None:
    pairs, years = constructed()
    t = emergence_table(pairs, years, base=(2010, 2014), recent=(2015, 2017), min_recent_docs=13)
    assert set(t["item"]) == {"steady", "rising"}  # n_R: steady 15, rising 30, new 12, fading 3


def test_novelty_combines_into_score() -> None:
    pairs, years = constructed()
    recent_ids = years.index[years >= 2015]
    # novelty 1 for documents carrying "fading" (indices < 1), 0 for all others.
    nov = pd.Series([1.0 if pid.endswith("-0") else 0.0 for pid in recent_ids], index=recent_ids)
    t = emergence_table(
        pairs, years, base=(2010, 2014), recent=(2015, 2017), min_recent_docs=1, novelty=nov
    ).set_index("item")
    assert t.loc["fading", "novelty"] == pytest.approx(1.0)  # only the "-0" documents
    assert t.loc["rising", "novelty"] == pytest.approx(3 / 30)
    # score = mean of percentile ranks among 4 items: fading has the lowest emergence (1/4)
    # and the highest novelty (4/4).
    assert t.loc["fading", "score"] == pytest.approx((0.25 + 1.0) / 2)


def test_document_novelty_extremes() -> None:
    base = pd.Series(["lithium battery anode coating", "pizza oven stone baking"])
    recent = pd.Series(
        ["lithium battery anode coating", "quantum qubit cryogenic entanglement"], index=["a", "b"]
    )
    nov = document_novelty(recent, base)
    assert nov["a"] == pytest.approx(0.0, abs=1e-12)
    assert nov["b"] == pytest.approx(1.0)
    nov2 = document_novelty(recent, base, k=2)
    # mean of the two best similarities (1 and 0) -> 1 - 0.5
    assert nov2["a"] == pytest.approx(0.5)


def test_detect_emerging_classes_on_a_corpus() -> None:
    rows = []
    for year in range(2010, 2018):
        for i in range(10):
            recent = year >= 2015
            cls = "H01M10/05" if (recent and i < 6) or (not recent and i < 1) else "A01B1/00"
            text = "solid state electrolyte battery" if cls.startswith("H01M") else "plough share"
            rows.append((f"{year}-{i}", f"{year}-06-01", cls, text))
    c = corpus_from_frame(pd.DataFrame(rows, columns=["pub_id", "date", "classes", "abstract"]))
    r = detect_emerging(c, items="classes", recent_years=3, base_years=5, min_recent_docs=2)
    assert r.base_years == (2010, 2014) and r.recent_years == (2015, 2017)
    assert r.n_base == 50 and r.n_recent == 30
    assert r.table["item"].iloc[0] == "H01M"
    assert r.novelty_k == 1
    terms = detect_emerging(c, items="terms", min_recent_docs=2, novelty_k=None)
    assert terms.table["item"].iloc[0] in {
        "solid",
        "solid state",
        "electrolyte",
        "battery",
        "state",
        "state electrolyte",
        "electrolyte battery",
    }
    filing = corpus_from_frame(
        pd.DataFrame(rows, columns=["pub_id", "date", "classes", "abstract"]), date_basis="filing"
    )
    assert detect_emerging(filing, items="classes", min_recent_docs=2).warnings


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"items": "words"}, "items"),
        ({"recent_years": 0}, "windows"),
        ({"end_year": 2005, "items": "classes"}, "windows"),  # no documents in the windows
    ],
)
def test_bad_input(kwargs, field) -> None:
    c = corpus_from_frame(
        pd.DataFrame(
            {
                "pub_id": ["a", "b"],
                "date": ["2010-01-01", "2016-01-01"],
                "classes": ["H01M1/00", "H01M1/00"],
            }
        )
    )
    with pytest.raises(InputError) as exc:
        detect_emerging(c, **kwargs)
    assert exc.value.field == field


def test_windows_must_not_overlap() -> None:
    pairs, years = constructed()
    with pytest.raises(InputError, match="before"):
        emergence_table(pairs, years, base=(2010, 2015), recent=(2015, 2017))
    with pytest.raises(InputError, match="novelty_k"):
        document_novelty(pd.Series(["a b"]), pd.Series(["c d"]), k=2)
