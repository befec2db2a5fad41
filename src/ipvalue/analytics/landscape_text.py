"""Keywords per period and clusters of abstracts (scikit-learn TF-IDF; pure, no I/O).

* **Document text**: title and abstract joined. Documents with no text are left out and
  counted.
* **TF-IDF**: scikit-learn ``TfidfVectorizer`` with English stop words, sublinear term
  frequency, smooth IDF and L2-normalised rows; the IDF is fitted on the whole corpus so that
  scores of different periods are comparable.
* **Keyword score** of term ``t`` in period ``P``: the mean TF-IDF weight of ``t`` over the
  documents of ``P`` (documents without ``t`` count 0); ``doc_freq`` is how many documents of
  ``P`` contain ``t``.
* **Clusters**: TF-IDF → LSA (truncated SVD, at most 50 dimensions) → unit length → k-means
  (``n_init=10``, seeded). The top terms of a cluster are the largest entries of the mean
  TF-IDF vector of its members; the silhouette (cosine, on the LSA vectors, at most 2,000 sampled
  documents) measures separation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from ipvalue.analytics.landscape_corpus import PatentCorpus
from ipvalue.core.errors import InputError

# Words that occur in almost every patent abstract and carry no technology.
PATENT_STOP_WORDS = frozenset(
    (
        "method",
        "methods",
        "apparatus",
        "system",
        "systems",
        "device",
        "devices",
        "provided",
        "comprising",
        "comprises",
        "comprise",
        "including",
        "includes",
        "include",
        "wherein",
        "present",
        "invention",
        "disclosed",
        "embodiment",
        "embodiments",
        "having",
        "said",
        "least",
        "plurality",
        "first",
        "second",
        "third",
        "configured",
        "based",
        "using",
        "used",
        "use",
        "uses",
        "relates",
        "related",
        "thereof",
        "therein",
        "thereto",
        "respective",
        "corresponding",
        "associated",
        "portion",
        "portions",
        "described",
        "describes",
    )
)


TOKEN_PATTERN = r"(?u)\b[a-zA-Z][a-zA-Z0-9\-]+\b"


def stop_words() -> list[str]:
    """scikit-learn's English stop words plus :data:`PATENT_STOP_WORDS`, sorted."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return sorted(ENGLISH_STOP_WORDS | PATENT_STOP_WORDS)


def document_texts(corpus: PatentCorpus) -> pd.Series:
    """``title. abstract`` per patent, indexed by ``pub_id`` (empty string when neither)."""
    p = corpus.patents
    text = p["title"].fillna("").astype(str) + ". " + p["abstract"].fillna("").astype(str)
    text = text.str.strip(" .")
    return pd.Series(text.to_numpy(), index=p["pub_id"].to_numpy())


def tfidf_vectorizer(
    *, ngram_range: tuple[int, int] = (1, 2), min_df: int | float = 2, max_df: float = 0.5
) -> TfidfVectorizer:
    """The TF-IDF configuration used across landscapes (see the module docstring)."""
    if ngram_range[0] < 1 or ngram_range[1] < ngram_range[0]:
        raise InputError("ngram_range", "must be (min, max) with 1 <= min <= max")
    return TfidfVectorizer(
        ngram_range=ngram_range,
        min_df=min_df,
        max_df=max_df,
        stop_words=stop_words(),
        sublinear_tf=True,
        token_pattern=TOKEN_PATTERN,
        dtype=np.float64,
    )


def periods_of(years: pd.Series, period_years: int) -> pd.Series:
    """Label each year with its period ``"start-end"``, periods of ``period_years`` ending at the
    last year (so the most recent period is complete and the first may be shorter)."""
    if period_years < 1:
        raise InputError("period_years", "must be >= 1")
    last = int(years.max())
    back = ((last - years.astype(int)) // period_years).to_numpy() * period_years
    start = last - back - (period_years - 1)
    end = start + period_years - 1
    start = np.maximum(start, int(years.min()))
    return pd.Series(
        [f"{s}-{e}" if s != e else str(s) for s, e in zip(start, end, strict=True)],
        index=years.index,
    )


def keywords(
    corpus: PatentCorpus,
    *,
    period_years: int | None = 5,
    top: int = 15,
    ngram_range: tuple[int, int] = (1, 3),
    min_df: int = 2,
) -> pd.DataFrame:
    """Top TF-IDF n-grams overall and per period.

    Parameters
    ----------
    corpus : PatentCorpus
    period_years : int or None
        Length of the periods (ending at the last year); None for the whole corpus only.
    top : int
        Terms per period.
    ngram_range : (int, int)
        Word n-gram lengths.
    min_df : int
        A term must occur in at least this many documents of the corpus.

    Returns
    -------
    DataFrame
        ``period, rank, term, score, doc_freq, n_docs``; period ``"all"`` covers every
        document, including those without a year.

    Raises
    ------
    InputError
        No document with text, ``top < 1``, or too few documents for ``min_df``.
    """
    if top < 1:
        raise InputError("top", "must be >= 1")
    texts = document_texts(corpus)
    texts = texts[texts != ""]
    if texts.empty:
        raise InputError("abstract", "no patent has a title or abstract to extract keywords from")
    vec = tfidf_vectorizer(ngram_range=ngram_range, min_df=min_df, max_df=1.0)
    try:
        matrix = vec.fit_transform(texts.to_numpy())
    except ValueError as exc:  # empty vocabulary after min_df / stop words
        raise InputError("min_df", f"no term is left after filtering ({exc})") from exc
    terms = vec.get_feature_names_out()
    years = corpus.years.reindex(texts.index)
    groups: list[tuple[str, np.ndarray]] = [("all", np.arange(len(texts)))]
    if period_years is not None and years.notna().any():
        dated = years.dropna()
        labels = periods_of(dated, period_years)
        pos = pd.Series(np.arange(len(texts)), index=texts.index)
        for label in sorted(set(labels), key=lambda s: int(s.split("-")[0])):
            ids = labels.index[labels == label]
            groups.append((label, pos.loc[ids].to_numpy()))
    rows = []
    for label, idx in groups:
        sub = matrix[idx]
        score = np.asarray(sub.mean(axis=0)).ravel()
        dfreq = np.asarray((sub > 0).sum(axis=0)).ravel()
        order = np.lexsort((terms, -score))[:top]
        for rank, j in enumerate(order, start=1):
            if score[j] > 0:
                rows.append((label, rank, terms[j], float(score[j]), int(dfreq[j]), len(idx)))
    return pd.DataFrame(rows, columns=["period", "rank", "term", "score", "doc_freq", "n_docs"])


@dataclass(frozen=True)
class ClusterResult:
    """k-means clusters of patent texts.

    Attributes
    ----------
    k, seed : int
    assignments : DataFrame
        ``pub_id, cluster`` for every patent with text.
    clusters : DataFrame
        ``cluster, size, top_terms`` (``; ``-joined), sorted by cluster number.
    silhouette : float or None
        Mean cosine silhouette; None when it is undefined (fewer than 3 documents).
    n_without_text : int
        Patents left out because they have no title or abstract.
    """

    k: int
    seed: int
    assignments: pd.DataFrame
    clusters: pd.DataFrame
    silhouette: float | None
    n_without_text: int


def cluster_texts(
    corpus: PatentCorpus,
    *,
    k: int = 8,
    seed: int = 0,
    top_terms: int = 8,
    ngram_range: tuple[int, int] = (1, 2),
    min_df: int = 2,
    lsa_dimensions: int = 50,
) -> ClusterResult:
    """Cluster titles and abstracts (TF-IDF + LSA + k-means), with top terms per cluster.

    Clusters are renumbered by decreasing size so that cluster 0 is the largest.

    Raises
    ------
    InputError
        ``k < 2``, more clusters than documents, or no text.
    """
    if k < 2:
        raise InputError("k", "must be >= 2")
    if top_terms < 1:
        raise InputError("top_terms", "must be >= 1")
    texts = document_texts(corpus)
    missing = int((texts == "").sum())
    texts = texts[texts != ""]
    if len(texts) < k:
        raise InputError("k", f"must not exceed the number of documents with text ({len(texts)})")
    vec = tfidf_vectorizer(ngram_range=ngram_range, min_df=min(min_df, len(texts)), max_df=1.0)
    try:
        matrix = vec.fit_transform(texts.to_numpy())
    except ValueError as exc:
        raise InputError("min_df", f"no term is left after filtering ({exc})") from exc
    terms = vec.get_feature_names_out()
    dims = min(lsa_dimensions, matrix.shape[1] - 1, len(texts) - 1)
    # One BLAS/OpenMP thread: these matrices are small, and oversubscribed threads on a busy
    # machine made SVD + k-means 6x slower (2,000 abstracts, 2 cores: 17 s vs 3 s).
    with threadpool_limits(limits=1):
        if dims >= 2:
            reduced = normalize(TruncatedSVD(dims, random_state=seed).fit_transform(matrix))
        else:
            reduced = matrix.toarray()
        labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(reduced)
    # Renumber by size (then by first member) so cluster ids do not depend on k-means order.
    sizes = np.bincount(labels, minlength=k)
    first = [int(np.flatnonzero(labels == c)[0]) if sizes[c] else len(labels) for c in range(k)]
    order = sorted(range(k), key=lambda c: (-sizes[c], first[c]))
    remap = np.empty(k, dtype=int)
    remap[order] = np.arange(k)
    labels = remap[labels]
    rows = []
    for c in range(k):
        members = np.flatnonzero(labels == c)
        if len(members) == 0:
            rows.append((c, 0, ""))
            continue
        centre = np.asarray(sparse.csr_matrix(matrix[members]).mean(axis=0)).ravel()
        best = np.lexsort((terms, -centre))[:top_terms]
        rows.append((c, len(members), "; ".join(terms[j] for j in best if centre[j] > 0)))
    sil: float | None = None
    if len(texts) > k and len(set(labels)) > 1:
        sample = min(2000, len(texts))
        with threadpool_limits(limits=1):
            sil = float(
                silhouette_score(
                    reduced, labels, metric="cosine", sample_size=sample, random_state=seed
                )
            )
    return ClusterResult(
        k=k,
        seed=seed,
        assignments=pd.DataFrame({"pub_id": texts.index.to_numpy(), "cluster": labels}),
        clusters=pd.DataFrame(rows, columns=["cluster", "size", "top_terms"]),
        silhouette=sil,
        n_without_text=missing,
    )
