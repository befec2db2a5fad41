"""Market comparables from deal records of similar patents (pure; no file I/O).

A deal record is one transferred patent with its price (or royalty rate, or price/revenue
multiple). :func:`select_comparables` keeps the deals of the patents most similar to the subject
and weights them as METHODS.md §3.3 prescribes; :meth:`ComparablesResult.approach_block` is the
``market_comparables`` approach (seam 2 of issue 4) a valuer pastes into a case.

Conventions (each is recorded in :attr:`ComparablesResult.conventions`):

* ``age_i = (as_of − date_i).days / 365.25`` years; deals dated after ``as_of`` are excluded
  (look-ahead) and reported;
* ``recency_i = 0.5 ** (age_i / half_life)`` — a deal ``half_life`` years old counts half;
* ``data_quality_i`` = the deal row's ``data_quality`` (0–1], else 1 (record not graded);
* raw weight ``s_i · recency_i · data_quality_i``; weights ``w_i`` are the raw weights normalised
  to sum 1, then capped at ``max_weight`` by :func:`capped_weights`;
* ``price`` deals are converted to the target currency at the reference rate on the deal date
  (``X_i = price_i · fx(currency_i → target, date_i)``); royalty rates and price/revenue
  multiples are unitless and never converted;
* with quality scores, ``quality_ratio_i = Q / Q_i`` (Handan DB1304/T 432-2023, METHODS §3.2).

The indicative value ``Σ w_i · X_i · scale · (Q/Q_i)`` is shown before any correction coefficient;
the case engine, once the analyst has added coefficients, gives the value to report.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from pydantic import ValidationError

from ipvalue.analytics.similar import SimilarityIndex, identifier_key, similar_to
from ipvalue.core.errors import InputError
from ipvalue.refdata import Figure

Basis = Literal["price", "royalty_rate", "price_to_revenue"]
Rights = Literal["assignment", "exclusive_licence", "non_exclusive_licence"]
BASES: tuple[str, ...] = ("price", "royalty_rate", "price_to_revenue")
RIGHTS: tuple[str, ...] = ("assignment", "exclusive_licence", "non_exclusive_licence")
DAYS_PER_YEAR = 365.25

FxLookup = Callable[[str, str, dt.date], Figure]
"""``(from_currency, to_currency, on) → Figure`` (units of ``to`` per one ``from``)."""


@dataclass(frozen=True)
class DealRecord:
    """One transferred patent, as read from a deals file.

    Attributes
    ----------
    where : str
        ``file:line`` (CSV) or ``file:row N`` (Parquet), for messages.
    patent_id : str
        The transferred patent, in any form the corpus knows (``US-7654321-B2``, ``7654321``).
    unit_price : float
        ``X_i`` before conversion: a price (> 0), a royalty rate (fraction of revenue in (0, 1])
        or a price/revenue multiple (> 0).
    currency : str or None
        ISO 4217 code; required for ``price`` deals, ignored otherwise.
    date : datetime.date
        Date of the deal (signature or effective date).
    basis : {"price", "royalty_rate", "price_to_revenue"}
    rights, territory, source, deal_id : str or None
        Optional descriptors; ``deal_id`` is unique within a file.
    data_quality : float or None
        Grade of the record in (0, 1]; None = not graded (factor 1).
    """

    where: str
    patent_id: str
    unit_price: float
    currency: str | None
    date: dt.date
    basis: Basis
    rights: Rights | None = None
    territory: str | None = None
    source: str | None = None
    deal_id: str | None = None
    data_quality: float | None = None

    @property
    def name(self) -> str:
        """Label of the comparable: the deal id, else ``patent_id (date)``."""
        return self.deal_id or f"{self.patent_id} ({self.date.isoformat()})"


@dataclass(frozen=True)
class PatentMatch:
    """A deal patent found in the corpus, with its similarity to the subject.

    ``source_id`` is the patent's identifier in the source (``7654321`` for a USPTO grant): the
    ``patent_id`` that ``ipvalue patents indicators`` writes for it.
    """

    pub_id: str
    similarity: float
    source_id: str | None = None


@dataclass(frozen=True)
class QualityScore:
    """A quality score read from an indicators file.

    ``patent_id`` is the value of that file's ``patent_id`` column (what the case's
    ``patent_evidence`` looks up); ``value`` is None when the cell is empty.
    """

    patent_id: str
    value: float | None


@dataclass(frozen=True)
class Subject:
    """The patent or technology being valued.

    ``pub_id`` is its corpus identifier for a ``--patent`` query (None for a text query);
    ``quality`` its quality score Q when known.
    """

    label: str
    pub_id: str | None = None
    quality: float | None = None
    quality_source: str | None = None


@dataclass(frozen=True)
class ComparableOptions:
    """Selection and weighting parameters (every one is recorded in the output).

    Attributes
    ----------
    as_of : datetime.date
        Date ages are measured at; later deals are look-ahead and excluded.
    currency : str
        Target currency of ``price`` deals.
    recency_half_life : float
        Years after which a deal's recency factor halves (> 0).
    top : int
        Most comparables kept (ranked by similarity, then newer deals first).
    min_similarity : float
        Least similarity in (0, 1] for a deal to be a candidate.
    min_count : int
        Fewest comparables accepted (also the approach's ``min_comparables``).
    max_weight : float or None
        Cap on one normalised weight in (0, 1]; None = no cap.
    basis : str or None
        Keep only deals of this basis; None = all, but the comparables kept must share one.
    subject_scale : float
        The subject's base the unit price applies to (1 for prices; the subject's revenue for
        royalty rates and price/revenue multiples).
    """

    as_of: dt.date
    currency: str = "USD"
    recency_half_life: float = 5.0
    top: int = 10
    min_similarity: float = 0.1
    min_count: int = 3
    max_weight: float | None = 0.4
    basis: Basis | None = None
    subject_scale: float = 1.0

    def validate(self) -> None:
        """Raise InputError (named after the CLI option) for a value outside its domain."""
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise InputError("--currency", "must be a 3-letter ISO 4217 code such as USD")
        if not (math.isfinite(self.recency_half_life) and self.recency_half_life > 0):
            raise InputError("--recency-half-life", "must be a number of years > 0")
        if self.top < 1:
            raise InputError("--top", "must be >= 1")
        if not 0.0 < self.min_similarity <= 1.0:
            raise InputError("--min-similarity", "must be in (0, 1]")
        if self.min_count < 1:
            raise InputError("--min-count", "must be >= 1")
        if self.min_count > self.top:
            raise InputError("--min-count", f"must not exceed --top ({self.top})")
        if self.max_weight is not None and not 0.0 < self.max_weight <= 1.0:
            raise InputError("--max-weight", "must be in (0, 1]")
        if self.basis is not None and self.basis not in BASES:
            raise InputError("--basis", f"must be one of {', '.join(BASES)}")
        if not (math.isfinite(self.subject_scale) and self.subject_scale > 0):
            raise InputError("--subject-scale", "must be a number > 0")


@dataclass(frozen=True)
class FxUsed:
    """The rate that converted one price, with its provenance."""

    from_currency: str
    to_currency: str
    rate: float
    reference_date: str | None
    source: str | None
    flags: tuple[str, ...] = ()

    def describe(self) -> str:
        """``× 0.000678 USD per KRW (rate of 2024-12-31: European Central Bank …)``."""
        src = (self.source or "no source").split(";")[0].split(" (")[0]
        return (
            f"× {self.rate:.6g} {self.to_currency} per {self.from_currency} "
            f"(rate of {self.reference_date}: {src})"
        )


@dataclass(frozen=True)
class ComparableRow:
    """One comparable kept: its factors, weight and converted unit price."""

    rank: int
    deal: DealRecord
    pub_id: str
    source_id: str | None
    similarity: float
    age_years: float
    recency: float
    data_quality: float
    raw_weight: float
    weight: float
    capped: bool
    unit_price: float
    fx: FxUsed | None
    quality: QualityScore | None
    quality_ratio: float | None

    @property
    def name(self) -> str:
        return self.deal.name

    @property
    def patent_id(self) -> str:
        """Identifier written to the block: the indicators file's ``patent_id`` when a quality
        score was read, else the source id (what an indicators file of the same source uses),
        else the deal's own."""
        if self.quality is not None:
            return self.quality.patent_id
        return self.source_id or self.deal.patent_id

    def value(self, subject_scale: float) -> float:
        """``V_i = X_i · scale · (Q/Q_i)`` before correction coefficients."""
        ratio = 1.0 if self.quality_ratio is None else self.quality_ratio
        return self.unit_price * subject_scale * ratio


@dataclass(frozen=True)
class Exclusion:
    """A deal that is not a comparable, and why."""

    where: str
    patent_id: str
    reason: str
    similarity: float | None = None


@dataclass(frozen=True)
class ComparablesResult:
    """Comparables proposed for a subject, ready to become a ``market_comparables`` approach.

    Attributes
    ----------
    subject : Subject
    options : ComparableOptions
    basis : str
        The basis every comparable shares.
    rows : tuple of ComparableRow
        Rank order (similarity, then newer deals first).
    excluded : tuple of Exclusion
        Every deal not kept, with the reason (not in the corpus, after as-of, …).
    quality_adjustment : {"none", "ratio"}
    warnings : tuple of str
    conventions : tuple of str
    similarity_formula : str
    """

    subject: Subject
    options: ComparableOptions
    basis: Basis
    rows: tuple[ComparableRow, ...]
    excluded: tuple[Exclusion, ...]
    quality_adjustment: Literal["none", "ratio"]
    warnings: tuple[str, ...]
    conventions: tuple[str, ...]
    similarity_formula: str
    provenance: Mapping[str, Any] = field(default_factory=dict)

    @property
    def indicative_value(self) -> float | None:
        """``Σ w_i · X_i · scale · (Q/Q_i)`` before correction coefficients; None when the
        ratio form lacks the subject's Q."""
        if self.quality_adjustment == "ratio" and self.subject.quality is None:
            return None
        scale = self.options.subject_scale
        return math.fsum(r.weight * r.value(scale) for r in self.rows)

    @property
    def spread(self) -> float | None:
        """``(max V_i − min V_i) / V`` (None when V is 0 or unknown)."""
        v = self.indicative_value
        if v is None or v <= 0:
            return None
        values = [r.value(self.options.subject_scale) for r in self.rows]
        return (max(values) - min(values)) / v

    def trace(self) -> tuple[str, ...]:
        """One line per comparable giving the arithmetic of its weight and value."""
        out = []
        for r in self.rows:
            line = (
                f"{r.name}: recency = 0.5 ** ({r.age_years:.4f} / "
                f"{self.options.recency_half_life:g}) = {r.recency:.6f}; raw = "
                f"{r.similarity:.6f} × {r.recency:.6f} × {r.data_quality:g} = {r.raw_weight:.6f}; "
                f"weight = {r.weight:.6f}{' (capped)' if r.capped else ''}; X = "
                f"{r.deal.unit_price:.10g}"
            )
            if r.fx is not None:
                line += f" {r.deal.currency} {r.fx.describe()} = {r.unit_price:.10g}"
            if r.quality_ratio is not None:
                line += f"; Q/Q_i = {r.quality_ratio:.6f}"
            out.append(line)
        return tuple(out)

    def approach_block(self) -> dict[str, Any]:
        """The ``market_comparables`` approach as plain data (dates as ``datetime.date``).

        Weights are not written: each comparable carries ``similarity``, ``recency`` and
        ``quality`` (data quality) and the approach ``max_weight``, so the engine recomputes the
        same weights and an analyst can see and change each factor.
        """
        comparables = []
        for r in self.rows:
            item: dict[str, Any] = {
                "name": r.name,
                "patent_id": r.patent_id,
                "unit_price": r.unit_price,
                "similarity": r.similarity,
                "recency": r.recency,
                "quality": r.data_quality,
                "date": r.deal.date,
                "source": _source_text(r),
            }
            if self.quality_adjustment == "ratio":
                assert r.quality is not None and r.quality.value is not None
                item["quality_score"] = r.quality.value
            comparables.append(item)
        block: dict[str, Any] = {
            "method": "market_comparables",
            "rationale": self._rationale(),
            "subject_scale": self.options.subject_scale,
            "min_comparables": self.options.min_count,
        }
        if self.options.max_weight is not None:
            block["max_weight"] = self.options.max_weight
        if self.quality_adjustment == "ratio":
            block["quality_adjustment"] = "ratio"
            if self.subject.quality is not None:
                block["subject_quality"] = self.subject.quality
        block["comparables"] = comparables
        return block

    def validated_block(self) -> dict[str, Any]:
        """:meth:`approach_block`, checked against the case model.

        Raises
        ------
        InputError
            The block breaks a rule of ``ipvalue.model.approaches.MarketComparables``.
        """
        from ipvalue.model.approaches import MarketComparables

        block = self.approach_block()
        try:
            MarketComparables.model_validate(block)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InputError(f"approach.{where}", first["msg"]) from exc
        return block

    def _rationale(self) -> str:
        o = self.options
        parts = [
            f"{len(self.rows)} deals ({self.basis}) of the patents most similar to "
            f"{self.subject.label} ({self.similarity_formula}), similarity >= "
            f"{o.min_similarity:g}, at most {o.top}.",
            f"Weights: similarity × recency (half-life {o.recency_half_life:g} years at "
            f"{o.as_of.isoformat()}) × data quality, normalised"
            + (f", capped at {o.max_weight:g}." if o.max_weight is not None else "."),
        ]
        if self.basis == "price":
            parts.append(
                f"Prices converted to {o.currency} at the reference rate of each deal "
                "date; not restated for price changes since the deal."
            )
        if self.quality_adjustment == "ratio":
            parts.append("Quality ratio Q/Q_i (DB1304/T 432-2023).")
        parts.append(
            "Correction coefficients (rights conveyed, transaction date, …) are the "
            "analyst's to add after reading each agreement."
        )
        return " ".join(parts)

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready dict: subject, options, table of comparables, exclusions, the block."""
        o = self.options
        block = self.approach_block()
        for c in block["comparables"]:
            c["date"] = c["date"].isoformat()
        return {
            "subject": {
                "label": self.subject.label,
                "patent": self.subject.pub_id,
                "quality": self.subject.quality,
                "quality_source": self.subject.quality_source,
            },
            "options": {
                "as_of": o.as_of.isoformat(),
                "currency": o.currency,
                "recency_half_life": o.recency_half_life,
                "top": o.top,
                "min_similarity": o.min_similarity,
                "min_count": o.min_count,
                "max_weight": o.max_weight,
                "basis": o.basis,
                "subject_scale": o.subject_scale,
            },
            "basis": self.basis,
            "similarity_formula": self.similarity_formula,
            "quality_adjustment": self.quality_adjustment,
            "indicative_value": self.indicative_value,
            "spread": self.spread,
            "candidates": [_row_json(r, o.subject_scale) for r in self.rows],
            "excluded": [
                {
                    "where": e.where,
                    "patent_id": e.patent_id,
                    "reason": e.reason,
                    "similarity": e.similarity,
                }
                for e in self.excluded
            ],
            "warnings": list(self.warnings),
            "conventions": list(self.conventions),
            "trace": list(self.trace()),
            "provenance": dict(self.provenance),
            "approach": block,
        }


def _row_json(r: ComparableRow, scale: float) -> dict[str, Any]:
    return {
        "rank": r.rank,
        "name": r.name,
        "deal": r.deal.where,
        "patent_id": r.deal.patent_id,
        "corpus_id": r.pub_id,
        "date": r.deal.date.isoformat(),
        "similarity": r.similarity,
        "age_years": r.age_years,
        "recency": r.recency,
        "data_quality": r.data_quality,
        "raw_weight": r.raw_weight,
        "weight": r.weight,
        "capped": r.capped,
        "unit_price_original": r.deal.unit_price,
        "currency_original": r.deal.currency,
        "unit_price": r.unit_price,
        "fx": None
        if r.fx is None
        else {
            "from": r.fx.from_currency,
            "to": r.fx.to_currency,
            "rate": r.fx.rate,
            "reference_date": r.fx.reference_date,
            "source": r.fx.source,
            "flags": list(r.fx.flags),
        },
        "quality_patent_id": None if r.quality is None else r.quality.patent_id,
        "quality_score": None if r.quality is None else r.quality.value,
        "quality_ratio": r.quality_ratio,
        "value": r.value(scale),
        "rights": r.deal.rights,
        "territory": r.deal.territory,
        "source": r.deal.source,
    }


def _source_text(r: ComparableRow) -> str:
    d = r.deal
    parts = [
        d.source or "deal record",
        f"deal {d.deal_id}" if d.deal_id else "",
        d.rights or "",
        d.territory or "",
        d.where,
    ]
    if r.fx is not None:
        parts.append(f"{d.unit_price:.10g} {d.currency} {r.fx.describe()}")
    text = "; ".join(p for p in parts if p)
    return text if len(text) <= 2000 else text[:1999] + "…"


def recency_factor(age_years: float, half_life: float) -> float:
    """``0.5 ** (age_years / half_life)``: 1 for a deal on the as-of date, ½ after one half-life.

    Raises
    ------
    InputError
        Negative age (a deal after the as-of date) or a half-life that is not > 0.
    """
    if not (math.isfinite(half_life) and half_life > 0):
        raise InputError("--recency-half-life", "must be a number of years > 0")
    if not age_years >= 0:
        raise InputError("age_years", "must be >= 0 (deals after --as-of are look-ahead)")
    return float(0.5 ** (age_years / half_life))


def capped_weights(raw: Sequence[float], max_weight: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Normalise raw weights to sum 1 and cap each at ``max_weight``.

    The cap is the case engine's (:func:`ipvalue.valuation.market.cap_weights`), so a block
    written from these weights values to the same figure: repeat (cap every weight above the cap
    at the cap; spread the mass left, ``1 − cap × #capped``, over the uncapped weights in
    proportion to their current weights) until no uncapped weight exceeds the cap. Each pass
    caps at least one more weight, so it ends after at most ``m`` passes; the ranking of the
    weights is preserved.

    Parameters
    ----------
    raw : sequence of float
        Raw weights ``> 0`` (normal floats: at least about 2.2e-308).
    max_weight : float or None
        Cap in (0, 1]; None = normalise only.

    Returns
    -------
    weights : ndarray
        Sum 1, each ``<= max_weight``.
    capped : ndarray of bool
        Which weights sit at the cap (all False when no normalised weight exceeded it).

    Raises
    ------
    InputError
        A raw weight that is not > 0, or a cap that cannot be met (``cap × m < 1``).
    """
    from ipvalue.valuation.market import cap_weights

    w = np.asarray(raw, dtype=np.float64)
    # A raw weight of 0 would get either 0 or, once every positive weight is capped, an equal
    # share of the rest; subnormal shares overflow the pro-rata factor. Neither is defensible.
    if w.size == 0 or not np.all(np.isfinite(w)) or not (w >= np.finfo(np.float64).tiny).all():
        raise InputError("weights", "raw weights must be finite and > 0 (not subnormal)")
    if max_weight is None:
        return w / w.sum(), np.zeros(w.size, dtype=bool)
    if max_weight * w.size < 1 - 1e-12:
        raise InputError(
            "--max-weight",
            f"{max_weight:g} × {w.size} comparables < 1: no weights can respect the cap "
            "(raise --max-weight or lower --min-count / add deals)",
        )
    out = cap_weights(w, max_weight)
    if not (w / w.sum() > max_weight + 1e-15).any():
        return out, np.zeros(w.size, dtype=bool)
    return out, out >= max_weight - 1e-12


def deal_matches(
    index: SimilarityIndex,
    deals: Sequence[DealRecord],
    *,
    text: str | None = None,
    patent: str | None = None,
    classes: Sequence[str] | None = None,
) -> tuple[Subject, dict[str, PatentMatch], str]:
    """Similarity of every deal patent present in the index to the subject.

    Returns
    -------
    subject : Subject
    matches : dict
        ``deal.patent_id → PatentMatch`` for the deal patents found in the index (identifier
        forms are matched as :func:`~ipvalue.analytics.similar.find_patent` does); a deal
        patent absent from the dict is not in the corpus. Similarity 0 when the patent shares
        nothing with the subject.
    formula : str
        The similarity formula used.
    """
    result = similar_to(index, text=text, patent=patent, classes=classes, top=len(index.ids))
    sims = {h.pub_id: h.similarity for h in result.hits}
    subject_pub = None
    if patent is not None:
        subject_pub = str(index.ids[index.aliases[identifier_key(patent)]])
    matches: dict[str, PatentMatch] = {}
    for d in deals:
        pos = index.aliases.get(identifier_key(d.patent_id))
        if pos is None or d.patent_id in matches:
            continue
        pub = str(index.ids[pos])
        sim = 1.0 if pub == subject_pub else sims.get(pub, 0.0)
        matches[d.patent_id] = PatentMatch(pub, sim)
    return Subject(label=result.query_label, pub_id=subject_pub), matches, result.formula


def select_comparables(
    deals: Sequence[DealRecord],
    matches: Mapping[str, PatentMatch],
    *,
    options: ComparableOptions,
    subject: Subject,
    qualities: Mapping[str, QualityScore | None] | None = None,
    fx: FxLookup | None = None,
    similarity_formula: str = "similarity",
    provenance: Mapping[str, Any] | None = None,
) -> ComparablesResult:
    """Comparables for the market approach from deal records of similar patents.

    Parameters
    ----------
    deals : sequence of DealRecord
        Validated deal records (see :func:`ipvalue.analytics.comparables_io.read_deals`).
    matches : mapping
        ``deal.patent_id → PatentMatch`` for deal patents present in the corpus (from
        :func:`deal_matches`); a deal whose patent is missing is excluded and reported.
    options : ComparableOptions
    subject : Subject
        With ``quality`` when known (needed for an indicative value under the ratio form).
    qualities : mapping, optional
        ``deal.patent_id → QualityScore`` (None or a missing key = no row in the indicators
        file). Given → quality-ratio form: comparables without a positive ``Q_i`` are excluded
        and reported.
    fx : callable, optional
        Rate lookup for ``price`` deals; default :func:`ipvalue.refdata.fx_rate`.
    similarity_formula : str
        Recorded in the result and the approach's rationale.
    provenance : mapping, optional
        Files, hashes and corpus description recorded with the result.

    Returns
    -------
    ComparablesResult

    Raises
    ------
    InputError
        Invalid options; comparables of different bases (the message names the rows); fewer
        than ``min_count`` comparables (the message counts each exclusion reason); a cap that
        cannot be met; a subject quality that is not > 0; a price that cannot be converted.
    """
    options.validate()
    if subject.quality is not None and not (math.isfinite(subject.quality) and subject.quality > 0):
        raise InputError("subject_quality", "must be a number > 0")
    if fx is None:
        from ipvalue.refdata import fx_rate

        fx = fx_rate
    excluded: list[Exclusion] = []
    eligible: list[tuple[DealRecord, PatentMatch]] = []
    for d in deals:
        m = matches.get(d.patent_id)
        if d.date > options.as_of:
            excluded.append(
                Exclusion(
                    d.where, d.patent_id, f"dated {d.date.isoformat()}, after --as-of (look-ahead)"
                )
            )
        elif options.basis is not None and d.basis != options.basis:
            excluded.append(
                Exclusion(d.where, d.patent_id, f"basis {d.basis}, not {options.basis}")
            )
        elif m is None:
            excluded.append(Exclusion(d.where, d.patent_id, "patent not in the corpus"))
        elif subject.pub_id is not None and m.pub_id == subject.pub_id:
            excluded.append(Exclusion(d.where, d.patent_id, "the subject patent itself"))
        elif m.similarity < options.min_similarity:
            excluded.append(
                Exclusion(
                    d.where,
                    d.patent_id,
                    f"similarity below {options.min_similarity:g}",
                    m.similarity,
                )
            )
        else:
            eligible.append((d, m))
    # most similar first; among deals of equally similar patents, the newer first
    eligible.sort(key=lambda dm: (-dm[1].similarity, -dm[0].date.toordinal()))
    for d, m in eligible[options.top :]:
        excluded.append(
            Exclusion(d.where, d.patent_id, f"beyond --top {options.top}", m.similarity)
        )
    kept = eligible[: options.top]
    ratio = qualities is not None
    if ratio:
        with_q = []
        for d, m in kept:
            q = qualities.get(d.patent_id) if qualities is not None else None
            if q is None:
                excluded.append(
                    Exclusion(d.where, d.patent_id, "no row in the indicators file", m.similarity)
                )
            elif q.value is None or not (math.isfinite(q.value) and q.value > 0):
                excluded.append(
                    Exclusion(
                        d.where, d.patent_id, "quality score missing or not > 0", m.similarity
                    )
                )
            else:
                with_q.append((d, m))
        kept = with_q
    if len(kept) < options.min_count:
        raise InputError("comparables", _too_few(len(kept), options, excluded))
    bases = {d.basis for d, _ in kept}
    if len(bases) > 1:
        listed = ", ".join(f"{d.where} ({d.basis})" for d, _ in kept)
        raise InputError(
            "comparables",
            f"deals of different bases cannot be averaged: {listed}; pass --basis "
            f"{' or '.join(sorted(bases))} or split the deals file",
        )
    basis: Basis = kept[0][0].basis
    raw = []
    ages = []
    for d, m in kept:
        age = (options.as_of - d.date).days / DAYS_PER_YEAR
        ages.append(age)
        dq = 1.0 if d.data_quality is None else d.data_quality
        raw.append(m.similarity * recency_factor(age, options.recency_half_life) * dq)
        if not raw[-1] >= np.finfo(np.float64).tiny:
            raise InputError(
                "--recency-half-life",
                f"{d.where}: a deal {age:.1f} years old gets a weight of 0 with a half-life of "
                f"{options.recency_half_life:g} years (underflow); use a longer half-life",
            )
    weights, capped = capped_weights(raw, options.max_weight)
    warnings: list[str] = []
    rows = []
    for i, ((d, m), age) in enumerate(zip(kept, ages, strict=True)):
        fx_used = None
        price = d.unit_price
        if basis == "price" and d.currency != options.currency:
            assert d.currency is not None
            try:
                fig = fx(d.currency, options.currency, d.date)
            except InputError as exc:  # name the deal row, not only the currency pair
                raise InputError(d.where, f"column currency: {exc}") from None
            fx_used = FxUsed(
                d.currency,
                options.currency,
                float(fig.value),
                fig.source_date,
                fig.source,
                tuple(fig.flags),
            )
            price = d.unit_price * fx_used.rate
        q = qualities.get(d.patent_id) if qualities is not None else None
        q_ratio = None
        if q is not None and q.value is not None and subject.quality is not None:
            q_ratio = subject.quality / q.value
        rows.append(
            ComparableRow(
                rank=i + 1,
                deal=d,
                pub_id=m.pub_id,
                source_id=m.source_id,
                similarity=m.similarity,
                age_years=age,
                recency=recency_factor(age, options.recency_half_life),
                data_quality=1.0 if d.data_quality is None else d.data_quality,
                raw_weight=raw[i],
                weight=float(weights[i]),
                capped=bool(capped[i]),
                unit_price=price,
                fx=fx_used,
                quality=q,
                quality_ratio=q_ratio,
            )
        )
    names = [r.name for r in rows]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise InputError("comparables", f"comparable names must be unique: {', '.join(dup)}")
    warnings.extend(_fx_warnings(rows, options.as_of))
    if ratio and subject.quality is None:
        warnings.append(
            "the subject's quality score is unknown (a --text query, or the subject has no "
            "quality score): subject_quality is left out of the block; the case takes it "
            "from patent_evidence.patent_id, or pass --subject-quality"
        )
    if basis != "price" and options.subject_scale == 1.0:
        warnings.append(
            f"{basis} deals with subject_scale 1: the value is a {basis.replace('_', ' ')}, "
            "not an amount; pass --subject-scale (the subject's revenue)"
        )
    missing = [e for e in excluded if e.reason == "patent not in the corpus"]
    if missing:
        warnings.append(
            f"{len(missing)} deal patent(s) not in the corpus: "
            + ", ".join(f"{e.patent_id} ({e.where})" for e in missing[:10])
            + (" …" if len(missing) > 10 else "")
        )
    late = [e for e in excluded if "look-ahead" in e.reason]
    if late:
        warnings.append(
            f"{len(late)} deal(s) dated after {options.as_of.isoformat()} excluded "
            "(look-ahead): " + ", ".join(e.where for e in late[:10])
        )
    return ComparablesResult(
        subject=subject,
        options=options,
        basis=basis,
        rows=tuple(rows),
        excluded=tuple(excluded),
        quality_adjustment="ratio" if ratio else "none",
        warnings=tuple(warnings),
        conventions=_conventions(options, basis, ratio),
        similarity_formula=similarity_formula,
        provenance=dict(provenance or {}),
    )


def _too_few(n: int, options: ComparableOptions, excluded: Sequence[Exclusion]) -> str:
    counts: dict[str, int] = {}
    for e in excluded:
        reason = e.reason.split(",")[0] if e.reason.startswith("dated") else e.reason
        counts[reason] = counts.get(reason, 0) + 1
    detail = "; ".join(f"{v} {k}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
    return (
        f"only {n} deals qualify as comparables (at least {options.min_count} needed, "
        f"--min-count); excluded: {detail or 'none'}"
    )


def _fx_warnings(rows: Sequence[ComparableRow], as_of: dt.date) -> list[str]:
    out: list[str] = []
    seen: set[tuple[str, str | None]] = set()
    for r in rows:
        if r.fx is None or "fx_date_mismatch" not in r.fx.flags:
            continue
        key = (r.fx.from_currency, r.fx.reference_date)
        if key in seen:
            continue
        seen.add(key)
        dates = sorted(
            {
                x.deal.date.isoformat()
                for x in rows
                if x.fx is not None and (x.fx.from_currency, x.fx.reference_date) == key
            }
        )
        # flagged by fx_rate only when the gap passes the setting fx_max_gap_days
        msg = (
            f"{r.fx.from_currency}→{r.fx.to_currency}: the rate of {r.fx.reference_date} "
            f"converted deals dated {', '.join(dates)} (no rate within fx_max_gap_days "
            "before those dates; add fx_reference.csv override rows for them)"
        )
        ref = _iso(r.fx.reference_date)
        if ref is not None and ref > as_of:
            msg += f"; that rate is later than --as-of {as_of.isoformat()} (look-ahead)"
        out.append(msg)
    return out


def _iso(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _conventions(options: ComparableOptions, basis: str, ratio: bool) -> tuple[str, ...]:
    o = options
    out = [
        f"age_i = (as_of {o.as_of.isoformat()} − deal date) in days / {DAYS_PER_YEAR}",
        f"recency_i = 0.5 ** (age_i / {o.recency_half_life:g})",
        "data quality_i = the deal's data_quality column, 1 when not graded",
        "w_i = similarity_i × recency_i × data quality_i, normalised to sum 1"
        + (
            f", capped at {o.max_weight:g} (excess spread pro rata over uncapped weights)"
            if o.max_weight is not None
            else ""
        ),
        f"candidates: similarity >= {o.min_similarity:g}, at most {o.top} deals, ranked by "
        "similarity then newer deals first; at least "
        f"{o.min_count} required",
        "deals dated after as_of are excluded (look-ahead)",
    ]
    if basis == "price":
        out.append(
            f"X_i = price_i × fx(currency_i → {o.currency}) at the ECB daily reference rate "
            "of the latest date on or before the deal date (ipvalue.refdata.fx_rate); no "
            "restatement to as_of"
        )
    else:
        out.append(f"X_i = the deal's {basis} (unitless, not converted)")
    out.append(
        f"V_i = X_i × subject_scale {o.subject_scale:g}"
        + (" × Q/Q_i (DB1304/T 432-2023)" if ratio else "")
        + "; indicative V = Σ w_i V_i before correction coefficients"
    )
    return tuple(out)
