"""Warnings about a figure against the valuation date (METHODS §8 rule 5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ipvalue.refdata._figure import Figure

#: Figures older than this many years before the valuation date are flagged stale. A convention
#: of ours (no standard fixes it); callers pass their own ``max_age_years`` to change it.
DEFAULT_MAX_AGE_YEARS = 2.0
_LOW = ("low", "metadata only")


@dataclass(frozen=True)
class RefdataWarning:
    """A warning with a stable code (``refdata_stale`` …) and a message naming the figure."""

    code: str
    message: str


def figure_warnings(
    fig: Figure, valuation_date: date, *, max_age_years: float = DEFAULT_MAX_AGE_YEARS
) -> list[RefdataWarning]:
    """Conditions a valuer must see when ``fig`` is used for a valuation at ``valuation_date``.

    Codes: ``refdata_undated`` (no parseable source date), ``refdata_after_valuation_date``
    (source dated after the valuation date: look-ahead), ``refdata_stale`` (older than
    ``max_age_years``), ``refdata_low_confidence`` (confidence starting "low" or "metadata
    only"), ``refdata_override`` (a user override supplied it), ``fx_date_mismatch`` (an FX
    rate from another date). Returns an empty list when none applies.
    """
    out: list[RefdataWarning] = []
    ref = fig.ref
    as_of = fig.as_of
    if fig.column != "identity":
        if as_of is None:
            out.append(RefdataWarning("refdata_undated", f"{ref} has no source date"))
        elif as_of > valuation_date and "fx_date_mismatch" not in fig.flags:
            out.append(
                RefdataWarning(
                    "refdata_after_valuation_date",
                    f"{ref} is dated {fig.source_date}, after the valuation date "
                    f"{valuation_date.isoformat()} (look-ahead)",
                )
            )
        elif (valuation_date - as_of).days / 365.25 > max_age_years:
            out.append(
                RefdataWarning(
                    "refdata_stale",
                    f"{ref} is dated {fig.source_date}, more than {max_age_years:g} years "
                    f"before the valuation date {valuation_date.isoformat()}; confirm it still "
                    "applies, or give the value in the case or a dated override in "
                    "IPVALUE_REFDATA_DIR (docs/refdata.md)",
                )
            )
    if fig.confidence and fig.confidence.strip().lower().startswith(_LOW):
        out.append(
            RefdataWarning("refdata_low_confidence", f"{ref} has confidence {fig.confidence!r}")
        )
    if fig.overridden:
        out.append(RefdataWarning("refdata_override", f"{ref} comes from {fig.note}"))
    if "fx_date_mismatch" in fig.flags:
        out.append(RefdataWarning("fx_date_mismatch", f"{ref}: {fig.note}"))
    return out
