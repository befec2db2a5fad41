"""Adapter: score a case with SMART5, GB/T 42748, IPscore or the JP bank assessment.

Scoring inputs live in the case's ``framework_inputs`` (docs/frameworks/scoring.md):

* ``framework_inputs.KR.smart``  – SMART5-style grade (sector, ratings, weights, population)
* ``framework_inputs.CN.gbt42748`` – GB/T 42748 scenario, indicator scores, config, weights
* ``framework_inputs.IPSCORE``   – the IPscore-style questionnaire (any asset, any jurisdiction)
* ``framework_inputs.JP.bank`` (and optionally ``JP.tmf``) – the bank-style assessment

Each block is validated here with pydantic (unknown keys refused); file paths in a block are
relative to the case file. The result is a JSON-ready dict with no NaN or infinity.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ipvalue.core.errors import InputError
from ipvalue.frameworks._kcj_framework import case_fields
from ipvalue.frameworks.profiles import Profile

ScoreFramework = Literal["smart", "gbt42748", "ipscore", "jp-bank"]
SCORE_FRAMEWORKS: tuple[str, ...] = ("smart", "gbt42748", "ipscore", "jp-bank")
_BLOCK = {
    "smart": ("KR", "smart"),
    "gbt42748": ("CN", "gbt42748"),
    "ipscore": ("IPSCORE", None),
    "jp-bank": ("JP", "bank"),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SmartInputs(_Strict):
    """``framework_inputs.KR.smart``."""

    sector: str | None = Field(
        default=None,
        description="WIPO sector; omitted: the sector of the first asset class "
        "with a WIPO field (IPC–technology concordance)",
    )
    ratings: dict[str, float]
    group_weights: str | dict[str, float] | None = Field(
        default=None,
        description="'kipa_35_35_30', 'ipm_points_40_20_40' or one weight per group (sum 100); "
        "else the profile's indicator_weights.smart (sum 1, × 100)",
    )
    group_weights_source: str | None = None
    points: dict[str, tuple[str, float]] | None = None
    points_source: str | None = None
    grade_labels: list[str] | None = None
    grade_labels_source: str | None = None
    population: str | list[tuple[str, float]] | None = Field(
        default=None, description="CSV with columns sector, score (or inline pairs)"
    )


class GbtInputs(_Strict):
    """``framework_inputs.CN.gbt42748``."""

    scenario: str
    scores: dict[str, float]
    config: str | None = None
    weights: dict[str, Any] | None = None


class IpscoreAnswerIn(_Strict):
    """One IPscore answer: a 1-5 rating or a numeric value."""

    rating: float | None = None
    value: float | None = None


class LimitsIn(_Strict):
    """Replacement limits of a numeric IPscore factor."""

    worst: float
    best: float
    unit: str = ""


class IpscoreInputs(_Strict):
    """``framework_inputs.IPSCORE``."""

    answers: dict[str, float | IpscoreAnswerIn]
    weights: dict[str, float] | None = None
    limits: dict[str, LimitsIn] | None = None


class DimensionIn(_Strict):
    """One bank-assessment dimension: rating, evidence, concerns."""

    rating: float
    evidence: list[str] = Field(default_factory=list)
    concerns: list[str] = Field(default_factory=list)


class BankInputs(_Strict):
    """``framework_inputs.JP.bank``."""

    dimensions: dict[str, DimensionIn]
    weights: dict[str, float] | None = None
    value: float | None = None
    value_currency: str | None = None


class TmfInputs(_Strict):
    """``framework_inputs.JP.tmf``."""

    trl: int
    ratings: dict[str, dict[str, float]]
    axis_weights: dict[str, float] | None = None


def _validate(model: type[BaseModel], data: Any, where: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise InputError(f"{where}.{loc}" if loc else where, err["msg"]) from None


def _block(case: Any, framework: str) -> tuple[Any, str]:
    code, key = _BLOCK[framework]
    section = case.framework_inputs.get(code)
    where = f"framework_inputs.{code}" + (f".{key}" if key else "")
    data = section if key is None or section is None else section.get(key)
    if data is None:
        raise InputError(
            where, f"is required to score with --framework {framework} (docs/frameworks/scoring.md)"
        )
    return data, where


def _jsonable(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        raise ValueError("non-finite number in a score result")
    return obj


def _population(spec: str | list[tuple[str, float]], base_dir: Path) -> list[tuple[str, float]]:
    if not isinstance(spec, str):
        return [(s, float(v)) for s, v in spec]
    p = (base_dir / spec) if not Path(spec).is_absolute() else Path(spec)
    field = "framework_inputs.KR.smart.population"
    if not p.is_file():
        raise InputError(field, f"file not found: {p}")
    try:
        frame = pd.read_csv(p)
    except Exception as exc:  # any parser failure means the file is unusable
        raise InputError(field, f"cannot be read as CSV ({type(exc).__name__})") from exc
    if not {"sector", "score"} <= set(frame.columns):
        raise InputError(field, "needs columns sector, score")
    scores = pd.to_numeric(frame["score"], errors="coerce").astype(float)
    bad = ~np.isfinite(scores.to_numpy())
    if bad.any():
        line = int(np.argmax(bad)) + 2  # header is line 1
        raise InputError(f"{p.name}:{line}", "score must be a finite number")
    return list(zip(frame["sector"].astype(str), scores.astype(float), strict=True))


def _smart(
    case: Any, data: Any, where: str, base_dir: Path, prof: _ProfileWeights
) -> dict[str, Any]:
    from ipvalue.frameworks._kr_smart import SmartConfig, smart_grade, smart_preset

    inp: SmartInputs = _validate(SmartInputs, data, where)
    if inp.group_weights is None:
        if prof.weights is None:
            raise InputError(
                f"{where}.group_weights", "is required (or profile.indicator_weights.smart)"
            )
        # SMART group weights are points out of 100; a profile's weights sum to 1
        cfg = SmartConfig(
            group_weights={g: 100.0 * w for g, w in prof.weights.items()},
            group_weights_source=prof.source,
        )
        prof.used = True
    elif isinstance(inp.group_weights, str):
        cfg = smart_preset(inp.group_weights)
    else:
        if not inp.group_weights_source:
            raise InputError(f"{where}.group_weights_source", "is required with custom weights")
        cfg = SmartConfig(
            group_weights=inp.group_weights, group_weights_source=inp.group_weights_source
        )
    changes: dict[str, Any] = {}
    if inp.points is not None:
        if not inp.points_source:
            raise InputError(f"{where}.points_source", "is required with custom points")
        changes.update(points=inp.points, points_source=inp.points_source)
    if inp.grade_labels is not None:
        if not inp.grade_labels_source:
            raise InputError(f"{where}.grade_labels_source", "is required with custom labels")
        changes.update(
            grade_labels=tuple(inp.grade_labels), grade_labels_source=inp.grade_labels_source
        )
    if changes:
        cfg = dataclasses.replace(cfg, **changes)
    pop = _population(inp.population, base_dir) if inp.population is not None else None
    from ipvalue.frameworks._kr_evidence import case_sector

    sector, sector_source = (
        (inp.sector, "case input") if inp.sector else case_sector(case, f"{where}.sector")
    )
    res = smart_grade(inp.ratings, config=cfg, sector=sector, population=pop)
    return {
        "framework": "smart",
        "score": res.score,
        "grade": res.grade,
        "stanine": res.stanine,
        "sector_source": sector_source,
        "detail": _jsonable(res),
    }


def _gbt(data: Any, where: str, base_dir: Path, prof: _ProfileWeights) -> dict[str, Any]:
    from ipvalue.frameworks._cn_gbt42748 import gbt42748_score, load_gbt42748_config

    inp: GbtInputs = _validate(GbtInputs, data, where)
    cfg = None
    if inp.config is not None:
        p = Path(inp.config)
        cfg = load_gbt42748_config(p if p.is_absolute() else base_dir / p)
    weights, source = inp.weights, None
    if weights is None and prof.weights is not None:  # first-level (dimension) weights
        weights, source, prof.used = {"dimension_weights": dict(prof.weights)}, prof.source, True
    res = gbt42748_score(
        inp.scores, scenario=inp.scenario, config=cfg, weights=weights, weights_source=source
    )
    return {"framework": "gbt42748", "score": res.total, "grade": None, "detail": _jsonable(res)}


def _ipscore(data: Any, where: str, prof: _ProfileWeights) -> dict[str, Any]:
    from ipvalue.frameworks._ipscore_eval import Answer, ipscore
    from ipvalue.frameworks._ipscore_factors import NumericLimits

    inp: IpscoreInputs = _validate(IpscoreInputs, data, where)
    answers = {
        k: Answer(rating=v) if isinstance(v, float) else Answer(v.rating, v.value)
        for k, v in inp.answers.items()
    }
    limits = {k: NumericLimits(v.worst, v.best, v.unit) for k, v in (inp.limits or {}).items()}
    weights = inp.weights
    if weights is None and prof.weights is not None:  # factor weights, relative per category
        weights, prof.used = dict(prof.weights), True
    res = ipscore(answers, weights=weights, limits=limits or None)
    return {"framework": "ipscore", "score": res.overall, "grade": None, "detail": _jsonable(res)}


def _jp_bank(case: Any, data: Any, where: str, prof: _ProfileWeights) -> dict[str, Any]:
    from ipvalue.frameworks._jp_bank import DimensionInput, bank_assessment
    from ipvalue.frameworks._jp_tmf import TmfConfig, tmf_assessment

    inp: BankInputs = _validate(BankInputs, data, where)
    dims = {
        k: DimensionInput(v.rating, tuple(v.evidence), tuple(v.concerns))
        for k, v in inp.dimensions.items()
    }
    weights, source = inp.weights, "case input"
    if weights is None and prof.weights is not None:
        weights, source, prof.used = dict(prof.weights), prof.source, True
    res = bank_assessment(
        dims,
        weights=weights,
        value=inp.value,
        value_currency=inp.value_currency,
        weights_source=source,
    )
    out: dict[str, Any] = {
        "framework": "jp-bank",
        "score": res.mean_rating,
        "grade": res.grade,
        "detail": _jsonable(res),
    }
    tmf_data = case.framework_inputs.get("JP", {}).get("tmf")
    if tmf_data is not None:
        t: TmfInputs = _validate(TmfInputs, tmf_data, "framework_inputs.JP.tmf")
        cfg = TmfConfig(axis_weights=t.axis_weights) if t.axis_weights else None
        out["technology_market_finance"] = _jsonable(
            tmf_assessment(trl=t.trl, ratings=t.ratings, config=cfg)
        )
    return out


@dataclass
class _ProfileWeights:
    """The profile's indicator weights for one scoring tree, and whether the scorer used them
    (a scoring block's own weights win: case > profile > scoring default)."""

    tree: str
    weights: dict[str, float] | None
    source: str
    used: bool = False

    @classmethod
    def of(cls, profile: Profile | None, tree: str) -> _ProfileWeights:
        if profile is None:
            return cls(tree, None, "")
        w = (profile.indicator_weights or {}).get(tree)
        return cls(tree, None if w is None else dict(w), f"{profile.label()}: {profile.rationale}")

    def record(self, out: dict[str, Any]) -> None:
        """``profile_weights`` in the result: what the profile gave and whether it applied."""
        if self.weights is None:
            return
        out["profile_weights"] = {
            "tree": self.tree,
            "weights": self.weights,
            "source": self.source,
            "applied": self.used,
            "note": "applied (the scoring block gives no weights)"
            if self.used
            else "not applied: the scoring block's own weights take precedence",
        }


def score_case(
    case: Any, framework: str, *, base_dir: Path, profile: Profile | None = None
) -> dict[str, Any]:
    """Score ``case`` with one scoring framework; returns a JSON-ready dict.

    Keys: ``framework``, ``case_id``, ``score``, ``grade`` (None where the system gives none),
    ``detail`` (the full result: assumptions, warnings, trace), ``profile_weights`` when the
    profile has weights for this tree and, for jp-bank with a ``JP.tmf`` block,
    ``technology_market_finance``.

    The profile is ``profile``, else the case's inline ``profile:``, else the organisation file
    of the setting ``profile_file``. Its ``indicator_weights.<tree>`` (tree = ``smart``,
    ``gbt42748``, ``ipscore``, ``jp-bank``) are used when the scoring block gives no weights of
    its own: SMART group weights (× 100 points), GB/T 42748 first-level dimension weights,
    IPscore factor weights, JP bank dimension weights; the result records them and their source.

    Raises
    ------
    InputError
        Unknown framework, missing block, or any invalid input (named by field).
    """
    from ipvalue.frameworks._valuate import case_profile

    if framework not in SCORE_FRAMEWORKS:
        raise InputError("--framework", "must be one of " + ", ".join(SCORE_FRAMEWORKS))
    data, where = _block(case, framework)
    prof = _ProfileWeights.of(case_profile(case, profile), framework)
    with case_fields(SCORE_FIELDS):
        try:
            out = {"case_id": case.id, **_dispatch(case, framework, data, where, base_dir, prof)}
        except InputError as exc:
            if prof.used and "weights" in exc.field:  # the profile's weights were rejected
                raise InputError(
                    f"profile.indicator_weights.{framework}", f"{exc.field}: {exc.rule}"
                ) from None
            raise
    prof.record(out)
    return out


SCORE_FIELDS = {
    "smart": "framework_inputs.KR.smart",
    "gbt42748": "framework_inputs.CN.gbt42748",
    "ipscore": "framework_inputs.IPSCORE",
    "jp_bank": "framework_inputs.JP.bank",
    "jp.tmf": "framework_inputs.JP.tmf",
}


def _dispatch(
    case: Any, framework: str, data: Any, where: str, base_dir: Path, prof: _ProfileWeights
) -> dict[str, Any]:
    if framework == "smart":
        out = _smart(case, data, where, base_dir, prof)
        from ipvalue.frameworks._kr_evidence import smart_evidence

        evidence = smart_evidence(case)
        if evidence is not None:
            out["evidence"] = evidence  # shown to the valuer beside the ratings, not a score
    elif framework == "gbt42748":
        out = _gbt(data, where, base_dir, prof)
    elif framework == "ipscore":
        out = _ipscore(data, where, prof)
    else:
        out = _jp_bank(case, data, where, prof)
    return out
