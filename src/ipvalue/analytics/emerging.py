"""Emerging-technology detection: growth of an item's share and novelty of its documents.

An *item* is a term (TF-IDF vocabulary n-gram) or a class (CPC/IPC subclass or group). Two
windows of publication (or filing) years are compared: the **recent** window ``R`` = the last
``recent_years`` years up to ``end_year`` and the **base** window ``B`` = the ``base_years``
years before it. For an item ``x`` with ``n_R(x)`` of the ``N_R`` recent documents and
``n_B(x)`` of the ``N_B`` base documents:

* ``share_recent = n_R / N_R``, ``share_base = n_B / N_B``, ``share_change`` their difference;
* ``emergence = ln((n_R + 1) / (N_R + 1)) − ln((n_B + 1) / (N_B + 1))`` — the add-one smoothed
  log ratio of shares: 0 for a stable share, positive when the share rises, finite for new
  items (``n_B = 0``, flagged ``new``);
* ``slope``: least-squares slope of the yearly share over all years of ``B ∪ R`` (share per year);
* **document novelty** ``nov(d) = 1 − mean of the k largest cosine similarities`` between the
  TF-IDF vector of recent document ``d`` and the base documents (``k = 1``: the distance to the
  nearest earlier document); the item's ``novelty`` is the mean over recent documents with it;
* ``score``: mean of the percentile ranks of ``emergence`` and ``novelty`` among the items
  kept (only ``emergence`` when novelty is not computed). Items need at least
  ``min_recent_docs`` recent documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

from ipvalue.analytics.landscape_corpus import PatentCorpus, member
from ipvalue.analytics.landscape_counts import category_pairs
from ipvalue.analytics.landscape_text import (
    TOKEN_PATTERN,
    document_texts,
    stop_words,
    tfidf_vectorizer,
)
from ipvalue.core.errors import InputError

ItemKind = Literal["terms", "classes", "groups"]


@dataclass(frozen=True)
class EmergingResult:
    """Items ranked by emergence and novelty.

    Attributes
    ----------
    items : str
        terms, classes or groups.
    base_years, recent_years : tuple of int
        First and last year of each window.
    n_base, n_recent : int
        Documents in each window.
    table : DataFrame
        ``item, n_base, n_recent, share_base, share_recent, share_change, emergence, slope,
        new, novelty, score`` sorted by ``score`` descending.
    novelty_k : int or None
        ``k`` of document novelty (None when not computed).
    warnings : tuple of str
    """

    items: str
    base_years: tuple[int, int]
    recent_years: tuple[int, int]
    n_base: int
    n_recent: int
    table: pd.DataFrame
    novelty_k: int | None
    warnings: tuple[str, ...]


def emergence_table(
    doc_items: pd.DataFrame,
    doc_years: pd.Series,
    *,
    base: tuple[int, int],
    recent: tuple[int, int],
    min_recent_docs: int = 3,
    novelty: pd.Series | None = None,
) -> pd.DataFrame:
    """Emergence statistics of items from a (document, item) incidence table.

    Parameters
    ----------
    doc_items : DataFrame
        ``pub_id, item`` — distinct pairs.
    doc_years : Series
        Year per ``pub_id`` (documents outside both windows are ignored).
    base, recent : (int, int)
        Inclusive year windows; ``base`` must end before ``recent`` starts.
    min_recent_docs : int
        Minimum ``n_R`` for an item to be kept.
    novelty : Series, optional
        Novelty per recent ``pub_id``.

    Returns
    -------
    DataFrame
        Columns as in :class:`EmergingResult` (see the module docstring for definitions).

    Raises
    ------
    InputError
        Overlapping or empty windows, or a window without documents.
    """
    if base[0] > base[1] or recent[0] > recent[1] or base[1] >= recent[0]:
        raise InputError("windows", "base window must end before the recent window starts")
    if min_recent_docs < 1:
        raise InputError("min_recent_docs", "must be >= 1")
    years = doc_years.dropna().astype(int)
    in_b = years[(years >= base[0]) & (years <= base[1])]
    in_r = years[(years >= recent[0]) & (years <= recent[1])]
    if in_b.empty or in_r.empty:
        raise InputError(
            "windows",
            f"need documents in both windows (base {base[0]}-{base[1]}: {len(in_b)}, "
            f"recent {recent[0]}-{recent[1]}: {len(in_r)})",
        )
    n_b_total, n_r_total = len(in_b), len(in_r)
    pairs = doc_items[member(doc_items["pub_id"], years.index)].drop_duplicates()
    pairs = pairs.assign(year=years.reindex(pairs["pub_id"]).to_numpy())
    n_r = pairs[member(pairs["pub_id"], in_r.index)].groupby("item").size()
    n_b = pairs[member(pairs["pub_id"], in_b.index)].groupby("item").size()
    keep = n_r[n_r >= min_recent_docs].index
    table = pd.DataFrame({"item": keep})
    table["n_base"] = n_b.reindex(keep, fill_value=0).to_numpy()
    table["n_recent"] = n_r.reindex(keep).to_numpy()
    table["share_base"] = table["n_base"] / n_b_total
    table["share_recent"] = table["n_recent"] / n_r_total
    table["share_change"] = table["share_recent"] - table["share_base"]
    table["emergence"] = np.log((table["n_recent"] + 1) / (n_r_total + 1)) - np.log(
        (table["n_base"] + 1) / (n_b_total + 1)
    )
    table["slope"] = _share_slopes(pairs, years, keep, base[0], recent[1])
    table["new"] = table["n_base"] == 0
    if novelty is not None and len(table):
        recent_pairs = pairs[member(pairs["pub_id"], in_r.index) & member(pairs["item"], keep)]
        nov = novelty.reindex(recent_pairs["pub_id"]).to_numpy()
        per_item = pd.Series(nov, index=recent_pairs["item"].to_numpy()).groupby(level=0).mean()
        table["novelty"] = per_item.reindex(keep).to_numpy()
        table["score"] = (table["emergence"].rank(pct=True) + table["novelty"].rank(pct=True)) / 2.0
    else:
        table["novelty"] = np.nan
        table["score"] = table["emergence"].rank(pct=True)
    table = table.sort_values(["score", "emergence", "item"], ascending=[False, False, True])
    return table.reset_index(drop=True)


def _share_slopes(
    pairs: pd.DataFrame, years: pd.Series, items: pd.Index, first: int, last: int
) -> np.ndarray:
    """OLS slope of each item's yearly share over ``first..last`` (years with no documents are
    skipped: their share is undefined)."""
    span = np.arange(first, last + 1)
    totals = years.value_counts().reindex(span, fill_value=0).to_numpy().astype(float)
    counts = (
        pairs[member(pairs["item"], items)]
        .groupby(["item", "year"])
        .size()
        .unstack(fill_value=0)
        .reindex(index=items, columns=span, fill_value=0)
        .to_numpy()
        .astype(float)
    )
    ok = totals > 0
    if ok.sum() < 2:
        return np.full(len(items), np.nan)
    x = span[ok].astype(float)
    shares = counts[:, ok] / totals[ok]
    xc = x - x.mean()
    return np.asarray((shares - shares.mean(axis=1, keepdims=True)) @ xc / (xc @ xc))


def document_novelty(
    texts_recent: pd.Series, texts_base: pd.Series, *, k: int = 1, chunk: int = 1000
) -> pd.Series:
    """``1 − mean of the k largest cosine similarities`` of each recent text to the base texts.

    TF-IDF is fitted on both sets together (unigrams and bigrams, ``min_df=1``). A recent text
    that shares no term with any base text has novelty 1; an exact copy of a base text has 0.

    Raises
    ------
    InputError
        ``k < 1``, ``k`` larger than the base, or no text on either side.
    """
    if k < 1:
        raise InputError("novelty_k", "must be >= 1")
    if len(texts_base) < k:
        raise InputError("novelty_k", f"must not exceed the base documents ({len(texts_base)})")
    if texts_recent.empty:
        raise InputError("windows", "no recent document with text")
    vec = tfidf_vectorizer(ngram_range=(1, 2), min_df=1, max_df=1.0)
    try:
        matrix = vec.fit_transform(np.concatenate([texts_base.to_numpy(), texts_recent.to_numpy()]))
    except ValueError as exc:
        raise InputError("abstract", f"no usable text for novelty ({exc})") from exc
    matrix = normalize(matrix)
    base_m = matrix[: len(texts_base)].T.tocsc()
    recent_m = matrix[len(texts_base) :]
    out = np.empty(recent_m.shape[0])
    for start in range(0, recent_m.shape[0], chunk):
        sims = (recent_m[start : start + chunk] @ base_m).toarray()
        top = -np.partition(-sims, k - 1, axis=1)[:, :k]
        out[start : start + chunk] = 1.0 - top.mean(axis=1)
    return pd.Series(np.clip(out, 0.0, 1.0), index=texts_recent.index)


def emerging_windows(
    corpus: PatentCorpus, *, end_year: int | None, recent_years: int, base_years: int
) -> tuple[tuple[int, int], tuple[int, int]]:
    """``(base, recent)`` year windows ending at ``end_year`` (default: last year of the data).

    Raises
    ------
    InputError
        Window lengths below 1 or a corpus without years.
    """
    if recent_years < 1 or base_years < 1:
        raise InputError("windows", "recent_years and base_years must be >= 1")
    years = corpus.years
    if years.empty:
        raise InputError("date", "no patent has a year")
    last = int(years.max()) if end_year is None else int(end_year)
    recent = (last - recent_years + 1, last)
    return (recent[0] - base_years, recent[0] - 1), recent


def window_novelty(
    corpus: PatentCorpus, *, base: tuple[int, int], recent: tuple[int, int], k: int = 1
) -> pd.Series | None:
    """Novelty of each recent document against the base window (None when a window has no
    document with text); see :func:`document_novelty`."""
    years = corpus.years
    texts = document_texts(corpus)
    texts = texts.reindex(years[(years >= base[0]) & (years <= recent[1])].index)
    texts = texts[texts.fillna("") != ""]
    yrs = years.reindex(texts.index)
    base_t, recent_t = texts[yrs <= base[1]], texts[yrs >= recent[0]]
    if base_t.empty or recent_t.empty:
        return None
    return document_novelty(recent_t, base_t, k=k)


def detect_emerging(
    corpus: PatentCorpus,
    *,
    items: ItemKind = "terms",
    end_year: int | None = None,
    recent_years: int = 3,
    base_years: int = 5,
    min_recent_docs: int = 5,
    novelty_k: int | None = 1,
    ngram_range: tuple[int, int] = (1, 2),
    top: int | None = 30,
    novelty: pd.Series | None = None,
) -> EmergingResult:
    """Rank terms or classes by how fast their share grows and how novel their documents are.

    Parameters
    ----------
    corpus : PatentCorpus
    items : {"terms", "classes", "groups"}
        TF-IDF n-grams of title+abstract, CPC/IPC subclasses, or full class codes.
    end_year : int, optional
        Last year of the recent window (default: last year in the corpus).
    recent_years, base_years : int
        Window lengths in years.
    min_recent_docs : int
        Minimum recent documents for an item.
    novelty_k : int or None
        ``k`` of document novelty; None skips novelty (faster; score = emergence rank).
    ngram_range : (int, int)
        Term n-gram lengths (``items="terms"``).
    top : int or None
        Rows to keep.
    novelty : Series, optional
        Document novelty already computed for these windows (:func:`window_novelty`), reused
        instead of recomputed (``novelty_k`` is then only recorded).

    Returns
    -------
    EmergingResult

    Raises
    ------
    InputError
        Bad window lengths, unknown ``items``, or windows without documents.

    Notes
    -----
    With ``date_basis`` filing or priority, the last 18 months are incomplete because
    applications publish 18 months after priority; a warning says so when the recent window
    reaches the last year of the data.
    """
    if items not in ("terms", "classes", "groups"):
        raise InputError("items", "must be terms, classes or groups")
    base, recent = emerging_windows(
        corpus, end_year=end_year, recent_years=recent_years, base_years=base_years
    )
    years = corpus.years
    last = recent[1]
    warnings: list[str] = []
    if corpus.date_basis in ("filing", "priority") and last >= int(years.max()):
        warnings.append(
            f"years are {corpus.date_basis} years: the latest ones are incomplete (publication "
            "lags priority by 18 months), which understates recent growth"
        )
    if items == "terms":
        texts = document_texts(corpus)
        texts = texts[texts != ""]
        vec = CountVectorizer(
            ngram_range=ngram_range,
            min_df=min_recent_docs,
            stop_words=stop_words(),
            token_pattern=TOKEN_PATTERN,
            binary=True,
        )
        try:
            m = vec.fit_transform(texts.to_numpy()).tocoo()
        except ValueError as exc:
            raise InputError("abstract", f"no term occurs in {min_recent_docs} documents") from exc
        terms = vec.get_feature_names_out()
        doc_items = pd.DataFrame({"pub_id": texts.index[m.row], "item": terms[m.col]})
    else:
        pairs = category_pairs(
            corpus, "class", class_level="subclass" if items == "classes" else "group"
        )
        doc_items = pairs.rename(columns={"category": "item"})
    if novelty is None and novelty_k is not None:
        novelty = window_novelty(corpus, base=base, recent=recent, k=novelty_k)
        if novelty is None:
            warnings.append("novelty not computed: a window has no document with text")
    table = emergence_table(
        doc_items,
        years,
        base=base,
        recent=recent,
        min_recent_docs=min_recent_docs,
        novelty=novelty,
    )
    if top is not None:
        table = table.head(top).reset_index(drop=True)
    in_b = int(((years >= base[0]) & (years <= base[1])).sum())
    in_r = int(((years >= recent[0]) & (years <= recent[1])).sum())
    return EmergingResult(
        items=items,
        base_years=base,
        recent_years=recent,
        n_base=in_b,
        n_recent=in_r,
        table=table,
        novelty_k=novelty_k if novelty is not None else None,
        warnings=tuple(warnings),
    )
