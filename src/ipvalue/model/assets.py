"""The asset being valued: IP type, jurisdictions, legal status, term, classes, field."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

IPType = Literal["patent", "trademark", "copyright", "trade_secret", "data_asset"]
LegalState = Literal[
    "pending", "granted", "registered", "expired", "lapsed", "unregistered", "not_applicable"
]
ClassScheme = Literal["IPC", "CPC", "USPC", "FI", "Nice", "Locarno", "KSIC", "other"]

#: ISO 3166-1 alpha-2 country code (``EP``/``WO`` allowed for regional / PCT filings).
_JURISDICTION = r"^[A-Z]{2}$"


class Classification(BaseModel):
    """One classification code (``{scheme: IPC, code: "G06N 3/08"}``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scheme: ClassScheme
    code: str = Field(min_length=1, max_length=64)


class LegalStatus(BaseModel):
    """Legal status of a registered right, with its dates (filing ≤ grant ≤ expiry)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: LegalState
    application_number: str | None = None
    registration_number: str | None = None
    filing_date: date | None = None
    grant_date: date | None = None
    expiry_date: date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> LegalStatus:
        f, g, e = self.filing_date, self.grant_date, self.expiry_date
        if f and g and g < f:
            raise ValueError("grant_date must not be before filing_date")
        if g and e and e < g:
            raise ValueError("expiry_date must not be before grant_date")
        if f and e and e < f:
            raise ValueError("expiry_date must not be before filing_date")
        return self


class Asset(BaseModel):
    """The intellectual property being valued.

    ``remaining_legal_term_years`` and ``economic_life_years`` cap the income period of every
    income approach at the shorter of the two (METHODS §1.2); when the legal term is not given
    it is derived from ``legal_status.expiry_date`` and the valuation date.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str | None = Field(default=None, max_length=200)
    type: IPType
    name: str = Field(min_length=1, max_length=500)
    description: str | None = Field(default=None, max_length=20_000)
    jurisdictions: list[Annotated[str, Field(pattern=_JURISDICTION)]] = Field(
        default_factory=list, description="ISO 3166-1 alpha-2 codes where the right exists"
    )
    legal_status: LegalStatus | None = None
    remaining_legal_term_years: float | None = Field(
        default=None, ge=0, le=200, allow_inf_nan=False, strict=True
    )
    economic_life_years: float | None = Field(
        default=None, gt=0, le=200, allow_inf_nan=False, strict=True
    )
    renewable: bool = Field(
        default=False,
        description="true when the right can be renewed indefinitely (trademarks) or follow-on "
        "rights are asserted: suppresses the perpetual-terminal-value warning",
    )
    classes: list[Classification] = Field(default_factory=list)
    technology_field: str | None = Field(default=None, max_length=500)
    owner: str | None = Field(default=None, max_length=500)
