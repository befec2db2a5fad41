"""Quality checks on one saved valuation (pure functions over the case and result JSON).

Each finding has a stable ``code``, a ``severity`` (``error`` blocks approval in practice,
``warning`` needs a reviewer's attention, ``info`` is recorded only), the ``field`` it concerns
and a message a reviewer can act on. Deviation and anomaly checks, which need the case base, are
in :mod:`ipvalue.cases._deviation` and :mod:`ipvalue.cases._anomaly`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

#: Completeness checkpoints: (label, alternative dotted paths; any one present satisfies it).
#: Paths follow the case file format (docs/case-file.md); a list segment matches any element.
_BASE_CHECKPOINTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("valuation date", ("valuation_date",)),
    ("currency", ("currency",)),
    ("purpose", ("purpose",)),
    ("asset type", ("asset.type", "assets.asset.type")),
    ("asset description", ("asset.description", "assets.asset.description")),
    ("jurisdiction or framework", ("jurisdiction", "framework", "asset.jurisdictions")),
    ("evidence relied on", ("evidence",)),
)
_REGISTRATION = (
    "registration / application number",
    ("asset.legal_status.registration_number", "asset.legal_status.application_number", "asset.id"),
)
_STATUS = ("legal status", ("asset.legal_status.status",))
_TERM = (
    "expiry date or remaining legal term",
    ("asset.legal_status.expiry_date", "asset.remaining_legal_term_years"),
)
_OWNER = ("owner", ("asset.owner",))
#: Extra checkpoints per purpose (the case model's ``purpose`` values).
PURPOSE_CHECKPOINTS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "collateral": (
        _STATUS,
        _REGISTRATION,
        _TERM,
        _OWNER,
        ("economic life", ("asset.economic_life_years",)),
        ("valuer", ("valuer",)),
    ),
    "transaction": (_STATUS, _REGISTRATION, _OWNER, ("valuer", ("valuer",))),
    "licensing": (
        _STATUS,
        _TERM,
        (
            "royalty evidence (comparable licences or a sourced rate)",
            (
                "approaches.comparables",
                "approaches.royalty_rate.ref",
                "approaches.royalty_rate.source",
            ),
        ),
    ),
    "financial_reporting": (
        ("reporting framework", ("framework",)),
        ("economic life", ("asset.economic_life_years",)),
        _TERM,
    ),
    "litigation": (_STATUS, _REGISTRATION, _TERM, _OWNER),
    "tax": (("jurisdiction", ("jurisdiction",)), _OWNER, ("tax rate", ("approaches.tax_rate",))),
}
#: Checkpoints whose absence makes the valuation indefensible (error, not warning).
_ESSENTIAL = {"valuation date", "currency", "purpose", "asset type"}
TERMINAL_SHARE_LIMIT = 0.75
INCOME_METHODS = {
    "relief_from_royalty",
    "dcf",
    "excess_earnings",
    "profit_split",
    "with_and_without",
    "income",
    "contribution",
    "technology_contribution",
}


@dataclass(frozen=True)
class QualityFinding:
    """One check result. ``detail`` holds the numbers behind the message (JSON-ready)."""

    code: str
    severity: str
    field: str
    message: str
    detail: Mapping[str, Any] = dataclasses.field(default_factory=dict)


def _get(obj: Any, path: str) -> Any:
    """Value at a dotted path; a list segment matches any element (first hit wins)."""
    head, _, rest = path.partition(".")
    if isinstance(obj, list):
        for item in obj:
            got = _get(item, path)
            if got is not None:
                return got
        return None
    if not isinstance(obj, Mapping) or head not in obj:
        return None
    return _get(obj[head], rest) if rest else obj[head]


def _present(v: Any) -> bool:
    return v is not None and v != "" and v != [] and v != {}


def completeness(case: Mapping[str, Any]) -> list[QualityFinding]:
    """Checkpoints every case needs plus those of its purpose (``Q-COMP-*``).

    A purpose outside :data:`PURPOSE_CHECKPOINTS` (after aliases) gets the base checkpoints and
    an ``info`` finding saying no purpose-specific list exists.
    """
    out = []
    purpose = str(case.get("purpose") or "").lower()
    key = purpose
    points = _BASE_CHECKPOINTS + PURPOSE_CHECKPOINTS.get(key, ())
    for label, paths in points:
        if not any(_present(_get(case, p)) for p in paths):
            out.append(
                QualityFinding(
                    "Q-COMP-001",
                    "error" if label in _ESSENTIAL else "warning",
                    paths[0],
                    f"missing checkpoint for purpose {purpose or '(none)'}: {label} "
                    f"(looked for {', '.join(paths)})",
                    {"purpose": purpose, "checkpoint": label},
                )
            )
    if purpose and key not in PURPOSE_CHECKPOINTS:
        out.append(
            QualityFinding(
                "Q-COMP-002",
                "info",
                "purpose",
                f"no purpose-specific checklist for {purpose!r}; only the base checkpoints apply",
                {"purpose": purpose},
            )
        )
    return out


def _approaches(result: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [a for a in result.get("approaches") or [] if isinstance(a, Mapping)]


def income_producing(case: Mapping[str, Any], result: Mapping[str, Any]) -> bool:
    """True when the case carries income evidence (revenue, cash flow, royalty base) or an
    income method was valued."""
    keys = {
        "revenue",
        "revenues",
        "sales",
        "cash_flows",
        "cashflows",
        "profit",
        "royalty_base",
        "income",
    }
    if any(k in keys and _present(v) for k, v in _walk(case)):
        return True
    return any(
        str(a.get("approach", "")).lower() == "income" and _num(a.get("value"))
        for a in _approaches(result)
    )


def method_selection(
    case: Mapping[str, Any], result: Mapping[str, Any], ip_type: str | None
) -> list[QualityFinding]:
    """Method-selection rules (``Q-METH-*``).

    * ``Q-METH-001`` cost approach carries the largest weight for an income-producing patent.
    * ``Q-METH-002`` relief-from-royalty valued without a source for the royalty rate.
    """
    out = []
    appr = _approaches(result)
    weighted = [a for a in appr if _num(a.get("weight")) is not None]
    if weighted and (ip_type or "").startswith("patent") and income_producing(case, result):
        top = max(weighted, key=lambda a: float(a["weight"]))
        if str(top.get("approach", "")).lower() == "cost":
            out.append(
                QualityFinding(
                    "Q-METH-001",
                    "warning",
                    "approaches",
                    f"cost approach is the primary method (weight {float(top['weight']):.0%}) "
                    "for an income-producing patent; an income approach should lead (IVS 210 §60)",
                    {"approach": "cost", "weight": float(top["weight"])},
                )
            )
    uses_rfr = any(str(a.get("method", "")).lower() in ("relief_from_royalty", "rfr") for a in appr)
    if uses_rfr and not _royalty_sourced(case, result):
        out.append(
            QualityFinding(
                "Q-METH-002",
                "warning",
                "royalty_rate",
                "relief-from-royalty valued without a source for the royalty rate (comparable "
                "licences, a royalty database or a reference-data table)",
                {},
            )
        )
    return out


def _royalty_sourced(case: Mapping[str, Any], result: Mapping[str, Any]) -> bool:
    for a in result.get("assumptions") or []:
        if isinstance(a, Mapping) and "royalty" in str(a.get("name", "")).lower():
            src = a.get("source")
            if _present(src) and str(src).lower() not in ("case", "user", "input", "case file"):
                return True
    for k, v in _walk(case):
        if k == "comparables" and _present(v):
            return True
        if (
            k == "royalty_rate"
            and isinstance(v, Mapping)
            and (_present(v.get("source")) or _present(v.get("ref")))
        ):
            return True
    for e in case.get("evidence") or []:
        text = (
            f"{e.get('description', '')} {e.get('source', '')}".lower()
            if isinstance(e, Mapping)
            else ""
        )
        if "royalt" in text or "licen" in text:
            return True
    return False


def terminal_share(result: Mapping[str, Any]) -> list[QualityFinding]:
    """``Q-METH-003``: present value of the terminal value above 75 % of an approach's value.

    Looks for ``pv_terminal`` next to ``value`` (or ``pv_explicit``) in the trace and approaches.
    """
    out = []
    for where, node in _nodes(result):
        tv = _num(node.get("pv_terminal"))
        total = _num(node.get("value"))
        if total is None and _num(node.get("pv_explicit")) is not None and tv is not None:
            total = float(node["pv_explicit"]) + tv
        if tv is None or not total or total <= 0:
            continue
        share = tv / total
        if share > TERMINAL_SHARE_LIMIT:
            out.append(
                QualityFinding(
                    "Q-METH-003",
                    "warning",
                    where,
                    f"terminal value is {share:.1%} of the value (limit "
                    f"{TERMINAL_SHARE_LIMIT:.0%}): the conclusion rests on the "
                    "perpetuity assumption",
                    {"pv_terminal": tv, "value": total, "share": share},
                )
            )
            break
    return out


def recalculation(
    stored: Mapping[str, Any], recomputed: Mapping[str, Any], *, rtol: float = 1e-9
) -> list[QualityFinding]:
    """``Q-CALC-001`` when re-running the case does not reproduce the stored value.

    Compares the concluded value and each approach value with relative tolerance ``rtol``.
    """
    pairs = [("value", _num(stored.get("value")), _num(recomputed.get("value")))]
    for i, (a, b) in enumerate(zip(_approaches(stored), _approaches(recomputed), strict=False)):
        pairs.append((f"approaches.{i}.value", _num(a.get("value")), _num(b.get("value"))))
    out = []
    for name, x, y in pairs:
        if x is None and y is None:
            continue
        if x is None or y is None or not math.isclose(x, y, rel_tol=rtol, abs_tol=0.0):
            out.append(
                QualityFinding(
                    "Q-CALC-001",
                    "error",
                    name,
                    f"recalculation gives {y!r} but the stored result says {x!r}",
                    {"stored": x, "recomputed": y, "rtol": rtol},
                )
            )
    if not out:
        out.append(
            QualityFinding(
                "Q-CALC-000",
                "info",
                "value",
                "recalculation reproduces the stored value",
                {"rtol": rtol},
            )
        )
    return out


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v) if math.isfinite(v) else None


def _nodes(obj: Any, where: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    if isinstance(obj, Mapping):
        yield where or "result", obj
        for k, v in obj.items():
            yield from _nodes(v, f"{where}.{k}" if where else str(k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _nodes(v, f"{where}.{i}")


def _walk(obj: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(obj, Mapping):
        for k, v in obj.items():
            yield str(k), v
            yield from _walk(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _walk(v)
