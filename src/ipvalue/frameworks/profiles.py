"""Enterprise-specific adjustment profiles.

A profile (per case, inline as ``profile:`` in the case file, or per organisation, a YAML/JSON
file) changes

* **method weights** — approach-family weights used when the case gives no approach weights;
  they replace the framework's purpose defaults (case weights > profile > framework);
* **indicator weights** — weights of scoring indicators (per scoring tree), for the scoring
  frameworks;
* **correction coefficients** — named multiplicative coefficients applied to the concluded
  value: ``V_adj = V · Π_j c_j`` (and to the range ends).

Everything a profile changes is recorded in the trace and the assumptions, with the profile's
name, author, date and rationale.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ipvalue.core.errors import InputError

Family = Literal["income", "market", "cost", "option"]
WEIGHT_SUM_TOL = 1e-9


def _check_weights(w: Mapping[str, float], what: str) -> None:
    if not w:
        raise ValueError(f"{what} must not be empty")
    bad = [k for k, v in w.items() if not (math.isfinite(v) and v >= 0)]
    if bad:
        raise ValueError(f"{what}.{bad[0]} must be a finite number >= 0")
    total = math.fsum(w.values())
    if abs(total - 1.0) > WEIGHT_SUM_TOL:
        raise ValueError(f"{what} must sum to 1 (they sum to {total:.12g})")


class Profile(BaseModel):
    """An enterprise adjustment profile.

    Examples
    --------
    >>> Profile(name="Acme lending policy", rationale="credit committee 2025-03",
    ...         coefficients={"market_position": 0.9})  # doctest: +ELLIPSIS
    Profile(...)
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=200)
    scope: Literal["case", "organisation"] = "case"
    organisation: str | None = Field(default=None, max_length=300)
    author: str | None = Field(default=None, max_length=300)
    date: dt.date | None = None
    rationale: str = Field(min_length=1, max_length=5000, description="why these adjustments")
    method_weights: dict[Family, float] | None = None
    indicator_weights: dict[str, dict[str, float]] | None = Field(
        default=None, description="scoring tree name → indicator → weight (each sums to 1)"
    )
    coefficients: dict[str, float] = Field(
        default_factory=dict, description="named correction coefficients, each > 0"
    )

    @field_validator("method_weights")
    @classmethod
    def _mw(cls, v: dict[str, float] | None) -> dict[str, float] | None:
        if v is not None:
            _check_weights(v, "method_weights")
        return v

    @field_validator("indicator_weights")
    @classmethod
    def _iw(cls, v: dict[str, dict[str, float]] | None) -> dict[str, dict[str, float]] | None:
        for tree, w in (v or {}).items():
            _check_weights(w, f"indicator_weights.{tree}")
        return v

    @field_validator("coefficients")
    @classmethod
    def _coef(cls, v: dict[str, float]) -> dict[str, float]:
        for k, c in v.items():
            if not k.strip():
                raise ValueError("coefficient names must not be empty")
            if not (math.isfinite(c) and c > 0):
                raise ValueError(f"coefficients.{k} must be a finite number > 0")
        return v

    @property
    def factor(self) -> float:
        """``Π_j c_j`` (1.0 without coefficients)."""
        return math.prod(self.coefficients.values())

    def label(self) -> str:
        who = ", ".join(x for x in (self.organisation, self.author) if x)
        when = self.date.isoformat() if self.date else "undated"
        return f"profile {self.name!r} ({self.scope}{'; ' + who if who else ''}; {when})"


def parse_profile(data: Mapping[str, Any], where: str = "profile") -> Profile:
    """Validate a profile mapping; errors name ``where.field``."""
    try:
        return Profile.model_validate(dict(data))
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise InputError(f"{where}.{loc}" if loc else where, err["msg"]) from None


def load_profile(path: str | Path) -> Profile:
    """Read an organisation profile from YAML or JSON; errors name the file and field."""
    import yaml

    p = Path(path)
    if not p.is_file():
        raise InputError(str(p), "profile file not found")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(str(p), f"is not valid YAML/JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(str(p), "must be a mapping with name, rationale and adjustments")
    return parse_profile(data, str(p))


@dataclass(frozen=True)
class ProfileAdjustment:
    """The result of applying a profile's coefficients to a value."""

    profile: str
    value_before: float
    factor: float
    value_after: float
    coefficients: tuple[tuple[str, float], ...]

    def detail(self) -> dict[str, float | int | str | bool | None]:
        out: dict[str, float | int | str | bool | None] = {
            "profile": self.profile,
            "value_before": self.value_before,
            "factor": self.factor,
            "value_after": self.value_after,
        }
        out.update({f"coefficient.{k}": v for k, v in self.coefficients})
        return out


def adjust_value(value: float, profile: Profile) -> ProfileAdjustment:
    """``V_adj = V · Π_j c_j`` with every coefficient recorded (no rounding)."""
    f = profile.factor
    return ProfileAdjustment(
        profile=profile.label(),
        value_before=value,
        factor=f,
        value_after=value * f,
        coefficients=tuple(sorted(profile.coefficients.items())),
    )


def family_weights_to_approaches(
    families: list[str], weights: Mapping[str, float], field: str
) -> list[float]:
    """Approach weights from family weights: shared equally within a family, renormalised over
    the families present. Raises InputError when no present family has weight."""
    counts = {f: families.count(f) for f in set(families)}
    total = math.fsum(weights.get(f, 0.0) for f in counts)
    if total <= 0:
        raise InputError(field, f"give weights for the approach families present {sorted(counts)}")
    raw = [weights.get(f, 0.0) / counts[f] / total for f in families]
    raw[-1] = 1.0 - math.fsum(raw[:-1])  # the last weight absorbs binary rounding
    return raw


def weighted_score(scores: Mapping[str, float], profile: Profile, tree: str) -> float:
    """Indicator scores combined with the profile's weights for ``tree`` (``Σ w_i · s_i``).

    Raises InputError when the profile has no weights for ``tree`` or the indicator sets differ.
    """
    weights = (profile.indicator_weights or {}).get(tree)
    if weights is None:
        raise InputError(f"profile.indicator_weights.{tree}", "no weights for this scoring tree")
    missing = sorted(set(weights) - set(scores))
    extra = sorted(set(scores) - set(weights))
    if missing or extra:
        raise InputError(
            f"profile.indicator_weights.{tree}",
            f"indicators must match the scores (missing scores {missing}, unweighted {extra})",
        )
    return math.fsum(weights[k] * scores[k] for k in weights)
