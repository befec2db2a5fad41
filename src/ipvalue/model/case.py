"""A valuation case: one asset, its purpose, date, currency, conventions and approaches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ipvalue.model.approaches import (
    Activity,
    Approach,
    Comparable,
    TerminalDiscounting,
    Timing,
)
from ipvalue.model.assets import Asset

Purpose = Literal[
    "transaction", "licensing", "collateral", "financial_reporting", "litigation", "tax"
]
SCHEMA_VERSION = 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Conventions(_Strict):
    """Case-wide conventions; an approach's own setting wins, then the framework's default."""

    timing: Timing | None = Field(default=None, description="end- or mid-year discounting")
    terminal_discounting: TerminalDiscounting | None = Field(
        default=None, description="final_factor (reuse DF_N) or end_of_horizon ((1+r)^−N)"
    )


class Reconciliation(_Strict):
    """How approach values become one concluded value."""

    divergence_threshold: float | None = Field(
        default=None,
        gt=0,
        allow_inf_nan=False,
        description="relative spread above which approaches are reported as diverging "
        "(default: setting IPVALUE_DIVERGENCE_THRESHOLD)",
    )


class Correlation(_Strict):
    """Rank correlation between two uncertain inputs named by their field paths."""

    a: str = Field(min_length=1, description="field path, e.g. approaches.0.royalty_rate")
    b: str = Field(min_length=1)
    rho: float = Field(ge=-1, le=1, allow_inf_nan=False)


class Simulation(_Strict):
    """Monte Carlo settings; a case with distributions is simulated when this is present or
    ``--paths`` is given."""

    paths: int | None = Field(default=None, ge=1, le=100_000_000, strict=True)
    seed: int | None = Field(default=None, ge=0, strict=True)
    correlations: list[Correlation] = Field(default_factory=list)


class Evidence(_Strict):
    """A document relied on; dated no later than the valuation date (look-ahead guard)."""

    description: str = Field(min_length=1, max_length=5000)
    date: dt.date | None = None
    source: str | None = Field(default=None, max_length=2000)
    url: str | None = Field(default=None, max_length=2000)


class PatentEvidence(_Strict):
    """Patent-data evidence for the case: the output files of ``ipvalue patents indicators`` and
    ``ipvalue patents cycle-time`` and the subject's row (docs/patent-evidence.md).

    Indicators feed quality Q, strength scores and life, never a price (METHODS §6.11). Relative
    ``*_file`` paths are anchored to the case file's folder by ``load_case``.
    """

    indicators_file: str | None = Field(
        default=None,
        min_length=1,
        max_length=4000,
        description="output of `ipvalue patents indicators` (.csv or .parquet)",
    )
    patent_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="the subject's row (column patent_id of indicators_file)",
    )
    cycle_time_file: str | None = Field(
        default=None,
        min_length=1,
        max_length=4000,
        description="output of `ipvalue patents cycle-time` (.csv or .parquet)",
    )
    cycle_time_code: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="row of the cycle-time file (column code); default: the first subclass "
        "of asset.classes present in the file",
    )
    quality_indicator: str = Field(
        default="quality_index",
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="column of indicators_file used as the quality score Q",
    )

    @model_validator(mode="after")
    def _pairs(self) -> PatentEvidence:
        if self.indicators_file is not None and self.patent_id is None:
            raise ValueError("patent_evidence.patent_id is required with indicators_file")
        if self.patent_id is not None and self.indicators_file is None:
            raise ValueError("patent_evidence.indicators_file is required with patent_id")
        if self.cycle_time_code is not None and self.cycle_time_file is None:
            raise ValueError("patent_evidence.cycle_time_file is required with cycle_time_code")
        if self.indicators_file is None and self.cycle_time_file is None:
            raise ValueError("patent_evidence: give indicators_file or cycle_time_file (or both)")
        return self


class CaseHeader(_Strict):
    """Fields shared by single-asset and portfolio cases."""

    schema_version: Literal[1] = 1
    id: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=500)
    purpose: Purpose
    valuation_date: dt.date
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code of the result")
    framework: str | None = Field(
        default=None, pattern=r"^[A-Z_]{2,10}$", description="IVS, KR, CN, JP, SG, HK, IN, AU"
    )
    jurisdiction: str | None = Field(
        default=None, pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 of the valuation"
    )
    conventions: Conventions = Field(default_factory=Conventions)
    reconciliation: Reconciliation = Field(default_factory=Reconciliation)
    simulation: Simulation | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    patent_evidence: PatentEvidence | None = Field(
        default=None,
        description="patent indicators / cycle times relied on (docs/patent-evidence.md)",
    )
    notes: str | None = Field(default=None, max_length=50_000)
    valuer: str | None = Field(default=None, max_length=500)
    framework_inputs: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="inputs a framework needs, keyed by framework code (IVS, KR, SG …) or "
        "'common' (shared by all); validated by that framework (docs/frameworks/)",
    )
    profile: dict[str, Any] | None = Field(
        default=None,
        description="enterprise adjustment profile (inline) applied after valuation: method "
        "weights, indicator weights, named correction coefficients (docs/frameworks/compare.md)",
    )

    @model_validator(mode="after")
    def _evidence_dates(self) -> CaseHeader:
        for i, e in enumerate(self.evidence):
            if e.date and e.date > self.valuation_date:
                raise ValueError(
                    f"evidence.{i}.date ({e.date}) must not be after valuation_date "
                    f"({self.valuation_date})"
                )
        return self


def check_approaches(
    approaches: list[Any], asset: Asset, valuation_date: dt.date, prefix: str = ""
) -> None:
    """Cross-field rules of an approach list: unique names, weights all-or-none summing to 1,
    dates not after the valuation date. Raises ``ValueError`` naming the field path."""
    names = [a.name for a in approaches]
    for i, n in enumerate(names):
        if names.index(n) != i:
            raise ValueError(
                f"{prefix}approaches.{i}.id: {n!r} is used twice; give each approach a unique id"
            )
    weights = [a.weight for a in approaches]
    if any(w is not None for w in weights):
        missing = [i for i, w in enumerate(weights) if w is None]
        if missing:
            raise ValueError(
                f"{prefix}approaches.{missing[0]}.weight: give a weight for every approach or none"
            )
        if all(isinstance(w, float) for w in weights) and abs(sum(weights) - 1) > 1e-9:
            raise ValueError(
                f"{prefix}approaches.*.weight: weights must sum to 1 (they sum to {sum(weights):g})"
            )
    for path, d in _dated(approaches, prefix):
        if d > valuation_date:
            raise ValueError(f"{path} ({d}) must not be after valuation_date ({valuation_date})")
    ls = asset.legal_status
    if ls and ls.filing_date and ls.filing_date > valuation_date:
        raise ValueError(
            f"{prefix}asset.legal_status.filing_date ({ls.filing_date}) must not be after "
            f"valuation_date ({valuation_date})"
        )


def _dated(approaches: Iterable[Any], prefix: str) -> Iterator[tuple[str, dt.date]]:
    for i, a in enumerate(approaches):
        for j, c in enumerate(getattr(a, "comparables", []) or []):
            if isinstance(c, Comparable) and c.date:
                yield f"{prefix}approaches.{i}.comparables.{j}.date", c.date
        for j, act in enumerate(getattr(a, "activities", []) or []):
            if isinstance(act, Activity):
                yield f"{prefix}approaches.{i}.activities.{j}.date", act.date


class ValuationCase(CaseHeader):
    """A single-asset valuation case (the top level of a case file).

    Examples
    --------
    See ``examples/relief_from_royalty_patent.yaml`` and ``docs/case-file.md``.
    """

    asset: Asset
    approaches: list[Approach] = Field(min_length=1)

    @model_validator(mode="after")
    def _cross_field(self) -> ValuationCase:
        check_approaches(self.approaches, self.asset, self.valuation_date)
        return self
