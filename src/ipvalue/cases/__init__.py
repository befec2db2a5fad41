"""Case database: versions, similar cases, quality checks, review workflow, audit chain.

Use :class:`CaseStore` (``CaseStore(make_engine(url))``); every read goes through a
:class:`CaseRepository` bound to one organisation.
"""

from ipvalue.cases._audit import (
    AuditProblem,
    AuditReport,
    Checkpoint,
    canonical_json,
    entry_hash,
    verify_chain,
)
from ipvalue.cases._checks import QualityFinding
from ipvalue.cases._config import ORG_SETTINGS, CheckSettings
from ipvalue.cases._deviation import Peer, RobustSpread, deviation_findings, robust_spread
from ipvalue.cases._intake import (
    CaseProfile,
    CaseSource,
    Evaluation,
    engine_evaluator,
    parse_source,
    profile_case,
    read_source,
)
from ipvalue.cases._migrate import current_revision, ensure_schema, head_revision, migrate
from ipvalue.cases._repository import CaseRepository, OrgScope
from ipvalue.cases._similar import CaseDoc, SimilarCase, SimilarityIndex
from ipvalue.cases._store import CaseStore, SaveReceipt

__all__ = [
    "ORG_SETTINGS",
    "AuditProblem",
    "AuditReport",
    "CaseDoc",
    "CaseProfile",
    "CaseRepository",
    "CaseSource",
    "CaseStore",
    "CheckSettings",
    "Checkpoint",
    "Evaluation",
    "OrgScope",
    "Peer",
    "QualityFinding",
    "RobustSpread",
    "SaveReceipt",
    "SimilarCase",
    "SimilarityIndex",
    "canonical_json",
    "current_revision",
    "deviation_findings",
    "engine_evaluator",
    "ensure_schema",
    "entry_hash",
    "head_revision",
    "migrate",
    "parse_source",
    "profile_case",
    "read_source",
    "robust_spread",
    "verify_chain",
]
