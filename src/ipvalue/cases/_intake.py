"""Reading a case file as given, valuing it, and profiling it for the case store.

The store keeps the case *exactly as given* (original text) next to its parsed JSON, so a saved
valuation can be re-run and compared byte for byte with what the preparer submitted.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from ipvalue.core.errors import InputError

#: Key parameters compared against similar cases, with the names they go by in cases/results.
KEY_PARAMETERS: dict[str, tuple[str, ...]] = {
    "royalty_rate": ("royalty_rate",),
    "discount_rate": ("discount_rate", "wacc"),
    "economic_life": ("economic_life", "economic_life_years", "useful_life"),
    "growth": ("growth", "growth_rate", "terminal_growth"),
    "contribution": (
        "contribution", "contribution_rate", "technology_contribution", "sharing_rate",
        "technology_factor",
    ),
}


@dataclass(frozen=True)
class CaseSource:
    """A case file as given: its name, format (``yaml``/``json``), text and parsed mapping."""

    name: str
    format: str
    text: str
    data: dict[str, Any]


def parse_source(text: str, name: str) -> CaseSource:
    """Parse case text (JSON if it parses as an object, else YAML).

    Raises
    ------
    InputError
        ``name`` when the text is not a YAML/JSON mapping.
    """
    stripped = text.lstrip()
    fmt = "json" if stripped.startswith("{") or name.lower().endswith(".json") else "yaml"
    try:
        data = json.loads(text) if fmt == "json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InputError(name, f"must be valid {fmt.upper()} ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise InputError(name, "must contain a mapping (a case object) at the top level")
    _reject_non_finite(data, name)
    # YAML dates and timestamps become ISO text: the stored JSON, the engine input and a later
    # recalculation then all see the same values.
    data = json.loads(json.dumps(data, default=_iso))
    return CaseSource(name=name, format=fmt, text=text, data=data)


def _iso(obj: Any) -> str:
    if isinstance(obj, date | datetime):
        return obj.isoformat()
    raise TypeError(f"{type(obj).__name__} is not a JSON value")


def read_source(path: Path) -> CaseSource:
    """Read and parse a case file. Raises :class:`InputError` if missing or unreadable."""
    if not path.is_file():
        raise InputError(str(path), "file not found")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(str(path), "must be UTF-8 text") from None
    return parse_source(text, path.name)


def _reject_non_finite(obj: Any, where: str) -> None:
    if isinstance(obj, float) and not math.isfinite(obj):
        raise InputError(where, "numbers must be finite (no NaN or infinity)")
    if isinstance(obj, dict):
        for k, v in obj.items():
            _reject_non_finite(v, f"{where}:{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            _reject_non_finite(v, f"{where}:{i}")


@dataclass(frozen=True)
class Evaluation:
    """What the valuation engine made of a case: resolved parameters, result JSON, versions."""

    resolved: dict[str, Any]
    result: dict[str, Any]
    software_version: str
    refdata_version: str | None


Evaluator = Callable[[Mapping[str, Any]], Evaluation]


def engine_evaluator(case: Mapping[str, Any]) -> Evaluation:
    """Value ``case`` with :func:`ipvalue.value` and capture what the store keeps.

    Monte Carlo seeds are whatever the case or engine records; the result JSON carries it, and
    the recalculation check re-runs with that seed.
    """
    import ipvalue

    loaded = ipvalue.load_case(dict(case))
    seed = _recorded_seed(case)
    valuation = ipvalue.value(loaded, seed=seed) if seed is not None else ipvalue.value(loaded)
    result = json.loads(json.dumps(valuation.to_json_dict(), default=str))
    resolved = {
        "case": json.loads(loaded.model_dump_json()) if hasattr(loaded, "model_dump_json") else {},
        "assumptions": result.get("assumptions", []),
    }
    return Evaluation(
        resolved=resolved,
        result=result,
        software_version=str(result.get("software_version") or _software_version()),
        refdata_version=(str(result["refdata_version"]) if result.get("refdata_version") else None),
    )


def _recorded_seed(case: Mapping[str, Any]) -> int | None:
    sim = case.get("simulation")
    if isinstance(sim, Mapping) and isinstance(sim.get("seed"), int):
        return int(sim["seed"])
    return None


def _software_version() -> str:
    from importlib.metadata import version

    return version("ipvalue")


@dataclass(frozen=True)
class CaseProfile:
    """Classification, text and key parameters of a case, as used by similarity and checks.

    Missing information stays ``None`` (never 0).
    """

    title: str
    ip_type: str | None
    jurisdiction: str | None
    tech_class: str | None
    purpose: str | None
    description: str
    value: float | None
    currency: str | None
    params: dict[str, float | None] = field(default_factory=dict)


def profile_case(case: Mapping[str, Any], result: Mapping[str, Any] | None = None) -> CaseProfile:
    """Pick out classification, description and key parameters.

    Parameters are taken from the result's ``assumptions`` when present (what was actually used,
    after framework resolution), else from the case file; distributions count by their point.
    """
    asset = case.get("asset") if isinstance(case.get("asset"), Mapping) else {}
    assert isinstance(asset, Mapping)
    ip_type = _first_str(asset, ("type", "ip_type", "kind")) or _first_str(case, ("ip_type",))
    jur = case.get("jurisdiction") or asset.get("jurisdiction")
    if isinstance(jur, list):
        jur = jur[0] if jur else None
    tech = _first_str(asset, ("technology_class", "tech_class", "ipc", "cpc", "class"))
    if tech is None and isinstance(asset.get("classes"), list) and asset["classes"]:
        tech = str(asset["classes"][0])
    title = _first_str(case, ("title", "name", "id")) or _first_str(asset, ("title", "name")) or ""
    description = " ".join(
        s for s in (_first_str(case, ("description",)), _first_str(asset, ("description", "abstract")))
        if s
    )
    res = result or {}
    value = res.get("value")
    params = {name: _parameter(name, case, res) for name in KEY_PARAMETERS}
    return CaseProfile(
        title=title[:300],
        ip_type=ip_type.lower() if ip_type else None,
        jurisdiction=str(jur).upper() if jur else None,
        tech_class=tech.upper().replace(" ", "") if tech else None,
        purpose=(_first_str(case, ("purpose",)) or "").lower() or None,
        description=description,
        value=float(value) if isinstance(value, int | float) else None,
        currency=str(res.get("currency") or case.get("currency") or "") or None,
        params=params,
    )


def _first_str(m: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    for k in keys:
        v = m.get(k)
        if isinstance(v, str) and v.strip():
            return v.strip()
    return None


def _point(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return float(v) if math.isfinite(v) else None
    if isinstance(v, Mapping):
        for k in ("value", "base", "mode", "mean"):
            if isinstance(v.get(k), int | float) and not isinstance(v.get(k), bool):
                return float(v[k])
    return None


def _parameter(name: str, case: Mapping[str, Any], result: Mapping[str, Any]) -> float | None:
    aliases = KEY_PARAMETERS[name]
    for a in result.get("assumptions", []) or []:
        if isinstance(a, Mapping) and _leaf(str(a.get("name", ""))) in aliases:
            got = _point(a.get("value"))
            if got is not None:
                return got
    for key, v in _walk(case):
        if key in aliases:
            got = _point(v)
            if got is not None:
                return got
    return None


def _leaf(name: str) -> str:
    return name.replace("/", ".").split(".")[-1]


def _walk(obj: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(obj, Mapping):
        for k, v in obj.items():
            yield str(k), v
            yield from _walk(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _walk(v)
