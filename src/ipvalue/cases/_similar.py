"""Similar cases: IP type, jurisdiction, technology class, purpose and description text.

Score = Σ weight × component, each component in [0, 1]:

* ``ip_type``, ``jurisdiction``, ``purpose``: 1 when equal, else 0;
* ``tech_class`` (IPC/CPC symbol, spaces removed): 1 equal, 0.75 same subclass (``H04L``),
  0.5 same class (``H04``), 0.25 same section (``H``);
* ``text``: cosine similarity of TF-IDF vectors of title + description, character 2–3-grams
  within words, so that Chinese, Japanese and Korean text without spaces is compared too.

A component missing on either side scores 0. The index is built once per organisation and
reused until the audit chain head moves (every write moves it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from ipvalue.cases._intake import CaseProfile

WEIGHTS: dict[str, float] = {
    "ip_type": 0.25, "jurisdiction": 0.2, "tech_class": 0.2, "purpose": 0.1, "text": 0.25,
}
_TECH_LEVELS = ((4, 0.75), (3, 0.5), (1, 0.25))


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


def _codes(values: Sequence[str | None]) -> tuple[np.ndarray, dict[str, int]]:
    vocab: dict[str, int] = {}
    out = np.full(len(values), -1, dtype=np.int64)
    for i, v in enumerate(values):
        if v:
            out[i] = vocab.setdefault(v, len(vocab))
    return out, vocab


class SimilarityIndex:
    """Vectorised similarity over a fixed set of cases (build once, query many times)."""

    def __init__(self, docs: Sequence[CaseDoc]) -> None:
        self.docs = list(docs)
        self._case_ids = np.array([d.case_id for d in self.docs], dtype=np.int64)
        self._cat: dict[str, tuple[np.ndarray, dict[str, int]]] = {
            k: _codes([getattr(d, k) for d in self.docs])
            for k in ("ip_type", "jurisdiction", "purpose")
        }
        tech = [d.tech_class for d in self.docs]
        self._tech = {n: _codes([t[:n] if t and len(t) >= n else None for t in tech])
                      for n, _ in _TECH_LEVELS}
        self._tech_full = _codes(tech)
        texts = [f"{d.title} {d.description}".strip() for d in self.docs]
        self._vectorizer: TfidfVectorizer | None = None
        self._matrix: Any = None
        if any(texts):
            self._vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3),
                                               sublinear_tf=True, dtype=np.float32)
            try:
                self._matrix = self._vectorizer.fit_transform(texts)
            except ValueError:  # no n-gram at all (e.g. one-character texts)
                self._vectorizer = None

    def __len__(self) -> int:
        return len(self.docs)

    def scores(self, query: CaseProfile) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Total score and each component for every indexed case."""
        n = len(self.docs)
        comps: dict[str, np.ndarray] = {}
        for key in ("ip_type", "jurisdiction", "purpose"):
            codes, vocab = self._cat[key]
            q = getattr(query, key)
            comps[key] = ((codes == vocab[q]) if q in vocab else np.zeros(n, bool)).astype(float)
        comps["tech_class"] = self._tech_scores(query.tech_class, n)
        text = f"{query.title} {query.description}".strip()
        if self._vectorizer is not None and text:
            qv = self._vectorizer.transform([text])
            comps["text"] = np.asarray((self._matrix @ qv.T).toarray()).ravel().astype(float)
        else:
            comps["text"] = np.zeros(n)
        total = sum(WEIGHTS[k] * v for k, v in comps.items())
        return np.asarray(total, dtype=float), comps

    def _tech_scores(self, tech: str | None, n: int) -> np.ndarray:
        out = np.zeros(n)
        if not tech:
            return out
        codes, vocab = self._tech_full
        if tech in vocab:
            out[codes == vocab[tech]] = 1.0
        for length, credit in _TECH_LEVELS:
            codes, vocab = self._tech[length]
            key = tech[:length]
            if len(tech) >= length and key in vocab:
                np.maximum(out, np.where(codes == vocab[key], credit, 0.0), out=out)
        return out

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
        if not self.docs or top <= 0:
            return []
        total, comps = self.scores(query)
        mask = np.ones(len(self.docs), bool)
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
        order = sorted(part.tolist(), key=lambda i: (-total[i], self.docs[i].case_id))
        return [
            SimilarCase(
                self.docs[i].case_id, self.docs[i].version_no, self.docs[i].title,
                float(total[i]), {c: float(v[i]) for c, v in comps.items()},
                dict(self.docs[i].params),
            )
            for i in order
        ]
