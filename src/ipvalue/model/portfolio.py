"""A portfolio case: many assets in one case file, with an optional synergy adjustment."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ipvalue.model._numbers import num
from ipvalue.model.approaches import Approach
from ipvalue.model.assets import Asset
from ipvalue.model.case import CaseHeader, PatentEvidence, check_approaches


class PortfolioPatentEvidence(PatentEvidence):
    """The portfolio header's patent evidence: the files every asset's evidence is read from
    (read once). Each asset names its own patent under ``assets.<i>.patent_evidence``; a
    header ``patent_id`` is refused (docs/patent-evidence.md, "Portfolios")."""

    @model_validator(mode="after")
    def _pairs(self) -> PortfolioPatentEvidence:
        if self.patent_id is not None:
            raise ValueError(
                "patent_id belongs to each asset in a portfolio: give it as "
                "assets.<i>.patent_evidence.patent_id, not in the header"
            )
        if self.cycle_time_code is not None and self.cycle_time_file is None:
            raise ValueError("patent_evidence.cycle_time_file is required with cycle_time_code")
        if self.indicators_file is None and self.cycle_time_file is None:
            raise ValueError("patent_evidence: give indicators_file or cycle_time_file (or both)")
        return self


class ItemPatentEvidence(BaseModel):
    """One portfolio asset's patent: its row of the header's indicators file and, optionally,
    its cycle-time row (overriding the header's ``cycle_time_code``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    patent_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="the asset's row (column patent_id) of patent_evidence.indicators_file",
    )
    cycle_time_code: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="row of patent_evidence.cycle_time_file for this asset (overrides the "
        "header's; default: the first subclass of asset.classes in the file)",
    )


class PortfolioItem(BaseModel):
    """One asset of a portfolio with its own approaches."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    asset: Asset
    approaches: list[Approach] = Field(min_length=1)
    patent_evidence: ItemPatentEvidence | None = Field(
        default=None,
        description="this asset's patent in the header's patent_evidence files; without it the "
        "asset has no patent evidence",
    )


class Synergy(BaseModel):
    """Portfolio synergy: ``total = Σ asset values · (1 + rate)``; a negative rate is a discount
    (e.g. overlapping claims), bounded below by −1."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rate: num(gt=-1) = Field(description="uplift (or discount if negative) on the sum of values")  # type: ignore[valid-type]
    rationale: str = Field(min_length=1, max_length=5000)


class PortfolioCase(CaseHeader):
    """Several assets valued together; recognised by its ``assets`` key."""

    assets: list[PortfolioItem] = Field(min_length=1)
    synergy: Synergy | None = None
    patent_evidence: PortfolioPatentEvidence | None = Field(
        default=None,
        description="indicator / cycle-time files for the assets' patent evidence; each asset "
        "names its patent under assets.<i>.patent_evidence (docs/patent-evidence.md)",
    )

    @model_validator(mode="after")
    def _cross_field(self) -> PortfolioCase:
        seen: set[str] = set()  # a set, not list.index: O(n) for 100k-asset portfolios
        for i, item in enumerate(self.assets):
            a = item.asset.id or item.asset.name
            if a in seen:
                raise ValueError(
                    f"assets.{i}.asset.id: {a!r} is used twice; give each asset a unique id"
                )
            seen.add(a)
        for i, item in enumerate(self.assets):
            check_approaches(item.approaches, item.asset, self.valuation_date, f"assets.{i}.")
        self._check_patent_evidence()
        return self

    def _check_patent_evidence(self) -> None:
        pe = self.patent_evidence
        for i, item in enumerate(self.assets):
            ipe = item.patent_evidence
            if ipe is None:
                continue
            if pe is None:
                raise ValueError(
                    f"assets.{i}.patent_evidence: needs patent_evidence (the files) in the "
                    "portfolio header"
                )
            if ipe.patent_id is not None and pe.indicators_file is None:
                raise ValueError(
                    f"assets.{i}.patent_evidence.patent_id: needs "
                    "patent_evidence.indicators_file in the portfolio header"
                )
            if ipe.patent_id is None and pe.indicators_file is not None:
                raise ValueError(
                    f"assets.{i}.patent_evidence.patent_id: is required (the header gives "
                    "an indicators_file); omit assets.<i>.patent_evidence for an asset "
                    "without evidence"
                )
            if ipe.cycle_time_code is not None and pe.cycle_time_file is None:
                raise ValueError(
                    f"assets.{i}.patent_evidence.cycle_time_code: needs "
                    "patent_evidence.cycle_time_file in the portfolio header"
                )
