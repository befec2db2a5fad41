"""Similar cases: per-component scores by hand, CJK text, ranking, and through the store."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from cases_helpers import source
from sklearn.feature_extraction.text import TfidfVectorizer

from ipvalue.cases import CaseDoc, CaseProfile, CaseStore, SimilarityIndex
from ipvalue.cases._similar import WEIGHTS, _cjk_bigrams


def doc(
    i: int, ip: str | None, jur: str | None, tech: str | None, purpose: str | None, text: str
) -> CaseDoc:
    return CaseDoc(i, 1, "", ip, jur, tech, purpose, text)


def query(
    ip: str | None = "patent",
    jur: str | None = "KR",
    tech: str | None = "H01M4/04",
    purpose: str | None = "licensing",
    text: str = "",
) -> CaseProfile:
    return CaseProfile("", ip, jur, tech, purpose, text, None, None, {})


def test_components_by_hand() -> None:
    idx = SimilarityIndex(
        [
            doc(1, "patent", "KR", "H01M4/04", "licensing", "battery"),
            doc(2, "trademark", "CN", "H01M4/06", "collateral", "drink"),
            doc(3, "patent", "JP", "H01B1/00", "licensing", "cable"),
            doc(4, "patent", "KR", "G06N3/08", None, "neural"),
        ]
    )
    total, comps = idx.scores(query())
    assert comps["ip_type"].tolist() == [1, 0, 1, 1]
    assert comps["jurisdiction"].tolist() == [1, 0, 0, 1]
    # H01M4/04 exact 1; H01M4/06 same subclass .75; H01B same class .5; G06N other section 0
    assert comps["tech_class"].tolist() == [1.0, 0.75, 0.5, 0.0]
    assert comps["purpose"].tolist() == [1, 0, 1, 0]
    # doc 3: .25×1 + .2×0 + .2×.5 + .1×1 + .25×text(0)
    assert total[2] == pytest.approx(0.25 + 0.1 + 0.1 + WEIGHTS["text"] * comps["text"][2])
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)


def test_identical_text_scores_one_and_cjk_text_is_compared() -> None:
    idx = SimilarityIndex(
        [
            doc(1, None, None, None, None, "锂电池正极干法涂布工艺"),
            doc(2, None, None, None, None, "饮料商标许可"),
            doc(3, None, None, None, None, "锂电池正极干法涂布工艺"),
        ]
    )
    _, comps = idx.scores(query(None, None, None, None, "锂电池正极干法涂布工艺"))
    assert comps["text"][0] == pytest.approx(1.0, abs=1e-6)
    assert comps["text"][1] < 0.2 < comps["text"][0]


def test_query_ranks_excludes_and_filters() -> None:
    idx = SimilarityIndex(
        [
            doc(1, "patent", "KR", "H01M4/04", "licensing", "dry coating cathode"),
            doc(2, "patent", "KR", "H01M4/04", "licensing", "dry coating cathode"),
            doc(3, "trademark", "KR", None, "licensing", "dry coating cathode"),
            doc(4, "patent", "CN", None, None, "unrelated words"),
        ]
    )
    q = query(text="dry coating cathode")
    hits = idx.query(q, top=3)
    assert [h.case_id for h in hits] == [1, 2, 3]  # tie 1/2 broken by id
    assert [h.case_id for h in idx.query(q, top=10, exclude_case=1)][:1] == [2]
    assert {h.case_id for h in idx.query(q, top=10, same_ip_type=True)} == {1, 2, 4}
    assert idx.query(q, top=0) == [] and SimilarityIndex([]).query(q) == []


def test_store_similar_by_id_and_by_file(store: CaseStore) -> None:
    store.save(source(1), org="acme", user="alice")
    store.save(source(2, title="Beverage brand licence"), org="acme", user="alice")
    hits = store.similar("acme", 1)
    assert [h.case_id for h in hits] == [2]  # never itself
    by_file = store.similar("acme", source(9), top=5)
    assert [h.case_id for h in by_file] == [1, 2]
    assert by_file[0].score > by_file[1].score


def test_extend_replaces_a_case_and_adds_new_ones() -> None:
    idx = SimilarityIndex(
        [
            doc(1, "patent", "KR", "H01M4/04", "licensing", "dry coating"),
            doc(2, "patent", "CN", None, None, "beverage brand"),
        ]
    )
    idx.extend(
        [
            CaseDoc(
                1, 2, "", "trademark", "KR", None, None, "beverage brand", {"royalty_rate": 0.05}
            ),
            CaseDoc(3, 1, "", "patent", "KR", "H01M4/04", "licensing", "dry coating"),
        ]
    )
    assert len(idx) == 3  # case 1 now has one (new) row
    hits = idx.query(query(text="dry coating"), top=5)
    assert (hits[0].case_id, hits[0].version_no) == (3, 1)
    assert {(h.case_id, h.version_no) for h in hits} == {(1, 2), (2, 1), (3, 1)}
    rows = idx.param_rows(exclude_case=3)
    assert rows.shape == (2, 5) and 0.05 in rows[:, 0].tolist()


def test_store_index_follows_new_versions(store: CaseStore) -> None:
    store.save(source(1), org="acme", user="alice")
    store.save(source(2), org="acme", user="alice")
    assert [h.version_no for h in store.similar("acme", 2)] == [1]
    store.save(source(1, royalty=0.05), org="acme", user="alice", case_id=1)
    (hit,) = store.similar("acme", 2)
    assert (hit.case_id, hit.version_no, hit.params["royalty_rate"]) == (1, 2, 0.05)


def _sklearn_reference(texts: list[str]) -> TfidfVectorizer:
    """The vectorizer the index fits, configured as in ``SimilarityIndex.__init__``."""
    vec = TfidfVectorizer(
        preprocessor=_cjk_bigrams,
        token_pattern=r"(?u)\b\w\w+\b",
        sublinear_tf=True,
        dtype=np.float32,
    )
    return vec.fit(texts)


TEXTS = ["dry coating of cathode material", "cathode cathode binder", "锂电池正极涂布", "x"]


def test_own_tfidf_equals_sklearn_transform_for_queries_and_new_rows() -> None:
    idx = SimilarityIndex([doc(i, None, None, None, None, t) for i, t in enumerate(TEXTS)])
    ref = _sklearn_reference(TEXTS)
    text = "Cathode coating, dry 锂电池 cathode unknownword"
    cols, w = idx._query_vector(text)
    want = ref.transform([text])
    got = dict(zip(cols.tolist(), w.tolist(), strict=True))
    assert got == pytest.approx(
        dict(zip(want.indices.tolist(), want.data.tolist(), strict=True)), rel=1e-6
    )
    assert idx._vocab == ref.vocabulary_
    assert np.allclose(idx._idf, ref.idf_, rtol=1e-6)  # sklearn keeps idf in float32
    assert np.allclose(idx._blocks[0].toarray(), ref.transform(TEXTS).toarray(), atol=1e-7)
    new = ["binder of cathode", "正极涂布 dry", "nothing known here"]
    assert np.allclose(idx._transform(new).toarray(), ref.transform(new).toarray(), atol=1e-7)


def test_pickled_index_answers_like_the_original_without_descriptions() -> None:
    idx = SimilarityIndex(
        [doc(i, "patent", "KR", "H01M4/04", "licensing", t) for i, t in enumerate(TEXTS)]
    )
    idx.extend([doc(1, "patent", "KR", "H01M", "licensing", "cathode binder v2")])
    back = pickle.loads(pickle.dumps(idx))
    q = query(text="dry cathode binder")
    assert back.query(q, top=5) == idx.query(q, top=5)
    assert [d.case_id for d in back.active_docs()] == [0, 2, 3, 1]


def test_many_extensions_are_merged_and_scores_unchanged() -> None:
    texts = ["dry coating cathode", "beverage brand", "neural network accelerator"]
    idx = SimilarityIndex([doc(0, None, None, None, None, "dry coating cathode binder")])
    for i in range(1, 40):
        idx.extend([doc(i, None, None, None, None, texts[i % 3])])
    assert len(idx._blocks) <= 17 and len(idx) == 40
    _, comps = idx.scores(query(None, None, None, None, "dry coating cathode"))
    # identical texts score the same wherever their rows sit
    assert comps["text"][3] == pytest.approx(comps["text"][39]) and comps["text"][3] > 0.5
    assert comps["text"][2] == 0.0


#: Documented tolerance of an index grown by appending (docs/cases.md, "Similar cases"): with
#: appended rows up to the default rebuild share, every total score is within SCORE_TOL of a
#: full rebuild's, and every top-10 hit scores, in the full rebuild, at least the full
#: rebuild's 10th best minus RANK_TOL.
SCORE_TOL, RANK_TOL = 0.05, 0.025


def test_appended_index_matches_a_full_rebuild_within_the_documented_tolerance() -> None:
    """Real USPTO abstracts: 2,400 built, 600 appended (20 %, the default share), against one
    index built on all 3,000; queries are 100 abstracts of all three kinds (built, appended,
    unseen), with categorical components varied so they are compared too."""
    import gzip

    import pandas as pd
    from tests.conftest import SHARED_DATA, require_shared_data

    from ipvalue.core.settings import Settings

    path = require_shared_data(SHARED_DATA / "patents" / "uspto_random_10000.csv.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        pats = pd.read_csv(fh, usecols=["abstract", "classifications_cpc"]).dropna()
    texts = pats["abstract"].tolist()[:3500]
    cpcs = [c.split(";")[0].replace(" ", "").upper() for c in pats["classifications_cpc"]]
    jurs = ("KR", "CN", "JP")
    docs = [
        CaseDoc(i, 1, "", "patent", jurs[i % 3], cpcs[i], "licensing", texts[i])
        for i in range(3000)
    ]
    share = Settings().cases_index_rebuild_share
    base = int(len(docs) * (1 - share))
    grown = SimilarityIndex(docs[:base])
    grown.extend(docs[base:])
    assert grown.appended_share == pytest.approx(share)
    full = SimilarityIndex(docs)
    rng = np.random.default_rng(7)
    worst_score = worst_rank = 0.0
    for q in rng.choice(len(texts), 100, replace=False).tolist():
        prof = CaseProfile(
            "", "patent", jurs[q % 2], cpcs[q], "licensing", texts[q], None, None, {}
        )
        a, comps_a = grown.scores(prof)
        b, comps_b = full.scores(prof)
        for key in ("ip_type", "jurisdiction", "tech_class", "purpose"):
            assert np.array_equal(comps_a[key], comps_b[key])  # only text can drift
        worst_score = max(worst_score, float(np.abs(a - b).max()))
        tenth = np.sort(b)[::-1][9]
        worst_rank = max(worst_rank, max(tenth - b[h.case_id] for h in grown.query(prof)))
    assert worst_score <= SCORE_TOL
    assert worst_rank <= RANK_TOL
    # and the drift is real (the test would notice an index that ignored the appended rows)
    assert worst_score > 0
