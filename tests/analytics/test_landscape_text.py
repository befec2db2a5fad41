"""Keywords per period and clusters of abstracts."""

from __future__ import annotations

import pandas as pd
import pytest

from ipvalue.analytics.landscape_corpus import corpus_from_frame
from ipvalue.analytics.landscape_text import cluster_texts, document_texts, keywords, periods_of
from ipvalue.core.errors import InputError

BATTERY = [
    "lithium ion battery cathode with nickel manganese oxide",
    "solid electrolyte for lithium battery cells",
    "battery cathode coating improves lithium ion cycle life",
    "anode of silicon for lithium ion battery",
]
PIZZA = [
    "pizza oven with rotating stone deck",
    "frozen pizza dough with cheese topping",
    "pizza box keeps the dough crisp and the cheese warm",
    "stone baking deck for a pizza oven",
]


@pytest.fixture
def two_topics():
    return corpus_from_frame(
        pd.DataFrame(
            {
                "pub_id": [f"B{i}" for i in range(4)] + [f"Z{i}" for i in range(4)],
                "date": ["2001-01-01"] * 4 + ["2011-01-01"] * 4,
                "title": [""] * 8,
                "abstract": BATTERY + PIZZA,
            }
        )
    )


def test_periods_end_at_last_year() -> None:
    labels = periods_of(pd.Series([2005, 2008, 2009, 2013, 2014, 2018]), 5).tolist()
    assert labels == ["2005-2008", "2005-2008", "2009-2013", "2009-2013", "2014-2018", "2014-2018"]


def test_keywords_by_period(two_topics) -> None:
    k = keywords(two_topics, period_years=5, top=3, ngram_range=(1, 2))
    # periods of 5 years end at 2011: 2007-2011 and 1997-2001 (clipped to the first year)
    assert set(k["period"]) == {"all", "2001", "2007-2011"}
    assert k[k["period"] == "2001"]["term"].iloc[0] in {"lithium", "battery"}
    assert k[k["period"] == "2007-2011"]["term"].iloc[0] == "pizza"
    early = k[k["period"] == "2001"]
    assert early["doc_freq"].iloc[0] == 4 and early["n_docs"].iloc[0] == 4
    # scores are means of L2-normalised rows, so each lies in (0, 1]
    assert ((k["score"] > 0) & (k["score"] <= 1)).all()


def test_keywords_stop_words_removed(two_topics) -> None:
    terms = set(keywords(two_topics, period_years=None, top=50, min_df=1)["term"])
    assert "with" not in terms and "for" not in terms


def test_clusters_separate_two_topics(two_topics) -> None:
    r = cluster_texts(two_topics, k=2, seed=0, min_df=1)
    groups = r.assignments.groupby("cluster")["pub_id"].apply(lambda s: {p[0] for p in s})
    assert sorted(map(sorted, groups)) == [["B"], ["Z"]]
    assert r.clusters["size"].tolist() == [4, 4]
    assert r.silhouette is not None and r.silhouette > 0.2
    tops = " ".join(r.clusters["top_terms"])
    assert "pizza" in tops and "lithium" in tops
    again = cluster_texts(two_topics, k=2, seed=0, min_df=1)
    assert again.assignments.equals(r.assignments)  # seeded


def test_document_texts_and_missing_text() -> None:
    c = corpus_from_frame(pd.DataFrame({"pub_id": ["a", "b"], "title": ["Pizza", None]}))
    assert document_texts(c).tolist() == ["Pizza", ""]
    with pytest.raises(InputError, match="k"):
        cluster_texts(c, k=2)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: cluster_texts(c, k=1), "k"),
        (lambda c: cluster_texts(c, k=20), "k"),
        (lambda c: keywords(c, top=0), "top"),
        (lambda c: keywords(c, ngram_range=(2, 1)), "ngram_range"),
        (lambda c: keywords(c, min_df=100), "min_df"),
        (lambda c: keywords(c, period_years=0), "period_years"),
    ],
)
def test_bad_input(two_topics, call, field) -> None:
    with pytest.raises(InputError) as exc:
        call(two_topics)
    assert exc.value.field == field


def test_no_text_at_all() -> None:
    c = corpus_from_frame(pd.DataFrame({"pub_id": ["a"]}))
    with pytest.raises(InputError, match="abstract"):
        keywords(c)
