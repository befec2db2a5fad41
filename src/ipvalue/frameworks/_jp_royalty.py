"""JPO FY2009 royalty survey figures by field, from reference data (METHODS.md §6.3, S).

Teikoku Databank for the JPO, report March 2010 (≈3,009 entities surveyed, 563 valid); rates
are means as % of net sales, quoted by secondary sources. Only the overall patent mean and the
highest categories were retrieved; the full per-field table was not, so a field outside this
list needs a rate from the report itself (or METI's 2010 royalty-rate handbook).
"""

from __future__ import annotations

from dataclasses import dataclass

from ipvalue.core.errors import InputError
from ipvalue.frameworks._kcj import Assumption, Note

#: field code -> (royalty_rates record id, description).
JPO_FY2009_FIELDS: dict[str, tuple[str, str]] = {
    "patent_all_fields": ("RR001", "patents, all technology fields (overall mean)"),
    "patent_biotech_pharma": ("RR002", "patents, biotechnology / pharmaceuticals"),
    "patent_health_amusement": ("RR003", "patents, health, life-saving and amusement"),
    "patent_chemistry": ("RR004", "patents, chemistry"),
    "patent_micro_nano": ("RR005", "patents, micro-structure / nanotechnology"),
    "trademark_machinery": ("RR006", "trademarks, machinery and apparatus (highest class)"),
    "copyright_system_programs": ("RR007", "program copyright, system programs (highest)"),
    "knowhow_buildings": ("RR008", "know-how, buildings (highest category)"),
}


@dataclass(frozen=True)
class RoyaltyBenchmark:
    """A royalty rate on net sales with its reference-data provenance."""

    rate: float
    field: str
    ref: str
    source: str
    source_date: str | None
    confidence: str | None
    assumption: Assumption
    warnings: tuple[Note, ...]


def jpo_royalty(field: str) -> RoyaltyBenchmark:
    """The JPO FY2009 mean royalty rate for ``field`` (a key of :data:`JPO_FY2009_FIELDS`).

    Raises
    ------
    InputError
        Unknown field (the message lists the retrieved ones), or the reference cell is empty.
    """
    from ipvalue.refdata import lookup

    if field not in JPO_FY2009_FIELDS:
        raise InputError(
            "jp.royalty_field",
            "must be one of "
            + ", ".join(JPO_FY2009_FIELDS)
            + " (the rest of the JPO table was not retrieved: give a rate)",
        )
    record, label = JPO_FY2009_FIELDS[field]
    fig = lookup(f"royalty_rates/{record}/mean_pct")
    rate = fig.as_float()
    source = fig.source or "royalty_rates"
    warnings = [
        Note(
            "JP_ROYALTY_SECONDARY",
            f"JPO FY2009 mean for {label} is a secondary "
            "quotation (S); confirm against the report before presenting it",
        )
    ]
    if field != "patent_all_fields":
        warnings.append(
            Note(
                "JP_ROYALTY_HIGHEST_CATEGORY",
                f"{label}: only the highest "
                "categories of the survey were retrieved; a field mean is not a "
                "rate for the subject licence",
            )
        )
    return RoyaltyBenchmark(
        rate=rate,
        field=field,
        ref=fig.ref,
        source=source,
        source_date=fig.source_date,
        confidence=fig.confidence,
        assumption=Assumption(
            "jp.royalty_rate", rate, "fraction of net sales", f"{source} ({fig.ref})", "S"
        ),
        warnings=tuple(warnings),
    )
