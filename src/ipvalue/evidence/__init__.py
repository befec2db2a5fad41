"""Patent data as valuation evidence (issue 4; docs/patent-evidence.md).

A case's ``patent_evidence`` block points at the outputs of ``ipvalue patents indicators`` and
``ipvalue patents cycle-time``. This package reads them (with their provenance sidecars and
SHA-256), compares the subject patent with its cohort and the whole file, records every indicator
as an assumption with its source, fills the remaining legal term when the case gives none, takes
the quality scores of a market quality ratio from the file, and warns on look-ahead, incomplete
citation windows, unknown provenance, legal-term disagreements and lives beyond the field's cycle
time. Indicators feed quality Q, strength scores and life, never a price (METHODS §6.11).
"""

from ipvalue.evidence._apply import PreparedEvidence, applies, attach, prepare, value_with_evidence
from ipvalue.evidence._cycle import pick_row, subclass
from ipvalue.evidence._files import (
    INDICATORS,
    CycleTimeFile,
    FileInfo,
    IndicatorFile,
    find_row,
    read_cycle_times,
    read_indicators,
)
from ipvalue.evidence._legal import LegalTerm, legal_term
from ipvalue.evidence._peers import (
    PERCENTILE_CONVENTION,
    GroupColumns,
    GroupStats,
    PeerRow,
    group_stats,
    group_stats_many,
    peer_table,
)
from ipvalue.evidence._portfolio import (
    PortfolioEvidence,
    attach_portfolio,
    prepare_portfolio,
    value_portfolio_with_evidence,
)
from ipvalue.evidence._quality import fill_quality, quality_ratios

__all__ = [
    "INDICATORS",
    "PERCENTILE_CONVENTION",
    "CycleTimeFile",
    "FileInfo",
    "GroupColumns",
    "GroupStats",
    "IndicatorFile",
    "LegalTerm",
    "PeerRow",
    "PortfolioEvidence",
    "PreparedEvidence",
    "applies",
    "attach",
    "attach_portfolio",
    "fill_quality",
    "find_row",
    "group_stats",
    "group_stats_many",
    "legal_term",
    "peer_table",
    "pick_row",
    "prepare",
    "prepare_portfolio",
    "quality_ratios",
    "read_cycle_times",
    "read_indicators",
    "subclass",
    "value_portfolio_with_evidence",
    "value_with_evidence",
]
