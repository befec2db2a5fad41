"""Deviation of key parameters from similar past cases, by a robust statistic.

For each key parameter the peers' values give a median and a robust scale: 1.4826 × MAD (the
normal-consistent median absolute deviation); when MAD is 0 (at least half the peers agree)
the scale falls back to IQR / 1.349; when that is 0 too, any difference from the common value
is reported without a z-score. ``|x − median| / scale`` above the threshold is a warning that
names every case compared.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ipvalue.cases._checks import QualityFinding

MAD_TO_SIGMA = 1.4826
IQR_TO_SIGMA = 1.349


@dataclass(frozen=True)
class Peer:
    """A similar case's latest version: identity (for naming it) and its key parameters."""

    case_id: int
    version_no: int
    title: str
    params: Mapping[str, float | None]

    @property
    def label(self) -> str:
        return f"#{self.case_id}v{self.version_no}"


@dataclass(frozen=True)
class RobustSpread:
    """Median and robust scale of a sample; ``method`` is ``mad``, ``iqr`` or ``none``."""

    median: float
    scale: float
    method: str


def robust_spread(values: Sequence[float]) -> RobustSpread:
    """Median and robust scale (see module docstring). ``values`` must be non-empty."""
    arr = np.asarray(values, dtype=float)
    med = float(np.median(arr))
    mad = float(np.median(np.abs(arr - med))) * MAD_TO_SIGMA
    if mad > 0:
        return RobustSpread(med, mad, "mad")
    q1, q3 = np.percentile(arr, [25, 75])
    iqr = float(q3 - q1) / IQR_TO_SIGMA
    if iqr > 0:
        return RobustSpread(med, iqr, "iqr")
    return RobustSpread(med, 0.0, "none")


def deviation_findings(
    params: Mapping[str, float | None],
    peers: Sequence[Peer],
    *,
    threshold: float,
    min_peers: int,
) -> list[QualityFinding]:
    """``Q-DEV-<PARAM>`` warnings for parameters that deviate from the peers.

    A parameter the case does not have, or that fewer than ``min_peers`` peers have, is skipped
    with a ``Q-DEV-000`` info finding (too few comparables is itself worth knowing).
    """
    out = []
    for name, x in params.items():
        if x is None:
            continue
        used = [(p, float(v)) for p in peers if (v := p.params.get(name)) is not None]
        if len(used) < min_peers:
            out.append(
                QualityFinding(
                    "Q-DEV-000",
                    "info",
                    name,
                    f"{name}: only {len(used)} similar case(s) with this parameter "
                    f"(need {min_peers}); no deviation check",
                    {"parameter": name, "peers": [p.label for p, _ in used]},
                )
            )
            continue
        spread = robust_spread([v for _, v in used])
        diff = x - spread.median
        z = abs(diff) / spread.scale if spread.scale > 0 else None
        flagged = z > threshold if z is not None else not math.isclose(x, spread.median)
        if not flagged:
            continue
        names = ", ".join(p.label for p, _ in used)
        how = (
            f"{z:.1f} robust SD ({spread.method}) from the median"
            if z is not None
            else "while every compared case uses the same value"
        )
        out.append(
            QualityFinding(
                f"Q-DEV-{name.upper()}",
                "warning",
                name,
                f"{name} = {x:.6g} deviates {diff:+.6g} from the median {spread.median:.6g} of "
                f"{len(used)} similar cases, {how} (threshold {threshold:g}); compared: {names}",
                {
                    "parameter": name,
                    "value": x,
                    "median": spread.median,
                    "scale": spread.scale,
                    "method": spread.method,
                    "z": z,
                    "threshold": threshold,
                    "peers": [{"case": p.label, "title": p.title, "value": v} for p, v in used],
                },
            )
        )
    return out
