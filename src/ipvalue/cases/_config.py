"""Thresholds of the deviation and anomaly checks: global settings, then organisation overrides."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ipvalue.core.errors import InputError


@dataclass(frozen=True)
class CheckSettings:
    """Thresholds of the deviation and anomaly checks (global settings, then org overrides)."""

    deviation_threshold: float = 3.0
    deviation_min_peers: int = 5
    similar_peers: int = 20
    anomaly_contamination: float = 0.05
    anomaly_seed: int = 0

    @classmethod
    def load(cls, overrides: Mapping[str, str]) -> CheckSettings:
        from ipvalue.core.settings import get_settings

        s = get_settings()
        base = cls(
            s.cases_deviation_threshold,
            s.cases_deviation_min_peers,
            s.cases_similar_peers,
            s.cases_anomaly_contamination,
            s.cases_anomaly_seed,
        )
        changes: dict[str, Any] = {
            k: parse_setting(k, v) for k, v in overrides.items() if k in ORG_SETTINGS
        }
        return replace(base, **changes)


#: Settings an organisation may override, with their type and rule.
ORG_SETTINGS: dict[str, tuple[type, float, float]] = {
    "deviation_threshold": (float, 0.0, float("inf")),
    "deviation_min_peers": (int, 2, 10_000),
    "similar_peers": (int, 1, 10_000),
    "anomaly_contamination": (float, 0.0, 0.5),
    "anomaly_seed": (int, 0, 2**32 - 1),
}


def parse_setting(key: str, raw: str) -> float | int:
    """Validate an organisation setting; InputError naming the key and its rule."""
    if key not in ORG_SETTINGS:
        raise InputError("KEY", f"must be one of {', '.join(ORG_SETTINGS)}")
    kind, lo, hi = ORG_SETTINGS[key]
    try:
        val = kind(raw)
    except ValueError:
        raise InputError(key, f"must be {'an integer' if kind is int else 'a number'}") from None
    if not (lo < val <= hi if kind is float else lo <= val <= hi):
        raise InputError(key, f"must be in {'(' if kind is float else '['}{lo:g}, {hi:g}]")
    return val
