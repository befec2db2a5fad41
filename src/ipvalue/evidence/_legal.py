"""Remaining legal term from the indicators file's expiry date, and its agreement with the case.

Convention: remaining term = ``max(0, (expiry_date − valuation date) days / 365.25)`` at the
*case's* valuation date (the same rule the engine applies to ``asset.legal_status.expiry_date``),
never the file's ``remaining_life``, which is at the indicators' own valuation date. Case values
are never replaced: a disagreement of more than :data:`TOLERANCE_YEARS` (or any difference of the
filing or grant date) is reported as ``legal_term_mismatch``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ipvalue.model.assets import Asset

DAYS_PER_YEAR = 365.25
#: Disagreement between the case's and the file's legal term (or expiry) that is reported.
TOLERANCE_YEARS = 0.5


@dataclass(frozen=True)
class LegalTerm:
    """Legal-term evidence for the subject.

    Attributes
    ----------
    file_years : float or None
        Remaining term at the case's valuation date from the file's ``expiry_date``; ``None``
        when the file has no expiry date for the subject.
    fill : bool
        True when the case gives neither ``remaining_legal_term_years`` nor
        ``legal_status.expiry_date`` and ``file_years`` is known: the engine uses it.
    mismatches : tuple of str
        One message per disagreement, naming both values.
    """

    file_years: float | None
    fill: bool
    mismatches: tuple[str, ...]


def years_between(start: dt.date, end: dt.date) -> float:
    """``(end − start)`` in years of 365.25 days, floored at 0."""
    return max(0.0, (end - start).days / DAYS_PER_YEAR)


def legal_term(
    asset: Asset,
    valuation_date: dt.date,
    expiry: dt.date | None,
    filing: dt.date | None,
    grant: dt.date | None,
) -> LegalTerm:
    """Compare the case's legal status with the file's dates and decide whether to fill.

    Parameters
    ----------
    asset : Asset
        The case's asset (its ``remaining_legal_term_years`` and ``legal_status``).
    valuation_date : date
        The case's valuation date.
    expiry, filing, grant : date or None
        The subject's dates in the indicators file (``None`` = empty cell or no column).
    """
    file_years = years_between(valuation_date, expiry) if expiry is not None else None
    ls = asset.legal_status
    case_term = asset.remaining_legal_term_years
    case_expiry = ls.expiry_date if ls else None
    out: list[str] = []
    if (
        file_years is not None
        and case_term is not None
        and abs(case_term - file_years) > TOLERANCE_YEARS
    ):
        out.append(
            f"asset.remaining_legal_term_years = {case_term:g} years but the indicators "
            f"file's expiry_date {expiry} gives {file_years:.2f} years at {valuation_date}"
        )
    if expiry is not None and case_expiry is not None:
        gap = abs((case_expiry - expiry).days) / DAYS_PER_YEAR
        if gap > TOLERANCE_YEARS:
            out.append(
                f"asset.legal_status.expiry_date = {case_expiry} but the indicators file has "
                f"expiry_date {expiry} ({gap:.2f} years apart)"
            )
    for name, mine in (("filing_date", filing), ("grant_date", grant)):
        theirs = getattr(ls, name) if ls else None
        if mine is not None and theirs is not None and mine != theirs:
            out.append(
                f"asset.legal_status.{name} = {theirs} but the indicators file has {name} {mine}"
            )
    fill = file_years is not None and case_term is None and case_expiry is None
    return LegalTerm(file_years, fill, tuple(out))
