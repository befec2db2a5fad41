"""Similar cases: IP type, jurisdiction, technology class, purpose and description text.

Score = Σ weight × component, each component in [0, 1]:

* ``ip_type``, ``jurisdiction``, ``purpose``: 1 when equal, else 0;
* ``tech_class`` (IPC/CPC symbol, spaces removed): 1 equal, 0.75 same subclass (``H04L``),
  0.5 same class (``H04``), 0.25 same section (``H``);
* ``text``: cosine similarity of TF-IDF vectors (sublinear tf) of title + description; words
  of two or more letters, and runs of Chinese, Japanese or Korean characters split into
  overlapping character bigrams, so text without spaces between words is compared too.

A component missing on either side scores 0. The store builds the index once per organisation,
then extends it with the versions saved since (see :class:`SimilarityIndex`), until the share
of appended rows passes the setting ``cases_index_rebuild_share``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ipvalue.cases._intake import KEY_PARAMETERS, CaseProfile

WEIGHTS: dict[str, float] = {
    "ip_type": 0.25,
    "jurisdiction": 0.2,
    "tech_class": 0.2,
    "purpose": 0.1,
    "text": 0.25,
}
_TECH_LEVELS = ((4, 0.75), (3, 0.5), (1, 0.25))
PARAMS = tuple(KEY_PARAMETERS)
#: Text blocks added by extend() are merged once there are more than this many.
_MAX_BLOCKS = 16


@dataclass(frozen=True)
class CaseDoc:
    """A stored case's latest version as the index sees it."""

    case_id: int
    version_no: int
    title: str
    ip_type: str | None
    jurisdiction: str | None
    tech_class: str | None
    purpose: str | None
    description: str
    params: dict[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class SimilarCase:
    """One hit: the case, its score and the per-component scores behind it."""

    case_id: int
    version_no: int
    title: str
    score: float
    components: dict[str, float]
    params: dict[str, float | None]


class _Codes:
    """Integer codes of a categorical column that can grow (-1 = missing)."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.codes = np.zeros(0, dtype=np.int64)

    def extend(self, values: Sequence[str | None]) -> None:
        new = np.fromiter(
            (self.vocab.setdefault(v, len(self.vocab)) if v else -1 for v in values),
            dtype=np.int64,
            count=len(values),
        )
        self.codes = np.concatenate([self.codes, new])

    def match(self, value: str | None) -> np.ndarray:
        if value is None or value not in self.vocab:
            return np.zeros(self.codes.size, bool)
        return self.codes == self.vocab[value]


class SimilarityIndex:
    """Vectorised similarity over the latest versions of an organisation's cases.

    Build once, then :meth:`extend` with newly saved versions: a new version of a case already
    indexed replaces it (the old row is masked out). New texts are vectorised with the
    vocabulary and IDF weights of the build (terms first seen since do not count), so text
    scores drift from a full rebuild's as the appended share grows; the store rebuilds from
    scratch once :attr:`appended_share` passes its setting (docs/cases.md gives the measured
    drift and the tolerance the tests hold it to).
    """

    def __init__(self, docs: Sequence[CaseDoc]) -> None:
        # (case_id, version_no, title, ip_type, jurisdiction, tech_class, purpose) per row:
        # tuples rather than CaseDocs so that a persisted index unpickles quickly.
        self._meta: list[tuple[Any, ...]] = []
        self._row_of: dict[int, int] = {}
        self._case_ids = np.zeros(0, dtype=np.int64)
        self._active = np.zeros(0, dtype=bool)
        self.params = np.zeros((0, len(PARAMS)))
        self._cat = {k: _Codes() for k in ("ip_type", "jurisdiction", "purpose")}
        self._tech = {n: _Codes() for n, _ in _TECH_LEVELS}
        self._tech_full = _Codes()
        self._blocks: list[Any] = []
        self._vocab: dict[str, int] | None = None  # term -> column, from the TF-IDF fit
        self._idf = np.zeros(0)
        self.built_size = len(docs)
        self._fit([_text(d) for d in docs])
        self._append(docs, fitted=True)

    def _fit(self, texts: Sequence[str]) -> None:
        """Fit TF-IDF as scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` does with its
        defaults (vocabulary in sorted term order; smooth idf = ln((1 + n) / (1 + df)) + 1; L2
        rows), without importing scikit-learn (seconds per process); the tests compare both.
        No term at all (e.g. only one-character texts) leaves the text component at 0."""
        tokens = [_TOKEN.findall(_cjk_bigrams(t)) for t in texts]
        df: dict[str, int] = {}
        for doc_tokens in tokens:
            for term in set(doc_tokens):
                df[term] = df.get(term, 0) + 1
        if not df:
            return
        terms = sorted(df)
        self._vocab = {t: i for i, t in enumerate(terms)}
        counts = np.fromiter((df[t] for t in terms), dtype=np.float64, count=len(terms))
        self._idf = np.log((1.0 + len(texts)) / (1.0 + counts)) + 1.0
        # CSC: a query touches only the columns of its own terms (see _text_scores).
        self._blocks.append(self._rows(tokens))

    def _append(self, docs: Sequence[CaseDoc], *, fitted: bool) -> None:
        if not docs:
            return
        if not fitted and self._vocab is not None:
            self._blocks.append(self._transform([_text(d) for d in docs]))
            if len(self._blocks) > _MAX_BLOCKS:  # keep queries to a few column slices
                from scipy.sparse import vstack

                self._blocks[1:] = [vstack(self._blocks[1:], format="csc")]
        start = len(self._meta)
        self._meta.extend(
            (d.case_id, d.version_no, d.title, d.ip_type, d.jurisdiction, d.tech_class, d.purpose)
            for d in docs
        )
        for key, codes in self._cat.items():
            codes.extend([getattr(d, key) for d in docs])
        tech = [d.tech_class for d in docs]
        for n, codes in self._tech.items():
            codes.extend([t[:n] if t and len(t) >= n else None for t in tech])
        self._tech_full.extend(tech)
        ids = np.array([d.case_id for d in docs], dtype=np.int64)
        active = np.ones(len(docs), dtype=bool)
        for i, cid in enumerate(ids.tolist()):
            old = self._row_of.get(cid)
            if old is not None:
                if old >= start:
                    active[old - start] = False
                else:
                    self._active[old] = False
            self._row_of[cid] = start + i
        self._case_ids = np.concatenate([self._case_ids, ids])
        self._active = np.concatenate([self._active, active])
        vals = np.array(
            [
                [np.nan if d.params.get(p) is None else float(d.params[p] or 0.0) for p in PARAMS]
                for d in docs
            ],
            dtype=float,
        )
        self.params = np.vstack([self.params, vals.reshape(len(docs), len(PARAMS))])

    def extend(self, docs: Sequence[CaseDoc]) -> None:
        """Add newly saved latest versions (replacing earlier rows of the same cases)."""
        self._append(docs, fitted=False)

    @property
    def appended_share(self) -> float:
        """Share of the rows added by :meth:`extend` since the build (0 for an empty index)."""
        return (self.rows - self.built_size) / self.rows if self.rows else 0.0

    @property
    def rows(self) -> int:
        """Rows indexed, including earlier versions replaced since (masked out)."""
        return len(self._meta)

    def _params(self, i: int) -> dict[str, float | None]:
        return {
            p: None if v != v else v for p, v in zip(PARAMS, self.params[i].tolist(), strict=True)
        }

    def __len__(self) -> int:
        """Number of cases indexed (latest versions only)."""
        return int(self._active.sum())

    def _text_scores(self, text: str) -> np.ndarray:
        n = self.rows
        if self._vocab is None or not text or not self._blocks:
            return np.zeros(n)
        cols, weights = self._query_vector(text)
        if cols.size == 0:
            return np.zeros(n)
        # Rows are L2-normalised, so the dot product over the query's terms is the cosine.
        parts = [np.asarray(b[:, cols] @ weights).ravel() for b in self._blocks]
        out = np.concatenate(parts) if parts else np.zeros(0)
        return out if out.size == n else np.pad(out, (0, n - out.size))

    def _transform(self, texts: Sequence[str]) -> Any:
        """TF-IDF rows (CSC, float32) of new texts with the fitted vocabulary and IDF."""
        return self._rows([_TOKEN.findall(_cjk_bigrams(t)) for t in texts])

    def _rows(self, tokens: Sequence[list[str]]) -> Any:
        from scipy.sparse import csr_matrix

        vectors = [self._vector(t) for t in tokens]
        indptr = np.cumsum([0, *(c.size for c, _ in vectors)])
        cols = np.concatenate([c for c, _ in vectors]) if vectors else np.zeros(0, np.int64)
        data = np.concatenate([w for _, w in vectors]) if vectors else np.zeros(0)
        shape = (len(tokens), self._idf.size)
        return csr_matrix((data.astype(np.float32), cols, indptr), shape=shape).tocsc()

    def _query_vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """TF-IDF of one text as :meth:`_fit` weights it (sublinear tf × idf, L2 norm)."""
        return self._vector(_TOKEN.findall(_cjk_bigrams(text)))

    def _vector(self, tokens: list[str]) -> tuple[np.ndarray, np.ndarray]:
        vocab = self._vocab or {}
        counts: dict[int, int] = {}
        for token in tokens:
            col = vocab.get(token)
            if col is not None:
                counts[col] = counts.get(col, 0) + 1
        cols = np.fromiter(counts, dtype=np.int64, count=len(counts))
        tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
        w = tf * self._idf[cols]
        norm = float(np.sqrt(w @ w))
        return cols, (w / norm if norm > 0 else w)

    def scores(self, query: CaseProfile) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Total score and each component for every indexed row (inactive rows included)."""
        comps: dict[str, np.ndarray] = {
            key: self._cat[key].match(getattr(query, key)).astype(float)
            for key in ("ip_type", "jurisdiction", "purpose")
        }
        comps["tech_class"] = self._tech_scores(query.tech_class)
        comps["text"] = self._text_scores(_text(query))
        total = sum(WEIGHTS[k] * v for k, v in comps.items())
        return np.asarray(total, dtype=float), comps

    def _tech_scores(self, tech: str | None) -> np.ndarray:
        out = np.zeros(self.rows)
        if not tech:
            return out
        out[self._tech_full.match(tech)] = 1.0
        for length, credit in _TECH_LEVELS:
            if len(tech) >= length:
                hit = self._tech[length].match(tech[:length])
                out[hit] = np.maximum(out[hit], credit)
        return out

    def active_docs(self) -> list[CaseDoc]:
        """The indexed cases (latest versions), in row order of :meth:`param_rows`
        (descriptions are not kept: ``description`` is empty)."""
        return [
            CaseDoc(m[0], m[1], m[2], m[3], m[4], m[5], m[6], "", self._params(i))
            for i, (m, a) in enumerate(zip(self._meta, self._active.tolist(), strict=True))
            if a
        ]

    def param_rows(self, *, exclude_case: int | None = None) -> np.ndarray:
        """Key parameters (columns :data:`PARAMS`, NaN = missing) of every indexed case."""
        mask = self._active.copy()
        if exclude_case is not None:
            mask &= self._case_ids != exclude_case
        return self.params[mask]

    def query(
        self,
        query: CaseProfile,
        *,
        top: int = 10,
        exclude_case: int | None = None,
        same_ip_type: bool = False,
    ) -> list[SimilarCase]:
        """The ``top`` most similar cases, best first (ties broken by case id).

        ``exclude_case`` drops the query's own case; ``same_ip_type`` keeps only cases of the
        query's IP type (used for parameter deviation, where other IP types are not comparable).
        """
        if not self._meta or top <= 0:
            return []
        total, comps = self.scores(query)
        mask = self._active.copy()
        if exclude_case is not None:
            mask &= self._case_ids != exclude_case
        if same_ip_type:
            mask &= comps["ip_type"] > 0
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            return []
        k = min(top, idx.size)
        # argpartition then a stable sort of the k best: O(n) instead of a full sort.
        part = idx[np.argpartition(-total[idx], k - 1)[:k]] if k < idx.size else idx
        order = sorted(part.tolist(), key=lambda i: (-total[i], self._meta[i][0]))
        return [
            SimilarCase(
                self._meta[i][0],
                self._meta[i][1],
                self._meta[i][2],
                float(total[i]),
                {c: float(v[i]) for c, v in comps.items()},
                self._params(i),
            )
            for i in order
        ]


_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern
_CJK_RUN = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")


def _cjk_bigrams(text: str) -> str:
    """Lower-case; split runs of Chinese, Japanese or Korean characters into overlapping
    bigrams ("锂电池" → "锂电 电池"), since these scripts do not separate words by spaces."""

    def split(m: re.Match[str]) -> str:
        run = m.group(0)
        if len(run) < 2:
            return f" {run}{run} "  # single character: a two-character token of itself
        return " " + " ".join(run[i : i + 2] for i in range(len(run) - 1)) + " "

    return _CJK_RUN.sub(split, text.lower())


def _text(d: CaseDoc | CaseProfile) -> str:
    return f"{d.title} {d.description}".strip()
