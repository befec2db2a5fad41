"""Reading a case file as given, valuing it, and profiling it for the case store.

The store keeps the case *exactly as given* (original text) next to its parsed JSON, so a saved
valuation can be re-run and compared byte for byte with what the preparer submitted.
"""

from __future__ import annotations

import dataclasses
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
        "contribution",
        "contribution_rate",
        "technology_contribution",
        "sharing_rate",
        "technology_factor",
        "split_rate",
    ),
}


@dataclass(frozen=True)
class CaseSource:
    """A case file as given: its name, format (``yaml``/``json``), text and parsed mapping.

    ``base_dir`` is the folder of the file it was read from (None for text given directly):
    relative data-file paths in the case (``patent_evidence.indicators_file`` …) are relative
    to it, as for ``ipvalue value FILE``.
    """

    name: str
    format: str
    text: str
    data: dict[str, Any]
    base_dir: str | None = None

    def engine_data(self) -> dict[str, Any]:
        """The case as the valuation reads it: data-file paths anchored to ``base_dir``."""
        if self.base_dir is None:
            return self.data
        from ipvalue.frameworks._case_paths import anchor_paths

        return anchor_paths(self.data, Path(self.base_dir))


def parse_source(text: str, name: str) -> CaseSource:
    """Parse case text: JSON when the name ends ``.json`` or the text starts with ``{``, else
    YAML read exactly as ``ipvalue value`` reads it (YAML 1.2 floats such as ``12.0e9``).

    Raises
    ------
    InputError
        ``name`` (with the line) when the text is not valid, ``name`` when the top level is not
        a mapping or a number is not finite.
    """
    fmt = "json" if text.lstrip().startswith("{") or name.lower().endswith(".json") else "yaml"
    try:
        data = json.loads(text) if fmt == "json" else yaml.load(text, Loader=_case_yaml_loader())
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}:{exc.lineno}", f"invalid JSON: {exc.msg}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark is not None else name
        raise InputError(where, f"invalid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise InputError(name, "the top level must be a mapping of case fields")
    _reject_non_finite(data, name)
    # YAML dates and timestamps become ISO text: the stored JSON, the engine input and a later
    # recalculation then all see the same values.
    data = json.loads(json.dumps(data, default=_iso))
    return CaseSource(name=name, format=fmt, text=text, data=data)


def _case_yaml_loader() -> Any:
    # The engine owns how case YAML is read; reuse its loader so both see the same numbers.
    from ipvalue.api_python import _yaml_loader

    return _yaml_loader()


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
    return dataclasses.replace(parse_source(text, path.name), base_dir=str(path.resolve().parent))


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


Evaluator = Callable[[Mapping[str, Any], int | None], Evaluation]


def engine_evaluator(case: Mapping[str, Any], seed: int | None = None) -> Evaluation:
    """Value ``case`` with :func:`ipvalue.value` and capture what the store keeps.

    ``seed`` (the recalculation check passes the stored result's Monte Carlo seed) overrides
    the case's own; without either the engine draws one and records it in the result.
    The resolved parameters stored are the validated case with every default filled and the
    result's assumptions (each resolved figure with its source).
    """
    import ipvalue

    loaded = ipvalue.load_case(dict(case))
    valuation = ipvalue.value(loaded, seed=seed)
    result = json.loads(json.dumps(valuation.to_json_dict(), default=str))
    resolved = {
        "case": json.loads(loaded.model_dump_json()),
        "assumptions": result.get("assumptions", []),
    }
    return Evaluation(
        resolved=resolved,
        result=result,
        software_version=str(result.get("software_version") or _software_version()),
        refdata_version=(str(result["refdata_version"]) if result.get("refdata_version") else None),
    )


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
    jur = jur or case.get("framework") or (asset.get("jurisdictions") or [None])[0]
    if isinstance(case.get("assets"), list):  # a portfolio case
        ip_type = "portfolio"
    tech = _first_class(asset)
    title = _first_str(case, ("title", "name", "id")) or _first_str(asset, ("title", "name")) or ""
    parts = [_first_str(case, ("description",))] + [
        _first_str(asset, (k,)) for k in ("name", "description", "technology_field")
    ]
    description = " ".join(p for p in parts if p)
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


def _first_class(asset: Mapping[str, Any]) -> str | None:
    """First IPC/CPC (else any) classification code of the asset."""
    classes = [c for c in asset.get("classes") or [] if isinstance(c, Mapping) and c.get("code")]
    classes.sort(key=lambda c: c.get("scheme") not in ("IPC", "CPC"))
    return str(classes[0]["code"]) if classes else None


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
