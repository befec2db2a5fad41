"""The valuation result: frozen, JSON-ready, convertible to pandas.

The public JSON keys (ARCHITECTURE.md, "Public contracts") are ``value``, ``currency``,
``range{low,high}``, ``approaches[{approach, method, value, weight}]``,
``distribution{mean,p5,p50,p95,n,seed}`` (when simulated), ``assumptions``, ``warnings``,
``trace``, ``software_version`` and ``refdata_version``.
"""

from __future__ import annotations

import bisect
import dataclasses
import gc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from pydantic import TypeAdapter

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

Scalar = float | int | str | bool | None
T = TypeVar("T")
FrameKind = Literal["approaches", "assumptions", "trace", "assets", "warnings"]


@dataclass(frozen=True)
class ValueRange:
    """Low and high end of the concluded value."""

    low: float
    high: float
    basis: str = "approaches"


@dataclass(frozen=True)
class ApproachValue:
    """One approach's value and its reconciliation weight."""

    approach: Literal["income", "market", "cost", "option"]
    method: str
    id: str
    value: float
    weight: float
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class DistributionSummary:
    """Monte Carlo summary of the concluded value; ``seed`` reproduces the run."""

    mean: float
    std: float
    p5: float
    p50: float
    p95: float
    n: int
    seed: int
    rejected: int = 0
    percentiles: dict[str, float] = field(default_factory=dict)
    histogram: dict[str, list[float]] = field(default_factory=dict)


@dataclass(frozen=True)
class Assumption:
    """A figure the result depends on, with where it came from."""

    name: str
    value: Scalar
    unit: str | None
    source: str
    source_date: str | None = None
    confidence: str | None = None


@dataclass(frozen=True)
class ValuationWarning:
    """Something the reader must know (``code`` is stable, ``message`` is for people)."""

    code: str
    message: str


@dataclass(frozen=True)
class TraceStep:
    """One step of the calculation: scalar details and, for income methods, per-year rows."""

    step: str
    approach: str | None = None
    detail: dict[str, Scalar] = field(default_factory=dict)
    rows: Sequence[dict[str, Scalar]] = ()


@dataclass(frozen=True)
class SensitivityBar:
    """One-at-a-time sensitivity of the concluded value to one input (tornado bar)."""

    name: str
    low_input: float
    high_input: float
    low_value: float
    high_value: float


class LazySequence(Sequence[T]):
    """A read-only sequence whose items are built on access from columnar data.

    A 100,000-asset portfolio keeps its per-asset results as arrays; building one frozen object
    per asset (and per approach, and per trace row) would cost more than valuing them. Items
    are made by ``make(i)`` when read one at a time; iterating builds them all at once with
    ``make_all()`` (column-wise, the cyclic garbage collector paused) and keeps them. Compares
    equal to any sequence with equal items; :meth:`Valuation.to_json_dict` materialises it,
    so the JSON is that of a tuple of the items.
    """

    __slots__ = ("_all", "_make", "_make_all", "_n")

    def __init__(
        self, n: int, make: Callable[[int], T], make_all: Callable[[], Iterator[T]] | None = None
    ) -> None:
        self._n = n
        self._make = make
        self._make_all = make_all
        self._all: tuple[T, ...] | None = None

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: int) -> T: ...

    @overload
    def __getitem__(self, i: slice) -> tuple[T, ...]: ...

    def __getitem__(self, i: int | slice) -> T | tuple[T, ...]:
        if self._all is not None:
            return self._all[i]
        if isinstance(i, slice):
            return tuple(self._make(k) for k in range(*i.indices(self._n)))
        k = i + self._n if i < 0 else i
        if not 0 <= k < self._n:
            raise IndexError(i)
        return self._make(k)

    def __iter__(self) -> Iterator[T]:
        if self._all is None:
            enabled = gc.isenabled()
            gc.disable()  # a big portfolio holds millions of objects: no full passes meanwhile
            try:
                self._all = tuple(
                    self._make_all()
                    if self._make_all is not None
                    else map(self._make, range(self._n))
                )
            finally:
                if enabled:
                    gc.enable()
        return iter(self._all)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(other) == self._n and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LazySequence(<{self._n} items>)"


def flat_lazy(
    counts: Sequence[int],
    make: Callable[[int, int], T],
    make_all: Callable[[], Iterator[T]] | None = None,
) -> LazySequence[T]:
    """Items ``make(i, j)`` for ``j < counts[i]``, in order of ``i`` then ``j`` (e.g. every
    approach of every asset), located by bisection on the running totals."""
    if all(c == 1 for c in counts):
        return LazySequence(len(counts), lambda k: make(k, 0), make_all)
    ends: list[int] = []
    total = 0
    for c in counts:
        total += c
        ends.append(total)

    def item(k: int) -> T:
        i = bisect.bisect_right(ends, k)
        return make(i, k - (ends[i] - counts[i]))

    return LazySequence(total, item, make_all)


@dataclass(frozen=True)
class AssetResult:
    """One asset of a portfolio valuation."""

    id: str
    name: str
    type: str
    value: float
    range: ValueRange
    approaches: tuple[ApproachValue, ...]


@dataclass(frozen=True)
class Valuation:
    """The result of valuing a case.

    ``value`` is the concluded value in ``currency`` (unrounded); ``range`` is the spread of
    the weighted approaches or, when simulated, the 5th–95th percentile of the distribution.
    For a portfolio, ``assets`` holds one result per asset and ``value`` is the total after
    synergy.
    """

    case_id: str
    valuation_date: date
    value: float
    currency: str
    range: ValueRange
    approaches: Sequence[ApproachValue]
    assumptions: tuple[Assumption, ...]
    warnings: Sequence[ValuationWarning]
    trace: tuple[TraceStep, ...]
    software_version: str
    refdata_version: str | None
    distribution: DistributionSummary | None = None
    sensitivity: tuple[SensitivityBar, ...] = ()
    sanity_checks: tuple[TraceStep, ...] = ()
    assets: Sequence[AssetResult] = ()
    synergy: float | None = None

    def to_json_dict(self) -> dict[str, Any]:
        """The result as JSON-compatible data (public keys; ``distribution`` only if simulated)."""
        data: dict[str, Any] = _adapter().dump_python(self._materialised(), mode="json")
        if self.distribution is None:
            data.pop("distribution")
        if not self.assets:
            data.pop("assets")
            data.pop("synergy")
        return data

    def _materialised(self) -> Valuation:
        """The same result with lazy (columnar) sequences turned into tuples."""
        if not any(
            isinstance(x, LazySequence)
            for x in (self.assets, self.approaches, self.warnings, *(s.rows for s in self.trace))
        ):
            return self
        return dataclasses.replace(
            self,
            assets=tuple(self.assets),
            approaches=tuple(self.approaches),
            warnings=tuple(self.warnings),
            trace=tuple(dataclasses.replace(s, rows=tuple(s.rows)) for s in self.trace),
        )

    def to_frame(self, kind: FrameKind = "approaches") -> pd.DataFrame:
        """A pandas DataFrame of one part of the result.

        ``approaches`` (default): one row per approach plus a ``concluded`` row;
        ``trace``: the per-year rows of every income approach (column ``approach``);
        ``assumptions``, ``warnings``, ``assets``: one row each.
        """
        import pandas as pd

        if kind == "approaches":
            rows = [a.__dict__ for a in self.approaches]
            rows.append(
                {
                    "approach": "concluded",
                    "method": "reconciliation",
                    "id": "concluded",
                    "value": self.value,
                    "weight": 1.0,
                    "low": self.range.low,
                    "high": self.range.high,
                }
            )
            return pd.DataFrame(rows)
        if kind == "trace":
            return pd.DataFrame(
                [{"approach": s.approach, "step": s.step, **r} for s in self.trace for r in s.rows]
            )
        if kind == "assets":
            return pd.DataFrame(
                [
                    {
                        "id": a.id,
                        "name": a.name,
                        "type": a.type,
                        "value": a.value,
                        "low": a.range.low,
                        "high": a.range.high,
                    }
                    for a in self.assets
                ]
            )
        items = self.assumptions if kind == "assumptions" else self.warnings
        return pd.DataFrame([i.__dict__ for i in items])


@lru_cache(maxsize=1)
def _adapter() -> TypeAdapter[Valuation]:
    return TypeAdapter(Valuation)


def result_json_schema() -> dict[str, Any]:
    """JSON Schema of :meth:`Valuation.to_json_dict` output."""
    return _adapter().json_schema(mode="serialization")
