"""What each packaged reference table looks like: key, provenance columns, units.

The CSVs come from a research drop (``data/README.md``) whose tables differ in how they record
provenance: most have one ``source`` / ``source_date`` / ``confidence`` per row, but
``country_parameters`` has one source and date column per *group* of figures (tax, yields,
Damodaran, CPI …). A :class:`TableSpec` states, per value column, which cells give its source
and date, so that every figure can carry them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

#: Text used when a table has no provenance column for a figure (identity columns such as
#: ``country``): the figure then comes from the research drop itself.
DROP_SOURCE = "ipvalue reference-data research drop (src/ipvalue/refdata/data/README.md)"
DROP_DATE = "2026-11-23"


@dataclass(frozen=True)
class Provenance:
    """Where a column's figures come from.

    ``source_col`` / ``date_col`` name the cells holding the source and date; when a table has
    no such cell, ``source_text`` / ``date_text`` give a fixed value stated in the README.
    """

    source_col: str | None = None
    date_col: str | None = None
    source_text: str | None = None
    date_text: str | None = None


@dataclass(frozen=True)
class TableSpec:
    """Layout of one reference table.

    Attributes
    ----------
    name : str
        Table name = CSV file stem.
    key : tuple of str
        Key columns; a composite key is written ``A:B`` in a ref (``fx_reference/KRW:2024-12-31``).
    numeric : frozenset of str
        Columns parsed as numbers (``_pct`` columns are always numeric and become fractions).
        A numeric column whose cell is not a number (``25-33``) stays text.
    units : dict
        Unit per numeric column; ``"{unit}"`` means "take the row's ``unit`` cell".
    provenance : dict
        Per-column provenance; columns not listed use ``default``.
    confidence_col : str or None
        Column holding the confidence grade.
    """

    name: str
    key: tuple[str, ...]
    numeric: frozenset[str] = frozenset()
    units: dict[str, str] = field(default_factory=dict)
    provenance: dict[str, Provenance] = field(default_factory=dict)
    default: Provenance = Provenance(source_text=DROP_SOURCE, date_text=DROP_DATE)
    confidence_col: str | None = None
    note_col: str | None = "notes"

    def provenance_of(self, column: str) -> Provenance:
        return self.provenance.get(column, self.default)

    def unit_of(self, column: str) -> str | None:
        if column.endswith("_pct"):
            return "fraction"
        return self.units.get(column)


_CIT = Provenance(source_col="cit_source", date_col="cit_year")
_DAM = Provenance(source_col="damodaran_source", date_col="damodaran_update")
_BOND = Provenance(source_col="gov_bond_10y_source", date_col="gov_bond_10y_date")
_WGB = Provenance(
    source_text="worldgovernmentbonds.com 10-year yield table, snapshot of 23 May 2024 "
    "(see data/README.md)",
    date_text="2024-05-23",
)
_CPI = Provenance(source_col="cpi_inflation_source", date_col="cpi_inflation_year")
_CPI_M = Provenance(source_col="cpi_latest_monthly_source", date_col="cpi_latest_month")
_TERM = Provenance(source_col="patent_term_source")
_VENUE = Provenance(source_col="ip_dispute_venues_source")
_SUITS = Provenance(source_col="patent_suits_source", date_text="2015")
_PPH = Provenance(source_col="pph_source")

_ROW = Provenance(source_col="source", date_col="source_date")

#: Currencies of the daily ECB history (columns of ``fx_history.csv``, units per EUR): the
#: ECB-published currencies of ``fx_reference``. TWD and VND are not ECB currencies.
FX_HISTORY_CURRENCIES = (
    "USD",
    "JPY",
    "KRW",
    "SGD",
    "CNY",
    "HKD",
    "AUD",
    "INR",
    "NZD",
    "MYR",
    "THB",
    "IDR",
    "PHP",
    "GBP",
)
_MANIFEST = Path(__file__).resolve().parent / "data" / "manifest.json"


def recorded_source(table: str) -> str | None:
    """Source text the manifest records for a generated table (``tables.<name>.source``).

    The ECB history is rebuilt by ``scripts/build_fx_history.py``, which records the package
    version and the data's last date there; the table itself has no source column (it would
    repeat one text on 7,000 rows). None when the manifest has no entry.
    """
    try:
        meta = json.loads(_MANIFEST.read_text(encoding="utf-8"))["tables"][table]
    except (OSError, KeyError, TypeError, ValueError):
        return None
    source = meta.get("source") if isinstance(meta, dict) else None
    return str(source) if source else None


TABLES: dict[str, TableSpec] = {
    "country_parameters": TableSpec(
        name="country_parameters",
        key=("iso2",),
        # The row ``notes`` are caveats about one column or another, not about every figure.
        note_col=None,
        numeric=frozenset({"patent_suits_filed_2010_2012"}),
        units={"patent_suits_filed_2010_2012": "suits"},
        provenance={
            "cit_statutory_combined_pct": _CIT,
            "cit_damodaran_jan2025_pct": _DAM,
            "gov_bond_10y_pct": _BOND,
            "gov_bond_10y_wgb_20240523_pct": _WGB,
            "moodys_rating": _DAM,
            "damodaran_adj_default_spread_pct": _DAM,
            "damodaran_country_risk_premium_pct": _DAM,
            "damodaran_total_erp_pct": _DAM,
            "cpi_inflation_annual_pct": _CPI,
            "cpi_latest_monthly_yoy_pct": _CPI_M,
            "patent_term": _TERM,
            "patent_term_extensions": _TERM,
            "other_patent_like_rights": _TERM,
            "ip_dispute_venues": _VENUE,
            "ip_dispute_typical_timeline": _VENUE,
            "patent_suits_filed_2010_2012": _SUITS,
            "pph_with_JP": _PPH,
            "pph_with_KR": _PPH,
            "pph_with_SG": _PPH,
            "pph_with_US": _PPH,
        },
    ),
    "fx_reference": TableSpec(
        name="fx_reference",
        key=("currency_iso4217", "reference_date"),
        numeric=frozenset(
            {"units_per_usd", "usd_per_unit", "ecb_units_per_eur", "ecb_usd_per_eur"}
        ),
        units={
            "units_per_usd": "{currency_iso4217} per USD",
            "usd_per_unit": "USD per {currency_iso4217}",
            "ecb_units_per_eur": "{currency_iso4217} per EUR",
            "ecb_usd_per_eur": "USD per EUR",
        },
        default=Provenance(source_col="source", date_col="reference_date"),
    ),
    "fx_history": TableSpec(
        name="fx_history",
        key=("date",),
        numeric=frozenset(FX_HISTORY_CURRENCIES),
        units={c: f"{c} per EUR" for c in FX_HISTORY_CURRENCIES},
        default=Provenance(
            source_text=recorded_source("fx_history")
            or "European Central Bank euro foreign exchange reference rates (eurofxref-hist)",
            date_col="date",
        ),
        note_col=None,
    ),
    "royalty_rates": TableSpec(
        name="royalty_rates",
        key=("record_id",),
        numeric=frozenset({"sample_size"}),
        units={"sample_size": "observations"},
        default=_ROW,
        confidence_col="confidence",
    ),
    "industry_technology_factors": TableSpec(
        name="industry_technology_factors",
        key=("record_id",),
        numeric=frozenset({"value"}),
        units={"value": "{unit}"},
        default=_ROW,
        confidence_col="confidence",
    ),
    "ip_transactions_and_markets": TableSpec(
        name="ip_transactions_and_markets",
        key=("record_id",),
        numeric=frozenset({"value"}),
        units={"value": "{unit}"},
        default=_ROW,
        confidence_col="confidence",
    ),
    "pph_agreements": TableSpec(
        name="pph_agreements",
        key=("office_a", "office_b"),
        default=Provenance(source_col="source", date_col="start_date"),
    ),
    "ip_datasets_catalog": TableSpec(
        name="ip_datasets_catalog",
        key=("name",),
        default=Provenance(source_col="reference", date_text=DROP_DATE),
    ),
}

#: Columns every override file must carry (besides the table's key columns).
OVERRIDE_REQUIRED = ("source", "source_date")
#: Optional override columns that document who changed what and why (METHODS §8 rule 2).
OVERRIDE_OPTIONAL = ("confidence", "author", "reason")
